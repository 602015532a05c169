// SPDX-License-Identifier: GPL-2.0
/*
 * compare's run-level rows on synthetic variants: values capped by a
 * deadline are bounds, tested on Gehan scores and never marked between two
 * capped sides; throughput with runs that made no progress; a percentile row
 * only where every run has the samples; stalls as a share and a rate; runs
 * grouped by boot and the boot as the unit; the notes that say when no mark
 * is possible; and the A/A controls: many comparisons of one distribution
 * with itself, whose false-positive rate must stay within alpha, run by run
 * and with a boot-to-boot effect (where the run as the unit does not).
 */
#include <math.h>
#include <stdio.h>
#include "check.h"
#include "compare/compare.h"
#include "compare/compare_print.h"
#include "compare_runs.h"

static struct comparison cmp;

/* Run r of variant i stopped at its 5 s deadline: its straggler waited 5 s, no progress. */
static void at_deadline(int i, size_t r, double wait_s)
{
	struct run_samples *rs = &runs[i][r];

	rs->deadline = rs->livelocked = true;
	rs->m[M_DRAIN_WAIT].v[3] = rs->m[M_STRAGGLER_WAIT].v[0] = wait_s * 1e9;
	rs->m[M_THROUGHPUT].v[0] = 0;
}

static const char *notes(const struct comparison *c)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	compare_notes(f, c, "");
	fclose(f);
	return buf;
}

static void capped_rows(void)
{
	struct compare_opts o;
	const struct infer_cell *x;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "fix", "6.1.0", 50, 100);
	fill(2, "stuck", "6.1.0", 50, 100);
	for (size_t r = 0; r < RUNS_DEFAULT; r++) {
		at_deadline(0, r, 5.0005);
		at_deadline(2, r, 4.9946);	/* the deadline again, by teardown timing */
	}
	compare_compute(&cmp, v, 3, &o);
	/* Every base value is certainly above every fix value: Gehan's extreme, 2/924. */
	x = &cmp.inf[INF_STRAGGLER_MAX][1];
	CHECK(cmp.inf[INF_STRAGGLER_MAX][0].mean_bound == 1 && x->mean_bound == 0);
	CHECK(x->test == TEST_GEHAN && fabs(x->t.p - 2.0 / 924) < 1e-12 && x->significant);
	CHECK(x->change_bound == -1 && !x->has_ci);	/* the reduction is at least that */
	/* Both sides capped: no test, no change, no mark, not in Holm's family. */
	for (int id = INF_STRAGGLER_MAX; id <= INF_DRAIN_MAX; id++) {
		x = &cmp.inf[id][2];
		if (!x->present)
			continue;
		CHECK(x->both_capped && x->test == TEST_NONE && !x->in_family && !x->significant);
		CHECK(x->change_bound == 2);
	}
	CHECK(cmp.inf[INF_RETRIES_PER_MIG][2].both_capped);
	CHECK(cmp.inf[INF_THROUGHPUT][2].both_capped);
	/* What is not a bound is still tested: the share of stalled work (1 of 40 in both). */
	CHECK(cmp.inf[INF_STALL_SHARE][2].t.constant);
	CHECK(strstr(notes(&cmp), "stopped at the workload's deadline (RESULT progress=no): "
		     "base=6 fix=0 stuck=6") != NULL);
}

/*
 * Throughput, 10 runs a side: {0 x 10} (no progress: at most 0) against
 * {0, 500 x 9}. A harmonic mean is 0 on both sides and its test p = 1.
 * Gehan: each 0 is below the 9 rates (-9), each rate above the 11 zeros
 * (+11); with k rates among the second side's 10 the difference of mean
 * scores is 4k - 18, observed 18 (k = 9); as far from 0: k = 9 or 0, so
 * p = (C(9,9) C(11,1) + C(9,0) C(11,10)) / C(20,10) = 22 / 184756.
 */
