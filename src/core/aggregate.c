// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/aggregate.h"
#include "core/hist.h"

void agg_init(struct agg *a, bool drain_all_hooked)
{
	memset(a, 0, sizeof(*a));
	a->drain_all.hooked = drain_all_hooked;
}

void agg_reset_interval(struct agg *a)
{
	struct agg_batch keep[AGG_MAX_BATCHES];

	memcpy(keep, a->batches, sizeof(keep));
	agg_init(a, a->drain_all.hooked);
	memcpy(a->batches, keep, sizeof(keep));
}

uint64_t fault_run_retries(uint32_t source, uint64_t attempts, uint64_t vma_lock_attempts)
{
	uint64_t free = source == MT_FAULT_PAGE_FAULT_USER ? 2 : 1 + vma_lock_attempts;

	return attempts > free ? attempts - free : 0;
}

void agg_top_runs_insert(struct agg_run *top, const struct agg_run *r)
{
	int i = AGG_TOP - 1;

	if (r->attempts <= top[i].attempts)
		return;
	while (i > 0 && top[i - 1].attempts < r->attempts) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *r;
}

static void holder_count(struct agg_holder *h, const struct mt_task *t)
{
	int min = 0;

	for (int i = 0; i < AGG_TOP; i++) {
		if (h[i].count && h[i].task.pid == t->pid) {
			h[i].count++;
			return;
		}
		if (h[i].count < h[min].count)
			min = i;
	}
	/* Replacing the smallest keeps the heavy hitters (space-saving count). */
	h[min].count++;
	h[min].task = *t;
}

static struct agg_batch *batch_of(struct agg *a, uint32_t queuer_pid)
{
	for (int i = 0; i < AGG_MAX_BATCHES; i++)
		if (a->batches[i].in_use && a->batches[i].queuer.pid == queuer_pid)
			return &a->batches[i];
	return NULL;
}

static struct agg_batch *batch_new(struct agg *a, const struct mt_event *e)
{
	struct agg_batch *b = NULL;

	for (int i = 0; i < AGG_MAX_BATCHES && !b; i++)
		if (!a->batches[i].in_use)
			b = &a->batches[i];
	if (!b) {	/* evict the oldest: a work item of it must have been lost */
		b = &a->batches[0];
		for (int i = 1; i < AGG_MAX_BATCHES; i++)
			if (a->batches[i].first_queue_ts < b->first_queue_ts)
				b = &a->batches[i];
		a->drain_all.batches_evicted++;
	}
	memset(b, 0, sizeof(*b));
	b->in_use = true;
	b->queuer = e->task;
	b->first_queue_ts = e->ts;
	return b;
}

static void drain_all_done(struct agg *a, const struct mt_task *caller, uint64_t ns,
			   bool with_locks, uint32_t straggler_cpu)
{
	struct agg_drain_all *d = &a->drain_all;

	d->calls++;
	d->with_locks += with_locks;
	hist_add_value(&d->latency, ns);
	if (ns >= d->worst_ns) {
		d->worst_ns = ns;
		d->worst_caller = *caller;
		d->worst_straggler_cpu = straggler_cpu;
	}
}

static void on_drain_queue(struct agg *a, const struct mt_event *e)
{
	struct agg_batch *b = batch_of(a, e->task.pid);

	if (!b)
		b = batch_new(a, e);
	b->outstanding++;
}

static void on_drain_work(struct agg *a, const struct mt_event *e)
{
	uint32_t cpu = e->drain_work.target_cpu;
	uint64_t total = e->ts - e->drain_work.queue_ts;
	struct agg_batch *b;
	struct agg_cpu *c;

	if (cpu >= MT_MAX_CPUS || e->drain_work.start_ts < e->drain_work.queue_ts ||
	    e->ts < e->drain_work.start_ts)
		return;
	c = &a->cpu[cpu];
	c->works++;
	if (e->drain_work.blocker_ns > c->blocker_ns && e->drain_work.blocker.pid) {
		c->blocker_ns = e->drain_work.blocker_ns;
		c->blocker = e->drain_work.blocker;
	}

	b = batch_of(a, e->drain_work.queuer.pid);
	if (!b)
		return;
	if (e->ts >= b->last_end_ts) {
		b->last_end_ts = e->ts;
		b->straggler_cpu = cpu;
		b->straggler_ns = total;
	}
	if (b->outstanding && --b->outstanding)
		return;
	a->cpu[b->straggler_cpu].straggled++;
	a->drain_all.last_batch_pid = b->queuer.pid;
	a->drain_all.last_batch_straggler = b->straggler_cpu;
	/* Without the precise hook, the batch is the best view of the call. */
	if (!a->drain_all.hooked)
		drain_all_done(a, &b->queuer, b->last_end_ts - b->first_queue_ts, false,
			       b->straggler_cpu);
	b->in_use = false;
}

