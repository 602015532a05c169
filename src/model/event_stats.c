// SPDX-License-Identifier: GPL-2.0
#include "model/event_stats.h"
#include "model/hist.h"

uint64_t fault_run_retries(uint32_t source, uint64_t attempts, uint64_t vma_lock_attempts)
{
	uint64_t free = source == MT_FAULT_PAGE_FAULT_USER ? 2 : 1 + vma_lock_attempts;

	return attempts > free ? attempts - free : 0;
}

void fault_runs_top_insert(struct fault_run *top, const struct fault_run *r)
{
	int i = STATS_TOP - 1;

	if (r->attempts <= top[i].attempts)
		return;
	while (i > 0 && top[i - 1].attempts < r->attempts) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *r;
}

void lock_holders_count(struct lock_holder *h, const struct mt_task *t, uint64_t n)
{
	int min = 0;

	for (int i = 0; i < STATS_TOP; i++) {
		if (h[i].count && h[i].task.pid == t->pid) {
			h[i].count += n;
			return;
		}
		if (h[i].count < h[min].count)
			min = i;
	}
	/* Replacing the smallest keeps the heavy hitters (space-saving count). */
	h[min].count += n;
	h[min].task = *t;
}

static void drain_all_add(struct drain_all_stats *t, const struct drain_all_stats *s)
{
	t->hooked = s->hooked;
	t->calls += s->calls;
	t->with_locks += s->with_locks;
	hist_merge(&t->latency, &s->latency);
	if (s->calls && s->worst_ns >= t->worst_ns) {
		t->worst_ns = s->worst_ns;
		t->worst_caller = s->worst_caller;
		t->worst_straggler_cpu = s->worst_straggler_cpu;
	}
	t->batches_evicted += s->batches_evicted;
}

void event_stats_add(struct event_stats *t, const struct event_stats *s)
{
	if (s->first_ts && (!t->first_ts || s->first_ts < t->first_ts))
		t->first_ts = s->first_ts;
	if (s->last_ts > t->last_ts)
		t->last_ts = s->last_ts;
	for (int e = 0; e < MT_EV_TYPE_MAX; e++)
		t->events[e] += s->events[e];
	for (int c = 0; c < MT_MAX_CPUS; c++) {
		t->cpu[c].works += s->cpu[c].works;
		t->cpu[c].straggled += s->cpu[c].straggled;
		if (s->cpu[c].blocker_ns > t->cpu[c].blocker_ns) {
			t->cpu[c].blocker_ns = s->cpu[c].blocker_ns;
			t->cpu[c].blocker = s->cpu[c].blocker;
		}
	}
	drain_all_add(&t->drain_all, &s->drain_all);
	t->migrate.setups += s->migrate.setups;
	t->migrate.setup_errors += s->migrate.setup_errors;
	t->migrate.npages += s->migrate.npages;
	t->migrate.cpages += s->migrate.cpages;
	t->migrate.finalizes += s->migrate.finalizes;
	if (s->migrate.finalizes && s->migrate.hold_max_ns >= t->migrate.hold_max_ns) {
		t->migrate.hold_max_ns = s->migrate.hold_max_ns;
		t->migrate.hold_max_task = s->migrate.hold_max_task;
	}
	t->faults.runs += s->faults.runs;
	t->faults.attempts += s->faults.attempts;
	t->faults.retries += s->faults.retries;
	if (s->faults.max_attempts > t->faults.max_attempts)
		t->faults.max_attempts = s->faults.max_attempts;
	for (int i = 0; i < STATS_TOP && s->faults.top[i].attempts; i++)
		fault_runs_top_insert(t->faults.top, &s->faults.top[i]);
	t->folio.waits += s->folio.waits;
	if (s->folio.waits && s->folio.wait_max_ns >= t->folio.wait_max_ns) {
		t->folio.wait_max_ns = s->folio.wait_max_ns;
		t->folio.worst_waiter = s->folio.worst_waiter;
	}
	t->folio.contended_unlocks += s->folio.contended_unlocks;
	for (int i = 0; i < STATS_TOP; i++)
		if (s->folio.holders[i].count)
			lock_holders_count(t->folio.holders, &s->folio.holders[i].task,
					   s->folio.holders[i].count);
	for (int k = 0; k < 2; k++) {
		t->trylock_ok[k] += s->trylock_ok[k];
		t->trylock_fail[k] += s->trylock_fail[k];
	}
}
