// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot payloads: what session_snapshot fills in struct snapshot, written
 * field by field (no struct padding on disk) and checked field by field.
 *
 *   u32 layout, ncpus, n_event_types, n_hists, n_per_cpu, hist_slots
 *   u64 now_ns, duration_ns, dropped[n_event_types], state_full, bad_records
 *   hist global[n_hists], hist cpu[n_per_cpu][ncpus]  (hist: slots, count, sum, max)
 *   u32 npending, nopen; pending[npending]; open_runs[nopen]
 *   (layout 3) u32 nwaiters; drain_waiters[nwaiters]
 *   (layout 4) a pending drain ends with its queuer's and occupant's contended skips
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "record/snapshot_codec.h"
#include "record/sanitize.h"

/* Bucket counts above this are corrupt, and keep every sum of them from overflowing. */
#define HIST_COUNT_MAX (1ULL << 48)

struct out {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct out *o, const void *v, size_t n)
{
	if (o->len + n > o->cap)
		return;		/* sized up front: cannot happen */
	memcpy(o->p + o->len, v, n);
	o->len += n;
}

static void put32(struct out *o, uint32_t v) { put(o, &v, 4); }
static void put64(struct out *o, uint64_t v) { put(o, &v, 8); }

static void put_task(struct out *o, const struct mt_task *t)
{
	put32(o, t->pid);
	put32(o, t->tgid);
	put32(o, (uint32_t)t->prio);
	put32(o, t->policy);
	put(o, t->comm, MT_COMM_LEN);
}

#define RUN_SIZE (32 + 5 * 8 + 2 * 4)
#define WORK_FUNC_LEN sizeof(((struct pending_drain *)0)->occupant_work_func)
#define PENDING_EVIDENCE_SIZE (4 + 4 * 8 + 4 + RUN_SIZE + 5 * 4 + WORK_FUNC_LEN + 2 * 3 * 8)
#define WAITER_SIZE (32 + 8 + 4 + 4 * 8)

static void put_skips(struct out *o, const struct contended_skips *k)
{
	put64(o, k->pages);
	put64(o, k->first_address);
	put64(o, k->ago_ns);
}

static void put_run(struct out *o, const struct fault_run *a)
{
	put_task(o, &a->task);
	put64(o, a->address);
	put64(o, a->attempts);
	put64(o, a->retries);
	put64(o, a->first_ts);
	put64(o, a->last_ts);
	put32(o, a->source);
	put32(o, a->open);
}

static void put_hist(struct out *o, const struct mt_hist *h)
{
	put(o, h->slots, sizeof(h->slots));
	put64(o, h->count);
	put64(o, h->sum_ns);
	put64(o, h->max_ns);
}

