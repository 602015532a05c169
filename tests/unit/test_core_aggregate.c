// SPDX-License-Identifier: GPL-2.0
/* The event stream -> aggregates fold (core/aggregate.c), fed with synthetic streams. */
#include "check.h"
#include "core/aggregate.h"
#include "drain_events.h"
#include "model/hist.h"

static void rebuilt_drain_all_names_straggler(void)
{
	static struct agg a;

	agg_init(&a, false);
	feed_rt_delayed_drain(&a, 1000 * MS);
	CHECK_EQ_U64(a.s.drain_all.calls, 1);
	CHECK_EQ_U64(a.s.drain_all.latency.max_ns, 300 * MS + 4000);
	CHECK_EQ_U64(a.s.drain_all.worst_straggler_cpu, 1);
	CHECK_EQ_U64(a.s.drain_all.worst_caller.pid, 100);
	CHECK_EQ_U64(a.s.cpu[1].straggled, 1);
	CHECK_EQ_U64(a.s.cpu[0].straggled, 0);
	CHECK_EQ_U64(a.s.cpu[1].blocker.pid, 777);
	CHECK_EQ_U64(a.s.cpu[1].works, 1);
	CHECK_EQ_U64(a.s.cpu[0].works, 1);
	for (int i = 0; i < AGG_MAX_BATCHES; i++)
		CHECK(!a.batches[i].in_use);
}

static void precise_drain_all_is_not_counted_twice(void)
{
	static struct agg a;
	struct mt_event e = { .type = MT_EV_DRAIN_ALL, .ts = 1000 * MS + 301 * MS, .task = caller };

	agg_init(&a, true);
	feed_rt_delayed_drain(&a, 1000 * MS);
	e.drain_all.enter_ts = 1000 * MS - 5000;
	e.drain_all.held_locks = 1;
	agg_event(&a, &e);
	CHECK_EQ_U64(a.s.drain_all.calls, 1);
	CHECK_EQ_U64(a.s.drain_all.with_locks, 1);
	CHECK_EQ_U64(a.s.drain_all.latency.max_ns, 301 * MS + 5000);
	CHECK_EQ_U64(a.s.drain_all.worst_straggler_cpu, 1);
}

static void lost_work_items_evict_oldest_batch(void)
{
	static struct agg a;

	agg_init(&a, false);
	/* AGG_MAX_BATCHES + 1 callers queue work that never completes. */
	for (uint32_t i = 0; i <= AGG_MAX_BATCHES; i++) {
		struct mt_event e = ev_queue(i + 1, 0);

		e.task.pid = 1000 + i;
		agg_event(&a, &e);
	}
	CHECK_EQ_U64(a.s.drain_all.batches_evicted, 1);
	CHECK_EQ_U64(a.s.drain_all.calls, 0);
}

static void fault_runs_and_retries(void)
{
	static struct agg a;
	struct mt_event e = { .type = MT_EV_FAULT_RUN, .ts = 50 * MS, .task = task(9, "spin", 1, 0) };

	agg_init(&a, false);
	e.fault_run.address = 0x7f0000001000;
	e.fault_run.first_ts = 10 * MS;
	e.fault_run.attempts = 5000;
	e.fault_run.vma_lock_attempts = 1;
	e.fault_run.source = MT_FAULT_DO_SWAP_PAGE;
	agg_event(&a, &e);
	e.fault_run.attempts = 3;
	e.fault_run.source = MT_FAULT_PAGE_FAULT_USER;
	agg_event(&a, &e);
	CHECK_EQ_U64(a.s.faults.runs, 2);
	CHECK_EQ_U64(a.s.faults.retries, 4998 + 1);
	CHECK_EQ_U64(a.s.faults.max_attempts, 5000);
	CHECK_EQ_U64(a.s.faults.top[0].attempts, 5000);
	CHECK_EQ_U64(a.s.faults.top[0].last_ts - a.s.faults.top[0].first_ts, 40 * MS);
	CHECK_EQ_U64(a.s.faults.top[1].attempts, 3);
	CHECK_EQ_U64(fault_run_retries(MT_FAULT_DO_SWAP_PAGE, 2, 1), 0);
	CHECK_EQ_U64(fault_run_retries(MT_FAULT_PAGE_FAULT_USER, 2, 0), 0);
	CHECK_EQ_U64(fault_run_retries(MT_FAULT_DO_SWAP_PAGE, 0, 3), 0);
}

