// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/detect.h"
#include "core/util.h"

void detect_config_defaults(struct detect_config *c)
{
	memset(c, 0, sizeof(*c));
	/*
	 * Drain work normally starts within 100 us of being queued (p99 here
	 * 60 us, max 0.4 ms under a parallel kernel build): 100 ms is three
	 * orders of magnitude past that and still well inside the brief's one
	 * second for naming a livelock.
	 */
	c->drain_stall_ns = 100 * NSEC_PER_MSEC;
	c->stuck_rt_ns = 100 * NSEC_PER_MSEC;
	c->livelock_ns = 250 * NSEC_PER_MSEC;
	/* A device-private fault retries a handful of times when it races a migration. */
	c->storm_retries = 1000;
	c->spin_retries = 16;
	c->update_ns = NSEC_PER_SEC;
	/*
	 * A livelocked CPU still runs a kthread now and then (the spinner is
	 * preempted by migration/N, an RT kthread): one tick without the
	 * condition is not the end of the incident.
	 */
	c->end_grace_ns = 300 * NSEC_PER_MSEC;
}

void detect_init(struct detector *d, const struct detect_config *c, incident_cb cb, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *c;
	d->cb = cb;
	d->ctx = ctx;
	d->next_id = 1;
}

/* ---- who holds folio locks: between migrate setup and finalize ---------- */

static struct detect_holder *holder_of(struct detector *d, uint32_t pid)
{
	for (uint32_t i = 0; i < d->nholders; i++)
		if (d->holders[i].task.pid == pid)
			return &d->holders[i];
	return NULL;
}

static void holder_remove(struct detector *d, struct detect_holder *h)
{
	*h = d->holders[--d->nholders];
}

static struct detect_holder *holder_add(struct detector *d, uint32_t pid)
{
	struct detect_holder *h = holder_of(d, pid);
	uint32_t oldest = 0;

	if (h)
		return h;
	if (d->nholders == DETECT_MAX_HOLDERS) {
		/* A finalize must have been lost: forget the oldest. */
		for (uint32_t i = 1; i < d->nholders; i++)
			if (d->holders[i].since < d->holders[oldest].since)
				oldest = i;
		holder_remove(d, &d->holders[oldest]);
		d->holders_evicted++;
	}
	return &d->holders[d->nholders++];
}

void detect_event(struct detector *d, const struct mt_event *e)
{
	struct detect_holder *h;

	switch (e->type) {
	case MT_EV_MIGRATE_ENTER:	/* folios are locked from inside setup on */
		h = holder_add(d, e->task.pid);
		h->task = e->task;
		h->since = e->migrate.enter_ts;
		h->start = e->migrate.start;
		h->end = e->migrate.end;
		/* Until setup returns, the range is what can be locked. */
		h->pages = e->migrate.kind == MT_MIG_VMA ? (h->end - h->start) / 4096
							   : e->migrate.npages;
		break;
	case MT_EV_MIGRATE_SETUP:
		h = holder_of(d, e->task.pid);
		if (e->migrate.ret != 0) {	/* failed setups unlock what they took */
			if (h)
				holder_remove(d, h);
			return;
		}
		if (!h) {	/* entry not seen: attached mid-setup */
			h = holder_add(d, e->task.pid);
			h->task = e->task;
			h->since = e->migrate.enter_ts;
			h->start = e->migrate.start;
			h->end = e->migrate.end;
		}
		h->pages = e->migrate.cpages ? e->migrate.cpages : e->migrate.npages;
		break;
	case MT_EV_MIGRATE_FINALIZE:
		h = holder_of(d, e->task.pid);
		if (h)
			holder_remove(d, h);
		break;
	}
}

/* ---- open incidents ---------------------------------------------------- */

static bool same_incident(const struct incident *a, const struct incident *b)
{
	if (a->kind != b->kind || a->cpu != b->cpu)
		return false;
	switch (a->kind) {
	case INC_STUCK_RT:
		return a->spinner.pid == b->spinner.pid;
	case INC_FAULT_STORM:
		return a->spinner.pid == b->spinner.pid && a->address == b->address;
	default:
		return true;	/* one per CPU */
	}
}

