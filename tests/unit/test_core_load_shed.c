// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's load shedding (core/load_shed.c): when it starts, what load
 * it judges by, when it stops, and the time it counts.
 */
#include "check.h"
#include "core/load_shed.h"
#include "model/units.h"

#define RATE 1000	/* --max-event-rate */

/*
 * One tick a second; the kernel produced `produced` and dropped `dropped`
 * events in that second, the daemon consumed `consumed`.
 */
struct feed {
	struct load_shed l;
	uint64_t produced, dropped, consumed, now;
};

static bool tick(struct feed *f, uint64_t produced, uint64_t dropped, uint64_t consumed)
{
	f->produced += produced;
	f->dropped += dropped;
	f->consumed += consumed;
	f->now += NSEC_PER_SEC;
	return load_shed_tick(&f->l, f->produced, f->dropped, f->consumed, f->now);
}

static void start(struct feed *f, uint64_t produced_before)
{
	memset(f, 0, sizeof(*f));
	f->produced = produced_before;
	load_shed_init(&f->l, RATE, produced_before);
}

/* Under the limit nothing changes; at the limit shedding starts, once. */
static void sheds_at_the_limit(void)
{
	struct feed f;

	start(&f, 5000);	/* produced before the daemon started: not load */
	CHECK(!tick(&f, RATE - 1, 0, RATE - 1));
	CHECK(!f.l.shedding);
	CHECK_EQ_U64(f.l.offered, RATE - 1);
	CHECK(tick(&f, RATE, 0, RATE));
	CHECK(f.l.shedding);
	CHECK_EQ_U64(f.l.episodes, 1);
	CHECK_EQ_U64(f.l.since_ns, 2 * NSEC_PER_SEC);
	CHECK(!tick(&f, 5 * RATE, 0, RATE));	/* still shedding: no change */
	CHECK_EQ_U64(f.l.episodes, 1);
}

/*
 * Offered load is what the kernel produced plus what it dropped, not what
 * was consumed: reading a backlog at the limit is not a storm, a storm the
 * kernel drops is one.
 */
static void offered_load_is_produced_plus_dropped(void)
{
	struct feed f;

	start(&f, 0);
	CHECK(!tick(&f, RATE / 4, 0, RATE));	/* a backlog read: consumed > produced */
	CHECK_EQ_U64(f.l.consumed, RATE);
	CHECK_EQ_U64(f.l.offered, RATE / 4);
	CHECK(!f.l.shedding);
	CHECK(tick(&f, RATE / 2, RATE / 2, RATE / 2));	/* half of it lost in the kernel */
	CHECK_EQ_U64(f.l.offered, RATE);
	CHECK(f.l.shedding);
}

/* It stops after LOAD_CALM_TICKS ticks in a row under half the limit. */
static void stops_after_calm_ticks(void)
{
	struct feed f;

	start(&f, 0);
	CHECK(tick(&f, 2 * RATE, 0, RATE));
	for (int i = 0; i < LOAD_CALM_TICKS - 1; i++)
		CHECK(!tick(&f, RATE / 2 - 1, 0, RATE / 2 - 1));
	/* Half the limit is not calm: the count starts again. */
	CHECK(!tick(&f, RATE / 2, 0, RATE / 2));
	CHECK_EQ_U64(f.l.calm_ticks, 0);
	for (int i = 0; i < LOAD_CALM_TICKS - 1; i++)
		CHECK(!tick(&f, 0, 0, 0));
	CHECK(f.l.shedding);
	CHECK(tick(&f, 0, 0, 0));
	CHECK(!f.l.shedding);
	/* From the start at t = 1 s to the stop at t = 2 + 2 * LOAD_CALM_TICKS - 1 s. */
	CHECK_EQ_U64(f.l.shed_ns, 2 * LOAD_CALM_TICKS * NSEC_PER_SEC);
	CHECK(tick(&f, RATE, 0, RATE));		/* a second episode */
	CHECK_EQ_U64(f.l.episodes, 2);
}

/* A report mid-episode counts the time so far, once. */
static void account_counts_an_episode_so_far(void)
{
	struct feed f;

	start(&f, 0);
	load_shed_account(&f.l, 5 * NSEC_PER_SEC);	/* not shedding: nothing */
	CHECK_EQ_U64(f.l.shed_ns, 0);
	CHECK(tick(&f, RATE, 0, RATE));			/* starts at 1 s */
	load_shed_account(&f.l, 3 * NSEC_PER_SEC);
	CHECK_EQ_U64(f.l.shed_ns, 2 * NSEC_PER_SEC);
	load_shed_account(&f.l, 4 * NSEC_PER_SEC);
	CHECK_EQ_U64(f.l.shed_ns, 3 * NSEC_PER_SEC);
}

int main(void)
{
	RUN(sheds_at_the_limit);
	RUN(offered_load_is_produced_plus_dropped);
	RUN(stops_after_calm_ticks);
	RUN(account_counts_an_episode_so_far);
	CHECK_EXIT();
}
