// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/hist.h"
#include "model/incident.h"
#include "model/metrics.h"
#include "compare/samples.h"
#include "record/replay.h"

#define HIST_SAMPLES_MAX 20000

/* Latencies in us, incidents in ms; what each is, from the metric table where it has a row. */
const struct compare_metric compare_metrics[M_MAX] = {
	[M_DRAIN_WAIT] = { "drain_wait_us", .metric = "drain_wait", .scale = 1e3 },
	[M_STRAGGLER_WAIT] = { "straggler_wait_us", .scale = 1e3,
			       .title = "per lru_add_drain_all: its last work item queued -> started" },
	[M_DRAIN_EXEC] = { "drain_exec_us", .metric = "drain_exec", .scale = 1e3 },
	[M_DRAIN_ALL] = { "drain_all_us", .metric = "drain_all", .scale = 1e3 },
	[M_FAULT_RETRIES] = { "fault_retries", .title = "fault retries per fault run", .scale = 1 },
	[M_SWAP_PAGE] = { "swap_page_us", .metric = "do_swap_page", .scale = 1e3,
			  .from_hist = true },
	[M_FOLIO_HOLD] = { "folio_hold_us", .metric = "migrate_hold", .scale = 1e3 },
	[M_FOLIO_WAIT] = { "folio_wait_us", .metric = "folio_lock_wait", .scale = 1e3 },
	[M_INCIDENTS] = { "incidents", .title = "incidents per run", .scale = 1, .per_run = true },
	[M_INCIDENT_NS] = { "incident_ms", .title = "incident duration", .scale = 1e6 },
	[M_THROUGHPUT] = { "throughput", .title = "workload throughput (RESULT, per second)",
			   .scale = 1, .per_run = true, .rate = true },
};

void compare_metric_title(const struct compare_metric *d, char *buf, size_t len)
{
	const struct metric_def *m = d->metric ? metric_by_name(d->metric) : NULL;
	const char *what = m ? m->help : d->title ? d->title : d->name;
	const char *unit = d->scale == 1e3 ? "us" : d->scale == 1e6 ? "ms" : NULL;

	if (unit)
		snprintf(buf, len, "%s (%s%s)", what, unit, d->from_hist ? ", from histogram" : "");
	else
		snprintf(buf, len, "%s", what);
}

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

void samples_from_hist(const struct mt_hist *h, struct samples *s, size_t max)
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
static void straggler_work(struct collect *c, const struct mt_event *e, const struct agg *a)
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
	if (!batch_in_flight(a, pid)) {
		samples_push(&c->rs->m[M_STRAGGLER_WAIT], s->wait);
		memset(s, 0, sizeof(*s));
	}
}

/* An event of the replay, after its fold into a. */
static void on_event(void *ctx, const struct mt_event *e, const struct agg *a)
{
	struct collect *c = ctx;
	struct samples *m = c->rs->m;

	/* A drain_all call completed (hooked or rebuilt). */
	if (a->drain_all_done)
		samples_push(&m[M_DRAIN_ALL], a->drain_all_ns);

	switch (e->type) {
	case MT_EV_DRAIN_WORK:
		if (e->drain_work.start_ts < e->drain_work.queue_ts || e->ts < e->drain_work.start_ts)
			break;	/* the aggregate skips it too */
		samples_push(&m[M_DRAIN_WAIT], e->drain_work.start_ts - e->drain_work.queue_ts);
		samples_push(&m[M_DRAIN_EXEC], e->ts - e->drain_work.start_ts);
		if (e->drain_work.target_cpu < SAMPLES_CPUS)
			samples_push(&c->rs->cpu_wait[e->drain_work.target_cpu],
				     e->drain_work.start_ts - e->drain_work.queue_ts);
		straggler_work(c, e, a);
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
	/* Raised kinds are written at the end only: a kind on either line counts. */
	if (!strcmp(i->kind, "livelock") || !strcmp(i->kind, "suspected_livelock"))
		c->rs->livelocked = true;
}

int samples_load_reader(struct rec_reader *rd, struct run_samples *rs, char *err, size_t len)
{
	static struct replay rp;	/* large */
	static struct collect c;
	struct replay_visitor v = { .event = on_event, .incident = on_incident, .ctx = &c };
	const struct snapshot *snap = &rp.snap;
	int ret;

	memset(rs, 0, sizeof(*rs));
	memset(&c, 0, sizeof(c));
	snprintf(rs->path, sizeof(rs->path), "%s", rd->name);
	c.rs = rs;
	ret = replay_record(rd, &rp, &v, err, len);
	if (ret) {
		run_samples_free(rs);
		return ret;
	}
	rs->run = rp.run;
	if (rs->run.hdr.detect)
		samples_push(&rs->m[M_INCIDENTS], rp.incident_starts);
	else
		samples_free(&rs->m[M_INCIDENT_NS]);
	if (rs->run.end.has_throughput)
		samples_push(&rs->m[M_THROUGHPUT], rs->run.end.throughput);
	rs->has_livelock_info = rs->run.hdr.detect || strstr(rs->run.end.result, " progress=");
	if (strstr(rs->run.end.result, " progress=no"))
		rs->livelocked = true;
	rs->migrations = rp.agg.s.migrate.setups;
	rs->retries = rp.agg.s.faults.retries;
	if (rs->run.snapshots) {
		samples_from_hist(&snap->global[MT_H_SWAP_PAGE], &rs->m[M_SWAP_PAGE], HIST_SAMPLES_MAX);
		rs->synth[M_SWAP_PAGE] = rs->m[M_SWAP_PAGE].n > 0;
		/* Folio-lock holds without migrate events: the kernel's histogram. */
		if (!rs->m[M_FOLIO_HOLD].n) {
			samples_from_hist(&snap->global[MT_H_MIGRATE_HOLD], &rs->m[M_FOLIO_HOLD],
					  HIST_SAMPLES_MAX);
			rs->synth[M_FOLIO_HOLD] = rs->m[M_FOLIO_HOLD].n > 0;
		}
		rs->dropped = snap->dropped_total;
		for (uint32_t k = 0; k < snap->npending && k < SNAPSHOT_MAX_PENDING; k++) {
			rs->censored_cpu[rs->censored.n] = snap->pending[k].cpu;
			samples_push(&rs->censored, snap->pending[k].age_ns);
		}
	}
	return 0;
}

/* The file's reader around samples_load_reader (where the fuzzer starts, from memory). */
int samples_load(const char *path, struct run_samples *rs, rec_warn_fn warn, void *warn_ctx,
		 char *err, size_t len)
{
	struct rec_reader rd;
	int ret;

	memset(rs, 0, sizeof(*rs));	/* run_samples_free stays safe on any failure */
	ret = rec_reader_open(&rd, path, warn, warn_ctx, err, len);
	if (!ret)
		ret = samples_load_reader(&rd, rs, err, len);
	rec_reader_close(&rd);
	return ret;
}

void run_samples_free(struct run_samples *rs)
{
	if (!rs)
		return;
	for (int m = 0; m < M_MAX; m++)
		samples_free(&rs->m[m]);
	for (int k = 0; k < SAMPLES_CPUS; k++)
		samples_free(&rs->cpu_wait[k]);
	samples_free(&rs->censored);
}
