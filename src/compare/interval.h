/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The confidence interval of a ratio of means, by inverting the permutation
 * test (a scale model): theta is in the interval when the two-sided
 * permutation test of mean(b / theta) - mean(a) does not reject at
 * 1 - conf. Where b really is theta times a in distribution the coverage is
 * conf or more by construction; what it is otherwise (other shapes,
 * unequal spreads) is measured by tests/unit/test_compare_interval.c and
 * stated in the legend (compare_interval_coverage). A percentile
 * bootstrap covered 0.80-0.90 at 3-10 runs a side; this interval does not
 * exist at all where no split is extreme enough (3 runs a side at 95 %).
 */
#ifndef MIGTRACE_INTERVAL_H
#define MIGTRACE_INTERVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INTERVAL_EXACT_MAX	1000000	/* splits enumerated; beyond, Monte Carlo */

struct ratio_interval {
	double lo, hi;		/* theta: mean(b) / mean(a) */
	bool exact;		/* every split enumerated */
	uint64_t splits;	/* enumerated or drawn */
};

/*
 * The interval for theta = mean(b) / mean(a) over values > 0 (arithmetic
 * means). Exact when C(na + nb, na) <= INTERVAL_EXACT_MAX, else over reps
 * random splits from seed (the same splits for every theta), p = (1 + hits)
 * / (1 + reps). -1 when a side is empty, a value is 0, negative or not
 * finite (a zero does not scale), or no theta is rejected (too few values
 * a side).
 */
int interval_ratio(const double *a, size_t na, const double *b, size_t nb, double conf,
		   unsigned int reps, uint64_t seed, struct ratio_interval *ci);

/* The measured coverage the legend states, by runs a side. */
struct interval_coverage {
	size_t runs;		/* a side */
	double same_shape;	/* b = theta * a in distribution; NAN: no interval exists */
	double unequal_spread;	/* log-normal spreads 0.3 and 0.8 */
};

extern const struct interval_coverage compare_interval_coverage[3];

#endif
