/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stack sampler: a software cpu-clock perf event per CPU runs this on
 * the CPU's timer interrupt. The loader enables a CPU's event only while
 * drain work is pending there (and disables it after), so it costs nothing
 * otherwise. Each sample classifies the interrupted task's kernel stack
 * and counts, per CPU, since the pending work was queued: what a task
 * that never leaves the CPU is doing (retrying a fault in hmm_range_fault,
 * do_swap_page, a device fault handler; in user mode). Included once, by
 * migtrace.bpf.c.
 */
#ifndef MIGTRACE_SAMPLER_BPF_H
#define MIGTRACE_SAMPLER_BPF_H

#include "mt_evidence.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct mt_cpu_sample);
} cpu_sample SEC(".maps");

SEC("?perf_event")
int perf_sample_stack(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct task_struct *t = bpf_get_current_task_btf();
	struct mt_cpu_sample *s;
	struct mt_cpu_drain *d;
	__u64 now;
	__u32 bits;

	d = drain_of_cpu(cpu);
	s = bpf_map_lookup_elem(&cpu_sample, &cpu);
	/* Nothing pending here: the loader disables this CPU's event at its next tick. */
	if (!d || !s || !d->queue_ts || d->start_ts)
		return 0;
	now = bpf_ktime_get_ns();
	if (s->work != d->work || s->queue_ts != d->queue_ts) {
		/* Other work pending now: count from scratch. */
		__builtin_memset(s, 0, sizeof(*s));
		s->work = d->work;
		s->queue_ts = d->queue_ts;
		s->first_ts = now;
		task_describe(&s->task, t);
		s->one_pid = 1;
	}
	s->samples++;
	s->last_ts = now;
	s->last_pid = t->pid;
	if (t->pid != s->task.pid)
		s->one_pid = 0;
	if (t->pid != s->streak_pid) {
		s->streak_pid = t->pid;
		s->streak_samples = s->streak_user = s->streak_fault = 0;
	}
	s->streak_samples++;
	stack_read(ctx, &s->last, 1);
	bits = s->last.bits;
	for (__u32 b = 0; b < MT_SB_COUNT; b++)
		if (bits & (1U << b))
			s->bit_samples[b]++;
	if (bits & MT_SB(MT_SB_USER))
		s->streak_user++;
	if (bits & MT_SB_FAULT_PATH) {
		s->fault_samples++;
		s->streak_fault++;
	}
	s->work_func = worker_func(t);
	name_func(s->work_func);
	return 0;
}

#endif /* MIGTRACE_SAMPLER_BPF_H */
