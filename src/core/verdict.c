// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/verdict.h"
#include "model/sched.h"
#include "model/units.h"

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
	/*
	 * A livelocked spinner retries 10^4 to 10^6 times a second, so a retry
	 * within the last 250 ms (two and a half ticks) is a spinner that is
	 * still at it; one that got its page and moved on drops out after it.
	 */
	c->retry_window_ns = 250 * NSEC_PER_MSEC;
	c->min_samples = 5;
	c->update_ns = NSEC_PER_SEC;
	/*
	 * A livelocked CPU still runs a kthread now and then (the spinner is
	 * preempted by migration/N, an RT kthread): one tick without the
	 * condition is not the end of the incident.
	 */
	c->end_grace_ns = 300 * NSEC_PER_MSEC;
}

/* ---- what the detector remembers of a work item ------------------------ */

struct drain_watch *watch_find(struct drain_watch *w, uint32_t *n, uint32_t max,
			       const struct pending_drain *p, uint64_t now)
{
	uint64_t queue_ts = now - p->age_ns;

	for (uint32_t i = 0; i < *n; i++)
		if (w[i].cpu == p->cpu && w[i].queue_ts == queue_ts)
			return &w[i];
	if (*n == max)
		return NULL;
	memset(&w[*n], 0, sizeof(w[*n]));
	w[*n].cpu = p->cpu;
	w[*n].queue_ts = queue_ts;
	return &w[(*n)++];
}

/*
 * Samples of the last window: the newest kept point at least a window old
 * is the base (none: everything since the work was queued counts, which is
 * younger than the window anyway or the first sight of work found pending).
 */
static struct watch_point samples_in_window(struct drain_watch *w, const struct pending_drain *p,
					    uint64_t window, uint64_t now)
{
	struct watch_point cur = { now, p->samples, p->samples_user, p->samples_fault };
	struct watch_point base = { 0 }, out;

	for (uint32_t k = 0; k < w->nhist; k++) {
		const struct watch_point *h = &w->hist[(w->head + k) % WATCH_HISTORY];

		if (h->ts + window <= now)
			base = *h;
	}
	if (w->nhist == WATCH_HISTORY) {
		w->hist[w->head] = cur;
		w->head = (w->head + 1) % WATCH_HISTORY;
	} else {
		w->hist[(w->head + w->nhist++) % WATCH_HISTORY] = cur;
	}
	/* The sampler counts since queueing; a lower count is a new work item's. */
	if (base.samples > cur.samples || base.samples_user > cur.samples_user ||
	    base.samples_fault > cur.samples_fault)
		base = (struct watch_point){ 0 };
	out.ts = now;
	out.samples = cur.samples - base.samples;
	out.samples_user = cur.samples_user - base.samples_user;
	out.samples_fault = cur.samples_fault - base.samples_fault;
	return out;
}

/* ---- the links ----------------------------------------------------------- */

static bool filtered(const struct detect_config *c, const struct mt_task *t)
{
	return c->filter_tgid && t->tgid != c->filter_tgid;
}

/* Locked folios of a waiter: the holders table first, then its stack. */
static enum evidence holder_link(const struct detect_config *c, const struct mt_task *t,
				 enum evidence table, enum evidence stack, enum evidence_source *src)
{
	if (!c->holders_visible || filtered(c, t))
		table = EV_UNKNOWN;
	*src = SRC_NONE;
	if (table == EV_YES || (table == EV_NO && stack != EV_YES)) {
		*src = SRC_HOOKS;
		return table;
	}
	if (stack == EV_YES) {
		*src = SRC_STACK;
		return EV_YES;
	}
	return EV_UNKNOWN;
}

/* The occupant's fault run: retries since the work was queued, one in the last window. */
static enum evidence run_link(const struct detect_config *c, struct drain_watch *w,
			      const struct pending_drain *p, struct incident *inc, uint64_t now)
{
	const struct fault_run *run = &p->occupant_run;
	uint64_t grown;

	if (!c->faults_visible || !p->occupant.pid || filtered(c, &p->occupant))
		return EV_UNKNOWN;
	if (!p->occupant_run_seen)
		return p->runs_lost ? EV_UNKNOWN : EV_NO;
	if (w->run_pid != run->task.pid || w->run_address != run->address) {
		w->run_pid = run->task.pid;
		w->run_address = run->address;
		/* Retries from before the work was queued are not about it. */
		w->base_retries = run->first_ts >= w->queue_ts ? 0 : run->retries;
	}
	grown = run->retries > w->base_retries ? run->retries - w->base_retries : 0;
	inc->retries = run->retries;
	inc->address = run->address;
	if (run->last_ts < w->queue_ts ||
	    (run->last_ts < now && now - run->last_ts > c->retry_window_ns))
		return EV_NO;
	return grown >= c->spin_retries ? EV_YES : EV_NO;
}

