// SPDX-License-Identifier: GPL-2.0
/*
 * compare on synthetic variants: conditions that must match (and those that
 * may differ between patch variants), the test chosen, marks only where a
 * difference was built in, and the table against a golden file.
 */
#include <math.h>
#include <unistd.h>
#include "check.h"
#include "compare/compare.h"

#define RUNS 3

static struct run_samples runs[3][RUNS];
static struct variant v[3];

static void header(struct rec_header *h, const char *kernel, const char *label)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->kernel, sizeof(h->kernel), "%s", kernel);
	snprintf(h->label, sizeof(h->label), "%s", label);
	snprintf(h->virt, sizeof(h->virt), "kvm");
	snprintf(h->cpu_model, sizeof(h->cpu_model), "Test CPU");
	h->ncpus = 4;
	h->hooks[HOOK_DRAIN_WORK].mech = MECH_TRACEPOINT;
}

/*
 * Variant i, run r: drain waits around wait_us (ns samples), fault runs all
 * with 3 retries, a throughput per run. Seeded: the same every time.
 */
static void fill(int i, const char *label, const char *kernel, double wait_us, double tput)
{
	struct stats_rng rng;

	stats_rng_seed(&rng, 100 + i);
	v[i].runs = runs[i];
	v[i].nruns = RUNS;
	for (int r = 0; r < RUNS; r++) {
		struct run_samples *rs = &runs[i][r];

		metrics_free(rs);
		memset(rs, 0, sizeof(*rs));
		snprintf(rs->path, sizeof(rs->path), "%s-%d.mtr", label, r + 1);
		header(&rs->run.hdr, kernel, label);
		for (int k = 0; k < 40; k++) {
			samples_push(&rs->m[M_DRAIN_WAIT],
				     1000 * wait_us * (1 + 0.1 * stats_rng_normal(&rng)));
			samples_push(&rs->m[M_FAULT_RETRIES], 3);
		}
		samples_push(&rs->m[M_THROUGHPUT], tput * (1 + 0.02 * stats_rng_normal(&rng)));
	}
	snprintf(v[i].name, sizeof(v[i].name), "%s", label);
}

static void conditions_must_match(void)
{
	struct conditions c;

	fill(0, "base", "6.1.0-lab-base", 50, 100);
	fill(1, "fix", "6.1.0-lab-fix", 50, 100);
	compare_conditions(v, 2, &c);
	CHECK(!c.differ);	/* patch variants: same version, other local version */
	CHECK(!strcmp(c.kernel, "per variant"));
	runs[1][2].run.hdr.ncpus = 8;
	snprintf(runs[1][1].run.hdr.virt, sizeof(runs[1][1].run.hdr.virt), "none");
	compare_conditions(v, 2, &c);
	CHECK(c.differ);
	CHECK(strstr(c.differences, "CPU count: base-1.mtr has 4, fix-3.mtr has 8") != NULL);
	CHECK(strstr(c.differences, "virtualization: base-1.mtr has kvm, fix-2.mtr has none") != NULL);
	fill(1, "fix", "6.2.0-lab-fix", 50, 100);
	runs[1][0].run.hdr.hooks[HOOK_DRAIN_WORK].mech = MECH_NONE;
	compare_conditions(v, 2, &c);
	CHECK(strstr(c.differences, "kernel version: base-1.mtr has 6.1.0-lab-base") != NULL);
	CHECK(strstr(c.differences, "hook mechanisms: base-1.mtr") != NULL);
}

static void marks_only_built_in_differences(void)
{
	static struct comparison cmp;
	struct compare_opts o;
	const struct cell *wait, *retries, *tput;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "slow", "6.1.0", 150, 100);	/* drain waits x3, throughput the same */
	fill(2, "same", "6.1.0", 50, 100);
	compare_compute(&cmp, v, 3, &o);
	CHECK(!cmp.cond.differ);
	wait = &cmp.cells[M_DRAIN_WAIT][1];
	retries = &cmp.cells[M_FAULT_RETRIES][1];
	tput = &cmp.cells[M_THROUGHPUT][1];
	CHECK(wait->test == TEST_WELCH);	/* 3 runs a side */
	CHECK(wait->significant);
	CHECK(fabs(wait->change - 200) < 10);
	CHECK(wait->has_ci && wait->ci_lo < 200 && wait->ci_hi > 200 && wait->ci_lo > 100);
	CHECK(!retries->significant && retries->p == 1);
	CHECK(!tput->significant);
	CHECK(!cmp.cells[M_DRAIN_WAIT][2].significant);
	CHECK(!cmp.cells[M_DRAIN_ALL][0].present);
	/* Fewer runs than --min-runs: Mann-Whitney on the pooled samples. */
	o.min_runs = 4;
	compare_compute(&cmp, v, 3, &o);
	CHECK(cmp.cells[M_DRAIN_WAIT][1].test == TEST_MWU);
	CHECK(cmp.cells[M_DRAIN_WAIT][1].significant);
	CHECK(!cmp.cells[M_FAULT_RETRIES][1].significant);
}

static void table_matches_golden(void)
{
	static struct comparison cmp;
	struct compare_opts o;
	char got[] = "/tmp/migtrace-test-cmp.XXXXXX";
	FILE *f;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "slow", "6.1.0", 150, 100);
	compare_compute(&cmp, v, 2, &o);
	f = fdopen(mkstemp(got), "w");
	compare_print_text(f, &cmp);
	compare_print_markdown(f, &cmp);
	compare_print_json(f, &cmp);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/compare.out"));
	unlink(got);
}

int main(void)
{
	RUN(conditions_must_match);
	RUN(marks_only_built_in_differences);
	RUN(table_matches_golden);
	for (int i = 0; i < 3; i++)
		for (int r = 0; r < RUNS; r++)
			metrics_free(&runs[i][r]);
	CHECK_EXIT();
}
