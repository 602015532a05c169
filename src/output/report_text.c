// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/hist.h"
#include "output/json.h"
#include "model/snapshot.h"
#include "core/util.h"

const char *hist_name(enum mt_hist_id id)
{
	static const char *const names[] = {
		[MT_H_DRAIN_WAIT] = "drain_wait", [MT_H_DRAIN_EXEC] = "drain_exec",
		[MT_H_DRAIN_ALL] = "drain_all", [MT_H_SWAP_PAGE] = "do_swap_page",
		[MT_H_FOLIO_WAIT] = "folio_lock_wait", [MT_H_MIGRATE_SETUP] = "migrate_setup",
		[MT_H_MIGRATE_HOLD] = "migrate_hold",
	};

	return id < MT_H_MAX ? names[id] : "?";
}

static const char *hist_title(enum mt_hist_id id)
{
	static const char *const titles[] = {
		[MT_H_DRAIN_WAIT] = "lru_add_drain_per_cpu queued -> started",
		[MT_H_DRAIN_EXEC] = "lru_add_drain_per_cpu started -> ended",
		[MT_H_DRAIN_ALL] = "lru_add_drain_all latency",
		[MT_H_SWAP_PAGE] = "do_swap_page latency",
		[MT_H_FOLIO_WAIT] = "__folio_lock sleep (folio lock contention)",
		[MT_H_MIGRATE_SETUP] = "migrate setup (collect + lock + unmap)",
		[MT_H_MIGRATE_HOLD] = "folio locks held: migrate setup -> finalize",
	};

	return id < MT_H_MAX ? titles[id] : "?";
}

const char *event_type_name(uint32_t type)
{
	static const char *const names[] = {
		[MT_EV_MIGRATE_SETUP] = "migrate_setup", [MT_EV_MIGRATE_PAGES] = "migrate_pages",
		[MT_EV_MIGRATE_FINALIZE] = "migrate_finalize", [MT_EV_DRAIN_ALL] = "drain_all",
		[MT_EV_DRAIN_QUEUE] = "drain_queue", [MT_EV_DRAIN_WORK] = "drain_work",
		[MT_EV_FAULT_RUN] = "fault_run", [MT_EV_FOLIO_WAIT] = "folio_wait",
		[MT_EV_FOLIO_UNLOCK] = "folio_unlock", [MT_EV_TRYLOCK] = "trylock",
		[MT_EV_MIGRATE_ENTER] = "migrate_enter",
	};

	return type < MT_EV_TYPE_MAX && names[type] ? names[type] : "?";
}

static const char *fault_source_name(uint32_t source)
{
	return source == MT_FAULT_PAGE_FAULT_USER ? "page_fault_user" : "do_swap_page";
}

/* A task name fit for a terminal: tasks choose their names, escapes included. */
static void comm_printable(char out[MT_COMM_LEN + 1], const char *comm)
{
	int i;

	for (i = 0; i < MT_COMM_LEN && comm[i]; i++)
		out[i] = comm[i] >= 0x20 && comm[i] < 0x7f ? comm[i] : '?';
	out[i] = '\0';
}

const char *task_str(char *buf, size_t len, const struct mt_task *t)
{
	char comm[MT_COMM_LEN + 1];

	if (!t->pid && !t->comm[0]) {
		snprintf(buf, len, "-");
		return buf;
	}
	comm_printable(comm, t->comm);
	if (sched_policy_is_rt(t->policy))
		snprintf(buf, len, "%s/%u %s:%d", comm, t->pid,
			 sched_policy_name(t->policy), rt_priority_of(t->prio));
	else
		snprintf(buf, len, "%s/%u %s", comm, t->pid, sched_policy_name(t->policy));
	return buf;
}

void json_task(struct json *j, const char *key, const struct mt_task *t)
{
	json_key_obj(j, key);
	json_u64(j, "pid", t->pid);
	json_u64(j, "tgid", t->tgid);
	json_str(j, "comm", t->comm);
	json_str(j, "policy", sched_policy_name(t->policy));
	json_i64(j, "prio", t->prio);
	json_i64(j, "rt_priority", rt_priority_of(t->prio));
	json_close(j);
}

static bool hook_seen(const struct report *r, const char *name)
{
	int i = hook_index(name);

	return i >= 0 && r->hooks && r->hooks[i].mech != MECH_NONE;
}

/* ---- text --------------------------------------------------------------- */

static void text_header(FILE *out, const struct report *r)
{
	unsigned int counts[MECH_MAX];
	char blind[512], b1[16];

	hooks_count(r->hooks, counts);
	hooks_blind_list(r->hooks, blind, sizeof(blind));
	fprintf(out, "migtrace report: %s, %u CPUs; hooks: %u fentry, %u kprobe, %u tracepoint\n",
		fmt_ns(b1, sizeof(b1), r->duration_ns), r->ncpus, counts[MECH_FENTRY],
		counts[MECH_KPROBE], counts[MECH_TRACEPOINT]);
	if (blind[0])
		fprintf(out, "blind (not traceable on this kernel, see 'migtrace caps'): %s\n",
			blind);
}

