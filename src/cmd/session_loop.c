// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd/session_loop.h"
#include "cmd/signals.h"
#include "kernel/clock.h"

struct session_loop {
	struct session *s;
	struct loop_options o;
	struct detect_live *dl;
	struct loop_callbacks parties[LOOP_MAX_PARTIES];
	unsigned int nparties;
	bool sink_added;
	struct kernel_log_state kernel_log;	/* a source's state; the reports counted here */
};

#define EACH_PARTY(l, p) \
	for (const struct loop_callbacks *p = (l)->parties; p < (l)->parties + (l)->nparties; p++)

static void on_event(void *ctx, const struct mt_event *e)
{
	struct session_loop *l = ctx;

	EACH_PARTY(l, p)
		if (p->event)
			p->event(p->ctx, e);
}

static void on_incident(void *ctx, const struct incident *inc)
{
	struct session_loop *l = ctx;

	EACH_PARTY(l, p)
		if (p->incident)
			p->incident(p->ctx, inc);
}

int session_loop_start(struct session_loop **lp, struct session *s, const struct loop_options *o,
		       char *err, size_t len)
{
	struct session_loop *l = calloc(1, sizeof(*l));

	*lp = NULL;
	if (!l || (o->detect && detect_live_start(&l->dl, s, o->detect, on_incident, l))) {
		free(l);
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	l->s = s;
	l->o = *o;
	detect_live_limit_cost(l->dl, o->detect_cost_share);
	*lp = l;
	return 0;
}

int session_loop_add(struct session_loop *l, const struct loop_callbacks *cb)
{
	if (l->nparties == LOOP_MAX_PARTIES)
		return -ENOSPC;
	if (cb->event && !l->sink_added) {
		int ret = session_add_sink(l->s, on_event, l);

		if (ret)
			return ret;
		l->sink_added = true;
	}
	l->parties[l->nparties++] = *cb;
	return 0;
}

/* Sleep until the monotonic time t; a signal cuts it short. */
static void sleep_until(uint64_t t)
{
	uint64_t now = mono_ns(), wait = t > now ? t - now : 0;
	struct timespec ts = { wait / NSEC_PER_SEC, wait % NSEC_PER_SEC };

	if (wait)
		nanosleep(&ts, NULL);
}

static uint64_t read_budget(const struct session_loop *l, uint64_t now, uint64_t *next_read_ns)
{
	EACH_PARTY(l, p)
		if (p->budget)
			return p->budget(p->ctx, now, next_read_ns);
	*next_read_ns = LOOP_READ_NS;
	return SESSION_POLL_BUDGET;
}

/* Every party polls, even after one asked to stop. */
static bool poll_parties(const struct session_loop *l, uint64_t now)
{
	bool stop = false;

	EACH_PARTY(l, p)
		if (p->poll && p->poll(p->ctx, now))
			stop = true;
	return stop;
}

static void intervals(const struct session_loop *l, uint64_t now, bool final)
{
	EACH_PARTY(l, p)
		if (p->interval)
			p->interval(p->ctx, now, final);
}

/*
 * The kernel log's reports: each joined to the incident it is about by the
 * detectors (which report that incident at once), counted, then handed to
 * every party.
 */
static void kernel_logs(struct session_loop *l, bool final)
{
	struct kernel_report kr[LOOP_KERNEL_REPORTS];

	EACH_PARTY(l, src) {
		unsigned int n;

		if (!src->read_kernel_log)
			continue;
		n = src->read_kernel_log(src->ctx, final, kr, LOOP_KERNEL_REPORTS, &l->kernel_log);
		for (unsigned int i = 0; i < n; i++) {
			if (!detect_live_kernel_report(l->dl, &kr[i]))
				l->kernel_log.unjoined++;
			l->kernel_log.reports[kr[i].kind]++;
			EACH_PARTY(l, p)
				if (p->kernel_report)
					p->kernel_report(p->ctx, &kr[i]);
		}
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The loop proper: returns why the run ended. */
static enum loop_end run(struct session_loop *l)
{
	const struct loop_options *o = &l->o;
	uint64_t start = mono_ns(), next_read = start, next_second = start + NSEC_PER_SEC;
	uint64_t next_interval = o->interval_ns ? start + o->interval_ns : UINT64_MAX;
	uint64_t deadline = o->duration_ns ? start + o->duration_ns : UINT64_MAX;
	unsigned long done = 0;

	for (;;) {
		uint64_t now, period;
		int n = 0;

		if (signals_exiting())
			return LOOP_SIGNAL;
		sleep_until(min_u64(min_u64(next_read, detect_live_next_tick(l->dl)),
				    min_u64(min_u64(next_second, next_interval), deadline)));
		now = mono_ns();
		if (now >= next_read) {
			uint64_t budget = read_budget(l, now, &period);

			if (budget)
				n = session_poll(l->s, 0, budget);
			next_read = now + period;
		}
		if (n < 0) {
			fprintf(stderr, "migtrace: reading the ring buffer failed: %s\n", strerror(-n));
			return LOOP_READ_ERROR;
		}
		if (poll_parties(l, now))
			return LOOP_STOPPED;
		kernel_logs(l, false);
		now = mono_ns();
		if (session_attach_poll(l->s, now))
			EACH_PARTY(l, p)
				if (p->hooks_changed)
					p->hooks_changed(p->ctx, session_hooks(l->s),
							 session_attach_note(l->s));
		detect_live_poll(l->dl, now);
		if (detect_live_triggered(l->dl))
			return LOOP_INCIDENT;
		if (now >= next_second) {
			EACH_PARTY(l, p)
				if (p->second)
					p->second(p->ctx, now);
			next_second = now + NSEC_PER_SEC;
		}
		if (now >= next_interval) {
			intervals(l, now, false);
			if (o->reset_interval)
				session_reset_interval(l->s);
			next_interval += o->interval_ns;
			if (next_interval <= now)	/* late (suspended): no burst of intervals */
				next_interval = now + o->interval_ns;
			if (o->count && ++done >= o->count)
				return LOOP_COUNT;
		}
		if (now >= deadline)
			return LOOP_DURATION;
	}
}

enum loop_end session_loop_run(struct session_loop *l)
{
	enum loop_end why = run(l);

	EACH_PARTY(l, p)
		if (p->stopping)
			p->stopping(p->ctx);
	/* What is still in the ring buffer goes in before the last interval. */
	session_poll(l->s, 0, l->o.final_budget ? l->o.final_budget : SESSION_POLL_BUDGET);
	kernel_logs(l, true);	/* joined while their incidents are still open */
	detect_live_finish(l->dl);
	if (why != LOOP_COUNT)
		intervals(l, mono_ns(), true);
	return why;
}

void session_loop_snapshot(struct session_loop *l, struct snapshot *snap)
{
	session_snapshot(l->s, snap);
	detect_live_totals(l->dl, snap);
	snap->kernel_log = l->kernel_log;
}

struct session *session_loop_session(const struct session_loop *l)
{
	return l->s;
}

bool session_loop_detecting(const struct session_loop *l)
{
	return l->dl != NULL;
}

uint64_t session_loop_detect_period(const struct session_loop *l)
{
	return detect_live_period(l->dl);
}

uint64_t session_loop_incidents_dropped(const struct session_loop *l)
{
	return detect_live_dropped(l->dl);
}

void session_loop_free(struct session_loop *l)
{
	if (!l)
		return;
	detect_live_free(l->dl);
	free(l);
}