static void throughput_without_progress(void)
{
	struct compare_opts o;
	const struct infer_cell *x;

	compare_opts_defaults(&o);
	fill_seeded(0, "base", "6.1.0", 50, 100, 100, 10);
	fill_seeded(1, "fix", "6.1.0", 50, 100, 101, 10);
	for (size_t r = 0; r < 10; r++) {
		at_deadline(0, r, 5);
		runs[1][r].m[M_THROUGHPUT].v[0] = 500;
	}
	at_deadline(1, 0, 5);
	compare_compute(&cmp, v, 2, &o);
	x = &cmp.inf[INF_THROUGHPUT][1];
	CHECK(cmp.inf[INF_THROUGHPUT][0].mean == 0 && cmp.inf[INF_THROUGHPUT][0].mean_bound == -1);
	CHECK(x->test == TEST_GEHAN && x->t.exact && x->t.perms == 184756);
	CHECK(fabs(x->t.p - 22.0 / 184756) < 1e-12);
	CHECK(x->significant);
}

/* p99/run: only where every run has INFER_P99_MIN samples; the notes say why not. */
static void percentile_needs_samples(void)
{
	struct compare_opts o;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "fix", "6.1.0", 150, 100);
	for (int i = 0; i < 2; i++)
		for (size_t r = 0; r < RUNS_DEFAULT; r++)
			while (runs[i][r].m[M_STRAGGLER_WAIT].n < INFER_P99_MIN)
				samples_push(&runs[i][r].m[M_STRAGGLER_WAIT], (50 + 100 * i) * 1e3);
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.inf[INF_STRAGGLER_P99][1].present && !cmp.starved[INF_STRAGGLER_P99]);
	CHECK(cmp.inf[INF_STRAGGLER_P99][1].significant);
	runs[1][4].m[M_STRAGGLER_WAIT].n = INFER_P99_MIN - 1;
	compare_compute(&cmp, v, 2, &o);
	CHECK(!cmp.inf[INF_STRAGGLER_P99][0].present && !cmp.inf[INF_STRAGGLER_P99][1].present);
	CHECK(strstr(notes(&cmp), "p99/run straggler_wait_us not shown: it needs 100 samples "
		     "in every run, the runs have 99 to 100") != NULL);
}

/* 10 of a run's 40 work items waited 5 ms, over a 2 s recording: 25 % of its work, 5 a second. */
static void stalls_are_a_share_and_a_rate(void)
{
	struct compare_opts o;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "fix", "6.1.0", 50, 100);
	for (int k = 0; k < 10; k++)
		runs[1][0].m[M_DRAIN_WAIT].v[k] = 5e6;
	runs[1][0].run.end.wall_ns = 2000000000;
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.inf[INF_STALL_SHARE][1].run[0] == 25);
	CHECK(cmp.inf[INF_STALL_RATE][1].run[0] == 5);
	CHECK(cmp.inf[INF_STALLS][1].run[0] == 10);
	CHECK(cmp.inf[INF_STALLS][1].test == TEST_NONE && !cmp.inf[INF_STALLS][1].in_family);
	CHECK(cmp.inf[INF_STALL_SHARE][1].test == TEST_PERMUTATION);
}

static void set_boot(int i, size_t r, const char *id)
{
	snprintf(runs[i][r].run.hdr.boot_id, sizeof(runs[i][r].run.hdr.boot_id), "%s", id);
}

/*
 * Runs grouped by boot_id, else by the boot time their clocks imply; the
 * boot is the unit where both sides ran in 2 boots or more. A x3 difference
 * in 3 boots of 2 runs a side: 3 against 3 units, p = 2/20 at best: no mark
 * and a note (the runs, 6 a side, would have said 2/924: too much, as the
 * boot A/A below shows). In 6 boots of one run: marked again.
 */