/*
 * The sampled stacks of the CPU's task in the last window: half of them in
 * a device-private fault is a task retrying one; none, among enough
 * samples, is a task that is not faulting.
 */
static enum evidence sample_link(const struct detect_config *c, const struct watch_point *s)
{
	if (s->samples < c->min_samples)
		return EV_UNKNOWN;
	if (s->samples_fault * 2 >= s->samples)
		return EV_YES;
	return s->samples_fault ? EV_UNKNOWN : EV_NO;
}

static enum task_context occupant_context(const struct detect_config *c,
					  const struct pending_drain *p,
					  const struct watch_point *s)
{
	if (p->occupant_kworker)
		return CTX_KWORKER;
	if (p->samples_known && s->samples >= c->min_samples)
		return s->samples_user ? CTX_USER : CTX_KERNEL;
	if (p->occupant_run_seen && p->occupant_run.source == MT_FAULT_PAGE_FAULT_USER)
		return CTX_USER;
	return CTX_UNKNOWN;
}

static void add_to(char *list, size_t len, const char *what)
{
	size_t n = strlen(list);

	snprintf(list + n, len - n, "%s%s", n ? "," : "", what);
}

static void set_held(struct incident *inc, uint64_t ns, uint64_t start, uint64_t end,
		     uint64_t pages)
{
	inc->held_ns = ns;
	inc->held_start = start;
	inc->held_end = end;
	inc->held_pages = pages;
}

/*
 * __lru_add_drain_all() is serialised: a holder that called it while
 * another caller's work stalls waits for that work too. When the queuer
 * holds nothing, a waiting holder (the one whose range covers the
 * spinner's address, if any) is the waiter of the cycle.
 */
static const struct drain_waiter *serialised_holder(const struct detect_config *c,
						    const struct snapshot *live,
						    const struct pending_drain *p,
						    uint64_t address)
{
	const struct drain_waiter *best = NULL;

	if (!live)
		return NULL;
	for (uint32_t i = 0; i < live->ndrain_waiters; i++) {
		const struct drain_waiter *dw = &live->drain_waiters[i];

		if (dw->task.pid == p->queuer.pid || dw->holds != EV_YES || filtered(c, &dw->task))
			continue;
		if (!best || (address && address >= dw->held_start && address < dw->held_end))
			best = dw;
	}
	return best;
}

static void judge_links(const struct detect_config *c, struct drain_watch *w,
			const struct pending_drain *p, const struct snapshot *live, uint64_t now,
			struct incident *inc)
{
	struct watch_point s = samples_in_window(w, p, c->retry_window_ns, now);
	enum evidence hooks_spin = run_link(c, w, p, inc, now);
	enum evidence stack_spin = p->samples_known ? sample_link(c, &s) : EV_UNKNOWN;
	enum evidence *l = inc->links;
	enum evidence_source *src = inc->sources;
	const struct drain_waiter *dw;

	inc->context = occupant_context(c, p, &s);
	if (p->occupant_kworker)
		snprintf(inc->work_func, sizeof(inc->work_func), "%s", p->occupant_work_func);

	l[LINK_WAITER_HOLDS] = holder_link(c, &p->queuer, p->queuer_holds, p->queuer_stack_holds,
					   &src[LINK_WAITER_HOLDS]);
	if (l[LINK_WAITER_HOLDS] == EV_YES && src[LINK_WAITER_HOLDS] == SRC_HOOKS)
		set_held(inc, p->held_ns, p->held_start, p->held_end, p->held_pages);
	if (l[LINK_WAITER_HOLDS] != EV_YES &&
	    (dw = serialised_holder(c, live, p, hooks_spin == EV_YES ? inc->address : 0))) {
		inc->queuer = p->queuer;
		inc->waiter = dw->task;
		l[LINK_WAITER_HOLDS] = EV_YES;
		src[LINK_WAITER_HOLDS] = SRC_HOOKS;
		set_held(inc, dw->held_ns, dw->held_start, dw->held_end, dw->held_pages);
	}

	/* The queuer's skips are its migration's; the occupant's must be this stall's. */
	if (inc->waiter.pid == p->queuer.pid)
		inc->waiter_contended = p->queuer_contended;
	if (p->occupant_contended.pages && p->occupant_contended.ago_ns <= p->age_ns)
		inc->spinner_contended = p->occupant_contended;

	l[LINK_NEVER_YIELDS] = !p->occupant.pid ? EV_UNKNOWN
			       : p->occupant_ns >= p->age_ns / 10 * 9 ? EV_YES : EV_NO;
	src[LINK_NEVER_YIELDS] = p->occupant.pid ? SRC_MEASURED : SRC_NONE;

	if (hooks_spin == EV_YES || (hooks_spin == EV_NO && stack_spin != EV_YES)) {
		l[LINK_RETRYING] = hooks_spin;
		src[LINK_RETRYING] = SRC_HOOKS;
	} else if (stack_spin != EV_UNKNOWN) {
		l[LINK_RETRYING] = stack_spin;
		src[LINK_RETRYING] = SRC_STACK;
	}

