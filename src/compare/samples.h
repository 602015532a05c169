/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metrics compare measures, and their samples from one record: one
 * value per drain work item, lru_add_drain_all call, fault run, folio-lock
 * hold or sleep, incident; one per run for throughput and incident counts.
 */
#ifndef MIGTRACE_SAMPLES_H
#define MIGTRACE_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include "record/recording.h"

enum compare_metric_id {
	M_DRAIN_WAIT = 0,	/* lru_add_drain_per_cpu queued -> started */
	M_STRAGGLER_WAIT,	/* per lru_add_drain_all call: its last work item's queued -> started */
	M_DRAIN_EXEC,		/* started -> ended */
	M_DRAIN_ALL,		/* lru_add_drain_all latency, measured or rebuilt */
	M_FAULT_RETRIES,	/* retries per fault run */
	M_SWAP_PAGE,		/* do_swap_page latency (kernel histogram) */
	M_FOLIO_HOLD,		/* folio locks held: collected -> finalize */
	M_FOLIO_WAIT,		/* __folio_lock sleeps */
	M_INCIDENTS,		/* incidents started, per run */
	M_INCIDENT_NS,		/* incident durations */
	M_THROUGHPUT,		/* the workload's RESULT rate, per run */
	M_MAX,
};

struct compare_metric {
	const char *name;	/* column/key: "drain_wait_us" */
	const char *metric;	/* its row of the metric table (model/metrics.c), if it has one */
	const char *title;	/* what it is, for one without a row */
	double scale;		/* sample units per shown unit: 1000 for ns -> us */
	bool per_run;		/* one value per run, not per occurrence */
	bool rate;		/* higher is better; Hmean is its mean */
	bool from_hist;		/* samples rebuilt from a log2 histogram */
};

extern const struct compare_metric compare_metrics[M_MAX];

/* "lru_add_drain_all latency (...) (us)": what it is and its unit. */
void compare_metric_title(const struct compare_metric *d, char *buf, size_t len);

struct samples {
	double *v;
	size_t n, cap;
};

int samples_push(struct samples *s, double v);
void samples_free(struct samples *s);

#define SAMPLES_CPUS	64	/* drain wait kept per target CPU below this */

struct run_samples {
	char path[256];
	struct recording run;
	struct samples m[M_MAX];
	bool synth[M_MAX];		/* samples spread from a kernel histogram */
	struct samples cpu_wait[SAMPLES_CPUS];	/* drain wait by target CPU, ns */
	/* Drain work still pending at the end (last snapshot): censored at its age. */
	struct samples censored;	/* ages, ns */
	uint32_t censored_cpu[SNAPSHOT_MAX_PENDING];
	bool has_livelock_info;		/* detectors ran, or RESULT says progress= */
	bool livelocked;		/* a livelock or suspected_livelock, or progress=no */
	uint64_t migrations;		/* migrate setups */
	uint64_t retries;		/* fault retries, ended runs */
	uint64_t dropped;		/* ring-buffer records lost (last snapshot) */
};

/*
 * Load one record's samples. Damage goes to warn (the readable part still
 * counts); fails (err: "FILE: offset N: why") only when nothing is usable.
 */
int samples_load(const char *path, struct run_samples *rs, rec_warn_fn warn, void *warn_ctx,
		 char *err, size_t len);
/* The same from a reader already started (a record in memory); rs->path is its name. */
int samples_load_reader(struct rec_reader *rd, struct run_samples *rs, char *err, size_t len);
void run_samples_free(struct run_samples *rs);

/*
 * Spread a log2 histogram into at most max samples, in proportion; every
 * non-empty bucket keeps one sample at least, and the largest is the
 * histogram's max, so the tail is not rounded away.
 */
void samples_from_hist(const struct mt_hist *h, struct samples *s, size_t max);

#endif