static void text_drain_cpus(FILE *out, const struct report *r)
{
	const struct agg *a = r->agg;
	char b[5][16], t[64];

	fprintf(out, "\nPer-CPU drain work (lru_add_drain_per_cpu)\n");
	if (!hook_seen(r, "lru_add_drain_per_cpu")) {
		fprintf(out, "    not traced: workqueue tracepoints unavailable\n");
		return;
	}
	fprintf(out, "%5s %8s %9s %9s %9s %9s %9s  %s\n", "CPU", "WORKS", "WAIT_P50",
		"WAIT_P99", "WAIT_MAX", "EXEC_MAX", "LAST", "LONGEST RUNNER WHILE PENDING");
	for (uint32_t c = 0; c < r->ncpus; c++) {
		const struct mt_hist *w = &r->cpu[MT_H_DRAIN_WAIT][c];
		const struct mt_hist *x = &r->cpu[MT_H_DRAIN_EXEC][c];
		const struct agg_cpu *ac = &a->cpu[c];

		if (!w->count && !ac->works)
			continue;
		snprintf(t, sizeof(t), "%s", "-");
		if (ac->blocker.pid)
			task_str(t, sizeof(t), &ac->blocker);
		fprintf(out, "%5u %8llu %9s %9s %9s %9s %9llu  %s%s%s%s\n", c,
			(unsigned long long)w->count, fmt_ns(b[0], 16, hist_percentile(w, 50)),
			fmt_ns(b[1], 16, hist_percentile(w, 99)), fmt_ns(b[2], 16, w->max_ns),
			fmt_ns(b[3], 16, x->max_ns), (unsigned long long)ac->straggled, t,
			ac->blocker.pid ? " (" : "",
			ac->blocker.pid ? fmt_ns(b[4], 16, ac->blocker_ns) : "",
			ac->blocker.pid ? ")" : "");
	}
	fprintf(out, "    LAST: times the CPU finished last in an lru_add_drain_all\n");
}

static void text_pending(FILE *out, const struct report *r)
{
	char b[3][16], t1[64], t2[64];

	if (!r->npending)
		return;
	fprintf(out, "\nDrain work pending now\n");
	for (uint32_t i = 0; i < r->npending; i++) {
		const struct pending_drain *p = &r->pending[i];

		fprintf(out, "    CPU %u: pending %s, queued by %s; on CPU: %s for %s",
			p->cpu, fmt_ns(b[0], 16, p->age_ns), task_str(t1, sizeof(t1), &p->queuer),
			task_str(t2, sizeof(t2), &p->occupant), fmt_ns(b[1], 16, p->occupant_ns));
		if (p->blocker.pid)
			fprintf(out, "; longest earlier runner %s (%s)",
				task_str(t1, sizeof(t1), &p->blocker), fmt_ns(b[2], 16, p->blocker_ns));
		fputc('\n', out);
	}
}

static void text_drain_all(FILE *out, const struct report *r)
{
	const struct agg_drain_all *d = &r->agg->drain_all;
	int i = hook_index("lru_add_drain_all");
	char b[3][16], t[64];

	fprintf(out, "\nlru_add_drain_all");
	if (!r->hooks || r->hooks[i].mech == MECH_NONE) {
		fprintf(out, ": not traced\n");
		return;
	}
	fprintf(out, " (%s)\n", r->hooks[i].approximate ? "rebuilt from its work items" :
		mechanism_name(r->hooks[i].mech));
	fprintf(out, "    calls %llu, with folio locks held %llu%s; p50 %s, max %s",
		(unsigned long long)d->calls, (unsigned long long)d->with_locks,
		r->hooks[i].approximate ? " (unknown: migrate hooks blind)" : "",
		fmt_ns(b[0], 16, hist_percentile(&d->latency, 50)),
		fmt_ns(b[1], 16, d->latency.max_ns));
	if (d->calls)
		fprintf(out, " by %s", task_str(t, sizeof(t), &d->worst_caller));
	if (d->calls && d->worst_straggler_cpu < MT_MAX_CPUS)
		fprintf(out, ", waiting on CPU %u", d->worst_straggler_cpu);
	fputc('\n', out);
	if (d->batches_evicted)
		fprintf(out, "    %llu calls lost track of (work items dropped)\n",
			(unsigned long long)d->batches_evicted);
}

