// SPDX-License-Identifier: GPL-2.0
/* Reading a record: every chunk checked, damage skipped and counted. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "record/meta.h"
#include "record/recording.h"
#include "record/sanitize.h"
#include "record/snapshot_codec.h"

static void chunk_warn(struct rec_reader *rd, uint64_t off, const char *what, const char *why)
{
	char msg[640];

	if (!rd->warn)
		return;
	snprintf(msg, sizeof(msg), "%s: offset %llu: %s chunk: %s; chunk skipped", rd->name,
		 (unsigned long long)off, what, why);
	rd->warn(rd->warn_ctx, msg);
}

static void load_events(struct rec_reader *rd, struct recording *run, const struct rec_chunk *c,
			const struct rec_visitor *v)
{
	uint32_t size, count;

	if (c->len < 8) {
		chunk_warn(rd, c->offset, "events", "shorter than its count");
		run->damaged++;
		return;
	}
	memcpy(&size, c->payload, 4);
	memcpy(&count, c->payload + 4, 4);
	/*
	 * Another build's events: the union at the end may have grown or shrunk;
	 * the fields before it and each member's offsets stay.
	 */
	if (size < offsetof(struct mt_event, migrate) || size > 4096 ||
	    (uint64_t)count * size != c->len - 8) {
		chunk_warn(rd, c->offset, "events", size > 4096 || size < offsetof(struct mt_event,
			   migrate) ? "absurd event size" : "length does not match its count");
		run->damaged++;
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct mt_event e = {};

		memcpy(&e, c->payload + 8 + (size_t)i * size, size < sizeof(e) ? size : sizeof(e));
		if (!rec_event_sanitize(&e)) {
			run->bad_events++;
			continue;
		}
		run->events++;
		if (v && v->event)
			v->event(v->ctx, &e);
	}
}

static void load_chunk(struct rec_reader *rd, struct recording *run, struct snapshot *snap,
		       const struct rec_visitor *v, const struct rec_chunk *c)
{
	const char *text = (const char *)c->payload;
	char why[160];

	switch (c->type) {
	case REC_HEADER: {
		struct rec_header h = { .filter_cpu = -1 };

		if (run->has_header) {
			chunk_warn(rd, c->offset, "header", "a second header");
			return;
		}
		if (!rec_header_parse(text, c->len, &h, why, sizeof(why)) ||
		    (h.format != REC_VERSION && snprintf(why, sizeof(why), "format %u", h.format)) ||
		    (!h.ncpus && snprintf(why, sizeof(why), "no CPU count"))) {
			chunk_warn(rd, c->offset, "header", why);
			run->damaged++;
			return;
		}
		run->hdr = h;
		run->has_header = true;
		if (v && v->header)
			v->header(v->ctx, &run->hdr);
		break;
	}
	case REC_EVENTS:
		load_events(rd, run, c, v);
		break;
	case REC_SNAPSHOT: {
		static struct snapshot tmp;	/* large; decoded fully before it replaces snap */
		uint64_t now;

		memset(&tmp, 0, sizeof(tmp));
		if (!rec_snapshot_decode(c->payload, c->len, &tmp, &now, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "snapshot", why);
			run->damaged++;
			return;
		}
		run->snapshots++;
		if (v && v->snapshot)
			v->snapshot(v->ctx, &tmp, now);
		if (snap)
			*snap = tmp;
		break;
	}
	case REC_INCIDENT: {
		struct rec_incident i = { .cpu = -1 };

		if (!rec_incident_parse(text, c->len, &i, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "incident", why);
			run->damaged++;
			return;
		}
		run->incidents++;
		if (v && v->incident)
			v->incident(v->ctx, &i);
		break;
	}
	case REC_END: {
		struct rec_end e = {};

		if (!rec_end_parse(text, c->len, &e, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "end", why);
			run->damaged++;
			return;
		}
		run->end = e;
		run->has_end = true;
		break;
	}
	}
}

int rec_load(struct rec_reader *rd, struct recording *run, struct snapshot *snap,
	     const struct rec_visitor *v, char *err, size_t len)
{
	struct rec_chunk c;
	int ret;

	memset(run, 0, sizeof(*run));
	run->name = rd->name;
	run->size = rd->size;
	while ((ret = rec_next(rd, &c)) > 0) {
		run->chunks++;
		load_chunk(rd, run, snap, v, &c);
	}
	run->damaged += rd->damaged;
	run->cut_off = rd->cut_off;
	run->readable_end = rd->readable_end;
	if (ret < 0) {
		snprintf(err, len, "%s: out of memory", rd->name);
		return ret;
	}
	if (!run->has_header) {
		snprintf(err, len, "%s: offset %d: no readable header chunk: not usable", rd->name,
			 REC_PREAMBLE_SIZE);
		return -EBADMSG;
	}
	return 0;
}

int rec_load_path(const char *path, struct recording *run, struct snapshot *snap,
		  const struct rec_visitor *v, rec_warn_fn warn, void *warn_ctx,
		  char *err, size_t len)
{
	struct rec_reader rd;
	int ret;

	ret = rec_reader_open(&rd, path, warn, warn_ctx, err, len);
	if (!ret)
		ret = rec_load(&rd, run, snap, v, err, len);
	rec_reader_close(&rd);
	return ret;
}
