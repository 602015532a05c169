/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evidence read from kernel state rather than from hooks: the stack
 * sampler's counts on a CPU with pending drain work, the work item that
 * started last there, the pending work's queuer stack, and the attach-time
 * discovery over every task. Filled by kernel/kevidence.c; pure types.
 */
#ifndef MIGTRACE_KEVIDENCE_H
#define MIGTRACE_KEVIDENCE_H

#include <stdbool.h>
#include <stdint.h>
#include "mt_evidence.h"

#define KEV_NAME_LEN 64		/* "function+0xoff" */

/* A source of evidence and, when it cannot be used, why (for caps and reports). */
struct kev_source {
	bool available;
	char why[192];
};

/* The sources beyond hooks, for caps and `migtrace evidence`. */
struct kev_sources {
	struct kev_source sampler, discovery;
	uint32_t nranges;		/* function ranges stacks are classified by */
	char ranges_missing[256];	/* classes without a function here, or why none */
	uint64_t period_ns;		/* the sampler's: CPU time between samples */
};

/* What is known about one CPU beyond the drain hooks, at one read. */
struct cpu_kevidence {
	uint32_t cpu;
	bool sampling;			/* the sampler's event is enabled there now */
	bool sampled;			/* sample holds counts for the work pending now */
	struct mt_cpu_sample sample;
	char sample_func[KEV_NAME_LEN];	/* the sampled kworker's work function, "" none */
	struct mt_cpu_work works;	/* the work items that started last there */
	struct mt_work_run work;	/* the last of them */
	char work_func[KEV_NAME_LEN];
	uint32_t drain_flags;		/* enum mt_drain_flag of the pending work */
	struct mt_stack queuer_stack;	/* the pending work's queuer, when it queued */
};

/* What the attach-time discovery found (one read of every task). */
struct discovery {
	bool ran;
	char why[192];			/* why it did not run */
	uint64_t at_ns;			/* CLOCK_MONOTONIC of the read */
	unsigned int hz;		/* jiffies a second, 0 unknown */
	struct mt_disc_rec *recs;	/* tasks and pending works, in read order */
	uint32_t nrecs;
	uint32_t waiters;		/* tasks in __flush_work <- __lru_add_drain_all */
	uint32_t seeded;		/* pending works written into cpu_drain */
};

#endif