void *rec_snapshot_encode(const struct snapshot *snap, uint64_t now_ns, size_t *len)
{
	uint32_t ncpus = snap->ncpus < MT_MAX_CPUS ? snap->ncpus : MT_MAX_CPUS;
	uint32_t nopen = 0, nwaiters;
	struct out o = {};

	while (nopen < STATS_TOP && snap->open_runs[nopen].attempts)
		nopen++;
	o.cap = 24 + 8 * (4 + MT_EV_TYPE_MAX) + sizeof(struct mt_hist) * (MT_H_MAX + MT_H_PER_CPU * ncpus) +
		8 + SNAPSHOT_MAX_PENDING * (4 + 3 * 32 + 3 * 8 + PENDING_EVIDENCE_SIZE) +
		STATS_TOP * RUN_SIZE + 4 + SNAPSHOT_MAX_DRAIN_WAITERS * WAITER_SIZE;
	o.p = malloc(o.cap);
	if (!o.p)
		return NULL;
	put32(&o, REC_SNAPSHOT_LAYOUT);
	put32(&o, ncpus);
	put32(&o, MT_EV_TYPE_MAX);
	put32(&o, MT_H_MAX);
	put32(&o, MT_H_PER_CPU);
	put32(&o, MT_HIST_SLOTS);
	put64(&o, now_ns);
	put64(&o, snap->duration_ns);
	for (int t = 0; t < MT_EV_TYPE_MAX; t++)
		put64(&o, snap->dropped[t]);
	put64(&o, snap->state_full);
	put64(&o, snap->malformed);
	for (int id = 0; id < MT_H_MAX; id++)
		put_hist(&o, &snap->global[id]);
	for (int id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < ncpus; c++)
			put_hist(&o, &snap->cpu[id][c]);
	put32(&o, snap->npending < SNAPSHOT_MAX_PENDING ? snap->npending : SNAPSHOT_MAX_PENDING);
	put32(&o, nopen);
	for (uint32_t i = 0; i < snap->npending && i < SNAPSHOT_MAX_PENDING; i++) {
		const struct pending_drain *p = &snap->pending[i];

		put32(&o, p->cpu);
		put64(&o, p->age_ns);
		put_task(&o, &p->queuer);
		put_task(&o, &p->occupant);
		put64(&o, p->occupant_ns);
		put_task(&o, &p->blocker);
		put64(&o, p->blocker_ns);
		put32(&o, p->queuer_holds);
		put64(&o, p->held_ns);
		put64(&o, p->held_start);
		put64(&o, p->held_end);
		put64(&o, p->held_pages);
		put32(&o, p->occupant_run_seen | p->runs_lost << 1);
		put_run(&o, &p->occupant_run);
		put32(&o, p->found_at_attach | p->samples_known << 1 | p->occupant_kworker << 2);
		put32(&o, p->queuer_stack_holds);
		put32(&o, p->samples);
		put32(&o, p->samples_user);
		put32(&o, p->samples_fault);
		put(&o, p->occupant_work_func, WORK_FUNC_LEN);
		put_skips(&o, &p->queuer_contended);
		put_skips(&o, &p->occupant_contended);
	}
	for (uint32_t i = 0; i < nopen; i++)
		put_run(&o, &snap->open_runs[i]);
	nwaiters = snap->ndrain_waiters < SNAPSHOT_MAX_DRAIN_WAITERS ? snap->ndrain_waiters
								       : SNAPSHOT_MAX_DRAIN_WAITERS;
	put32(&o, nwaiters);
	for (uint32_t i = 0; i < nwaiters; i++) {
		const struct drain_waiter *w = &snap->drain_waiters[i];

		put_task(&o, &w->task);
		put64(&o, w->waiting_ns);
		put32(&o, w->holds);
		put64(&o, w->held_ns);
		put64(&o, w->held_start);
		put64(&o, w->held_end);
		put64(&o, w->held_pages);
	}
	*len = o.len;
	return o.p;
}

struct in {
	const uint8_t *p;
	size_t left;
	bool short_;
};

static void get(struct in *in, void *v, size_t n)
{
	if (in->left < n) {
		in->short_ = true;
		memset(v, 0, n);
		return;
	}
	memcpy(v, in->p, n);
	in->p += n;
	in->left -= n;
}

static uint32_t get32(struct in *in) { uint32_t v; get(in, &v, 4); return v; }
static uint64_t get64(struct in *in) { uint64_t v; get(in, &v, 8); return v; }

static void get_task(struct in *in, struct mt_task *t)
{
	t->pid = get32(in);
	t->tgid = get32(in);
	t->prio = (int32_t)get32(in);
	t->policy = get32(in);
	get(in, t->comm, MT_COMM_LEN);
	t->comm[MT_COMM_LEN - 1] = 0;
	rec_text_sanitize(t->comm);
}

/* None seen is all zero. */
static bool get_skips(struct in *in, struct contended_skips *k)
{
	k->pages = get64(in);
	k->first_address = get64(in);
	k->ago_ns = get64(in);
	return k->pages || (!k->first_address && !k->ago_ns);
}

