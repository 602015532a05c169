// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/aggregate.h"
#include "model/hist.h"

void agg_init(struct agg *a, bool drain_all_hooked)
{
	memset(a, 0, sizeof(*a));
	a->s.drain_all.hooked = drain_all_hooked;
}

void agg_set_drain_all_hooked(struct agg *a, bool hooked)
{
	a->s.drain_all.hooked = hooked;
}

void agg_reset_interval(struct agg *a)
{
	bool hooked = a->s.drain_all.hooked;

	memset(&a->s, 0, sizeof(a->s));
	a->s.drain_all.hooked = hooked;
	a->last_batch_pid = a->last_batch_straggler = 0;
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
		a->s.drain_all.batches_evicted++;
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
	struct drain_all_stats *d = &a->s.drain_all;

	a->drain_all_done = true;
	a->drain_all_ns = ns;
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
	struct drain_cpu_stats *c;

	if (cpu >= MT_MAX_CPUS || e->drain_work.start_ts < e->drain_work.queue_ts ||
	    e->ts < e->drain_work.start_ts)
		return;
	c = &a->s.cpu[cpu];
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
	a->s.cpu[b->straggler_cpu].straggled++;
	a->last_batch_pid = b->queuer.pid;
	a->last_batch_straggler = b->straggler_cpu;
	/* Without the precise hook, the batch is the best view of the call. */
	if (!a->s.drain_all.hooked)
		drain_all_done(a, &b->queuer, b->last_end_ts - b->first_queue_ts, false,
			       b->straggler_cpu);
	b->in_use = false;
}

static void on_drain_all(struct agg *a, const struct mt_event *e)
{
	/* The call's work items completed before it returned. */
	uint32_t straggler = a->last_batch_pid == e->task.pid ? a->last_batch_straggler
							      : MT_MAX_CPUS;

	drain_all_done(a, &e->task, e->ts - e->drain_all.enter_ts, e->drain_all.held_locks,
		       straggler);
}

static void on_fault_run(struct agg *a, const struct mt_event *e)
{
	struct fault_stats *f = &a->s.faults;
	struct fault_run r = {
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

	f->runs++;
	f->attempts += r.attempts;
	f->retries += r.retries;
	if (r.attempts > f->max_attempts)
		f->max_attempts = r.attempts;
	fault_runs_top_insert(f->top, &r);
}

static void on_migrate(struct agg *a, const struct mt_event *e)
{
	struct migrate_stats *m = &a->s.migrate;
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
	struct folio_stats *f = &a->s.folio;
	uint64_t waited;

	if (e->type == MT_EV_FOLIO_UNLOCK) {
		f->contended_unlocks++;
		lock_holders_count(f->holders, &e->task, 1);
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
	a->drain_all_done = false;
	a->s.events[e->type]++;
	if (!a->s.first_ts || e->ts < a->s.first_ts)
		a->s.first_ts = e->ts;
	if (e->ts > a->s.last_ts)
		a->s.last_ts = e->ts;

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
				a->s.trylock_ok[e->trylock.site] += n;
			else
				a->s.trylock_fail[e->trylock.site] += n;
		}
		break;
	}
}
