// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "output/format.h"
#include "output/incident_kmsg.h"
#include "output/incident_print.h"
#include "output/json.h"

#define CUT_MARK " ..."

bool incident_kmsg_wanted(const struct incident *inc)
{
	return inc->state != INC_UPDATE || inc->kind_changed;
}

int incident_kmsg_level(const struct incident *inc)
{
	static const int by_rank[] = { 5, 4, 3, 3 };	/* drain_stall .. livelock */
	int rank = incident_kind_rank(inc->kind);

	if (inc->state == INC_END)
		return 6;
	return rank >= 0 && rank < 4 ? by_rank[rank] : 4;
}

struct line {
	char *buf;
	size_t len, cap;
};

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = l->len + n < l->cap ? l->len + n : l->cap - 1;
}

/* "comm/pid": the name as a log can carry it (no space, '=' or ',' a field could end at). */
static void add_task(struct line *l, const char *key, const struct mt_task *t)
{
	char comm[MT_COMM_LEN + 1];
	int i;

	for (i = 0; i < MT_COMM_LEN && t->comm[i]; i++)
		comm[i] = t->comm[i] > ' ' && t->comm[i] < 0x7f && t->comm[i] != '=' &&
			  t->comm[i] != ',' ? t->comm[i] : '?';
	comm[i] = '\0';
	add(l, " %s=%s/%u", key, comm, t->pid);
}

/* "links=waiter_holds_locks:yes/stack,never_yields:yes/measured,...". */
static void add_links(struct line *l, const struct incident *inc)
{
	add(l, " links=");
	for (int k = 0; k < LINK_MAX; k++) {
		add(l, "%s%s:%s", k ? "," : "", incident_link_names[k], evidence_names[inc->links[k]]);
		if (inc->links[k] != EV_UNKNOWN && inc->sources[k] != SRC_NONE)
			add(l, "/%s", evidence_source_names[inc->sources[k]]);
	}
}

static void add_fields(struct line *l, const struct incident *inc, uint64_t unlogged)
{
	char b[16], contended[128];

	add(l, "incident #%llu %s %s", (unsigned long long)inc->id, incident_kind_name(inc->kind),
	    incident_state_names[inc->state]);
	if (inc->kind_changed)
		add(l, " was=%s", incident_kind_name(inc->previous_kind));
	if (unlogged)
		add(l, " unlogged=%llu", (unsigned long long)unlogged);
	if (inc->cpu < MT_MAX_CPUS)
		add(l, " cpu=%u", inc->cpu);
	add(l, " duration=%s", fmt_ns(b, sizeof(b), inc->last_ts - inc->start_ts));
	if (inc->has_waiter) {
		add_task(l, "waiter", &inc->waiter);
		add(l, " pending=%s%s", inc->pending_at_attach ? ">=" : "",
		    fmt_ns(b, sizeof(b), inc->pending_ns));
		if (inc->queuer.pid)
			add_task(l, "behind", &inc->queuer);
		if (inc->links[LINK_WAITER_HOLDS] == EV_YES && inc->held_pages)
			add(l, " holds=%llu-pages@0x%llx-0x%llx", (unsigned long long)inc->held_pages,
			    (unsigned long long)inc->held_start, (unsigned long long)inc->held_end);
	}
	if (inc->has_spinner) {
		add_task(l, "spinner", &inc->spinner);
		if (inc->context != CTX_UNKNOWN)
			add(l, " ctx=%s", task_context_names[inc->context]);
		if (inc->work_func[0])
			add(l, " work=%s", inc->work_func);
		if (inc->retries)
			add(l, " retries=%llu addr=0x%llx", (unsigned long long)inc->retries,
			    (unsigned long long)inc->address);
	}
	if (inc->kind != INC_FAULT_STORM)
		add_links(l, inc);
	if ((inc->kind == INC_STUCK_RT || inc->kind == INC_STUCK_KERNEL) &&
	    inc->fault_loop != EV_UNKNOWN)
		add(l, " fault_loop=%s", evidence_names[inc->fault_loop]);
	incident_contended_str(inc, contended, sizeof(contended));
	add(l, "%s", contended);
	if (inc->unproven[0])
		add(l, " unproven=%s", inc->unproven);
	if (inc->missing[0])
		add(l, " blind=%s", inc->missing);
	if (inc->nkreports)
		add(l, " kernel_reports=%u", inc->nkreports);
}

size_t incident_kmsg_line(const struct incident *inc, uint64_t unlogged, char *buf, size_t max)
{
	char text[2048];
	struct line l = { text, 0, sizeof(text) };
	size_t head, room;
	int n;

	if (max > KMSG_RECORD_MAX)
		max = KMSG_RECORD_MAX;
	n = snprintf(buf, max, "<%d>%s", incident_kmsg_level(inc), KMSG_PREFIX);
	head = n > 0 && (size_t)n < max ? (size_t)n : 0;
	add_fields(&l, inc, unlogged);
	/* Room for the text: all of max but the head, the newline and the NUL of snprintf. */
	room = max > head + 2 ? max - head - 2 : 0;
	if (l.len > room) {
		size_t cut = room > sizeof(CUT_MARK) ? room - (sizeof(CUT_MARK) - 1) : 0;

		while (cut && text[cut] != ' ')
			cut--;
		memcpy(text + cut, CUT_MARK, sizeof(CUT_MARK));
		l.len = cut + sizeof(CUT_MARK) - 1;
	}
	memcpy(buf + head, text, l.len);
	buf[head + l.len] = '\n';
	buf[head + l.len + 1] = '\0';
	return head + l.len + 1;
}

void incident_kmsg_caps(FILE *out, bool writable, const char *detail, bool json)
{
	struct json j;

	if (!json) {
		fprintf(out, "kernel log, writing (--kmsg): %s: %s\n", writable ? "yes" : "no", detail);
		return;
	}
	json_begin(&j, out, "kernel_log_write");
	json_bool(&j, "writable", writable);
	json_str(&j, writable ? "limit" : "why", detail);
	json_end(&j);
}
