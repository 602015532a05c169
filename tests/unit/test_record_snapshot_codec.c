// SPDX-License-Identifier: GPL-2.0
/* Snapshot payloads (record/snapshot_codec.c) from other builds. */
#include "check.h"
#include "model/hist.h"
#include "record/snapshot_codec.h"

/* A snapshot from a build with one more event type, events from one with a smaller union. */
static void other_builds_are_read(void)
{
	static struct snapshot in, out;
	size_t len, off = 24 + 16 + 8 * MT_EV_TYPE_MAX;
	uint8_t *p, *q;
	uint64_t now, extra = 5;
	uint32_t ntypes = MT_EV_TYPE_MAX + 1;
	char why[160];

	memset(&in, 0, sizeof(in));
	in.ncpus = 2;
	in.dropped[1] = 7;
	hist_add_value(&in.global[MT_H_DRAIN_ALL], 1000);
	hist_add_value(&in.cpu[MT_H_DRAIN_WAIT][1], 2000);
	p = rec_snapshot_encode(&in, 42, &len);
	q = malloc(len + 8);
	memcpy(q, p, off);
	memcpy(q + 8, &ntypes, 4);
	memcpy(q + off, &extra, 8);
	memcpy(q + off + 8, p + off, len - off);
	CHECK(rec_snapshot_decode(q, len + 8, &out, &now, why, sizeof(why)));
	CHECK_EQ_U64(out.dropped_total, 12);
	CHECK_EQ_U64(out.dropped[1], 7);
	CHECK_EQ_U64(out.global[MT_H_DRAIN_ALL].count, 1);
	CHECK_EQ_U64(out.cpu[MT_H_DRAIN_WAIT][1].max_ns, 2000);
	free(p);
	free(q);
}

/* Layout 4: a pending drain's contended skips come back; skips without pages are refused. */
static void contended_skips_round_trip(void)
{
	static struct snapshot in, out;
	struct contended_skips bad = { .pages = 0, .first_address = 0x1000 };
	uint8_t *p, *q;
	uint64_t now;
	size_t len;
	char why[160];

	memset(&in, 0, sizeof(in));
	in.ncpus = 2;
	in.npending = 1;
	in.pending[0].cpu = 1;
	in.pending[0].queuer_contended = (struct contended_skips){ 3, 0x7f0000001000, 5000 };
	in.pending[0].occupant_contended = (struct contended_skips){ 517, 0x7f0000002000, 20 };
	p = rec_snapshot_encode(&in, 42, &len);
	CHECK(rec_snapshot_decode(p, len, &out, &now, why, sizeof(why)));
	CHECK_EQ_U64(out.pending[0].queuer_contended.pages, 3);
	CHECK_EQ_U64(out.pending[0].queuer_contended.first_address, 0x7f0000001000);
	CHECK_EQ_U64(out.pending[0].queuer_contended.ago_ns, 5000);
	CHECK_EQ_U64(out.pending[0].occupant_contended.pages, 517);
	CHECK_EQ_U64(out.pending[0].occupant_contended.first_address, 0x7f0000002000);
	in.pending[0].occupant_contended = bad;
	q = rec_snapshot_encode(&in, 42, &len);
	CHECK(!rec_snapshot_decode(q, len, &out, &now, why, sizeof(why)));
	CHECK(strstr(why, "contended skips without pages") != NULL);
	free(p);
	free(q);
}

int main(void)
{
	RUN(other_builds_are_read);
	RUN(contended_skips_round_trip);
	CHECK_EXIT();
}
