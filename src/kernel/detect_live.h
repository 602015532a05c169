/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The detectors on a live session: a light snapshot of kernel state every
 * tick (pending drains, open fault runs) judged by core/detect.c, each
 * incident handed to a callback. Printing is the callback's business.
 */
#ifndef MIGTRACE_DETECT_LIVE_H
#define MIGTRACE_DETECT_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include "core/detect.h"
#include "kernel/session.h"
#include "model/units.h"

#define DETECT_TICK_NS (100 * NSEC_PER_MSEC)
#define EXIT_ON_ANY INC_KIND_MAX

/* What the command line asked of the detectors (cmd/detect_opts.c parses it). */
struct detect_options {
	struct detect_config cfg;
	bool off;		/* --no-detect */
	int exit_on;		/* -1: never; a kind; EXIT_ON_ANY */
	bool stacks;		/* print the parties' kernel stacks when an incident starts */
	bool kmsg;		/* --kmsg: incidents into the kernel log too (cmd/incident_log.c) */
};

struct detect_live;

/*
 * Start the detectors on s (*dl; NULL when o->off, which every function
 * below takes as "no detectors"). cb gets every incident. -ENOMEM or 0.
 */
int detect_live_start(struct detect_live **dl, struct session *s, const struct detect_options *o,
		      incident_cb cb, void *ctx);
/*
 * The drain verdicts tick every DETECT_TICK_NS whatever the tables hold
 * (they read per-CPU state and look parties up by pid). Fault storms walk
 * every fault run still going (milliseconds with tens of thousands of
 * threads): space those so that they cost at most 1/share of a CPU,
 * between DETECT_TICK_NS and 10 s. 0: every DETECT_TICK_NS.
 */
void detect_live_limit_cost(struct detect_live *dl, unsigned int share);
/* Tick if one is due at now. */
void detect_live_poll(struct detect_live *dl, uint64_t now);
/* When the next tick is due (UINT64_MAX without detectors); the fault-storm period now. */
uint64_t detect_live_next_tick(const struct detect_live *dl);
uint64_t detect_live_period(const struct detect_live *dl);
/* An incident reached the --exit-on kind. */
bool detect_live_triggered(const struct detect_live *dl);
/* End the open incidents (the run is over). */
void detect_live_finish(struct detect_live *dl);
/* A kernel report joined to the open incident it is about (core/detect.c); false: none. */
bool detect_live_kernel_report(struct detect_live *dl, struct kernel_report *kr);
/* Incident totals into snap (snap->detecting says whether there are any). */
void detect_live_totals(const struct detect_live *dl, struct snapshot *snap);
/* Incidents lost to a full open-incident table. */
uint64_t detect_live_dropped(const struct detect_live *dl);
void detect_live_free(struct detect_live *dl);

#endif
