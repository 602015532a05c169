// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics, in the order the Prometheus exposition lists them. Each
 * computation reads one snapshot: an interval's (reports, gauges) or the
 * running total of a daemon's intervals (snapshot_accumulate: counters and
 * histograms).
 */
#include <string.h>
#include "model/hist.h"
#include "model/metrics.h"

/* ---- computations ------------------------------------------------------- */

static uint64_t cpu_works(const struct snapshot *s, uint32_t c)
{
	return s->cpu[MT_H_DRAIN_WAIT][c].count;
}

static uint64_t cpu_wait_p50(const struct snapshot *s, uint32_t c)
{
	return hist_percentile(&s->cpu[MT_H_DRAIN_WAIT][c], 50);
}

static uint64_t cpu_wait_p99(const struct snapshot *s, uint32_t c)
{
	return hist_percentile(&s->cpu[MT_H_DRAIN_WAIT][c], 99);
}

static uint64_t cpu_wait_max(const struct snapshot *s, uint32_t c)
{
	return s->cpu[MT_H_DRAIN_WAIT][c].max_ns;
}

/*
 * The longest wait on the CPU in the snapshot's interval (a daemon: since its
 * last write): work started in it, and work still pending at its age so far,
 * which a livelock keeps from ever starting.
 */
static uint64_t cpu_wait_window_max(const struct snapshot *s, uint32_t c)
{
	uint64_t max = s->cpu[MT_H_DRAIN_WAIT][c].max_ns;

	for (uint32_t i = 0; i < s->npending && i < SNAPSHOT_MAX_PENDING; i++)
		if (s->pending[i].cpu == c && s->pending[i].age_ns > max)
			max = s->pending[i].age_ns;
	return max;
}

static uint64_t cpu_exec_max(const struct snapshot *s, uint32_t c)
{
	return s->cpu[MT_H_DRAIN_EXEC][c].max_ns;
}

static uint64_t cpu_straggled(const struct snapshot *s, uint32_t c)
{
	return s->events.cpu[c].straggled;
}

static void cpu_wait_hist(const struct snapshot *s, uint32_t c, struct mt_hist *out)
{
	*out = s->cpu[MT_H_DRAIN_WAIT][c];
}

/* Every CPU's work items in one histogram. */
static void exec_hist(const struct snapshot *s, uint32_t label, struct mt_hist *out)
{
	(void)label;
	memset(out, 0, sizeof(*out));
	for (uint32_t c = 0; c < s->ncpus && c < MT_MAX_CPUS; c++)
		hist_merge(out, &s->cpu[MT_H_DRAIN_EXEC][c]);
}

#define GLOBAL_HIST(fn, id) \
	static void fn(const struct snapshot *s, uint32_t label, struct mt_hist *out) \
	{ (void)label; *out = *snapshot_hist(s, id); }
GLOBAL_HIST(drain_all_hist, MT_H_DRAIN_ALL)
GLOBAL_HIST(swap_page_hist, MT_H_SWAP_PAGE)
GLOBAL_HIST(folio_wait_hist, MT_H_FOLIO_WAIT)
GLOBAL_HIST(migrate_setup_hist, MT_H_MIGRATE_SETUP)
GLOBAL_HIST(migrate_hold_hist, MT_H_MIGRATE_HOLD)

/* A scalar field of the snapshot. */
#define FIELD(fn, expr) \
	static uint64_t fn(const struct snapshot *s, uint32_t label) { (void)label; return (expr); }
FIELD(state_full, s->state_full)
FIELD(malformed, s->malformed)
FIELD(drain_all_calls, s->events.drain_all.calls)
FIELD(drain_all_with_locks, s->events.drain_all.with_locks)
FIELD(drain_all_lost, s->events.drain_all.batches_evicted)
FIELD(fault_runs, s->events.faults.runs)
FIELD(fault_attempts, s->events.faults.attempts)
FIELD(fault_retries, s->events.faults.retries)
FIELD(migrate_setups, s->events.migrate.setups)
FIELD(migrate_setup_errors, s->events.migrate.setup_errors)
FIELD(migrate_pages, s->events.migrate.npages)
FIELD(migrate_cpages, s->events.migrate.cpages)
FIELD(migrate_finalizes, s->events.migrate.finalizes)
FIELD(folio_contended, s->events.folio.contended_unlocks)
FIELD(pending_cpus, s->npending)
FIELD(loader_start, s->loader.start_time_s)
FIELD(loader_write, s->loader.write_time_s)
FIELD(loader_intervals, s->loader.intervals)
FIELD(loader_rss, s->loader.rss_bytes)
FIELD(loader_cpu, s->loader.cpu_ns)
FIELD(loader_events, s->loader.events_read)
FIELD(loader_shedding, s->loader.shedding)
FIELD(loader_shed_episodes, s->loader.shed_episodes)
FIELD(loader_shed_ns, s->loader.shed_ns)
FIELD(loader_output_errors, s->loader.output_errors)
FIELD(loader_reopens, s->loader.reopens)
FIELD(loader_incidents_dropped, s->loader.incidents_dropped)
FIELD(loader_detect_tick, s->loader.detect_tick_ns)

