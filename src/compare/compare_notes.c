// SPDX-License-Identifier: GPL-2.0
/*
 * What a comparison's numbers rest on (notes: losses, capped runs, boots,
 * rows left out, marks no test could make, synthesised samples) and how to
 * read them (the legend: changes, units, tests, Holm, intervals), shared by
 * the text and Markdown forms.
 */
#include <math.h>
#include <string.h>
#include "compare/compare.h"
#include "compare/compare_notes.h"

/* Per variant, the runs for which pred holds: " a=1 b=0"; false when none anywhere. */
static bool per_variant(char *buf, size_t len, const struct comparison *c,
			bool (*pred)(const struct run_samples *))
{
	size_t off = 0, total = 0;

	buf[0] = 0;
	for (size_t i = 0; i < c->nvariants; i++) {
		size_t n = 0;

		for (size_t r = 0; r < c->v[i].nruns; r++)
			n += pred(&c->v[i].runs[r]);
		total += n;
		if (off < len)
			off += snprintf(buf + off, len - off, " %s=%zu", c->v[i].name, n);
	}
	return total > 0;
}

static bool at_deadline(const struct run_samples *rs) { return rs->deadline; }
static bool pending_at_end(const struct run_samples *rs) { return rs->censored.n > 0; }
static bool cut_off(const struct run_samples *rs) { return rs->cut_off; }

static void notes_capped(FILE *out, const struct comparison *c, const char *prefix)
{
	char d[512], p[512], k[512];
	bool any_d = per_variant(d, sizeof(d), c, at_deadline);
	bool any_p = per_variant(p, sizeof(p), c, pending_at_end);
	bool any_k = per_variant(k, sizeof(k), c, cut_off);

	if (!any_d && !any_p && !any_k) {
		fprintf(out, "%sCapped runs: none (no RESULT progress=no, no drain work pending at "
			"the end, no record cut off).\n", prefix);
		return;
	}
	fprintf(out, "%sCapped runs (what was in flight was ended, not finished: their max, p99, "
		"retries and holds are lower bounds, their rates upper bounds, shown \u2265 and "
		"\u2264 and tested on Gehan scores):", prefix);
	if (any_d)
		fprintf(out, " stopped at the workload's deadline (RESULT progress=no):%s;", d);
	if (any_p)
		fprintf(out, " drain work pending at the end (counted at its age in the drain and "
			"straggler rows):%s;", p);
	if (any_k)
		fprintf(out, " record cut off (no end):%s;", k);
	fputc('\n', out);
}

static void notes_boots(FILE *out, const struct comparison *c, const char *prefix)
{
	bool est = false, confounded = false;

	fprintf(out, "%sBoots (runs of one boot share its state; runs of a boot are averaged "
		"into one value where the boot is the unit):", prefix);
	for (size_t i = 0; i < c->nvariants; i++) {
		fprintf(out, " %s=%zu", c->v[i].name, c->nboots[i]);
		est |= c->boots_estimated[i];
	}
	fprintf(out, "; unit against %s:", c->v[0].name);
	for (size_t i = 1; i < c->nvariants; i++) {
		fprintf(out, " %s=%s", c->v[i].name, c->by_boot[i] ? "boot" : "run");
		confounded |= !c->by_boot[i] && !c->boot_shared[i] && c->v[0].nruns > 1 &&
			      c->v[i].nruns > 1 && (c->nboots[0] == 1 || c->nboots[i] == 1);
	}
	fputc('.', out);
	if (confounded)
		fprintf(out, " Where a side is one boot the run is the unit and the variant is "
			"confounded with its boot: a boot-to-boot difference passes for a variant "
			"effect (a lab A/A, one kernel in separate boots, measures how often).");
	if (est)
		fprintf(out, " Records without a boot_id (older migtrace) are grouped by the boot "
			"time their clocks imply (realtime - monotonic, within 1 s, same host).");
	fputc('\n', out);
}

