// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics against known values: Welch's t-test (the worked examples of
 * Welch 1947 as given on Wikipedia's "Welch's t-test" page), Mann-Whitney U
 * (exact: enumerated by hand/itertools; approximate: the tie-corrected normal
 * formula), percentiles (R type 7), and a bootstrap CI that must contain the
 * true change of synthetic data drawn with a fixed seed; the run-level
 * tests (permutation, Fisher, exceedance) and Holm's adjustment against
 * values counted by hand, the counting written out beside each.
 */
#include <math.h>
#include "check.h"
#include "compare/exact.h"
#include "compare/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK_NEAR(x, want, tol)                                                  \
	do {                                                                      \
		double _x = (x), _w = (want);                                     \
		if (!(fabs(_x - _w) <= (tol))) {                                  \
			fprintf(stderr, "  %s:%d: %s == %.6g, expected %.6g\n",   \
				__FILE__, __LINE__, #x, _x, _w);                  \
			check_failed_in_test = 1;                                 \
		}                                                                 \
	} while (0)

static void welch_textbook(void)
{
	static const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6,
				     23.1, 19.6, 19.0, 21.7, 21.4 };
	static const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2,
				     21.9, 22.1, 22.9, 20.5, 24.4 };
	static const double b1[] = { 17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8 };
	static const double b2[] = { 21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8,
				     20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8 };
	static const double c1[] = { 1, 2, 3 }, c2[] = { 4, 5, 6.5 };
	struct stats_test t;

	CHECK(stats_welch(a1, N(a1), a2, N(a2), &t) == 0);
	CHECK_NEAR(t.stat, -2.4554, 1e-3);	/* Wikipedia: t = -2.46, df = 25.0, p = 0.021 */
	CHECK_NEAR(t.df, 24.9885, 1e-3);
	CHECK_NEAR(t.p, 0.021378, 1e-5);
	CHECK(stats_welch(b1, N(b1), b2, N(b2), &t) == 0);
	CHECK_NEAR(t.stat, -1.5654, 1e-3);	/* t = -1.57, df = 9.9, p = 0.149 */
	CHECK_NEAR(t.df, 9.9047, 1e-3);
	CHECK_NEAR(t.p, 0.148842, 1e-5);
	CHECK(stats_welch(c1, N(c1), c2, N(c2), &t) == 0);
	CHECK_NEAR(t.p, 0.029145, 1e-5);
	CHECK(stats_welch(c1, 1, c2, N(c2), &t) == -1);
}

static void t_distribution(void)
{
	CHECK_NEAR(stats_t_cdf(0, 5), 0.5, 1e-12);
	CHECK_NEAR(stats_t_cdf(2.5706, 5), 0.975, 1e-4);	/* t table: df 5, 97.5% */
	CHECK_NEAR(stats_t_cdf(-1.9600, 1e6), 0.025, 1e-4);	/* -> normal */
	CHECK_NEAR(stats_t_cdf(1, 1), 0.75, 1e-9);		/* Cauchy */
	CHECK_NEAR(stats_norm_cdf(1.959964), 0.975, 1e-6);
}

static void mann_whitney_exact(void)
{
	static const double a[] = { 19, 22, 16, 29, 24 }, b[] = { 20, 11, 17, 12 };
	static const double c[] = { 1.1, 2.3, 3.5, 4.2, 5.9, 6.1 }, d[] = { 7.2, 8.4, 9.3, 3.9, 10.5 };
	struct stats_test t;

	CHECK(stats_mann_whitney(a, N(a), b, N(b), &t) == 0);
	CHECK(t.exact);
	CHECK_NEAR(t.stat, 17, 0);		/* U of b = 3: not significant at n = 5, 4 */
	CHECK_NEAR(t.p, 1.0 / 9, 1e-12);	/* 14 of 126 arrangements as extreme */
	CHECK(stats_mann_whitney(c, N(c), d, N(d), &t) == 0);
	CHECK_NEAR(t.stat, 3, 0);
	CHECK_NEAR(t.p, 0.030303, 1e-6);	/* 14 of 462 */
}

static void mann_whitney_normal_with_ties(void)
{
	static const double a[] = { 1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				    16, 17, 18, 19, 20, 21 };
	double b[N(a)];
	struct stats_test t;

	for (size_t i = 0; i < N(a); i++)
		b[i] = a[i] + 4;
	CHECK(stats_mann_whitney(a, N(a), b, N(b), &t) == 0);
	CHECK(!t.exact);
	CHECK_NEAR(t.stat, 186, 0);
	CHECK_NEAR(t.p, 0.036161, 1e-5);
	CHECK(stats_mann_whitney(a, N(a), a, N(a), &t) == 0);
	CHECK(t.p > 0.9);
}

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