static void totals_close(struct detector *d, const struct incident *inc)
{
	struct incident_totals *t = &d->totals[inc->kind];
	uint64_t dur = inc->last_ts - inc->start_ts;

	t->open--;
	t->total_ns += dur;
	if (dur > t->max_ns)
		t->max_ns = dur;
}

/* The condition holds now: open the incident, or refresh and maybe update it. */
static void observe(struct detector *d, struct incident *cand, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < d->nopen; i++)
		if (same_incident(&d->open[i], cand))
			break;
	if (i == d->nopen) {
		if (d->nopen == DETECT_MAX_OPEN) {
			d->dropped_incidents++;
			return;
		}
		cand->id = d->next_id++;
		cand->state = INC_START;
		cand->last_ts = now;
		d->open[d->nopen] = *cand;
		d->seen[d->nopen] = true;
		d->last_report[d->nopen] = now;
		d->nopen++;
		d->totals[cand->kind].count++;
		d->totals[cand->kind].open++;
		if (d->cb)
			d->cb(d->ctx, cand);
		return;
	}
	cand->id = d->open[i].id;
	cand->start_ts = d->open[i].start_ts;
	cand->last_ts = now;
	cand->state = INC_UPDATE;
	d->open[i] = *cand;
	d->seen[i] = true;
	if (now - d->last_report[i] >= d->cfg.update_ns) {
		d->last_report[i] = now;
		if (d->cb)
			d->cb(d->ctx, cand);
	}
}

static void close_at(struct detector *d, uint32_t i)
{
	struct incident *inc = &d->open[i];

	inc->state = INC_END;
	totals_close(d, inc);
	if (d->cb)
		d->cb(d->ctx, inc);
	d->nopen--;
	d->open[i] = d->open[d->nopen];
	d->seen[i] = d->seen[d->nopen];
	d->last_report[i] = d->last_report[d->nopen];
}

/* ---- the detectors ------------------------------------------------------ */

/* A run is still going when its last fault is under a second old (or newer than now). */
static bool run_going(const struct agg_run *r, uint64_t now)
{
	return r->last_ts >= now || now - r->last_ts < NSEC_PER_SEC;
}

static const struct agg_run *run_of(const struct snapshot *live, uint32_t pid, uint64_t now)
{
	for (int i = 0; i < AGG_TOP && live->open_runs[i].attempts; i++) {
		const struct agg_run *r = &live->open_runs[i];

		if (r->task.pid == pid && run_going(r, now))
			return r;
	}
	return NULL;
}

static void add_missing(struct incident *inc, const char *what)
{
	size_t n = strlen(inc->missing);

	snprintf(inc->missing + n, sizeof(inc->missing) - n, "%s%s", n ? "," : "", what);
}

static void fill_drain_parties(struct incident *inc, const struct pending_drain *p,
			       uint64_t now)
{
	memset(inc, 0, sizeof(*inc));
	inc->cpu = p->cpu;
	inc->start_ts = now - p->age_ns;
	inc->pending_ns = p->age_ns;
	inc->has_waiter = true;
	inc->waiter = p->queuer;
	inc->has_spinner = p->occupant.pid != 0;
	inc->spinner = p->occupant;
	inc->spinner_on_cpu_ns = p->occupant_ns;
}

/*
 * The livelock of the thread: the waiter holds folio locks and waits for
 * drain work on CPU k; CPU k runs a task that never yields and keeps
 * retrying a fault (on a page the waiter holds). Evidence a kernel cannot
 * show is "unknown"; evidence seen to be absent rules the livelock out,
 * and at least one piece of the lock chain must be seen.
 */
