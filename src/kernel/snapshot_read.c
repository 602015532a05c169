// SPDX-License-Identifier: GPL-2.0
/* The kernel's maps read into a snapshot: histograms, pending drains and their parties, fault runs. */
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/clock.h"
#include "kernel/kevidence.h"
#include "kernel/snapshot_read.h"
#include "model/hist.h"
#include "migtrace.skel.h"

void kview_hists(const struct kernel_view *s, struct snapshot *snap)
{
	int nr = libbpf_num_possible_cpus();
	struct mt_hist vals[nr > 0 ? nr : 1];
	int fd = bpf_map__fd(s->skel->maps.hists);

	memset(snap->global, 0, sizeof(snap->global));
	for (uint32_t id = 0; id < MT_H_MAX; id++) {
		if (bpf_map_lookup_elem(fd, &id, vals))
			continue;
		for (int c = 0; c < nr; c++)
			hist_merge(&snap->global[id], &vals[c]);
	}
	fd = bpf_map__fd(s->skel->maps.cpu_hists);
	memset(snap->cpu, 0, sizeof(snap->cpu));
	for (uint32_t id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < s->ncpus; c++) {
			uint32_t key = id * MT_MAX_CPUS + c;

			bpf_map_lookup_elem(fd, &key, &snap->cpu[id][c]);
		}
}

/*
 * Whether pid holds locked folios, by the kernel's holders table, and the
 * hold: since when (ns before now), its range and pages. Unknown when the
 * hooks cannot tell, or when the full table may have refused its entry.
 */
static enum evidence lookup_holder(const struct kernel_view *s, uint32_t pid, uint64_t now,
				   uint64_t *ns, uint64_t *start, uint64_t *end, uint64_t *pages)
{
	struct mt_holder h;

	if (!hook_holders_known(s->hooks))
		return EV_UNKNOWN;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.holders), &pid, &h))
		return s->skel->bss->holders_full ? EV_UNKNOWN : EV_NO;
	*ns = now > h.since_ts ? now - h.since_ts : 0;
	*start = h.start;
	*end = h.end;
	*pages = h.npages;
	return EV_YES;
}

/* The queuer holds locked folios: the kernel's holders table, if it can tell. */
static void read_holder(const struct kernel_view *s, struct pending_drain *p, uint64_t now)
{
	p->queuer_holds = lookup_holder(s, p->queuer.pid, now, &p->held_ns, &p->held_start,
					&p->held_end, &p->held_pages);
}

/*
 * Tasks inside lru_add_drain_all() now (drain_waiting): behind the drain
 * mutex, a holder among them waits for whatever work stalls there.
 */
static void read_drain_waiters(const struct kernel_view *s, struct snapshot *snap, uint64_t now)
{
	int fd = bpf_map__fd(s->skel->maps.drain_waiting);
	uint32_t key, next, *prev = NULL;
	struct mt_drain_waiter w;

	snap->ndrain_waiters = 0;
	while (snap->ndrain_waiters < SNAPSHOT_MAX_DRAIN_WAITERS &&
	       !bpf_map_get_next_key(fd, prev, &next)) {
		struct drain_waiter *dw = &snap->drain_waiters[snap->ndrain_waiters];

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &w))
			continue;
		memset(dw, 0, sizeof(*dw));
		dw->task = w.task;
		dw->waiting_ns = now > w.since_ts ? now - w.since_ts : 0;
		dw->holds = lookup_holder(s, key, now, &dw->held_ns, &dw->held_start,
					  &dw->held_end, &dw->held_pages);
		snap->ndrain_waiters++;
	}
}

/* A run of the kernel's fault_runs table: still going. */
static struct fault_run fault_run_of(const struct mt_fault_run *run)
{
	return (struct fault_run){
		.task = run->task,
		.address = run->address,
		.attempts = run->attempts,
		.retries = fault_run_retries(run->source, run->attempts, run->vma_lock_attempts),
		.first_ts = run->first_ts,
		.last_ts = run->last_ts,
		.source = run->source,
		.open = true,
	};
}

/* The occupant's fault run, looked up by its pid: no top-N list to fall out of. */
static void read_occupant_run(const struct kernel_view *s, struct pending_drain *p, uint64_t now)
{
	struct mt_fault_run run;

	(void)now;
	p->runs_lost = s->skel->bss->fault_runs_full != 0;
	if (!p->occupant.pid ||
	    bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.fault_runs), &p->occupant.pid, &run))
		return;
	p->occupant_run_seen = true;
	p->occupant_run = fault_run_of(&run);
}

static void contended_of(const struct kernel_view *s, uint32_t pid, uint64_t now,
			 struct contended_skips *out)
{
	struct mt_contended c;

	if (!pid || bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.collect_contended), &pid, &c) ||
	    !c.pages)
		return;
	out->pages = c.pages;
	out->first_address = c.first_address;
	out->ago_ns = c.last_ts < now ? now - c.last_ts : 0;
}

