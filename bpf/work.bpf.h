/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work items that started last on each CPU, whatever their function:
 * a kworker that occupies a CPU is named by its work function. Fed by the
 * workqueue execute tracepoints (drain.bpf.h). Included once, by
 * migtrace.bpf.c.
 */
#ifndef MIGTRACE_WORK_BPF_H
#define MIGTRACE_WORK_BPF_H

#include "mt_evidence.h"

/* Written only by its own CPU: a per-CPU array, no shared cache line. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mt_cpu_work);
} cpu_work SEC(".maps");

/*
 * The workqueue worker a kworker task is: the data of its kthread, which
 * task_struct.worker_private points to (5.19+; kthread_data()). NULL for
 * any other task, or where the kernel keeps it elsewhere.
 */
static __always_inline struct worker *worker_of(struct task_struct *t)
{
	struct kthread *k;

	if (!(BPF_CORE_READ(t, flags) & PF_WQ_WORKER) ||
	    !bpf_core_field_exists(t->worker_private))
		return NULL;
	k = (struct kthread *)BPF_CORE_READ(t, worker_private);
	return k ? (struct worker *)BPF_CORE_READ(k, data) : NULL;
}

/* Every work item that starts: a lookup and five stores, times to a tick. */
static __always_inline void work_started(__u64 func)
{
	__u32 zero = 0;
	struct mt_cpu_work *w = bpf_map_lookup_elem(&cpu_work, &zero);
	struct mt_work_run *r;

	if (!w)
		return;
	r = &w->runs[w->seq & (MT_WORK_RING - 1)];
	r->func = func;
	r->start_ts = coarse_now();
	r->end_ts = 0;
	r->pid = current_pid();
	w->seq++;
}

static __always_inline void work_ended(__u64 func)
{
	__u32 zero = 0;
	struct mt_cpu_work *w = bpf_map_lookup_elem(&cpu_work, &zero);
	struct mt_work_run *r;

	if (!w || !w->seq)
		return;
	r = &w->runs[(w->seq - 1) & (MT_WORK_RING - 1)];
	if (r->func == func && r->pid == current_pid())
		r->end_ts = coarse_now();
}

#endif /* MIGTRACE_WORK_BPF_H */
