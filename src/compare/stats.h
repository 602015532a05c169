/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics for comparing runs: summaries (min, means, stddev, CoV,
 * percentiles) and a seeded generator (same input, same output). The tests
 * are in compare/exact.h, the intervals in compare/interval.h.
 */
#ifndef MIGTRACE_STATS_H
#define MIGTRACE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats_summary {
	size_t n;
	double min, max;
	double amean;
	double hmean;		/* NAN when a value is <= 0 */
	double stddev;		/* sample (n - 1); 0 for n < 2 */
	double cov;		/* stddev / amean; NAN when amean is 0 */
	double p50, p99;	/* linear interpolation between order statistics */
};

/* Summarize x (n may be 0: all NAN); x is not modified. */
void stats_summarize(const double *x, size_t n, struct stats_summary *s);

/* qsort comparator for doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);

/* p-th percentile (0..100) of sorted data, R's type 7. */
double stats_percentile_sorted(const double *sorted, size_t n, double p);

struct stats_rng {
	uint64_t s;
};

void stats_rng_seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *r);
/* Uniform in [0, n). */
size_t stats_rng_below(struct stats_rng *r, size_t n);
/* Standard normal (Box-Muller). */
double stats_rng_normal(struct stats_rng *r);

typedef double (*stats_estimator)(const double *x, size_t n);
double stats_amean(const double *x, size_t n);
double stats_hmean(const double *x, size_t n);

#endif
