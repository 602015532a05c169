// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/aggregate.h"
#include "model/hist.h"
#include "model/incident.h"
#include "compare/metrics.h"

#define HIST_SAMPLES_MAX 20000

const struct metric_def metric_defs[M_MAX] = {
	[M_DRAIN_WAIT] = { "drain_wait_us", "lru_add_drain_per_cpu queued -> started (us)", 1e3 },
	[M_STRAGGLER_WAIT] = { "straggler_wait_us",
			       "per lru_add_drain_all: its last work item queued -> started (us)", 1e3 },
	[M_DRAIN_EXEC] = { "drain_exec_us", "lru_add_drain_per_cpu started -> ended (us)", 1e3 },
	[M_DRAIN_ALL] = { "drain_all_us", "lru_add_drain_all latency (us)", 1e3 },
	[M_FAULT_RETRIES] = { "fault_retries", "fault retries per fault run", 1 },
	[M_SWAP_PAGE] = { "swap_page_us", "do_swap_page latency (us, from histogram)", 1e3,
			  .from_hist = true },
	[M_FOLIO_HOLD] = { "folio_hold_us", "folio locks held, collected -> finalize (us)", 1e3 },
	[M_FOLIO_WAIT] = { "folio_wait_us", "__folio_lock sleep (us)", 1e3 },
	[M_INCIDENTS] = { "incidents", "incidents per run", 1, .per_run = true },
	[M_INCIDENT_NS] = { "incident_ms", "incident duration (ms)", 1e6 },
	[M_THROUGHPUT] = { "throughput", "workload throughput (RESULT, per second)", 1,
			   .per_run = true, .rate = true },
};

