// SPDX-License-Identifier: GPL-2.0
/*
 * Run-level inference: the run is the unit. Each run gives one value per
 * statistic (its max, its p99, its stall count, livelocked or not, ...);
 * variants are compared on those values with exact tests, the change has a
 * bootstrap CI over runs, and Holm's adjustment covers every test of one
 * variant against the first. With a single run a side there is nothing to
 * replicate: the tests then compare samples inside the two runs and say so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/compare.h"

const struct infer_def infer_defs[INF_MAX] = {
	[INF_STRAGGLER_MAX] = { "max/run", "straggler_wait_us", "straggler_wait_us.max_per_run" },
	[INF_STRAGGLER_P99] = { "p99/run", "straggler_wait_us", "straggler_wait_us.p99_per_run" },
	[INF_DRAIN_MAX] = { "max/run", "drain_wait_us", "drain_wait_us.max_per_run" },
	[INF_STALLS] = { "count/run", "stalls", "stalls.per_run" },
	[INF_LIVELOCKED] = { "yes/no", "livelocked", "livelocked", .binary = true },
	[INF_RETRIES_PER_MIG] = { "mean/run", "retries_per_migration", "retries_per_migration" },
	[INF_HOLD_MAX] = { "max/run", "folio_hold_us", "folio_hold_us.max_per_run" },
	[INF_THROUGHPUT] = { "value/run", "throughput", "throughput.per_run", .rate = true },
};

/* The samples a statistic is taken over, censored pending work included where it belongs, in us. */
static void run_samples_of(const struct run_samples *rs, enum infer_id id, struct samples *out,
			   bool *censored)
{
	enum compare_metric_id m = id == INF_DRAIN_MAX || id == INF_STALLS ? M_DRAIN_WAIT
			   : id == INF_HOLD_MAX ? M_FOLIO_HOLD
			   : id == INF_RETRIES_PER_MIG ? M_FAULT_RETRIES : M_STRAGGLER_WAIT;
	double scale = compare_metrics[m].scale;

	*censored = false;
	for (size_t k = 0; k < rs->m[m].n; k++)
		samples_push(out, rs->m[m].v[k] / scale);
	/* Pending work waits at least its age, and so does the call that queued it. */
	if (m == M_DRAIN_WAIT || m == M_STRAGGLER_WAIT)
		for (size_t k = 0; k < rs->censored.n; k++) {
			samples_push(out, rs->censored.v[k] / scale);
			*censored = true;
		}
}

static double max_of(const struct samples *s)
{
	double m = -INFINITY;

	for (size_t i = 0; i < s->n; i++)
		m = fmax(m, s->v[i]);
	return m;
}

/* One run's value of a statistic; false when the run has none. */
static bool run_value(const struct comparison *c, const struct run_samples *rs, enum infer_id id,
		      double *out, bool *censored)
{
	struct samples s = {};
	bool ok = true;

	*censored = false;
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
		run_samples_of(rs, id, &s, censored);
		*out = 0;
		for (size_t k = 0; k < s.n; k++)
			*out += s.v[k] * 1e-3 >= c->opts.stall_ms;
		ok = s.n || rs->run.hdr.hooks[HOOK_DRAIN_WORK].mech != MECH_NONE;
		break;
	default:
		run_samples_of(rs, id, &s, censored);
		ok = s.n > 0;
		if (!ok)
			break;
		if (id == INF_STRAGGLER_P99) {
			qsort(s.v, s.n, sizeof(double), stats_cmp_double);
			*out = stats_percentile_sorted(s.v, s.n, 99);
		} else {
			*out = max_of(&s);
		}
	}
	samples_free(&s);
	return ok;
}

