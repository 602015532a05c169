/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attach-time discovery: run the iter/task program (bpf/discover.bpf.h)
 * and read its records: every task worth telling, and the drain work
 * pending in the per-CPU worker pools.
 */
#ifndef MIGTRACE_DISCOVER_H
#define MIGTRACE_DISCOVER_H

#include <stdbool.h>
#include <stdint.h>
#include "model/kevidence.h"

struct migtrace_bpf;

/*
 * Read every task. seed: write the drain work found pending into the
 * drain state (cpu_drain), so that the hooks and the sampler follow it as
 * if its queueing had been seen (run it after the workqueue tracepoints
 * are attached, so that the item's start cannot slip between). all: a
 * record for every task, not only running, kworker, or telling stacks.
 * Returns 0 or -errno, the reason in d->why.
 */
int discover_run(struct migtrace_bpf *skel, bool seed, bool all, struct discovery *d);

/* One task by thread id (kernel 6.1+, else a full read): its record in out. */
int discover_task(struct migtrace_bpf *skel, uint32_t tid, struct mt_disc_rec *out);

#endif
