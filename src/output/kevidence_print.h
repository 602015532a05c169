/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing kernel-state evidence as `migtrace evidence` shows it: the
 * sources and why one is missing, the attach-time discovery's records,
 * and what the sampler and the per-CPU work record say about a CPU. Kernel
 * addresses are never printed: only the names the caller resolved.
 */
#ifndef MIGTRACE_KEVIDENCE_PRINT_H
#define MIGTRACE_KEVIDENCE_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include "model/kevidence.h"

/* A stack's frames by name, innermost first; NULL: do not print frames. */
typedef char kev_frames[MT_STACK_DEPTH][KEV_NAME_LEN];

void kev_print_sources(FILE *out, bool json, const struct kev_sources *src);
/* One discovery record: a task (func: its work function's name) or a pending work. */
void kev_print_disc(FILE *out, bool json, const struct discovery *d, const struct mt_disc_rec *r,
		    const char *func, const kev_frames *frames);
/* A CPU's evidence; ended: its pending work just started (the counts are final). */
void kev_print_cpu(FILE *out, bool json, const struct cpu_kevidence *c, bool ended,
		   const kev_frames *sample_frames, const kev_frames *queuer_frames);

/* A work item that started on a CPU (its function, its kworker); missed: items lost before it. */
void kev_print_work(FILE *out, bool json, uint32_t cpu, const struct mt_work_run *w,
		    const char *func, uint64_t missed);

#endif
