/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether to hold back the hooks whose attach or detach waits for every CPU
 * (fentry: ftrace's RCU-tasks-rude grace period runs a work item on every
 * CPU; kprobe: an RCU grace period), decided from what the kernel shows:
 * drain work pending in a CPU's worker pool is a CPU that runs no work
 * item, and an attach there would wait as long as the stall lasts.
 */
#ifndef MIGTRACE_ATTACH_HOLD_H
#define MIGTRACE_ATTACH_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "migtrace.h"
#include "model/hooks.h"
#include "model/kevidence.h"
#include "model/units.h"

/* Drain work pending this long on a CPU keeps (or puts) a hold on. */
#define ATTACH_HOLD_STALL_NS (100 * NSEC_PER_MSEC)

struct attach_hold {
	bool held;		/* hold the hooks back */
	bool checked;		/* the discovery ran: false, not held for want of a view */
	uint32_t cpu;		/* held: the first CPU seen stalled */
	char why[256];		/* held: why; not checked: why not */
};

/* fentry and kprobe links wait for every CPU to attach, modify or release. */
bool mech_waits_on_every_cpu(enum mechanism m);

/* At start, from the attach-time discovery: any drain work found pending holds. */
void attach_hold_from_discovery(const struct discovery *d, struct attach_hold *h);

/*
 * Later, from the per-CPU drain state (cpu_drain, n CPUs) at now: the hold
 * goes on while some CPU has drain work found at attach that has not run,
 * or work pending for ATTACH_HOLD_STALL_NS or more (*cpu: the first).
 */
bool attach_hold_goes_on(const struct mt_cpu_drain *rows, uint32_t n, uint64_t now,
			 uint32_t *cpu);

/*
 * Hold back the hooks whose mechanism waits for every CPU: each is marked
 * held with mech MECH_NONE, its mechanism kept in planned[] (MECH_NONE for
 * the others) and why set as that mechanism's reason. Returns how many.
 */
unsigned int attach_hold_apply(struct hook_status *st, enum mechanism planned[HOOK_MAX],
			       const char *why);
/* Say why again for every hook still held (the hold's state changed). */
void attach_hold_why(struct hook_status *st, const enum mechanism planned[HOOK_MAX],
		     const char *why);
/*
 * A held hook's attach came back: err 0, its planned mechanism; else none,
 * and why (prog: the program that failed).
 */
void attach_hold_done(struct hook_status *st, enum mechanism planned[HOOK_MAX], unsigned int hook,
		      int err, const char *prog);

#endif
