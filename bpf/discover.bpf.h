/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attach-time discovery: an iter/task program the loader reads once at
 * start (and later for one task, by tid). For each task a fixed record:
 * ids, scheduling, on a CPU or not, a kworker's current work function,
 * its kernel stack classified. From each per-CPU worker pool, reached
 * through its first worker, the drain work pending in its worklist: a
 * stall that began before attach, which workqueue_queue_work never showed.
 * Such work is written into cpu_drain as pending (disc_seed), with the
 * task waiting in __flush_work <- __lru_add_drain_all as its queuer.
 * Included once, by migtrace.bpf.c.
 */
#ifndef MIGTRACE_DISCOVER_BPF_H
#define MIGTRACE_DISCOVER_BPF_H

#include "mt_evidence.h"

#define DISC_WORKLIST_MAX	64	/* items looked at per pool */
#define DISC_SEEDS_MAX		64	/* CPUs seeded per run */

/* Set by the loader before each run (bss: the program reads it each time). */
__u32 disc_seed = 0;		/* write found drain work into cpu_drain */
__u32 disc_all = 0;		/* a record for every task, not only the telling ones */
/* Left by a run for the loader and for the run's last call. */
__u32 disc_seeded = 0;		/* CPUs written into cpu_drain */
__u64 disc_fence = 0;		/* a locked add orders a seed's writes before its check */
__u32 disc_seed_cpus[DISC_SEEDS_MAX] = {};
__u32 disc_waiters = 0;		/* tasks in __flush_work <- __lru_add_drain_all */
struct mt_task disc_waiter = {};
struct mt_stack disc_waiter_stack = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mt_disc_rec);
} disc_scratch SEC(".maps");

/* Older kernels: task_struct.state and .cpu (before 5.14 and 5.16). */
struct task_struct___old {
	long state;
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_state_of(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___old *)t, state);
}

static __always_inline __u32 task_cpu_of(struct task_struct *t)
{
	if (bpf_core_field_exists(t->thread_info.cpu))
		return BPF_CORE_READ(t, thread_info.cpu);
	return BPF_CORE_READ((struct task_struct___old *)t, cpu);
}

/*
 * Pending work of this CPU found before its queueing was seen: pending
 * from now on, as far as migtrace knows. Written only while the item is
 * still pending after the write (its PENDING bit is cleared before
 * execute_start): an item that started meanwhile is taken back out.
 */
static __always_inline bool disc_seed_work(__u32 cpu, __u64 work, __u64 now)
{
	struct work_struct *w = (struct work_struct *)work;
	struct mt_cpu_drain *d = drain_of_cpu(cpu);

	if (!d || (d->queue_ts && !d->start_ts) || cpu_filtered_out(cpu))
		return false;	/* known already (queued after attach), no state, or -C */
	bpf_map_update_elem(&drain_work_cpu, &work, &cpu, BPF_ANY);
	__builtin_memset(&d->queuer, 0, sizeof(d->queuer));
	d->queuer_stack.nframes = 0;
	d->queuer_stack.bits = 0;
	drain_pending(d, cpu, work, now, MT_DRAIN_DISCOVERED);
	/* A full barrier (locked add): the writes above before the read below. */
	__sync_fetch_and_add(&disc_fence, 1);
	if (BPF_CORE_READ(w, data.counter) & 1)		/* WORK_STRUCT_PENDING */
		return true;
	if (d->work == work && (d->flags & MT_DRAIN_DISCOVERED) && !d->start_ts) {
		d->queue_ts = 0;
		d->work = 0;
	}
	return false;
}

/* The drain work item in a pool's worklist, 0 if none (a CPU's item is queued once at most). */
static __always_inline __u64 pool_drain_work(struct worker_pool *pool)
{
	void *head = (void *)pool + bpf_core_field_offset(struct worker_pool, worklist);
	void *pos = BPF_CORE_READ(pool, worklist.next);

	for (int i = 0; i < DISC_WORKLIST_MAX && pos && pos != head; i++) {
		struct work_struct *w;

		w = (struct work_struct *)(pos - bpf_core_field_offset(struct work_struct, entry));
		if ((__u64)BPF_CORE_READ(w, func) == drain_work_fn)
			return (__u64)w;
		pos = BPF_CORE_READ(w, entry.next);
	}
	return 0;
}

/* Drain work in the worklist of the pool of worker, if worker is its first. */
static __always_inline void disc_pool(struct seq_file *seq, struct mt_disc_rec *r,
				      struct worker *worker)
{
	struct worker_pool *pool = BPF_CORE_READ(worker, pool);
	void *mine;
	__u64 work;
	int cpu;

