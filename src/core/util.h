/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the loader's modules. */
#ifndef MIGTRACE_UTIL_H
#define MIGTRACE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
uint64_t mono_ns(void);

/* "1.25ms", "830us", "2.0s": fits in buf (>= 16 bytes). */
const char *fmt_ns(char *buf, size_t len, uint64_t ns);

/* "FIFO", "RR", "OTHER", ... for a SCHED_* value. */
const char *sched_policy_name(uint32_t policy);

/* RT policies (FIFO, RR, DEADLINE) preempt CFS tasks such as kworkers. */
bool sched_policy_is_rt(uint32_t policy);

/* User-visible RT priority (1..99) from kernel prio, 0 when not RT. */
int rt_priority_of(int32_t prio);

/* Parse a non-negative integer no larger than max; false on junk. */
bool parse_ulong(const char *s, unsigned long max, unsigned long *out);

#endif
