/* SPDX-License-Identifier: GPL-2.0 */
/* lru_add_drain_all and its per-CPU work items on the workqueue. Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_DRAIN_BPF_H
#define MIGTRACE_DRAIN_BPF_H

/* ---- lru_add_drain_all ------------------------------------------------ */

static __always_inline int on_drain_all_enter(void)
{
	drain_waiting_enter();
	if (task_filtered_out())
		return 0;
	inflight_enter(IF_DRAIN_ALL, 0, 0);
	return 0;
}

static __always_inline int on_drain_all_exit(void)
{
	struct inflight_val in;
	struct mt_event *e;
	__u32 pid = current_pid();

	drain_waiting_exit();
	if (!inflight_exit(IF_DRAIN_ALL, &in))
		return 0;
	hist_add(MT_H_DRAIN_ALL, bpf_ktime_get_ns() - in.ts);
	e = event_reserve(MT_EV_DRAIN_ALL);
	if (!e)
		return 0;
	e->drain_all.enter_ts = in.ts;
	e->drain_all.held_locks = bpf_map_lookup_elem(&holders, &pid) != NULL;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("?fentry/lru_add_drain_all")
int BPF_PROG(fentry_lru_add_drain_all)
{
	return on_drain_all_enter();
}

SEC("?kprobe/lru_add_drain_all")
int BPF_KPROBE(kprobe_lru_add_drain_all)
{
	return on_drain_all_enter();
}

SEC("?fexit/lru_add_drain_all")
int BPF_PROG(fexit_lru_add_drain_all)
{
	return on_drain_all_exit();
}

SEC("?kretprobe/lru_add_drain_all")
int BPF_KRETPROBE(kretprobe_lru_add_drain_all)
{
	return on_drain_all_exit();
}

/* ---- per-CPU drain work: lru_add_drain_per_cpu on the workqueue ------- */

static __always_inline struct mt_cpu_drain *drain_of_cpu(__u32 cpu)
{
	if (cpu >= MT_MAX_CPUS)
		return NULL;
	return bpf_map_lookup_elem(&cpu_drain, &cpu);
}

/*
 * Drain work pending on cpu from now on: fresh state, flags to the caller.
 * Who is on the CPU now is noted: it may never switch out while the work
 * waits. Written from the queuing CPU; the target CPU only adds to it.
 */
static __always_inline void drain_pending(struct mt_cpu_drain *d, __u32 cpu, __u64 work,
					  __u64 now, __u32 flags)
{
	struct mt_cpu_occupant *occ = bpf_map_lookup_elem(&cpu_occupant, &cpu);

	d->work = work;
	d->activate_ts = 0;
	d->start_ts = 0;
	d->switches = 0;
	d->flags = flags;
	d->blocker_ns = 0;
	__builtin_memset(&d->blocker, 0, sizeof(d->blocker));
	if (occ && occ->task) {
		task_describe(&d->occupant, (struct task_struct *)occ->task);
		name_func(worker_func((struct task_struct *)occ->task));
		d->occupant_since_ts = occ->since_ts;
	} else {
		__builtin_memset(&d->occupant, 0, sizeof(d->occupant));
		d->occupant_since_ts = 0;
	}
	d->queue_ts = now;
}

SEC("?tp/workqueue/workqueue_queue_work")
int tp_workqueue_queue_work(struct trace_event_raw_workqueue_queue_work *ctx)
{
	struct mt_cpu_drain *d;
	struct mt_event *e;
	int target, requested;
	__u32 cpu;

	if (!drain_work_fn || (__u64)ctx->function != drain_work_fn)
		return 0;
	target = ctx->cpu;
	requested = ctx->req_cpu;
	/* Keep two loads: a load from a selected ctx address is rejected. */
	asm volatile("" : "+r"(target), "+r"(requested));
	cpu = target >= 0 ? target : requested;
	if (cpu_filtered_out(cpu))
		return 0;
	d = drain_of_cpu(cpu);
	if (!d)
		return 0;
	drain_pending(d, cpu, (__u64)ctx->work, bpf_ktime_get_ns(), 0);
	task_describe_current(&d->queuer);
	/* Rare (drain work only): the queuer's stack, e.g. inside migrate_device_unmap. */
	stack_read_raw(ctx, &d->queuer_stack);
	bpf_map_update_elem(&drain_work_cpu, &d->work, &cpu, BPF_ANY);

	e = event_reserve(MT_EV_DRAIN_QUEUE);
	if (e) {
		e->drain_queue.target_cpu = cpu;
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}

SEC("?tp/workqueue/workqueue_activate_work")
int tp_workqueue_activate_work(struct trace_event_raw_workqueue_activate_work *ctx)
{
	__u64 work = (__u64)ctx->work;
	struct mt_cpu_drain *d;
	__u32 *cpu;

	/* Runs on the queuing CPU: find the target by its work item. */
	cpu = bpf_map_lookup_elem(&drain_work_cpu, &work);
	if (!cpu)
		return 0;
	d = drain_of_cpu(*cpu);
	if (d && d->work == work)
		d->activate_ts = bpf_ktime_get_ns();
	return 0;
}

/*
 * The drain state a work item belongs to, by the item: work for a CPU that
 * went offline runs on another CPU (its pool's workers are unbound), so
 * the executing CPU is not the target. Falls back to the executing CPU's
 * state for an item queued before attach and not discovered.
 */
static __always_inline struct mt_cpu_drain *drain_of_work(__u64 work, __u32 *target)
{
	__u32 *cpu = bpf_map_lookup_elem(&drain_work_cpu, &work);

	*target = cpu ? *cpu : bpf_get_smp_processor_id();
	return drain_of_cpu(*target);
}

SEC("?tp/workqueue/workqueue_execute_start")
int tp_workqueue_execute_start(struct trace_event_raw_workqueue_execute_start *ctx)
{
	__u64 work = (__u64)ctx->work;
	struct mt_cpu_drain *d;
	__u32 cpu;

	work_started((__u64)ctx->function);
	d = drain_of_cpu(bpf_get_smp_processor_id());
	if (d && d->queue_ts && !d->start_ts)
		name_func((__u64)ctx->function);	/* what may keep the drain waiting */
	if (!drain_work_fn || (__u64)ctx->function != drain_work_fn)
		return 0;
	d = drain_of_work(work, &cpu);
	if (!d || d->work != work || !d->queue_ts)
		return 0;
	d->start_ts = bpf_ktime_get_ns();
	/* A discovered item's queue time is only a lower bound: not a wait. */
	if (!(d->flags & MT_DRAIN_DISCOVERED))
		hist_add_cpu(MT_H_DRAIN_WAIT, cpu, d->start_ts - d->queue_ts);
	return 0;
}

SEC("?tp/workqueue/workqueue_execute_end")
int tp_workqueue_execute_end(struct trace_event_raw_workqueue_execute_end *ctx)
{
	__u64 work = (__u64)ctx->work;
	struct mt_cpu_drain *d;
	struct mt_event *e;
	__u32 cpu;
	__u64 now;

	work_ended((__u64)ctx->function);
	if (!drain_work_fn || (__u64)ctx->function != drain_work_fn)
		return 0;
	d = drain_of_work(work, &cpu);
	bpf_map_delete_elem(&drain_work_cpu, &work);
	if (!d || d->work != work || !d->queue_ts || !d->start_ts)
		return 0;
	now = bpf_ktime_get_ns();
	hist_add_cpu(MT_H_DRAIN_EXEC, cpu, now - d->start_ts);

	e = event_reserve(MT_EV_DRAIN_WORK);
	if (e) {
		e->drain_work.queue_ts = d->queue_ts;
		e->drain_work.activate_ts = d->activate_ts;
		e->drain_work.start_ts = d->start_ts;
		e->drain_work.target_cpu = cpu;
		e->drain_work.switches = d->switches;
		e->drain_work.queuer = d->queuer;
		e->drain_work.blocker = d->blocker;
		e->drain_work.blocker_ns = d->blocker_ns;
		bpf_ringbuf_submit(e, 0);
	}
	d->work = 0;
	d->queue_ts = 0;
	d->start_ts = 0;
	return 0;
}

#endif /* MIGTRACE_DRAIN_BPF_H */
