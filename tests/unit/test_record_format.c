// SPDX-License-Identifier: GPL-2.0
/*
 * The record file written (record/write.c), read (read.c, load.c) and
 * replayed (replay.c): round trip, truncation at every byte offset,
 * corrupted chunks, wrong magic and version, absurd lengths, hostile
 * values, and the report of a replayed record against a golden file.
 */
#include <sys/stat.h>
#include <unistd.h>
#include "record/sanitize.h"
#include "record/snapshot_codec.h"
#include "output/snapshot_print.h"
#include "check.h"
#include "core/aggregate.h"
#include "model/hist.h"
#include "record/replay.h"
#include "model/snapshot.h"

#define MS 1000000ULL

static const struct mt_task caller = { 100, 100, 120, 0, "compactor" };
static const struct mt_task hog = { 777, 777, 50, 1, "rt_hog" };

static struct mt_event ev_queue(uint64_t ts, uint32_t cpu)
{
	struct mt_event e = { .type = MT_EV_DRAIN_QUEUE, .ts = ts, .task = caller };

	e.drain_queue.target_cpu = cpu;
	return e;
}

static struct mt_event ev_work(uint32_t cpu, uint64_t queued, uint64_t started, uint64_t ended)
{
	struct mt_event e = { .type = MT_EV_DRAIN_WORK, .cpu = cpu, .ts = ended };

	snprintf(e.task.comm, sizeof(e.task.comm), "kworker/%u", cpu);
	e.task.pid = 50 + cpu;
	e.drain_work.queue_ts = queued;
	e.drain_work.start_ts = started;
	e.drain_work.target_cpu = cpu;
	e.drain_work.queuer = caller;
	if (started - queued > MS) {
		e.drain_work.blocker = hog;
		e.drain_work.blocker_ns = started - queued - 1000;
	}
	return e;
}

static void header(struct rec_header *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->tool, sizeof(h->tool), "migtrace test");
	snprintf(h->kernel, sizeof(h->kernel), "6.1.0-test");
	snprintf(h->label, sizeof(h->label), "base");
	snprintf(h->hostname, sizeof(h->hostname), "host");
	snprintf(h->cpu_model, sizeof(h->cpu_model), "Test CPU");
	snprintf(h->virt, sizeof(h->virt), "none");
	h->ncpus = 2;
	h->start_mono_ns = 1000 * MS;
	h->interval_ms = 1000;
	h->event_size = sizeof(struct mt_event);
	h->filter_cpu = -1;
	h->hooks[HOOK_DRAIN_WORK].mech = MECH_TRACEPOINT;
	h->hooks[HOOK_LRU_ADD_DRAIN_ALL].mech = MECH_TRACEPOINT;
	h->hooks[HOOK_LRU_ADD_DRAIN_ALL].approximate = true;
	h->hooks[HOOK_DO_SWAP_PAGE].mech = MECH_TRACEPOINT;
	h->hooks[HOOK_DO_SWAP_PAGE].approximate = true;
}

static struct snapshot snap_in;