static uint64_t one(const struct snapshot *s, uint32_t label)
{
	(void)s, (void)label;
	return 1;
}

static uint64_t events_by_type(const struct snapshot *s, uint32_t t)
{
	return s->events.events[t];
}

static uint64_t dropped_by_type(const struct snapshot *s, uint32_t t)
{
	return s->dropped[t];
}

/* Label 2 * site + (0: ok, 1: failed). */
static uint64_t trylocks(const struct snapshot *s, uint32_t l)
{
	return l % 2 ? s->events.trylock_fail[l / 2] : s->events.trylock_ok[l / 2];
}

static uint64_t pending_max_age(const struct snapshot *s, uint32_t label)
{
	uint64_t max = 0;

	(void)label;
	for (uint32_t i = 0; i < s->npending && i < SNAPSHOT_MAX_PENDING; i++)
		if (s->pending[i].age_ns > max)
			max = s->pending[i].age_ns;
	return max;
}

static uint64_t open_runs(const struct snapshot *s, uint32_t label)
{
	uint64_t n = 0;

	(void)label;
	while (n < STATS_TOP && s->open_runs[n].attempts)
		n++;
	return n;
}

static uint64_t open_run_max_attempts(const struct snapshot *s, uint32_t label)
{
	uint64_t max = 0;

	(void)label;
	for (int i = 0; i < STATS_TOP && s->open_runs[i].attempts; i++)
		if (s->open_runs[i].attempts > max)
			max = s->open_runs[i].attempts;
	return max;
}

/* A field of the incident totals of kind k. */
#define KIND_FIELD(fn, field) \
	static uint64_t fn(const struct snapshot *s, uint32_t k) { return s->incidents[k].field; }
KIND_FIELD(incidents, count)
KIND_FIELD(incidents_open, open)
KIND_FIELD(incidents_total_ns, total_ns)
KIND_FIELD(incidents_max_ns, max_ns)

/* ---- the table ----------------------------------------------------------- */

#define COUNTER(n, l, fn, h) \
	{ .name = n, .type = METRIC_COUNTER, .label = l, .value = fn, .help = h, .hist_id = -1 }
#define GAUGE(n, u, fn, h) \
	{ .name = n, .type = METRIC_GAUGE, .unit = u, .value = fn, .help = h, .hist_id = -1 }
#define HIST(n, id, fn, h) \
	{ .name = n, .type = METRIC_HISTOGRAM, .unit = UNIT_NS, .hist = fn, .help = h, .hist_id = id }
/* A column of the per-CPU drain table only. */
#define COLUMN(j, col, w, u, fn, h) \
	{ .type = METRIC_GAUGE, .unit = u, .label = LABEL_CPU, .json = j, .column = col, \
	  .width = w, .value = fn, .help = h, .hist_id = -1 }
#define DAEMON(n, t, u, fn, h) \
	{ .name = n, .type = t, .unit = u, .when = WHEN_LOADER, .value = fn, .help = h, \
	  .hist_id = -1 }