static void text_runs(FILE *out, const struct agg_run *runs, const char *title,
		      const struct report *r)
{
	char t[64], b[16];

	if (!runs[0].attempts)
		return;
	fprintf(out, "%s\n", title);
	for (int i = 0; i < AGG_TOP && runs[i].attempts; i++) {
		const struct agg_run *x = &runs[i];

		fprintf(out, "    %-32s addr 0x%llx attempts %llu retries %llu over %s (%s)\n",
			task_str(t, sizeof(t), &x->task), (unsigned long long)x->address,
			(unsigned long long)x->attempts, (unsigned long long)x->retries,
			fmt_ns(b, sizeof(b), x->last_ts - x->first_ts),
			fault_source_name(x->source));
	}
}

static void text_faults(FILE *out, const struct report *r)
{
	const struct agg_faults *f = &r->agg->faults;
	int i = hook_index("do_swap_page");

	fprintf(out, "\nFault runs (repeated faults by one task on one page)");
	if (!r->hooks || r->hooks[i].mech == MECH_NONE) {
		fprintf(out, ": not traced\n");
		return;
	}
	fprintf(out, " via %s\n", r->hooks[i].approximate ? "exceptions:page_fault_user" :
		"do_swap_page");
	fprintf(out, "    ended runs %llu, attempts %llu, retries %llu, longest %llu\n",
		(unsigned long long)f->runs, (unsigned long long)f->attempts,
		(unsigned long long)f->retries, (unsigned long long)f->max_attempts);
	text_runs(out, f->top, "    longest ended runs:", r);
	text_runs(out, r->open_runs, "    runs still going:", r);
}

static void text_migrate(FILE *out, const struct report *r)
{
	const struct agg_migrate *m = &r->agg->migrate;
	const struct agg_folio *f = &r->agg->folio;
	char b[16], t[64];

	fprintf(out, "\nMigration and folio locks\n");
	if (!hook_seen(r, "migrate_vma_setup") && !hook_seen(r, "migrate_device_range"))
		fprintf(out, "    migrate hooks blind on this kernel\n");
	else
		fprintf(out, "    setups %llu (errors %llu), pages %llu collected %llu, "
			"finalizes %llu; longest hold %s by %s\n",
			(unsigned long long)m->setups, (unsigned long long)m->setup_errors,
			(unsigned long long)m->npages, (unsigned long long)m->cpages,
			(unsigned long long)m->finalizes, fmt_ns(b, 16, m->hold_max_ns),
			task_str(t, sizeof(t), &m->hold_max_task));
	if (hook_seen(r, "__folio_lock"))
		fprintf(out, "    folio lock sleeps %llu, longest %s by %s\n",
			(unsigned long long)f->waits, fmt_ns(b, 16, f->wait_max_ns),
			task_str(t, sizeof(t), &f->worst_waiter));
	if (hook_seen(r, "folio_unlock") && f->contended_unlocks) {
		fprintf(out, "    contended unlocks %llu; holders:", (unsigned long long)f->contended_unlocks);
		for (int i = 0; i < AGG_TOP; i++)
			if (f->holders[i].count)
				fprintf(out, " %s x%llu", task_str(t, sizeof(t), &f->holders[i].task),
					(unsigned long long)f->holders[i].count);
		fputc('\n', out);
	}
	if (hook_seen(r, "swap_page_trylock") || hook_seen(r, "collect_trylock"))
		fprintf(out, "    trylock do_swap_page ok %llu failed %llu; collect ok %llu failed %llu\n",
			(unsigned long long)r->agg->trylock_ok[MT_TRY_SWAP_PAGE],
			(unsigned long long)r->agg->trylock_fail[MT_TRY_SWAP_PAGE],
			(unsigned long long)r->agg->trylock_ok[MT_TRY_COLLECT],
			(unsigned long long)r->agg->trylock_fail[MT_TRY_COLLECT]);
}

static void text_incidents(FILE *out, const struct report *r)
{
	char b[2][16];

	if (!r->detecting)
		return;
	fprintf(out, "\nIncidents:");
	for (int k = 0; k < INC_KIND_MAX; k++) {
		const struct incident_totals *t = &r->incidents[k];

		fprintf(out, " %s %llu", incident_kind_name(k), (unsigned long long)t->count);
		if (t->count)
			fprintf(out, " (longest %s, total %s)", fmt_ns(b[0], 16, t->max_ns),
				fmt_ns(b[1], 16, t->total_ns));
		fputc(k + 1 < INC_KIND_MAX ? ',' : '\n', out);
	}
}

static void text_losses(FILE *out, const struct report *r)
{
	fprintf(out, "\nLost: %llu records dropped (ring buffer full)",
		(unsigned long long)r->dropped_total);
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		if (r->dropped[t])
			fprintf(out, " %s=%llu", event_type_name(t), (unsigned long long)r->dropped[t]);
	fprintf(out, ", %llu state updates refused (tables full), %llu malformed records\n",
		(unsigned long long)r->state_full, (unsigned long long)r->bad_records);
}

