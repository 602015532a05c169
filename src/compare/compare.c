// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/compare.h"

#define MWU_SAMPLES_MAX		50000	/* per variant; more are subsampled */
#define BOOTSTRAP_SAMPLES_MAX	5000

void compare_opts_defaults(struct compare_opts *o)
{
	*o = (struct compare_opts){
		.test = TEST_AUTO, .alpha = 0.05, .conf = 0.95, .reps = 2000, .seed = 1,
		.min_runs = 3,
	};
}

const char *compare_test_name(enum compare_test t)
{
	switch (t) {
	case TEST_WELCH: return "welch";
	case TEST_MWU: return "mann-whitney";
	case TEST_AUTO: return "auto";
	default: return "none";
	}
}

/* "6.1.0-18-amd64" -> "6.1.0": patch variants differ after it, machines before. */
static void kernel_base(const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(rel, "-+_ "), rel);
}

static void hooks_signature(const struct rec_header *h, char *out, size_t len)
{
	size_t off = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < HOOK_MAX && off < len; i++)
		off += snprintf(out + off, len - off, "%s%s=%s", i ? "," : "", hook_defs[i].name,
				mechanism_name(h->hooks[i].mech));
}

static void differ(struct conditions *c, const char *what, const char *a_path, const char *a,
		   const char *b_path, const char *b)
{
	size_t off = strlen(c->differences);

	c->differ = true;
	if (off < sizeof(c->differences) - 1)
		snprintf(c->differences + off, sizeof(c->differences) - off,
			 "%s: %s has %s, %s has %s\n", what, a_path, a, b_path, b);
}

void compare_conditions(const struct variant *v, size_t n, struct conditions *c)
{
	const struct run_samples *first = &v[0].runs[0];
	const struct rec_header *h0 = &first->run.hdr;
	char base0[64], sig0[1024];

	memset(c, 0, sizeof(*c));
	snprintf(c->kernel, sizeof(c->kernel), "%s", h0->kernel);
	c->ncpus = h0->ncpus;
	snprintf(c->virt, sizeof(c->virt), "%s", h0->virt);
	snprintf(c->cpu_model, sizeof(c->cpu_model), "%s", h0->cpu_model);
	kernel_base(h0->kernel, base0, sizeof(base0));
	hooks_signature(h0, sig0, sizeof(sig0));
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < v[i].nruns; r++) {
			const struct run_samples *rs = &v[i].runs[r];
			const struct rec_header *h = &rs->run.hdr;
			char base[64], sig[1024], a[16], b[16];

			if (strcmp(h->kernel, c->kernel))
				snprintf(c->kernel, sizeof(c->kernel), "per variant");
			kernel_base(h->kernel, base, sizeof(base));
			if (strcmp(base, base0))
				differ(c, "kernel version", first->path, h0->kernel, rs->path, h->kernel);
			if (h->ncpus != h0->ncpus) {
				snprintf(a, sizeof(a), "%u", h0->ncpus);
				snprintf(b, sizeof(b), "%u", h->ncpus);
				differ(c, "CPU count", first->path, a, rs->path, b);
			}
			if (strcmp(h->virt, h0->virt))
				differ(c, "virtualization", first->path, h0->virt, rs->path, h->virt);
			if (strcmp(h->cpu_model, h0->cpu_model))
				differ(c, "CPU model", first->path, h0->cpu_model, rs->path,
				       h->cpu_model);
			hooks_signature(h, sig, sizeof(sig));
			if (strcmp(sig, sig0))
				differ(c, "hook mechanisms", first->path, "one set", rs->path,
				       "another (see 'migtrace report')");
		}
}

void compare_gather(const struct variant *v, enum metric_id m, struct samples *pooled,
		    struct samples *runvals)
{
	const struct metric_def *d = &metric_defs[m];

	for (size_t r = 0; r < v->nruns; r++) {
		const struct samples *s = &v->runs[r].m[m];
		size_t start = pooled->n;

		if (!s->n)
			continue;
		for (size_t k = 0; k < s->n; k++)
			samples_push(pooled, s->v[k] / d->scale);
		if (runvals)
			samples_push(runvals, d->rate ? stats_hmean(pooled->v + start, s->n)
						      : stats_amean(pooled->v + start, s->n));
	}
}

/* At most max values, drawn without bias (fixed seed): keeps tests and CIs fast. */
static void subsample(const struct samples *in, size_t max, uint64_t seed, struct samples *out)
{
	struct stats_rng rng;

	if (in->n <= max) {
		for (size_t i = 0; i < in->n; i++)
			samples_push(out, in->v[i]);
		return;
	}
	stats_rng_seed(&rng, seed);
	for (size_t i = 0; i < max; i++)
		samples_push(out, in->v[stats_rng_below(&rng, in->n)]);
}

