/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tracing session on the live kernel: probe, load, attach with fallback,
 * consume the ring buffer, snapshot the kernel's aggregates, detach.
 */
#ifndef MIGTRACE_SESSION_H
#define MIGTRACE_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include "core/aggregate.h"
#include "kernel/kevidence.h"
#include "kernel/probe.h"
#include "model/snapshot.h"

struct migtrace_bpf;
struct ring_buffer;
struct bpf_link;

struct session_opts {
	int32_t tgid;		/* 0: all */
	int32_t cpu;		/* -1: all */
	bool no_fentry, no_kprobe;
	const char *no_events;	/* "migtrace_lab,migrate_device": tracepoint groups not to use */
	bool verbose;
};

/* Where each record goes after it is aggregated (detectors, record). */
typedef void (*event_sink_fn)(void *ctx, const struct mt_event *e);
#define SESSION_MAX_SINKS 4

struct event_sink {
	event_sink_fn fn;
	void *ctx;
};

struct session {
	struct migtrace_bpf *skel;
	struct ring_buffer *rb;
	struct probe_env env;
	struct hook_status hooks[HOOK_MAX];
	struct bpf_link *links[HOOK_MAX][5];
	struct agg agg;
	uint32_t ncpus;
	uint64_t start_ns, interval_start_ns;
	uint64_t bad_records;
	uint64_t records;		/* consumed since the start, malformed included */
	uint64_t poll_budget;		/* records left in the current read */
	const volatile uint64_t *producer_pos;	/* the ring buffer's, read-only; NULL: unknown */
	struct event_sink sinks[SESSION_MAX_SINKS];
	uint32_t nsinks;
	struct kevidence kev;		/* stack sampler, discovery, per-CPU work */
};

/* Probe, load and attach. On failure err says why, in one line. */
int session_open(struct session *s, const struct session_opts *o, char *err, size_t len);

/* Send every well-formed record to fn too; -ENOSPC when SESSION_MAX_SINKS are taken. */
int session_add_sink(struct session *s, event_sink_fn fn, void *ctx);
void session_remove_sink(struct session *s, event_sink_fn fn, void *ctx);

#define SESSION_POLL_BUDGET 8192	/* records per session_poll at most */

/*
 * Wait up to timeout_ms for records and consume at most budget of them
 * (a storm must not stop the caller's ticks). Returns the number consumed
 * or a negative errno; -EINTR is not an error.
 */
int session_poll(struct session *s, int timeout_ms, uint64_t budget);
/*
 * Sleep until the next SESSION_READ_NS boundary (a signal cuts it short),
 * then consume at most budget records: one wakeup per batch, not one per
 * record (a storm of records would otherwise cost the loader a quarter of
 * a CPU). Returns what session_poll returns.
 */
#define SESSION_READ_NS (20 * 1000 * 1000ULL)
int session_poll_batch(struct session *s, uint64_t budget);
/* Records the kernel has put in the ring buffer since the start. */
uint64_t session_produced(const struct session *s);
/* Records the kernel dropped for want of room (all types). */
uint64_t session_dropped(const struct session *s);
/* Fill r with the kernel's histograms, pending work and open fault runs. */
void session_snapshot(struct session *s, struct snapshot *r);
/* Only what changes fast and the detectors need: pending drains, open runs. */
void session_snapshot_live(struct session *s, struct snapshot *r, uint64_t now);
/* Start a new interval: zero the kernel histograms and the aggregates. */
void session_reset_interval(struct session *s);
/* Detach and free everything; safe on a partly opened or zeroed session. */
void session_close(struct session *s);

#endif
