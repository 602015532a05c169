/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition (format 0.0.4) for node_exporter's textfile
 * collector: running totals of every interval's report, so that counters
 * only grow and histograms carry cumulative _bucket, _sum and _count. Pure
 * logic: no BPF, no files; the daemon writes it with output_replace().
 */
#ifndef MIGTRACE_PROMETHEUS_H
#define MIGTRACE_PROMETHEUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "model/hooks.h"
#include "model/incident.h"
#include "model/snapshot.h"

/*
 * Histogram buckets: le = 2^PROM_FIRST_SLOT+1 ns (about 1 us) doubling up to
 * the last log2 slot, then +Inf. The first bucket holds every slot below it.
 */
#define PROM_FIRST_SLOT	9

/* What the daemon says about itself (gauges and counters of the loader). */
struct prom_daemon {
	uint64_t start_time_s;		/* Unix time the daemon started */
	uint64_t write_time_s;		/* Unix time of this exposition */
	uint64_t intervals;		/* reports folded in */
	uint64_t rss_bytes;
	uint64_t cpu_ns;		/* loader user + system time */
	uint64_t records;		/* ring buffer records consumed */
	bool shedding;			/* aggregate-only mode now */
	uint64_t shed_episodes;		/* times it entered aggregate-only mode */
	uint64_t shed_ns;		/* time spent in it */
	uint64_t output_errors;		/* writes that failed (disk full, closed pipe) */
	uint64_t reopens;		/* SIGHUPs honoured */
	uint64_t detect_tick_ns;	/* between detector ticks now (0: no detectors) */
	uint64_t incidents_dropped;	/* detectors' open-incident table full */
};

/* Running totals over the daemon's life. */
struct prom_totals {
	uint32_t ncpus;
	uint64_t events[MT_EV_TYPE_MAX];
	uint64_t dropped[MT_EV_TYPE_MAX];	/* the kernel's own totals: copied, not added */
	uint64_t state_full, malformed;	/* likewise */
	struct mt_hist global[MT_H_MAX];	/* drain_all includes the rebuilt calls */
	struct mt_hist drain_wait[MT_MAX_CPUS];	/* per target CPU */
	bool cpu_seen[MT_MAX_CPUS];		/* had drain work at least once */
	uint64_t straggled[MT_MAX_CPUS];
	uint64_t drain_all_calls, drain_all_with_locks, drain_all_lost;
	uint64_t fault_runs, fault_attempts, fault_retries;
	uint64_t migrate_setups, migrate_setup_errors, migrate_npages, migrate_cpages,
		 migrate_finalizes;
	uint64_t folio_waits, folio_contended_unlocks;
	uint64_t trylock_ok[2], trylock_fail[2];
	/* Gauges: the latest report's state. */
	uint32_t pending_cpus;
	uint64_t pending_max_age_ns;
	uint32_t open_runs;
	uint64_t open_run_max_attempts;
	struct hook_status hooks[HOOK_MAX];
	bool have_hooks;
	bool detecting;				/* the detectors run: incidents below */
	struct incident_totals incidents[INC_KIND_MAX];	/* the detectors' own totals */
};

/* Add one interval's report (taken before session_reset_interval()). */
void prom_accumulate(struct prom_totals *t, const struct snapshot *r);

/* The whole exposition; d may be NULL (no daemon metrics). */
void prom_write(FILE *out, const struct prom_totals *t, const struct prom_daemon *d);

/* Write v as a label value between quotes, escaped (\\, \", \n). */
void prom_label_value(FILE *out, const char *v);

#endif
