/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict on one stalled drain work item: each link of a livelock
 * judged from what is current (faults since the work was queued and in the
 * last window, occupancy measured, holders as the kernel tables and stacks
 * say now), where it came from, and the most specific kind it proves.
 */
#ifndef MIGTRACE_VERDICT_H
#define MIGTRACE_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include "model/incident.h"
#include "model/snapshot.h"

struct detect_config {
	uint64_t livelock_ns, stuck_rt_ns, drain_stall_ns;
	uint64_t storm_retries;		/* fault_storm: retries in one run */
	uint64_t spin_retries;		/* retrying: at least this many retries since queueing */
	uint64_t retry_window_ns;	/* retrying: a retry within this window; samples likewise */
	uint32_t min_samples;		/* stack evidence: at least this many samples in the window */
	uint64_t update_ns;		/* between updates of an open incident */
	uint64_t end_grace_ns;		/* condition absent this long before an incident ends */
	bool holders_visible;		/* hooks that tell who holds locked folios attached */
	bool faults_visible;		/* a fault hook attached (precise or approximate) */
	uint32_t filter_tgid;		/* -p: other processes' locks and faults are not traced */
};

/* Default thresholds; see the man page for the measurements behind them. */
void detect_config_defaults(struct detect_config *c);

/*
 * What the detector remembers of one pending work item between ticks: the
 * occupant's retries when first seen (retries from before the work was
 * queued do not count) and recent sample counts (only the last window
 * counts: a task that stopped faulting is not retrying now).
 */
#define WATCH_HISTORY 16
struct watch_point {
	uint64_t ts;
	uint32_t samples, samples_user, samples_fault;
};

struct drain_watch {
	uint32_t cpu;
	uint64_t queue_ts;		/* with cpu: the work item */
	uint32_t run_pid;		/* whose run base_retries belongs to */
	uint64_t run_address;
	uint64_t base_retries;
	struct watch_point hist[WATCH_HISTORY];	/* ring, oldest first from head */
	uint32_t nhist, head;
	bool live;			/* seen in the current tick */
};

/* The watch of p (a new one when p is new); NULL when the table is full. */
struct drain_watch *watch_find(struct drain_watch *w, uint32_t *n, uint32_t max,
			       const struct pending_drain *p, uint64_t now);

/*
 * Judge p at now into inc (parties, links, sources, kind). False when it
 * is below every threshold (no incident).
 */
bool verdict_judge(const struct detect_config *c, struct drain_watch *w,
		   const struct pending_drain *p, const struct snapshot *live, uint64_t now,
		   struct incident *inc);

/* Why the kind changed from old's to inc's: the links that came or went. */
void verdict_change_reason(const struct incident *old, struct incident *inc);

#endif
