/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stack sampler's perf events: one software cpu-clock event per CPU,
 * opened disabled with the sampler program attached, and enabled only on
 * the CPUs the caller names (those with drain work pending).
 */
#ifndef MIGTRACE_SAMPLER_H
#define MIGTRACE_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include "migtrace.h"

/* One sample per millisecond of a CPU's time while its drain work pends. */
#define SAMPLER_PERIOD_NS 1000000ULL

struct sampler {
	uint32_t ncpus;
	int pfd[MT_MAX_CPUS];	/* perf event, -1: none */
	int link[MT_MAX_CPUS];	/* BPF perf link, -1: attached by ioctl or none */
	bool on[MT_MAX_CPUS];
	uint32_t opened;	/* CPUs with an event */
	char why[192];		/* why none, or why some CPUs have none */
};

/* Nothing open yet: sampler_close is safe after this (or after zeroing). */
void sampler_init(struct sampler *sm);
/*
 * Open and attach prog_fd on CPUs 0..ncpus-1 (offline ones are skipped),
 * every event disabled. Returns 0 if at least one CPU has one; else
 * -errno with the reason in why.
 */
int sampler_open(struct sampler *sm, int prog_fd, uint32_t ncpus, uint64_t period_ns);
/* Enable exactly cpus[0..n) and disable the rest (an ioctl per change only). */
void sampler_follow(struct sampler *sm, const uint32_t *cpus, uint32_t n);
bool sampler_on(const struct sampler *sm, uint32_t cpu);
/* cpu has an event (it was online at start and perf_event_open allowed it). */
bool sampler_covers(const struct sampler *sm, uint32_t cpu);
void sampler_close(struct sampler *sm);

/*
 * Whether this kernel lets migtrace open a CPU-wide software cpu-clock
 * event (caps, before any program loads); why not in why.
 */
bool sampler_probe(char *why, size_t len);

#endif
