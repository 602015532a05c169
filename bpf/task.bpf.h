/* SPDX-License-Identifier: GPL-2.0 */
/* Describing a task (ids, name, scheduling class) from its task_struct. */
#ifndef MIGTRACE_TASK_BPF_H
#define MIGTRACE_TASK_BPF_H

#include "migtrace.h"

/* task_struct.flags (include/linux/sched.h; unchanged since 2.6). */
#define PF_EXITING	0x00000004
#define PF_WQ_WORKER	0x00000020

static __always_inline void task_describe(struct mt_task *t, struct task_struct *task)
{
	t->pid = BPF_CORE_READ(task, pid);
	t->tgid = BPF_CORE_READ(task, tgid);
	t->prio = BPF_CORE_READ(task, prio);
	t->policy = BPF_CORE_READ(task, policy);
	BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
}

static __always_inline void task_describe_current(struct mt_task *t)
{
	task_describe(t, (struct task_struct *)bpf_get_current_task());
}

#endif /* MIGTRACE_TASK_BPF_H */