/*
 * Runs whose means scatter (run-to-run noise) around 100 and 120: the
 * two-level interval holds the true +20% and is wider than the pooled one,
 * which ignores the scatter between runs.
 */
static void grouped_bootstrap_sees_run_to_run_noise(void)
{
	static double a[6][50], b[6][50], flat_a[300], flat_b[300];
	const double *va[6], *vb[6];
	size_t n[6];
	struct stats_rng rng;
	double lo, hi, flo, fhi;

	stats_rng_seed(&rng, 7);
	for (int r = 0; r < 6; r++) {
		double oa = 8 * stats_rng_normal(&rng), ob = 8 * stats_rng_normal(&rng);

		for (int k = 0; k < 50; k++) {
			a[r][k] = flat_a[r * 50 + k] = 100 + oa + 5 * stats_rng_normal(&rng);
			b[r][k] = flat_b[r * 50 + k] = 120 + ob + 5 * stats_rng_normal(&rng);
		}
		va[r] = a[r];
		vb[r] = b[r];
		n[r] = 50;
	}
	struct stats_groups ga = { va, n, 6 }, gb = { vb, n, 6 };

	CHECK(stats_bootstrap_change_grouped(&ga, &gb, stats_amean, 2000, 1, 0.95, 1000, &lo, &hi) == 0);
	CHECK(stats_bootstrap_change(flat_a, 300, flat_b, 300, stats_amean, 2000, 1, 0.95, &flo,
				     &fhi) == 0);
	CHECK(lo < 20 && hi > 20);
	CHECK(hi - lo > 1.5 * (fhi - flo));
}

/*
 * Permutation test, enumerated by hand.
 * a = {1, 2, 3}, b = {4, 5, 6}: 20 ways to pick a's 3 values from the 6;
 * only {1,2,3} and {4,5,6} give |mean(b) - mean(a)| >= 3: p = 2/20.
 * a = {1, 3}, b = {2, 4, 6}: observed 4 - 2 = 2. The 10 pairs for a and
 * their (16 - sum)/3 - sum/2: {1,2} 2.83, {1,3} 2, {1,4} 1.17, {1,6} -0.5,
 * {2,3} 1.17, {2,4} 0.33, {2,6} -1.33, {3,4} -0.5, {3,6} -2.17, {4,6} -3;
 * four have |d| >= 2: p = 4/10.
 */
static void permutation_by_hand(void)
{
	static const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	static const double c[] = { 1, 3 }, d[] = { 2, 4, 6 }, e[] = { 7, 7, 7 };
	static double big_a[12], big_b[12];
	struct exact_test t;

	CHECK(exact_permutation(a, 3, b, 3, stats_amean, 1000, 1, &t) == 0);
	CHECK(t.exact && t.perms == 20 && !t.constant);
	CHECK_NEAR(t.stat, 3, 1e-12);
	CHECK_NEAR(t.p, 0.1, 1e-12);
	CHECK(exact_permutation(c, 2, d, 3, stats_amean, 1000, 1, &t) == 0);
	CHECK_NEAR(t.p, 0.4, 1e-12);
	CHECK(exact_permutation(e, 3, e, 2, stats_amean, 1000, 1, &t) == 0);
	CHECK(t.constant && t.p == 1);
	/* 6 a side, fully separated: 2 of C(12, 6) = 924 splits. */
	{
		double x[6], y[6];

		for (int i = 0; i < 6; i++) {
			x[i] = i;
			y[i] = 100 + i;
		}
		CHECK(exact_permutation(x, 6, y, 6, stats_amean, 1000, 1, &t) == 0);
		CHECK_NEAR(t.p, 2.0 / 924, 1e-12);
	}
	/* C(24, 12) = 2704156 splits: Monte Carlo, (1 + hits) / (1 + draws). */
	for (int i = 0; i < 12; i++) {
		big_a[i] = i;
		big_b[i] = 100 + i;
	}
	CHECK(exact_permutation(big_a, 12, big_b, 12, stats_amean, 20000, 1, &t) == 0);
	CHECK(!t.exact && t.perms == 20000);
	CHECK_NEAR(t.p, 1.0 / 20001, 1e-12);
	CHECK(exact_permutation(a, 0, b, 3, stats_amean, 1000, 1, &t) == -1);
	/*
	 * The estimator is the one the row shows. Rates {8, 8, 8} against
	 * {2, 2, 100}: the arithmetic means (8 vs 34.67) put the 100 on the
	 * winning side of every split, so p = 20/20; the harmonic means (8 vs
	 * 3 / 1.01 = 2.97: total work over total time) differ by at least the
	 * observed 5.03 in 8 of the 20 splits (enumerated independently in Python).
	 */
	{
		static const double r8[] = { 8, 8, 8 }, rmix[] = { 2, 2, 100 };

		CHECK(exact_permutation(r8, 3, rmix, 3, stats_amean, 1000, 1, &t) == 0);
		CHECK_NEAR(t.p, 1, 1e-12);
		CHECK(exact_permutation(r8, 3, rmix, 3, stats_hmean, 1000, 1, &t) == 0);
		CHECK_NEAR(t.stat, 3 / 1.01 - 8, 1e-12);
		CHECK_NEAR(t.p, 8.0 / 20, 1e-12);
	}
	CHECK_NEAR(exact_permutation_min_p(3, 3), 0.1, 1e-12);		/* 2 / 20 */
	CHECK_NEAR(exact_permutation_min_p(6, 6), 2.0 / 924, 1e-12);
	CHECK_NEAR(exact_permutation_min_p(2, 3), 0.1, 1e-12);		/* 1 / 10 */
}

