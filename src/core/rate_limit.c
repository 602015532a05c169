// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/rate_limit.h"

void rate_limit_init(struct rate_limit *r, uint32_t burst, uint64_t period_ns)
{
	memset(r, 0, sizeof(*r));
	r->burst = burst;
	r->period_ns = period_ns ? period_ns : 1;
	r->tokens = burst;
}

static void refill(struct rate_limit *r, uint64_t now)
{
	uint64_t n;

	if (!r->started) {
		r->started = true;
		r->refilled = now;
		return;
	}
	if (now < r->refilled)		/* a clock that went back: wait from now */
		r->refilled = now;
	n = (now - r->refilled) / r->period_ns;
	if (!n)
		return;
	if (n >= r->burst - r->tokens) {
		r->tokens = r->burst;
		r->refilled = now;	/* full: what comes later counts from now */
	} else {
		r->tokens += n;
		r->refilled += n * r->period_ns;
	}
}

bool rate_limit_take(struct rate_limit *r, uint64_t now, uint64_t *refused)
{
	refill(r, now);
	if (!r->tokens) {
		r->refused++;
		r->refused_total++;
		return false;
	}
	r->tokens--;
	if (refused)
		*refused = r->refused;
	r->refused = 0;
	return true;
}