/* Within-run: one run a side; the test compares the samples inside them. */
static void test_within(const struct comparison *c, enum infer_id id, const struct run_samples *a,
			const struct run_samples *b, struct infer_cell *x)
{
	struct samples sa = {}, sb = {};
	bool cens;
	int ret = -1;

	/*
	 * One value a side: nothing inside a run to compare. And p99/run would
	 * repeat max/run's test on the same samples: Holm need not count it twice.
	 */
	if (id == INF_LIVELOCKED || id == INF_THROUGHPUT || id == INF_STRAGGLER_P99)
		return;
	run_samples_of(a, id, &sa, &cens);
	run_samples_of(b, id, &sb, &cens);
	if (id == INF_STALLS) {
		uint64_t ya = 0, yb = 0;

		for (size_t k = 0; k < sa.n; k++)
			ya += sa.v[k] * 1e-3 >= c->opts.stall_ms;
		for (size_t k = 0; k < sb.n; k++)
			yb += sb.v[k] * 1e-3 >= c->opts.stall_ms;
		ret = exact_fisher(ya, sa.n, yb, sb.n, &x->t);
		x->test = TEST_FISHER_WITHIN;
	} else {
		ret = exact_exceedance(sa.v, sa.n, sb.v, sb.n, &x->t);
		x->test = TEST_EXCEEDANCE;
	}
	if (ret)
		x->test = TEST_NONE;
	samples_free(&sa);
	samples_free(&sb);
}

static void test_runs(const struct comparison *c, enum infer_id id, size_t i,
		      const struct infer_cell *base, struct infer_cell *x)
{
	const struct infer_def *d = &infer_defs[id];
	uint64_t seed = c->opts.seed + 7919 * id + 104729 * i;
	/* The test, the CI and the table all use the mean the table shows. */
	stats_estimator mean = d->rate ? stats_hmean : stats_amean;

	if (d->binary) {
		if (!exact_fisher(base->yes, base->nruns, x->yes, x->nruns, &x->t))
			x->test = TEST_FISHER;
		return;
	}
	if (!exact_permutation(base->run, base->nruns, x->run, x->nruns, mean, c->opts.perm_reps,
			       seed, &x->t))
		x->test = TEST_PERMUTATION;
	if (x->has_change && base->nruns >= 2 && x->nruns >= 2 &&
	    !stats_bootstrap_change(base->run, base->nruns, x->run, x->nruns, mean, c->opts.reps,
				    seed, c->opts.conf, &x->ci_lo, &x->ci_hi))
		x->has_ci = true;
}

static void fill_cell(struct comparison *c, enum infer_id id, size_t i)
{
	const struct variant *v = &c->v[i];
	struct infer_cell *x = &c->inf[id][i];

	for (size_t r = 0; r < v->nruns && x->nruns < COMPARE_MAX_RUNS; r++) {
		double val;
		bool cens;

		if (!run_value(c, &v->runs[r], id, &val, &cens))
			continue;
		x->run[x->nruns++] = val;
		x->censored_runs += cens;
		x->yes += val != 0;
	}
	x->present = x->nruns > 0;
	if (!x->present)
		return;
	x->mean = infer_defs[id].binary ? (double)x->yes / x->nruns
		  : infer_defs[id].rate ? stats_hmean(x->run, x->nruns)
		  : stats_amean(x->run, x->nruns);
}

void compare_infer(struct comparison *c)
{
	double p[INF_MAX], adj[INF_MAX];

	for (int id = 0; id < INF_MAX; id++)
		for (size_t i = 0; i < c->nvariants; i++)
			fill_cell(c, id, i);
	for (size_t i = 1; i < c->nvariants; i++) {
		for (int id = 0; id < INF_MAX; id++) {
			struct infer_cell *x = &c->inf[id][i], *base = &c->inf[id][0];

			p[id] = NAN;
			if (!x->present || !base->present)
				continue;
			if (base->mean != 0 && isfinite(base->mean) && isfinite(x->mean)) {
				x->has_change = true;
				x->change = 100 * (x->mean - base->mean) / fabs(base->mean);
			}
			if (c->v[0].nruns == 1 && c->v[i].nruns == 1)
				test_within(c, id, &c->v[0].runs[0], &c->v[i].runs[0], x);
			else
				test_runs(c, id, i, base, x);
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
