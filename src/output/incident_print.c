// SPDX-License-Identifier: GPL-2.0
/* An incident's start, update or end line, as text or JSON; its parties' stacks. */
#include <string.h>
#include "output/format.h"
#include "output/incident_print.h"
#include "output/json.h"
#include "output/kreport_print.h"
#include "output/task.h"

/* "waiter_holds_locks:stack,spinner_retrying:hooks": what proved each link seen. */
static void proven_by(const struct incident *inc, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < LINK_MAX; k++)
		if (inc->links[k] == EV_YES && inc->sources[k] != SRC_NONE && k != LINK_NEVER_YIELDS)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s:%s", n ? "," : "",
				      incident_link_names[k], evidence_source_names[inc->sources[k]]);
}

/* " contended=waiter:3@0x7f..,spinner:517@0x7f..": pages their migrations found locked. */
void incident_contended_str(const struct incident *inc, char *buf, size_t len)
{
	const struct contended_skips *w = &inc->waiter_contended, *s = &inc->spinner_contended;
	int n = 0;

	buf[0] = '\0';
	if (w->pages)
		n = snprintf(buf, len, " contended=waiter:%llu@0x%llx", (unsigned long long)w->pages,
			     (unsigned long long)w->first_address);
	if (s->pages && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "%sspinner:%llu@0x%llx", n ? "," : " contended=",
			 (unsigned long long)s->pages, (unsigned long long)s->first_address);
}

/* Last on the line: " kernel_reports=soft_lockup[cpu=3 ...],hung_task[...]". */
static void kreports_text(FILE *out, const struct incident *inc)
{
	uint32_t listed = inc->nkreports < INC_MAX_KREPORTS ? inc->nkreports : INC_MAX_KREPORTS;

	if (!inc->nkreports)
		return;
	fputs(" kernel_reports=", out);
	for (uint32_t i = 0; i < listed; i++) {
		if (i)
			fputc(',', out);
		kreport_print_brief(out, &inc->kreports[i]);
	}
	if (inc->nkreports > listed)
		fprintf(out, ",+%u more", inc->nkreports - listed);
}

void incident_print_text(FILE *out, const struct incident *inc)
{
	char b[4][16], t[64], proven[160], contended[128];

	fprintf(out, "INCIDENT %s #%llu %s", incident_state_names[inc->state],
		(unsigned long long)inc->id, incident_kind_name(inc->kind));
	if (inc->kind_changed)
		fprintf(out, " (was %s%s%s)", incident_kind_name(inc->previous_kind),
			inc->change_reason[0] ? ": " : "", inc->change_reason);
	if (inc->cpu < MT_MAX_CPUS)
		fprintf(out, " cpu=%u", inc->cpu);
	fprintf(out, " duration=%s", fmt_ns(b[0], 16, inc->last_ts - inc->start_ts));
	if (inc->has_waiter) {
		fprintf(out, " waiter=%s pending=%s%s", task_str(t, sizeof(t), &inc->waiter),
			inc->pending_at_attach ? ">=" : "", fmt_ns(b[1], 16, inc->pending_ns));
		if (inc->queuer.pid)
			fprintf(out, " behind=%s", task_str(t, sizeof(t), &inc->queuer));
		if (inc->links[LINK_WAITER_HOLDS] == EV_YES && inc->held_pages)
			fprintf(out, " holds=%llu-pages/%s", (unsigned long long)inc->held_pages,
				fmt_ns(b[2], 16, inc->held_ns));
	}
	if (inc->has_spinner) {
		fprintf(out, " spinner=%s", task_str(t, sizeof(t), &inc->spinner));
		if (inc->context != CTX_UNKNOWN)
			fprintf(out, " ctx=%s", task_context_names[inc->context]);
		if (inc->work_func[0])
			fprintf(out, " work=%s", inc->work_func);
		if (inc->spinner_on_cpu_ns)
			fprintf(out, " on-cpu=%s", fmt_ns(b[3], 16, inc->spinner_on_cpu_ns));
		if (inc->retries)
			fprintf(out, " retries=%llu addr=0x%llx", (unsigned long long)inc->retries,
				(unsigned long long)inc->address);
	}
	if ((inc->kind == INC_STUCK_RT || inc->kind == INC_STUCK_KERNEL) &&
	    inc->fault_loop != EV_UNKNOWN)
		fprintf(out, " fault-loop=%s", evidence_names[inc->fault_loop]);
	incident_contended_str(inc, contended, sizeof(contended));
	fputs(contended, out);
	proven_by(inc, proven, sizeof(proven));
	if (proven[0] && inc->kind != INC_FAULT_STORM)
		fprintf(out, " proven=%s", proven);
	if (inc->unproven[0])
		fprintf(out, " unproven=%s", inc->unproven);
	if (inc->missing[0])
		fprintf(out, " blind=%s", inc->missing);
	kreports_text(out, inc);
	fputc('\n', out);
	fflush(out);
}

static void json_list(struct json *j, const char *key, const char *csv, size_t len)
{
	char list[160], *tok, *save = NULL;

	snprintf(list, sizeof(list) < len ? sizeof(list) : len, "%s", csv);
	json_key_arr(j, key);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_str(j, NULL, tok);
	json_close_arr(j);
}

