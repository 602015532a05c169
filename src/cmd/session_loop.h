/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one run loop of every command that traces the live kernel (trace,
 * record, daemon): it owns the cadence (read the ring buffer, tick the
 * detectors, a callback each second and each interval, the duration, the
 * signals, the final read and report) and calls its parties back. A party
 * is the command itself or anything else that runs beside it (an evidence
 * source): one struct loop_callbacks each.
 */
#ifndef MIGTRACE_SESSION_LOOP_H
#define MIGTRACE_SESSION_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/detect_live.h"
#include "kernel/session.h"
#include "model/kernel_report.h"

#define LOOP_READ_NS	(20 * NSEC_PER_MSEC)	/* between reads: one wakeup per batch */
#define LOOP_MAX_PARTIES 4
#define LOOP_KERNEL_REPORTS 32	/* kernel reports taken from a source at a time */

/* Every callback may be NULL; ctx is passed back to each. */
struct loop_callbacks {
	void *ctx;
	/* An event from the ring buffer, after the session folded it in. */
	void (*event)(void *ctx, const struct mt_event *e);
	/* An incident started, was updated or raised, or ended. */
	void (*incident)(void *ctx, const struct incident *inc);
	/* After each read of the ring buffer; true ends the run (LOOP_STOPPED). */
	bool (*poll)(void *ctx, uint64_t now);
	/* Once a second. */
	void (*second)(void *ctx, uint64_t now);
	/* Each interval; final: once more when the run is over (not after LOOP_COUNT). */
	void (*interval)(void *ctx, uint64_t now, bool final);
	/* The run is over; the ring buffer's last events are read after this. */
	void (*stopping)(void *ctx);
	/*
	 * How many events to read now, and how long until the next read
	 * (default: SESSION_POLL_BUDGET, LOOP_READ_NS). The first party with
	 * one decides.
	 */
	uint64_t (*budget)(void *ctx, uint64_t now, uint64_t *next_read_ns);
	/*
	 * An evidence source, the kernel log: the reports read since the last
	 * call into out (room for max), its reader's state into st (the loop
	 * counts the reports). final: the run is over, nothing waits for more.
	 */
	unsigned int (*read_kernel_log)(void *ctx, bool final, struct kernel_report *out,
					unsigned int max, struct kernel_log_state *st);
	/* A kernel report, after the detectors joined it to an incident (incident_id) or not. */
	void (*kernel_report)(void *ctx, const struct kernel_report *kr);
	/* Hooks held back while a CPU stalled came or failed (session_attach_poll): note says how. */
	void (*hooks_changed)(void *ctx, const struct hook_status *hooks, const char *note);
};

struct loop_options {
	uint64_t interval_ns;		/* 0: only the final interval */
	unsigned long count;		/* intervals before the run ends; 0: no limit */
	uint64_t duration_ns;		/* 0: until a signal or a party ends it */
	bool reset_interval;		/* each interval starts from zero (else cumulative) */
	uint64_t final_budget;		/* events read after the end; 0: SESSION_POLL_BUDGET */
	const struct detect_options *detect;	/* NULL: no detectors */
	unsigned int detect_cost_share;	/* see detect_live_limit_cost() */
};

enum loop_end {
	LOOP_SIGNAL = 0,	/* SIGINT or SIGTERM */
	LOOP_DURATION,
	LOOP_COUNT,
	LOOP_INCIDENT,		/* an incident reached --exit-on's kind */
	LOOP_STOPPED,		/* a party's poll said so */
	LOOP_READ_ERROR,	/* said on stderr */
};

struct session_loop;

/* A loop on s; starts the detectors (o->detect). On failure err says why. */
int session_loop_start(struct session_loop **l, struct session *s, const struct loop_options *o,
		       char *err, size_t len);
/* Add a party; -ENOSPC beyond LOOP_MAX_PARTIES. */
int session_loop_add(struct session_loop *l, const struct loop_callbacks *cb);
/* Run until the end, then the final read, the detectors' end and the final interval. */
enum loop_end session_loop_run(struct session_loop *l);
/* The session's snapshot with the detectors' incident totals and the kernel log's state. */
void session_loop_snapshot(struct session_loop *l, struct snapshot *snap);
struct session *session_loop_session(const struct session_loop *l);
bool session_loop_detecting(const struct session_loop *l);
/* Time between detector ticks now (0: no detectors); incidents lost to a full table. */
uint64_t session_loop_detect_period(const struct session_loop *l);
uint64_t session_loop_incidents_dropped(const struct session_loop *l);
/* Frees the loop and its detectors, not the session. Safe on NULL. */
void session_loop_free(struct session_loop *l);

#endif
