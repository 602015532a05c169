/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic variants for compare's unit tests: runs[i][r] of variant v[i],
 * filled from a seed (the same every time), as samples_load would leave
 * them.
 */
#ifndef MIGTRACE_TEST_COMPARE_RUNS_H
#define MIGTRACE_TEST_COMPARE_RUNS_H

#include "compare/compare.h"

#define RUNS 12		/* room per variant; fill() uses RUNS_DEFAULT */
#define RUNS_DEFAULT 6
#define VARIANTS 3

static struct run_samples runs[VARIANTS][RUNS];
static struct variant v[VARIANTS];

static inline void header(struct rec_header *h, const char *kernel, const char *label)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->kernel, sizeof(h->kernel), "%s", kernel);
	snprintf(h->label, sizeof(h->label), "%s", label);
	snprintf(h->virt, sizeof(h->virt), "kvm");
	snprintf(h->cpu_model, sizeof(h->cpu_model), "Test CPU");
	h->ncpus = 4;
	h->detect = true;
	h->hooks[HOOK_DRAIN_WORK].mech = MECH_TRACEPOINT;
}

/*
 * Variant i, run r: 40 drain waits around wait_us on CPUs 0 and 1 (ns
 * samples), one call in 4 waiting for its straggler on CPU 1, fault runs
 * all with 3 retries, 4 migrations, a throughput per run, recorded for
 * 1 s, all in one boot (no boot_id, no clocks). Seeded: the same every time.
 */
static inline void fill_seeded(int i, const char *label, const char *kernel, double wait_us,
			       double tput, uint64_t seed, size_t nruns)
{
	struct stats_rng rng;

	stats_rng_seed(&rng, seed);
	v[i].runs = runs[i];
	v[i].nruns = nruns;
	for (size_t r = 0; r < RUNS; r++) {
		struct run_samples *rs = &runs[i][r];

		run_samples_free(rs);
		memset(rs, 0, sizeof(*rs));
		snprintf(rs->path, sizeof(rs->path), "%s-%zu.mtr", label, r + 1);
		header(&rs->run.hdr, kernel, label);
		rs->has_livelock_info = true;
		rs->run.has_end = true;
		rs->run.end.wall_ns = 1000000000;	/* 1 s */
		for (int k = 0; k < 40; k++) {
			double w = 1000 * wait_us * (1 + 0.1 * stats_rng_normal(&rng));

			samples_push(&rs->m[M_DRAIN_WAIT], w);
			samples_push(&rs->cpu_wait[k % 2], w);
			if (k % 4 == 3)
				samples_push(&rs->m[M_STRAGGLER_WAIT], w);
			samples_push(&rs->m[M_FAULT_RETRIES], 3);
		}
		rs->retries = 120;
		rs->migrations = 4;
		samples_push(&rs->m[M_THROUGHPUT], tput * (1 + 0.02 * stats_rng_normal(&rng)));
	}
	snprintf(v[i].name, sizeof(v[i].name), "%s", label);
}

static inline void fill(int i, const char *label, const char *kernel, double wait_us, double tput)
{
	fill_seeded(i, label, kernel, wait_us, tput, 100 + i, RUNS_DEFAULT);
}

#endif
