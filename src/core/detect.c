// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/detect.h"
#include "model/units.h"
#include "model/sched.h"

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

/* ---- open incidents ---------------------------------------------------- */

/* A fault storm is one task on one page; any other incident is one stalled work item. */
static bool same_incident(const struct incident *a, const struct incident *b)
{
	if ((a->kind == INC_FAULT_STORM) != (b->kind == INC_FAULT_STORM))
		return false;
	if (a->kind == INC_FAULT_STORM)
		return a->spinner.pid == b->spinner.pid && a->address == b->address;
	return a->cpu == b->cpu && a->start_ts == b->start_ts;
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
	d->seen[i] = true;
	if (incident_kind_rank(cand->kind) < incident_kind_rank(d->open[i].kind)) {
		/* Weaker evidence this tick: the stall goes on under the kind it reached. */
		d->open[i].last_ts = now;
		d->open[i].pending_ns = cand->pending_ns;
		d->open[i].state = INC_UPDATE;
		d->open[i].kind_changed = false;
		cand = &d->open[i];
	} else {
		cand->kind_changed = cand->kind != d->open[i].kind;
		cand->previous_kind = d->open[i].kind;
		cand->id = d->open[i].id;
		cand->start_ts = d->open[i].start_ts;
		cand->last_ts = now;
		cand->state = INC_UPDATE;
		if (cand->kind_changed) {	/* counted once, under the kind it reached */
			d->totals[d->open[i].kind].count--;
			d->totals[d->open[i].kind].open--;
			d->totals[cand->kind].count++;
			d->totals[cand->kind].open++;
		}
		d->open[i] = *cand;
	}
	if (cand->kind_changed || now - d->last_report[i] >= d->cfg.update_ns) {
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
static bool run_going(const struct fault_run *r, uint64_t now)
{
	return r->last_ts >= now || now - r->last_ts < NSEC_PER_SEC;
}

static void add_to(char *list, size_t len, const char *what)
{
	size_t n = strlen(list);

	snprintf(list + n, len - n, "%s%s", n ? "," : "", what);
}

static void fill_drain_parties(struct incident *inc, const struct pending_drain *p,
			       uint64_t now)
{
	memset(inc, 0, sizeof(*inc));
	inc->cpu = p->cpu;
	inc->start_ts = now - p->age_ns;	/* the work item's queueing: its identity */
	inc->pending_ns = p->age_ns;
	inc->has_waiter = true;
	inc->waiter = p->queuer;
	inc->has_spinner = p->occupant.pid != 0;
	inc->spinner = p->occupant;
	inc->spinner_on_cpu_ns = p->occupant_ns;
}

/* The occupant keeps retrying a fault: its own run, looked up by its pid. */
static enum evidence occupant_retrying(const struct detector *d, const struct pending_drain *p,
				       struct incident *inc, uint64_t now)
{
	const struct fault_run *run = &p->occupant_run;

	if (!d->cfg.faults_visible || !p->occupant.pid)
		return EV_UNKNOWN;
	if (!p->occupant_run_seen || !run_going(run, now))
		return p->runs_lost && !p->occupant_run_seen ? EV_UNKNOWN : EV_NO;
	inc->retries = run->retries;
	inc->address = run->address;
	return run->retries >= d->cfg.spin_retries ? EV_YES : EV_NO;
}

/*
 * One stalled work item, one incident, the most specific kind it proves:
 *   livelock: the queuer holds locked folios (kernel state), the task on
 *     CPU k never yields and keeps retrying a fault inside the queuer's
 *     migration range: every link seen;
 *   suspected_livelock: it never yields, no link is seen to be absent, and
 *     a migration-specific one is seen (the queuer holds locked folios, or
 *     the occupant retries a swap/device-private fault); "unproven" lists
 *     the links not seen;
 *   stuck_rt: an RT task has had the CPU for the threshold (fault_loop says
 *     whether it keeps refaulting one page);
 *   drain_stall: the work is pending past its threshold, nothing more.
 */
static void check_pending(struct detector *d, const struct pending_drain *p, uint64_t now)
{
	const struct detect_config *c = &d->cfg;
	bool rt = sched_policy_is_rt(p->occupant.policy);
	bool never_yields = p->occupant.pid && (rt || p->occupant_ns >= p->age_ns / 10 * 9);
	bool precise_fault = p->occupant_run.source == MT_FAULT_DO_SWAP_PAGE;
	enum evidence holds = p->queuer_holds, spins, covered = EV_UNKNOWN;
	struct incident inc;

	fill_drain_parties(&inc, p, now);
	spins = occupant_retrying(d, p, &inc, now);
	if (holds == EV_YES) {
		inc.held_ns = p->held_ns;
		inc.held_start = p->held_start;
		inc.held_end = p->held_end;
		inc.held_pages = p->held_pages;
	}
	/* Virtual addresses: a forked spinner shares the waiter's layout. */
	if (holds == EV_YES && spins == EV_YES && p->held_end)
		covered = inc.address >= p->held_start && inc.address < p->held_end ? EV_YES : EV_NO;
	inc.waiter_holds_locks = holds;
	inc.spinner_retrying = spins;
	inc.address_covered = covered;
	if (!c->holders_visible)
		add_to(inc.missing, sizeof(inc.missing), "folio_locks");
	if (!c->faults_visible)
		add_to(inc.missing, sizeof(inc.missing), "faults");

	if (p->age_ns >= c->livelock_ns && never_yields && holds == EV_YES && spins == EV_YES &&
	    covered == EV_YES) {
		inc.kind = INC_LIVELOCK;
	} else if (p->age_ns >= c->livelock_ns && never_yields && holds != EV_NO &&
		   spins != EV_NO && covered != EV_NO &&
		   (holds == EV_YES || (spins == EV_YES && precise_fault))) {
		inc.kind = INC_SUSPECTED_LIVELOCK;
		if (holds == EV_UNKNOWN)
			add_to(inc.unproven, sizeof(inc.unproven), "waiter_holds_locks");
		if (spins == EV_UNKNOWN)
			add_to(inc.unproven, sizeof(inc.unproven), "spinner_retrying");
		if (covered == EV_UNKNOWN)
			add_to(inc.unproven, sizeof(inc.unproven), "address_covered");
	} else if (p->age_ns >= c->stuck_rt_ns && rt && p->occupant_ns >= c->stuck_rt_ns) {
		inc.kind = INC_STUCK_RT;
		inc.fault_loop = spins;
	} else if (p->age_ns >= c->drain_stall_ns) {
		inc.kind = INC_DRAIN_STALL;
	} else {
		return;
	}
	observe(d, &inc, now);
}

static void check_storms(struct detector *d, const struct snapshot *live, uint64_t now)
{
	for (int i = 0; i < STATS_TOP && live->open_runs[i].attempts; i++) {
		const struct fault_run *r = &live->open_runs[i];
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
		check_pending(d, &live->pending[i], now);
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