const struct metric_def metric_defs[] = {
	COUNTER("events", LABEL_EVENT_TYPE, events_by_type, "Ring buffer records consumed, by type"),
	COUNTER("records_dropped", LABEL_EVENT_TYPE, dropped_by_type,
		"Records lost in the kernel because the ring buffer was full (load shed included)"),
	COUNTER("state_full", LABEL_NONE, state_full,
		"BPF state updates refused because a table was full"),
	COUNTER("bad_records", LABEL_NONE, malformed, "Ring buffer records of the wrong size"),
	COLUMN("works", "WORKS", 8, UNIT_COUNT, cpu_works,
	       "lru_add_drain_per_cpu work items started on the CPU"),
	COLUMN("wait_p50_ns", "WAIT_P50", 9, UNIT_NS, cpu_wait_p50,
	       "Median lru_add_drain_per_cpu queued -> started on the CPU"),
	COLUMN("wait_p99_ns", "WAIT_P99", 9, UNIT_NS, cpu_wait_p99,
	       "99th percentile of lru_add_drain_per_cpu queued -> started on the CPU"),
	COLUMN("wait_max_ns", "WAIT_MAX", 9, UNIT_NS, cpu_wait_max,
	       "Longest lru_add_drain_per_cpu queued -> started of work started on the CPU"),
	{ .name = "drain_wait_max", .type = METRIC_GAUGE, .unit = UNIT_NS, .label = LABEL_CPU,
	  .json = "wait_window_max_ns", .column = "WIN_MAX", .width = 9,
	  .value = cpu_wait_window_max, .hist_id = -1,
	  .help = "Longest lru_add_drain_per_cpu queued -> started on the CPU in the last "
		  "interval, work still pending counted at its age" },
	COLUMN("exec_max_ns", "EXEC_MAX", 9, UNIT_NS, cpu_exec_max,
	       "Longest lru_add_drain_per_cpu started -> ended on the CPU"),
	{ .name = "drain_last", .type = METRIC_COUNTER, .label = LABEL_CPU, .json = "straggled",
	  .column = "LAST", .width = 9, .value = cpu_straggled, .hist_id = -1,
	  .help = "Times a CPU finished last in an lru_add_drain_all" },
	COUNTER("drain_all_calls", LABEL_NONE, drain_all_calls, "lru_add_drain_all calls seen"),
	COUNTER("drain_all_with_locks", LABEL_NONE, drain_all_with_locks,
		"lru_add_drain_all calls made while holding folio locks"),
	COUNTER("drain_all_lost", LABEL_NONE, drain_all_lost,
		"Rebuilt lru_add_drain_all calls lost track of"),
	COUNTER("fault_runs", LABEL_NONE, fault_runs,
		"Ended runs of 3 or more faults by one task on one page"),
	COUNTER("fault_attempts", LABEL_NONE, fault_attempts, "Faults in those runs"),
	COUNTER("fault_retries", LABEL_NONE, fault_retries,
		"Faults in those runs beyond the ones needed without contention"),
	COUNTER("migrate_setups", LABEL_NONE, migrate_setups, "Migrate setups"),
	COUNTER("migrate_setup_errors", LABEL_NONE, migrate_setup_errors,
		"Migrate setups that returned an error"),
	COUNTER("migrate_pages", LABEL_NONE, migrate_pages, "Pages asked to migrate"),
	COUNTER("migrate_pages_collected", LABEL_NONE, migrate_cpages,
		"Pages collected (locked) by migrate setup"),
	COUNTER("migrate_finalizes", LABEL_NONE, migrate_finalizes, "Migrate finalizes"),
	COUNTER("folio_contended_unlocks", LABEL_NONE, folio_contended,
		"folio_unlock calls on folios with waiters"),
	COUNTER("trylock", LABEL_TRYLOCK, trylocks,
		"Folio trylock outcomes (lab kernels' tracepoints)"),
	{ .name = "drain_wait", .type = METRIC_HISTOGRAM, .unit = UNIT_NS, .label = LABEL_CPU,
	  .hist = cpu_wait_hist, .hist_id = MT_H_DRAIN_WAIT,
	  .help = "lru_add_drain_per_cpu work queued -> started, per target CPU" },
	HIST("drain_exec", MT_H_DRAIN_EXEC, exec_hist,
	     "lru_add_drain_per_cpu work started -> ended, all CPUs"),
	HIST("drain_all", MT_H_DRAIN_ALL, drain_all_hist,
	     "lru_add_drain_all latency (measured, or rebuilt from its work items)"),
	HIST("do_swap_page", MT_H_SWAP_PAGE, swap_page_hist, "do_swap_page latency"),
	HIST("folio_lock_wait", MT_H_FOLIO_WAIT, folio_wait_hist, "__folio_lock sleeps"),
	HIST("migrate_setup", MT_H_MIGRATE_SETUP, migrate_setup_hist,
	     "migrate setup (collect + lock + unmap)"),
	HIST("migrate_hold", MT_H_MIGRATE_HOLD, migrate_hold_hist,
	     "folio locks held: collected -> finalize"),
	GAUGE("drain_pending_cpus", UNIT_COUNT, pending_cpus,
	      "CPUs with drain work queued and not started at the last report"),
	GAUGE("drain_pending_max_age", UNIT_NS, pending_max_age,
	      "Age of the oldest drain work not started at the last report"),
	GAUGE("fault_runs_open", UNIT_COUNT, open_runs,
	      "Fault runs of 3 or more still going at the last report (up to 8)"),
	GAUGE("fault_run_open_max_attempts", UNIT_COUNT, open_run_max_attempts,
	      "Faults in the longest run still going at the last report"),
	{ .name = "hook_info", .type = METRIC_GAUGE, .label = LABEL_HOOK, .when = WHEN_HOOKS_KNOWN,
	  .value = one, .hist_id = -1,
	  .help = "1 for each hook, with the mechanism that traces it (none: blind)" },
	{ .name = "incidents", .type = METRIC_COUNTER, .label = LABEL_KIND, .when = WHEN_DETECTING,
	  .value = incidents, .hist_id = -1, .help = "Incidents the detectors opened, by kind" },
	{ .name = "incidents_open", .type = METRIC_GAUGE, .label = LABEL_KIND,
	  .when = WHEN_DETECTING, .value = incidents_open, .hist_id = -1,
	  .help = "Incidents open now, by kind" },
	{ .name = "incident", .type = METRIC_COUNTER, .unit = UNIT_NS, .label = LABEL_KIND,
	  .when = WHEN_DETECTING, .value = incidents_total_ns, .hist_id = -1,
	  .help = "Time ended incidents lasted" },
	{ .name = "incident_max", .type = METRIC_GAUGE, .unit = UNIT_NS, .label = LABEL_KIND,
	  .when = WHEN_DETECTING, .value = incidents_max_ns, .hist_id = -1,
	  .help = "Longest ended incident" },
	DAEMON("daemon_start_time", METRIC_GAUGE, UNIT_UNIX_S, loader_start,
	       "Unix time the daemon started"),
	DAEMON("daemon_last_write_time", METRIC_GAUGE, UNIT_UNIX_S, loader_write,
	       "Unix time this file was written: alert when it grows old"),
	DAEMON("daemon_intervals", METRIC_COUNTER, UNIT_COUNT, loader_intervals,
	       "Interval reports folded into these totals"),
	DAEMON("daemon_resident_memory", METRIC_GAUGE, UNIT_BYTES, loader_rss,
	       "Resident memory of the daemon"),
	DAEMON("daemon_cpu", METRIC_COUNTER, UNIT_NS, loader_cpu,
	       "User and system CPU time of the daemon"),
	DAEMON("daemon_records", METRIC_COUNTER, UNIT_COUNT, loader_events,
	       "Ring buffer records the daemon consumed"),
	DAEMON("daemon_shedding", METRIC_GAUGE, UNIT_COUNT, loader_shedding,
	       "1 while overloaded: records are sampled, kernel histograms stay exact"),
	DAEMON("daemon_shed_episodes", METRIC_COUNTER, UNIT_COUNT, loader_shed_episodes,
	       "Times the daemon started shedding load"),
	DAEMON("daemon_shed", METRIC_COUNTER, UNIT_NS, loader_shed_ns, "Time spent shedding load"),
	DAEMON("daemon_output_errors", METRIC_COUNTER, UNIT_COUNT, loader_output_errors,
	       "Output writes that failed"),
	DAEMON("daemon_reopens", METRIC_COUNTER, UNIT_COUNT, loader_reopens,
	       "Output files reopened on SIGHUP"),
	{ .name = "daemon_evicted", .type = METRIC_COUNTER, .label = LABEL_TABLE,
	  .when = WHEN_LOADER, .value = loader_incidents_dropped, .hist_id = -1,
	  .help = "Entries lost because a fixed-size user-space table was full" },
	DAEMON("daemon_detect_tick", METRIC_GAUGE, UNIT_NS, loader_detect_tick,
	       "Time between detector ticks (longer when tables are large)"),
};

