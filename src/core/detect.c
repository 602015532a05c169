// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/detect.h"
#include "model/units.h"

void detect_init(struct detector *d, const struct detect_config *c, incident_cb cb, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *c;
	d->cb = cb;
	d->ctx = ctx;
	d->next_id = 1;
}

/* ---- open incidents ---------------------------------------------------- */

/* A fault storm is one task on one page; any other incident is one stalled work item. */
static bool same_incident(const struct incident *a, const struct incident *b)
{
	if ((a->kind == INC_FAULT_STORM) != (b->kind == INC_FAULT_STORM))
		return false;
	if (a->kind == INC_FAULT_STORM)
		return a->spinner.pid == b->spinner.pid && a->address == b->address;
	return a->cpu == b->cpu && a->start_ts == b->start_ts;
}

/*
 * An incident is counted once, under the most specific kind it reached
 * (top_kind), and is open under the kind it has now.
 */
static void totals_close(struct detector *d, const struct incident *inc)
{
	struct incident_totals *t = &d->totals[inc->top_kind];
	uint64_t dur = inc->last_ts - inc->start_ts;

	d->totals[inc->kind].open--;
	t->total_ns += dur;
	if (dur > t->max_ns)
		t->max_ns = dur;
}

/*
 * The latest time the condition held. An event read after now was taken
 * (a fault run that began between the two) is newer than now: never before
 * the start, so last_ts - start_ts cannot wrap.
 */
static uint64_t held_at(const struct incident *inc, uint64_t now)
{
	return now > inc->start_ts ? now : inc->start_ts;
}

static void open_new(struct detector *d, struct incident *cand, uint64_t now)
{
	if (d->nopen == DETECT_MAX_OPEN) {
		d->dropped_incidents++;
		return;
	}
	cand->id = d->next_id++;
	cand->state = INC_START;
	cand->last_ts = held_at(cand, now);
	cand->top_kind = cand->kind;
	d->open[d->nopen] = *cand;
	d->seen[d->nopen] = true;
	d->last_report[d->nopen] = now;
	d->nopen++;
	d->totals[cand->kind].count++;
	d->totals[cand->kind].open++;
	if (d->cb)
		d->cb(d->ctx, cand);
}

/*
 * The condition holds now: open the incident, or refresh it. Its kind is
 * what the evidence proves, up or down (a spinner that got its page and
 * moved on is no longer a livelock's); a change is reported at once, with
 * the links that came or went. Up at once; down once the weaker verdict
 * has held for the grace period (the spinner preempted by migration/N for
 * a tick is still the spinner), its last proof kept meanwhile.
 */
static void observe(struct detector *d, struct incident *cand, uint64_t now)
{
	struct incident *cur;
	uint32_t i;

	for (i = 0; i < d->nopen; i++)
		if (same_incident(&d->open[i], cand))
			break;
	if (i == d->nopen) {
		d->weaker_since[d->nopen < DETECT_MAX_OPEN ? d->nopen : 0] = 0;
		open_new(d, cand, now);
		return;
	}
	cur = &d->open[i];
	d->seen[i] = true;
	if (incident_kind_rank(cand->kind) < incident_kind_rank(cur->kind)) {
		if (!d->weaker_since[i])
			d->weaker_since[i] = now;
		if (now - d->weaker_since[i] < d->cfg.end_grace_ns) {
			cur->last_ts = held_at(cur, now);
			cur->pending_ns = cand->pending_ns;
			return;
		}
	}
	d->weaker_since[i] = 0;
	cand->kind_changed = cand->kind != cur->kind;
	cand->previous_kind = cur->kind;
	cand->top_kind = cur->top_kind;
	cand->id = cur->id;
	cand->start_ts = cur->start_ts;
	cand->last_ts = held_at(cand, now);
	cand->state = INC_UPDATE;
	if (cand->kind_changed) {
		verdict_change_reason(cur, cand);
		d->totals[cur->kind].open--;
		d->totals[cand->kind].open++;
		if (incident_kind_rank(cand->kind) > incident_kind_rank(cur->top_kind)) {
			d->totals[cur->top_kind].count--;
			d->totals[cand->kind].count++;
			cand->top_kind = cand->kind;
		}
	}
	/* The kernel's reports stay with the incident; its evidence is what changes. */
	cand->nkreports = cur->nkreports;
	memcpy(cand->kreports, cur->kreports, sizeof(cand->kreports));
	*cur = *cand;
	if (cand->kind_changed || now - d->last_report[i] >= d->cfg.update_ns) {
		d->last_report[i] = now;
		if (d->cb)
			d->cb(d->ctx, cur);
	}
}

static void close_at(struct detector *d, uint32_t i)
{
	struct incident *inc = &d->open[i];

	inc->state = INC_END;
	inc->kind_changed = false;
	totals_close(d, inc);
	if (d->cb)
		d->cb(d->ctx, inc);
	d->nopen--;
	d->open[i] = d->open[d->nopen];
	d->seen[i] = d->seen[d->nopen];
	d->last_report[i] = d->last_report[d->nopen];
	d->weaker_since[i] = d->weaker_since[d->nopen];
}

