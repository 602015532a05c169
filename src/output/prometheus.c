// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/snapshot.h"
#include "output/hist_print.h"
#include "output/names.h"
#include "model/hist.h"
#include "output/prometheus.h"
#include "model/units.h"

void prom_accumulate(struct prom_totals *t, const struct snapshot *r)
{
	const struct event_stats *a = &r->events;

	if (r->ncpus > t->ncpus)
		t->ncpus = r->ncpus < MT_MAX_CPUS ? r->ncpus : MT_MAX_CPUS;
	for (uint32_t c = 0; c < t->ncpus; c++) {
		hist_merge(&t->drain_wait[c], &r->cpu[MT_H_DRAIN_WAIT][c]);
		hist_merge(&t->global[MT_H_DRAIN_EXEC], &r->cpu[MT_H_DRAIN_EXEC][c]);
		if (r->cpu[MT_H_DRAIN_WAIT][c].count || a->cpu[c].works)
			t->cpu_seen[c] = true;
		t->straggled[c] += a->cpu[c].straggled;
	}
	for (int id = MT_H_PER_CPU; id < MT_H_MAX; id++)
		hist_merge(&t->global[id], snapshot_hist(r, id));
	/* The kernel's loss counters are totals since the start already. */
	memcpy(t->dropped, r->dropped, sizeof(t->dropped));
	t->state_full = r->state_full;
	t->malformed = r->malformed;

	t->pending_cpus = r->npending;
	t->pending_max_age_ns = 0;
	for (uint32_t i = 0; i < r->npending; i++)
		if (r->pending[i].age_ns > t->pending_max_age_ns)
			t->pending_max_age_ns = r->pending[i].age_ns;
	t->open_runs = 0;
	t->open_run_max_attempts = 0;
	for (int i = 0; i < STATS_TOP && r->open_runs[i].attempts; i++) {
		t->open_runs++;
		if (r->open_runs[i].attempts > t->open_run_max_attempts)
			t->open_run_max_attempts = r->open_runs[i].attempts;
	}
	if (r->detecting) {
		t->detecting = true;
		memcpy(t->incidents, r->incidents, sizeof(t->incidents));
	}
	if (r->hooks_known) {
		memcpy(t->hooks, r->hooks, sizeof(t->hooks));
		t->have_hooks = true;
	}
	for (int e = 0; e < MT_EV_TYPE_MAX; e++)
		t->events[e] += a->events[e];
	t->drain_all_calls += a->drain_all.calls;
	t->drain_all_with_locks += a->drain_all.with_locks;
	t->drain_all_lost += a->drain_all.batches_evicted;
	t->fault_runs += a->faults.runs;
	t->fault_attempts += a->faults.attempts;
	t->fault_retries += a->faults.retries;
	t->migrate_setups += a->migrate.setups;
	t->migrate_setup_errors += a->migrate.setup_errors;
	t->migrate_npages += a->migrate.npages;
	t->migrate_cpages += a->migrate.cpages;
	t->migrate_finalizes += a->migrate.finalizes;
	t->folio_contended_unlocks += a->folio.contended_unlocks;
	for (int s = 0; s < 2; s++) {
		t->trylock_ok[s] += a->trylock_ok[s];
		t->trylock_fail[s] += a->trylock_fail[s];
	}
}

void prom_label_value(FILE *out, const char *v)
{
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(FILE *out, const char *name, uint64_t v)
{
	fprintf(out, "%s %llu\n", name, (unsigned long long)v);
}

static void metric(FILE *out, const char *name, const char *type, const char *help, uint64_t v)
{
	family(out, name, type, help);
	sample(out, name, v);
}

/* Nanoseconds as seconds, exactly: no floating point rounding. */
static void seconds(FILE *out, uint64_t ns)
{
	fprintf(out, "%llu.%09llu", (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC));
}

static void seconds_metric(FILE *out, const char *name, const char *type, const char *help,
			   uint64_t ns)
{
	family(out, name, type, help);
	fprintf(out, "%s ", name);
	seconds(out, ns);
	fputc('\n', out);
}

/*
 * One histogram's samples. labels: "" or `cpu="3"`. Buckets are cumulative
 * and never above _count, even if the kernel's slots and count disagree.
 */
static void hist_samples(FILE *out, const char *name, const char *labels,
			 const struct mt_hist *h)
{
	const char *sep = labels[0] ? "," : "";
	uint64_t cum = 0;

	for (unsigned int s = 0; s < MT_HIST_SLOTS; s++) {
		cum += h->slots[s];
		if (s < PROM_FIRST_SLOT || s == MT_HIST_SLOTS - 1)
			continue;
		/* Slot s holds [2^s, 2^(s+1)) ns: all of it is <= 2^(s+1) ns. */
		fprintf(out, "%s_bucket{%s%sle=\"", name, labels, sep);
		seconds(out, 1ULL << (s + 1));
		fprintf(out, "\"} %llu\n", (unsigned long long)(cum < h->count ? cum : h->count));
	}
	fprintf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
		(unsigned long long)h->count);
	fprintf(out, "%s_sum%s%s%s ", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "");
	seconds(out, h->sum_ns);
	fprintf(out, "\n%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
		labels[0] ? "}" : "", (unsigned long long)h->count);
}

