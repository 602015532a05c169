// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/discovery.h"
#include "core/stack_syms.h"
#include "output/format.h"
#include "output/json.h"
#include "output/kevidence_print.h"
#include "output/task.h"

static void json_source(struct json *j, const char *key, const struct kev_source *s)
{
	json_key_obj(j, key);
	json_bool(j, "available", s->available);
	if (s->why[0])
		json_str(j, "why", s->why);
	json_close(j);
}

void kev_print_sources(FILE *out, bool json, const struct kev_sources *src)
{
	struct json j;

	if (!json) {
		fprintf(out, "stack ranges: %u functions%s%s\n", src->nranges,
			src->ranges_missing[0] ? "; missing: " : "", src->ranges_missing);
		fprintf(out, "sampler: %s, one sample per %.1f ms of a CPU with drain work pending%s%s\n",
			src->sampler.available ? "available" : "unavailable", src->period_ns / 1e6,
			src->sampler.why[0] ? ": " : "", src->sampler.why);
		fprintf(out, "discovery: %s%s%s\n", src->discovery.available ? "available" : "unavailable",
			src->discovery.why[0] ? ": " : "", src->discovery.why);
		return;
	}
	json_begin(&j, out, "evidence_sources");
	json_u64(&j, "stack_ranges", src->nranges);
	if (src->ranges_missing[0])
		json_str(&j, "stack_ranges_missing", src->ranges_missing);
	json_source(&j, "sampler", &src->sampler);
	json_u64(&j, "sample_period_ns", src->period_ns);
	json_source(&j, "discovery", &src->discovery);
	json_end(&j);
}

static void json_frames(struct json *j, const kev_frames *frames, uint32_t n)
{
	json_key_arr(j, "frames");
	for (uint32_t i = 0; i < n && i < MT_STACK_DEPTH; i++)
		json_str(j, NULL, (*frames)[i]);
	json_close_arr(j);
}

static void json_stack(struct json *j, const char *key, const struct mt_stack *st,
		       const kev_frames *frames)
{
	char bits[256];

	stack_bits_str(st->bits, bits, sizeof(bits));
	json_key_obj(j, key);
	json_str(j, "classes", bits);
	json_bool(j, "stale", st->flags & MT_SF_STALE);
	json_bool(j, "truncated", st->flags & MT_SF_TRUNCATED);
	json_bool(j, "unreadable", st->flags & MT_SF_ERROR);
	if (frames)
		json_frames(j, frames, st->nframes);
	json_close(j);
}

static void text_stack(FILE *out, const char *what, const struct mt_stack *st,
		       const kev_frames *frames)
{
	char bits[256];

	stack_bits_str(st->bits, bits, sizeof(bits));
	fprintf(out, "    %s stack: %s%s%s\n", what, bits[0] ? bits : "-",
		st->flags & MT_SF_STALE ? " (stale: running elsewhere)" : "",
		st->flags & MT_SF_ERROR ? " (unreadable)" : "");
	for (uint32_t i = 0; frames && i < st->nframes && i < MT_STACK_DEPTH; i++)
		fprintf(out, "      %s\n", (*frames)[i]);
}

void kev_print_disc(FILE *out, bool json, const struct discovery *d, const struct mt_disc_rec *r,
		    const char *func, const kev_frames *frames)
{
	uint64_t stalled = 0;
	bool known = r->type == MT_DISC_WORK && disc_pool_stalled_ns(d, r, &stalled);
	char buf[64], tb[64];
	struct json j;

	if (r->type == MT_DISC_WORK) {
		if (!json) {
			fprintf(out, "pending drain work on CPU %u%s%s; its pool started no work for %s\n",
				r->cpu, r->flags & MT_DF_SEEDED ? " (now followed)" : "",
				r->flags & MT_DF_DISASSOCIATED ? " (pool unbound: CPU offline)" : "",
				known ? fmt_ns(buf, sizeof(buf), stalled) : "? (HZ unknown)");
			return;
		}
		json_begin(&j, out, "discovered_work");
		json_u64(&j, "cpu", r->cpu);
		json_bool(&j, "seeded", r->flags & MT_DF_SEEDED);
		json_bool(&j, "pool_unbound", r->flags & MT_DF_DISASSOCIATED);
		if (known)
			json_u64(&j, "pool_stalled_ns", stalled);
		json_end(&j);
		return;
	}
	if (!json) {
		fprintf(out, "task %s cpu %u%s%s%s%s\n", task_str(tb, sizeof(tb), &r->task), r->cpu,
			r->flags & MT_DF_ON_CPU ? " on-cpu" : "",
			r->flags & MT_DF_KWORKER ? " kworker" : "", func[0] ? " running " : "", func);
		text_stack(out, "kernel", &r->stack, frames);
		return;
	}
	json_begin(&j, out, "discovered_task");
	json_task(&j, "task", &r->task);
	json_u64(&j, "cpu", r->cpu);
	json_u64(&j, "state", r->state);
	json_bool(&j, "on_cpu", r->flags & MT_DF_ON_CPU);
	json_bool(&j, "kworker", r->flags & MT_DF_KWORKER);
	if (func[0])
		json_str(&j, "work_func", func);
	json_stack(&j, "stack", &r->stack, frames);
	json_end(&j);
}

