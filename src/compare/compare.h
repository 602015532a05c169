/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Comparing variants (groups of recorded runs): per metric, summary
 * statistics of each variant, its change against the first, a bootstrap
 * CI of that change and a significance test; and the run conditions, which
 * must match for the comparison to mean anything.
 */
#ifndef MIGTRACE_COMPARE_H
#define MIGTRACE_COMPARE_H

#include <stdio.h>
#include "compare/metrics.h"
#include "compare/stats.h"

#define COMPARE_MAX_VARIANTS	16

struct variant {
	char name[64];
	struct run_samples *runs;
	size_t nruns;
};

enum compare_test { TEST_AUTO = 0, TEST_WELCH, TEST_MWU, TEST_NONE };

struct compare_opts {
	enum compare_test test;
	double alpha;		/* significance level, 0.05 */
	double conf;		/* CI level, 0.95 */
	unsigned int reps;	/* bootstrap resamples */
	uint64_t seed;
	size_t min_runs;	/* auto: Welch on run values from this many runs per variant */
};

void compare_opts_defaults(struct compare_opts *o);

struct cell {
	bool present;			/* the variant has samples of the metric */
	struct stats_summary s;		/* pooled samples, in the metric's shown unit */
	size_t nruns;			/* runs with a value */
	double mean;			/* Amean, or Hmean for rates */
	bool has_change;
	double change;			/* % against the first variant */
	bool has_ci;
	double ci_lo, ci_hi;		/* % */
	enum compare_test test;		/* TEST_NONE: not tested */
	double p;
	bool significant;
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
};

/* Compare every run's conditions with the first run's. */
void compare_conditions(const struct variant *v, size_t n, struct conditions *c);

void compare_compute(struct comparison *c, const struct variant *v, size_t n,
		     const struct compare_opts *o);

const char *compare_test_name(enum compare_test t);

/* A variant's samples of m pooled over its runs, in the shown unit; runvals: one per run (may be NULL). */
void compare_gather(const struct variant *v, enum metric_id m, struct samples *pooled,
		    struct samples *runvals);

void compare_print_text(FILE *out, const struct comparison *c);
void compare_print_markdown(FILE *out, const struct comparison *c);
void compare_print_json(FILE *out, const struct comparison *c);

#endif
