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

/* A kworker's current work function (0 for any other task). */
static __always_inline __u64 worker_func(struct task_struct *t)
{
	struct worker *w = worker_of(t);

	return w ? (__u64)BPF_CORE_READ(w, current_func) : 0;
}

/* Work function names, by address: see struct mt_func_name. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, struct mt_func_name);
} func_names SEC(".maps");

/* The name is formatted here, not on the BPF stack (64 bytes). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mt_func_name);
} func_name_buf SEC(".maps");

/*
 * Name func once, with the kernel's symbol lookup. Called only where drain
 * work is pending (a rare path): a hash lookup, and the first time a
 * format. Kernels without bpf_snprintf (before 5.13) keep no names: the
 * loader then shows the address.
 */
static __always_inline void name_func(__u64 func)
{
	static const char fmt[] = "%ps";
	struct mt_func_name *buf;
	__u32 zero = 0;

	if (!func || !bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_snprintf) ||
	    bpf_map_lookup_elem(&func_names, &func))
		return;
	buf = bpf_map_lookup_elem(&func_name_buf, &zero);
	if (!buf)
		return;
	if (bpf_snprintf(buf->name, sizeof(buf->name), fmt, &func, sizeof(func)) > 0)
		bpf_map_update_elem(&func_names, &func, buf, BPF_NOEXIST);
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
