// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "output/json.h"
#include "output/trace_export.h"

/* Processes in the trace: one per kind of track. */
enum {
	P_DRAIN_CPU = 1,
	P_DRAIN_ALL,
	P_FOLIO_HOLD,
	P_FOLIO_WAIT,
	P_FAULTS,
	P_INCIDENTS,
};

static const char *const process_names[] = {
	[P_DRAIN_CPU] = "Drain work per CPU (lru_add_drain_per_cpu)",
	[P_DRAIN_ALL] = "lru_add_drain_all calls",
	[P_FOLIO_HOLD] = "Folio locks held (collected -> finalize)",
	[P_FOLIO_WAIT] = "Folio lock sleeps (__folio_lock)",
	[P_FAULTS] = "Fault runs",
	[P_INCIDENTS] = "Incidents",
};

static double us(const struct trace_export *t, uint64_t ns)
{
	return ((double)ns - (double)t->t0) / 1e3;
}

static void sep(struct trace_export *t)
{
	fputs(t->events++ ? ",\n" : "\n", t->out);
}

/* Name a track the first time it is used. */
static void name_track(struct trace_export *t, uint32_t pid, uint32_t tid, const char *name)
{
	uint64_t key = ((uint64_t)pid << 32 | tid) + 1;
	uint32_t h = (uint32_t)(key * 0x9e3779b97f4a7c15ULL >> 40) % TRACE_NAMED_MAX;

	for (int probe = 0; probe < 16; probe++, h = (h + 1) % TRACE_NAMED_MAX) {
		if (t->named[h] == key)
			return;
		if (t->named[h])
			continue;
		t->named[h] = key;
		sep(t);
		fprintf(t->out, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,"
			"\"args\":{\"name\":", pid, tid);
		json_write_string(t->out, name);
		fputs("}}", t->out);
		return;
	}
}

static void task_name(char *buf, size_t len, const struct mt_task *t)
{
	snprintf(buf, len, "%.16s/%u", t->comm, t->pid);
}

/* A complete ("X") event, left open for args; close_span() ends it. */
static void span_open(struct trace_export *t, uint32_t pid, uint32_t tid, const char *name,
		      uint64_t start, uint64_t end)
{
	/* Work queued before the record started begins with it: no negative times. */
	if (start < t->t0)
		start = end > t->t0 ? t->t0 : end;
	sep(t);
	fprintf(t->out, "{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"name\":",
		pid, tid, us(t, start), (end - start) / 1e3);
	json_write_string(t->out, name);
}

static void span(struct trace_export *t, uint32_t pid, uint32_t tid, const char *name,
		 uint64_t start, uint64_t end)
{
	span_open(t, pid, tid, name, start, end);
	fputc('}', t->out);
}

static void arg_str(struct trace_export *t, bool first, const char *key, const char *val)
{
	fprintf(t->out, "%s\"%s\":", first ? ",\"args\":{" : ",", key);
	json_write_string(t->out, val);
}

void trace_export_begin(struct trace_export *t, FILE *out, const struct rec_header *h)
{
	t->out = out;
	t->begun = true;
	t->events = 0;
	memset(t->named, 0, sizeof(t->named));
	t->t0 = h->start_mono_ns;
	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"label\":", out);
	json_write_string(out, h->label);
	fputs(",\"kernel\":", out);
	json_write_string(out, h->kernel);
	fputs("},\"traceEvents\":[", out);
	for (uint32_t p = 1; p < sizeof(process_names) / sizeof(process_names[0]); p++) {
		sep(t);
		fprintf(out, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":", p);
		json_write_string(out, process_names[p]);
		fputs("}}", out);
	}
}

static void drain_work(struct trace_export *t, const struct mt_event *e)
{
	char name[32], who[40];

	snprintf(name, sizeof(name), "CPU %u", e->drain_work.target_cpu);
	name_track(t, P_DRAIN_CPU, e->drain_work.target_cpu, name);
	span_open(t, P_DRAIN_CPU, e->drain_work.target_cpu, "pending", e->drain_work.queue_ts,
		  e->drain_work.start_ts);
	task_name(who, sizeof(who), &e->drain_work.queuer);
	arg_str(t, true, "queued_by", who);
	if (e->drain_work.blocker.pid) {
		task_name(who, sizeof(who), &e->drain_work.blocker);
		arg_str(t, false, "longest_runner", who);
		fprintf(t->out, ",\"longest_runner_ns\":%llu",
			(unsigned long long)e->drain_work.blocker_ns);
	}
	fprintf(t->out, ",\"switches\":%u}}", e->drain_work.switches);
	span(t, P_DRAIN_CPU, e->drain_work.target_cpu, "running", e->drain_work.start_ts, e->ts);
}