/*
 * Fisher's exact test. [[3, 1], [1, 3]] (tea tasting): tables with 4 yes
 * among 8, 4 a side, x yes on the a side: P(x) = C(4,x) C(4,4-x) / 70 =
 * 1, 16, 36, 16, 1 (/70). P(3) = 16/70; x = 0, 1, 3, 4 are no more
 * probable: (1 + 16 + 16 + 1) / 70 = 0.4857 (R: fisher.test gives 0.4857).
 * [[0, 6], [6, 0]]: only x = 0 and x = 6 are as extreme: 2 / C(12, 6) = 2/924.
 */
static void fisher_by_hand(void)
{
	struct exact_test t;

	CHECK(exact_fisher(3, 4, 1, 4, &t) == 0);
	CHECK_NEAR(t.p, 34.0 / 70, 1e-9);
	CHECK(exact_fisher(0, 6, 6, 6, &t) == 0);
	CHECK_NEAR(t.p, 2.0 / 924, 1e-9);
	CHECK(exact_fisher(0, 6, 0, 6, &t) == 0);
	CHECK(t.constant && fabs(t.p - 1) < 1e-9);
	CHECK(exact_fisher(1, 0, 0, 3, &t) == -1);
}

/*
 * Within-run exceedance. a = {1, 2, 3}, b = {4, 5, 0}: two of b's exceed
 * every a; the two largest of 6 exchangeable values are both b's with
 * probability C(3, 2) / C(6, 2) = 3/15; two-sided 0.4.
 */
static void exceedance_by_hand(void)
{
	static const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 0 }, c[] = { 3, 3 };
	struct exact_test t;

	CHECK(exact_exceedance(a, 3, b, 3, &t) == 0);
	CHECK_NEAR(t.stat, 2, 0);
	CHECK_NEAR(t.p, 0.4, 1e-12);
	CHECK(exact_exceedance(b, 3, a, 3, &t) == 0);	/* the other way round */
	CHECK_NEAR(t.stat, -2, 0);
	CHECK_NEAR(t.p, 0.4, 1e-12);
	CHECK(exact_exceedance(a, 3, c, 2, &t) == 0);	/* nothing above the other's max */
	CHECK_NEAR(t.p, 1, 0);
}

/*
 * Holm. p = {0.01, 0.04, 0.03, 0.005}, m = 4; in order 0.005 x 4 = 0.02,
 * 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (never below
 * the step before). NAN is outside the family: {0.01, NAN, 0.02}, m = 2:
 * 0.01 x 2 = 0.02, 0.02 x 1 = 0.02.
 */
static void holm_by_hand(void)
{
	static const double p[] = { 0.01, 0.04, 0.03, 0.005 }, q[] = { 0.01, NAN, 0.02 };
	double adj[4];

	exact_holm(p, 4, adj);
	CHECK_NEAR(adj[0], 0.03, 1e-12);
	CHECK_NEAR(adj[1], 0.06, 1e-12);
	CHECK_NEAR(adj[2], 0.06, 1e-12);
	CHECK_NEAR(adj[3], 0.02, 1e-12);
	exact_holm(q, 3, adj);
	CHECK_NEAR(adj[0], 0.02, 1e-12);
	CHECK(isnan(adj[1]));
	CHECK_NEAR(adj[2], 0.02, 1e-12);
}

int main(void)
{
	RUN(permutation_by_hand);
	RUN(fisher_by_hand);
	RUN(exceedance_by_hand);
	RUN(holm_by_hand);
	RUN(welch_textbook);
	RUN(t_distribution);
	RUN(mann_whitney_exact);
	RUN(mann_whitney_normal_with_ties);
	RUN(summary_values);
	RUN(bootstrap_contains_true_change);
	RUN(grouped_bootstrap_sees_run_to_run_noise);
	CHECK_EXIT();
}