void kev_print_cpu(FILE *out, bool json, const struct cpu_kevidence *c, bool ended,
		   const kev_frames *sample_frames, const kev_frames *queuer_frames)
{
	const struct mt_cpu_sample *s = &c->sample;
	char buf[64], tb[64];
	struct json j;

	if (!json) {
		fprintf(out, "cpu %u%s: sampler %s, %llu samples on %s%s over %s\n", c->cpu,
			ended ? " (work started)" : "", c->sampling ? "on" : "off",
			(unsigned long long)s->samples, task_str(tb, sizeof(tb), &s->task),
			s->one_pid ? "" : " and others",
			fmt_ns(buf, sizeof(buf), s->last_ts - s->first_ts));
		for (unsigned int b = 0; b < MT_SB_COUNT; b++)
			if (s->bit_samples[b])
				fprintf(out, "    %-20s %llu\n", stack_bit_name(b),
					(unsigned long long)s->bit_samples[b]);
		if (c->sample_func[0])
			fprintf(out, "    kworker running %s\n", c->sample_func);
		text_stack(out, "last sample's", &s->last, sample_frames);
		text_stack(out, "queuer's", &c->queuer_stack, queuer_frames);
		fprintf(out, "    last work started: %s by %u%s\n", c->work_func[0] ? c->work_func : "-",
			c->work.pid, c->work.func && !c->work.end_ts ? " (running)" : "");
		return;
	}
	json_begin(&j, out, "cpu_evidence");
	json_u64(&j, "cpu", c->cpu);
	json_bool(&j, "ended", ended);
	json_bool(&j, "sampling", c->sampling);
	json_bool(&j, "discovered", c->drain_flags & MT_DRAIN_DISCOVERED);
	json_key_obj(&j, "samples");
	json_u64(&j, "total", s->samples);
	json_u64(&j, "span_ns", s->last_ts - s->first_ts);
	json_task(&j, "task", &s->task);
	json_bool(&j, "one_pid", s->one_pid);
	json_u64(&j, "last_pid", s->last_pid);
	for (unsigned int b = 0; b < MT_SB_COUNT; b++)
		json_u64(&j, stack_bit_name(b), s->bit_samples[b]);
	if (c->sample_func[0])
		json_str(&j, "work_func", c->sample_func);
	json_stack(&j, "last_stack", &s->last, sample_frames);
	json_close(&j);
	json_stack(&j, "queuer_stack", &c->queuer_stack, queuer_frames);
	json_key_obj(&j, "last_work");
	json_str(&j, "func", c->work_func);
	json_u64(&j, "pid", c->work.pid);
	json_bool(&j, "running", c->work.func && !c->work.end_ts);
	json_close(&j);
	json_end(&j);
}

void kev_print_work(FILE *out, bool json, uint32_t cpu, const struct mt_work_run *w,
		    const char *func, uint64_t missed)
{
	struct json j;

	if (!json) {
		fprintf(out, "cpu %u: work %s started by %u%s", cpu, func, w->pid,
			w->end_ts ? "" : " (running)");
		if (missed)
			fprintf(out, " (%llu before it not seen)", (unsigned long long)missed);
		fputc('\n', out);
		return;
	}
	json_begin(&j, out, "cpu_work");
	json_u64(&j, "cpu", cpu);
	json_str(&j, "func", func);
	json_u64(&j, "pid", w->pid);
	json_bool(&j, "running", !w->end_ts);
	json_u64(&j, "missed_before", missed);
	json_end(&j);
}
