// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kernel/detect_live.h"

struct detect_live {
	struct detector det;
	struct session *session;
	int exit_on;
	bool triggered;		/* an incident matched --exit-on */
	incident_cb cb;
	void *ctx;
	unsigned int cost_share;
	uint64_t period, next_tick;	/* drain verdicts: every DETECT_TICK_NS */
	uint64_t storm_period, next_storms;	/* fault storms: spaced by their cost */
	struct snapshot snap;	/* reused for every tick */
};

static void on_incident(void *ctx, const struct incident *inc)
{
	struct detect_live *dl = ctx;

	/* An incident reaches a kind when it starts with it or is raised to it. */
	if ((inc->state == INC_START || inc->kind_changed) &&
	    (dl->exit_on == EXIT_ON_ANY || dl->exit_on == (int)inc->kind))
		dl->triggered = true;
	if (dl->cb)
		dl->cb(dl->ctx, inc);
}

int detect_live_start(struct detect_live **dlp, struct session *s, const struct detect_options *o,
		      incident_cb cb, void *ctx)
{
	struct detect_config cfg = o->cfg;
	struct detect_live *dl;

	*dlp = NULL;
	if (o->off)
		return 0;
	dl = calloc(1, sizeof(*dl));
	if (!dl)
		return -ENOMEM;
	dl->session = s;
	dl->exit_on = o->exit_on;
	dl->cb = cb;
	dl->ctx = ctx;
	dl->period = dl->storm_period = DETECT_TICK_NS;
	cfg.holders_visible = hook_holders_known(session_hooks(s));
	cfg.faults_visible = hook_seen(session_hooks(s), HOOK_DO_SWAP_PAGE);
	cfg.filter_tgid = session_filter_tgid(s);
	detect_init(&dl->det, &cfg, on_incident, dl);
	*dlp = dl;
	return 0;
}

void detect_live_limit_cost(struct detect_live *dl, unsigned int share)
{
	if (dl)
		dl->cost_share = share;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void detect_live_poll(struct detect_live *dl, uint64_t now)
{
	enum detect_what what = DETECT_DRAINS;
	uint64_t t0 = 0, cost;

	if (!dl || now < dl->next_tick)
		return;
	/* Hooks held back while a CPU stalled may have come since. */
	dl->det.cfg.holders_visible = hook_holders_known(session_hooks(dl->session));
	dl->det.cfg.faults_visible = hook_seen(session_hooks(dl->session), HOOK_DO_SWAP_PAGE);
	session_snapshot_pending(dl->session, &dl->snap, now);
	if (now >= dl->next_storms) {
		what |= DETECT_STORMS;
		t0 = dl->cost_share ? thread_cpu_ns() : 0;
		session_snapshot_runs(dl->session, &dl->snap, now);
	}
	detect_tick(&dl->det, &dl->snap, now, what);
	if ((what & DETECT_STORMS) && dl->cost_share) {
		/* CPU, not wall time: a busy host is not a cost. Storms come later, never lost. */
		cost = thread_cpu_ns() - t0;
		dl->storm_period = cost * dl->cost_share > DETECT_TICK_NS ? cost * dl->cost_share
									  : DETECT_TICK_NS;
		if (dl->storm_period > 10 * NSEC_PER_SEC)
			dl->storm_period = 10 * NSEC_PER_SEC;
	}
	if (what & DETECT_STORMS)
		dl->next_storms = now + dl->storm_period;
	dl->next_tick = now + dl->period;
}

uint64_t detect_live_next_tick(const struct detect_live *dl)
{
	return dl ? dl->next_tick : UINT64_MAX;
}

uint64_t detect_live_period(const struct detect_live *dl)
{
	return dl ? dl->storm_period : 0;
}

bool detect_live_triggered(const struct detect_live *dl)
{
	return dl && dl->triggered;
}

void detect_live_finish(struct detect_live *dl)
{
	if (dl)
		detect_finish(&dl->det);
}

bool detect_live_kernel_report(struct detect_live *dl, struct kernel_report *kr)
{
	return dl && detect_kernel_report(&dl->det, kr);
}

void detect_live_totals(const struct detect_live *dl, struct snapshot *snap)
{
	if (!dl)
		return;
	snap->detecting = true;
	memcpy(snap->incidents, dl->det.totals, sizeof(snap->incidents));
}

uint64_t detect_live_dropped(const struct detect_live *dl)
{
	return dl ? dl->det.dropped_incidents : 0;
}

void detect_live_free(struct detect_live *dl)
{
	free(dl);
}
