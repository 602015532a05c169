/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the detectors on a live session: feed them the event stream,
 * take a light snapshot every tick, print incidents as they happen.
 */
#ifndef MIGTRACE_DETECT_LIVE_H
#define MIGTRACE_DETECT_LIVE_H

#include <stdio.h>
#include "core/detect.h"
#include "model/units.h"
#include "kernel/session.h"

#define DETECT_TICK_NS (100 * NSEC_PER_MSEC)
#define EXIT_ON_ANY INC_KIND_MAX

/* What the command line asked of the detectors (cmd/detect_opts.c parses it). */
struct detect_options {
	struct detect_config cfg;
	bool off;		/* --no-detect */
	int exit_on;		/* -1: never; a kind; EXIT_ON_ANY */
	bool stacks;		/* capture the parties' kernel stacks */
};

struct detect_live {
	struct detector det;
	struct session *session;
	const struct detect_options *opts;
	FILE *out;
	bool json;
	bool triggered;		/* an incident matched --exit-on */
	uint64_t next_tick;
	struct snapshot *snap;	/* reused for every tick */
	/* Called for every incident after it is printed (daemon outputs); may be NULL. */
	void (*on_incident)(void *ctx, const struct incident *inc);
	void *on_incident_ctx;
};

/* Returns -ENOMEM or 0. Does nothing but succeed when o->off. */
int detect_live_start(struct detect_live *dl, struct session *s, const struct detect_options *o,
		      FILE *out, bool json);
/* Call often (every poll); ticks every DETECT_TICK_NS. */
void detect_live_poll(struct detect_live *dl, uint64_t now);
/* End the open incidents (the run is over). */
void detect_live_finish(struct detect_live *dl);
void detect_live_totals(const struct detect_live *dl, struct snapshot *r);
void detect_live_free(struct detect_live *dl);

#endif
