// SPDX-License-Identifier: GPL-2.0
/*
 * Comparison tables in the layout of mmtests' compare-kernels: one row per
 * statistic and metric, one column per variant, each value followed by its
 * change against the first variant; "*  x%*" marks a significant change.
 */
#include <math.h>
#include <string.h>
#include "compare/compare.h"
#include "output/json.h"

enum stat_row { ROW_MIN, ROW_MEAN, ROW_STDDEV, ROW_COV, ROW_P50, ROW_P99, ROW_MAX, ROW_MAX_ };

static const char *row_name(enum stat_row r, const struct metric_def *d)
{
	static const char *const names[] = { "Min", "Amean", "Stddev", "CoV", "p50", "p99", "Max" };

	return r == ROW_MEAN && d->rate ? "Hmean" : names[r];
}

static double row_value(const struct cell *x, enum stat_row r)
{
	switch (r) {
	case ROW_MIN: return x->s.min;
	case ROW_MEAN: return x->mean;
	case ROW_STDDEV: return x->s.stddev;
	case ROW_COV: return x->s.cov;
	case ROW_P50: return x->s.p50;
	case ROW_P99: return x->s.p99;
	default: return x->s.max;
	}
}

static bool metric_present(const struct comparison *c, int m)
{
	for (size_t i = 0; i < c->nvariants; i++)
		if (c->cells[m][i].present)
			return true;
	return false;
}

/* "( 12.34%)", or "*  12.34%*" when the mean's change is significant. */
static void change_str(char *buf, size_t len, double base, double v, bool mark)
{
	double pct;

	if (isnan(v) || isnan(base) || base == 0) {
		snprintf(buf, len, "(    n/a )");
		return;
	}
	pct = 100 * (v - base) / fabs(base);
	snprintf(buf, len, mark ? "*%8.2f%%*" : "(%8.2f%%)", pct);
}

/* A p-value; below what a double holds, say so rather than print 0. */
static const char *p_str(char *buf, size_t len, double p)
{
	if (p < 1e-300)
		snprintf(buf, len, "<1e-300");
	else
		snprintf(buf, len, "%.4g", p);
	return buf;
}

static void text_conditions(FILE *out, const struct comparison *c, const char *prefix)
{
	fprintf(out, "%sConditions: kernel %s, %u CPUs, %s, CPU %s; runs per variant:", prefix,
		c->cond.kernel, c->cond.ncpus,
		strcmp(c->cond.virt, "none") ? c->cond.virt : "bare metal", c->cond.cpu_model);
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s=%zu", c->v[i].name, c->v[i].nruns);
	fputc('\n', out);
	if (!strcmp(c->cond.kernel, "per variant")) {
		fprintf(out, "%sKernels:", prefix);
		for (size_t i = 0; i < c->nvariants; i++)
			fprintf(out, " %s=%s", c->v[i].name, c->v[i].runs[0].run.hdr.kernel);
		fputc('\n', out);
	}
	if (c->cond.differ)
		fprintf(out, "%sWARNING: conditions differ (compared with --force)\n", prefix);
}

static void text_legend(FILE *out, const struct comparison *c, const char *prefix)
{
	fprintf(out, "%sChange: %% against %s (+ is larger; larger is worse except for "
		"throughput). '*' marks p < %g: Welch's t-test on per-run means when every "
		"variant has >= %zu runs, else Mann-Whitney U on pooled samples (P row names "
		"the test). CI%.0f: bootstrap of the change in the mean (resampling runs, then "
		"samples within them, with Welch; pooled samples otherwise), %u resamples, "
		"seed %llu.\n",
		prefix, c->v[0].name, c->opts.alpha, c->opts.min_runs, c->opts.conf * 100,
		c->opts.reps, (unsigned long long)c->opts.seed);
}

