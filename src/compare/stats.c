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

/* ---- seeded random numbers (Monte Carlo splits, synthetic tests) ----------- */

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
