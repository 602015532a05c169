// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "core/util.h"

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < NSEC_PER_USEC)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < NSEC_PER_MSEC)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < NSEC_PER_SEC)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}

const char *sched_policy_name(uint32_t policy)
{
	static const char *const names[] = {
		[0] = "OTHER", [1] = "FIFO", [2] = "RR", [3] = "BATCH",
		[5] = "IDLE", [6] = "DEADLINE", [7] = "EXT",
	};

	if (policy < ARRAY_SIZE(names) && names[policy])
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

bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}
