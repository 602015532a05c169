/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evidence from kernel state beyond the hooks, shared by the BPF programs
 * and the loader: what the stack sampler saw on a CPU with pending drain
 * work, the work item that started last on each CPU, and the records of
 * the attach-time discovery over every task. Fixed-width types only.
 */
#ifndef MT_EVIDENCE_H
#define MT_EVIDENCE_H

#include "migtrace.h"

/*
 * What the stack sampler saw on one CPU since its pending drain work was
 * queued (cpu_sample map, by CPU; written only by that CPU's samples).
 * The counts start again when the pending work changes.
 */
struct mt_cpu_sample {
	__u64 work, queue_ts;	/* the pending drain work counted for */
	__u64 first_ts, last_ts;
	__u64 samples;
	__u64 bit_samples[MT_SB_COUNT];	/* samples whose stack had each class */
	__u64 fault_samples;	/* in a device-private fault: hmm_range_fault, do_swap_page,
				 * a device fault handler (any of them) */
	struct mt_task task;	/* on the CPU at the first sample */
	__u32 last_pid;
	__u32 one_pid;		/* 1 while every sample was on task.pid */
	/* The samples in a row on one task, the last one's: what the task on the CPU does. */
	__u32 streak_pid;
	__u32 pad;
	__u64 streak_samples, streak_user, streak_fault;
	__u64 work_func;	/* the last sample's task is a kworker: its current_func */
	struct mt_stack last;	/* the last sample's kernel stack */
};

/* The classes that put a sample in a device-private fault. */
#define MT_SB_FAULT_PATH (MT_SB(MT_SB_HMM_RANGE_FAULT) | MT_SB(MT_SB_DO_SWAP_PAGE) | \
			  MT_SB(MT_SB_DEVICE_FAULT))

#define MT_WORK_RING 16	/* work items kept per CPU: a 100 ms read misses none (about 11/s measured) */

/* One work item's run on a CPU. */
struct mt_work_run {
	__u64 func;		/* its work function; symbolized by the loader */
	__u64 start_ts;		/* coarse: to a tick */
	__u64 end_ts;		/* 0 while it runs (or its end was not seen) */
	__u32 pid;		/* the kworker */
	__u32 pad;
};

/*
 * The work items that started last on a CPU (cpu_work map, per CPU): a
 * ring, the newest at (seq - 1) % MT_WORK_RING. The last one names what a
 * kworker occupying the CPU runs; the ones before let a reader that polls
 * see every item (a flush runs its barrier right after the work it waits
 * for, so the last alone would hide it).
 */
struct mt_cpu_work {
	__u64 seq;		/* items started since attach */
	struct mt_work_run runs[MT_WORK_RING];
};

/*
 * A work function's name, by its address (func_names map): written by the
 * kernel's own symbol lookup (bpf_snprintf "%ps") when a kworker is seen
 * on a CPU whose drain work is pending, so that the loader never has to
 * scan /proc/kallsyms while it decides (under a starved CPU that scan took
 * seconds).
 */
#define MT_FUNC_NAME_LEN 64
struct mt_func_name {
	char name[MT_FUNC_NAME_LEN];
};

/* Records of the attach-time discovery (iter/task), read from its seq_file. */
enum mt_disc_type {
	MT_DISC_TASK = 1,	/* a task */
	MT_DISC_WORK,		/* drain work pending in a per-CPU worker pool */
};

/* struct mt_disc_rec.flags */
enum mt_disc_flag {
	MT_DF_ON_CPU = 1,	/* task: on a CPU at the read (its stack is stale) */
	MT_DF_KWORKER = 2,	/* task: a workqueue worker (PF_WQ_WORKER) */
	MT_DF_SEEDED = 4,	/* work: written into cpu_drain as pending */
	MT_DF_DISASSOCIATED = 8,	/* work: its pool is unbound from the CPU (offline) */
	MT_DF_RESCUER = 16,	/* task: a workqueue rescuer */
};

struct mt_disc_rec {
	__u32 type;		/* enum mt_disc_type */
	__u32 cpu;		/* task: its CPU; work: the pool's CPU */
	__u32 flags;		/* enum mt_disc_flag */
	__u32 state;		/* task: __state (0 running or runnable) */
	struct mt_task task;	/* task: the task; work: zero */
	__u64 func;		/* task: a kworker's current_func; work: the work's func */
	__u64 work;		/* task: a kworker's current_work; work: the work_struct */
	__u64 pool;		/* the worker pool (kernel pointer, matching only) */
	__u64 pool_watchdog_ts;	/* work: pool's last progress, jiffies */
	__u64 jiffies, ktime;	/* at the read: to convert jiffies */
	struct mt_stack stack;	/* task: its kernel stack */
};

#endif /* MT_EVIDENCE_H */
