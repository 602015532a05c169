/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's maps read into a snapshot: histograms, pending drain work
 * and what the tables say about its parties, fault runs still going. One
 * reader per source of evidence (snapshot_read.c's pending_evidence[]).
 */
#ifndef MIGTRACE_SNAPSHOT_READ_H
#define MIGTRACE_SNAPSHOT_READ_H

#include <stdint.h>
#include "model/hooks.h"
#include "model/snapshot.h"

struct migtrace_bpf;

struct kevidence;

/*
 * What the readers need of a session: the loaded object, what is attached,
 * CPUs, and the evidence read from kernel state (whose sampler follows the
 * CPUs with pending work, set at each kview_pending).
 */
struct kernel_view {
	struct migtrace_bpf *skel;
	const struct hook_status *hooks;
	uint32_t ncpus;
	struct kevidence *kev;
};

void kview_hists(const struct kernel_view *k, struct snapshot *snap);
/*
 * Pending drain work and its parties (cheap: per-CPU state, lookups by
 * pid); the stack sampler is enabled on exactly those CPUs from here on.
 */
void kview_pending(const struct kernel_view *k, struct snapshot *snap, uint64_t now);
/* Fault runs still going: a walk of the whole table. */
void kview_runs(const struct kernel_view *k, struct snapshot *snap, uint64_t now);
/* Zero the kernel histograms (a new interval). */
void kview_reset_hists(const struct kernel_view *k);

#endif