static void boots_are_the_unit(void)
{
	struct compare_opts o;
	char id[16];

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "slow", "6.1.0", 150, 100);
	for (int i = 0; i < 2; i++)
		for (size_t r = 0; r < RUNS_DEFAULT; r++) {
			snprintf(id, sizeof(id), "%d-%zu", i, r / 2);
			set_boot(i, r, id);
		}
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.nboots[0] == 3 && cmp.nboots[1] == 3 && cmp.by_boot[1]);
	CHECK(cmp.boot_of[1][3] == 1 && !cmp.boots_estimated[1] && !cmp.boot_shared[1]);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].units_a == 3 && cmp.inf[INF_DRAIN_MAX][1].units_b == 3);
	CHECK(fabs(cmp.inf[INF_DRAIN_MAX][1].t.p - 0.1) < 1e-12);
	for (int id2 = 0; id2 < INF_MAX; id2++)
		CHECK(!cmp.inf[id2][1].significant);
	CHECK(strstr(notes(&cmp), "Too few boots: with 3 and 3") != NULL);
	o.unit = UNIT_RUN;
	compare_compute(&cmp, v, 2, &o);
	CHECK(!cmp.by_boot[1] && cmp.inf[INF_DRAIN_MAX][1].significant);
	/* One boot each, different ones: the variant is confounded with its boot, said so. */
	o.unit = UNIT_AUTO;
	for (int i = 0; i < 2; i++)
		for (size_t r = 0; r < RUNS_DEFAULT; r++)
			set_boot(i, r, i ? "boot-b" : "boot-a");
	compare_compute(&cmp, v, 2, &o);
	CHECK(!cmp.by_boot[1] && strstr(notes(&cmp), "confounded with its boot") != NULL);
	/* Both in the same boot (a setting toggled between runs): nothing is confounded. */
	for (size_t r = 0; r < RUNS_DEFAULT; r++)
		set_boot(1, r, "boot-a");
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.boot_shared[1] && !strstr(notes(&cmp), "confounded"));
	for (int i = 0; i < 2; i++)
		for (size_t r = 0; r < RUNS_DEFAULT; r++) {
			snprintf(id, sizeof(id), "%d-%zu", i, r);
			set_boot(i, r, id);
		}
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.by_boot[1] && cmp.inf[INF_DRAIN_MAX][1].significant);

	/* No boot_id (older records): the clocks. Boots at 1000 s (3 runs) and 2000 s. */
	fill(0, "base", "6.1.0", 50, 100);
	for (size_t r = 0; r < RUNS_DEFAULT; r++) {
		runs[0][r].run.hdr.start_mono_ns = (10 + r) * 1000000000ULL;
		runs[0][r].run.hdr.start_realtime_ns = runs[0][r].run.hdr.start_mono_ns +
			(r < 3 ? 1000 : 2000) * 1000000000ULL + r * 300000000ULL;	/* drift < 1 s */
	}
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.nboots[0] == 2 && cmp.boots_estimated[0]);
	CHECK(cmp.boot_of[0][2] == 0 && cmp.boot_of[0][3] == 1);
	snprintf(runs[0][5].run.hdr.hostname, sizeof(runs[0][5].run.hdr.hostname), "other");
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.nboots[0] == 3);
}

/*
 * 5 runs a side: the smallest p is 2 / C(10, 5) = 0.0079; with 7 rows or
 * more tested, Holm's first step makes it >= 0.056: no mark is possible,
 * however large the difference, and the notes say so.
 */
