// SPDX-License-Identifier: GPL-2.0
/*
 * A permutation-inverted interval for a ratio of means. With u = 1 / theta,
 * a split S of the pooled values {a, u * b} into groups A' (na) and B' (nb)
 * is scored by Welch's t of B' against A', which needs per split only the
 * sums (and sums of squares) of the a and the b values in A': computed
 * once, the p of any theta is then one pass over them. With equal sizes
 * |t| ranks the splits as |mean(B') - mean(A')| does, and that difference
 * is alpha_S + u * beta_S: two numbers a split, a pass the compiler vectorises.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/exact.h"
#include "compare/interval.h"
#include "compare/stats.h"

struct splits {
	double (*sum)[4];	/* unequal sizes, in A': sum of a, of b, of a^2, of b^2 */
	double *alpha, *beta;	/* equal sizes: the difference of means is alpha + u * beta */
	double tot[4];		/* sums over all values */
	double inv_n;		/* equal sizes: 1 / na */
	size_t na, nb, n;
	bool exact;
};

/*
 * One split: idx[0..na) are the values (a's first, then b's) in A'.
 * pre[k]: the four sums over idx[0..k), kept from the last split up to
 * position from (lexicographic successors change a short suffix).
 */
static void add_split(struct splits *s, const double *x, const size_t *idx, double (*pre)[4],
		      size_t from)
{
	double *q = pre[s->na];

	for (size_t k = from; k < s->na; k++) {
		bool is_b = idx[k] >= s->na;
		double v = x[idx[k]];

		memcpy(pre[k + 1], pre[k], sizeof(pre[k]));
		pre[k + 1][is_b] += v;
		pre[k + 1][2 + is_b] += v * v;
	}
	if (s->alpha) {	/* equal sizes: (tot - q) / n - q / n */
		s->alpha[s->n] = (s->tot[0] - 2 * q[0]) * s->inv_n;
		s->beta[s->n] = (s->tot[1] - 2 * q[1]) * s->inv_n;
	} else {
		memcpy(s->sum[s->n], q, 4 * sizeof(*q));
	}
	s->n++;
}

static int make_splits(struct splits *s, const double *x, size_t na, size_t nb,
		       unsigned int reps, uint64_t seed)
{
	size_t n = na + nb, *idx = malloc(n * sizeof(*idx)), from = 0;
	double (*pre)[4] = calloc(na + 1, sizeof(*pre)), total = exact_choose(n, na);
	size_t cap = total <= INTERVAL_EXACT_MAX ? (size_t)total : (size_t)reps;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	s->na = na;
	s->nb = nb;
	s->exact = total <= INTERVAL_EXACT_MAX;
	if (na == nb) {
		s->inv_n = 1.0 / na;
		s->alpha = malloc(cap * sizeof(double));
		s->beta = malloc(cap * sizeof(double));
	} else {
		s->sum = malloc(cap * sizeof(*s->sum));
	}
	for (size_t i = 0; i < n; i++) {
		s->tot[i >= na] += x[i];
		s->tot[2 + (i >= na)] += x[i] * x[i];
	}
	if (!idx || !pre || (na == nb ? !s->alpha || !s->beta : !s->sum))
		goto out;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (s->exact) {
		do
			add_split(s, x, idx, pre, from);
		while (exact_next_subset(idx, na, n, &from));
	} else {
		struct stats_rng rng;

		stats_rng_seed(&rng, seed);
		for (unsigned int r = 0; r < reps; r++) {
			for (size_t i = 0; i < na; i++) {	/* partial Fisher-Yates */
				size_t j = i + stats_rng_below(&rng, n - i), t = idx[i];

				idx[i] = idx[j];
				idx[j] = t;
			}
			add_split(s, x, idx, pre, 0);
		}
	}
	ret = 0;
out:
	free(idx);
	free(pre);
	return ret;
}

/* Welch's t of a split at u: B' against A', the b values scaled by u. */
static double welch(const struct splits *s, const double *q, double u)
{
	double sa = q[0] + u * q[1], qa = q[2] + u * u * q[3];
	double sb = s->tot[0] - q[0] + u * (s->tot[1] - q[1]);
	double qb = s->tot[2] - q[2] + u * u * (s->tot[3] - q[3]);
	double na = s->na, nb = s->nb, d = sb / nb - sa / na, va, vb, se;

	va = na > 1 ? fmax(0, qa - sa * sa / na) / (na - 1) : 0;
	vb = nb > 1 ? fmax(0, qb - sb * sb / nb) / (nb - 1) : 0;
	se = sqrt(va / na + vb / nb);
	/* every value equal: no spread to scale by; the difference decides */
	return se > 1e-12 * (fabs(sa / na) + fabs(sb / nb)) ? d / se : d * 1e12;
}

