// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/stats.h"

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stats_percentile_sorted(const double *sorted, size_t n, double p)
{
	double h, frac;
	size_t lo;

	if (!n)
		return NAN;
	h = (n - 1) * p / 100.0;
	lo = (size_t)h;
	if (lo >= n - 1)
		return sorted[n - 1];
	frac = h - lo;
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

double stats_amean(const double *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return n ? sum / n : NAN;
}

double stats_hmean(const double *x, size_t n)
{
	double inv = 0;

	for (size_t i = 0; i < n; i++) {
		if (x[i] < 0)
			return NAN;
		if (x[i] == 0)
			return 0;	/* the limit: a run that did nothing makes the rate 0 */
		inv += 1 / x[i];
	}
	return n ? n / inv : NAN;
}

static double variance(const double *x, size_t n, double mean)
{
	double ss = 0;

	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return n > 1 ? ss / (n - 1) : 0;
}

void stats_summarize(const double *x, size_t n, struct stats_summary *s)
{
	double *sorted;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->min = s->max = s->amean = s->hmean = s->stddev = s->cov = s->p50 = s->p99 = NAN;
	if (!n)
		return;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return;
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), stats_cmp_double);
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->amean = stats_amean(x, n);
	s->hmean = stats_hmean(x, n);
	s->stddev = sqrt(variance(x, n, s->amean));
	s->cov = s->amean != 0 ? s->stddev / fabs(s->amean) : NAN;
	s->p50 = stats_percentile_sorted(sorted, n, 50);
	s->p99 = stats_percentile_sorted(sorted, n, 99);
	free(sorted);
}

/* ---- distributions ------------------------------------------------------- */

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2)), del;

		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	tail = 0.5 * ibeta(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

double stats_norm_cdf(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

/* ---- tests ----------------------------------------------------------------- */

int stats_welch(const double *a, size_t na, const double *b, size_t nb, struct stats_test *t)
{
	double ma, mb, va, vb, se2;

	memset(t, 0, sizeof(*t));
	if (na < 2 || nb < 2)
		return -1;
	ma = stats_amean(a, na);
	mb = stats_amean(b, nb);
	va = variance(a, na, ma) / na;
	vb = variance(b, nb, mb) / nb;
	se2 = va + vb;
	if (se2 == 0) {	/* no spread at all: different means are certain */
		t->stat = ma == mb ? 0 : copysign(INFINITY, ma - mb);
		t->df = na + nb - 2;
		t->p = ma == mb ? 1 : 0;
		return 0;
	}
	t->stat = (ma - mb) / sqrt(se2);
	t->df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1));
	t->p = 2 * stats_t_cdf(-fabs(t->stat), t->df);
	return 0;
}

struct ranked {
	double v;
	int group;	/* 0: a, 1: b */
};

static int cmp_ranked(const void *x, const void *y)
{
	return stats_cmp_double(&((const struct ranked *)x)->v, &((const struct ranked *)y)->v);
}

#define MWU_EXACT_MAX 400	/* na * nb up to this: exact distribution */

/* P(U <= u) for sizes m, n without ties: count arrangements by U (recurrence of Mann and Whitney). */
static double mwu_exact_cdf(size_t m, size_t n, double u)
{
	size_t maxu = m * n;
	/* f[i][j][k]: arrangements of i a's and j b's with U = k; kept as two layers over i. */
	double *prev = calloc((n + 1) * (maxu + 1), sizeof(double));
	double *cur = calloc((n + 1) * (maxu + 1), sizeof(double));
	double total = 0, below = 0;

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return NAN;
	}
#define F(t, j, k) (t)[(j) * (maxu + 1) + (k)]
	for (size_t j = 0; j <= n; j++)
		F(prev, j, 0) = 1;	/* i = 0: U = 0 */
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (maxu + 1) * sizeof(double));
		F(cur, 0, 0) = 1;
		for (size_t j = 1; j <= n; j++)
			for (size_t k = 0; k <= i * j; k++) {
				/* The largest value is an a (counts j b's below it) or a b. */
				double v = F(cur, j - 1, k);

				if (k >= j)
					v += F(prev, j, k - j);
				F(cur, j, k) = v;
			}
		double *tmp = prev;
		prev = cur;
		cur = tmp;
	}
	for (size_t k = 0; k <= maxu; k++) {
		total += F(prev, n, k);
		if (k <= u + 1e-9)
			below += F(prev, n, k);
	}
#undef F
	free(prev);
	free(cur);
	return below / total;
}

int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_test *t)
{
	size_t n = na + nb;
	struct ranked *r;
	double ranksum_a = 0, ties = 0, mu, sigma, u, umin, z;
	bool any_ties = false;

	memset(t, 0, sizeof(*t));
	if (!na || !nb)
		return -1;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -1;
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double rank;

		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		rank = (i + j) / 2.0 + 1;	/* mid-rank of the tie group */
		for (size_t k = i; k <= j; k++)
			if (!r[k].group)
				ranksum_a += rank;
		if (j > i) {
			double g = j - i + 1;

			any_ties = true;
			ties += g * g * g - g;
		}
		i = j + 1;
	}
	free(r);
	u = ranksum_a - na * (na + 1) / 2.0;
	t->stat = u;
	umin = fmin(u, (double)na * nb - u);
	if (!any_ties && na * nb <= MWU_EXACT_MAX) {
		t->exact = true;
		t->p = fmin(1, 2 * mwu_exact_cdf(na, nb, umin));
		return 0;
	}
	mu = na * (double)nb / 2;
	sigma = sqrt(na * (double)nb / 12 * ((n + 1) - ties / ((double)n * (n - 1))));
	if (sigma == 0) {
		t->p = 1;
		return 0;
	}
	z = (fabs(u - mu) - 0.5) / sigma;	/* continuity correction */
	t->p = fmin(1, erfc((z > 0 ? z : 0) / M_SQRT2));	/* 2 (1 - Phi(z)), without cancellation */
	return 0;
}

