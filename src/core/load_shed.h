/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the daemon stops reading every event: at the --max-event-rate limit
 * it sheds (reads a bounded batch a few times a second, the kernel drops
 * and counts the rest), and it stops shedding after the load stayed under
 * half the limit for LOAD_CALM_TICKS ticks. Pure logic, one tick a second.
 */
#ifndef MIGTRACE_LOAD_SHED_H
#define MIGTRACE_LOAD_SHED_H

#include <stdbool.h>
#include <stdint.h>

#define LOAD_CALM_TICKS 10

struct load_shed {
	uint64_t max_rate;		/* events a second */
	bool shedding;
	uint64_t since_ns;		/* shedding since */
	uint64_t episodes, shed_ns;	/* times it started shedding, time spent in it */
	unsigned int calm_ticks;
	/* Counters at the last tick. */
	uint64_t events, dropped, produced;
	/* Rates of the last tick, per second. */
	uint64_t offered, consumed;
};

void load_shed_init(struct load_shed *l, uint64_t max_rate, uint64_t produced);
/*
 * One tick: produced and dropped are the kernel's running totals of ring
 * buffer events, events what was consumed. Offered load = produced + dropped since the last tick
 * (not what was consumed: a backlog read at the limit is not a storm).
 * Returns true when the state changed.
 */
bool load_shed_tick(struct load_shed *l, uint64_t produced, uint64_t dropped, uint64_t events,
		    uint64_t now);
/* Count the episode so far into shed_ns (before a report). */
void load_shed_account(struct load_shed *l, uint64_t now);

#endif