static bool get_run(struct in *in, struct fault_run *a)
{
	get_task(in, &a->task);
	a->address = get64(in);
	a->attempts = get64(in);
	a->retries = get64(in);
	a->first_ts = get64(in);
	a->last_ts = get64(in);
	a->source = get32(in);
	a->open = get32(in) != 0;
	return a->source <= MT_FAULT_PAGE_FAULT_USER && a->last_ts >= a->first_ts &&
	       a->retries <= a->attempts;
}

/* Layout 1 kept no per-drain evidence: the occupant's run, if among the open ones. */
static void occupant_runs_from_open(struct snapshot *snap)
{
	for (uint32_t i = 0; i < snap->npending; i++) {
		struct pending_drain *d = &snap->pending[i];

		d->queuer_holds = EV_UNKNOWN;
		for (int k = 0; k < STATS_TOP && snap->open_runs[k].attempts; k++) {
			if (!d->occupant.pid || snap->open_runs[k].task.pid != d->occupant.pid)
				continue;
			d->occupant_run = snap->open_runs[k];
			d->occupant_run_seen = true;
			break;
		}
		/* Runs outside the top ones were not kept: a miss is unknown. */
		d->runs_lost = !d->occupant_run_seen;
	}
}

static bool get_hist(struct in *in, struct mt_hist *h)
{
	get(in, h->slots, sizeof(h->slots));
	h->count = get64(in);
	h->sum_ns = get64(in);
	h->max_ns = get64(in);
	for (int s = 0; s < MT_HIST_SLOTS; s++)
		if (h->slots[s] > HIST_COUNT_MAX)
			return false;
	return h->count <= HIST_COUNT_MAX * MT_HIST_SLOTS;
}

#define FAIL(...) do { snprintf(why, wlen, __VA_ARGS__); return false; } while (0)