/* Kernel histograms, with lru_add_drain_all's rebuilt one where it is not hooked. */
static const struct mt_hist *global_hist(const struct report *r, int id)
{
	if (id == MT_H_DRAIN_ALL && !r->global[id].count)
		return &r->agg->drain_all.latency;
	return &r->global[id];
}

void report_text(FILE *out, const struct report *r)
{
	text_header(out, r);
	text_drain_cpus(out, r);
	text_pending(out, r);
	text_drain_all(out, r);
	text_faults(out, r);
	text_migrate(out, r);
	text_incidents(out, r);
	for (int id = MT_H_PER_CPU; id < MT_H_MAX; id++) {
		if (!global_hist(r, id)->count)
			continue;
		fputc('\n', out);
		hist_print(out, global_hist(r, id), hist_title(id));
	}
	text_losses(out, r);
	fflush(out);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_run(FILE *out, const struct agg_run *x)
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

void report_json(FILE *out, const struct report *r)
{
	const struct agg *a = r->agg;
	struct json j;
	unsigned int counts[MECH_MAX];

	hooks_count(r->hooks, counts);
	json_begin(&j, out, "summary");
	json_u64(&j, "duration_ns", r->duration_ns);
	json_u64(&j, "cpus", r->ncpus);
	json_key_obj(&j, "hooks");
	for (int m = 0; m < MECH_MAX; m++)
		json_u64(&j, mechanism_name(m), counts[m]);
	json_close(&j);
	json_key_obj(&j, "events");
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		json_u64(&j, event_type_name(t), a->events[t]);
	json_close(&j);
	json_end(&j);

	for (uint32_t c = 0; c < r->ncpus; c++) {
		const struct mt_hist *w = &r->cpu[MT_H_DRAIN_WAIT][c];
		const struct agg_cpu *ac = &a->cpu[c];

		if (!w->count && !ac->works)
			continue;
		json_begin(&j, out, "drain_cpu");
		json_u64(&j, "cpu", c);
		json_u64(&j, "works", w->count);
		json_u64(&j, "wait_p50_ns", hist_percentile(w, 50));
		json_u64(&j, "wait_p99_ns", hist_percentile(w, 99));
		json_u64(&j, "wait_max_ns", w->max_ns);
		json_u64(&j, "exec_max_ns", r->cpu[MT_H_DRAIN_EXEC][c].max_ns);
		json_u64(&j, "straggled", ac->straggled);
		if (ac->blocker.pid) {
			json_task(&j, "blocker", &ac->blocker);
			json_u64(&j, "blocker_ns", ac->blocker_ns);
		}
		json_end(&j);
	}
	for (uint32_t i = 0; i < r->npending; i++) {
		const struct pending_drain *p = &r->pending[i];

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
		json_end(&j);
	}

	if (hook_seen(r, "lru_add_drain_all")) {
		const struct agg_drain_all *d = &a->drain_all;

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
	for (int i = 0; i < AGG_TOP && a->faults.top[i].attempts; i++)
		json_run(out, &a->faults.top[i]);
	for (int i = 0; i < AGG_TOP && r->open_runs[i].attempts; i++)
		json_run(out, &r->open_runs[i]);

	if (hook_seen(r, "migrate_vma_setup") || hook_seen(r, "migrate_device_range")) {
		const struct agg_migrate *m = &a->migrate;

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
			for (uint32_t c = 0; c < r->ncpus; c++) {
				if (!r->cpu[id][c].count)
					continue;
				json_begin(&j, out, "hist");
				json_str(&j, "name", hist_name(id));
				json_u64(&j, "cpu", c);
				hist_json_fields(&j, &r->cpu[id][c]);
				json_end(&j);
			}
			continue;
		}
		if (!global_hist(r, id)->count)
			continue;
		json_begin(&j, out, "hist");
		json_str(&j, "name", hist_name(id));
		hist_json_fields(&j, global_hist(r, id));
		json_end(&j);
	}

	if (r->detecting) {
		json_begin(&j, out, "incidents");
		for (int k = 0; k < INC_KIND_MAX; k++) {
			json_key_obj(&j, incident_kind_name(k));
			json_u64(&j, "count", r->incidents[k].count);
			json_u64(&j, "open", r->incidents[k].open);
			json_u64(&j, "total_ns", r->incidents[k].total_ns);
			json_u64(&j, "max_ns", r->incidents[k].max_ns);
			json_close(&j);
		}
		json_end(&j);
	}

	json_begin(&j, out, "drops");
	json_u64(&j, "total", r->dropped_total);
	json_key_obj(&j, "by_type");
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		json_u64(&j, event_type_name(t), r->dropped[t]);
	json_close(&j);
	json_u64(&j, "state_full", r->state_full);
	json_u64(&j, "bad_records", r->bad_records);
	json_end(&j);
	fflush(out);
}
