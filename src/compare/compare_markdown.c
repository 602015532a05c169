// SPDX-License-Identifier: GPL-2.0
/* A comparison as Markdown tables. */
#include <string.h>
#include "compare/compare.h"
#include "compare/compare_print.h"

void compare_print_markdown(FILE *out, const struct comparison *c)
{
	static const char *const rows[] = { "Min", "Amean", "p50", "p99", "Max" };
	char buf[64], val[32], tests[96], pv[24];

	fprintf(out, "Conditions: kernel %s, %u CPUs, %s, CPU %s%s\n\n", c->cond.kernel,
		c->cond.ncpus, strcmp(c->cond.virt, "none") ? c->cond.virt : "bare metal",
		c->cond.cpu_model, c->cond.differ ? " (WARNING: differ, compared with --force)" : "");
	fprintf(out, "| run-level | metric |");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s (%zu runs) |", c->v[i].name, c->v[i].nruns);
	fprintf(out, " test |\n|---|---|");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, "---:|");
	fprintf(out, "---|\n");
	for (int id = 0; id < INF_MAX; id++) {
		const struct infer_def *d = &infer_defs[id];

		if (!compare_infer_present(c, id))
			continue;
		fprintf(out, "| %s | %s |", d->stat, d->name);
		for (size_t i = 0; i < c->nvariants; i++) {
			const struct infer_cell *x = &c->inf[id][i];

			if (!x->present) {
				fprintf(out, " - |");
				continue;
			}
			compare_infer_value(x, d, val, sizeof(val));
			if (!i || d->binary)
				buf[0] = 0;
			else
				compare_change_str(buf, sizeof(buf), c->inf[id][0].mean, x->mean);
			fprintf(out, " %s%s %s", x->significant ? "**" : "", val, buf);
			if (i && x->has_ci) {
				compare_ci_str(buf, sizeof(buf), x->ci_lo, x->ci_hi);
				fprintf(out, " %s", buf);
			}
			if (i && x->test != TEST_NONE)
				fprintf(out, " p=%s", compare_p_str(pv, sizeof(pv), x->t.p));
			if (i && x->in_family)
				fprintf(out, " holm=%s", compare_p_str(pv, sizeof(pv), x->p_holm));
			fprintf(out, "%s |", x->significant ? "**" : "");
		}
		compare_row_tests(c, id, tests, sizeof(tests));
		fprintf(out, " %s |\n", *tests ? tests : "-");
	}
	fprintf(out, "\n| pooled | metric |");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, " %s |", c->v[i].name);
	fprintf(out, "\n|---|---|");
	for (size_t i = 0; i < c->nvariants; i++)
		fprintf(out, "---:|");
	fputc('\n', out);
	for (int r = 0; r < 5; r++)
		for (int m = 0; m < M_MAX; m++) {
			if (!compare_metric_present(c, m))
				continue;
			fprintf(out, "| %s | %s |", r == 1 && compare_metrics[m].rate ? "Hmean" : rows[r],
				compare_metrics[m].name);
			for (size_t i = 0; i < c->nvariants; i++) {
				const struct cell *x = &c->cells[m][i], *b = &c->cells[m][0];
				double v = r == 0 ? x->s.min : r == 1 ? x->mean : r == 2 ? x->s.p50
					   : r == 3 ? x->s.p99 : x->s.max;
				double bv = r == 0 ? b->s.min : r == 1 ? b->mean : r == 2 ? b->s.p50
					    : r == 3 ? b->s.p99 : b->s.max;

				if (!x->present) {
					fprintf(out, " - |");
					continue;
				}
				compare_change_str(buf, sizeof(buf), bv, v);
				fprintf(out, " %.2f%s%s |", v, i ? " " : "", i ? buf : "");
			}
			fputc('\n', out);
		}
	fputc('\n', out);
	compare_notes(out, c, "");
	compare_legend(out, c, "");
}
