/* SPDX-License-Identifier: GPL-2.0 */
/* Log2 histograms of nanoseconds: slots, merging, percentiles. */
#ifndef MIGTRACE_HIST_H
#define MIGTRACE_HIST_H

#include <stdint.h>
#include "migtrace.h"

/* Lower bound of slot s in ns (slot 0 starts at 0). */
uint64_t hist_slot_low(unsigned int s);
/* Upper bound of slot s in ns, exclusive. */
uint64_t hist_slot_high(unsigned int s);

/* Slot of a value, exactly as the BPF side computes it. */
unsigned int hist_slot_of(uint64_t ns);

void hist_add_value(struct mt_hist *h, uint64_t ns);
void hist_merge(struct mt_hist *dst, const struct mt_hist *src);

/*
 * Estimate the p-th percentile (0 < p <= 100): interpolated linearly within
 * the log2 bucket that holds it, never above the recorded maximum.
 */
uint64_t hist_percentile(const struct mt_hist *h, double p);

#endif
