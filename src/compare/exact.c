// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/exact.h"
#include "compare/stats.h"

double exact_choose(uint64_t n, uint64_t k)
{
	double c = 1;

	if (k > n)
		return 0;
	if (k > n - k)
		k = n - k;
	for (uint64_t i = 1; i <= k; i++)
		c = c * (n - k + i) / i;
	return floor(c + 0.5);
}

static bool all_equal(const double *x, size_t n, double v)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] != v)
			return false;
	return true;
}

bool exact_next_subset(size_t *idx, size_t k, size_t n, size_t *from)
{
	size_t i = k;

	while (i > 0 && idx[i - 1] == n - k + i - 1)
		i--;
	if (!i)
		return false;
	if (from)
		*from = i - 1;
	idx[i - 1]++;
	for (size_t j = i; j < k; j++)
		idx[j] = idx[j - 1] + 1;
	return true;
}

/* |mean(b) - mean(a)| of one split: the first na of x against the rest. */
static double split_diff(const double *x, size_t na, size_t nb, stats_estimator mean)
{
	return fabs(mean(x + na, nb) - mean(x, na));
}

int exact_permutation(const double *a, size_t na, const double *b, size_t nb,
		      stats_estimator mean, unsigned int reps, uint64_t seed,
		      struct exact_test *t)
{
	size_t n = na + nb, *idx = NULL;
	double *x = NULL, *split = NULL, scale = 0, obs, tol, hits = 0, count = 0;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	t->p = NAN;
	if (!na || !nb)
		return -1;
	x = malloc(n * sizeof(*x));
	split = malloc(n * sizeof(*split));
	idx = malloc(n * sizeof(*idx));
	if (!x || !split || !idx)
		goto out;
	memcpy(x, a, na * sizeof(*x));
	memcpy(x + na, b, nb * sizeof(*x));
	for (size_t i = 0; i < n; i++)
		scale += fabs(x[i]);
	t->stat = mean(b, nb) - mean(a, na);
	if (isnan(t->stat))
		goto out;
	t->constant = all_equal(x, n, x[0]);
	obs = fabs(t->stat);
	/* Equal differences computed in another order. */
	tol = 1e-12 * (scale + 1);
	if (exact_choose(n, na) <= PERM_EXACT_MAX) {
		t->exact = true;
		for (size_t i = 0; i < na; i++)
			idx[i] = i;
		do {
			size_t ia = 0, ib = na;

			for (size_t i = 0, k = 0; i < n; i++) {	/* idx[] picks the a side */
				if (k < na && idx[k] == i) {
					split[ia++] = x[i];
					k++;
				} else {
					split[ib++] = x[i];
				}
			}
			count++;
			if (split_diff(split, na, nb, mean) >= obs - tol)
				hits++;
		} while (exact_next_subset(idx, na, n, NULL));
		t->p = hits / count;
	} else {
		struct stats_rng rng;

		stats_rng_seed(&rng, seed);
		for (unsigned int r = 0; r < reps; r++) {
			for (size_t i = 0; i < na; i++) {	/* partial Fisher-Yates */
				size_t j = i + stats_rng_below(&rng, n - i);
				double tmp = x[i];

				x[i] = x[j];
				x[j] = tmp;
			}
			count++;
			if (split_diff(x, na, nb, mean) >= obs - tol)
				hits++;
		}
		t->p = (1 + hits) / (1 + count);
	}
	t->perms = (uint64_t)count;
	ret = 0;
out:
	free(x);
	free(split);
	free(idx);
	return ret;
}

double exact_permutation_min_p(size_t na, size_t nb)
{
	double c = exact_choose(na + nb, na);

	return c > 0 ? (na == nb ? 2 : 1) / c : 1;
}

