// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/load_shed.h"

void load_shed_init(struct load_shed *l, uint64_t max_rate, uint64_t produced)
{
	memset(l, 0, sizeof(*l));
	l->max_rate = max_rate;
	l->produced = produced;
}

bool load_shed_tick(struct load_shed *l, uint64_t produced, uint64_t dropped, uint64_t events,
		    uint64_t now)
{
	l->consumed = events - l->events;
	l->offered = (produced - l->produced) + (dropped - l->dropped);
	l->events = events;
	l->dropped = dropped;
	l->produced = produced;
	if (!l->shedding) {
		if (l->offered < l->max_rate)
			return false;
		l->shedding = true;
		l->since_ns = now;
		l->calm_ticks = 0;
		l->episodes++;
		return true;
	}
	l->calm_ticks = l->offered < l->max_rate / 2 ? l->calm_ticks + 1 : 0;
	if (l->calm_ticks < LOAD_CALM_TICKS)
		return false;
	l->shedding = false;
	l->shed_ns += now - l->since_ns;
	return true;
}

void load_shed_account(struct load_shed *l, uint64_t now)
{
	if (!l->shedding)
		return;
	l->shed_ns += now - l->since_ns;
	l->since_ns = now;
}
