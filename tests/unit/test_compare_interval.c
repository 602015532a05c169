// SPDX-License-Identifier: GPL-2.0
/*
 * compare/interval.c: the permutation-inverted interval of a ratio of
 * means. By hand where the answer is known (constant values; too few to
 * reject anything); then its coverage measured on synthetic runs at 3, 6
 * and 10 a side, which must match what the legend states
 * (compare_interval_coverage) within the measurement's own error.
 */
#include "check.h"
#include "compare/interval.h"
#include "compare/stats.h"

static void by_hand(void)
{
	static const double a[] = { 2, 2, 2, 2 }, b[] = { 6, 6, 6, 6 }, c[] = { 1, 2, 3 };
	static const double z[] = { 0, 0, 0, 0 }, neg[] = { 1, -1, 2, 3 };
	struct ratio_interval ci;

	/*
	 * Constant sides: for theta != 3, b / theta and a are two distinct
	 * constants, and only the 2 splits that keep them apart reach the
	 * observed difference: p = 2 / C(8, 4) = 0.029 < 0.05. theta = 3 has
	 * p = 1. So the interval is 3 alone, to the search's precision.
	 */
	CHECK(interval_ratio(a, 4, b, 4, 0.95, 2000, 1, &ci) == 0);
	CHECK(ci.exact && ci.splits == 70);
	CHECK_NEAR(ci.lo, 3, 1e-4);
	CHECK_NEAR(ci.hi, 3, 1e-4);
	/* 3 a side: the smallest p is 2 / 20 = 0.1: no theta is rejected, no interval. */
	CHECK(interval_ratio(c, 3, c, 3, 0.95, 2000, 1, &ci) == -1);
	/* A side of zeros has no ratio; negative values are not a scale. */
	CHECK(interval_ratio(z, 4, b, 4, 0.95, 2000, 1, &ci) == -1);
	CHECK(interval_ratio(neg, 4, b, 4, 0.95, 2000, 1, &ci) == -1);
	/* Past the enumeration limit: random splits, seeded, the same twice. */
	{
		double x[14], y[14];
		struct ratio_interval c2;
		struct stats_rng rng;

		stats_rng_seed(&rng, 3);
		for (int i = 0; i < 14; i++) {	/* C(28, 14) = 40116600 splits */
			x[i] = exp(0.5 * stats_rng_normal(&rng));
			y[i] = 2 * exp(0.5 * stats_rng_normal(&rng));
		}
		CHECK(interval_ratio(x, 14, y, 14, 0.95, 2000, 1, &ci) == 0);
		CHECK(!ci.exact && ci.splits == 2000);
		CHECK(interval_ratio(x, 14, y, 14, 0.95, 2000, 1, &c2) == 0);
		CHECK(ci.lo == c2.lo && ci.hi == c2.hi);
		CHECK(ci.lo < stats_amean(y, 14) / stats_amean(x, 14));
		CHECK(ci.hi > stats_amean(y, 14) / stats_amean(x, 14));
	}
}

/*
 * a ~ LN(0, sa), b ~ 2 LN(0, sb): the true ratio of means is
 * 2 exp(sb^2 / 2) / exp(sa^2 / 2). Share of intervals that hold it (a side
 * where no interval exists counts as covered: the whole line holds it).
 */
static double coverage(size_t n, double sa, double sb, int trials, int *exist)
{
	double theta = 2 * exp(sb * sb / 2) / exp(sa * sa / 2), a[16], b[16];
	struct stats_rng rng;
	int cov = 0;

	stats_rng_seed(&rng, 2026 + n);
	*exist = 0;
	for (int t = 0; t < trials; t++) {
		struct ratio_interval ci;

		for (size_t i = 0; i < n; i++) {
			a[i] = exp(sa * stats_rng_normal(&rng));
			b[i] = 2 * exp(sb * stats_rng_normal(&rng));
		}
		if (interval_ratio(a, n, b, n, 0.95, 20000, 1, &ci)) {
			cov++;
			continue;
		}
		++*exist;
		cov += ci.lo <= theta && theta <= ci.hi;
	}
	return (double)cov / trials;
}

/*
 * The legend's numbers are these. 1000 trials at 3 and 6 a side, 500 at 10
 * (an interval over 184756 splits costs about 10 ms): the binomial error of a
 * coverage near 0.95 is 0.007 and 0.010, so a stated value more than 0.02
 * off is wrong. With one shape the interval is exact by construction
 * (conf or more, up to the splits' discreteness); with unequal spreads the
 * scale model is wrong and coverage falls: stated, not hidden.
 */
static void coverage_is_what_the_legend_states(void)
{
	for (size_t j = 0; j < 3; j++) {
		const struct interval_coverage *k = &compare_interval_coverage[j];
		int trials = k->runs >= 10 ? 500 : 1000, e1, e2;
		double same = coverage(k->runs, 0.8, 0.8, trials, &e1);
		double uneq = coverage(k->runs, 0.3, 0.8, trials, &e2);

		printf("  %zu a side: coverage %.3f (one shape), %.3f (spreads 0.3, 0.8); "
		       "intervals %d and %d of %d\n", k->runs, same, uneq, e1, e2, trials);
		if (isnan(k->same_shape)) {	/* stated: no interval exists */
			CHECK(e1 == 0 && e2 == 0);
			continue;
		}
		CHECK(e1 == trials && e2 == trials);
		CHECK(fabs(same - k->same_shape) <= 0.02);
		CHECK(fabs(uneq - k->unequal_spread) <= 0.02);
		CHECK(same >= 0.93);
	}
}

int main(void)
{
	RUN(by_hand);
	RUN(coverage_is_what_the_legend_states);
	CHECK_EXIT();
}