static void holm_can_make_every_mark_impossible(void)
{
	struct compare_opts o;
	struct stats_rng rng;

	compare_opts_defaults(&o);
	stats_rng_seed(&rng, 5);
	for (int i = 0; i < 2; i++) {
		fill_seeded(i, i ? "fix" : "base", "6.1.0", 50, 100, 7 + i, 5);
		for (size_t r = 0; r < 5; r++) {
			struct run_samples *rs = &runs[i][r];

			for (size_t k = 0; k < rs->m[M_DRAIN_WAIT].n; k++)
				rs->m[M_DRAIN_WAIT].v[k] *= (i ? 30 : 1) * exp(stats_rng_normal(&rng));
			for (size_t k = 0; k < rs->m[M_STRAGGLER_WAIT].n; k++)
				rs->m[M_STRAGGLER_WAIT].v[k] *= i ? 30 : 1;
			rs->livelocked = r < (i ? 5 : 0);
			rs->retries = 100 + 1000 * i + r;
			samples_push(&rs->m[M_FOLIO_HOLD], (1 + i) * 1e6 * (1 + r));
			rs->m[M_THROUGHPUT].v[0] *= i ? 0.1 : 1;
		}
	}
	compare_compute(&cmp, v, 2, &o);
	printf("  Holm family of fix: %zu tests\n", cmp.family[1]);
	CHECK(cmp.family[1] >= 7);
	for (int id = 0; id < INF_MAX; id++)
		CHECK(!cmp.inf[id][1].significant);
	CHECK(strstr(notes(&cmp), "Holm: with 5 and 5 runs the smallest p is 0.00794") != NULL);
}

/* Wilson score interval of k in n. */
static void wilson(int k, int n, double *lo, double *hi)
{
	double z = 1.959964, p = (double)k / n, d = 1 + z * z / n;
	double c = (p + z * z / (2.0 * n)) / d, h = z * sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;

	*lo = c - h;
	*hi = c + h;
}

/*
 * One A/A trial: two variants of nruns runs drawn from one heavy-tailed
 * distribution (log-normal waits, a stall now and then, livelocked in 1 run
 * of 5), in boots of per_boot runs whose state scales waits and throughput
 * by exp(boot_sd * N(0, 1)) (0: no boot effect).
 */
static void aa_draw(struct stats_rng *rng, size_t nruns, size_t per_boot, double boot_sd)
{
	for (int i = 0; i < 2; i++) {
		double f = 1;

		fill_seeded(i, i ? "a2" : "a1", "6.1.0", 50, 100, stats_rng_next(rng), nruns);
		for (size_t r = 0; r < nruns; r++) {
			struct run_samples *rs = &runs[i][r];
			char id[16];

			if (r % per_boot == 0)
				f = exp(boot_sd * stats_rng_normal(rng));
			snprintf(id, sizeof(id), "%d-%zu", i, r / per_boot);
			set_boot(i, r, id);
			for (size_t k = 0; k < rs->m[M_DRAIN_WAIT].n; k++) {
				double w = f * 50e3 * exp(1.5 * stats_rng_normal(rng));

				rs->m[M_DRAIN_WAIT].v[k] = w;
				if (k % 4 == 3)
					rs->m[M_STRAGGLER_WAIT].v[k / 4] = w;
			}
			rs->m[M_THROUGHPUT].v[0] *= f;
			rs->livelocked = stats_rng_below(rng, 5) == 0;
			rs->retries = 100 + stats_rng_below(rng, 50);
		}
	}
}

struct aa_result {
	int any, marked, tested, cis, cis_off;
	int row_cis[INF_MAX], row_off[INF_MAX];
};

static struct aa_result aa_run(const struct compare_opts *o, int trials, size_t nruns,
			       size_t per_boot, double boot_sd, uint64_t seed)
{
	struct aa_result a = {};
	struct stats_rng rng;

	stats_rng_seed(&rng, seed);
	for (int t = 0; t < trials; t++) {
		bool flagged = false;

		aa_draw(&rng, nruns, per_boot, boot_sd);
		compare_compute(&cmp, v, 2, o);
		for (int id = 0; id < INF_MAX; id++) {
			const struct infer_cell *x = &cmp.inf[id][1];

			a.tested += x->in_family;
			a.marked += x->significant;
			flagged |= x->significant;
			a.cis += x->has_ci;
			a.cis_off += x->has_ci && (x->ci_lo > 0 || x->ci_hi < 0);
			a.row_cis[id] += x->has_ci;
			a.row_off[id] += x->has_ci && (x->ci_lo > 0 || x->ci_hi < 0);
		}
		a.any += flagged;
	}
	return a;
}

