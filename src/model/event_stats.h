/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ring buffer's events of an interval (or of a whole run) add up
 * to: per-CPU drain work, lru_add_drain_all calls, migrations, fault runs,
 * folio lock waits and holders. Values only; core/aggregate.c folds events
 * into them.
 */
#ifndef MIGTRACE_EVENT_STATS_H
#define MIGTRACE_EVENT_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include "migtrace.h"

#define STATS_TOP	8	/* entries kept in each "worst" table */

struct drain_cpu_stats {
	uint64_t works;			/* drain work items completed (waits: the kernel's histograms) */
	uint64_t straggled;		/* times this CPU finished a drain_all last */
	struct mt_task blocker;		/* longest runner while work was pending */
	uint64_t blocker_ns;
};

/* A run of faults by one task on one page. */
struct fault_run {
	struct mt_task task;
	uint64_t address, attempts, retries, first_ts, last_ts;
	uint32_t source;		/* enum mt_fault_source */
	bool open;
};

struct lock_holder {
	struct mt_task task;
	uint64_t count;
};

struct drain_all_stats {
	bool hooked;			/* lru_add_drain_all itself is traced: no rebuilding */
	uint64_t calls, with_locks;
	struct mt_hist latency;		/* measured or rebuilt */
	struct mt_task worst_caller;
	uint64_t worst_ns;
	uint32_t worst_straggler_cpu;
	uint64_t batches_evicted;	/* rebuilt calls lost to a full table */
};

struct migrate_stats {
	uint64_t setups, setup_errors, npages, cpages, finalizes;
	uint64_t hold_max_ns;
	struct mt_task hold_max_task;
};

struct fault_stats {
	uint64_t runs, attempts, retries;
	uint64_t max_attempts;
	struct fault_run top[STATS_TOP];	/* by attempts, largest first */
};

struct folio_stats {
	uint64_t waits, wait_max_ns, contended_unlocks;
	struct mt_task worst_waiter;
	struct lock_holder holders[STATS_TOP];	/* who unlocked folios others waited for */
};

struct event_stats {
	uint64_t first_ts, last_ts;
	uint64_t events[MT_EV_TYPE_MAX];
	struct drain_cpu_stats cpu[MT_MAX_CPUS];
	struct drain_all_stats drain_all;
	struct migrate_stats migrate;
	struct fault_stats faults;
	struct folio_stats folio;
	uint64_t trylock_ok[2], trylock_fail[2];	/* per enum mt_trylock_site */
};

/*
 * Retries in a run: attempts beyond those a fault needs without contention.
 * do_swap_page: one, plus each per-VMA-lock pass (which always retries);
 * page_fault_user: two, since a read fault followed by a write fault on the
 * same page is ordinary.
 */
uint64_t fault_run_retries(uint32_t source, uint64_t attempts, uint64_t vma_lock_attempts);

/* Keep the STATS_TOP runs with the most attempts. */
void fault_runs_top_insert(struct fault_run *top, const struct fault_run *r);

/* Count n unlocks by t among the STATS_TOP heaviest holders (space-saving count). */
void lock_holders_count(struct lock_holder *h, const struct mt_task *t, uint64_t n);

/* Add another interval's stats (a daemon's running totals). */
void event_stats_add(struct event_stats *total, const struct event_stats *s);

#endif