/* A small record: header, 2 events chunks, snapshot, incident, end. Returns its path. */
static const char *write_small(char *path, size_t len)
{
	struct rec_writer w;
	struct rec_header h;
	struct rec_incident inc = { .kind = "drain_stall", .end = true, .id = 1,
				    .start_ns = 1100 * MS, .duration_ns = 300 * MS, .cpu = 1,
				    .pid = 777, .detail = "INCIDENT END #1 drain_stall \"hog\"" };
	struct rec_end end = { .reason = "command", .wall_ns = 2 * 1000 * MS, .has_exit = true,
			       .result = "RESULT migrations=10 migrations_per_s=5.5",
			       .has_throughput = true, .throughput = 5.5 };
	char buf[8192], err[256];
	size_t slen;
	void *s;
	int fd, n;

	snprintf(path, len, "/tmp/migtrace-test-rec.XXXXXX");
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	CHECK(rec_create(&w, path, false, err, sizeof(err)) == 0);
	header(&h);
	n = rec_header_format(&h, buf, sizeof(buf));
	CHECK(n > 0);
	rec_write_chunk(&w, REC_HEADER, buf, n);
	/* A drain of two CPUs where CPU 1 is held up 300 ms, then a second batch. */
	for (int k = 0; k < 2; k++) {
		uint64_t t0 = (1100 + k * 400) * MS;
		struct mt_event evs[] = {
			ev_queue(t0, 0), ev_queue(t0 + 1000, 1),
			ev_work(0, t0, t0 + 20000, t0 + 25000),
			ev_work(1, t0 + 1000, t0 + 300 * MS, t0 + 300 * MS + 4000),
		};

		for (unsigned int i = 0; i < 4; i++)
			rec_add_event(&w, &evs[i]);
		rec_flush_events(&w);
	}
	memset(&snap_in, 0, sizeof(snap_in));
	snap_in.ncpus = 2;
	snap_in.duration_ns = 2 * 1000 * MS;
	hist_add_value(&snap_in.cpu[MT_H_DRAIN_WAIT][0], 20000);
	hist_add_value(&snap_in.cpu[MT_H_DRAIN_WAIT][0], 19000);
	hist_add_value(&snap_in.cpu[MT_H_DRAIN_WAIT][1], 300 * MS - 1000);
	hist_add_value(&snap_in.cpu[MT_H_DRAIN_WAIT][1], 300 * MS - 1000);
	hist_add_value(&snap_in.cpu[MT_H_DRAIN_EXEC][1], 4000);
	snap_in.dropped[MT_EV_FAULT_RUN] = 3;
	snap_in.npending = 1;
	snap_in.pending[0] = (struct pending_drain){ .cpu = 1, .age_ns = 5 * MS, .queuer = caller,
						     .occupant = hog, .occupant_ns = 5 * MS };
	snap_in.open_runs[0] = (struct fault_run){ .task = caller, .address = 0x7f0000, .attempts = 9,
						 .retries = 7, .first_ts = 1 * MS, .last_ts = 9 * MS,
						 .source = MT_FAULT_PAGE_FAULT_USER, .open = true };
	s = rec_snapshot_encode(&snap_in, 3000 * MS, &slen);
	rec_write_chunk(&w, REC_SNAPSHOT, s, slen);
	free(s);
	n = rec_incident_format(&inc, buf, sizeof(buf));
	rec_write_chunk(&w, REC_INCIDENT, buf, n);
	n = rec_end_format(&end, buf, sizeof(buf));
	rec_write_chunk(&w, REC_END, buf, n);
	CHECK(rec_close(&w) == 0);
	return path;
}

static char last_warning[512];
static unsigned int warnings;

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	warnings++;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "warning: %s\n", msg);
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static uint8_t *slurp(const char *path, size_t *size)
{
	const uint8_t *m;
	uint8_t *copy;
	char err[256];

	if (rec_map(path, &m, size, err, sizeof(err)))
		return NULL;
	copy = malloc(*size);
	memcpy(copy, m, *size);
	rec_unmap(m, *size);
	return copy;
}

static struct replay rp;

/* Replay a buffer as "mem" into rp; returns replay_record's result. */
static int load_buf(const uint8_t *data, size_t size)
{
	struct rec_reader rd;
	char err[512];
	int ret;

	warnings = 0;
	last_warning[0] = 0;
	ret = rec_reader_init(&rd, "mem", data, size, err, sizeof(err));
	if (ret) {
		snprintf(last_warning, sizeof(last_warning), "%s", err);
		return ret;
	}
	rd.warn = on_warn;
	ret = replay_record(&rd, &rp, NULL, err, sizeof(err));
	if (ret)
		snprintf(last_warning, sizeof(last_warning), "%s", err);
	rec_reader_free(&rd);
	return ret;
}

/* Offsets where each chunk ends, walking the headers. */
static int chunk_ends(const uint8_t *d, size_t size, size_t *ends, int max)
{
	size_t off = REC_PREAMBLE_SIZE;
	int n = 0;

	while (off + REC_CHUNK_HDR_SIZE <= size && n < max) {
		uint32_t stored;

		memcpy(&stored, d + off + 12, 4);
		off += REC_CHUNK_HDR_SIZE + stored;
		ends[n++] = off;
	}
	return n;
}