/* Pages the queuer's and the occupant's migrations in progress found locked: collect_contended. */
static void read_contended(const struct kernel_view *s, struct pending_drain *p, uint64_t now)
{
	contended_of(s, p->queuer.pid, now, &p->queuer_contended);
	contended_of(s, p->occupant.pid, now, &p->occupant_contended);
}

/* Kernel state beyond the hooks: sampled stacks, stacks read, work items (kevidence.c). */
static void read_kernel_state(const struct kernel_view *s, struct pending_drain *p, uint64_t now)
{
	(void)now;
	if (s->kev)
		kevidence_pending(s->kev, p);
}

/*
 * What the kernel's tables say about the parties of pending drain work, one
 * reader per source of evidence: a new source is a reader here (and its
 * field in struct pending_drain, its use in core/detect.c).
 */
static void (*const pending_evidence[])(const struct kernel_view *s, struct pending_drain *p,
					 uint64_t now) = {
	read_holder,		/* the queuer holds locked folios: holders */
	read_occupant_run,	/* the occupant's fault run: fault_runs */
	read_kernel_state,	/* found at attach, stacks, samples, kworker: kevidence */
	read_contended,		/* folios their migrations found locked: collect_contended */
};

void kview_pending(const struct kernel_view *s, struct snapshot *snap, uint64_t now)
{
	int fd = bpf_map__fd(s->skel->maps.cpu_drain);
	uint32_t cpus[SNAPSHOT_MAX_PENDING];

	snap->npending = 0;
	for (uint32_t c = 0; c < s->ncpus && snap->npending < SNAPSHOT_MAX_PENDING; c++) {
		struct mt_cpu_drain d;
		struct pending_drain *p;

		if (bpf_map_lookup_elem(fd, &c, &d) || !d.queue_ts || d.start_ts || d.queue_ts > now)
			continue;
		p = &snap->pending[snap->npending++];
		memset(p, 0, sizeof(*p));
		p->cpu = c;
		p->age_ns = now - d.queue_ts;
		p->queuer = d.queuer;
		p->blocker = d.blocker;
		p->blocker_ns = d.blocker_ns;
		p->occupant = d.occupant;
		if (d.occupant_since_ts && d.occupant_since_ts <= now)
			p->occupant_ns = now - d.occupant_since_ts;
		/* Preempted for a moment and back: its earlier stretches count too. */
		if (d.occupant.pid && d.blocker.pid == d.occupant.pid)
			p->occupant_ns += d.blocker_ns;
		if (p->occupant_ns > p->age_ns)
			p->occupant_ns = p->age_ns;
		for (size_t k = 0; k < sizeof(pending_evidence) / sizeof(pending_evidence[0]); k++)
			pending_evidence[k](s, p, now);
		cpus[snap->npending - 1] = c;
	}
	if (s->kev)	/* the sampler runs where work pends, nowhere else */
		kevidence_sampler_follow(s->kev, cpus, snap->npending);
	/* Only stalls have waiters worth naming: no walk on a quiet machine. */
	snap->ndrain_waiters = 0;
	if (snap->npending)
		read_drain_waiters(s, snap, now);
}

/*
 * Runs still going: faulted within the last second. A task that exited
 * or moved on leaves its last run in the map; such stale runs must not
 * crowd live spinners out of the STATS_TOP kept.
 */
void kview_runs(const struct kernel_view *s, struct snapshot *snap, uint64_t now)
{
	int fd = bpf_map__fd(s->skel->maps.fault_runs);
	uint32_t key, next, *prev = NULL;
	struct mt_fault_run run;

	memset(snap->open_runs, 0, sizeof(snap->open_runs));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* last_ts may be past now: the spinner faulted again since now was read. */
		if (bpf_map_lookup_elem(fd, &key, &run) || run.attempts < 3 ||
		    (run.last_ts < now && now - run.last_ts >= NSEC_PER_SEC))
			continue;
		struct fault_run a = fault_run_of(&run);

		fault_runs_top_insert(snap->open_runs, &a);
	}
}

void kview_reset_hists(const struct kernel_view *s)
{
	int nr = libbpf_num_possible_cpus();
	struct mt_hist zeros[nr > 0 ? nr : 1];
	int fd = bpf_map__fd(s->skel->maps.hists);
	struct mt_hist zero = {};

	memset(zeros, 0, sizeof(zeros));
	for (uint32_t id = 0; id < MT_H_MAX; id++)
		bpf_map_update_elem(fd, &id, zeros, BPF_ANY);
	fd = bpf_map__fd(s->skel->maps.cpu_hists);
	for (uint32_t id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < s->ncpus; c++) {
			uint32_t key = id * MT_MAX_CPUS + c;

			bpf_map_update_elem(fd, &key, &zero, BPF_ANY);
		}
}
