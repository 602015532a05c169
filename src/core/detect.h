/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Livelock detectors. From frequent light snapshots of kernel state (drain
 * work pending per CPU; its waiters' locked folios; who is on that CPU, how
 * long, what it runs and retries; fault runs still going) decide which
 * incidents are open, each with the most specific kind its evidence proves
 * now, and report each one's start, updates (a kind that changes, up or
 * down, says why) and end. One incident per stalled work item. Pure logic:
 * fed synthetic snapshots in the unit tests.
 */
#ifndef MIGTRACE_DETECT_H
#define MIGTRACE_DETECT_H

#include <stdbool.h>
#include <stdint.h>
#include "core/verdict.h"
#include "model/incident.h"
#include "migtrace.h"
#include "model/snapshot.h"

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
	uint64_t weaker_since[DETECT_MAX_OPEN];	/* a less specific kind proven since (0: not) */
	uint32_t nopen;
	uint64_t dropped_incidents;		/* table full */
	struct incident_totals totals[INC_KIND_MAX];
	struct drain_watch watches[SNAPSHOT_MAX_PENDING];	/* pending work being judged */
	uint32_t nwatches;
};

void detect_init(struct detector *d, const struct detect_config *c, incident_cb cb, void *ctx);

/* What a tick evaluates: the drain verdicts (cheap, every tick), fault storms (a table walk). */
enum detect_what { DETECT_DRAINS = 1, DETECT_STORMS = 2, DETECT_ALL = 3 };

/*
 * Evaluate against a light snapshot taken at now: pending drains (DRAINS),
 * open runs (STORMS). Incidents of a part not evaluated stay as they are.
 */
void detect_tick(struct detector *d, const struct snapshot *live, uint64_t now,
		 enum detect_what what);
/* End every open incident (the run is over). */
void detect_finish(struct detector *d);

#endif
