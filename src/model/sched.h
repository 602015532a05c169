/* SPDX-License-Identifier: GPL-2.0 */
/* What a task's scheduling fields (struct mt_task's policy and prio) mean. */
#ifndef MIGTRACE_SCHED_H
#define MIGTRACE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

/* "FIFO", "RR", "OTHER", ... for a SCHED_* value. */
const char *sched_policy_name(uint32_t policy);

/* RT policies (FIFO, RR, DEADLINE) preempt CFS tasks such as kworkers. */
bool sched_policy_is_rt(uint32_t policy);

/* User-visible RT priority (1..99) from kernel prio, 0 when not RT. */
int rt_priority_of(int32_t prio);

#endif