	if (!pool)
		return;
	cpu = BPF_CORE_READ(pool, cpu);
	mine = (void *)worker + bpf_core_field_offset(struct worker, node);
	if (cpu < 0 || BPF_CORE_READ(pool, workers.next) != mine)
		return;		/* unbound pool, or another worker walks it */
	work = pool_drain_work(pool);
	if (!work)
		return;
	__builtin_memset(r, 0, sizeof(*r));
	r->type = MT_DISC_WORK;
	r->cpu = cpu;
	r->func = drain_work_fn;
	r->work = work;
	r->pool = (__u64)pool;
	r->pool_watchdog_ts = BPF_CORE_READ(pool, watchdog_ts);
	r->jiffies = bpf_jiffies64();
	r->ktime = bpf_ktime_get_ns();
	if (BPF_CORE_READ(pool, flags) & 4)	/* POOL_DISASSOCIATED */
		r->flags |= MT_DF_DISASSOCIATED;
	if (disc_seed && disc_seed_work(cpu, work, r->ktime)) {
		__u32 k = disc_seeded++;

		r->flags |= MT_DF_SEEDED;
		if (k < DISC_SEEDS_MAX)
			disc_seed_cpus[k] = cpu;
	}
	bpf_seq_write(seq, r, sizeof(*r));
}

/* The run's last call: the waiter found is the queuer of the work seeded. */
static __always_inline void disc_finish(void)
{
	__u32 n = disc_seeded;

	if (!disc_waiters)
		return;
	for (__u32 i = 0; i < DISC_SEEDS_MAX && i < n; i++) {
		__u32 cpu = disc_seed_cpus[i];
		struct mt_cpu_drain *d = drain_of_cpu(cpu);

		if (!d || !(d->flags & MT_DRAIN_DISCOVERED) || d->queuer.pid)
			continue;
		d->queuer = disc_waiter;
		d->queuer_stack = disc_waiter_stack;
	}
}

SEC("?iter/task")
int iter_discover(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task, *me = bpf_get_current_task_btf();
	struct seq_file *seq = ctx->meta->seq;
	struct worker *worker = NULL;
	struct mt_disc_rec *r;
	__u32 zero = 0;
	long bytes;

	if (!t) {
		if (disc_seed)
			disc_finish();
		return 0;
	}
	r = bpf_map_lookup_elem(&disc_scratch, &zero);
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	r->type = MT_DISC_TASK;
	task_describe(&r->task, t);
	r->cpu = task_cpu_of(t);
	r->state = task_state_of(t);
	r->jiffies = bpf_jiffies64();
	r->ktime = bpf_ktime_get_ns();
	if (BPF_CORE_READ(t, on_cpu) && t != me)
		r->flags |= MT_DF_ON_CPU;
	if (BPF_CORE_READ(t, flags) & PF_WQ_WORKER) {
		worker = worker_of(t);
		r->flags |= MT_DF_KWORKER;
		if (worker) {
			r->func = (__u64)BPF_CORE_READ(worker, current_func);
			r->work = (__u64)BPF_CORE_READ(worker, current_work);
			r->pool = (__u64)BPF_CORE_READ(worker, pool);
			if (BPF_CORE_READ(worker, rescue_wq))
				r->flags |= MT_DF_RESCUER;
		}
	}
	bytes = bpf_get_task_stack(t, r->stack.ip, sizeof(r->stack.ip), 0);
	if (bytes > 0) {
		stack_classify_into(&r->stack, bytes, 0);
	} else {
		r->stack.nframes = 0;
		r->stack.flags = MT_SF_ERROR;	/* no stack: exiting, or refused */
	}
	/* A running task's stack is the one it left at its last switch-out. */
	if (r->flags & MT_DF_ON_CPU)
		r->stack.flags |= MT_SF_STALE;
	if (!(r->stack.flags & MT_SF_STALE) &&
	    (r->stack.bits & MT_SB(MT_SB_FLUSH_WORK)) && (r->stack.bits & MT_SB(MT_SB_DRAIN_ALL))) {
		if (!disc_waiters++) {
			disc_waiter = r->task;
			disc_waiter_stack = r->stack;
		}
	}
	if (disc_all || r->state == 0 || (r->flags & MT_DF_ON_CPU) || r->func ||
	    (r->stack.bits & ~(MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_USER))))
		bpf_seq_write(seq, r, sizeof(*r));
	if (worker)
		disc_pool(seq, r, worker);
	return 0;
}

#endif /* MIGTRACE_DISCOVER_BPF_H */
