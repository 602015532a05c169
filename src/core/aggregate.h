/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folding the ring buffer's event stream into what a report shows: per-CPU
 * drain work, lru_add_drain_all calls (measured, or rebuilt from their work
 * items), migrations, fault runs, folio lock waits and holders. Pure logic:
 * no BPF, no I/O, so it is fed synthetic streams in the unit tests.
 */
#ifndef MIGTRACE_AGGREGATE_H
#define MIGTRACE_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>
#include "migtrace.h"

#define AGG_MAX_BATCHES	64	/* lru_add_drain_all calls in flight at once */
#define AGG_TOP		8	/* entries kept in each "worst" table */

struct agg_cpu {
	uint64_t works;			/* drain work items completed (waits: the kernel's histograms) */
	uint64_t straggled;		/* times this CPU finished a drain_all last */
	struct mt_task blocker;		/* longest runner while work was pending */
	uint64_t blocker_ns;
};

/* One lru_add_drain_all, rebuilt from the work items its caller queued. */
struct agg_batch {
	bool in_use;
	struct mt_task queuer;
	uint64_t first_queue_ts, last_end_ts;
	uint32_t outstanding;
	uint32_t straggler_cpu;
	uint64_t straggler_ns;		/* that CPU's queued -> done */
};

struct agg_run {
	struct mt_task task;
	uint64_t address, attempts, retries, first_ts, last_ts;
	uint32_t source;		/* enum mt_fault_source */
	bool open;
};

struct agg_holder {
	struct mt_task task;
	uint64_t count;
};

struct agg_drain_all {
	bool hooked;			/* lru_add_drain_all itself is traced: no rebuilding */
	uint64_t calls, with_locks;
	struct mt_hist latency;		/* measured or rebuilt */
	struct mt_task worst_caller;
	uint64_t worst_ns;
	uint32_t worst_straggler_cpu;
	uint64_t batches_evicted;	/* rebuilt calls lost to a full table */
	uint32_t last_batch_pid, last_batch_straggler;	/* for the precise hook's return */
};

struct agg_migrate {
	uint64_t setups, setup_errors, npages, cpages, finalizes;
	uint64_t hold_max_ns;
	struct mt_task hold_max_task;
};

struct agg_faults {
	uint64_t runs, attempts, retries;
	uint64_t max_attempts;
	struct agg_run top[AGG_TOP];	/* by attempts, largest first */
};

struct agg_folio {
	uint64_t waits, wait_max_ns, contended_unlocks;
	struct mt_task worst_waiter;
	struct agg_holder holders[AGG_TOP];	/* who unlocked folios others waited for */
};

struct agg {
	uint64_t first_ts, last_ts;
	uint64_t events[MT_EV_TYPE_MAX];
	struct agg_cpu cpu[MT_MAX_CPUS];
	struct agg_batch batches[AGG_MAX_BATCHES];
	struct agg_drain_all drain_all;
	struct agg_migrate migrate;
	struct agg_faults faults;
	struct agg_folio folio;
	uint64_t trylock_ok[2], trylock_fail[2];	/* per enum mt_trylock_site */
};

/* drain_all_hooked: whether MT_EV_DRAIN_ALL records will come. */
void agg_init(struct agg *a, bool drain_all_hooked);
/* Forget counts for the next interval; batches still in flight are kept. */
void agg_reset_interval(struct agg *a);
void agg_event(struct agg *a, const struct mt_event *e);

/*
 * Retries in a run: attempts beyond those a fault needs without contention.
 * do_swap_page: one, plus each per-VMA-lock pass (which always retries);
 * page_fault_user: two, since a read fault followed by a write fault on the
 * same page is ordinary.
 */
uint64_t fault_run_retries(uint32_t source, uint64_t attempts, uint64_t vma_lock_attempts);

/* Keep the AGG_TOP runs with the most attempts. */
void agg_top_runs_insert(struct agg_run *top, const struct agg_run *r);

#endif
