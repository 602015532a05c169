/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A record as a Chrome trace (JSON "traceEvents"), which the Perfetto UI
 * and chrome://tracing open: per-CPU drain work, lru_add_drain_all calls,
 * folio-lock holds and sleeps, fault runs and incidents as tracks.
 */
#ifndef MIGTRACE_TRACE_EXPORT_H
#define MIGTRACE_TRACE_EXPORT_H

#include <stdio.h>
#include "core/aggregate.h"
#include "record/recording.h"

#define TRACE_NAMED_MAX 8192	/* tracks named; more still get events */

struct trace_export {
	FILE *out;
	uint64_t t0;			/* ns: the record's start, shown as 0 */
	uint64_t events;
	uint64_t named[TRACE_NAMED_MAX];	/* (process << 32 | thread) + 1, hashed */
};

void trace_export_begin(struct trace_export *t, FILE *out, const struct rec_header *h);
/* An event of the replay, after its fold into a (which rebuilds lru_add_drain_all calls). */
void trace_export_event(struct trace_export *t, const struct mt_event *e, const struct agg *a);
void trace_export_incident(struct trace_export *t, const struct rec_incident *i);
/* Close the JSON document; false when writing failed. */
bool trace_export_end(struct trace_export *t);

#endif