static void round_trip(void)
{
	char path[64];
	struct stat st;
	size_t size;
	uint8_t *d;

	write_small(path, sizeof(path));
	CHECK(stat(path, &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	d = slurp(path, &size);
	CHECK(d != NULL);
	CHECK(load_buf(d, size) == 0);
	CHECK_EQ_U64(warnings, 0);
	CHECK(rp.run.has_header && rp.run.has_end && !rp.run.cut_off);
	CHECK_EQ_U64(rp.run.chunks, 6);
	CHECK_EQ_U64(rp.run.events, 8);
	CHECK_EQ_U64(rp.run.incidents, 1);
	CHECK_EQ_U64(rp.run.damaged, 0);
	CHECK(!strcmp(rp.run.hdr.label, "base"));
	CHECK(!strcmp(rp.run.hdr.kernel, "6.1.0-test"));
	CHECK_EQ_U64(rp.run.hdr.ncpus, 2);
	CHECK_EQ_U64(rp.run.hdr.hooks[HOOK_LRU_ADD_DRAIN_ALL].mech, MECH_TRACEPOINT);
	CHECK(rp.run.hdr.hooks[HOOK_LRU_ADD_DRAIN_ALL].approximate);
	CHECK(rp.run.end.has_throughput && rp.run.end.throughput == 5.5);
	CHECK(!strcmp(rp.run.end.reason, "command"));
	CHECK_EQ_U64(rp.snap.cpu[MT_H_DRAIN_WAIT][1].count, 2);
	CHECK_EQ_U64(rp.snap.cpu[MT_H_DRAIN_WAIT][1].max_ns, 300 * MS - 1000);
	CHECK_EQ_U64(rp.snap.dropped_total, 3);
	CHECK_EQ_U64(rp.snap.npending, 1);
	CHECK_EQ_U64(rp.snap.pending[0].occupant.pid, 777);
	CHECK_EQ_U64(rp.snap.open_runs[0].attempts, 9);
	CHECK_EQ_U64(rp.agg.s.drain_all.calls, 2);
	CHECK_EQ_U64(rp.agg.s.cpu[1].straggled, 2);
	unlink(path);
	free(d);
}

/* Cut the file at every byte: never a crash, and exactly the complete chunks. */
static void truncation_at_every_offset(void)
{
	char path[64];
	size_t size, ends[16];
	uint8_t *d;
	int n;

	write_small(path, sizeof(path));
	d = slurp(path, &size);
	n = chunk_ends(d, size, ends, 16);
	CHECK_EQ_U64(n, 6);
	CHECK_EQ_U64(ends[n - 1], size);
	for (size_t len = 0; len <= size; len++) {
		uint8_t *cut = malloc(len ? len : 1);	/* exact size: ASan sees overreads */
		uint64_t complete = 0, want_events = 0;
		int ret;

		memcpy(cut, d, len);
		for (int k = 0; k < n; k++)
			if (ends[k] <= len)
				complete++;
		want_events = complete >= 3 ? 8 : complete == 2 ? 4 : 0;
		ret = load_buf(cut, len);
		if (len < REC_PREAMBLE_SIZE || complete == 0) {
			CHECK(ret != 0);
			CHECK(strstr(last_warning, "mem: offset") != NULL);
		} else {
			CHECK(ret == 0);
			CHECK_EQ_U64(rp.run.chunks, complete);
			CHECK_EQ_U64(rp.run.events, want_events);
			CHECK_EQ_U64(rp.run.damaged, 0);
			CHECK(rp.run.cut_off == (len != ends[complete - 1]));
			if (rp.run.cut_off)
				CHECK(strstr(last_warning, "cut off") != NULL);
		}
		if (check_failed_in_test) {
			fprintf(stderr, "  at length %zu of %zu\n", len, size);
			free(cut);
			break;
		}
		free(cut);
	}
	unlink(path);
	free(d);
}

static void corrupted_chunks_are_skipped(void)
{
	char path[64];
	size_t size, ends[16];
	uint8_t *d;

	write_small(path, sizeof(path));
	d = slurp(path, &size);
	chunk_ends(d, size, ends, 16);
	/* A payload byte of the first events chunk: that chunk only is lost. */
	d[ends[0] + REC_CHUNK_HDR_SIZE + 3] ^= 0x55;
	CHECK(load_buf(d, size) == 0);
	CHECK_EQ_U64(rp.run.damaged, 1);
	CHECK_EQ_U64(rp.run.events, 4);
	CHECK(rp.run.has_end);
	CHECK(strstr(last_warning, "checksum mismatch") != NULL);
	CHECK(strstr(last_warning, "mem: offset") != NULL);
	d[ends[0] + REC_CHUNK_HDR_SIZE + 3] ^= 0x55;
	/* A header byte of the second: the reader finds the snapshot after it. */
	d[ends[1] + 9] ^= 0x01;
	CHECK(load_buf(d, size) == 0);
	CHECK_EQ_U64(rp.run.damaged, 1);
	CHECK_EQ_U64(rp.run.events, 4);
	CHECK_EQ_U64(rp.run.snapshots, 1);
	CHECK(rp.run.has_end);
	unlink(path);
	free(d);
}

static void wrong_magic_and_version(void)
{
	char path[64];
	size_t size;
	uint8_t *d;

	write_small(path, sizeof(path));
	d = slurp(path, &size);
	d[0] = 'X';
	CHECK(load_buf(d, size) != 0);
	CHECK(strstr(last_warning, "mem: offset 0: not a migtrace record") != NULL);
	d[0] = 'M';
	d[8] = 99;
	CHECK(load_buf(d, size) != 0);
	CHECK(strstr(last_warning, "version 99") != NULL);
	unlink(path);
	free(d);
}

/* A chunk with a valid header checksum and hostile lengths or values. */
static size_t hostile_chunk(uint8_t *out, uint32_t type, uint32_t flags, uint32_t raw,
			    uint32_t stored, const void *payload, size_t plen)
{
	uint32_t hdr[6] = { REC_CHUNK_MAGIC, type | flags << 16, raw, stored,
			    rec_crc32(payload, plen), 0 };

	hdr[5] = rec_crc32(hdr, 20);
	memcpy(out, hdr, 24);
	memcpy(out + 24, payload, plen);
	return 24 + plen;
}

static void absurd_lengths_and_values(void)
{
	static uint8_t buf[65536];
	struct rec_header h;
	struct mt_event evs[4] = {};
	uint8_t events[8 + sizeof(evs)];
	uint32_t v;
	size_t off = REC_PREAMBLE_SIZE;
	char text[4096];
	int n;

	memcpy(buf, REC_FILE_MAGIC, 8);
	v = REC_VERSION;
	memcpy(buf + 8, &v, 4);
	v = REC_PREAMBLE_SIZE;
	memcpy(buf + 12, &v, 4);
	header(&h);
	n = rec_header_format(&h, text, sizeof(text));
	off += hostile_chunk(buf + off, REC_HEADER, 0, n, n, text, n);
	/* Lengths past the limit, raw != stored uncompressed, unknown type. */
	off += hostile_chunk(buf + off, REC_EVENTS, 0, 0xffffffff, 0xffffffff, "", 0);
	off += hostile_chunk(buf + off, REC_EVENTS, 0, 100, 8, "\0\0\0\0\0\0\0\0", 8);
	off += hostile_chunk(buf + off, 77, 0, 4, 4, "abcd", 4);
	/* zlib flag on junk. */
	off += hostile_chunk(buf + off, REC_EVENTS, REC_F_ZLIB, 1000, 4, "abcd", 4);
	/* Events: wrong type, CPU out of range, time running backwards, one good. */
	evs[0].type = 99;
	evs[1] = ev_queue(5, 9999);
	evs[2] = ev_work(1, 100, 50, 200);
	evs[3] = ev_queue(5, 1);
	memset(evs[3].task.comm, 'A', sizeof(evs[3].task.comm));	/* unterminated */
	v = sizeof(struct mt_event);
	memcpy(events, &v, 4);
	v = 4;
	memcpy(events + 4, &v, 4);
	memcpy(events + 8, evs, sizeof(evs));
	off += hostile_chunk(buf + off, REC_EVENTS, 0, sizeof(events), sizeof(events), events,
			     sizeof(events));
	/* Count claiming more events than the payload holds. */
	v = 1000000;
	memcpy(events + 4, &v, 4);
	off += hostile_chunk(buf + off, REC_EVENTS, 0, sizeof(events), sizeof(events), events,
			     sizeof(events));
	/* Snapshot with an absurd CPU count; header text with junk lines. */
	memset(text, 0, 64);
	v = 1;
	memcpy(text, &v, 4);
	v = 100000;
	memcpy(text + 4, &v, 4);
	off += hostile_chunk(buf + off, REC_SNAPSHOT, 0, 64, 64, text, 64);
	off += hostile_chunk(buf + off, REC_END, 0, 9, 9, "no equals", 9);

	CHECK(load_buf(buf, off) == 0);
	CHECK_EQ_U64(rp.run.events, 1);
	CHECK_EQ_U64(rp.run.bad_events, 3);
	CHECK_EQ_U64(rp.run.snapshots, 0);
	CHECK(!rp.run.has_end);
	/* The two bad headers in a row are one stretch skipped: 5, not 6. */
	CHECK_EQ_U64(rp.run.damaged, 5);
	CHECK_EQ_U64(rp.agg.s.events[MT_EV_DRAIN_QUEUE], 1);
}

static void report_of_a_record_matches_golden(void)
{
	char path[64], got[] = "/tmp/migtrace-test-recrep.XXXXXX";
	size_t size;
	uint8_t *d;
	FILE *f;
	int fd;

	write_small(path, sizeof(path));
	d = slurp(path, &size);
	CHECK(load_buf(d, size) == 0);
	fd = mkstemp(got);
	f = fdopen(fd, "w");
	snapshot_print_text(f, &rp.snap);
	snapshot_print_json(f, &rp.snap);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/record_report.out"));
	unlink(got);
	unlink(path);
	free(d);
}

int main(void)
{
	RUN(round_trip);
	RUN(truncation_at_every_offset);
	RUN(corrupted_chunks_are_skipped);
	RUN(wrong_magic_and_version);
	RUN(absurd_lengths_and_values);
	RUN(report_of_a_record_matches_golden);
	CHECK_EXIT();
}
