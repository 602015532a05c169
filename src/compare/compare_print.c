// SPDX-License-Identifier: GPL-2.0
/*
 * Comparison tables in the layout of mmtests' compare-kernels: one row per
 * statistic and metric, one column per variant, each value followed by its
 * change against the first variant. First what the runs were (pooled
 * samples, per CPU: descriptive, no test), then the run-level inference,
 * where "*  x%*" marks a change whose Holm-adjusted test is significant and
 * the row names its test.
 */
#include <math.h>
#include <string.h>
#include "compare/compare.h"
#include "compare/compare_print.h"

enum stat_row { ROW_MIN, ROW_MEAN, ROW_STDDEV, ROW_COV, ROW_P50, ROW_P99, ROW_MAX, ROW_MAX_ };

static const char *row_name(enum stat_row r, const struct compare_metric *d)
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

bool compare_metric_present(const struct comparison *c, int m)
{
	for (size_t i = 0; i < c->nvariants; i++)
		if (c->cells[m][i].present)
			return true;
	return false;
}

bool compare_cpu_present(const struct comparison *c, int k)
{
	for (size_t i = 0; i < c->nvariants; i++)
		if (c->cpu[k][i].present)
			return true;
	return false;
}

bool compare_infer_present(const struct comparison *c, int id)
{
	for (size_t i = 0; i < c->nvariants; i++)
		if (c->inf[id][i].present)
			return true;
	return false;
}

void compare_change_str(char *buf, size_t len, double base, double v)
{
	double pct;

	if (isnan(v) || isnan(base) || base == 0) {
		snprintf(buf, len, "(    n/a )");
		return;
	}
	pct = 100 * (v - base) / fabs(base);
	if (fabs(pct) <= 1000)
		snprintf(buf, len, "(%8.2f%%)", pct);
	else if (v / base >= 10)
		snprintf(buf, len, "(\u00d7%.0f)", v / base);
	else	/* below -1000 %: the sign flipped */
		snprintf(buf, len, "(\u00d7%.3g)", v / base);
}

/* A CI of a change in %: beyond ±1000 % at either end, as ratios. */
void compare_ci_str(char *buf, size_t len, double lo, double hi)
{
	if (fabs(lo) <= 1000 && fabs(hi) <= 1000)
		snprintf(buf, len, "[%+.1f%%, %+.1f%%]", lo, hi);
	else
		snprintf(buf, len, "[\u00d7%.3g, \u00d7%.3g]", 1 + lo / 100, 1 + hi / 100);
}

/* "(...)" -> "*...*": the change whose test is significant after Holm. */
static void mark(char *buf)
{
	size_t n = strlen(buf);

	if (n >= 2 && buf[0] == '(' && buf[n - 1] == ')') {
		buf[0] = '*';
		buf[n - 1] = '*';
	}
}

/* printf's width counts bytes; "×" is two of them but one column. */
static void cell_out(FILE *out, int width, const char *s)
{
	int extra = 0;

	for (const char *p = s; *p; p++)
		extra += ((unsigned char)*p & 0xc0) == 0x80;
	fprintf(out, " %*s", width + extra, s);
}

const char *compare_p_str(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 1e-300)
		snprintf(buf, len, "<1e-300");
	else
		snprintf(buf, len, "%.4g", p);
	return buf;
}

/* The tests one inference row used, comma-separated. */
void compare_row_tests(const struct comparison *c, int id, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 1; i < c->nvariants; i++) {
		const char *t = compare_test_name(c->inf[id][i].test);

		if (c->inf[id][i].test == TEST_NONE || strstr(buf, t))
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? "," : "", t);
		if (off >= len)
			break;
	}
}

/* The value of an inference cell: "3/10" for yes/no, else the mean of the per-run values. */
void compare_infer_value(const struct infer_cell *x, const struct infer_def *d, char *buf,
			 size_t len)
{
	if (d->binary)
		snprintf(buf, len, "%llu/%zu", (unsigned long long)x->yes, x->nruns);
	else
		snprintf(buf, len, "%.2f", x->mean);
}

static void text_conditions(FILE *out, const struct comparison *c)
{
	fprintf(out, "Conditions: kernel %s, %u CPUs, %s, CPU %s; runs per variant:",
		c->cond.kernel, c->cond.ncpus,
		strcmp(c->cond.virt, "none") ? c->cond.virt : "bare metal", c->cond.cpu_model);
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s=%zu", c->v[i].name, c->v[i].nruns);
	fputc('\n', out);
	if (!strcmp(c->cond.kernel, "per variant")) {
		fprintf(out, "Kernels:");
		for (size_t i = 0; i < c->nvariants; i++)
			fprintf(out, " %s=%s", c->v[i].name, c->v[i].runs[0].run.hdr.kernel);
		fputc('\n', out);
	}
	if (c->cond.differ)
		fprintf(out, "WARNING: conditions differ (compared with --force)\n");
}

