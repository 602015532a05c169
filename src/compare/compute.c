// SPDX-License-Identifier: GPL-2.0
/*
 * A comparison computed: the descriptive cells (pooled samples per metric,
 * drain wait per CPU), then the run-level inference (compare/infer.c).
 */
#include <math.h>
#include <string.h>
#include "compare/compare.h"

/* Drain wait per target CPU, with stalls and the censored pending work. */
static void compute_cpus(struct comparison *c)
{
	double thr_ns = c->opts.stall_ms * 1e6;

	for (int k = 0; k < SAMPLES_CPUS; k++)
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct variant *v = &c->v[i];
			struct cpu_cell *x = &c->cpu[k][i];
			struct samples pool = {};

			for (size_t r = 0; r < v->nruns; r++) {
				const struct run_samples *rs = &v->runs[r];

				for (size_t j = 0; j < rs->cpu_wait[k].n; j++) {
					samples_push(&pool, rs->cpu_wait[k].v[j] / 1e3);
					x->stalls += rs->cpu_wait[k].v[j] >= thr_ns;
				}
				for (size_t j = 0; j < rs->censored.n; j++) {
					if (rs->censored_cpu[j] != (uint32_t)k)
						continue;
					x->censored++;
					x->stalls += rs->censored.v[j] >= thr_ns;
					x->censored_max = fmax(x->censored_max, rs->censored.v[j] / 1e3);
				}
			}
			x->present = pool.n || x->censored;
			stats_summarize(pool.v, pool.n, &x->s);
			samples_free(&pool);
		}
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
		const struct cell *base = &c->cells[m][0];

		for (size_t i = 0; i < c->nvariants; i++) {
			struct samples pool = {}, run = {};
			struct cell *x = &c->cells[m][i];

			compare_gather(&v[i], m, &pool, &run);
			x->present = pool.n > 0;
			x->nruns = run.n;
			for (size_t r = 0; r < v[i].nruns; r++)
				x->synth_runs += v[i].runs[r].synth[m];
			stats_summarize(pool.v, pool.n, &x->s);
			x->mean = compare_metrics[m].rate ? x->s.hmean : x->s.amean;
			if (i && x->present && base->present && base->mean != 0 &&
			    isfinite(base->mean) && isfinite(x->mean)) {
				x->has_change = true;
				x->change = 100 * (x->mean - base->mean) / fabs(base->mean);
			}
			samples_free(&pool);
			samples_free(&run);
		}
	}
	compute_cpus(c);
	compare_infer(c);
}
