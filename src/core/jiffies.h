/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel jiffies to nanoseconds, without knowing CONFIG_HZ beforehand. */
#ifndef MIGTRACE_JIFFIES_H
#define MIGTRACE_JIFFIES_H

#include <stdint.h>

/*
 * The kernel's HZ from jiffies_64 and CLOCK_MONOTONIC read together
 * (bpf_jiffies64(), bpf_ktime_get_ns()): jiffies_64 starts at
 * INITIAL_JIFFIES, (u32)(-300 * HZ), and counts HZ a second from boot,
 * as the monotonic clock counts from about 0. Returns the one HZ of the
 * kernel's choices that fits within a second (and 0.1 %), or 0 when none or two do (the
 * pair is unusable, or read near 300 s after boot, where all fit).
 */
unsigned int hz_from_jiffies(uint64_t jiffies64, uint64_t mono_ns);

#endif
