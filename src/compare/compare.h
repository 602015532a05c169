/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing variants (groups of recorded runs). Two parts:
 *  - descriptive: per metric, summary statistics of the samples pooled over
 *    a variant's runs and their change against the first variant; per CPU,
 *    the drain wait and its stalls. No test: pooled samples share stalls.
 *  - inference (compare/infer.c): per-run statistics (max, p99, stall
 *    share and rate, livelocked, retries per migration, throughput) tested
 *    with the boot or the run as the unit (permutation; Gehan scores where
 *    values are capped; Fisher), permutation-inverted CIs, Holm across the
 *    tests of one comparison; with one run a side, within-run tests,
 *    labelled so.
 * And the run conditions, which must match for the comparison to mean anything.
 */
#ifndef MIGTRACE_COMPARE_H
#define MIGTRACE_COMPARE_H

#include <stdio.h>
#include "compare/exact.h"
#include "compare/interval.h"
#include "compare/samples.h"
#include "compare/stats.h"

#define COMPARE_MAX_VARIANTS	16
#define COMPARE_MAX_RUNS	256	/* per variant */

struct variant {
	char name[64];
	struct run_samples *runs;
	size_t nruns;
};

enum compare_unit {
	UNIT_AUTO = 0,	/* the boot where both sides ran in 2 boots or more, else the run */
	UNIT_RUN,
	UNIT_BOOT,
};

struct compare_opts {
	double alpha;		/* significance level after Holm, 0.05 */
	double conf;		/* CI level, 0.95 */
	unsigned int perm_reps;	/* random splits when enumeration is too large (tests, CIs) */
	uint64_t seed;
	double stall_ms;	/* a drain wait this long or longer is a stall (1 ms) */
	enum compare_unit unit;
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
	INF_STRAGGLER_MAX = 0,	/* per run: max straggler wait (pending work included) */
	INF_STRAGGLER_P99,	/* only where every run has INFER_P99_MIN samples */
	INF_DRAIN_MAX,		/* per run: max drain wait, any CPU (pending included) */
	INF_STALL_SHARE,	/* per run: % of drain work items that stalled */
	INF_STALL_RATE,		/* per run: stalls per second of the recording */
	INF_STALLS,		/* per run: stalls, a count: descriptive, not tested */
	INF_LIVELOCKED,		/* per run: yes/no */
	INF_RETRIES_PER_MIG,	/* per run: fault retries / migrate setups */
	INF_HOLD_MAX,		/* per run: max folio-lock hold */
	INF_THROUGHPUT,		/* per run: the RESULT rate */
	INF_MAX,
};

/* A p99 interpolated over fewer samples is mostly the max, and says how many there were. */
#define INFER_P99_MIN	100

struct infer_def {
	const char *stat;	/* row label: "max/run" */
	const char *name;	/* metric: "straggler_wait_us" */
	const char *key;	/* JSON: "straggler_wait_us.max_per_run" */
	bool rate;		/* higher is better: Hmean */
	bool binary;		/* yes/no per run: Fisher */
	bool descriptive;	/* shown, never tested */
	/*
	 * In a run cut short (its deadline, or the record's end): +1 the value
	 * is a lower bound (a wait, a hold, retries that went on), -1 an upper
	 * bound (a rate), 0 neither.
	 */
	int bound;
	bool pending;		/* drain work pending at the end counts, at its age: a lower bound */
	size_t min_samples;	/* every run needs this many samples, else no row */
};

extern const struct infer_def infer_defs[INF_MAX];

enum compare_test {
	TEST_NONE = 0,
	TEST_PERMUTATION,	/* per-unit values, exact or Monte Carlo */
	TEST_GEHAN,		/* per-unit Gehan scores: some values are bounds */
	TEST_FISHER,		/* runs yes/no */
	TEST_EXCEEDANCE,	/* within-run: one run a side */
	TEST_FISHER_WITHIN,	/* within-run: stalls among one run's work items */
};

struct infer_cell {
	bool present;
	size_t nruns;			/* runs with a value */
	double run[COMPARE_MAX_RUNS];	/* the per-run values, in the shown unit */
	int8_t bound[COMPARE_MAX_RUNS];	/* per run: infer_def.bound where capped, else 0 */
	uint16_t boot[COMPARE_MAX_RUNS];	/* per run: its boot (comparison.boot_of) */
	size_t censored_runs;		/* runs whose value is a bound */
	double mean;			/* Amean (Hmean for rates) of run[]; binary: share of yes */
	int mean_bound;			/* +1 the mean is a lower bound, -1 an upper one */
	uint64_t yes;			/* binary: runs with yes */
	bool has_change;
	double change;			/* % against the first variant */
	int change_bound;		/* +1 at least, -1 at most, 2 unknown (both capped) */
	bool has_ci;
	double ci_lo, ci_hi;		/* % change, from the interval of the ratio of means */
	bool both_capped;		/* every value on both sides a bound: no test */
	size_t units_a, units_b;	/* base's and this variant's units in the test */
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
	/* Boots: runs of one boot share its state, so the boot may be the unit. */
	uint16_t boot_of[COMPARE_MAX_VARIANTS][COMPARE_MAX_RUNS];	/* 0, 1, ... per variant */
	size_t nboots[COMPARE_MAX_VARIANTS];
	bool boots_estimated[COMPARE_MAX_VARIANTS];	/* a run without boot_id: from its clocks */
	bool boot_shared[COMPARE_MAX_VARIANTS];	/* a boot of this variant is one of the first's */
	bool by_boot[COMPARE_MAX_VARIANTS];	/* this variant against the first: the boot is the unit */
	/* A row with too few samples in some run (infer_def.min_samples): not shown. */
	bool starved[INF_MAX];
	size_t samples_lo[INF_MAX], samples_hi[INF_MAX];	/* fewest and most a run had */
};

/* Compare every run's conditions with the first run's. */
void compare_conditions(const struct variant *v, size_t n, struct conditions *c);

/*
 * Group each variant's runs by boot: the record's boot_id, or, for one
 * without (recorded before it existed), the boot time its clocks imply
 * (realtime - monotonic at its start), within a second, on the same host.
 */
void compare_boots(struct comparison *c);

void compare_compute(struct comparison *c, const struct variant *v, size_t n,
		     const struct compare_opts *o);

/* compare/infer.c: the run-level part of compare_compute. */
void compare_infer(struct comparison *c);

const char *compare_test_name(enum compare_test t);
bool compare_test_within_run(enum compare_test t);

/* A variant's samples of m pooled over its runs, in the shown unit; runvals: one per run (may be NULL). */
void compare_gather(const struct variant *v, enum compare_metric_id m, struct samples *pooled,
		    struct samples *runvals);

/*
 * "( 12.34%)"; beyond +1000 % "(×4001)", below -90 % "(÷450)"; bound +1
 * (the change is at least that) "(≥+12.34%)", "(÷≤450)"; -1 "≤"; 2 (both
 * sides capped) "(capped)"; "(    n/a )" without a base.
 */
void compare_change_str(char *buf, size_t len, double base, double v, int bound);

void compare_print_text(FILE *out, const struct comparison *c);
void compare_print_markdown(FILE *out, const struct comparison *c);
void compare_print_json(FILE *out, const struct comparison *c);

#endif
