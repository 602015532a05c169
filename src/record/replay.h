/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A record replayed: its events folded through the aggregator a live run
 * uses, its incidents totalled as the detectors total them, and its last
 * snapshot completed into the one a live run's final report renders
 * (hooks from the header, event stats, incident totals). report, compare,
 * the fuzzers and the tests read records through replay_record().
 */
#ifndef MIGTRACE_REPLAY_H
#define MIGTRACE_REPLAY_H

#include "core/aggregate.h"
#include "model/snapshot.h"
#include "record/recording.h"

#define REPLAY_MAX_INCIDENTS 256

struct replay {
	struct recording run;
	struct snapshot snap;		/* what the live run's final report showed */
	struct agg agg;			/* the events, folded */
	uint64_t incident_starts;
	struct rec_incident ended[REPLAY_MAX_INCIDENTS];	/* as the live run printed them */
	uint32_t nended;
	struct { uint64_t id; int kind; } open[REPLAY_MAX_INCIDENTS];	/* started, not ended */
	uint32_t nopen;
};

/* What else a reader of the replay sees, chunk by chunk; any may be NULL. */
struct replay_visitor {
	void (*header)(void *ctx, const struct rec_header *h);
	/* An event after the fold: a->drain_all_done when it completed a call. */
	void (*event)(void *ctx, const struct mt_event *e, const struct agg *a);
	void (*incident)(void *ctx, const struct rec_incident *i);
	/* Each snapshot as recorded, with its monotonic time (replaying detectors). */
	void (*snapshot)(void *ctx, const struct snapshot *snap, uint64_t now_ns);
	void *ctx;
};

/*
 * Replay a record from a started reader into rp (large: keep it static or
 * on the heap). Damage goes to the reader's warn; fails (err) only when
 * nothing is usable.
 */
int replay_record(struct rec_reader *rd, struct replay *rp, const struct replay_visitor *v,
		  char *err, size_t len);
/* The same for a file. */
int replay_record_path(const char *path, struct replay *rp, const struct replay_visitor *v,
		       rec_warn_fn warn, void *warn_ctx, char *err, size_t len);

#endif
