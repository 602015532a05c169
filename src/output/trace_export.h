/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A record as a Chrome trace (JSON "traceEvents"), which the Perfetto UI
 * and chrome://tracing open: per-CPU drain work, lru_add_drain_all calls,
 * folio-lock holds and sleeps, fault runs and incidents as tracks.
 */
#ifndef MIGTRACE_TRACE_EXPORT_H
#define MIGTRACE_TRACE_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "core/aggregate.h"
#include "record/replay.h"

#define TRACE_NAMED_MAX 8192	/* tracks named; more still get events */

struct trace_export {
	FILE *out;
	const char *path;		/* opened at the header (trace_export_visitor) */
	int err;			/* opening path failed: errno */
	bool begun;			/* the header was written */
	uint64_t t0;			/* ns: the record's start, shown as 0 */
	uint64_t events;
	uint64_t named[TRACE_NAMED_MAX];	/* (process << 32 | thread) + 1, hashed */
};

void trace_export_begin(struct trace_export *t, FILE *out, const struct rec_header *h);
/*
 * The export as the visitor of a replay, into out or else into path, which
 * is created when the record's header is read: an unusable record leaves
 * no file (and an existing one as it was). t->err: path could not be opened.
 */
void trace_export_visitor(struct trace_export *t, FILE *out, const char *path,
			  struct replay_visitor *v);
/* An event of the replay, after its fold into a (which rebuilds lru_add_drain_all calls). */
void trace_export_event(struct trace_export *t, const struct mt_event *e, const struct agg *a);
void trace_export_incident(struct trace_export *t, const struct rec_incident *i);
/* Close the JSON document (if begun) and the file opened from path; false when writing failed. */
bool trace_export_end(struct trace_export *t);

#endif