/* log P(X = x) of the hypergeometric: x successes in a draw of n from N with K. */
static double log_hyper(uint64_t x, uint64_t n, uint64_t K, uint64_t N)
{
	return lgamma(K + 1.0) - lgamma(x + 1.0) - lgamma(K - x + 1.0) +
	       lgamma(N - K + 1.0) - lgamma(n - x + 1.0) - lgamma(N - K - n + x + 1.0) -
	       (lgamma(N + 1.0) - lgamma(n + 1.0) - lgamma(N - n + 1.0));
}

int exact_fisher(uint64_t ya, uint64_t na, uint64_t yb, uint64_t nb, struct exact_test *t)
{
	uint64_t N = na + nb, K = ya + yb, lo, hi;
	double pobs, p = 0;

	memset(t, 0, sizeof(*t));
	t->p = NAN;
	if (!na || !nb || ya > na || yb > nb)
		return -1;
	t->exact = true;
	t->constant = K == 0 || K == N;
	t->stat = ((double)yb * (na - ya)) / ((double)ya * (nb - yb));	/* may be inf or nan */
	/* x: successes on the a side, from max(0, K - nb) to min(K, na). */
	lo = K > nb ? K - nb : 0;
	hi = K < na ? K : na;
	pobs = log_hyper(ya, na, K, N);
	for (uint64_t x = lo; x <= hi; x++) {
		double lp = log_hyper(x, na, K, N);

		if (lp <= pobs + 1e-7)	/* relative tolerance, as R's fisher.test */
			p += exp(lp);
	}
	t->p = fmin(1, p);
	return 0;
}

int exact_exceedance(const double *a, size_t na, const double *b, size_t nb,
		     struct exact_test *t)
{
	double maxa = -INFINITY, maxb = -INFINITY, p = 1;
	size_t ka = 0, kb = 0, n = na + nb, k, nk;

	memset(t, 0, sizeof(*t));
	t->p = NAN;
	if (!na || !nb)
		return -1;
	for (size_t i = 0; i < na; i++)
		maxa = fmax(maxa, a[i]);
	for (size_t i = 0; i < nb; i++)
		maxb = fmax(maxb, b[i]);
	t->constant = all_equal(a, na, a[0]) && all_equal(b, nb, a[0]);
	for (size_t i = 0; i < nb; i++)
		kb += b[i] > maxa;
	for (size_t i = 0; i < na; i++)
		ka += a[i] > maxb;
	k = kb ? kb : ka;
	nk = kb ? nb : na;
	t->stat = kb ? (double)kb : -(double)ka;
	for (size_t i = 0; i < k; i++)	/* C(nk, k) / C(n, k) */
		p *= (double)(nk - i) / (double)(n - i);
	t->p = k ? fmin(1, 2 * p) : 1;
	t->exact = true;
	return 0;
}

void exact_gehan_scores(const double *x, const int *bound, size_t n, double *score)
{
	for (size_t i = 0; i < n; i++) {
		score[i] = 0;
		for (size_t j = 0; j < n; j++) {
			if (x[i] > x[j] && bound[i] >= 0 && bound[j] <= 0)
				score[i]++;
			else if (x[i] < x[j] && bound[i] <= 0 && bound[j] >= 0)
				score[i]--;
		}
	}
}

struct ranked_p {
	double p;
	size_t i;
};

static int cmp_p(const void *x, const void *y)
{
	double a = ((const struct ranked_p *)x)->p, b = ((const struct ranked_p *)y)->p;

	return a < b ? -1 : a > b;
}

void exact_holm(const double *p, size_t n, double *adj)
{
	struct ranked_p *r = malloc((n ? n : 1) * sizeof(*r));
	size_t m = 0;
	double run = 0;

	for (size_t i = 0; i < n; i++)
		adj[i] = NAN;
	if (!r)
		return;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]))
			r[m++] = (struct ranked_p){ p[i], i };
	qsort(r, m, sizeof(*r), cmp_p);
	for (size_t k = 0; k < m; k++) {
		double v = fmin(1, (double)(m - k) * r[k].p);

		run = fmax(run, v);	/* monotone: never below an earlier step */
		adj[r[k].i] = run;
	}
	free(r);
}
