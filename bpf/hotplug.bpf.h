/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU hotplug: when a CPU goes down, its workqueue pools are unbound
 * (workqueue_offline_cpu, the CPUHP_AP_WORKQUEUE_ONLINE teardown) and
 * their pending work runs on other CPUs. The drain work pending for that
 * CPU no longer waits on it: its state there ends (the item itself is
 * still followed by drain_work_cpu, wherever it runs). Included once, by
 * migtrace.bpf.c.
 */
#ifndef MIGTRACE_HOTPLUG_BPF_H
#define MIGTRACE_HOTPLUG_BPF_H

/* cpuhp_exit(cpu, state, idx, ret): state is the CPU's after the step idx ran. */
SEC("?raw_tp/cpuhp_exit")
int BPF_PROG(raw_tp_cpuhp_exit, unsigned int cpu, int state, int idx, int ret)
{
	int wq_online = bpf_core_enum_value(enum cpuhp_state, CPUHP_AP_WORKQUEUE_ONLINE);
	struct mt_cpu_drain *d;

	/* Teardown steps leave the state below the step; bringup at it. */
	if (ret || !wq_online || idx != wq_online || state >= idx)
		return 0;
	d = drain_of_cpu(cpu);
	if (!d || !d->queue_ts || d->start_ts)
		return 0;
	d->work = 0;
	d->queue_ts = 0;
	d->flags = 0;
	return 0;
}

#endif /* MIGTRACE_HOTPLUG_BPF_H */
