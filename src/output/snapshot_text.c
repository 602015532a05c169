// SPDX-License-Identifier: GPL-2.0
/* A snapshot (an interval or a whole run) as the text report. */
#include <string.h>
#include "model/drain_rows.h"
#include "model/hist.h"
#include "model/names.h"
#include "output/format.h"
#include "output/hist_print.h"
#include "output/kreport_print.h"
#include "output/snapshot_print.h"
#include "output/task.h"

/* "kernel log: readable (/dev/kmsg); reports: soft_lockup 1 (0 joined to no incident)" */
static void text_kernel_log(FILE *out, const struct kernel_log_state *st)
{
	char buf[256];
	uint64_t total = 0;

	if (!st->known)
		return;
	fprintf(out, "kernel log: %s", kernel_log_status(st, buf, sizeof(buf)));
	if (st->readable) {
		fputs("; reports:", out);
		for (int k = 0; k < KR_KIND_MAX; k++)
			if (st->reports[k])
				fprintf(out, " %s %llu", kreport_kind_names[k],
					(unsigned long long)st->reports[k]);
		for (int k = 0; k < KR_KIND_MAX; k++)
			total += st->reports[k];
		if (!total)
			fputs(" none", out);
		else
			fprintf(out, " (%llu joined to no incident)", (unsigned long long)st->unjoined);
	}
	if (st->lost)
		fprintf(out, "; %llu records overwritten before they were read",
			(unsigned long long)st->lost);
	fputc('\n', out);
}

static void text_header(FILE *out, const struct snapshot *s)
{
	unsigned int counts[MECH_MAX];
	char blind[512], b1[16];
	unsigned int nheld;

	hooks_count(s->hooks, counts);
	hooks_blind_list(s->hooks, blind, sizeof(blind));
	fprintf(out, "migtrace report: %s, %u CPUs; hooks: %u fentry, %u kprobe, %u tracepoint\n",
		fmt_ns(b1, sizeof(b1), s->duration_ns), s->ncpus, counts[MECH_FENTRY],
		counts[MECH_KPROBE], counts[MECH_TRACEPOINT]);
	if (blind[0])
		fprintf(out, "blind (not traceable on this kernel, see 'migtrace caps'): %s\n",
			blind);
	hooks_held_list(s->hooks, blind, sizeof(blind), &nheld);
	if (nheld)
		fprintf(out, "held until no CPU stalls (see 'migtrace caps'): %s\n", blind);
	text_kernel_log(out, &s->kernel_log);
}

static void text_drain_cpus(FILE *out, const struct snapshot *s)
{
	static struct drain_row rows[MT_MAX_CPUS];
	const struct metric_def *cols[DRAIN_COLUMNS_MAX];
	size_t ncols = drain_columns(cols);
	uint32_t n;
	char b[16], t[64];

	fprintf(out, "\nPer-CPU drain work (lru_add_drain_per_cpu)\n");
	if (!hook_seen(s->hooks, HOOK_DRAIN_WORK)) {
		fprintf(out, "    not traced: workqueue tracepoints unavailable\n");
		return;
	}
	fprintf(out, "%5s", "CPU");
	for (size_t k = 0; k < ncols; k++)
		if (cols[k]->column)
			fprintf(out, " %*s", cols[k]->width, cols[k]->column);
	fprintf(out, "  %s\n", "LONGEST RUNNER WHILE PENDING");
	n = drain_rows(s, rows);
	for (uint32_t i = 0; i < n; i++) {
		const struct drain_row *r = &rows[i];

		fprintf(out, "%5u", r->cpu);
		for (size_t k = 0; k < ncols; k++) {
			if (!cols[k]->column)
				continue;
			if (cols[k]->unit == UNIT_NS)
				fprintf(out, " %*s", cols[k]->width, fmt_ns(b, sizeof(b), r->value[k]));
			else
				fprintf(out, " %*llu", cols[k]->width, (unsigned long long)r->value[k]);
		}
		snprintf(t, sizeof(t), "%s", "-");
		if (r->blocker.pid)
			task_str(t, sizeof(t), &r->blocker);
		fprintf(out, "  %s", t);
		if (r->blocker.pid)
			fprintf(out, " (%s)", fmt_ns(b, sizeof(b), r->blocker_ns));
		fputc('\n', out);
	}
	fprintf(out, "    LAST: times the CPU finished last in an lru_add_drain_all\n");
}

