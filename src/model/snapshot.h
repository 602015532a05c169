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
	struct fault_run open_runs[STATS_TOP];	/* runs not yet ended, most attempts first */
	uint64_t dropped[MT_EV_TYPE_MAX];
	uint64_t dropped_total;
	uint64_t state_full;		/* BPF state tables full */
	uint64_t malformed;		/* ring buffer events of the wrong size */
	bool detecting;			/* incidents below are meaningful */
	struct incident_totals incidents[INC_KIND_MAX];
	struct event_stats events;	/* what the interval's events add up to */
};

/*
 * A kernel histogram of the snapshot; lru_add_drain_all's is the one rebuilt
 * from its work items where the function itself is not hooked.
 */
const struct mt_hist *snapshot_hist(const struct snapshot *s, enum mt_hist_id id);

#endif
