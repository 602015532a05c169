/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tracing session on the live kernel: probe, load, attach with fallback,
 * consume the ring buffer, snapshot the kernel's aggregates, detach.
 */
#ifndef MIGTRACE_SESSION_H
#define MIGTRACE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "migtrace.h"
#include "model/hooks.h"
#include "model/snapshot.h"

struct session;
struct kevidence;

struct session_opts {
	int32_t tgid;		/* 0: all */
	int32_t cpu;		/* -1: all */
	bool no_fentry, no_kprobe;
	const char *no_events;	/* "migtrace_lab,migrate_device": tracepoint groups not to use */
	bool verbose;
};

/*
 * Probe, load and attach into a new session (*s). On failure *s is NULL and
 * err says why, in one line.
 */
int session_open(struct session **s, const struct session_opts *o, char *err, size_t len);
/* Detach and free everything; safe on NULL. */
void session_close(struct session *s);

/*
 * The hooks held back while a CPU stalls (kernel/held_attach.h): check
 * the stall, read what the attaching child did. Every loop round; true
 * when the hooks changed (said on stderr; session_attach_note says it too).
 */
bool session_attach_poll(struct session *s, uint64_t now);
/* The held hooks' last change in one line, "" when nothing was held. */
const char *session_attach_note(const struct session *s);

/* What each hook got (HOOK_MAX entries), CPUs traced, when it started (mono ns). */
const struct hook_status *session_hooks(const struct session *s);
uint32_t session_ncpus(const struct session *s);
/* -p: the process whose locks and faults are traced (0: all). */
uint32_t session_filter_tgid(const struct session *s);
uint64_t session_start_ns(const struct session *s);
/* The evidence read from kernel state beside the hooks (kernel/kevidence.h). */
struct kevidence *session_kevidence(struct session *s);

/* Where each event goes after it is aggregated (the session loop's callbacks). */
typedef void (*event_sink_fn)(void *ctx, const struct mt_event *e);
#define SESSION_MAX_SINKS 4
/* Send every well-formed event to fn too; -ENOSPC when SESSION_MAX_SINKS are taken. */
int session_add_sink(struct session *s, event_sink_fn fn, void *ctx);

#define SESSION_POLL_BUDGET 8192	/* events per session_poll at most */

/*
 * Wait up to timeout_ms for events and consume at most budget of them
 * (a storm must not stop the caller's ticks). Returns the number consumed
 * or a negative errno; -EINTR is not an error.
 */
int session_poll(struct session *s, int timeout_ms, uint64_t budget);
/* Events consumed since the start, malformed ones included. */
uint64_t session_events_read(const struct session *s);
/* Events the kernel has put in the ring buffer since the start. */
uint64_t session_produced(const struct session *s);
/* Events the kernel dropped for want of room (all types). */
uint64_t session_dropped(const struct session *s);
/* Fill snap with the kernel's histograms, pending work, open fault runs, event stats. */
void session_snapshot(struct session *s, struct snapshot *snap);
/*
 * What the drain verdicts need, cheap enough for every tick: pending drain
 * work and its parties, tasks waiting in lru_add_drain_all.
 */
void session_snapshot_pending(struct session *s, struct snapshot *snap, uint64_t now);
/* Fault runs still going (a walk of the whole fault-run table). */
void session_snapshot_runs(struct session *s, struct snapshot *snap, uint64_t now);
/* Start a new interval: zero the kernel histograms and the aggregates. */
void session_reset_interval(struct session *s);

#endif
