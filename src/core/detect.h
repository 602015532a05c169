/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Livelock detectors. From frequent light snapshots of kernel state (drain
 * work pending per CPU; its queuer's locked folios; who is on that CPU and
 * that task's fault run; fault runs still going) decide which incidents are
 * open, each with the most specific kind its evidence proves, and report
 * each one's start, updates and end. One incident per stalled work item.
 * Pure logic: fed synthetic snapshots in the unit tests.
 */
#ifndef MIGTRACE_DETECT_H
#define MIGTRACE_DETECT_H

#include <stdbool.h>
#include <stdint.h>
#include "model/incident.h"
#include "migtrace.h"
#include "model/snapshot.h"

struct detect_config {
	uint64_t livelock_ns, stuck_rt_ns, drain_stall_ns;
	uint64_t storm_retries;		/* fault_storm: retries in one run */
	uint64_t spin_retries;		/* livelock: the spinner retried at least this often */
	uint64_t update_ns;		/* between updates of an open incident */
	uint64_t end_grace_ns;		/* condition absent this long before an incident ends */
	bool holders_visible;		/* hooks that tell who holds locked folios attached */
	bool faults_visible;		/* a fault hook attached (precise or approximate) */
};

/* Default thresholds; see the man page for the measurements behind them. */
void detect_config_defaults(struct detect_config *c);

typedef void (*incident_cb)(void *ctx, const struct incident *inc);

#define DETECT_MAX_OPEN		64

struct detector {
	struct detect_config cfg;
	incident_cb cb;
	void *ctx;
	uint64_t next_id;
	struct incident open[DETECT_MAX_OPEN];
	uint64_t last_report[DETECT_MAX_OPEN];	/* when open[i] was last reported */
	bool seen[DETECT_MAX_OPEN];		/* condition held in the current tick */
	uint32_t nopen;
	uint64_t dropped_incidents;		/* table full */
	struct incident_totals totals[INC_KIND_MAX];
};

void detect_init(struct detector *d, const struct detect_config *c, incident_cb cb, void *ctx);
/* Evaluate against a light snapshot (pending drains, open runs) taken at now. */
void detect_tick(struct detector *d, const struct snapshot *live, uint64_t now);
/* End every open incident (the run is over). */
void detect_finish(struct detector *d);

#endif
