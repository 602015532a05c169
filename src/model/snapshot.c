// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/hist.h"
#include "model/snapshot.h"

const struct mt_hist *snapshot_hist(const struct snapshot *s, enum mt_hist_id id)
{
	if (id == MT_H_DRAIN_ALL && !s->global[id].count)
		return &s->events.drain_all.latency;
	return &s->global[id];
}

bool snapshot_drain_cpu(const struct snapshot *s, uint32_t c)
{
	if (c >= MT_MAX_CPUS)
		return false;
	if (s->cpu[MT_H_DRAIN_WAIT][c].count || s->events.cpu[c].works)
		return true;
	for (uint32_t i = 0; i < s->npending && i < SNAPSHOT_MAX_PENDING; i++)
		if (s->pending[i].cpu == c)
			return true;
	return false;
}

void snapshot_accumulate(struct snapshot *t, const struct snapshot *s)
{
	uint32_t ncpus = s->ncpus < MT_MAX_CPUS ? s->ncpus : MT_MAX_CPUS;

	if (ncpus > t->ncpus)
		t->ncpus = ncpus;
	t->duration_ns += s->duration_ns;
	for (int id = 0; id < MT_H_MAX; id++)
		hist_merge(&t->global[id], &s->global[id]);
	for (int id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < ncpus; c++)
			hist_merge(&t->cpu[id][c], &s->cpu[id][c]);
	event_stats_add(&t->events, &s->events);
	/* The kernel's loss counters and the detectors' totals count from the start. */
	memcpy(t->dropped, s->dropped, sizeof(t->dropped));
	t->dropped_total = s->dropped_total;
	t->state_full = s->state_full;
	t->malformed = s->malformed;
	if (s->detecting) {
		t->detecting = true;
		memcpy(t->incidents, s->incidents, sizeof(t->incidents));
	}
	if (s->hooks_known) {
		memcpy(t->hooks, s->hooks, sizeof(t->hooks));
		t->hooks_known = true;
	}
	/* What is going on now. */
	t->npending = s->npending;
	memcpy(t->pending, s->pending, sizeof(t->pending));
	memcpy(t->open_runs, s->open_runs, sizeof(t->open_runs));
	t->loader = s->loader;
}