static void write_hists(FILE *out, const struct prom_totals *t)
{
	static const struct {
		int id;
		const char *name, *help;
	} hists[] = {
		{ MT_H_DRAIN_EXEC, "migtrace_drain_exec_seconds",
		  "lru_add_drain_per_cpu work started -> ended, all CPUs" },
		{ MT_H_DRAIN_ALL, "migtrace_drain_all_seconds",
		  "lru_add_drain_all latency (measured, or rebuilt from its work items)" },
		{ MT_H_SWAP_PAGE, "migtrace_do_swap_page_seconds", "do_swap_page latency" },
		{ MT_H_FOLIO_WAIT, "migtrace_folio_lock_wait_seconds", "__folio_lock sleeps" },
		{ MT_H_MIGRATE_SETUP, "migtrace_migrate_setup_seconds",
		  "migrate setup (collect + lock + unmap)" },
		{ MT_H_MIGRATE_HOLD, "migtrace_migrate_hold_seconds",
		  "folio locks held: collected -> finalize" },
	};
	char labels[32];

	family(out, "migtrace_drain_wait_seconds", "histogram",
	       "lru_add_drain_per_cpu work queued -> started, per target CPU");
	for (uint32_t c = 0; c < t->ncpus; c++) {
		if (!t->cpu_seen[c])
			continue;
		snprintf(labels, sizeof(labels), "cpu=\"%u\"", c);
		hist_samples(out, "migtrace_drain_wait_seconds", labels, &t->drain_wait[c]);
	}
	for (size_t i = 0; i < sizeof(hists) / sizeof(hists[0]); i++) {
		family(out, hists[i].name, "histogram", hists[i].help);
		hist_samples(out, hists[i].name, "", &t->global[hists[i].id]);
	}
}

static void write_counters(FILE *out, const struct prom_totals *t)
{
	static const char *const sites[] = { "do_swap_page", "collect" };

	family(out, "migtrace_events_total", "counter",
	       "Ring buffer records consumed, by type");
	for (int e = 1; e < MT_EV_TYPE_MAX; e++)
		fprintf(out, "migtrace_events_total{type=\"%s\"} %llu\n", event_type_name(e),
			(unsigned long long)t->events[e]);
	family(out, "migtrace_records_dropped_total", "counter",
	       "Records lost in the kernel because the ring buffer was full (load shed included)");
	for (int e = 1; e < MT_EV_TYPE_MAX; e++)
		fprintf(out, "migtrace_records_dropped_total{type=\"%s\"} %llu\n",
			event_type_name(e), (unsigned long long)t->dropped[e]);
	metric(out, "migtrace_state_full_total", "counter",
	       "BPF state updates refused because a table was full", t->state_full);
	metric(out, "migtrace_bad_records_total", "counter",
	       "Ring buffer records of the wrong size", t->malformed);

	family(out, "migtrace_drain_last_total", "counter",
	       "Times a CPU finished last in an lru_add_drain_all");
	for (uint32_t c = 0; c < t->ncpus; c++)
		if (t->cpu_seen[c])
			fprintf(out, "migtrace_drain_last_total{cpu=\"%u\"} %llu\n", c,
				(unsigned long long)t->straggled[c]);
	metric(out, "migtrace_drain_all_calls_total", "counter",
	       "lru_add_drain_all calls seen", t->drain_all_calls);
	metric(out, "migtrace_drain_all_with_locks_total", "counter",
	       "lru_add_drain_all calls made while holding folio locks", t->drain_all_with_locks);
	metric(out, "migtrace_drain_all_lost_total", "counter",
	       "Rebuilt lru_add_drain_all calls lost track of", t->drain_all_lost);
	metric(out, "migtrace_fault_runs_total", "counter",
	       "Ended runs of 3 or more faults by one task on one page", t->fault_runs);
	metric(out, "migtrace_fault_attempts_total", "counter",
	       "Faults in those runs", t->fault_attempts);
	metric(out, "migtrace_fault_retries_total", "counter",
	       "Faults in those runs beyond the ones needed without contention", t->fault_retries);
	metric(out, "migtrace_migrate_setups_total", "counter", "Migrate setups",
	       t->migrate_setups);
	metric(out, "migtrace_migrate_setup_errors_total", "counter",
	       "Migrate setups that returned an error", t->migrate_setup_errors);
	metric(out, "migtrace_migrate_pages_total", "counter", "Pages asked to migrate",
	       t->migrate_npages);
	metric(out, "migtrace_migrate_pages_collected_total", "counter",
	       "Pages collected (locked) by migrate setup", t->migrate_cpages);
	metric(out, "migtrace_migrate_finalizes_total", "counter", "Migrate finalizes",
	       t->migrate_finalizes);
	metric(out, "migtrace_folio_contended_unlocks_total", "counter",
	       "folio_unlock calls on folios with waiters", t->folio_contended_unlocks);
	family(out, "migtrace_trylock_total", "counter",
	       "Folio trylock outcomes (lab kernels' tracepoints)");
	for (int s = 0; s < 2; s++) {
		fprintf(out, "migtrace_trylock_total{site=\"%s\",outcome=\"ok\"} %llu\n", sites[s],
			(unsigned long long)t->trylock_ok[s]);
		fprintf(out, "migtrace_trylock_total{site=\"%s\",outcome=\"failed\"} %llu\n",
			sites[s], (unsigned long long)t->trylock_fail[s]);
	}
}

