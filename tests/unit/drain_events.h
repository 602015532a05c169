/* SPDX-License-Identifier: GPL-2.0 */
/* Synthetic drain events shared by the unit tests: one caller, kworkers, an RT hog. */
#ifndef MIGTRACE_TEST_DRAIN_EVENTS_H
#define MIGTRACE_TEST_DRAIN_EVENTS_H

#include <stdio.h>
#include "core/aggregate.h"
#include "migtrace.h"

#define MS 1000000ULL

static inline struct mt_task task(uint32_t pid, const char *comm, uint32_t policy, int32_t prio)
{
	struct mt_task t = { .pid = pid, .tgid = pid, .policy = policy, .prio = prio };

	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static const struct mt_task caller = { 100, 100, 120, 0, "compactor" };

static inline struct mt_event ev_queue(uint64_t ts, uint32_t cpu)
{
	struct mt_event e = { .type = MT_EV_DRAIN_QUEUE, .ts = ts, .task = caller };

	e.drain_queue.target_cpu = cpu;
	return e;
}

static inline struct mt_event ev_work(uint32_t cpu, uint64_t queued, uint64_t started, uint64_t ended,
			       struct mt_task blocker, uint64_t blocker_ns)
{
	struct mt_event e = { .type = MT_EV_DRAIN_WORK, .cpu = cpu, .ts = ended };

	e.task = task(50 + cpu, "kworker", 0, 120);
	e.drain_work.queue_ts = queued;
	e.drain_work.start_ts = started;
	e.drain_work.target_cpu = cpu;
	e.drain_work.queuer = caller;
	e.drain_work.blocker = blocker;
	e.drain_work.blocker_ns = blocker_ns;
	return e;
}

/* A drain of two CPUs where CPU 1 is held up by an RT task for 300 ms. */
static inline void feed_rt_delayed_drain(struct agg *a, uint64_t t0)
{
	struct mt_task hog = task(777, "rt_hog", 1, 49);
	struct mt_event evs[] = {
		ev_queue(t0, 0),
		ev_queue(t0 + 1000, 1),
		ev_work(0, t0, t0 + 20000, t0 + 25000, (struct mt_task){}, 0),
		ev_work(1, t0 + 1000, t0 + 300 * MS, t0 + 300 * MS + 4000, hog, 299 * MS),
	};

	for (unsigned int i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		agg_event(a, &evs[i]);
}

#endif
