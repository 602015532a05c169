// SPDX-License-Identifier: GPL-2.0
/* A snapshot (an interval or a whole run) as the report's JSON lines. */
#include <string.h>
#include "model/drain_rows.h"
#include "output/hist_print.h"
#include "model/hist.h"
#include "model/snapshot.h"
#include "output/json.h"
#include "output/kreport_print.h"
#include "model/names.h"
#include "output/snapshot_print.h"
#include "output/task.h"

static void json_run(FILE *out, const struct fault_run *x)
{
	struct json j;

	json_begin(&j, out, "fault_run");
	json_task(&j, "task", &x->task);
	json_hex(&j, "address", x->address);
	json_u64(&j, "attempts", x->attempts);
	json_u64(&j, "retries", x->retries);
	json_u64(&j, "duration_ns", x->last_ts - x->first_ts);
	json_str(&j, "source", fault_source_name(x->source));
	json_bool(&j, "open", x->open);
	json_end(&j);
}

/* The per-CPU drain table: one "drain_cpu" line per row. */
static void json_drain_cpus(FILE *out, const struct snapshot *s)
{
	static struct drain_row rows[MT_MAX_CPUS];
	const struct metric_def *cols[DRAIN_COLUMNS_MAX];
	size_t ncols = drain_columns(cols);
	uint32_t n = drain_rows(s, rows);
	struct json j;

	for (uint32_t i = 0; i < n; i++) {
		json_begin(&j, out, "drain_cpu");
		json_u64(&j, "cpu", rows[i].cpu);
		for (size_t k = 0; k < ncols; k++)
			if (cols[k]->json)
				json_u64(&j, cols[k]->json, rows[i].value[k]);
		if (rows[i].blocker.pid) {
			json_task(&j, "blocker", &rows[i].blocker);
			json_u64(&j, "blocker_ns", rows[i].blocker_ns);
		}
		json_end(&j);
	}
}