/*
 * No difference exists: Holm keeps the chance of any mark per comparison
 * (FWER) at most alpha. 2000 comparisons: the Wilson interval of a rate
 * near 0.05 is then +-0.0096 wide, enough to tell 0.04 from 0.06; the
 * check is that the rate is at most alpha and its interval below 0.06. The
 * CIs must hold 0 as often as their level says, within the Wilson interval
 * of their misses. With 6 runs a side the
 * run-level tests; with 1, the within-run ones (here samples are
 * independent, which real runs' are not: that is why they are labelled).
 */
static void aa_check(const char *what, struct aa_result a, int trials)
{
	double lo, hi, clo, chi;

	wilson(a.any, trials, &lo, &hi);
	printf("  A/A, %s: %d of %d comparisons marked something (FWER %.4f, Wilson 95%% "
	       "[%.4f, %.4f]), %d of %d tests; CIs without 0: %d of %d\n", what, a.any, trials,
	       (double)a.any / trials, lo, hi, a.marked, a.tested, a.cis_off, a.cis);
	for (int id = 0; id < INF_MAX; id++)
		if (a.row_cis[id])
			printf("    %s %s: CIs without 0: %d of %d\n", infer_defs[id].stat,
			       infer_defs[id].name, a.row_off[id], a.row_cis[id]);
	CHECK((double)a.any / trials <= 0.05 && hi < 0.06);
	CHECK((double)a.marked / a.tested <= 0.05);
	/* The CIs' misses: not shown to exceed 1 - conf (exact tests land near 0.05 itself). */
	if (a.cis) {
		wilson(a.cis_off, a.cis, &clo, &chi);
		CHECK(clo <= 0.05);
	}
	CHECK(a.tested >= trials * 2);	/* most rows vary, and are tested */
}

static void aa_false_positive_rate(void)
{
	struct compare_opts o;
	const int trials = 2000;

	compare_opts_defaults(&o);
	aa_check("6 runs a side", aa_run(&o, trials, RUNS_DEFAULT, RUNS_DEFAULT, 0, 2026), trials);
	aa_check("1 run a side", aa_run(&o, trials, 1, 1, 0, 2027), trials);
}

/*
 * Boots differ (their state scales a run by exp(N)): 6 boots of 2 runs
 * a side: boots as different as runs are (exp(N(0, 1)) against a max of 40
 * log-normal waits). The boot as the unit keeps the false-positive rate
 * within alpha; the run as the unit, 12 against 12 runs that are not
 * independent, does not. 300 comparisons (Monte Carlo splits: C(24, 12) is
 * past enumeration).
 */
static void aa_boots(void)
{
	struct compare_opts o;
	struct aa_result by_boot, by_run;
	const int trials = 300;
	double lo, hi;

	compare_opts_defaults(&o);
	o.perm_reps = 2000;
	by_boot = aa_run(&o, trials, 12, 2, 1.0, 2028);
	o.unit = UNIT_RUN;
	by_run = aa_run(&o, trials, 12, 2, 1.0, 2028);
	wilson(by_boot.any, trials, &lo, &hi);
	printf("  A/A with a boot effect, 6 boots of 2 runs a side: the boot as the unit marked "
	       "%d of %d comparisons (Wilson [%.3f, %.3f]); the run as the unit %d\n",
	       by_boot.any, trials, lo, hi, by_run.any);
	CHECK((double)by_boot.any / trials <= 0.05);
	CHECK(by_run.any > 2 * by_boot.any && (double)by_run.any / trials > 0.1);
}

int main(void)
{
	RUN(capped_rows);
	RUN(throughput_without_progress);
	RUN(percentile_needs_samples);
	RUN(stalls_are_a_share_and_a_rate);
	RUN(boots_are_the_unit);
	RUN(holm_can_make_every_mark_impossible);
	RUN(aa_false_positive_rate);
	RUN(aa_boots);
	for (int i = 0; i < VARIANTS; i++)
		for (int r = 0; r < RUNS; r++)
			run_samples_free(&runs[i][r]);
	CHECK_EXIT();
}
