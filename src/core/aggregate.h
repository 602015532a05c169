/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folding the ring buffer's event stream into what a report shows: per-CPU
 * drain work, lru_add_drain_all calls (measured, or rebuilt from their work
 * items), migrations, fault runs, folio lock waits and holders: the event
 * stats of the model, and the calls still in flight. Pure logic: no BPF, no
 * I/O, so it is fed synthetic streams in the unit tests.
 */
#ifndef MIGTRACE_AGGREGATE_H
#define MIGTRACE_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>
#include "migtrace.h"
#include "model/event_stats.h"

#define AGG_MAX_BATCHES	64	/* lru_add_drain_all calls in flight at once */

/* One lru_add_drain_all, rebuilt from the work items its caller queued. */
struct agg_batch {
	bool in_use;
	struct mt_task queuer;
	uint64_t first_queue_ts, last_end_ts;
	uint32_t outstanding;
	uint32_t straggler_cpu;
	uint64_t straggler_ns;		/* that CPU's queued -> done */
};

struct agg {
	struct event_stats s;		/* what the events so far add up to */
	struct agg_batch batches[AGG_MAX_BATCHES];
	uint32_t last_batch_pid, last_batch_straggler;	/* for the precise hook's return */
	/* The last event completed an lru_add_drain_all call (measured or rebuilt) this long. */
	bool drain_all_done;
	uint64_t drain_all_ns;
};

/* drain_all_hooked: whether MT_EV_DRAIN_ALL records will come. */
void agg_init(struct agg *a, bool drain_all_hooked);
/* lru_add_drain_all's own hook came (or went): its calls from events, else from batches. */
void agg_set_drain_all_hooked(struct agg *a, bool hooked);
/* Forget counts for the next interval; batches still in flight are kept. */
void agg_reset_interval(struct agg *a);
void agg_event(struct agg *a, const struct mt_event *e);

#endif
