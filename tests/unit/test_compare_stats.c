// SPDX-License-Identifier: GPL-2.0
/*
 * compare/stats.c against known values: percentiles (R type 7), and a
 * bootstrap CI that must contain the true change of synthetic data drawn
 * with a fixed seed.
 */
#include "check.h"
#include "compare/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void summary_values(void)
{
	static const double x[] = { 4, 1, 3, 2, 10 };
	struct stats_summary s;

	stats_summarize(x, N(x), &s);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 10, 0);
	CHECK_NEAR(s.amean, 4, 1e-12);
	CHECK_NEAR(s.hmean, 5 / (1 / 4.0 + 1 + 1 / 3.0 + 0.5 + 0.1), 1e-12);
	/* A run that did nothing (a livelocked one: 0 migrations/s) makes the rate 0, its limit. */
	CHECK_NEAR(stats_hmean((const double[]){ 4, 0, 3 }, 3), 0, 0);
	CHECK(isnan(stats_hmean((const double[]){ 4, -1 }, 2)));
	CHECK_NEAR(s.stddev, sqrt(12.5), 1e-12);
	CHECK_NEAR(s.cov, sqrt(12.5) / 4, 1e-12);
	CHECK_NEAR(s.p50, 3, 1e-12);
	CHECK_NEAR(s.p99, 9.76, 1e-9);	/* R: quantile(x, .99) */
	stats_summarize(x, 0, &s);
	CHECK(isnan(s.amean) && s.n == 0);
}

/* a ~ N(100, 10), b ~ N(120, 10): the true change of the mean is +20%. */
static void bootstrap_contains_true_change(void)
{
	static double a[60], b[60], c[60];
	struct stats_rng rng;
	double lo, hi, lo2, hi2;

	stats_rng_seed(&rng, 42);
	for (int i = 0; i < 60; i++) {
		a[i] = 100 + 10 * stats_rng_normal(&rng);
		b[i] = 120 + 10 * stats_rng_normal(&rng);
		c[i] = 100 + 10 * stats_rng_normal(&rng);
	}
	CHECK(stats_bootstrap_change(a, 60, b, 60, stats_amean, 2000, 1, 0.95, &lo, &hi) == 0);
	CHECK(lo < 20 && hi > 20);
	CHECK(lo > 0);		/* the difference is real */
	CHECK(hi - lo < 15);
	/* Same seed, same interval. */
	CHECK(stats_bootstrap_change(a, 60, b, 60, stats_amean, 2000, 1, 0.95, &lo2, &hi2) == 0);
	CHECK(lo == lo2 && hi == hi2);
	/* No difference: the interval holds 0. */
	CHECK(stats_bootstrap_change(a, 60, c, 60, stats_amean, 2000, 1, 0.95, &lo, &hi) == 0);
	CHECK(lo < 0 && hi > 0);
	CHECK(stats_bootstrap_change(a, 0, c, 60, stats_amean, 2000, 1, 0.95, &lo, &hi) == -1);
}

int main(void)
{
	RUN(summary_values);
	RUN(bootstrap_contains_true_change);
	CHECK_EXIT();
}
