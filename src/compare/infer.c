// SPDX-License-Identifier: GPL-2.0
/*
 * Run-level inference. Each run gives one value per statistic (its max,
 * its stall share, livelocked or not, ...). The unit of the tests and
 * intervals is the boot where both variants ran in several boots (runs of
 * one boot share its state: they are averaged into one value), else the
 * run. A value that the run's deadline or the record's end capped is a
 * bound: rows with bounds are tested on Gehan scores, which order two
 * values only where the bounds allow it, and never when every value on
 * both sides is capped. Holm's adjustment covers every test of one variant
 * against the first. With a single run a side there is nothing to
 * replicate: the tests then compare samples inside the two runs and say so.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "compare/compare.h"

const struct infer_def infer_defs[INF_MAX] = {
	[INF_STRAGGLER_MAX] = { "max/run", "straggler_wait_us", "straggler_wait_us.max_per_run",
				.bound = 1, .pending = true },
	[INF_STRAGGLER_P99] = { "p99/run", "straggler_wait_us", "straggler_wait_us.p99_per_run",
				.bound = 1, .pending = true, .min_samples = INFER_P99_MIN },
	[INF_DRAIN_MAX] = { "max/run", "drain_wait_us", "drain_wait_us.max_per_run",
			    .bound = 1, .pending = true },
	[INF_STALL_SHARE] = { "share/run", "stalled_work_pct", "stalls.pct_of_work_per_run" },
	[INF_STALL_RATE] = { "rate/run", "stalls_per_s", "stalls.per_s_per_run" },
	[INF_STALLS] = { "count/run", "stalls", "stalls.per_run", .descriptive = true },
	[INF_LIVELOCKED] = { "yes/no", "livelocked", "livelocked", .binary = true },
	[INF_RETRIES_PER_MIG] = { "mean/run", "retries_per_migration", "retries_per_migration",
				  .bound = 1 },
	[INF_HOLD_MAX] = { "max/run", "folio_hold_us", "folio_hold_us.max_per_run", .bound = 1 },
	[INF_THROUGHPUT] = { "value/run", "throughput", "throughput.per_run", .rate = true,
			     .bound = -1 },
};

static enum compare_metric_id metric_of(enum infer_id id)
{
	switch (id) {
	case INF_DRAIN_MAX:
	case INF_STALL_SHARE:
	case INF_STALL_RATE:
	case INF_STALLS:
		return M_DRAIN_WAIT;
	case INF_HOLD_MAX:
		return M_FOLIO_HOLD;
	case INF_RETRIES_PER_MIG:
		return M_FAULT_RETRIES;
	default:
		return M_STRAGGLER_WAIT;
	}
}

/* The samples a statistic is taken over, pending work included where it belongs, in us. */
static void run_samples_of(const struct run_samples *rs, enum infer_id id, struct samples *out)
{
	enum compare_metric_id m = metric_of(id);
	double scale = compare_metrics[m].scale;

	for (size_t k = 0; k < rs->m[m].n; k++)
		samples_push(out, rs->m[m].v[k] / scale);
	/* Pending work waits at least its age, and so does the call that queued it. */
	if (m == M_DRAIN_WAIT || m == M_STRAGGLER_WAIT)
		for (size_t k = 0; k < rs->censored.n; k++)
			samples_push(out, rs->censored.v[k] / scale);
}

/* Was the run's value of this row capped: +1 / -1 as the row bounds, 0 exact. */
static int run_bound(const struct run_samples *rs, const struct infer_def *d)
{
	bool capped = rs->deadline || rs->cut_off || (d->pending && rs->censored.n);

	return capped ? d->bound : 0;
}

static bool stall_count(const struct comparison *c, const struct run_samples *rs, double *stalls,
			double *items)
{
	struct samples s = {};

	run_samples_of(rs, INF_STALLS, &s);
	*stalls = 0;
	for (size_t k = 0; k < s.n; k++)
		*stalls += s.v[k] * 1e-3 >= c->opts.stall_ms;
	*items = s.n;
	samples_free(&s);
	return s.n || rs->run.hdr.hooks[HOOK_DRAIN_WORK].mech != MECH_NONE;
}

/* One run's value of a statistic; false when the run has none. */
static bool run_value(const struct comparison *c, const struct run_samples *rs, enum infer_id id,
		      double *out)
{
	struct samples s = {};
	double stalls, items;
	bool ok;

	switch (id) {
	case INF_LIVELOCKED:
		*out = rs->livelocked;
		return rs->has_livelock_info;
	case INF_RETRIES_PER_MIG:
		*out = rs->migrations ? (double)rs->retries / rs->migrations : NAN;
		return rs->migrations > 0;
	case INF_THROUGHPUT:
		*out = rs->m[M_THROUGHPUT].n ? rs->m[M_THROUGHPUT].v[0] : NAN;
		return rs->m[M_THROUGHPUT].n > 0;
	case INF_STALLS:
		ok = stall_count(c, rs, &stalls, &items);
		*out = stalls;
		return ok;
	case INF_STALL_SHARE:
		ok = stall_count(c, rs, &stalls, &items) && items > 0;
		*out = ok ? 100 * stalls / items : NAN;
		return ok;
	case INF_STALL_RATE:
		ok = stall_count(c, rs, &stalls, &items) && rs->run.has_end && rs->run.end.wall_ns;
		*out = ok ? stalls / (rs->run.end.wall_ns * 1e-9) : NAN;
		return ok;
	default:
		run_samples_of(rs, id, &s);
		ok = s.n > 0;
		if (ok && id == INF_STRAGGLER_P99) {
			qsort(s.v, s.n, sizeof(double), stats_cmp_double);
			*out = stats_percentile_sorted(s.v, s.n, 99);
		} else if (ok) {
			*out = s.v[0];
			for (size_t k = 1; k < s.n; k++)
				*out = fmax(*out, s.v[k]);
		}
		samples_free(&s);
		return ok;
	}
}

