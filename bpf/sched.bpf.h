/* SPDX-License-Identifier: GPL-2.0 */
/* Who runs on each CPU, and who runs while its drain work is pending. Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_SCHED_BPF_H
#define MIGTRACE_SCHED_BPF_H

/* ---- who runs on each CPU, and who runs while its drain is pending ---- */

/*
 * Runs on every context switch of every CPU: the cost users pay all day.
 * With no drain work pending on this CPU it does the minimum: two per-CPU
 * array writes (the occupant, and since when to a tick: coarse_now()), no
 * hash lookup, no precise clock. The coarse time is enough there: it is
 * read only once drain work is queued, and then only as "on the CPU since
 * before the work was queued" (the blocker's stretch starts at
 * max(since, queue_ts); the loader caps the occupant's time at the work's
 * age), which an error of less than a tick toward earlier cannot change.
 * While work is pending, every switch is measured with the precise clock.
 */
SEC("?raw_tp/sched_switch")
int BPF_PROG(raw_tp_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct mt_cpu_occupant *occ;
	struct mt_cpu_drain *d;
	__u64 now;

	if (cpu >= MT_MAX_CPUS)
		return 0;
	occ = bpf_map_lookup_elem(&cpu_occupant, &cpu);
	if (!occ)
		return 0;
	d = drain_of_cpu(cpu);
	if (!d || !d->queue_ts || d->start_ts) {
		occ->task = (__u64)next;
		occ->since_ts = coarse_now();
		return 0;
	}
	/*
	 * Charge the outgoing task to drain work pending here and not yet
	 * started. A task preempted for a moment (migration/N) and back again
	 * keeps what it had: the blocker's time adds up over its stretches.
	 */
	now = bpf_ktime_get_ns();
	{
		__u64 from = occ->since_ts > d->queue_ts ? occ->since_ts : d->queue_ts;
		__u64 ran = now > from ? now - from : 0;
		__u32 prev_pid = BPF_CORE_READ(prev, pid);

		d->switches++;
		if (d->blocker.pid && prev_pid == d->blocker.pid) {
			d->blocker_ns += ran;
		} else if (ran >= d->blocker_ns) {
			d->blocker_ns = ran;
			task_describe(&d->blocker, prev);
		}
		task_describe(&d->occupant, next);
		name_func(worker_func(next));
		d->occupant_since_ts = now;
	}
	occ->task = (__u64)next;
	occ->since_ts = now;
	return 0;
}

/*
 * Who is on a CPU before its first sched_switch since attach: a spinner that
 * never yields never causes one. The timer interrupt (the tick, among
 * others) runs on top of it: learn it there, once per CPU.
 */
SEC("?raw_tp/hrtimer_expire_entry")
int BPF_PROG(raw_tp_hrtimer_expire_entry)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct task_struct *task;
	struct mt_cpu_occupant *occ;
	struct mt_cpu_drain *d;

	if (cpu >= MT_MAX_CPUS)
		return 0;
	occ = bpf_map_lookup_elem(&cpu_occupant, &cpu);
	if (!occ || occ->task)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	occ->task = (__u64)task;
	occ->since_ts = bpf_ktime_get_ns();	/* on the CPU at least since now */
	d = drain_of_cpu(cpu);
	if (d && d->queue_ts && !d->start_ts && !d->occupant.pid) {
		task_describe(&d->occupant, task);
		name_func(worker_func(task));
		d->occupant_since_ts = occ->since_ts;
	}
	return 0;
}

#endif /* MIGTRACE_SCHED_BPF_H */
