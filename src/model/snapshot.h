/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model: what is known at one moment of a run (an interval or the
 * whole of it), whether read from the live kernel, decoded from a record or
 * built by a test. Reports, Prometheus, records and the detectors all read
 * this one struct.
 */
#ifndef MIGTRACE_SNAPSHOT_H
#define MIGTRACE_SNAPSHOT_H

#include <stdbool.h>
#include "core/aggregate.h"
#include "model/hooks.h"
#include "model/incident.h"
#include "migtrace.h"

#define SNAPSHOT_MAX_PENDING 64

/* Drain work queued on a CPU and not started when the report was taken. */
struct pending_drain {
	uint32_t cpu;
	uint64_t age_ns;
	struct mt_task queuer;
	struct mt_task occupant;	/* on that CPU now */
	uint64_t occupant_ns;		/* for how long */
	struct mt_task blocker;		/* longest runner there since queued (switched out) */
	uint64_t blocker_ns;
};

struct snapshot {
	const struct agg *agg;
	const struct hook_status *hooks;
	uint32_t ncpus;
	uint64_t duration_ns;
	struct mt_hist global[MT_H_MAX];
	struct mt_hist cpu[MT_H_PER_CPU][MT_MAX_CPUS];
	struct pending_drain pending[SNAPSHOT_MAX_PENDING];
	uint32_t npending;
	struct agg_run open_runs[AGG_TOP];	/* runs not yet ended, most attempts first */
	uint64_t dropped[MT_EV_TYPE_MAX];
	uint64_t dropped_total;
	uint64_t state_full;		/* BPF state tables full */
	uint64_t bad_records;		/* ring buffer records of the wrong size */
	bool detecting;			/* incidents below are meaningful */
	struct incident_totals incidents[INC_KIND_MAX];
};

/*
 * A kernel histogram of the snapshot; lru_add_drain_all's is the one rebuilt
 * from its work items where the function itself is not hooked.
 */
const struct mt_hist *snapshot_hist(const struct snapshot *s, enum mt_hist_id id);

#endif
