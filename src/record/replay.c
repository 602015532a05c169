// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/incident.h"
#include "record/replay.h"

struct pass {
	struct replay *rp;
	const struct replay_visitor *v;
	bool started;
	struct incident_totals totals[INC_KIND_MAX];	/* each snapshot chunk replaces rp->snap */
};

static void start(struct pass *p, const struct rec_header *h)
{
	agg_init(&p->rp->agg, hook_drain_all_precise(h ? h->hooks : NULL));
	p->started = true;
}

static void on_header(void *ctx, const struct rec_header *h)
{
	struct pass *p = ctx;

	start(p, h);
	if (p->v && p->v->header)
		p->v->header(p->v->ctx, h);
}

static void on_event(void *ctx, const struct mt_event *e)
{
	struct pass *p = ctx;

	if (!p->started)	/* no header before it: nothing says which hooks ran */
		start(p, NULL);
	agg_event(&p->rp->agg, e);
	if (p->v && p->v->event)
		p->v->event(p->v->ctx, e, &p->rp->agg);
}

/* An incident counted once, under the kind it reached (its end's). */
static void total_add(struct incident_totals *t, uint64_t ns)
{
	t->count++;
	t->total_ns += ns;
	if (ns > t->max_ns)
		t->max_ns = ns;
}

static void on_incident(void *ctx, const struct rec_incident *i)
{
	struct pass *p = ctx;
	struct replay *rp = p->rp;
	int k = incident_kind_parse(i->kind);

	rp->incident_starts += !i->end;
	/*
	 * Totals as the detectors keep them: an incident raised to a more
	 * specific kind while it lasted (its end says which) counts under that.
	 */
	if (k >= 0 && !i->end && rp->nopen < REPLAY_MAX_INCIDENTS) {
		rp->open[rp->nopen].id = i->id;
		rp->open[rp->nopen++].kind = k;
	} else if (k >= 0 && i->end) {
		for (uint32_t n = 0; n < rp->nopen; n++)
			if (rp->open[n].id == i->id) {
				rp->open[n] = rp->open[--rp->nopen];
				break;
			}
		total_add(&p->totals[k], i->duration_ns);
	}
	if (i->end && rp->nended < REPLAY_MAX_INCIDENTS)
		rp->ended[rp->nended++] = *i;
	if (p->v && p->v->incident)
		p->v->incident(p->v->ctx, i);
}

static void on_snapshot(void *ctx, const struct snapshot *snap, uint64_t now)
{
	struct pass *p = ctx;

	if (p->v && p->v->snapshot)
		p->v->snapshot(p->v->ctx, snap, now);
}

/* The recorded snapshot plus what only the events, incidents and header say. */
static void complete(struct replay *rp, const struct incident_totals totals[INC_KIND_MAX])
{
	struct snapshot *s = &rp->snap;
	const struct rec_header *h = &rp->run.hdr;

	memcpy(s->incidents, totals, sizeof(s->incidents));
	for (uint32_t n = 0; n < rp->nopen; n++) {	/* cut off before their end */
		s->incidents[rp->open[n].kind].count++;
		s->incidents[rp->open[n].kind].open++;
	}
	s->events = rp->agg.s;
	memcpy(s->hooks, h->hooks, sizeof(s->hooks));
	s->hooks_known = true;
	s->detecting = h->detect;
	if (rp->run.snapshots)
		return;
	/* Killed in its first second, before a snapshot: the events alone. */
	s->ncpus = h->ncpus;
	s->duration_ns = rp->agg.s.last_ts > h->start_mono_ns ? rp->agg.s.last_ts - h->start_mono_ns
							       : 0;
}

int replay_record(struct rec_reader *rd, struct replay *rp, const struct replay_visitor *v,
		  char *err, size_t len)
{
	struct pass p = { .rp = rp, .v = v };
	struct rec_visitor rv = { .header = on_header, .event = on_event, .incident = on_incident,
				  .snapshot = on_snapshot, .ctx = &p };
	int ret;

	memset(rp, 0, sizeof(*rp));
	ret = rec_load(rd, &rp->run, &rp->snap, &rv, err, len);
	if (!ret)
		complete(rp, p.totals);
	return ret;
}

int replay_record_path(const char *path, struct replay *rp, const struct replay_visitor *v,
		       rec_warn_fn warn, void *warn_ctx, char *err, size_t len)
{
	struct rec_reader rd;
	int ret;

	ret = rec_reader_open(&rd, path, warn, warn_ctx, err, len);
	if (!ret)
		ret = replay_record(&rd, rp, v, err, len);
	rec_reader_close(&rd);
	return ret;
}
