// SPDX-License-Identifier: GPL-2.0
/*
 * compare/exact.c: the run-level tests (permutation, Fisher, exceedance) and
 * Holm's adjustment against values counted by hand, the counting written
 * out beside each.
 */
#include "check.h"
#include "compare/exact.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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
	CHECK_EXIT();
}