	/* Virtual addresses: a forked spinner shares the waiter's layout. */
	if (l[LINK_WAITER_HOLDS] == EV_YES && inc->held_end && hooks_spin == EV_YES) {
		l[LINK_COVERED] = inc->address >= inc->held_start && inc->address < inc->held_end
					  ? EV_YES : EV_NO;
		src[LINK_COVERED] = SRC_HOOKS;
	}

	if (!c->holders_visible)
		add_to(inc->missing, sizeof(inc->missing), "folio_locks");
	if (!c->faults_visible)
		add_to(inc->missing, sizeof(inc->missing), "faults");
	if (!p->samples_known)
		add_to(inc->missing, sizeof(inc->missing), "stack_samples");
	if (filtered(c, &p->queuer) || filtered(c, &p->occupant))
		add_to(inc->missing, sizeof(inc->missing), "filtered_by_-p");
}

/* ---- the kind ------------------------------------------------------------ */

bool verdict_judge(const struct detect_config *c, struct drain_watch *w,
		   const struct pending_drain *p, const struct snapshot *live, uint64_t now,
		   struct incident *inc)
{
	const enum evidence *l = inc->links;
	bool rt = sched_policy_is_rt(p->occupant.policy);
	bool long_on_cpu = p->occupant.pid && p->occupant_ns >= c->stuck_rt_ns;
	bool device_fault;

	memset(inc, 0, sizeof(*inc));
	inc->cpu = p->cpu;
	inc->start_ts = now - p->age_ns;	/* the work item's queueing: its identity */
	inc->pending_ns = p->age_ns;
	inc->pending_at_attach = p->found_at_attach;
	inc->has_waiter = true;
	inc->waiter = p->queuer;
	inc->has_spinner = p->occupant.pid != 0;
	inc->spinner = p->occupant;
	inc->spinner_on_cpu_ns = p->occupant_ns;
	judge_links(c, w, p, live, now, inc);
	/* Faults every user page takes (page_fault_user) do not tell a device-private one. */
	device_fault = l[LINK_RETRYING] == EV_YES &&
		       (inc->sources[LINK_RETRYING] == SRC_STACK ||
			p->occupant_run.source != MT_FAULT_PAGE_FAULT_USER);

	if (p->age_ns >= c->livelock_ns && l[LINK_NEVER_YIELDS] == EV_YES &&
	    l[LINK_WAITER_HOLDS] == EV_YES && l[LINK_RETRYING] == EV_YES &&
	    l[LINK_COVERED] == EV_YES) {
		inc->kind = INC_LIVELOCK;
	} else if (p->age_ns >= c->livelock_ns && l[LINK_NEVER_YIELDS] == EV_YES &&
		   l[LINK_WAITER_HOLDS] != EV_NO && l[LINK_RETRYING] != EV_NO &&
		   l[LINK_COVERED] != EV_NO && (l[LINK_WAITER_HOLDS] == EV_YES || device_fault)) {
		inc->kind = INC_SUSPECTED_LIVELOCK;
		for (int k = 0; k < LINK_MAX; k++)
			if (l[k] == EV_UNKNOWN)
				add_to(inc->unproven, sizeof(inc->unproven), incident_link_names[k]);
	} else if (p->age_ns >= c->stuck_rt_ns && long_on_cpu && rt) {
		inc->kind = INC_STUCK_RT;
		inc->fault_loop = l[LINK_RETRYING];
	} else if (p->age_ns >= c->stuck_rt_ns && long_on_cpu &&
		   (inc->context == CTX_KERNEL || inc->context == CTX_KWORKER)) {
		inc->kind = INC_STUCK_KERNEL;
		inc->fault_loop = l[LINK_RETRYING];
	} else if (p->age_ns >= c->drain_stall_ns) {
		inc->kind = INC_DRAIN_STALL;
	} else {
		return false;
	}
	return true;
}

void verdict_change_reason(const struct incident *old, struct incident *inc)
{
	size_t n = 0;

	inc->change_reason[0] = '\0';
	for (int k = 0; k < LINK_MAX; k++) {
		if (old->links[k] == inc->links[k])
			continue;
		if (old->links[k] != EV_YES && inc->links[k] != EV_YES)
			continue;
		n += snprintf(inc->change_reason + n,
			      n < sizeof(inc->change_reason) ? sizeof(inc->change_reason) - n : 0,
			      "%s%s %s->%s", n ? ", " : "", incident_link_names[k],
			      evidence_names[old->links[k]], evidence_names[inc->links[k]]);
	}
	if (!n && old->context != inc->context)
		snprintf(inc->change_reason, sizeof(inc->change_reason), "context %s->%s",
			 task_context_names[old->context], task_context_names[inc->context]);
}
