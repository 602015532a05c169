/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing variants (groups of recorded runs). Two parts:
 *  - descriptive: per metric, summary statistics of the samples pooled over
 *    a variant's runs and their change against the first variant; per CPU,
 *    the drain wait and its stalls. No test: pooled samples share stalls.
 *  - inference (compare/infer.c): per-run statistics (max, p99, stall
 *    count, livelocked, retries per migration, throughput) tested with the
 *    run as the unit (permutation, Fisher), bootstrap CIs over runs, Holm
 *    across the tests of one comparison; with one run a side, within-run
 *    tests, labelled so.
 * And the run conditions, which must match for the comparison to mean anything.
 */
#ifndef MIGTRACE_COMPARE_H
#define MIGTRACE_COMPARE_H

#include <stdio.h>
#include "compare/exact.h"
#include "compare/samples.h"
#include "compare/stats.h"

#define COMPARE_MAX_VARIANTS	16
#define COMPARE_MAX_RUNS	256	/* per variant */

struct variant {
	char name[64];
	struct run_samples *runs;
	size_t nruns;
};

struct compare_opts {
	double alpha;		/* significance level after Holm, 0.05 */
	double conf;		/* CI level, 0.95 */
	unsigned int reps;	/* bootstrap resamples */
	unsigned int perm_reps;	/* permutation draws when enumeration is too large */
	uint64_t seed;
	double stall_ms;	/* a drain wait this long or longer is a stall (1 ms) */
};

void compare_opts_defaults(struct compare_opts *o);

/* Descriptive: one metric's samples pooled over a variant's runs. */
struct cell {
	bool present;			/* the variant has samples of the metric */
	struct stats_summary s;		/* pooled samples, in the metric's shown unit */
	size_t nruns;			/* runs with a value */
	size_t synth_runs;		/* runs whose samples were spread from a histogram */
	double mean;			/* Amean, or Hmean for rates */
	bool has_change;
	double change;			/* % against the first variant */
};

/* Descriptive: drain wait on one target CPU, pooled over a variant's runs. */
struct cpu_cell {
	bool present;
	struct stats_summary s;		/* us */
	uint64_t stalls;		/* waits >= the stall threshold, censored ones included */
	uint64_t censored;		/* work pending at the end on this CPU */
	double censored_max;		/* its largest age, us */
};

enum infer_id {
	INF_STRAGGLER_MAX = 0,	/* per run: max straggler wait (censored pending included) */
	INF_STRAGGLER_P99,
	INF_DRAIN_MAX,		/* per run: max drain wait, any CPU (censored included) */
	INF_STALLS,		/* per run: drain waits >= the threshold (censored included) */
	INF_LIVELOCKED,		/* per run: yes/no */
	INF_RETRIES_PER_MIG,	/* per run: fault retries / migrate setups */
	INF_HOLD_MAX,		/* per run: max folio-lock hold */
	INF_THROUGHPUT,		/* per run: the RESULT rate */
	INF_MAX,
};

struct infer_def {
	const char *stat;	/* row label: "max/run" */
	const char *name;	/* metric: "straggler_wait_us" */
	const char *key;	/* JSON: "straggler_wait_us.max_per_run" */
	bool rate;		/* higher is better: Hmean */
	bool binary;		/* yes/no per run: Fisher */
};

extern const struct infer_def infer_defs[INF_MAX];

enum compare_test {
	TEST_NONE = 0,
	TEST_PERMUTATION,	/* per-run values, exact or Monte Carlo */
	TEST_FISHER,		/* runs yes/no */
	TEST_EXCEEDANCE,	/* within-run: one run a side */
	TEST_FISHER_WITHIN,	/* within-run: stalls among one run's work items */
};

struct infer_cell {
	bool present;
	size_t nruns;			/* runs with a value */
	double run[COMPARE_MAX_RUNS];	/* the per-run values, in the shown unit */
	size_t censored_runs;		/* runs whose value includes censored pending work */
	double mean;			/* Amean (Hmean for rates) of run[]; binary: share of yes */
	uint64_t yes;			/* binary: runs with yes */
	bool has_change;
	double change;			/* % against the first variant */
	bool has_ci;
	double ci_lo, ci_hi;		/* %, bootstrap over runs */
	enum compare_test test;
	struct exact_test t;
	bool in_family;			/* counted by Holm (tested, not constant) */
	double p_holm;
	bool significant;		/* p_holm < alpha */
};

struct conditions {
	char kernel[128];		/* one release, or "per variant" */
	uint32_t ncpus;
	char virt[32];
	char cpu_model[128];
	bool differ;
	char differences[1024];		/* one "what: X has a, Y has b" per line */
};

struct comparison {
	const struct variant *v;
	size_t nvariants;
	struct compare_opts opts;
	struct conditions cond;
	struct cell cells[M_MAX][COMPARE_MAX_VARIANTS];
	struct cpu_cell cpu[SAMPLES_CPUS][COMPARE_MAX_VARIANTS];
	struct infer_cell inf[INF_MAX][COMPARE_MAX_VARIANTS];
	size_t family[COMPARE_MAX_VARIANTS];	/* tests Holm adjusted over, per variant */
};

/* Compare every run's conditions with the first run's. */
void compare_conditions(const struct variant *v, size_t n, struct conditions *c);

void compare_compute(struct comparison *c, const struct variant *v, size_t n,
		     const struct compare_opts *o);

/* compare/infer.c: the run-level part of compare_compute. */
void compare_infer(struct comparison *c);

const char *compare_test_name(enum compare_test t);
bool compare_test_within_run(enum compare_test t);

/* A variant's samples of m pooled over its runs, in the shown unit; runvals: one per run (may be NULL). */
void compare_gather(const struct variant *v, enum compare_metric_id m, struct samples *pooled,
		    struct samples *runvals);

/* "( 12.34%)", or "(×4000)" beyond ±1000 %; "(    n/a )" without a base. */
void compare_change_str(char *buf, size_t len, double base, double v);

void compare_print_text(FILE *out, const struct comparison *c);
void compare_print_markdown(FILE *out, const struct comparison *c);
void compare_print_json(FILE *out, const struct comparison *c);

#endif