static void text_pending(FILE *out, const struct snapshot *s)
{
	char b[3][16], t1[64], t2[64];

	if (!s->npending)
		return;
	fprintf(out, "\nDrain work pending now\n");
	for (uint32_t i = 0; i < s->npending; i++) {
		const struct pending_drain *p = &s->pending[i];

		fprintf(out, "    CPU %u: pending %s, queued by %s; on CPU: %s for %s",
			p->cpu, fmt_ns(b[0], 16, p->age_ns), task_str(t1, sizeof(t1), &p->queuer),
			task_str(t2, sizeof(t2), &p->occupant), fmt_ns(b[1], 16, p->occupant_ns));
		if (p->blocker.pid)
			fprintf(out, "; longest earlier runner %s (%s)",
				task_str(t1, sizeof(t1), &p->blocker), fmt_ns(b[2], 16, p->blocker_ns));
		fprintf(out, "; queuer holds locked folios: %s", evidence_names[p->queuer_holds]);
		if (p->occupant_run_seen)
			fprintf(out, "; occupant refaults 0x%llx (%llu retries)",
				(unsigned long long)p->occupant_run.address,
				(unsigned long long)p->occupant_run.retries);
		fputc('\n', out);
	}
}

static void text_drain_all(FILE *out, const struct snapshot *s)
{
	const struct drain_all_stats *d = &s->events.drain_all;
	int i = HOOK_LRU_ADD_DRAIN_ALL;
	char b[3][16], t[64];

	fprintf(out, "\nlru_add_drain_all");
	if (s->hooks[i].mech == MECH_NONE) {
		fprintf(out, ": not traced\n");
		return;
	}
	fprintf(out, " (%s)\n", s->hooks[i].approximate ? "rebuilt from its work items" :
		mechanism_name(s->hooks[i].mech));
	fprintf(out, "    calls %llu, with folio locks held %llu%s; p50 %s, max %s",
		(unsigned long long)d->calls, (unsigned long long)d->with_locks,
		s->hooks[i].approximate ? " (unknown: migrate hooks blind)" : "",
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

static void text_runs(FILE *out, const struct fault_run *runs, const char *title)
{
	char t[64], b[16];

	if (!runs[0].attempts)
		return;
	fprintf(out, "%s\n", title);
	for (int i = 0; i < STATS_TOP && runs[i].attempts; i++) {
		const struct fault_run *x = &runs[i];

		fprintf(out, "    %-32s addr 0x%llx attempts %llu retries %llu over %s (%s)\n",
			task_str(t, sizeof(t), &x->task), (unsigned long long)x->address,
			(unsigned long long)x->attempts, (unsigned long long)x->retries,
			fmt_ns(b, sizeof(b), x->last_ts - x->first_ts),
			fault_source_name(x->source));
	}
}

static void text_faults(FILE *out, const struct snapshot *s)
{
	const struct fault_stats *f = &s->events.faults;
	int i = HOOK_DO_SWAP_PAGE;

	fprintf(out, "\nFault runs (repeated faults by one task on one page)");
	if (s->hooks[i].mech == MECH_NONE) {
		fprintf(out, ": not traced\n");
		return;
	}
	fprintf(out, " via %s\n", s->hooks[i].approximate ? "exceptions:page_fault_user" :
		"do_swap_page");
	fprintf(out, "    ended runs %llu, attempts %llu, retries %llu, longest %llu\n",
		(unsigned long long)f->runs, (unsigned long long)f->attempts,
		(unsigned long long)f->retries, (unsigned long long)f->max_attempts);
	text_runs(out, f->top, "    longest ended runs:");
	text_runs(out, s->open_runs, "    runs still going:");
}

static void text_migrate(FILE *out, const struct snapshot *s)
{
	const struct migrate_stats *m = &s->events.migrate;
	const struct folio_stats *f = &s->events.folio;
	char b[16], t[64];

	fprintf(out, "\nMigration and folio locks\n");
	if (!hook_migrate_seen(s->hooks))
		fprintf(out, "    migrate hooks blind on this kernel\n");
	else
		fprintf(out, "    setups %llu (errors %llu), pages %llu collected %llu, "
			"finalizes %llu; longest hold %s by %s\n",
			(unsigned long long)m->setups, (unsigned long long)m->setup_errors,
			(unsigned long long)m->npages, (unsigned long long)m->cpages,
			(unsigned long long)m->finalizes, fmt_ns(b, 16, m->hold_max_ns),
			task_str(t, sizeof(t), &m->hold_max_task));
	if (hook_seen(s->hooks, HOOK_FOLIO_LOCK))
		fprintf(out, "    folio lock sleeps %llu, longest %s by %s\n",
			(unsigned long long)f->waits, fmt_ns(b, 16, f->wait_max_ns),
			task_str(t, sizeof(t), &f->worst_waiter));
	if (hook_seen(s->hooks, HOOK_FOLIO_UNLOCK) && f->contended_unlocks) {
		fprintf(out, "    contended unlocks %llu; holders:", (unsigned long long)f->contended_unlocks);
		for (int i = 0; i < STATS_TOP; i++)
			if (f->holders[i].count)
				fprintf(out, " %s x%llu", task_str(t, sizeof(t), &f->holders[i].task),
					(unsigned long long)f->holders[i].count);
		fputc('\n', out);
	}
	if (hook_seen(s->hooks, HOOK_SWAP_PAGE_TRYLOCK) || hook_seen(s->hooks, HOOK_COLLECT_TRYLOCK))
		fprintf(out, "    trylock do_swap_page ok %llu failed %llu; collect ok %llu failed %llu\n",
			(unsigned long long)s->events.trylock_ok[MT_TRY_SWAP_PAGE],
			(unsigned long long)s->events.trylock_fail[MT_TRY_SWAP_PAGE],
			(unsigned long long)s->events.trylock_ok[MT_TRY_COLLECT],
			(unsigned long long)s->events.trylock_fail[MT_TRY_COLLECT]);
}

static void text_incidents(FILE *out, const struct snapshot *s)
{
	char b[2][16];

	if (!s->detecting)
		return;
	fprintf(out, "\nIncidents:");
	for (int k = 0; k < INC_KIND_MAX; k++) {
		const struct incident_totals *t = &s->incidents[k];

		fprintf(out, " %s %llu", incident_kind_name(k), (unsigned long long)t->count);
		if (t->count)
			fprintf(out, " (longest %s, total %s)", fmt_ns(b[0], 16, t->max_ns),
				fmt_ns(b[1], 16, t->total_ns));
		fputc(k + 1 < INC_KIND_MAX ? ',' : '\n', out);
	}
}

static void text_losses(FILE *out, const struct snapshot *s)
{
	fprintf(out, "\nLost: %llu records dropped (ring buffer full)",
		(unsigned long long)s->dropped_total);
	for (int t = 1; t < MT_EV_TYPE_MAX; t++)
		if (s->dropped[t])
			fprintf(out, " %s=%llu", event_type_name(t), (unsigned long long)s->dropped[t]);
	fprintf(out, ", %llu state updates refused (tables full), %llu malformed records\n",
		(unsigned long long)s->state_full, (unsigned long long)s->malformed);
}

void snapshot_print_text(FILE *out, const struct snapshot *s)
{
	text_header(out, s);
	text_drain_cpus(out, s);
	text_pending(out, s);
	text_drain_all(out, s);
	text_faults(out, s);
	text_migrate(out, s);
	text_incidents(out, s);
	for (int id = MT_H_PER_CPU; id < MT_H_MAX; id++) {
		if (!snapshot_hist(s, id)->count)
			continue;
		fputc('\n', out);
		hist_print(out, snapshot_hist(s, id), metric_by_hist(id)->help);
	}
	text_losses(out, s);
	fflush(out);
}
