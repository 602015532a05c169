/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model: what is known at one moment of a run (an interval or the
 * whole of it), whether read from the live kernel, decoded from a record or
 * built by a test. Reports, Prometheus, records and the detectors all read
 * this one struct. It holds its data by value: a snapshot outlives the
 * session or replay it was taken from.
 */
#ifndef MIGTRACE_SNAPSHOT_H
#define MIGTRACE_SNAPSHOT_H

#include <stdbool.h>
#include "model/event_stats.h"
#include "model/hooks.h"
#include "model/incident.h"
#include "model/kernel_report.h"
#include "migtrace.h"

#define SNAPSHOT_MAX_PENDING 64

/*
 * Drain work queued on a CPU and not started when the snapshot was taken,
 * with what the kernel's tables say about its parties at that moment.
 */
struct pending_drain {
	uint32_t cpu;
	uint64_t age_ns;
	struct mt_task queuer;		/* waits in lru_add_drain_all */
	struct mt_task occupant;	/* on that CPU now */
	uint64_t occupant_ns;		/* its time on the CPU since the work was queued */
	struct mt_task blocker;		/* who ran longest there since queued (switched out) */
	uint64_t blocker_ns;
	/* The queuer holds locked folios (kernel holders table). */
	enum evidence queuer_holds;
	uint64_t held_ns, held_start, held_end, held_pages;
	/* The occupant's fault run (kernel fault_runs table, by its pid). */
	bool occupant_run_seen;
	struct fault_run occupant_run;
	bool runs_lost;			/* the fault-run table refused entries: a miss is unknown */
	bool found_at_attach;		/* already pending when migtrace attached: age is a lower bound */
	/*
	 * The queuer's kernel stack (at queueing, or read at attach): yes when
	 * it waits on the drain from inside migrate_device_unmap() (collected
	 * folios locked); unknown otherwise (a stack does not show absent locks).
	 */
	enum evidence queuer_stack_holds;
	/*
	 * The CPU's running task as sampled (perf_event) since the work was
	 * queued: samples taken on the occupant, those in user mode, those in
	 * the fault path of a device-private page (hmm_range_fault, do_swap_page,
	 * a driver's migrate_to_ram). samples_known: the sampler ran here.
	 */
	bool samples_known;
	uint32_t samples, samples_user, samples_fault;
	bool occupant_kworker;		/* a workqueue worker running a work item */
	char occupant_work_func[48];	/* its work function, symbolized */
	struct contended_skips queuer_contended, occupant_contended;
};

/*
 * A task waiting in lru_add_drain_all() that is not the queuer of the work
 * it waits for: __lru_add_drain_all() is serialised by a mutex, so a second
 * caller waits for the first one's work. Holders among them are waiters too.
 */
#define SNAPSHOT_MAX_DRAIN_WAITERS 8
struct drain_waiter {
	struct mt_task task;
	uint64_t waiting_ns;		/* since it entered lru_add_drain_all */
	enum evidence holds;		/* holds locked folios (holders table) */
	uint64_t held_ns, held_start, held_end, held_pages;
};

/* What the loader (user space) says about itself: filled by the daemon. */
struct loader_stats {
	bool known;
	uint64_t start_time_s;		/* Unix time the daemon started */
	uint64_t write_time_s;		/* Unix time of this snapshot's outputs */
	uint64_t intervals;		/* reports so far */
	uint64_t rss_bytes;
	uint64_t cpu_ns;		/* user + system time */
	uint64_t events_read;		/* ring buffer events consumed */
	bool shedding;			/* aggregate-only mode now */
	uint64_t shed_episodes;		/* times it entered aggregate-only mode */
	uint64_t shed_ns;		/* time spent in it */
	uint64_t output_errors;		/* writes that failed (disk full, closed pipe) */
	uint64_t reopens;		/* SIGHUPs honoured */
	uint64_t detect_tick_ns;	/* between detector ticks now (0: no detectors) */
	uint64_t incidents_dropped;	/* detectors' open-incident table full */
};

struct snapshot {
	struct hook_status hooks[HOOK_MAX];
	bool hooks_known;		/* hooks[] says what was traced */
	uint32_t ncpus;
	uint64_t duration_ns;
	struct mt_hist global[MT_H_MAX];
	struct mt_hist cpu[MT_H_PER_CPU][MT_MAX_CPUS];
	struct pending_drain pending[SNAPSHOT_MAX_PENDING];
	uint32_t npending;
	struct drain_waiter drain_waiters[SNAPSHOT_MAX_DRAIN_WAITERS];
	uint32_t ndrain_waiters;
	struct fault_run open_runs[STATS_TOP];	/* runs not yet ended, most attempts first */
	uint64_t dropped[MT_EV_TYPE_MAX];
	uint64_t dropped_total;
	uint64_t state_full;		/* BPF state tables full */
	uint64_t malformed;		/* ring buffer events of the wrong size */
	bool detecting;			/* incidents below are meaningful */
	struct incident_totals incidents[INC_KIND_MAX];
	struct event_stats events;	/* what the interval's events add up to */
	struct loader_stats loader;
	struct kernel_log_state kernel_log;	/* the kernel's own reports, counted since the start */
};

/*
 * A kernel histogram of the snapshot; lru_add_drain_all's is the one rebuilt
 * from its work items where the function itself is not hooked.
 */
const struct mt_hist *snapshot_hist(const struct snapshot *s, enum mt_hist_id id);

/*
 * Fold one interval's snapshot into a running total (a daemon's life):
 * what an interval counts is added (events, histograms), what the kernel
 * or the loader keeps since the start is replaced (drops, incident totals,
 * loader stats), and what is "now" (pending work, open runs, hooks) is the
 * latest.
 */
void snapshot_accumulate(struct snapshot *total, const struct snapshot *s);

/* CPU c had drain work in s: started, completed or pending. */
bool snapshot_drain_cpu(const struct snapshot *s, uint32_t c);

#endif