/* ---- bootstrap --------------------------------------------------------- */

void stats_rng_seed(struct stats_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t stats_rng_next(struct stats_rng *r)	/* splitmix64 */
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

size_t stats_rng_below(struct stats_rng *r, size_t n)
{
	return (size_t)((stats_rng_next(r) >> 11) * (1.0 / 9007199254740992.0) * n);
}

double stats_rng_normal(struct stats_rng *r)
{
	double u1 = ((stats_rng_next(r) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (stats_rng_next(r) >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The central conf interval of kept bootstrap changes (sorted here); -1 when none. */
static int change_interval(double *changes, size_t kept, double conf, double *lo, double *hi)
{
	if (!kept)
		return -1;
	qsort(changes, kept, sizeof(*changes), stats_cmp_double);
	*lo = stats_percentile_sorted(changes, kept, 100 * (1 - conf) / 2);
	*hi = stats_percentile_sorted(changes, kept, 100 * (1 + conf) / 2);
	return 0;
}

static void resample(struct stats_rng *rng, const double *x, size_t n, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = x[stats_rng_below(rng, n)];
}

int stats_bootstrap_change(const double *a, size_t na, const double *b, size_t nb,
			   stats_estimator est, unsigned int reps, uint64_t seed, double conf,
			   double *lo, double *hi)
{
	double *ra = NULL, *rb = NULL, *changes = NULL;
	struct stats_rng rng;
	size_t kept = 0;
	int ret = -1;

	*lo = *hi = NAN;
	if (!na || !nb || !reps || !(est(a, na) != 0))
		return -1;
	ra = malloc(na * sizeof(*ra));
	rb = malloc(nb * sizeof(*rb));
	changes = malloc(reps * sizeof(*changes));
	if (!ra || !rb || !changes)
		goto out;
	stats_rng_seed(&rng, seed);
	for (unsigned int i = 0; i < reps; i++) {
		double ea, eb;

		resample(&rng, a, na, ra);
		resample(&rng, b, nb, rb);
		ea = est(ra, na);
		eb = est(rb, nb);
		if (ea != 0 && isfinite(ea) && isfinite(eb))
			changes[kept++] = 100 * (eb - ea) / fabs(ea);
	}
	ret = change_interval(changes, kept, conf, lo, hi);
out:
	free(ra);
	free(rb);
	free(changes);
	return ret;
}

/* One two-level resample of g into buf (sized for it); returns its length. */
static size_t resample_groups(struct stats_rng *rng, const struct stats_groups *g, size_t max,
			      double *buf)
{
	size_t len = 0;

	for (size_t k = 0; k < g->ngroups; k++) {
		size_t pick = stats_rng_below(rng, g->ngroups), n = g->n[pick];
		size_t draws = n < max ? n : max;

		for (size_t i = 0; i < draws; i++)
			buf[len++] = g->v[pick][stats_rng_below(rng, n)];
	}
	return len;
}

static size_t groups_cap(const struct stats_groups *g, size_t max)
{
	size_t cap = 0;

	for (size_t k = 0; k < g->ngroups; k++)
		cap = g->n[k] > cap ? g->n[k] : cap;
	return g->ngroups * (cap < max ? cap : max);
}

int stats_bootstrap_change_grouped(const struct stats_groups *a, const struct stats_groups *b,
				   stats_estimator est, unsigned int reps, uint64_t seed,
				   double conf, size_t max_per_group, double *lo, double *hi)
{
	size_t ca = groups_cap(a, max_per_group), cb = groups_cap(b, max_per_group), kept = 0;
	double *ra = NULL, *rb = NULL, *changes = NULL;
	struct stats_rng rng;
	int ret = -1;

	*lo = *hi = NAN;
	if (!ca || !cb || !reps)
		return -1;
	ra = malloc(ca * sizeof(*ra));
	rb = malloc(cb * sizeof(*rb));
	changes = malloc(reps * sizeof(*changes));
	if (!ra || !rb || !changes)
		goto out;
	stats_rng_seed(&rng, seed);
	for (unsigned int i = 0; i < reps; i++) {
		size_t na = resample_groups(&rng, a, max_per_group, ra);
		size_t nb = resample_groups(&rng, b, max_per_group, rb);
		double ea = est(ra, na), eb = est(rb, nb);

		if (ea != 0 && isfinite(ea) && isfinite(eb))
			changes[kept++] = 100 * (eb - ea) / fabs(ea);
	}
	ret = change_interval(changes, kept, conf, lo, hi);
out:
	free(ra);
	free(rb);
	free(changes);
	return ret;
}