void trace_export_event(struct trace_export *t, const struct mt_event *e, const struct agg *a)
{
	char name[64], who[40];

	switch (e->type) {
	case MT_EV_DRAIN_WORK:
		drain_work(t, e);
		/* The work item that completed a rebuilt lru_add_drain_all call. */
		if (!a->s.drain_all.hooked && a->drain_all_done) {
			uint64_t ns = a->drain_all_ns;

			task_name(who, sizeof(who), &e->drain_work.queuer);
			name_track(t, P_DRAIN_ALL, e->drain_work.queuer.pid, who);
			snprintf(name, sizeof(name), "lru_add_drain_all (rebuilt, last CPU %u)",
				 e->drain_work.target_cpu);
			span(t, P_DRAIN_ALL, e->drain_work.queuer.pid, name,
			     e->ts >= ns ? e->ts - ns : 0, e->ts);
		}
		break;
	case MT_EV_DRAIN_ALL:
		task_name(who, sizeof(who), &e->task);
		name_track(t, P_DRAIN_ALL, e->task.pid, who);
		span(t, P_DRAIN_ALL, e->task.pid, e->drain_all.held_locks ?
		     "lru_add_drain_all (folio locks held)" : "lru_add_drain_all",
		     e->drain_all.enter_ts, e->ts);
		break;
	case MT_EV_MIGRATE_FINALIZE:
		task_name(who, sizeof(who), &e->task);
		name_track(t, P_FOLIO_HOLD, e->task.pid, who);
		snprintf(name, sizeof(name), "folio locks held (%llu pages)",
			 (unsigned long long)e->migrate.npages);
		span(t, P_FOLIO_HOLD, e->task.pid, name, e->migrate.enter_ts, e->ts);
		break;
	case MT_EV_FOLIO_WAIT:
		task_name(who, sizeof(who), &e->task);
		name_track(t, P_FOLIO_WAIT, e->task.pid, who);
		span(t, P_FOLIO_WAIT, e->task.pid, "__folio_lock sleep", e->folio.enter_ts, e->ts);
		break;
	case MT_EV_FAULT_RUN:
		task_name(who, sizeof(who), &e->task);
		name_track(t, P_FAULTS, e->task.pid, who);
		snprintf(name, sizeof(name), "fault run: %llu attempts at 0x%llx",
			 (unsigned long long)e->fault_run.attempts,
			 (unsigned long long)e->fault_run.address);
		span(t, P_FAULTS, e->task.pid, name, e->fault_run.first_ts, e->ts);
		break;
	}
}

void trace_export_incident(struct trace_export *t, const struct rec_incident *i)
{
	if (!i->end)	/* its end chunk has the duration */
		return;
	name_track(t, P_INCIDENTS, 0, "incidents");
	span_open(t, P_INCIDENTS, 0, i->kind, i->start_ns, i->start_ns + i->duration_ns);
	arg_str(t, true, "detail", i->detail);
	fputs("}}", t->out);
}

bool trace_export_end(struct trace_export *t)
{
	bool ok;

	if (!t->begun)
		return true;
	fputs("\n]}\n", t->out);
	ok = !fflush(t->out) && !ferror(t->out);
	if (t->path && fclose(t->out))
		ok = false;
	t->begun = false;
	return ok;
}

static void on_header(void *ctx, const struct rec_header *h)
{
	struct trace_export *t = ctx;

	if (!t->out && t->path && !(t->out = fopen(t->path, "we"))) {
		t->err = errno;
		return;
	}
	trace_export_begin(t, t->out, h);
}

static void on_event(void *ctx, const struct mt_event *e, const struct agg *a)
{
	struct trace_export *t = ctx;

	if (t->begun)
		trace_export_event(t, e, a);
}

static void on_incident(void *ctx, const struct rec_incident *i)
{
	struct trace_export *t = ctx;

	if (t->begun)
		trace_export_incident(t, i);
}

void trace_export_visitor(struct trace_export *t, FILE *out, const char *path,
			  struct replay_visitor *v)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->path = path;
	*v = (struct replay_visitor){ .header = on_header, .event = on_event,
				      .incident = on_incident, .ctx = t };
}
