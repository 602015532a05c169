// SPDX-License-Identifier: GPL-2.0
#include <sched.h>
#include "model/sched.h"

const char *sched_policy_name(uint32_t policy)
{
	static const char *const names[] = {
		[0] = "OTHER", [1] = "FIFO", [2] = "RR", [3] = "BATCH",
		[5] = "IDLE", [6] = "DEADLINE", [7] = "EXT",
	};

	if (policy < sizeof(names) / sizeof(names[0]) && names[policy])
		return names[policy];
	return "?";
}

bool sched_policy_is_rt(uint32_t policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR || policy == 6 /* DEADLINE */;
}

int rt_priority_of(int32_t prio)
{
	return prio >= 0 && prio < 100 ? 99 - prio : 0;
}
