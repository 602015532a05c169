/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record file (migtrace record -o FILE): a preamble, then a stream of
 * self-checking chunks, each written with one write() so that a run killed
 * at any moment is readable up to its last complete chunk.
 *
 *   preamble   "MIGTRREC" u32 version u32 preamble_size         (16 bytes)
 *   chunk      u32 magic "MTCK" u16 type u16 flags u32 raw_len u32 stored_len
 *              u32 payload_crc32 u32 header_crc32 (of the 20 bytes before),
 *              then stored_len bytes of payload (zlib when flags & REC_F_ZLIB)
 *
 * Integers are little-endian; the format is documented in migtrace(8).
 * Payloads by type:
 *   HEADER    text, key=value lines (format, kernel, label, hooks, ...)
 *   EVENTS    u32 event_size, u32 count, count raw struct mt_event
 *   SNAPSHOT  kernel histograms, pending drains, open runs, losses (see snapshot_codec.c)
 *   INCIDENT  text, key=value lines (kind, start_ns, duration_ns, cpu, pid, detail)
 *   END       text, key=value lines (reason, wall_ns, exit status, RESULT line)
 */
#ifndef MIGTRACE_RECORD_H
#define MIGTRACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "migtrace.h"

#define REC_FILE_MAGIC		"MIGTRREC"
#define REC_VERSION		1
#define REC_PREAMBLE_SIZE	16
#define REC_CHUNK_MAGIC		0x4b43544dU	/* "MTCK" on disk */
#define REC_CHUNK_HDR_SIZE	24
#define REC_MAX_PAYLOAD		(16U << 20)	/* raw or stored: larger is corrupt */
#define REC_F_ZLIB		1
#define REC_EVENTS_PER_CHUNK	256

enum rec_chunk_type {
	REC_HEADER = 1,
	REC_EVENTS,
	REC_SNAPSHOT,
	REC_INCIDENT,
	REC_END,
	REC_TYPE_MAX,
};

const char *rec_chunk_name(uint32_t type);

/* ---- writing ------------------------------------------------------------ */

struct rec_syncer;

struct rec_writer {
	bool open;
	int fd;
	uint64_t offset;		/* bytes written so far */
	int err;			/* first write error (negative errno), sticky */
	uint32_t nevents;
	struct mt_event events[REC_EVENTS_PER_CHUNK];
	struct rec_syncer *syncer;	/* background fdatasync, started on first use */
};

/*
 * Create path mode 0600 (refusing an existing file unless overwrite) and
 * write the preamble. On failure err says why, in one line.
 */
int rec_create(struct rec_writer *w, const char *path, bool overwrite, char *err, size_t len);
/* One chunk, compressed, with one write(). */
int rec_write_chunk(struct rec_writer *w, uint32_t type, const void *payload, size_t len);
/* Buffer an event; a full batch is written as one EVENTS chunk. */
int rec_add_event(struct rec_writer *w, const struct mt_event *e);
int rec_flush_events(struct rec_writer *w);
/* Make what was written survive a power loss. */
int rec_sync(struct rec_writer *w);
/*
 * The same without waiting: a thread syncs. A livelocked CPU can hold up
 * writeback (its per-CPU work never runs); the recorder must keep tracing
 * and detecting meanwhile. Falls back to rec_sync if no thread can start.
 */
int rec_sync_background(struct rec_writer *w);
/* Flush, sync and close; safe on a zeroed or closed writer. */
int rec_close(struct rec_writer *w);

/* ---- reading ------------------------------------------------------------ */

struct rec_chunk {
	uint32_t type;
	uint64_t offset;		/* of the chunk header in the file */
	const uint8_t *payload;		/* decompressed; valid until the next rec_next() */
	size_t len;
};

typedef void (*rec_warn_fn)(void *ctx, const char *msg);

struct rec_reader {
	const char *name;		/* for messages */
	const uint8_t *data;
	size_t size;
	uint64_t pos;
	uint8_t *buf;			/* decompression buffer */
	size_t buf_cap;
	uint32_t damaged;		/* chunks skipped: bad checksum, bad header, bad zlib */
	bool cut_off;			/* the file ends inside a chunk */
	uint64_t readable_end;		/* end of the last good chunk */
	rec_warn_fn warn;
	void *warn_ctx;
};

/*
 * Start reading a record held in memory. Fails (err: "NAME: offset N: why")
 * on a wrong magic or an unsupported version.
 */
int rec_reader_init(struct rec_reader *rd, const char *name, const uint8_t *data, size_t size,
		    char *err, size_t len);
/*
 * The next good chunk: 1, or 0 at the end. Damage never stops reading: a
 * chunk with a bad checksum is skipped, after a broken header the reader
 * looks for the next valid one; each is reported through warn, with the
 * offset.
 */
int rec_next(struct rec_reader *rd, struct rec_chunk *c);
void rec_reader_free(struct rec_reader *rd);

/*
 * rec_map + rec_reader_init for a file, with warn installed; the reader then
 * owns the mapping: rec_reader_close frees and unmaps (also after a failed
 * open, where there is nothing left to undo).
 */
int rec_reader_open(struct rec_reader *rd, const char *path, rec_warn_fn warn, void *warn_ctx,
		    char *err, size_t len);
void rec_reader_close(struct rec_reader *rd);

/* Map a file read-only; rec_unmap accepts what rec_map left (also on failure). */
int rec_map(const char *path, const uint8_t **data, size_t *size, char *err, size_t len);
void rec_unmap(const uint8_t *data, size_t size);

uint32_t rec_crc32(const void *p, size_t len);

#endif