const size_t metric_count = sizeof(metric_defs) / sizeof(metric_defs[0]);

const struct metric_def *metric_by_name(const char *name)
{
	for (size_t i = 0; i < metric_count; i++)
		if (metric_defs[i].name && !strcmp(metric_defs[i].name, name))
			return &metric_defs[i];
	return NULL;
}

const struct metric_def *metric_by_hist(int hist_id)
{
	for (size_t i = 0; i < metric_count; i++)
		if (metric_defs[i].hist_id == hist_id)
			return &metric_defs[i];
	return NULL;
}

uint32_t metric_label_count(enum metric_label l)
{
	switch (l) {
	case LABEL_CPU:
		return MT_MAX_CPUS;
	case LABEL_EVENT_TYPE:
		return MT_EV_TYPE_MAX;
	case LABEL_TRYLOCK:
		return 4;
	case LABEL_HOOK:
		return HOOK_MAX;
	case LABEL_KIND:
		return INC_KIND_MAX;
	default:
		return 1;
	}
}

bool metric_defined(const struct metric_def *m, const struct snapshot *s)
{
	switch (m->when) {
	case WHEN_HOOKS_KNOWN:
		return s->hooks_known;
	case WHEN_DETECTING:
		return s->detecting;
	case WHEN_LOADER:
		return s->loader.known;
	default:
		return true;
	}
}