/* What the numbers rest on: losses, censored work, synthesised samples. */
void compare_notes(FILE *out, const struct comparison *c, const char *prefix)
{
	bool any;

	fprintf(out, "%sLost records (ring buffer full), per run:", prefix);
	for (size_t i = 0; i < c->nvariants; i++) {
		fprintf(out, " %s", c->v[i].name);
		for (size_t r = 0; r < c->v[i].nruns; r++)
			fprintf(out, "%c%llu", r ? ',' : '=',
				(unsigned long long)c->v[i].runs[r].dropped);
		fputc(i + 1 < c->nvariants ? ';' : '\n', out);
	}
	fprintf(out, "%sCensored: drain work still pending at the end of a run counts at its "
		"age (it waited at least that long) in drain_wait_us and straggler_wait_us "
		"max/run and p99/run and in stalls; runs with censored work:", prefix);
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s=%zu", c->v[i].name, c->inf[INF_DRAIN_MAX][i].censored_runs);
	fputc('\n', out);
	for (size_t i = 1; i < c->nvariants; i++) {
		size_t na = c->v[0].nruns, nb = c->v[i].nruns;
		double pmin = exact_permutation_min_p(na, nb);

		if (na * nb > 1 && pmin >= c->opts.alpha)
			fprintf(out, "%sToo few runs: with %zu and %zu runs the permutation test's "
				"smallest p is %.3g, not below alpha %g: no run-level row of %s can be "
				"marked (6 runs a side reach 0.0022).\n", prefix, na, nb, pmin,
				c->opts.alpha, c->v[i].name);
	}
	any = false;
	for (int m = 0; m < M_MAX; m++)
		for (size_t i = 0; i < c->nvariants; i++) {
			if (!c->cells[m][i].synth_runs)
				continue;
			fprintf(out, "%s%s %s: %zu of %zu runs", any ? "," : prefix,
				any ? "" : "Synthesised from kernel log2 histograms (not measured one "
				"by one):", compare_metrics[m].name, c->cells[m][i].synth_runs,
				c->v[i].nruns);
			fprintf(out, " of %s", c->v[i].name);
			any = true;
		}
	if (any)
		fputc('\n', out);
}

void compare_legend(FILE *out, const struct comparison *c, const char *prefix)
{
	fprintf(out, "%sChange: against %s, in %% (beyond \u00b11000 %% as a ratio, \u00d7N); + is "
		"larger, and larger is worse except for throughput. Pooled rows describe; "
		"they are not tested (samples of one run share its stalls).\n", prefix,
		c->v[0].name);
	fprintf(out, "%sInference: each run gives one value per row; permutation: exact "
		"two-sided permutation test of the difference in mean per-run values (Monte "
		"Carlo, %u draws, when over %d splits); fisher: Fisher's exact test of runs "
		"livelocked (a livelock or suspected_livelock incident, or RESULT "
		"progress=no); with one run a side, within-run tests over that run's samples "
		"(exceedance: values above all of the other run's; fisher: stalls among work "
		"items), which do not replicate anything. Stall: drain wait >= %g ms. "
		"P: two-sided p; Pholm: Holm-adjusted over the %zu test(s) of that variant "
		"(constant rows left out); '*' marks Pholm < %g. CI%.0f: percentile bootstrap "
		"over runs of the change in the mean, %u resamples, seed %llu.\n", prefix,
		c->opts.perm_reps, PERM_EXACT_MAX, c->opts.stall_ms,
		c->nvariants > 1 ? c->family[1] : 0, c->opts.alpha, c->opts.conf * 100,
		c->opts.reps, (unsigned long long)c->opts.seed);
}

static void text_header(FILE *out, const struct comparison *c, const char *title, int w)
{
	fprintf(out, "\n%s\n%-9s %-*s", title, "", w, "");
	for (size_t i = 0; i < c->nvariants; i++)
		cell_out(out, 23, c->v[i].name);
	fputc('\n', out);
}