static void on_drain_all(struct agg *a, const struct mt_event *e)
{
	struct agg_drain_all *d = &a->drain_all;
	/* The call's work items completed before it returned. */
	uint32_t straggler = d->last_batch_pid == e->task.pid ? d->last_batch_straggler
							       : MT_MAX_CPUS;

	drain_all_done(a, &e->task, e->ts - e->drain_all.enter_ts, e->drain_all.held_locks,
		       straggler);
}

static void on_fault_run(struct agg *a, const struct mt_event *e)
{
	struct agg_run r = {
		.task = e->task,
		.address = e->fault_run.address,
		.attempts = e->fault_run.attempts,
		.retries = fault_run_retries(e->fault_run.source, e->fault_run.attempts,
					     e->fault_run.vma_lock_attempts),
		.first_ts = e->fault_run.first_ts,
		.last_ts = e->ts,
		.source = e->fault_run.source,
		.open = e->fault_run.open,
	};

	a->faults.runs++;
	a->faults.attempts += r.attempts;
	a->faults.retries += r.retries;
	if (r.attempts > a->faults.max_attempts)
		a->faults.max_attempts = r.attempts;
	agg_top_runs_insert(a->faults.top, &r);
}

static void on_migrate(struct agg *a, const struct mt_event *e)
{
	struct agg_migrate *m = &a->migrate;
	uint64_t held;

	switch (e->type) {
	case MT_EV_MIGRATE_SETUP:
		m->setups++;
		m->setup_errors += e->migrate.ret != 0;
		m->npages += e->migrate.npages;
		m->cpages += e->migrate.cpages;
		break;
	case MT_EV_MIGRATE_FINALIZE:
		m->finalizes++;
		held = e->ts - e->migrate.enter_ts;
		if (held >= m->hold_max_ns) {
			m->hold_max_ns = held;
			m->hold_max_task = e->task;
		}
		break;
	}
}

static void on_folio(struct agg *a, const struct mt_event *e)
{
	struct agg_folio *f = &a->folio;
	uint64_t waited;

	if (e->type == MT_EV_FOLIO_UNLOCK) {
		f->contended_unlocks++;
		holder_count(f->holders, &e->task);
		return;
	}
	f->waits++;
	waited = e->ts - e->folio.enter_ts;
	if (waited >= f->wait_max_ns) {
		f->wait_max_ns = waited;
		f->worst_waiter = e->task;
	}
}

void agg_event(struct agg *a, const struct mt_event *e)
{
	if (e->type == 0 || e->type >= MT_EV_TYPE_MAX)
		return;	/* another build's event type */
	a->events[e->type]++;
	if (!a->first_ts || e->ts < a->first_ts)
		a->first_ts = e->ts;
	if (e->ts > a->last_ts)
		a->last_ts = e->ts;

	switch (e->type) {
	case MT_EV_DRAIN_QUEUE:
		on_drain_queue(a, e);
		break;
	case MT_EV_DRAIN_WORK:
		on_drain_work(a, e);
		break;
	case MT_EV_DRAIN_ALL:
		on_drain_all(a, e);
		break;
	case MT_EV_FAULT_RUN:
		on_fault_run(a, e);
		break;
	case MT_EV_MIGRATE_SETUP:
	case MT_EV_MIGRATE_PAGES:
	case MT_EV_MIGRATE_FINALIZE:
		on_migrate(a, e);
		break;
	case MT_EV_FOLIO_WAIT:
	case MT_EV_FOLIO_UNLOCK:
		on_folio(a, e);
		break;
	case MT_EV_TRYLOCK:
		if (e->trylock.site < 2) {
			uint64_t n = e->trylock.weight ? e->trylock.weight : 1;

			if (e->trylock.locked > 0)
				a->trylock_ok[e->trylock.site] += n;
			else
				a->trylock_fail[e->trylock.site] += n;
		}
		break;
	}
}