int samples_push(struct samples *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		double *p = realloc(s->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

void samples_free(struct samples *s)
{
	if (!s)
		return;
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void metrics_from_hist(const struct mt_hist *h, struct samples *s, size_t max)
{
	uint64_t total = 0;
	int top = -1;

	for (int i = 0; i < MT_HIST_SLOTS; i++) {
		total += h->slots[i];
		if (h->slots[i])
			top = i;
	}
	if (!total)
		return;
	for (int i = 0; i < MT_HIST_SLOTS; i++) {
		uint64_t c = h->slots[i];
		double lo = hist_slot_low(i), hi = i + 1 < 64 ? (double)(1ULL << (i + 1)) : lo;
		size_t k;

		if (!c)
			continue;
		if (h->max_ns && hi > h->max_ns)
			hi = h->max_ns > lo ? h->max_ns : lo;
		k = total > max ? (size_t)((double)c * max / total + 0.5) : c;
		if (!k)		/* a rare tail bucket is one sample, not none */
			k = 1;
		for (size_t j = 0; j < k; j++)	/* evenly inside the bucket */
			samples_push(s, lo + (hi - lo) * (j + 0.5) / k);
		if (i == top && h->max_ns >= lo)	/* the worst one, as the kernel saw it */
			s->v[s->n - 1] = h->max_ns;
	}
}

/* The work item that ended last in each lru_add_drain_all still in flight. */
struct straggler {
	uint32_t pid;
	uint64_t last_end, wait;
};

struct collect {
	struct run_samples *rs;
	struct agg agg;
	bool started;
	size_t incident_starts;
	struct straggler calls[AGG_MAX_BATCHES];
};

static bool batch_in_flight(const struct agg *a, uint32_t pid)
{
	for (int i = 0; i < AGG_MAX_BATCHES; i++)
		if (a->batches[i].in_use && a->batches[i].queuer.pid == pid)
			return true;
	return false;
}

/*
 * A work item of a call queued by pid ended: the one ending last is the
 * straggler the caller waited for; when the aggregate closes the call (its
 * last outstanding item), the straggler's wait is the call's sample.
 */
static void straggler_work(struct collect *c, const struct mt_event *e)
{
	uint32_t pid = e->drain_work.queuer.pid;
	struct straggler *s = NULL, *free_slot = NULL;

	for (int i = 0; i < AGG_MAX_BATCHES && !s; i++) {
		if (c->calls[i].pid == pid && c->calls[i].last_end)
			s = &c->calls[i];
		else if (!c->calls[i].last_end && !free_slot)
			free_slot = &c->calls[i];
	}
	if (!s && !(s = free_slot))
		return;
	s->pid = pid;
	if (e->ts >= s->last_end) {
		s->last_end = e->ts;
		s->wait = e->drain_work.start_ts - e->drain_work.queue_ts;
	}
	if (!batch_in_flight(&c->agg, pid)) {
		samples_push(&c->rs->m[M_STRAGGLER_WAIT], s->wait);
		memset(s, 0, sizeof(*s));
	}
}

static void on_event(void *ctx, const struct mt_event *e)
{
	struct collect *c = ctx;
	struct samples *m = c->rs->m;
	const struct rec_header *h = &c->rs->run.hdr;
	uint64_t calls, sum;

	if (!c->started) {	/* the header chunk comes first: hooks are known */
		agg_init(&c->agg, hook_drain_all_precise(h->hooks));
		c->started = true;
	}
	calls = c->agg.s.drain_all.calls;
	sum = c->agg.s.drain_all.latency.sum_ns;
	agg_event(&c->agg, e);
	/* A drain_all call completed (hooked or rebuilt): its latency is what sum grew by. */
	if (c->agg.s.drain_all.calls > calls)
		samples_push(&m[M_DRAIN_ALL], c->agg.s.drain_all.latency.sum_ns - sum);

	switch (e->type) {
	case MT_EV_DRAIN_WORK:
		if (e->drain_work.start_ts < e->drain_work.queue_ts || e->ts < e->drain_work.start_ts)
			break;	/* the aggregate skips it too */
		samples_push(&m[M_DRAIN_WAIT], e->drain_work.start_ts - e->drain_work.queue_ts);
		samples_push(&m[M_DRAIN_EXEC], e->ts - e->drain_work.start_ts);
		if (e->drain_work.target_cpu < METRICS_CPUS)
			samples_push(&c->rs->cpu_wait[e->drain_work.target_cpu],
				     e->drain_work.start_ts - e->drain_work.queue_ts);
		straggler_work(c, e);
		break;
	case MT_EV_FAULT_RUN:
		if (!e->fault_run.open)
			samples_push(&m[M_FAULT_RETRIES],
				     fault_run_retries(e->fault_run.source, e->fault_run.attempts,
						       e->fault_run.vma_lock_attempts));
		break;
	case MT_EV_MIGRATE_FINALIZE:
		samples_push(&m[M_FOLIO_HOLD], e->ts - e->migrate.enter_ts);
		break;
	case MT_EV_FOLIO_WAIT:
		samples_push(&m[M_FOLIO_WAIT], e->ts - e->folio.enter_ts);
		break;
	}
}

static void on_incident(void *ctx, const struct rec_incident *i)
{
	struct collect *c = ctx;

	if (i->end)
		samples_push(&c->rs->m[M_INCIDENT_NS], i->duration_ns);
	else
		c->incident_starts++;
	/* Raised kinds are written at the end only: a kind on either line counts. */
	if (!strcmp(i->kind, "livelock") || !strcmp(i->kind, "suspected_livelock"))
		c->rs->livelocked = true;
}

int metrics_load_reader(struct rec_reader *rd, struct run_samples *rs, char *err, size_t len)
{
	static struct snapshot snap;	/* large */
	static struct collect c;
	struct rec_visitor v = { .event = on_event, .incident = on_incident, .ctx = &c };
	int ret;

	memset(rs, 0, sizeof(*rs));
	memset(&c, 0, sizeof(c));
	memset(&snap, 0, sizeof(snap));
	snprintf(rs->path, sizeof(rs->path), "%s", rd->name);
	c.rs = rs;
	ret = rec_load(rd, &rs->run, &snap, &v, err, len);
	if (ret) {
		metrics_free(rs);
		return ret;
	}
	if (rs->run.hdr.detect)
		samples_push(&rs->m[M_INCIDENTS], c.incident_starts);
	else
		samples_free(&rs->m[M_INCIDENT_NS]);
	if (rs->run.end.has_throughput)
		samples_push(&rs->m[M_THROUGHPUT], rs->run.end.throughput);
	rs->has_livelock_info = rs->run.hdr.detect || strstr(rs->run.end.result, " progress=");
	if (strstr(rs->run.end.result, " progress=no"))
		rs->livelocked = true;
	rs->migrations = c.agg.s.migrate.setups;
	rs->retries = c.agg.s.faults.retries;
	if (rs->run.snapshots) {
		metrics_from_hist(&snap.global[MT_H_SWAP_PAGE], &rs->m[M_SWAP_PAGE], HIST_SAMPLES_MAX);
		rs->synth[M_SWAP_PAGE] = rs->m[M_SWAP_PAGE].n > 0;
		/* Folio-lock holds without migrate events: the kernel's histogram. */
		if (!rs->m[M_FOLIO_HOLD].n) {
			metrics_from_hist(&snap.global[MT_H_MIGRATE_HOLD], &rs->m[M_FOLIO_HOLD],
					  HIST_SAMPLES_MAX);
			rs->synth[M_FOLIO_HOLD] = rs->m[M_FOLIO_HOLD].n > 0;
		}
		rs->dropped = snap.dropped_total;
		for (uint32_t k = 0; k < snap.npending && k < SNAPSHOT_MAX_PENDING; k++) {
			rs->censored_cpu[rs->censored.n] = snap.pending[k].cpu;
			samples_push(&rs->censored, snap.pending[k].age_ns);
		}
	}
	return 0;
}

/* The file's reader around metrics_load_reader (where the fuzzer starts, from memory). */
int metrics_load(const char *path, struct run_samples *rs, rec_warn_fn warn, void *warn_ctx,
		 char *err, size_t len)
{
	struct rec_reader rd;
	int ret;

	memset(rs, 0, sizeof(*rs));	/* metrics_free stays safe on any failure */
	ret = rec_reader_open(&rd, path, warn, warn_ctx, err, len);
	if (!ret)
		ret = metrics_load_reader(&rd, rs, err, len);
	rec_reader_close(&rd);
	return ret;
}

void metrics_free(struct run_samples *rs)
{
	if (!rs)
		return;
	for (int m = 0; m < M_MAX; m++)
		samples_free(&rs->m[m]);
	for (int k = 0; k < METRICS_CPUS; k++)
		samples_free(&rs->cpu_wait[k]);
	samples_free(&rs->censored);
}