static void text_pooled(FILE *out, const struct comparison *c)
{
	char buf[64], name[48];

	text_header(out, c, "Pooled samples (descriptive)", 22);
	for (int r = 0; r < ROW_MAX_; r++)
		for (int m = 0; m < M_MAX; m++) {
			const struct compare_metric *d = &compare_metrics[m];

			if (!compare_metric_present(c, m))
				continue;
			fprintf(out, "%-9s %-22s", row_name(r, d), d->name);
			for (size_t i = 0; i < c->nvariants; i++) {
				const struct cell *x = &c->cells[m][i];

				if (!x->present) {
					cell_out(out, 23, "-");
					continue;
				}
				compare_change_str(buf, sizeof(buf), row_value(&c->cells[m][0], r),
						   row_value(x, r));
				fprintf(out, " %12.2f", row_value(x, r));
				cell_out(out, 10, buf);
			}
			fputc('\n', out);
		}
	for (int m = 0; m < M_MAX; m++) {
		if (!compare_metric_present(c, m))
			continue;
		fprintf(out, "%-9s %-22s", "Samples", compare_metrics[m].name);
		for (size_t i = 0; i < c->nvariants; i++)
			fprintf(out, " %23zu", c->cells[m][i].s.n);
		fputc('\n', out);
	}
	for (int k = 0; k < SAMPLES_CPUS; k++) {
		if (!compare_cpu_present(c, k))
			continue;
		snprintf(name, sizeof(name), "drain_wait_us.cpu%d", k);
		for (int r = 0; r < 3; r++) {
			fprintf(out, "%-9s %-22s", r == 0 ? "p99" : r == 1 ? "Max" : "Stalls", name);
			for (size_t i = 0; i < c->nvariants; i++) {
				const struct cpu_cell *x = &c->cpu[k][i], *b = &c->cpu[k][0];
				double v = r == 0 ? x->s.p99 : r == 1 ? x->s.max : x->stalls;
				double bv = r == 0 ? b->s.p99 : r == 1 ? b->s.max : b->stalls;

				if (!x->present) {
					cell_out(out, 23, "-");
					continue;
				}
				compare_change_str(buf, sizeof(buf), bv, v);
				fprintf(out, " %12.2f", v);
				cell_out(out, 10, buf);
			}
			fputc('\n', out);
		}
		for (size_t i = 0; i < c->nvariants && compare_cpu_present(c, k); i++)
			if (c->cpu[k][i].censored) {
				fprintf(out, "%-9s %-22s", "Pending", name);
				for (size_t j = 0; j < c->nvariants; j++) {
					if (c->cpu[k][j].censored)
						snprintf(buf, sizeof(buf), "%llu, oldest %.0f",
							 (unsigned long long)c->cpu[k][j].censored,
							 c->cpu[k][j].censored_max);
					else
						snprintf(buf, sizeof(buf), "0");
					cell_out(out, 23, buf);
				}
				fputc('\n', out);
				break;
			}
	}
}

static void text_inference(FILE *out, const struct comparison *c)
{
	char buf[64], val[32], tests[96], pv[24];

	text_header(out, c, "Run-level inference (the run is the unit)", 30);
	for (int id = 0; id < INF_MAX; id++) {
		const struct infer_def *d = &infer_defs[id];

		if (!compare_infer_present(c, id))
			continue;
		fprintf(out, "%-9s %-30s", d->stat, d->name);
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct infer_cell *x = &c->inf[id][i];

			if (!x->present) {
				cell_out(out, 23, "-");
				continue;
			}
			compare_infer_value(x, d, val, sizeof(val));
			if (d->binary)	/* a share: its change says little; the test says it */
				snprintf(buf, sizeof(buf), "%s", x->significant ? "*" : "");
			else
				compare_change_str(buf, sizeof(buf), c->inf[id][0].mean, x->mean);
			if (x->significant)
				mark(buf);
			cell_out(out, 12, val);
			cell_out(out, 10, buf);
		}
		compare_row_tests(c, id, tests, sizeof(tests));
		fprintf(out, "%s%s\n", *tests ? "  " : "", tests);
	}
	for (int r = 0; r < 3; r++)
		for (int id = 0; id < INF_MAX; id++) {
			if (!compare_infer_present(c, id))
				continue;
			snprintf(buf, sizeof(buf), "%s.%s", infer_defs[id].name, infer_defs[id].stat);
			fprintf(out, "%-9s %-30s", r == 0 ? "CI95" : r == 1 ? "P" : "Pholm", buf);
			cell_out(out, 23, "-");
			for (size_t i = 1; i < c->nvariants; i++) {
				const struct infer_cell *x = &c->inf[id][i];

				if (r == 0 && x->has_ci)
					compare_ci_str(buf, sizeof(buf), x->ci_lo, x->ci_hi);
				else if (r == 1 && x->test != TEST_NONE)
					compare_p_str(buf, sizeof(buf), x->t.p);
				else if (r == 2 && x->in_family)
					snprintf(buf, sizeof(buf), "%s%s", x->significant ? "*" : "",
						 compare_p_str(pv, sizeof(pv), x->p_holm));
				else if (r == 2 && x->test != TEST_NONE)
					snprintf(buf, sizeof(buf), "constant");
				else
					snprintf(buf, sizeof(buf), "-");
				cell_out(out, 23, buf);
			}
			fputc('\n', out);
		}
}

void compare_print_text(FILE *out, const struct comparison *c)
{
	text_conditions(out, c);
	compare_notes(out, c, "");
	text_inference(out, c);
	text_pooled(out, c);
	fputc('\n', out);
	compare_legend(out, c, "");
}