void compare_print_text(FILE *out, const struct comparison *c)
{
	char buf[64], pv[16];

	text_conditions(out, c, "");
	fprintf(out, "\n%-8s %-16s", "", "");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %23s", c->v[i].name);
	fprintf(out, "\n%-8s %-16s", "Runs", "");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %23zu", c->v[i].nruns);
	fputc('\n', out);
	for (int r = 0; r < ROW_MAX_; r++)
		for (int m = 0; m < M_MAX; m++) {
			const struct metric_def *d = &metric_defs[m];

			if (!metric_present(c, m))
				continue;
			fprintf(out, "%-8s %-16s", row_name(r, d), d->name);
			for (size_t i = 0; i < c->nvariants; i++) {
				const struct cell *x = &c->cells[m][i];

				if (!x->present) {
					fprintf(out, " %23s", "-");
					continue;
				}
				change_str(buf, sizeof(buf), row_value(&c->cells[m][0], r),
					   row_value(x, r), r == ROW_MEAN && x->significant);
				fprintf(out, " %12.2f %10s", row_value(x, r), buf);
			}
			fputc('\n', out);
		}
	for (int m = 0; m < M_MAX; m++) {
		if (!metric_present(c, m))
			continue;
		fprintf(out, "%-8s %-16s", "Samples", metric_defs[m].name);
		for (size_t i = 0; i < c->nvariants; i++)
			fprintf(out, " %23zu", c->cells[m][i].s.n);
		fputc('\n', out);
	}
	for (int m = 0; m < M_MAX; m++) {
		if (!metric_present(c, m))
			continue;
		fprintf(out, "%-8s %-16s %23s", "CI95", metric_defs[m].name, "-");
		for (size_t i = 1; i < c->nvariants; i++) {
			const struct cell *x = &c->cells[m][i];

			if (x->has_ci)
				snprintf(buf, sizeof(buf), "[%+.1f%%, %+.1f%%]", x->ci_lo, x->ci_hi);
			else
				snprintf(buf, sizeof(buf), "-");
			fprintf(out, " %23s", buf);
		}
		fputc('\n', out);
	}
	for (int m = 0; m < M_MAX; m++) {
		if (!metric_present(c, m))
			continue;
		fprintf(out, "%-8s %-16s %23s", "P", metric_defs[m].name, "-");
		for (size_t i = 1; i < c->nvariants; i++) {
			const struct cell *x = &c->cells[m][i];

			if (x->test != TEST_NONE)
				snprintf(buf, sizeof(buf), "%s%s %s", x->significant ? "*" : "",
					 p_str(pv, sizeof(pv), x->p),
					 x->test == TEST_WELCH ? "welch" : "mwu");
			else
				snprintf(buf, sizeof(buf), "-");
			fprintf(out, " %23s", buf);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
	text_legend(out, c, "");
}

void compare_print_markdown(FILE *out, const struct comparison *c)
{
	char buf[64], pv[16];

	text_conditions(out, c, "");
	fprintf(out, "\n| | metric |");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s (%zu runs) |", c->v[i].name, c->v[i].nruns);
	fprintf(out, "\n|---|---|");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, "---:|");
	fputc('\n', out);
	for (int r = 0; r < ROW_MAX_ + 2; r++)
		for (int m = 0; m < M_MAX; m++) {
			const struct metric_def *d = &metric_defs[m];

			if (!metric_present(c, m))
				continue;
			fprintf(out, "| %s | %s |", r == ROW_MAX_ ? "CI95" : r > ROW_MAX_ ? "P" :
				row_name(r, d), d->name);
			for (size_t i = 0; i < c->nvariants; i++) {
				const struct cell *x = &c->cells[m][i];

				if (r == ROW_MAX_ && i && x->has_ci)
					fprintf(out, " [%+.1f%%, %+.1f%%] |", x->ci_lo, x->ci_hi);
				else if (r > ROW_MAX_ && i && x->test != TEST_NONE)
					fprintf(out, " %s%s (%s)%s |", x->significant ? "**" : "",
						p_str(pv, sizeof(pv), x->p),
						x->test == TEST_WELCH ? "Welch" : "Mann-Whitney",
						x->significant ? "**" : "");
				else if (r >= ROW_MAX_ || !x->present)
					fprintf(out, " - |");
				else if (!i)
					fprintf(out, " %.2f |", row_value(x, r));
				else {
					change_str(buf, sizeof(buf), row_value(&c->cells[m][0], r),
						   row_value(x, r), false);
					fprintf(out, " %s%.2f %s%s |",
						r == ROW_MEAN && x->significant ? "**" : "",
						row_value(x, r), buf,
						r == ROW_MEAN && x->significant ? "**" : "");
				}
			}
			fputc('\n', out);
		}
	fputc('\n', out);
	text_legend(out, c, "");
}

static void json_num(struct json *j, const char *key, double v)
{
	if (isfinite(v))
		json_dbl(j, key, v);
}

void compare_print_json(FILE *out, const struct comparison *c)
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
	json_str(&j, "test", compare_test_name(c->opts.test));
	json_u64(&j, "bootstrap_resamples", c->opts.reps);
	json_u64(&j, "seed", c->opts.seed);
	json_end(&j);
	for (int m = 0; m < M_MAX; m++) {
		if (!metric_present(c, m))
			continue;
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct cell *x = &c->cells[m][i];

			if (!x->present)
				continue;
			json_begin(&j, out, "compare");
			json_str(&j, "metric", metric_defs[m].name);
			json_str(&j, "variant", c->v[i].name);
			json_u64(&j, "runs", x->nruns);
			json_u64(&j, "samples", x->s.n);
			json_num(&j, "min", x->s.min);
			json_num(&j, metric_defs[m].rate ? "hmean" : "amean", x->mean);
			json_num(&j, "stddev", x->s.stddev);
			json_num(&j, "cov", x->s.cov);
			json_num(&j, "p50", x->s.p50);
			json_num(&j, "p99", x->s.p99);
			json_num(&j, "max", x->s.max);
			if (x->has_change)
				json_num(&j, "change_pct", x->change);
			if (x->has_ci) {
				json_num(&j, "ci_lo_pct", x->ci_lo);
				json_num(&j, "ci_hi_pct", x->ci_hi);
			}
			if (x->test != TEST_NONE) {
				json_str(&j, "test", compare_test_name(x->test));
				json_num(&j, "p", x->p);
			}
			json_bool(&j, "significant", x->significant);
			json_end(&j);
		}
	}
}