static void check_livelock(struct detector *d, const struct snapshot *live,
			   const struct pending_drain *p, uint64_t now)
{
	const struct detect_config *c = &d->cfg;
	bool never_yields = sched_policy_is_rt(p->occupant.policy) || p->occupant_ns >= p->age_ns;
	const struct detect_holder *h;
	const struct agg_run *run;
	struct incident inc;

	if (p->age_ns < c->livelock_ns || !p->occupant.pid || !never_yields)
		return;
	fill_drain_parties(&inc, p, now);
	if (c->migrate_visible) {
		h = holder_of(d, p->queuer.pid);
		inc.waiter_holds_locks = h ? EV_YES : EV_NO;
		if (h) {
			inc.held_ns = now > h->since ? now - h->since : 0;
			inc.held_start = h->start;
			inc.held_end = h->end;
			inc.held_pages = h->pages;
		}
	} else {
		add_missing(&inc, "folio_locks");
	}
	if (c->faults_visible) {
		run = run_of(live, p->occupant.pid, now);
		inc.spinner_retrying = run && run->retries >= c->spin_retries ? EV_YES : EV_NO;
		if (run) {
			inc.retries = run->retries;
			inc.address = run->address;
		}
	} else {
		add_missing(&inc, "faults");
	}
	if (inc.waiter_holds_locks == EV_NO || inc.spinner_retrying == EV_NO)
		return;
	if (inc.waiter_holds_locks != EV_YES && inc.spinner_retrying != EV_YES)
		return;
	if (inc.waiter_holds_locks == EV_YES && inc.spinner_retrying == EV_YES && inc.held_end)
		/* Virtual addresses: a forked spinner shares the waiter's layout. */
		inc.address_covered = inc.address >= inc.held_start && inc.address < inc.held_end ?
				      EV_YES : EV_NO;
	inc.kind = INC_LIVELOCK;
	observe(d, &inc, now);
}

static void check_pending(struct detector *d, const struct snapshot *live,
			  const struct pending_drain *p, uint64_t now)
{
	const struct detect_config *c = &d->cfg;
	struct incident inc;

	if (p->age_ns >= c->drain_stall_ns) {
		fill_drain_parties(&inc, p, now);
		inc.kind = INC_DRAIN_STALL;
		observe(d, &inc, now);
	}
	/* An RT task on the CPU for the whole threshold while the work waits. */
	if (p->age_ns >= c->stuck_rt_ns && sched_policy_is_rt(p->occupant.policy) &&
	    p->occupant_ns >= c->stuck_rt_ns) {
		fill_drain_parties(&inc, p, now);
		inc.kind = INC_STUCK_RT;
		inc.start_ts = now - (p->age_ns < p->occupant_ns ? p->age_ns : p->occupant_ns);
		observe(d, &inc, now);
	}
	check_livelock(d, live, p, now);
}

static void check_storms(struct detector *d, const struct snapshot *live, uint64_t now)
{
	for (int i = 0; i < AGG_TOP && live->open_runs[i].attempts; i++) {
		const struct agg_run *r = &live->open_runs[i];
		struct incident inc;

		if (r->retries < d->cfg.storm_retries || !run_going(r, now))
			continue;
		memset(&inc, 0, sizeof(inc));
		inc.kind = INC_FAULT_STORM;
		inc.cpu = MT_MAX_CPUS;
		inc.start_ts = r->first_ts;
		inc.has_spinner = true;
		inc.spinner = r->task;
		inc.spinner_retrying = EV_YES;
		inc.retries = r->retries;
		inc.address = r->address;
		observe(d, &inc, now);
	}
}

void detect_tick(struct detector *d, const struct snapshot *live, uint64_t now)
{
	for (uint32_t i = 0; i < d->nopen; i++)
		d->seen[i] = false;
	for (uint32_t i = 0; i < live->npending; i++)
		check_pending(d, live, &live->pending[i], now);
	check_storms(d, live, now);
	/* Whatever has not held for the grace period has ended. */
	for (uint32_t i = 0; i < d->nopen;) {
		if (d->seen[i] || now - d->open[i].last_ts < d->cfg.end_grace_ns)
			i++;
		else
			close_at(d, i);
	}
}

void detect_finish(struct detector *d)
{
	while (d->nopen)
		close_at(d, d->nopen - 1);
}
