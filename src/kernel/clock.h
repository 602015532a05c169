/* SPDX-License-Identifier: GPL-2.0 */
/* The clock of the BPF programs' timestamps. */
#ifndef MIGTRACE_CLOCK_H
#define MIGTRACE_CLOCK_H

#include <stdint.h>
#include "model/units.h"

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
uint64_t mono_ns(void);

#endif