bool rec_snapshot_decode(const uint8_t *p, size_t len, struct snapshot *snap, uint64_t *now_ns,
			 char *why, size_t wlen)
{
	struct in in = { p, len, false };
	uint32_t layout, ncpus, ntypes, nhists, npercpu, slots, npending, nopen, flags;

	layout = get32(&in);
	ncpus = get32(&in);
	ntypes = get32(&in);
	nhists = get32(&in);
	npercpu = get32(&in);
	slots = get32(&in);
	if (in.short_)
		FAIL("shorter than its own header");
	if (layout < 1 || layout > REC_SNAPSHOT_LAYOUT)
		FAIL("snapshot layout %u, this build reads 1 to %u", layout, REC_SNAPSHOT_LAYOUT);
	if (!ncpus || ncpus > MT_MAX_CPUS)
		FAIL("absurd CPU count %u", ncpus);
	/*
	 * Event types and histogram ids are only ever appended: a record from
	 * another build maps by index, and what this build does not know is
	 * skipped.
	 */
	if (slots != MT_HIST_SLOTS)
		FAIL("histograms of %u slots, this build has %u", slots, MT_HIST_SLOTS);
	if (ntypes > 256 || nhists > 256 || npercpu > nhists)
		FAIL("absurd layout (%u event types, %u histograms)", ntypes, nhists);
	snap->ncpus = ncpus;
	*now_ns = get64(&in);
	snap->duration_ns = get64(&in);
	snap->dropped_total = 0;
	for (uint32_t t = 0; t < ntypes; t++) {
		uint64_t v = get64(&in);

		if (v > HIST_COUNT_MAX)
			FAIL("absurd drop count");
		if (t < MT_EV_TYPE_MAX)
			snap->dropped[t] = v;
		snap->dropped_total += v;
	}
	snap->state_full = get64(&in);
	snap->malformed = get64(&in);
	for (uint32_t id = 0; id < nhists; id++) {
		struct mt_hist h;

		if (!get_hist(&in, &h))
			FAIL("absurd count in histogram %u", id);
		if (id < MT_H_MAX)
			snap->global[id] = h;
	}
	for (uint32_t id = 0; id < npercpu; id++)
		for (uint32_t c = 0; c < ncpus; c++) {
			struct mt_hist h;

			if (!get_hist(&in, &h))
				FAIL("absurd count in CPU %u histogram %u", c, id);
			if (id < MT_H_PER_CPU)
				snap->cpu[id][c] = h;
		}
	npending = get32(&in);
	nopen = get32(&in);
	if (npending > SNAPSHOT_MAX_PENDING || nopen > STATS_TOP)
		FAIL("absurd count of pending drains (%u) or open runs (%u)", npending, nopen);
	snap->npending = npending;
	for (uint32_t i = 0; i < npending; i++) {
		struct pending_drain *d = &snap->pending[i];

		d->cpu = get32(&in);
		d->age_ns = get64(&in);
		get_task(&in, &d->queuer);
		get_task(&in, &d->occupant);
		d->occupant_ns = get64(&in);
		get_task(&in, &d->blocker);
		d->blocker_ns = get64(&in);
		if (d->cpu >= ncpus)
			FAIL("pending drain on CPU %u of %u", d->cpu, ncpus);
		if (layout < 2)
			continue;
		d->queuer_holds = get32(&in);
		d->held_ns = get64(&in);
		d->held_start = get64(&in);
		d->held_end = get64(&in);
		d->held_pages = get64(&in);
		flags = get32(&in);
		d->occupant_run_seen = flags & 1;
		d->runs_lost = flags & 2;
		if (d->queuer_holds > EV_NO || flags > 3 || !get_run(&in, &d->occupant_run))
			FAIL("pending drain %u: inconsistent evidence", i);
		if (layout < 3)
			continue;
		flags = get32(&in);
		d->found_at_attach = flags & 1;
		d->samples_known = flags & 2;
		d->occupant_kworker = flags & 4;
		d->queuer_stack_holds = get32(&in);
		d->samples = get32(&in);
		d->samples_user = get32(&in);
		d->samples_fault = get32(&in);
		get(&in, d->occupant_work_func, WORK_FUNC_LEN);
		d->occupant_work_func[WORK_FUNC_LEN - 1] = 0;
		rec_text_sanitize(d->occupant_work_func);
		if (flags > 7 || d->queuer_stack_holds > EV_NO || d->samples_user > d->samples ||
		    d->samples_fault > d->samples)
			FAIL("pending drain %u: inconsistent stack evidence", i);
		if (layout < 4)
			continue;
		if (!get_skips(&in, &d->queuer_contended) || !get_skips(&in, &d->occupant_contended))
			FAIL("pending drain %u: contended skips without pages", i);
	}
	memset(snap->open_runs, 0, sizeof(snap->open_runs));
	for (uint32_t i = 0; i < nopen; i++) {
		struct fault_run *a = &snap->open_runs[i];

		if (!get_run(&in, a) || !a->attempts)
			FAIL("open fault run %u is inconsistent", i);
	}
	if (layout < 2)
		occupant_runs_from_open(snap);
	snap->ndrain_waiters = layout < 3 ? 0 : get32(&in);
	if (snap->ndrain_waiters > SNAPSHOT_MAX_DRAIN_WAITERS)
		FAIL("absurd count of drain waiters (%u)", snap->ndrain_waiters);
	for (uint32_t i = 0; i < snap->ndrain_waiters; i++) {
		struct drain_waiter *w = &snap->drain_waiters[i];

		get_task(&in, &w->task);
		w->waiting_ns = get64(&in);
		w->holds = get32(&in);
		w->held_ns = get64(&in);
		w->held_start = get64(&in);
		w->held_end = get64(&in);
		w->held_pages = get64(&in);
		if (w->holds > EV_NO)
			FAIL("drain waiter %u: inconsistent evidence", i);
	}
	if (in.short_)
		FAIL("truncated inside its fields");
	if (in.left)
		FAIL("%zu bytes after its fields", in.left);
	return true;
}
