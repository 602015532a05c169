/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A recording: one record file read back, validated, its header and end
 * kept, its events, incidents and snapshots handed to a visitor.
 */
#ifndef MIGTRACE_RECORDING_H
#define MIGTRACE_RECORDING_H

#include <stdbool.h>
#include <stdint.h>
#include "model/snapshot.h"
#include "record/meta.h"
#include "record/record.h"

struct recording {
	const char *name;
	struct rec_header hdr;
	bool has_header;
	struct rec_end end;
	bool has_end;
	uint64_t snapshots;
	uint64_t chunks, events, bad_events, incidents;
	uint32_t damaged;		/* chunks or events skipped as corrupt */
	bool cut_off;			/* ends inside a chunk: killed, or still being written */
	uint64_t size, readable_end;
};

struct rec_visitor {
	/* The header, when read (the first chunk a recorder writes). */
	void (*header)(void *ctx, const struct rec_header *h);
	void (*event)(void *ctx, const struct mt_event *e);
	void (*incident)(void *ctx, const struct rec_incident *i);
	/* Each snapshot as decoded, with its monotonic time (replaying detectors). */
	void (*snapshot)(void *ctx, const struct snapshot *snap, uint64_t now_ns);
	void *ctx;
};

/*
 * Read every chunk: the header into run, each snapshot over snap (the last
 * one stays; snap may be NULL), events and incidents to v. Damage is
 * reported through the reader's warn; fails only without a usable header.
 */
int rec_load(struct rec_reader *rd, struct recording *run, struct snapshot *snap,
	     const struct rec_visitor *v, char *err, size_t len);

/* rec_reader_open + rec_load + rec_reader_close for a path. */
int rec_load_path(const char *path, struct recording *run, struct snapshot *snap,
		  const struct rec_visitor *v, rec_warn_fn warn, void *warn_ctx,
		  char *err, size_t len);

#endif