/* Within-run: one run a side; the test compares the samples inside them. */
static void test_within(const struct comparison *c, enum infer_id id, const struct run_samples *a,
			const struct run_samples *b, struct infer_cell *x)
{
	struct samples sa = {}, sb = {};
	double ya, na, yb, nb;
	int ret = -1;

	if (id == INF_STALL_SHARE && stall_count(c, a, &ya, &na) && stall_count(c, b, &yb, &nb)) {
		ret = exact_fisher(ya, na, yb, nb, &x->t);
		x->test = TEST_FISHER_WITHIN;
	} else if (id == INF_STRAGGLER_MAX || id == INF_DRAIN_MAX) {
		/* p99/run would repeat max/run's test on the same samples: Holm need not count it twice */
		run_samples_of(a, id, &sa);
		run_samples_of(b, id, &sb);
		ret = exact_exceedance(sa.v, sa.n, sb.v, sb.n, &x->t);
		x->test = TEST_EXCEEDANCE;
	}
	if (ret)
		x->test = TEST_NONE;
	samples_free(&sa);
	samples_free(&sb);
}

/* The units of a test: each boot's mean of its runs' values (est), or the runs' values. */
static size_t to_units(const double *v, const uint16_t *boot, size_t n, bool by_boot,
		       stats_estimator est, double *out)
{
	double vals[COMPARE_MAX_RUNS];
	bool done[COMPARE_MAX_RUNS] = {};
	size_t u = 0;

	if (!by_boot) {
		memcpy(out, v, n * sizeof(*v));
		return n;
	}
	for (size_t r = 0; r < n; r++) {
		size_t k = 0;

		if (done[r])
			continue;
		for (size_t q = r; q < n; q++)
			if (boot[q] == boot[r]) {
				vals[k++] = v[q];
				done[q] = true;
			}
		out[u++] = est(vals, k);
	}
	return u;
}

/* The interval of the ratio of means over units, as a % change; rates through their reciprocals. */
static void interval(const struct comparison *c, const double *ua, size_t na, const double *ub,
		     size_t nb, bool rate, uint64_t seed, struct infer_cell *x)
{
	double ra[COMPARE_MAX_RUNS], rb[COMPARE_MAX_RUNS];
	struct ratio_interval ci;

	for (size_t k = 0; k < na; k++)
		ra[k] = rate ? 1 / ua[k] : ua[k];
	for (size_t k = 0; k < nb; k++)
		rb[k] = rate ? 1 / ub[k] : ub[k];
	if (na < 2 || nb < 2 || interval_ratio(ra, na, rb, nb, c->opts.conf, c->opts.perm_reps,
					       seed, &ci))
		return;
	x->has_ci = true;
	x->ci_lo = 100 * ((rate ? 1 / ci.hi : ci.lo) - 1);
	x->ci_hi = 100 * ((rate ? 1 / ci.lo : ci.hi) - 1);
}

static void test_units(const struct comparison *c, enum infer_id id, size_t i,
		       const struct infer_cell *base, struct infer_cell *x)
{
	const struct infer_def *d = &infer_defs[id];
	uint64_t seed = c->opts.seed + 7919 * id + 104729 * i;
	stats_estimator mean = d->rate ? stats_hmean : stats_amean;
	double ua[COMPARE_MAX_RUNS], ub[COMPARE_MAX_RUNS], pool[2 * COMPARE_MAX_RUNS];
	double score[2 * COMPARE_MAX_RUNS];
	int bound[2 * COMPARE_MAX_RUNS];
	size_t na = base->nruns, nb = x->nruns, capped = base->censored_runs + x->censored_runs;
	bool by_boot = c->by_boot[i];

	if (d->binary && !by_boot) {
		if (!exact_fisher(base->yes, na, x->yes, nb, &x->t))
			x->test = TEST_FISHER;
		x->units_a = na;
		x->units_b = nb;
		return;
	}
	if (capped && capped == na + nb) {	/* nothing can be ordered: no test */
		x->both_capped = true;
		return;
	}
	if (capped) {
		memcpy(pool, base->run, na * sizeof(double));
		memcpy(pool + na, x->run, nb * sizeof(double));
		for (size_t k = 0; k < na + nb; k++)
			bound[k] = k < na ? base->bound[k] : x->bound[k - na];
		exact_gehan_scores(pool, bound, na + nb, score);
		x->units_a = to_units(score, base->boot, na, by_boot, stats_amean, ua);
		x->units_b = to_units(score + na, x->boot, nb, by_boot, stats_amean, ub);
		if (!exact_permutation(ua, x->units_a, ub, x->units_b, stats_amean,
				       c->opts.perm_reps, seed, &x->t))
			x->test = TEST_GEHAN;
		return;
	}
	/* yes/no by boot: each boot's share of yes, its mean */
	x->units_a = to_units(base->run, base->boot, na, by_boot, mean, ua);
	x->units_b = to_units(x->run, x->boot, nb, by_boot, mean, ub);
	if (!exact_permutation(ua, x->units_a, ub, x->units_b, mean, c->opts.perm_reps, seed, &x->t))
		x->test = TEST_PERMUTATION;
	if (x->has_change && !d->binary)
		interval(c, ua, x->units_a, ub, x->units_b, d->rate, seed, x);
}

