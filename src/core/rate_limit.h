/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A token bucket: burst at once, then one more every period_ns. What it
 * refuses is counted, so that the next thing let through can say how many
 * went before it. Pure logic: the caller gives the time.
 */
#ifndef MIGTRACE_RATE_LIMIT_H
#define MIGTRACE_RATE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct rate_limit {
	uint32_t burst;
	uint64_t period_ns;
	uint32_t tokens;
	uint64_t refilled;	/* the time the last token came (or the start) */
	bool started;
	uint64_t refused;	/* since the last one let through */
	uint64_t refused_total;
};

void rate_limit_init(struct rate_limit *r, uint32_t burst, uint64_t period_ns);
/*
 * May one more go at now? true takes a token (refused: how many were
 * refused since the last one let through, then reset); false counts it.
 */
bool rate_limit_take(struct rate_limit *r, uint64_t now, uint64_t *refused);

#endif
