// SPDX-License-Identifier: GPL-2.0
/*
 * Reading record chunks. Records are hostile input: every length is checked
 * against what is left of the file and against REC_MAX_PAYLOAD, every byte
 * against its checksum, and damage is reported with its offset, not fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "record/record.h"

/*
 * Under libFuzzer, checksums are not checked, so that mutated payloads reach
 * the decoders behind them (the fuzzer cannot forge a CRC).
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define crc_ok(got, want) ((void)(got), (void)(want), true)
#else
#define crc_ok(got, want) ((got) == (want))
#endif

struct chunk_hdr {
	uint32_t magic, type, flags, raw_len, stored_len, payload_crc, hdr_crc;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void warnf(struct rec_reader *rd, uint64_t off, const char *fmt, ...)
{
	char msg[320];
	int n;
	va_list ap;

	if (!rd->warn)
		return;
	n = snprintf(msg, sizeof(msg), "%s: offset %llu: ", rd->name, (unsigned long long)off);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	rd->warn(rd->warn_ctx, msg);
}

int rec_reader_init(struct rec_reader *rd, const char *name, const uint8_t *data, size_t size,
		    char *err, size_t len)
{
	uint32_t version, pre;

	memset(rd, 0, sizeof(*rd));
	rd->name = name;
	rd->data = data;
	rd->size = size;
	if (size < REC_PREAMBLE_SIZE || memcmp(data, REC_FILE_MAGIC, 8)) {
		snprintf(err, len, "%s: offset 0: not a migtrace record (%s)", name,
			 size < 8 ? "too short" : "wrong magic");
		return -EINVAL;
	}
	version = get32(data + 8);
	pre = get32(data + 12);
	if (version != REC_VERSION || pre != REC_PREAMBLE_SIZE) {
		snprintf(err, len, "%s: offset 8: record format version %u is not supported "
			 "(this migtrace reads version %u)", name, version, REC_VERSION);
		return -ENOTSUP;
	}
	rd->pos = rd->readable_end = REC_PREAMBLE_SIZE;
	return 0;
}

static void parse_hdr(const uint8_t *p, struct chunk_hdr *h)
{
	uint32_t tf = get32(p + 4);

	h->magic = get32(p);
	h->type = tf & 0xffff;
	h->flags = tf >> 16;
	h->raw_len = get32(p + 8);
	h->stored_len = get32(p + 12);
	h->payload_crc = get32(p + 16);
	h->hdr_crc = get32(p + 20);
}

/* A header whose checksum holds and whose lengths are possible. */
static const char *hdr_problem(const uint8_t *p)
{
	struct chunk_hdr h;

	parse_hdr(p, &h);
	if (h.magic != REC_CHUNK_MAGIC)
		return "bad chunk magic";
	if (!crc_ok(rec_crc32(p, 20), h.hdr_crc))
		return "bad chunk header checksum";
	if (h.raw_len > REC_MAX_PAYLOAD || h.stored_len > REC_MAX_PAYLOAD)
		return "absurd chunk length";
	if (h.flags & ~REC_F_ZLIB)
		return "unknown chunk flags";
	if (!(h.flags & REC_F_ZLIB) && h.stored_len != h.raw_len)
		return "stored and raw lengths differ in an uncompressed chunk";
	return NULL;
}

/* After damage: the next offset holding a valid chunk header, or size. */
static uint64_t resync(const struct rec_reader *rd, uint64_t from)
{
	static const uint32_t magic = REC_CHUNK_MAGIC;

	while (from + REC_CHUNK_HDR_SIZE <= rd->size) {
		const uint8_t *hit = memmem(rd->data + from, rd->size - from, &magic, 4);

		if (!hit)
			break;
		from = hit - rd->data;
		if (from + REC_CHUNK_HDR_SIZE <= rd->size && !hdr_problem(hit))
			return from;
		from++;
	}
	return rd->size;
}

/* Payloads always land in rd->buf, NUL-terminated so text can be parsed as a string. */
static int inflate_into(struct rec_reader *rd, const uint8_t *src, size_t slen, size_t rlen,
			bool zlib)
{
	uLongf out = rlen;

	if (rd->buf_cap < rlen + 1) {
		uint8_t *b = realloc(rd->buf, rlen + 1);

		if (!b)
			return -ENOMEM;
		rd->buf = b;
		rd->buf_cap = rlen + 1;
	}
	if (!zlib)
		memcpy(rd->buf, src, rlen);
	else if (uncompress(rd->buf, &out, src, slen) != Z_OK || out != rlen)
		return -EBADMSG;
	rd->buf[rlen] = 0;
	return 0;
}

