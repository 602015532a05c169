/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evidence from kernel state beyond the hooks, for one session: the
 * function ranges stacks are classified by (resolved before load), the
 * stack sampler (enabled on the CPUs with drain work pending), the
 * attach-time discovery, the per-CPU last work item, and names for the
 * addresses they carry. A source that cannot work is a reason, never an
 * error of the session.
 */
#ifndef MIGTRACE_KEVIDENCE_KERNEL_H
#define MIGTRACE_KEVIDENCE_KERNEL_H

#include "core/stack_syms.h"
#include "kernel/sampler.h"
#include "model/kevidence.h"
#include "model/snapshot.h"

struct migtrace_bpf;

#define KEV_NAMES 128	/* addresses named and kept */

struct kevidence {
	struct migtrace_bpf *skel;	/* loaded (kevidence_loaded), else NULL */
	struct stack_syms syms;
	bool syms_read;
	char syms_why[256];		/* classes without a function, or why none at all */
	bool progs_off;			/* the sampler and discovery programs are not loaded */
	struct kev_source sampler_src, discovery_src;
	struct sampler sampler;
	struct discovery found;		/* the discovery at start (kevidence_start) */
	struct { uint64_t addr; char name[KEV_NAME_LEN]; } names[KEV_NAMES];
	uint32_t nnames, next_name;
};

/*
 * Between opening and loading the BPF object: resolve the ranges (once)
 * into its read-only data, and mark the sampler and discovery programs
 * for loading unless ruled out.
 */
void kevidence_prepare(struct kevidence *k, struct migtrace_bpf *skel);
/* The load failed with the sampler and discovery programs in: leave them out (why). */
bool kevidence_rule_out(struct kevidence *k, const char *why);
/* They were not the cause after all: back in. */
void kevidence_rule_in(struct kevidence *k);
/* After load: what works; the sampler's events are opened by kevidence_sampler_open. */
void kevidence_loaded(struct kevidence *k, struct migtrace_bpf *skel);
/* The sources, usable or why not, for caps and reports. */
void kevidence_sources(const struct kevidence *k, struct kev_sources *out);

/* Open the sampler's per-CPU events, all disabled. 0 or -errno (the source says why). */
int kevidence_sampler_open(struct kevidence *k, uint32_t ncpus);
/* Sample exactly these CPUs from now on (the pending reader passes the pending ones). */
void kevidence_sampler_follow(struct kevidence *k, const uint32_t *cpus, uint32_t n);
/* No sampling from now on: the events closed. */
void kevidence_sampler_close(struct kevidence *k);

/*
 * After attach (the workqueue tracepoints first): open the sampler's
 * events, disabled, and read every task, the drain work found pending
 * becoming pending state. 0, or -errno when the discovery did not run.
 */
int kevidence_start(struct kevidence *k, uint32_t ncpus);
/* What kevidence_start found (ran false: see why). */
const struct discovery *kevidence_found(const struct kevidence *k);
/*
 * What kernel state says about the parties of pending drain work p (the
 * snapshot reader's row): found at attach, the queuer's stack, the task
 * on the CPU as sampled, a kworker's work function.
 */
void kevidence_pending(struct kevidence *k, struct pending_drain *p);

/* Read every task now (discover.h); seed: pending work found becomes pending state. */
int kevidence_discover(struct kevidence *k, bool seed, bool all, struct discovery *d);

/* One task read now (e.g. a sleeping waiter's stack): 0, -ESRCH, or -ENOENT (no iterator). */
int kevidence_task(struct kevidence *k, uint32_t tid, struct mt_disc_rec *out);

/* Everything known about cpu beyond the drain hooks, names resolved. */
void kevidence_read_cpu(struct kevidence *k, uint32_t cpu, struct cpu_kevidence *out);

/* "function+0xoff" for each address (cached; one pass of /proc/kallsyms for the rest). */
void kevidence_names(struct kevidence *k, const uint64_t *addrs, uint32_t n,
		     char (*names)[KEV_NAME_LEN]);

void kevidence_close(struct kevidence *k);

#endif