static void write_gauges(FILE *out, const struct prom_totals *t)
{
	metric(out, "migtrace_drain_pending_cpus", "gauge",
	       "CPUs with drain work queued and not started at the last report", t->pending_cpus);
	seconds_metric(out, "migtrace_drain_pending_max_age_seconds", "gauge",
		       "Age of the oldest drain work not started at the last report",
		       t->pending_max_age_ns);
	metric(out, "migtrace_fault_runs_open", "gauge",
	       "Fault runs of 3 or more still going at the last report (up to 8)", t->open_runs);
	metric(out, "migtrace_fault_run_open_max_attempts", "gauge",
	       "Faults in the longest run still going at the last report",
	       t->open_run_max_attempts);
	if (!t->have_hooks)
		return;
	family(out, "migtrace_hook_info", "gauge",
	       "1 for each hook, with the mechanism that traces it (none: blind)");
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		fprintf(out, "migtrace_hook_info{hook=");
		prom_label_value(out, hook_defs[i].name);
		fprintf(out, ",mechanism=\"%s\",approximate=\"%s\"} 1\n",
			mechanism_name(t->hooks[i].mech), t->hooks[i].approximate ? "true" : "false");
	}
}

static void write_incidents(FILE *out, const struct prom_totals *t)
{
	static const struct {
		const char *name, *type, *help;
	} fams[] = {
		{ "migtrace_incidents_total", "counter", "Incidents the detectors opened, by kind" },
		{ "migtrace_incidents_open", "gauge", "Incidents open now, by kind" },
		{ "migtrace_incident_seconds_total", "counter", "Time ended incidents lasted" },
		{ "migtrace_incident_max_seconds", "gauge", "Longest ended incident" },
	};

	if (!t->detecting)
		return;
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		family(out, fams[f].name, fams[f].type, fams[f].help);
		for (int k = 0; k < INC_KIND_MAX; k++) {
			const struct incident_totals *it = &t->incidents[k];

			fprintf(out, "%s{kind=", fams[f].name);
			prom_label_value(out, incident_kind_name(k));
			fputs("} ", out);
			if (f == 0)
				fprintf(out, "%llu\n", (unsigned long long)it->count);
			else if (f == 1)
				fprintf(out, "%llu\n", (unsigned long long)it->open);
			else {
				seconds(out, f == 2 ? it->total_ns : it->max_ns);
				fputc('\n', out);
			}
		}
	}
}

static void write_daemon(FILE *out, const struct prom_daemon *d)
{
	metric(out, "migtrace_daemon_start_time_seconds", "gauge",
	       "Unix time the daemon started", d->start_time_s);
	metric(out, "migtrace_daemon_last_write_time_seconds", "gauge",
	       "Unix time this file was written: alert when it grows old", d->write_time_s);
	metric(out, "migtrace_daemon_intervals_total", "counter",
	       "Interval reports folded into these totals", d->intervals);
	metric(out, "migtrace_daemon_resident_memory_bytes", "gauge",
	       "Resident memory of the daemon", d->rss_bytes);
	seconds_metric(out, "migtrace_daemon_cpu_seconds_total", "counter",
		       "User and system CPU time of the daemon", d->cpu_ns);
	metric(out, "migtrace_daemon_records_total", "counter",
	       "Ring buffer records the daemon consumed", d->records);
	metric(out, "migtrace_daemon_shedding", "gauge",
	       "1 while overloaded: records are sampled, kernel histograms stay exact",
	       d->shedding);
	metric(out, "migtrace_daemon_shed_episodes_total", "counter",
	       "Times the daemon started shedding load", d->shed_episodes);
	seconds_metric(out, "migtrace_daemon_shed_seconds_total", "counter",
		       "Time spent shedding load", d->shed_ns);
	metric(out, "migtrace_daemon_output_errors_total", "counter",
	       "Output writes that failed", d->output_errors);
	metric(out, "migtrace_daemon_reopens_total", "counter",
	       "Output files reopened on SIGHUP", d->reopens);
	family(out, "migtrace_daemon_evicted_total", "counter",
	       "Entries lost because a fixed-size user-space table was full");
	fprintf(out, "migtrace_daemon_evicted_total{table=\"open_incidents\"} %llu\n",
		(unsigned long long)d->incidents_dropped);
	seconds_metric(out, "migtrace_daemon_detect_tick_seconds", "gauge",
		       "Time between detector ticks (longer when tables are large)",
		       d->detect_tick_ns);
}

void prom_write(FILE *out, const struct prom_totals *t, const struct prom_daemon *d)
{
	write_counters(out, t);
	write_hists(out, t);
	write_gauges(out, t);
	write_incidents(out, t);
	if (d)
		write_daemon(out, d);
}
