/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic kernel state for the detector tests: a drain work item queued
 * by HOLDER on CPU 1 while SPINNER runs there, and the incidents collected.
 */
#ifndef MIGTRACE_DETECT_FIXTURE_H
#define MIGTRACE_DETECT_FIXTURE_H

#include "core/detect.h"

#define MS 1000000ULL

static struct incident seen[64];
static int nseen;

static inline void collect(void *ctx, const struct incident *inc)
{
	(void)ctx;
	if (nseen < 64)
		seen[nseen++] = *inc;
}

static inline int count(enum incident_kind k, enum incident_state st)
{
	int n = 0;

	for (int i = 0; i < nseen; i++)
		n += seen[i].kind == k && seen[i].state == st;
	return n;
}

static inline const struct incident *find(enum incident_kind k, enum incident_state st)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].kind == k && seen[i].state == st)
			return &seen[i];
	return NULL;
}

static inline struct mt_task task(uint32_t pid, uint32_t tgid, uint32_t policy, int32_t prio,
			   const char *comm)
{
	struct mt_task t = { .pid = pid, .tgid = tgid, .policy = policy, .prio = prio };

	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static const uint32_t HOLDER = 10, SPINNER = 20;
static const uint64_t RANGE_START = 0x7f0000000000, RANGE_END = 0x7f0000200000;

static inline void start(struct detector *d, bool holders_visible, bool faults_visible)
{
	struct detect_config c;

	detect_config_defaults(&c);
	c.holders_visible = holders_visible;
	c.faults_visible = faults_visible;
	nseen = 0;
	detect_init(d, &c, collect, NULL);
}

/*
 * Drain work queued by HOLDER at onset on CPU 1, which runs SPINNER (RT when
 * policy is 1) since before; HOLDER holds 512 locked folios when holds is
 * EV_YES; SPINNER's own fault run (do_swap_page) has spin_retries retries.
 */
static inline void snapshot(struct snapshot *r, uint64_t onset, uint64_t now, uint64_t spin_retries,
		     uint32_t policy, enum evidence holds)
{
	struct pending_drain *p = &r->pending[0];

	memset(r, 0, sizeof(*r));
	r->npending = 1;
	*p = (struct pending_drain){
		.cpu = 1, .age_ns = now - onset,
		.queuer = task(HOLDER, HOLDER, 0, 120, "gpu_migrate"),
		.occupant = task(SPINNER, HOLDER, policy, policy ? 49 : 120, "spinner"),
		.occupant_ns = now - onset,
		.queuer_holds = holds,
		.samples_known = true,	/* no samples: stack evidence unknown, not blind */
	};
	if (holds == EV_YES) {
		p->held_ns = now - onset + 5 * MS;
		p->held_start = RANGE_START;
		p->held_end = RANGE_END;
		p->held_pages = 512;
	}
	if (spin_retries) {
		p->occupant_run_seen = true;
		p->occupant_run = (struct fault_run){
			.task = p->occupant, .address = RANGE_START + 0x1000,
			.attempts = spin_retries + 1, .retries = spin_retries,
			.first_ts = onset, .last_ts = now - MS, .source = MT_FAULT_DO_SWAP_PAGE,
			.open = true,
		};
	}
}

/* The first line about the stall that carries kind k (its start, or the update raising it). */
static inline const struct incident *reached(enum incident_kind k)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].kind == k && (seen[i].state == INC_START || seen[i].kind_changed))
			return &seen[i];
	return NULL;
}

#endif
