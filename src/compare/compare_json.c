// SPDX-License-Identifier: GPL-2.0
/* A comparison as JSON lines. */
#include <math.h>
#include "compare/compare.h"
#include "compare/compare_print.h"
#include "output/json.h"

static void json_num(struct json *j, const char *key, double v)
{
	if (isfinite(v))
		json_dbl(j, key, v);
}

static void json_conditions(FILE *out, const struct comparison *c)
{
	struct json j;

	json_begin(&j, out, "conditions");
	json_str(&j, "kernel", c->cond.kernel);
	json_u64(&j, "cpus", c->cond.ncpus);
	json_str(&j, "virt", c->cond.virt);
	json_str(&j, "cpu_model", c->cond.cpu_model);
	json_bool(&j, "differ", c->cond.differ);
	json_key_obj(&j, "runs");
	for (size_t i = 0; i < c->nvariants; i++)
		json_u64(&j, c->v[i].name, c->v[i].nruns);
	json_close(&j);
	json_key_obj(&j, "kernels");
	for (size_t i = 0; i < c->nvariants; i++)
		json_str(&j, c->v[i].name, c->v[i].runs[0].run.hdr.kernel);
	json_close(&j);
	json_dbl(&j, "alpha", c->opts.alpha);
	json_dbl(&j, "stall_threshold_ms", c->opts.stall_ms);
	json_str(&j, "correction", "holm");
	json_u64(&j, "bootstrap_resamples", c->opts.reps);
	json_u64(&j, "permutation_draws", c->opts.perm_reps);
	json_u64(&j, "seed", c->opts.seed);
	json_end(&j);
	for (size_t i = 0; i < c->nvariants; i++)
		for (size_t r = 0; r < c->v[i].nruns; r++) {
			const struct run_samples *rs = &c->v[i].runs[r];

			json_begin(&j, out, "compare_run");
			json_str(&j, "variant", c->v[i].name);
			json_str(&j, "path", rs->path);
			json_u64(&j, "lost_records", rs->dropped);
			json_u64(&j, "censored_pending", rs->censored.n);
			if (rs->has_livelock_info)
				json_bool(&j, "livelocked", rs->livelocked);
			json_key_arr(&j, "synthesised");
			for (int m = 0; m < M_MAX; m++)
				if (rs->synth[m])
					json_str(&j, NULL, compare_metrics[m].name);
			json_close_arr(&j);
			json_end(&j);
		}
}

static void json_inference(FILE *out, const struct comparison *c)
{
	struct json j;

	for (int id = 0; id < INF_MAX; id++)
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct infer_cell *x = &c->inf[id][i];

			if (!x->present)
				continue;
			json_begin(&j, out, "inference");
			json_str(&j, "metric", infer_defs[id].key);
			json_str(&j, "variant", c->v[i].name);
			json_u64(&j, "runs", x->nruns);
			json_key_arr(&j, "per_run");
			for (size_t r = 0; r < x->nruns; r++)
				json_num(&j, NULL, x->run[r]);
			json_close_arr(&j);
			json_u64(&j, "censored_runs", x->censored_runs);
			json_num(&j, infer_defs[id].binary ? "share" : infer_defs[id].rate ? "hmean"
				 : "amean", x->mean);
			if (x->has_change)
				json_num(&j, "change_pct", x->change);
			if (x->has_ci) {
				json_num(&j, "ci_lo_pct", x->ci_lo);
				json_num(&j, "ci_hi_pct", x->ci_hi);
			}
			if (i && x->test != TEST_NONE) {
				json_str(&j, "test", compare_test_name(x->test));
				json_bool(&j, "within_run", compare_test_within_run(x->test));
				json_bool(&j, "exact", x->t.exact);
				json_num(&j, "p", x->t.p);
				if (x->in_family)
					json_num(&j, "p_holm", x->p_holm);
				json_bool(&j, "constant", x->t.constant);
			}
			json_bool(&j, "significant", x->significant);
			json_end(&j);
		}
}

void compare_print_json(FILE *out, const struct comparison *c)
{
	struct json j;
	char name[48];

	json_conditions(out, c);
	json_inference(out, c);
	for (int m = 0; m < M_MAX; m++) {
		if (!compare_metric_present(c, m))
			continue;
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct cell *x = &c->cells[m][i];

			if (!x->present)
				continue;
			json_begin(&j, out, "compare");
			json_str(&j, "metric", compare_metrics[m].name);
			json_str(&j, "variant", c->v[i].name);
			json_u64(&j, "runs", x->nruns);
			json_u64(&j, "samples", x->s.n);
			json_u64(&j, "synthesised_runs", x->synth_runs);
			json_num(&j, "min", x->s.min);
			json_num(&j, compare_metrics[m].rate ? "hmean" : "amean", x->mean);
			json_num(&j, "stddev", x->s.stddev);
			json_num(&j, "cov", x->s.cov);
			json_num(&j, "p50", x->s.p50);
			json_num(&j, "p99", x->s.p99);
			json_num(&j, "max", x->s.max);
			if (x->has_change)
				json_num(&j, "change_pct", x->change);
			json_end(&j);
		}
	}
	for (int k = 0; k < SAMPLES_CPUS; k++)
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct cpu_cell *x = &c->cpu[k][i];

			if (!x->present)
				continue;
			snprintf(name, sizeof(name), "drain_wait_us.cpu%d", k);
			json_begin(&j, out, "compare_cpu");
			json_str(&j, "metric", name);
			json_u64(&j, "cpu", k);
			json_str(&j, "variant", c->v[i].name);
			json_u64(&j, "samples", x->s.n);
			json_num(&j, "p50", x->s.p50);
			json_num(&j, "p99", x->s.p99);
			json_num(&j, "max", x->s.max);
			json_u64(&j, "stalls", x->stalls);
			json_u64(&j, "censored", x->censored);
			if (x->censored)
				json_num(&j, "censored_max", x->censored_max);
			json_end(&j);
		}
}