/*
 * The two-sided p of theta = 1 / u: splits whose |t| (equal sizes: |d|) is
 * at least the observed one's, less a relative 1e-9 for sums taken in
 * another order.
 */
static double p_at(const struct splits *s, const double *obs, double u)
{
	size_t hits = 0;

	if (s->alpha) {
		double na = s->na, d = (s->tot[0] - obs[0] + u * (s->tot[1] - obs[1])) / na -
				       (obs[0] + u * obs[1]) / na;
		double t = fabs(d) - 1e-9 * (s->tot[0] + u * s->tot[1]) / na;
		const double *al = s->alpha, *be = s->beta;

		for (size_t k = 0; k < s->n; k++)
			hits += fabs(al[k] + u * be[k]) >= t;
	} else {
		double t = fabs(welch(s, obs, u)) * (1 - 1e-9);

		for (size_t k = 0; k < s->n; k++)
			hits += fabs(welch(s, s->sum[k], u)) >= t;
	}
	return s->exact ? (double)hits / s->n : (1.0 + hits) / (1.0 + s->n);
}

/*
 * From u0 (p = 1) outwards by dir (+1, -1) in log u: the last u whose p is
 * above alpha, to a relative 1e-5 (tables print 3 digits); false when no u up to e^±40 is rejected.
 */
static bool edge(const struct splits *s, const double *obs, double u0, int dir, double alpha,
		 double *out)
{
	double in = 0, far = 0.01;

	while (p_at(s, obs, u0 * exp(dir * far)) > alpha) {
		in = far;
		far *= 2;
		if (far > 40)
			return false;
	}
	while (far - in > 1e-5) {
		double mid = (in + far) / 2;

		if (p_at(s, obs, u0 * exp(dir * mid)) > alpha)
			in = mid;
		else
			far = mid;
	}
	*out = u0 * exp(dir * in);
	return true;
}

int interval_ratio(const double *a, size_t na, const double *b, size_t nb, double conf,
		   unsigned int reps, uint64_t seed, struct ratio_interval *ci)
{
	double *x, ma, mb, u_lo, u_hi, obs[4] = { 0 };
	struct splits s;
	int ret = -1;

	memset(ci, 0, sizeof(*ci));
	ci->lo = ci->hi = NAN;
	if (!na || !nb || !(conf > 0 && conf < 1))
		return -1;
	x = malloc((na + nb) * sizeof(*x));
	if (!x)
		return -1;
	memcpy(x, a, na * sizeof(*x));
	memcpy(x + na, b, nb * sizeof(*x));
	/* A zero is no scaled value: a point mass at 0 breaks the scale model (A/A: 10 % misses). */
	for (size_t i = 0; i < na + nb; i++)
		if (!(x[i] > 0 && isfinite(x[i]))) {
			free(x);
			return -1;
		}
	ma = stats_amean(a, na);
	mb = stats_amean(b, nb);
	if (!(ma > 0 && mb > 0) || make_splits(&s, x, na, nb, reps, seed)) {
		free(x);
		return -1;
	}
	/* The observed split: A' holds a. At u0 = ma / mb (theta = mb / ma) its t is 0, p 1. */
	obs[0] = s.tot[0];
	obs[2] = s.tot[2];
	if (edge(&s, obs, ma / mb, -1, 1 - conf, &u_lo) &&
	    edge(&s, obs, ma / mb, +1, 1 - conf, &u_hi)) {
		ci->lo = 1 / u_hi;
		ci->hi = 1 / u_lo;
		ci->exact = s.exact;
		ci->splits = s.n;
		ret = 0;
	}
	free(s.sum);
	free(s.alpha);
	free(s.beta);
	free(x);
	return ret;
}

/*
 * Measured by tests/unit/test_compare_interval.c (which fails when these
 * drift from what it measures): a ~ LN(0, s), b ~ 2 LN(0, s') (the true
 * ratio of means is known), seeded; s = s' = 0.8 (one shape, scaled), and
 * s = 0.3, s' = 0.8.
 */
const struct interval_coverage compare_interval_coverage[3] = {
	{ 3, NAN, NAN },
	{ 6, 0.951, 0.886 },
	{ 10, 0.962, 0.920 },
};