/* "collect_contended": {"waiter": {"pages": 3, "first_address": "0x..", "ago_ns": ..}, ...}. */
static void json_contended(struct json *j, const struct incident *inc)
{
	const struct contended_skips *k[2] = { &inc->waiter_contended, &inc->spinner_contended };
	static const char *const role[2] = { "waiter", "spinner" };

	if (!k[0]->pages && !k[1]->pages)
		return;
	json_key_obj(j, "collect_contended");
	for (int i = 0; i < 2; i++) {
		if (!k[i]->pages)
			continue;
		json_key_obj(j, role[i]);
		json_u64(j, "pages", k[i]->pages);
		json_hex(j, "first_address", k[i]->first_address);
		json_u64(j, "ago_ns", k[i]->ago_ns);
		json_close(j);
	}
	json_close(j);
}

void incident_print_json(FILE *out, const struct incident *inc)
{
	struct json j;

	json_begin(&j, out, "incident");
	json_u64(&j, "id", inc->id);
	json_str(&j, "kind", incident_kind_name(inc->kind));
	json_str(&j, "state", incident_state_names[inc->state]);
	if (inc->kind_changed) {
		json_str(&j, "previous_kind", incident_kind_name(inc->previous_kind));
		json_str(&j, "change_reason", inc->change_reason);
	}
	json_u64(&j, "start_ts", inc->start_ts);
	json_u64(&j, "duration_ns", inc->last_ts - inc->start_ts);
	if (inc->cpu < MT_MAX_CPUS)
		json_u64(&j, "cpu", inc->cpu);
	if (inc->has_waiter) {
		json_task(&j, "waiter", &inc->waiter);
		if (inc->queuer.pid)
			json_task(&j, "queuer", &inc->queuer);
		json_u64(&j, "pending_ns", inc->pending_ns);
		if (inc->pending_at_attach)
			json_bool(&j, "pending_at_attach", true);
		json_str(&j, "waiter_holds_locks", evidence_names[inc->links[LINK_WAITER_HOLDS]]);
		if (inc->links[LINK_WAITER_HOLDS] == EV_YES && inc->held_pages) {
			json_u64(&j, "held_ns", inc->held_ns);
			json_u64(&j, "held_pages", inc->held_pages);
			json_hex(&j, "held_start", inc->held_start);
			json_hex(&j, "held_end", inc->held_end);
		}
	}
	if (inc->has_spinner) {
		json_task(&j, "spinner", &inc->spinner);
		json_str(&j, "context", task_context_names[inc->context]);
		if (inc->work_func[0])
			json_str(&j, "work_func", inc->work_func);
		json_u64(&j, "spinner_on_cpu_ns", inc->spinner_on_cpu_ns);
		if (inc->kind != INC_FAULT_STORM)
			json_str(&j, "never_yields", evidence_names[inc->links[LINK_NEVER_YIELDS]]);
		json_str(&j, "spinner_retrying", evidence_names[inc->links[LINK_RETRYING]]);
		json_u64(&j, "retries", inc->retries);
		if (inc->address)
			json_hex(&j, "address", inc->address);
		json_str(&j, "address_covered", evidence_names[inc->links[LINK_COVERED]]);
	}
	if (inc->kind != INC_FAULT_STORM) {
		json_key_obj(&j, "sources");
		for (int k = 0; k < LINK_MAX; k++)
			json_str(&j, incident_link_names[k], evidence_source_names[inc->sources[k]]);
		json_close(&j);
	}
	if (inc->kind == INC_STUCK_RT || inc->kind == INC_STUCK_KERNEL)
		json_str(&j, "fault_loop", evidence_names[inc->fault_loop]);
	json_contended(&j, inc);
	if (inc->kind == INC_SUSPECTED_LIVELOCK)
		json_list(&j, "unproven", inc->unproven, sizeof(inc->unproven));
	if (inc->missing[0])
		json_str(&j, "missing_evidence", inc->missing);
	if (inc->nkreports) {
		json_key_arr(&j, "kernel_reports");
		for (uint32_t i = 0; i < inc->nkreports && i < INC_MAX_KREPORTS; i++) {
			json_arr_obj(&j);
			kreport_json_fields(&j, &inc->kreports[i]);
			json_close(&j);
		}
		json_close_arr(&j);
		json_u64(&j, "kernel_reports_total", inc->nkreports);
	}
	json_end(&j);
	fflush(out);
}

static void print_stack(FILE *out, const char *role, const struct mt_task *t, bool json)
{
	char path[64], line[256];
	FILE *f;

	if (!t->pid)
		return;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/stack", t->tgid, t->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (json) {
		struct json j;

		json_begin(&j, out, "stack");
		json_str(&j, "role", role);
		json_u64(&j, "pid", t->pid);
		json_key_arr(&j, "frames");
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			json_str(&j, NULL, line);
		}
		json_close_arr(&j);
		json_end(&j);
	} else {
		fprintf(out, "    %s %u kernel stack:\n", role, t->pid);
		while (fgets(line, sizeof(line), f))
			fprintf(out, "      %s", line);
	}
	fclose(f);
}

void incident_print(FILE *out, const struct incident *inc, bool json, bool stacks)
{
	if (json)
		incident_print_json(out, inc);
	else
		incident_print_text(out, inc);
	if (inc->state != INC_START || !stacks)
		return;
	if (inc->has_waiter)
		print_stack(out, "waiter", &inc->waiter, json);
	if (inc->has_spinner)
		print_stack(out, "spinner", &inc->spinner, json);
}

void incident_detail(const struct incident *inc, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!f)
		return;
	incident_print_text(f, inc);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}
