// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "record/record.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the record format is little-endian; add byte swapping for this host"
#endif

_Static_assert(REC_CHUNK_HDR_SIZE == 24, "chunk header layout");

static const char *const chunk_names[] = {
	[REC_HEADER] = "header", [REC_EVENTS] = "events", [REC_SNAPSHOT] = "snapshot",
	[REC_INCIDENT] = "incident", [REC_END] = "end", [REC_KERNEL_REPORT] = "kernel report",
};

const char *rec_chunk_name(uint32_t type)
{
	return type && type < REC_TYPE_MAX ? chunk_names[type] : "unknown";
}

uint32_t rec_crc32(const void *p, size_t len)
{
	return crc32(crc32(0L, Z_NULL, 0), p, len);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static int write_all(struct rec_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (w->err)
		return w->err;
	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			return w->err;
		}
		p += n;
		len -= n;
		w->offset += n;
	}
	return 0;
}

/* A new file survives a power loss only once its directory entry is on disk. */
static void sync_parent_dir(const char *path)
{
	char copy[4096];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	fsync(fd);
	close(fd);
}

int rec_create(struct rec_writer *w, const char *path, bool overwrite, char *err, size_t len)
{
	uint8_t pre[REC_PREAMBLE_SIZE];
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_EXCL;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	/* Replacing unlinks first: O_EXCL then still refuses a planted symlink. */
	if (overwrite && unlink(path) && errno != ENOENT) {
		snprintf(err, len, "%s: cannot replace: %s", path, strerror(errno));
		return -errno;
	}
	w->fd = open(path, flags, 0600);
	if (w->fd < 0) {
		snprintf(err, len, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (use --force to overwrite)" : "");
		return -errno;
	}
	w->open = true;
	fchmod(w->fd, 0600);	/* events name tasks and kernel addresses: owner only */
	memcpy(pre, REC_FILE_MAGIC, 8);
	put32(pre + 8, REC_VERSION);
	put32(pre + 12, REC_PREAMBLE_SIZE);
	if (write_all(w, pre, sizeof(pre))) {
		snprintf(err, len, "%s: %s", path, strerror(-w->err));
		return w->err;
	}
	sync_parent_dir(path);
	return 0;
}

int rec_write_chunk(struct rec_writer *w, uint32_t type, const void *payload, size_t len)
{
	uLongf zlen = compressBound(len);
	uint8_t *buf;
	uint32_t flags = REC_F_ZLIB;
	int ret;

	if (w->err)
		return w->err;
	if (len > REC_MAX_PAYLOAD)
		return -E2BIG;
	buf = malloc(REC_CHUNK_HDR_SIZE + zlen);
	if (!buf)
		return -ENOMEM;
	if (compress2(buf + REC_CHUNK_HDR_SIZE, &zlen, payload, len, Z_DEFAULT_COMPRESSION) != Z_OK ||
	    zlen >= len) {
		/* Incompressible (or tiny): store it as it is. */
		flags = 0;
		zlen = len;
		memcpy(buf + REC_CHUNK_HDR_SIZE, payload, len);
	}
	put32(buf, REC_CHUNK_MAGIC);
	put32(buf + 4, type | flags << 16);
	put32(buf + 8, len);
	put32(buf + 12, zlen);
	put32(buf + 16, rec_crc32(buf + REC_CHUNK_HDR_SIZE, zlen));
	put32(buf + 20, rec_crc32(buf, 20));
	/* One write: a chunk is either all there or cut off, never interleaved. */
	ret = write_all(w, buf, REC_CHUNK_HDR_SIZE + zlen);
	free(buf);
	return ret;
}

int rec_flush_events(struct rec_writer *w)
{
	size_t len = 8 + (size_t)w->nevents * sizeof(struct mt_event);
	uint8_t *p;
	int ret;

	if (!w->nevents)
		return w->err;
	p = malloc(len);
	if (!p)
		return -ENOMEM;
	put32(p, sizeof(struct mt_event));
	put32(p + 4, w->nevents);
	memcpy(p + 8, w->events, len - 8);
	ret = rec_write_chunk(w, REC_EVENTS, p, len);
	free(p);
	w->nevents = 0;
	return ret;
}

int rec_add_event(struct rec_writer *w, const struct mt_event *e)
{
	w->events[w->nevents++] = *e;
	return w->nevents == REC_EVENTS_PER_CHUNK ? rec_flush_events(w) : w->err;
}

int rec_sync(struct rec_writer *w)
{
	if (w->open && fdatasync(w->fd) && !w->err)
		w->err = -errno;
	return w->err;
}

struct rec_syncer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int fd;
	bool requested, stop;
	int err;			/* first fdatasync error, taken by the writer */
};

static void *syncer_main(void *arg)
{
	struct rec_syncer *y = arg;

	pthread_mutex_lock(&y->lock);
	for (;;) {
		while (!y->requested && !y->stop)
			pthread_cond_wait(&y->wake, &y->lock);
		if (y->stop)
			break;
		y->requested = false;
		pthread_mutex_unlock(&y->lock);
		if (fdatasync(y->fd) && !y->err)
			y->err = -errno;
		pthread_mutex_lock(&y->lock);
	}
	pthread_mutex_unlock(&y->lock);
	return NULL;
}

int rec_sync_background(struct rec_writer *w)
{
	struct rec_syncer *y = w->syncer;

	if (!w->open)
		return w->err;
	if (!y) {
		y = calloc(1, sizeof(*y));
		if (!y)
			return rec_sync(w);
		y->fd = w->fd;
		pthread_mutex_init(&y->lock, NULL);
		pthread_cond_init(&y->wake, NULL);
		if (pthread_create(&y->thread, NULL, syncer_main, y)) {
			free(y);
			return rec_sync(w);
		}
		w->syncer = y;
	}
	pthread_mutex_lock(&y->lock);
	y->requested = true;
	if (y->err && !w->err)
		w->err = y->err;
	pthread_cond_signal(&y->wake);
	pthread_mutex_unlock(&y->lock);
	return w->err;
}

static void syncer_stop(struct rec_writer *w)
{
	struct rec_syncer *y = w->syncer;

	if (!y)
		return;
	pthread_mutex_lock(&y->lock);
	y->stop = true;
	pthread_cond_signal(&y->wake);
	pthread_mutex_unlock(&y->lock);
	pthread_join(y->thread, NULL);
	if (y->err && !w->err)
		w->err = y->err;
	pthread_mutex_destroy(&y->lock);
	pthread_cond_destroy(&y->wake);
	free(y);
	w->syncer = NULL;
}

int rec_close(struct rec_writer *w)
{
	int ret;

	if (!w->open)
		return w->err;
	rec_flush_events(w);
	syncer_stop(w);
	rec_sync(w);
	ret = w->err;
	if (close(w->fd) && !ret)
		ret = -errno;
	w->fd = -1;
	w->open = false;
	return ret;
}