static void fill_cell(struct comparison *c, enum infer_id id, size_t i)
{
	const struct infer_def *d = &infer_defs[id];
	const struct variant *v = &c->v[i];
	struct infer_cell *x = &c->inf[id][i];

	for (size_t r = 0; r < v->nruns && x->nruns < COMPARE_MAX_RUNS; r++) {
		double val;

		if (!run_value(c, &v->runs[r], id, &val))
			continue;
		x->bound[x->nruns] = run_bound(&v->runs[r], d);
		x->boot[x->nruns] = c->boot_of[i][r];
		x->censored_runs += x->bound[x->nruns] != 0;
		x->run[x->nruns++] = val;
		x->yes += val != 0;
	}
	x->present = x->nruns > 0;
	if (!x->present)
		return;
	x->mean = d->binary ? (double)x->yes / x->nruns
		  : d->rate ? stats_hmean(x->run, x->nruns) : stats_amean(x->run, x->nruns);
	x->mean_bound = x->censored_runs ? d->bound : 0;
}

/* A percentile row needs its samples in every run: else it is not shown (the notes say so). */
static bool enough_samples(struct comparison *c, enum infer_id id)
{
	size_t need = infer_defs[id].min_samples;

	c->samples_lo[id] = SIZE_MAX;
	for (size_t i = 0; i < c->nvariants && need; i++)
		for (size_t r = 0; r < c->v[i].nruns; r++) {
			struct samples s = {};

			run_samples_of(&c->v[i].runs[r], id, &s);
			c->samples_lo[id] = s.n < c->samples_lo[id] ? s.n : c->samples_lo[id];
			c->samples_hi[id] = s.n > c->samples_hi[id] ? s.n : c->samples_hi[id];
			c->starved[id] |= s.n < need;
			samples_free(&s);
		}
	return !c->starved[id];
}

/* The change's bound from the two means': against a lower-bounded base a change is at most. */
static int change_bound(int b, int x)
{
	if (b && x && b == x)
		return 2;
	return x - b > 0 ? 1 : x - b < 0 ? -1 : 0;
}

static bool unit_is_boot(const struct comparison *c, size_t i)
{
	switch (c->opts.unit) {
	case UNIT_BOOT: return true;
	case UNIT_RUN: return false;
	default: return c->nboots[0] >= 2 && c->nboots[i] >= 2;
	}
}

void compare_infer(struct comparison *c)
{
	double p[INF_MAX], adj[INF_MAX];

	for (int id = 0; id < INF_MAX; id++)
		if (enough_samples(c, id))
			for (size_t i = 0; i < c->nvariants; i++)
				fill_cell(c, id, i);
	for (size_t i = 1; i < c->nvariants; i++) {
		c->by_boot[i] = unit_is_boot(c, i);
		for (int id = 0; id < INF_MAX; id++) {
			struct infer_cell *x = &c->inf[id][i], *base = &c->inf[id][0];

			p[id] = NAN;
			if (!x->present || !base->present || infer_defs[id].descriptive)
				continue;
			x->change_bound = change_bound(base->mean_bound, x->mean_bound);
			if (base->mean != 0 && isfinite(base->mean) && isfinite(x->mean)) {
				x->has_change = true;
				x->change = 100 * (x->mean - base->mean) / fabs(base->mean);
			}
			if (c->v[0].nruns == 1 && c->v[i].nruns == 1)
				test_within(c, id, &c->v[0].runs[0], &c->v[i].runs[0], x);
			else
				test_units(c, id, i, base, x);
			/* Every value the same: p is 1 whatever the labels; Holm need not pay for it. */
			x->in_family = x->test != TEST_NONE && !isnan(x->t.p) && !x->t.constant;
			if (x->in_family) {
				p[id] = x->t.p;
				c->family[i]++;
			}
		}
		exact_holm(p, INF_MAX, adj);
		for (int id = 0; id < INF_MAX; id++) {
			struct infer_cell *x = &c->inf[id][i];

			x->p_holm = adj[id];
			x->significant = x->in_family && adj[id] < c->opts.alpha;
		}
	}
}
