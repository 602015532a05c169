// SPDX-License-Identifier: GPL-2.0
#include "model/event_stats.h"

uint64_t fault_run_retries(uint32_t source, uint64_t attempts, uint64_t vma_lock_attempts)
{
	uint64_t free = source == MT_FAULT_PAGE_FAULT_USER ? 2 : 1 + vma_lock_attempts;

	return attempts > free ? attempts - free : 0;
}

void fault_runs_top_insert(struct fault_run *top, const struct fault_run *r)
{
	int i = STATS_TOP - 1;

	if (r->attempts <= top[i].attempts)
		return;
	while (i > 0 && top[i - 1].attempts < r->attempts) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *r;
}
