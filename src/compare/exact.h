/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests whose unit is the run: the two-sample permutation test of the
 * difference in means (exact by enumeration, else Monte Carlo with a seed),
 * Fisher's exact test of a 2x2 table, a within-run exceedance test for when
 * each side has a single run, and Holm's step-down adjustment across the
 * tests of one comparison.
 */
#ifndef MIGTRACE_EXACT_H
#define MIGTRACE_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compare/stats.h"

#define PERM_EXACT_MAX	1000000	/* splits enumerated; beyond, Monte Carlo */

/* C(n, k) as a double; exact for the sizes enumerated here. */
double exact_choose(uint64_t n, uint64_t k);
/*
 * Next k-subset of {0..n-1} (idx, ascending) in lexicographic order; false
 * after the last. *from (may be NULL): the first position that changed.
 */
bool exact_next_subset(size_t *idx, size_t k, size_t n, size_t *from);

struct exact_test {
	double stat;		/* mean(b) - mean(a); Fisher: odds ratio; exceedance: +k or -k */
	double p;		/* two-sided */
	bool exact;		/* permutation: every split enumerated */
	bool constant;		/* every value the same: p is 1 under every relabelling */
	uint64_t perms;		/* splits enumerated or drawn */
};

/*
 * Two-sided permutation test of mean(b) - mean(a), mean the estimator the
 * table shows (stats_amean, or stats_hmean for rates): the share of the
 * splits of a and b's values into groups of na and nb whose |difference| is
 * at least the observed one. Exact when C(na + nb, na) <= PERM_EXACT_MAX, else
 * (1 + hits) / (1 + reps) over reps random splits from seed. -1 when a side
 * is empty or the estimator has no value for it (a negative rate).
 */
int exact_permutation(const double *a, size_t na, const double *b, size_t nb,
		      stats_estimator mean, unsigned int reps, uint64_t seed,
		      struct exact_test *t);

/*
 * The smallest p the permutation test can give with na and nb values (all
 * distinct): 2 / C(na + nb, na) when na == nb (the two extreme splits tie),
 * else 1 / C(na + nb, na); Monte Carlo sizes are never below 1 / (1 + reps).
 */
double exact_permutation_min_p(size_t na, size_t nb);

/*
 * Fisher's exact test of [[ya, na - ya], [yb, nb - yb]]: the sum of the
 * probabilities (hypergeometric, margins fixed) of every table no more
 * probable than the observed one. -1 when a side is empty.
 */
int exact_fisher(uint64_t ya, uint64_t na, uint64_t yb, uint64_t nb, struct exact_test *t);

/*
 * Within-run exceedance: k of b's values lie above every value of a (or
 * of a's above every b). Were the values exchangeable, the k largest of the
 * pooled values would all be b's with probability C(nb, k) / C(na + nb, k);
 * p is twice that, capped at 1. Values inside one run are not independent
 * (they share stalls): label it within-run, never as a run-level p.
 */
int exact_exceedance(const double *a, size_t na, const double *b, size_t nb,
		     struct exact_test *t);

/*
 * Gehan's scores for values some of which are bounds (Mantel's form of the
 * generalised Wilcoxon): score[i] = the values x[i] is certainly above
 * minus those it is certainly below. bound[i] = +1: the true value is at
 * least x[i] (capped by a deadline); -1: at most x[i]; 0: exact. x[i] is
 * certainly above x[j] when x[i] > x[j], x[i]'s true value cannot be below
 * x[i] (exact or +1) and x[j]'s cannot be above x[j] (exact or -1). Two
 * values capped the same way are never ordered. The permutation test of
 * the mean score is then a test that respects censoring.
 */
void exact_gehan_scores(const double *x, const int *bound, size_t n, double *score);

/*
 * Holm's step-down adjustment of n p-values (NAN: not part of the family):
 * adj[i] = max over the j smallest p up to p[i] of min(1, (m - rank) * p),
 * m the number of non-NAN values. Reject where adj < alpha.
 */
void exact_holm(const double *p, size_t n, double *adj);

#endif