/* Where the smallest p the units allow cannot pass alpha, or Holm's first step. */
static void notes_marks(FILE *out, const struct comparison *c, const char *prefix)
{
	for (size_t i = 1; i < c->nvariants; i++) {
		size_t na = c->by_boot[i] ? c->nboots[0] : c->v[0].nruns;
		size_t nb = c->by_boot[i] ? c->nboots[i] : c->v[i].nruns;
		const char *unit = c->by_boot[i] ? "boots" : "runs";
		double pmin = exact_permutation_min_p(na, nb);
		size_t m = c->family[i];

		if (na * nb <= 1)
			continue;
		if (pmin >= c->opts.alpha)
			fprintf(out, "%sToo few %s: with %zu and %zu the permutation test's "
				"smallest p is %.3g, not below alpha %g: no row of %s can be marked "
				"(6 a side reach 0.0022).\n", prefix, unit, na, nb, pmin,
				c->opts.alpha, c->v[i].name);
		else if (m > 1 && pmin * m >= c->opts.alpha)
			fprintf(out, "%sHolm: with %zu and %zu %s the smallest p is %.3g; over "
				"%zu tests Holm makes it at least %.3g, not below alpha %g: no row of "
				"%s can be marked.\n", prefix, na, nb, unit, pmin, m, pmin * m,
				c->opts.alpha, c->v[i].name);
	}
}

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
	notes_capped(out, c, prefix);
	notes_boots(out, c, prefix);
	for (int id = 0; id < INF_MAX; id++)
		if (c->starved[id])
			fprintf(out, "%s%s %s not shown: it needs %zu samples in every run, the "
				"runs have %zu to %zu (interpolated over fewer it mostly repeats the "
				"max).\n", prefix, infer_defs[id].stat, infer_defs[id].name,
				infer_defs[id].min_samples, c->samples_lo[id], c->samples_hi[id]);
	if (c->nvariants > 1) {
		fprintf(out, "%sHolm's families (tests adjusted together), per variant:", prefix);
		for (size_t i = 1; i < c->nvariants; i++)
			fprintf(out, " %s %zu%s", c->v[i].name, c->family[i],
				i + 1 < c->nvariants ? "," : ".\n");
	}
	notes_marks(out, c, prefix);
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

static void legend_interval(FILE *out, const struct comparison *c)
{
	const struct interval_coverage *k = compare_interval_coverage;

	fprintf(out, "CI%.0f: of the ratio of the means over the units, shown as a change: the "
		"ratios theta the permutation test of mean(variant / theta) - mean(%s) does not "
		"reject (Welch's t; exact splits, or %u seeded random ones past %d); none for "
		"capped rows, nor where a unit's value is 0 (a zero does not scale). Coverage measured on synthetic log-normal runs "
		"(tests/unit/test_compare_interval.c), at", c->opts.conf * 100, c->v[0].name,
		c->opts.perm_reps, INTERVAL_EXACT_MAX);
	for (size_t j = 0; j < 3; j++) {
		if (isnan(k[j].same_shape))
			fprintf(out, " %zu a side: no interval exists (no split is extreme "
				"enough);", k[j].runs);
		else
			fprintf(out, " %zu a side: %.3f (one shape, scaled), %.3f (spreads 0.3 "
				"and 0.8)%s", k[j].runs, k[j].same_shape, k[j].unequal_spread,
				j < 2 ? ";" : ".\n");
	}
}

void compare_legend(FILE *out, const struct comparison *c, const char *prefix)
{
	fprintf(out, "%sChange: against %s, in %% from -90 %% to +1000 %%, beyond as a factor "
		"(\u00d7N larger, \u00f7N smaller); \u2265/\u2264: a bound, from capped runs; "
		"(capped): both sides are bounds, no change can be stated. + is larger, and larger "
		"is worse except for throughput. Pooled rows describe; they are not tested "
		"(samples of one run share its stalls).\n", prefix, c->v[0].name);
	fprintf(out, "%sRows: each run gives one value. Stall: a drain work item that waited >= "
		"%g ms (pending ones at their age); share/run: stalled work items in %% of the "
		"run's work items; rate/run: stalls per second of the recording; count/run: "
		"descriptive only, never tested (a livelocked run stalls once, for its whole "
		"length). p99/run needs %d samples in every run.\n", prefix, c->opts.stall_ms,
		INFER_P99_MIN);
	fprintf(out, "%sInference: the unit is the boot where both variants ran in 2 boots or "
		"more (a boot's runs averaged), else the run (--unit). permutation: exact "
		"two-sided permutation test of the difference in the mean over units (Monte "
		"Carlo, %u draws, past %d splits); gehan: where some values are bounds, the same "
		"test on Gehan scores (the values a value is certainly above minus those it is "
		"certainly below), never between two sides whose values are all bounds; fisher: "
		"Fisher's exact test of runs livelocked (a livelock or suspected_livelock "
		"incident, or RESULT progress=no), by boot the permutation test of each boot's "
		"share; with one run a side, within-run tests over that run's samples "
		"(exceedance: values above all of the other run's; fisher: stalls among work "
		"items), which do not replicate anything. P: two-sided p; Pholm: Holm-adjusted "
		"over the tests of each variant (constant and capped rows left out; the notes "
		"give each family's size); '*' (bold) marks Pholm < %g. ", prefix,
		c->opts.perm_reps, PERM_EXACT_MAX, c->opts.alpha);
	legend_interval(out, c);
}