/* A variant's runs with samples of m, as groups for the two-level bootstrap. */
static struct stats_groups groups_of(const struct variant *v, enum metric_id m,
				     const double **vp, size_t *np)
{
	struct stats_groups g = { vp, np, 0 };

	for (size_t r = 0; r < v->nruns; r++)
		if (v->runs[r].m[m].n) {
			vp[g.ngroups] = v->runs[r].m[m].v;
			np[g.ngroups++] = v->runs[r].m[m].n;
		}
	return g;
}

/* Welch on the runs' means; the CI resamples runs, then samples within them. */
static int welch_cell(struct comparison *c, enum metric_id m, size_t i,
		      const struct samples *run0, const struct samples *run,
		      struct stats_test *res, uint64_t seed)
{
	const double **va = calloc(c->v[0].nruns, sizeof(*va)), **vb = calloc(c->v[i].nruns, sizeof(*vb));
	size_t *na = calloc(c->v[0].nruns, sizeof(*na)), *nb = calloc(c->v[i].nruns, sizeof(*nb));
	struct cell *x = &c->cells[m][i];
	int ret = -1;

	if (!va || !vb || !na || !nb)
		goto out;
	ret = stats_welch(run0->v, run0->n, run->v, run->n, res);
	struct stats_groups a = groups_of(&c->v[0], m, va, na), b = groups_of(&c->v[i], m, vb, nb);

	if (x->has_change &&
	    !stats_bootstrap_change_grouped(&a, &b, metric_defs[m].rate ? stats_hmean : stats_amean,
					    c->opts.reps, seed, c->opts.conf,
					    BOOTSTRAP_SAMPLES_MAX / (a.ngroups + b.ngroups),
					    &x->ci_lo, &x->ci_hi))
		x->has_ci = true;
out:
	free(va);
	free(vb);
	free(na);
	free(nb);
	return ret;
}

static void test_cell(struct comparison *c, enum metric_id m, size_t i,
		      const struct samples *pool0, const struct samples *run0,
		      const struct samples *pool, const struct samples *run)
{
	const struct metric_def *d = &metric_defs[m];
	struct cell *x = &c->cells[m][i], *base = &c->cells[m][0];
	enum compare_test t = c->opts.test;
	struct samples a = {}, b = {};
	uint64_t seed = c->opts.seed + 7919 * m + 104729 * i;
	struct stats_test res;
	int ret;

	if (base->mean != 0 && isfinite(base->mean) && isfinite(x->mean)) {
		x->has_change = true;
		x->change = 100 * (x->mean - base->mean) / fabs(base->mean);
	}
	if (d->per_run && (run0->n < 2 || run->n < 2))
		return;		/* one value a side: nothing to test or resample */
	if (t == TEST_AUTO)
		t = run0->n >= c->opts.min_runs && run->n >= c->opts.min_runs ? TEST_WELCH
									     : TEST_MWU;
	if (t == TEST_WELCH) {
		ret = welch_cell(c, m, i, run0, run, &res, seed);
	} else {
		subsample(pool0, MWU_SAMPLES_MAX, seed, &a);
		subsample(pool, MWU_SAMPLES_MAX, seed + 1, &b);
		ret = stats_mann_whitney(a.v, a.n, b.v, b.n, &res);
		samples_free(&a);
		samples_free(&b);
		subsample(pool0, BOOTSTRAP_SAMPLES_MAX, seed, &a);
		subsample(pool, BOOTSTRAP_SAMPLES_MAX, seed + 1, &b);
		if (x->has_change &&
		    !stats_bootstrap_change(a.v, a.n, b.v, b.n, d->rate ? stats_hmean : stats_amean,
					    c->opts.reps, seed, c->opts.conf, &x->ci_lo, &x->ci_hi))
			x->has_ci = true;
	}
	if (!ret && !isnan(res.p)) {
		x->test = t;
		x->p = res.p;
		x->significant = res.p < c->opts.alpha;
	}
	samples_free(&a);
	samples_free(&b);
}

void compare_compute(struct comparison *c, const struct variant *v, size_t n,
		     const struct compare_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->v = v;
	c->nvariants = n < COMPARE_MAX_VARIANTS ? n : COMPARE_MAX_VARIANTS;
	c->opts = *o;
	compare_conditions(v, c->nvariants, &c->cond);
	for (int m = 0; m < M_MAX; m++) {
		struct samples pool0 = {}, run0 = {};

		for (size_t i = 0; i < c->nvariants; i++) {
			struct samples pool = {}, run = {};
			struct cell *x = &c->cells[m][i];

			compare_gather(&v[i], m, &pool, &run);
			x->present = pool.n > 0;
			x->nruns = run.n;
			stats_summarize(pool.v, pool.n, &x->s);
			x->mean = metric_defs[m].rate ? x->s.hmean : x->s.amean;
			x->test = TEST_NONE;
			if (i == 0) {
				pool0 = pool;
				run0 = run;
				continue;
			}
			if (x->present && c->cells[m][0].present)
				test_cell(c, m, i, &pool0, &run0, &pool, &run);
			samples_free(&pool);
			samples_free(&run);
		}
		samples_free(&pool0);
		samples_free(&run0);
	}
}