void snapshot_print_json(FILE *out, const struct snapshot *s)
{
	const struct event_stats *a = &s->events;
	struct json j;
	unsigned int counts[MECH_MAX], nheld;
	char held[512];

	hooks_count(s->hooks, counts);
	hooks_held_list(s->hooks, held, sizeof(held), &nheld);
	json_begin(&j, out, "summary");
	json_u64(&j, "duration_ns", s->duration_ns);
	json_u64(&j, "cpus", s->ncpus);
	json_key_obj(&j, "hooks");
	for (int m = 0; m < MECH_MAX; m++)
		json_u64(&j, mechanism_name(m), counts[m]);
	if (nheld)	/* counted as none: held back while a CPU stalls */
		json_u64(&j, "held", nheld);
	json_close(&j);
	json_key_obj(&j, "events");
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		json_u64(&j, event_type_name(t), a->events[t]);
	json_close(&j);
	json_end(&j);

	json_drain_cpus(out, s);
	for (uint32_t i = 0; i < s->npending; i++) {
		const struct pending_drain *p = &s->pending[i];

		json_begin(&j, out, "pending");
		json_u64(&j, "cpu", p->cpu);
		json_u64(&j, "age_ns", p->age_ns);
		json_task(&j, "queuer", &p->queuer);
		json_task(&j, "occupant", &p->occupant);
		json_u64(&j, "occupant_ns", p->occupant_ns);
		if (p->blocker.pid) {
			json_task(&j, "blocker", &p->blocker);
			json_u64(&j, "blocker_ns", p->blocker_ns);
		}
		json_str(&j, "queuer_holds_locks", evidence_names[p->queuer_holds]);
		if (p->queuer_holds == EV_YES)
			json_u64(&j, "held_ns", p->held_ns);
		if (p->occupant_run_seen) {
			json_hex(&j, "occupant_fault_address", p->occupant_run.address);
			json_u64(&j, "occupant_fault_retries", p->occupant_run.retries);
		}
		json_end(&j);
	}

	if (hook_seen(s->hooks, HOOK_LRU_ADD_DRAIN_ALL)) {
		const struct drain_all_stats *d = &a->drain_all;

		json_begin(&j, out, "drain_all");
		json_bool(&j, "approximate", !d->hooked);
		json_u64(&j, "calls", d->calls);
		json_u64(&j, "with_locks", d->with_locks);
		json_u64(&j, "p50_ns", hist_percentile(&d->latency, 50));
		json_u64(&j, "max_ns", d->latency.max_ns);
		if (d->calls) {
			json_task(&j, "worst_caller", &d->worst_caller);
			if (d->worst_straggler_cpu < MT_MAX_CPUS)
				json_u64(&j, "worst_straggler_cpu", d->worst_straggler_cpu);
		}
		json_end(&j);
	}

	json_begin(&j, out, "faults");
	json_u64(&j, "runs", a->faults.runs);
	json_u64(&j, "attempts", a->faults.attempts);
	json_u64(&j, "retries", a->faults.retries);
	json_u64(&j, "max_attempts", a->faults.max_attempts);
	json_end(&j);
	for (int i = 0; i < STATS_TOP && a->faults.top[i].attempts; i++)
		json_run(out, &a->faults.top[i]);
	for (int i = 0; i < STATS_TOP && s->open_runs[i].attempts; i++)
		json_run(out, &s->open_runs[i]);

	if (hook_migrate_seen(s->hooks)) {
		const struct migrate_stats *m = &a->migrate;

		json_begin(&j, out, "migrate");
		json_u64(&j, "setups", m->setups);
		json_u64(&j, "setup_errors", m->setup_errors);
		json_u64(&j, "npages", m->npages);
		json_u64(&j, "cpages", m->cpages);
		json_u64(&j, "finalizes", m->finalizes);
		json_u64(&j, "hold_max_ns", m->hold_max_ns);
		if (m->finalizes)
			json_task(&j, "hold_max_task", &m->hold_max_task);
		json_u64(&j, "folio_waits", a->folio.waits);
		json_u64(&j, "folio_wait_max_ns", a->folio.wait_max_ns);
		json_u64(&j, "contended_unlocks", a->folio.contended_unlocks);
		json_u64(&j, "swap_trylock_ok", a->trylock_ok[MT_TRY_SWAP_PAGE]);
		json_u64(&j, "swap_trylock_fail", a->trylock_fail[MT_TRY_SWAP_PAGE]);
		json_u64(&j, "collect_trylock_ok", a->trylock_ok[MT_TRY_COLLECT]);
		json_u64(&j, "collect_trylock_fail", a->trylock_fail[MT_TRY_COLLECT]);
		json_end(&j);
	}

	for (int id = 0; id < MT_H_MAX; id++) {
		if (id < MT_H_PER_CPU) {
			for (uint32_t c = 0; c < s->ncpus; c++) {
				if (!s->cpu[id][c].count)
					continue;
				json_begin(&j, out, "hist");
				json_str(&j, "name", metric_by_hist(id)->name);
				json_u64(&j, "cpu", c);
				hist_json_fields(&j, &s->cpu[id][c]);
				json_end(&j);
			}
			continue;
		}
		if (!snapshot_hist(s, id)->count)
			continue;
		json_begin(&j, out, "hist");
		json_str(&j, "name", metric_by_hist(id)->name);
		hist_json_fields(&j, snapshot_hist(s, id));
		json_end(&j);
	}

	if (s->detecting) {
		json_begin(&j, out, "incidents");
		for (int k = 0; k < INC_KIND_MAX; k++) {
			json_key_obj(&j, incident_kind_name(k));
			json_u64(&j, "count", s->incidents[k].count);
			json_u64(&j, "open", s->incidents[k].open);
			json_u64(&j, "total_ns", s->incidents[k].total_ns);
			json_u64(&j, "max_ns", s->incidents[k].max_ns);
			json_close(&j);
		}
		json_end(&j);
	}

	if (s->kernel_log.known) {
		json_begin(&j, out, "kernel_log");
		kernel_log_json_fields(&j, &s->kernel_log);
		json_end(&j);
	}

	json_begin(&j, out, "drops");
	json_u64(&j, "total", s->dropped_total);
	json_key_obj(&j, "by_type");
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		json_u64(&j, event_type_name(t), s->dropped[t]);
	json_close(&j);
	json_u64(&j, "state_full", s->state_full);
	json_u64(&j, "bad_records", s->malformed);
	json_end(&j);
	fflush(out);
}