int rec_next(struct rec_reader *rd, struct rec_chunk *c)
{
	while (rd->pos < rd->size) {
		uint64_t off = rd->pos, left = rd->size - off;
		const uint8_t *p = rd->data + off;
		const char *why;
		struct chunk_hdr h;
		int ret;

		if (left < REC_CHUNK_HDR_SIZE) {
			warnf(rd, off, "file ends inside a chunk header (%llu of %u bytes): "
			      "the run was cut off here", (unsigned long long)left, REC_CHUNK_HDR_SIZE);
			rd->cut_off = true;
			rd->pos = rd->size;
			break;
		}
		why = hdr_problem(p);
		if (why) {
			uint64_t next = resync(rd, off + 1);

			rd->damaged++;
			if (next < rd->size)
				warnf(rd, off, "%s; skipped %llu bytes to the next chunk at offset %llu",
				      why, (unsigned long long)(next - off), (unsigned long long)next);
			else
				warnf(rd, off, "%s; no valid chunk after it (%llu bytes unreadable)",
				      why, (unsigned long long)left);
			rd->pos = next;
			continue;
		}
		parse_hdr(p, &h);
		if (left - REC_CHUNK_HDR_SIZE < h.stored_len) {
			warnf(rd, off, "file ends inside a %s chunk (%llu of %u payload bytes): "
			      "the run was cut off here", rec_chunk_name(h.type),
			      (unsigned long long)(left - REC_CHUNK_HDR_SIZE), h.stored_len);
			rd->cut_off = true;
			rd->pos = rd->size;
			break;
		}
		rd->pos = off + REC_CHUNK_HDR_SIZE + h.stored_len;
		p += REC_CHUNK_HDR_SIZE;
		if (!crc_ok(rec_crc32(p, h.stored_len), h.payload_crc)) {
			rd->damaged++;
			warnf(rd, off, "%s chunk: payload checksum mismatch; chunk skipped",
			      rec_chunk_name(h.type));
			continue;
		}
		rd->readable_end = rd->pos;
		if (!h.type || h.type >= REC_TYPE_MAX) {
			warnf(rd, off, "unknown chunk type %u (from a newer migtrace?); skipped", h.type);
			continue;
		}
		ret = inflate_into(rd, p, h.stored_len, h.raw_len, h.flags & REC_F_ZLIB);
		if (ret == -ENOMEM)
			return ret;
		if (ret) {
			rd->damaged++;
			warnf(rd, off, "%s chunk: zlib data does not decompress to %u bytes; "
			      "chunk skipped", rec_chunk_name(h.type), h.raw_len);
			continue;
		}
		c->payload = rd->buf;
		c->type = h.type;
		c->offset = off;
		c->len = h.raw_len;
		return 1;
	}
	return 0;
}

void rec_reader_free(struct rec_reader *rd)
{
	if (!rd)
		return;
	free(rd->buf);
	rd->buf = NULL;
	rd->buf_cap = 0;
}

int rec_reader_open(struct rec_reader *rd, const char *path, rec_warn_fn warn, void *warn_ctx,
		    char *err, size_t len)
{
	const uint8_t *data;
	size_t size;
	int ret;

	memset(rd, 0, sizeof(*rd));
	ret = rec_map(path, &data, &size, err, len);
	if (!ret)
		ret = rec_reader_init(rd, path, data, size, err, len);
	if (ret) {
		rec_unmap(data, size);
		memset(rd, 0, sizeof(*rd));
		return ret;
	}
	rd->warn = warn;
	rd->warn_ctx = warn_ctx;
	return 0;
}

void rec_reader_close(struct rec_reader *rd)
{
	rec_reader_free(rd);
	rec_unmap(rd->data, rd->size);
	rd->data = NULL;
	rd->size = 0;
}

int rec_map(const char *path, const uint8_t **data, size_t *size, char *err, size_t len)
{
	struct stat st;
	void *p;
	int fd, ret = 0;

	*data = NULL;
	*size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, len, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out;
	}
	if (!st.st_size) {
		snprintf(err, len, "%s: offset 0: empty file, not a migtrace record", path);
		ret = -EINVAL;
		goto out;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		ret = -errno;
		goto out;
	}
	*data = p;
	*size = st.st_size;
out:
	close(fd);
	return ret;
}

void rec_unmap(const uint8_t *data, size_t size)
{
	if (data)
		munmap((void *)data, size);
}
