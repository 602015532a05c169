// SPDX-License-Identifier: GPL-2.0
/* Reading the attach-time discovery's records: the waiter, the task on a CPU, pending work. */
#include "check.h"
#include "core/discovery.h"

static struct mt_disc_rec recs[6];

static struct discovery fixture(void)
{
	memset(recs, 0, sizeof(recs));
	/* A runnable task on CPU 0 that is not on it. */
	recs[0] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .cpu = 0, .task = { .pid = 10 } };
	/* On CPU 1, its stack stale: even with drain classes it is no waiter. */
	recs[1] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .cpu = 1, .flags = MT_DF_ON_CPU,
					.task = { .pid = 11 } };
	recs[1].stack.bits = MT_SB(MT_SB_FLUSH_WORK) | MT_SB(MT_SB_DRAIN_ALL);
	recs[1].stack.flags = MT_SF_STALE;
	/* Behind the drain mutex: in __lru_add_drain_all, not in __flush_work. */
	recs[2] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .task = { .pid = 12 } };
	recs[2].stack.bits = MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_DRAIN_ALL);
	/* The waiter. */
	recs[3] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .task = { .pid = 13 } };
	recs[3].stack.bits = MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_DRAIN_ALL) |
			     MT_SB(MT_SB_FLUSH_WORK) | MT_SB(MT_SB_HOLDS_COLLECTED);
	/* Drain work pending on CPU 1; its pool started nothing for 250 jiffies. */
	recs[4] = (struct mt_disc_rec){ .type = MT_DISC_WORK, .cpu = 1, .jiffies = 10250,
					.pool_watchdog_ts = 10000 };
	/* A watchdog time after the read (a start raced the read): not a stall. */
	recs[5] = (struct mt_disc_rec){ .type = MT_DISC_WORK, .cpu = 2, .jiffies = 10000,
					.pool_watchdog_ts = 10001 };
	return (struct discovery){ .ran = true, .hz = 250, .recs = recs, .nrecs = 6 };
}

static void finds_the_parties(void)
{
	struct discovery d = fixture();

	CHECK(disc_waiter(&d) == &recs[3]);
	CHECK(disc_on_cpu(&d, 1) == &recs[1]);
	CHECK(disc_on_cpu(&d, 0) == NULL);	/* runnable is not running */
	CHECK(disc_work(&d, 1) == &recs[4]);
	CHECK(disc_work(&d, 0) == NULL);
	recs[3].stack.flags = MT_SF_STALE;	/* a stale stack proves nothing */
	CHECK(disc_waiter(&d) == NULL);
}

static void pool_stall_in_ns(void)
{
	struct discovery d = fixture();
	uint64_t ns = 0;

	CHECK(disc_pool_stalled_ns(&d, &recs[4], &ns));
	CHECK_EQ_U64(ns, 1000000000ULL);	/* 250 jiffies at HZ=250 */
	CHECK(!disc_pool_stalled_ns(&d, &recs[5], &ns));
	d.hz = 0;	/* HZ unknown: unknown, not zero */
	CHECK(!disc_pool_stalled_ns(&d, &recs[4], &ns));
}

int main(void)
{
	RUN(finds_the_parties);
	RUN(pool_stall_in_ns);
	CHECK_EXIT();
}