static void top_runs_keep_the_largest(void)
{
	struct fault_run top[STATS_TOP] = {};

	for (uint64_t n = 1; n <= 3 * STATS_TOP; n++) {
		struct fault_run r = { .attempts = (n * 7) % (3 * STATS_TOP) + 1 };

		fault_runs_top_insert(top, &r);
	}
	for (int i = 0; i < STATS_TOP; i++)
		CHECK_EQ_U64(top[i].attempts, 3 * STATS_TOP - i);
}

static void migration_hold_and_folio_holders(void)
{
	static struct agg a;
	struct mt_task holder = task(42, "gpu_migrate", 0, 120);
	struct mt_event setup = { .type = MT_EV_MIGRATE_SETUP, .ts = 2 * MS, .task = holder };
	struct mt_event fin = { .type = MT_EV_MIGRATE_FINALIZE, .ts = 900 * MS, .task = holder };
	struct mt_event unl = { .type = MT_EV_FOLIO_UNLOCK, .ts = 900 * MS, .task = holder };
	struct mt_event wait = { .type = MT_EV_FOLIO_WAIT, .ts = 901 * MS,
				 .task = task(43, "faulter", 0, 120) };

	agg_init(&a, false);
	setup.migrate.npages = 512;
	setup.migrate.cpages = 500;
	fin.migrate.enter_ts = 1 * MS;
	wait.folio.enter_ts = 100 * MS;
	agg_event(&a, &setup);
	agg_event(&a, &fin);
	for (int i = 0; i < 3; i++)
		agg_event(&a, &unl);
	agg_event(&a, &wait);
	CHECK_EQ_U64(a.s.migrate.setups, 1);
	CHECK_EQ_U64(a.s.migrate.cpages, 500);
	CHECK_EQ_U64(a.s.migrate.hold_max_ns, 899 * MS);
	CHECK_EQ_U64(a.s.migrate.hold_max_task.pid, 42);
	CHECK_EQ_U64(a.s.folio.contended_unlocks, 3);
	CHECK_EQ_U64(a.s.folio.holders[0].task.pid, 42);
	CHECK_EQ_U64(a.s.folio.holders[0].count, 3);
	CHECK_EQ_U64(a.s.folio.wait_max_ns, 801 * MS);
	CHECK_EQ_U64(a.s.folio.worst_waiter.pid, 43);
}

static void hostile_records_are_counted_not_trusted(void)
{
	static struct agg a;
	struct mt_event bad_type = { .type = 9999 };
	struct mt_event bad_cpu = ev_work(MT_MAX_CPUS + 5, 0, 1, 2, (struct mt_task){}, 0);
	struct mt_event backwards = ev_work(1, 500, 100, 50, (struct mt_task){}, 0);
	struct mt_event bad_site = { .type = MT_EV_TRYLOCK };

	agg_init(&a, false);
	bad_site.trylock.site = 77;
	agg_event(&a, &bad_type);
	agg_event(&a, &bad_cpu);
	agg_event(&a, &backwards);
	agg_event(&a, &bad_site);
	bad_site.trylock.site = MT_TRY_SWAP_PAGE;
	bad_site.trylock.weight = 256;	/* a batch of failures in one record */
	agg_event(&a, &bad_site);
	CHECK_EQ_U64(a.s.trylock_fail[MT_TRY_SWAP_PAGE], 256);
	/* The unknown type is not counted anywhere; the others only as events. */
	CHECK_EQ_U64(a.s.events[MT_EV_DRAIN_WORK] + a.s.events[MT_EV_TRYLOCK], 4);
	CHECK_EQ_U64(a.s.cpu[1].works, 0);
}

static void interval_reset_keeps_batches_in_flight(void)
{
	static struct agg a;
	struct mt_event q = ev_queue(10, 1);

	agg_init(&a, false);
	agg_event(&a, &q);
	agg_reset_interval(&a);
	CHECK_EQ_U64(a.s.events[MT_EV_DRAIN_QUEUE], 0);
	agg_event(&a, &(struct mt_event){ .type = MT_EV_DRAIN_WORK, .ts = 40,
		  .drain_work = { .queue_ts = 10, .start_ts = 30, .target_cpu = 1,
				  .queuer = caller } });
	CHECK_EQ_U64(a.s.drain_all.calls, 1);
	CHECK_EQ_U64(a.s.drain_all.latency.max_ns, 30);
}

int main(void)
{
	RUN(rebuilt_drain_all_names_straggler);
	RUN(precise_drain_all_is_not_counted_twice);
	RUN(lost_work_items_evict_oldest_batch);
	RUN(fault_runs_and_retries);
	RUN(top_runs_keep_the_largest);
	RUN(migration_hold_and_folio_holders);
	RUN(hostile_records_are_counted_not_trusted);
	RUN(interval_reset_keeps_batches_in_flight);
	CHECK_EXIT();
}