/* ---- the detectors ------------------------------------------------------ */

static void check_pending(struct detector *d, const struct snapshot *live, uint64_t now)
{
	for (uint32_t i = 0; i < d->nwatches; i++)
		d->watches[i].live = false;
	for (uint32_t i = 0; i < live->npending; i++) {
		const struct pending_drain *p = &live->pending[i];
		struct drain_watch *w = watch_find(d->watches, &d->nwatches, SNAPSHOT_MAX_PENDING,
						   p, now);
		struct incident inc;

		if (!w)
			continue;
		w->live = true;
		if (verdict_judge(&d->cfg, w, p, live, now, &inc))
			observe(d, &inc, now);
	}
	/* Work that started (or left the snapshot) is forgotten. */
	for (uint32_t i = 0; i < d->nwatches;) {
		if (d->watches[i].live)
			i++;
		else
			d->watches[i] = d->watches[--d->nwatches];
	}
}

/* A run is still going when its last fault is under a second old (or newer than now). */
static bool run_going(const struct fault_run *r, uint64_t now)
{
	return r->last_ts >= now || now - r->last_ts < NSEC_PER_SEC;
}

static void check_storms(struct detector *d, const struct snapshot *live, uint64_t now)
{
	for (int i = 0; i < STATS_TOP && live->open_runs[i].attempts; i++) {
		const struct fault_run *r = &live->open_runs[i];
		struct incident inc;

		if (r->retries < d->cfg.storm_retries || !run_going(r, now))
			continue;
		memset(&inc, 0, sizeof(inc));
		inc.kind = INC_FAULT_STORM;
		inc.cpu = MT_MAX_CPUS;
		inc.start_ts = r->first_ts;
		inc.has_spinner = true;
		inc.spinner = r->task;
		inc.links[LINK_RETRYING] = EV_YES;
		inc.sources[LINK_RETRYING] = SRC_HOOKS;
		inc.retries = r->retries;
		inc.address = r->address;
		observe(d, &inc, now);
	}
}

void detect_tick(struct detector *d, const struct snapshot *live, uint64_t now,
		 enum detect_what what)
{
	for (uint32_t i = 0; i < d->nopen; i++)
		d->seen[i] = false;
	if (what & DETECT_DRAINS)
		check_pending(d, live, now);
	if (what & DETECT_STORMS)
		check_storms(d, live, now);
	/* Whatever was evaluated and has not held for the grace period has ended. */
	for (uint32_t i = 0; i < d->nopen;) {
		bool storm = d->open[i].kind == INC_FAULT_STORM;
		bool judged = storm ? (what & DETECT_STORMS) : (what & DETECT_DRAINS);

		if (!judged || d->seen[i] || now - d->open[i].last_ts < d->cfg.end_grace_ns)
			i++;
		else
			close_at(d, i);
	}
}

/* ---- the kernel's own reports ------------------------------------------- */

/*
 * How well a kernel report fits an open incident: 0 not at all; a task it
 * names is the incident's spinner, waiter or queuer; a CPU it names is the
 * incident's; a workqueue hog's function is what its kworker spinner runs.
 */
static int report_fit(const struct incident *inc, const struct kernel_report *kr)
{
	int fit = 0;

	if (kr->pid && ((inc->has_spinner && inc->spinner.pid == kr->pid) ||
			(inc->has_waiter && inc->waiter.pid == kr->pid) ||
			(inc->queuer.pid && inc->queuer.pid == kr->pid)))
		fit += 2;
	if (kr->cpu != KR_NO_CPU && inc->cpu == kr->cpu)
		fit += 2;
	if (kr->kind == KR_WQ_HOG && inc->work_func[0] && !strcmp(inc->work_func, kr->work_func))
		fit += 2;
	return fit;
}

bool detect_kernel_report(struct detector *d, struct kernel_report *kr)
{
	struct incident *best = NULL;
	int best_fit = 0;

	/* The best fit; then the more specific kind; then the older incident. */
	for (uint32_t i = 0; i < d->nopen; i++) {
		struct incident *inc = &d->open[i];
		int fit = report_fit(inc, kr);

		if (!fit)
			continue;
		if (!best || fit > best_fit ||
		    (fit == best_fit && (incident_kind_rank(inc->kind) > incident_kind_rank(best->kind) ||
					 (incident_kind_rank(inc->kind) == incident_kind_rank(best->kind) &&
					  inc->id < best->id)))) {
			best = inc;
			best_fit = fit;
		}
	}
	if (!best)
		return false;
	kr->incident_id = best->id;
	if (best->nkreports < INC_MAX_KREPORTS)
		best->kreports[best->nkreports] = *kr;
	best->nkreports++;
	/* Said at once: an update with the report, nothing else changed. */
	best->state = INC_UPDATE;
	best->kind_changed = false;
	best->change_reason[0] = '\0';
	if (d->cb)
		d->cb(d->ctx, best);
	return true;
}

void detect_finish(struct detector *d)
{
	while (d->nopen)
		close_at(d, d->nopen - 1);
}
