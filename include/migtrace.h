/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF programs and the loader: event records carried
 * by the ring buffer, histogram keys and values, and the per-CPU state the
 * loader reads directly from maps. Fixed-width types only, nothing else.
 */
#ifndef MIGTRACE_H
#define MIGTRACE_H

#ifndef __VMLINUX_H__	/* BPF programs get these from vmlinux.h */
#include <linux/types.h>
#endif
#include "mt_stack.h"

#define MT_COMM_LEN	16
#define MT_MAX_CPUS	512
#define MT_HIST_SLOTS	40	/* log2 buckets of nanoseconds: up to ~9 minutes */

/* Kinds of record in the ring buffer. */
enum mt_event_type {
	MT_EV_MIGRATE_SETUP = 1,	/* migrate_vma_setup / migrate_device_{range,pfns} returned */
	MT_EV_MIGRATE_PAGES,		/* migrate_vma_pages entered */
	MT_EV_MIGRATE_FINALIZE,		/* migrate_{vma,device}_finalize returned: folios unlocked */
	MT_EV_DRAIN_ALL,		/* lru_add_drain_all returned */
	MT_EV_DRAIN_QUEUE,		/* lru_add_drain_per_cpu queued for a CPU */
	MT_EV_DRAIN_WORK,		/* lru_add_drain_per_cpu finished on its CPU */
	MT_EV_FAULT_RUN,		/* a run of faults by one task on one page ended */
	MT_EV_FOLIO_WAIT,		/* __folio_lock slept and returned */
	MT_EV_FOLIO_UNLOCK,		/* folio_unlock of a folio with waiters */
	MT_EV_TRYLOCK,			/* lab tracepoint: a folio trylock outcome */
	MT_EV_MIGRATE_ENTER,		/* migrate setup entered: folios get locked from here */
	MT_EV_TYPE_MAX,
};

/* Which migration entry point an MT_EV_MIGRATE_* record comes from. */
enum mt_migrate_kind {
	MT_MIG_VMA = 0,
	MT_MIG_DEVICE_RANGE,
	MT_MIG_DEVICE_PFNS,
};

/* Where an MT_EV_TRYLOCK outcome was seen (lab kernels only). */
enum mt_trylock_site {
	MT_TRY_SWAP_PAGE = 0,
	MT_TRY_COLLECT,
};

/* Source of fault runs: the precise hook or the page-fault approximation. */
enum mt_fault_source {
	MT_FAULT_DO_SWAP_PAGE = 0,
	MT_FAULT_PAGE_FAULT_USER,
};

struct mt_task {
	__u32 pid;		/* thread id */
	__u32 tgid;		/* process id */
	__s32 prio;		/* kernel prio: 0..99 RT, 100..139 normal */
	__u32 policy;		/* SCHED_* */
	char comm[MT_COMM_LEN];
};

struct mt_event {
	__u32 type;		/* enum mt_event_type */
	__u32 cpu;		/* CPU the record was produced on */
	__u64 ts;		/* bpf_ktime_get_ns() at the end of the thing recorded */
	struct mt_task task;	/* current task when recorded */
	union {
		struct {
			__u64 enter_ts;
			__u64 start, end;	/* virtual range (vma) or first pfn (device) */
			__u64 npages, cpages;
			__s64 ret;
			__u32 kind;		/* enum mt_migrate_kind */
		} migrate;
		struct {
			__u64 enter_ts;		/* 0 when approximated from tracepoints */
			__u32 held_locks;	/* caller was between migrate setup and finalize */
		} drain_all;
		struct {
			__u32 target_cpu;
		} drain_queue;
		struct {
			__u64 queue_ts, activate_ts, start_ts;	/* end is ev.ts */
			__u32 target_cpu;
			__u32 switches;		/* context switches on the CPU while pending */
			struct mt_task queuer;
			struct mt_task blocker;	/* longest runner on the CPU while pending */
			__u64 blocker_ns;
		} drain_work;
		struct {
			__u64 address;		/* page-aligned */
			__u64 first_ts;
			__u64 attempts;		/* faults on that page in a row */
			__u64 vma_lock_attempts; /* of which under the per-VMA lock */
			__u32 source;		/* enum mt_fault_source */
			__s32 last_ret;		/* vm_fault_t of the last attempt, -1 unknown */
			__u32 open;		/* 1: still running when read at exit */
		} fault_run;
		struct {
			__u64 folio;		/* kernel pointer; see --kernel-addrs */
			__u64 enter_ts;
		} folio;
		struct {
			__u64 pfn, address;
			__s32 locked;
			__u32 site;		/* enum mt_trylock_site */
			__u32 weight;		/* outcomes this record stands for (0 means 1) */
		} trylock;
	};
};

/*
 * Histograms aggregated in the kernel. The first MT_H_PER_CPU ids are kept
 * per CPU in a plain array (slot id * MT_MAX_CPUS + cpu), written only by
 * the CPU they describe; the rest live in a per-CPU array summed by the
 * loader.
 */
enum mt_hist_id {
	MT_H_DRAIN_WAIT = 0,	/* lru_add_drain_per_cpu queued -> started, per target CPU */
	MT_H_DRAIN_EXEC,	/* started -> ended, per CPU */
	MT_H_PER_CPU,
	MT_H_DRAIN_ALL = MT_H_PER_CPU,	/* lru_add_drain_all enter -> return */
	MT_H_SWAP_PAGE,		/* do_swap_page enter -> return */
	MT_H_FOLIO_WAIT,	/* __folio_lock sleep */
	MT_H_MIGRATE_SETUP,	/* migrate setup enter -> return */
	MT_H_MIGRATE_HOLD,	/* folios locked (collected) -> finalize return */
	MT_H_MAX,
};

struct mt_hist {
	__u64 slots[MT_HIST_SLOTS];
	__u64 count;
	__u64 sum_ns;
	__u64 max_ns;
};

/* How a task was seen to hold locked folios (enum mt_holder.via). */
enum mt_holder_via {
	MT_HOLD_UNMAP = 0,		/* migrate_device_unmap entered: collection locked them */
	MT_HOLD_COLLECT_TRYLOCK,	/* lab tracepoint: a folio trylock in collection succeeded */
	MT_HOLD_COLLECT_DONE,		/* migrate_device:migrate_vma_collect_done with cpages > 0 */
	MT_HOLD_DRAIN_LOCKED,		/* migrate_device:migrate_device_drain_all_start, nr_locked > 0 */
};

/*
 * A task holding locked folios of a migration (holders map, by thread id):
 * from the moment collection has locked them until they are unlocked
 * (finalize, a failed or empty setup, task exit).
 */
struct mt_holder {
	__u64 since_ts;
	__u64 start, end;	/* virtual range (vma), or first pfn and 0 (device) */
	__u64 npages;
	__u32 kind;		/* enum mt_migrate_kind */
	__u32 via;		/* enum mt_holder_via */
};

/*
 * Folios a task's collection found locked and left out (collect_contended
 * map, by thread id): the series' migrate_vma_collect_skip LOCK_CONTENDED,
 * or the lab's collect_trylock locked=0. Cleared when the task starts or
 * finalizes a migration: what its migration in progress (or its latest
 * one, which found nothing to migrate and so is not finalized) skipped.
 * Whose lock it was is not known.
 */
struct mt_contended {
	__u64 first_address;	/* the first page skipped */
	__u64 last_ts;		/* the latest skip */
	__u64 pages;		/* pages skipped */
};

/*
 * A task inside lru_add_drain_all() (drain_waiting map, by thread id): it
 * waits for drain work, its own or, behind the drain mutex, another's.
 */
struct mt_drain_waiter {
	__u64 since_ts;
	struct mt_task task;
};

/* The current run of faults of one task on one page (fault_runs map). */
struct mt_fault_run {
	__u64 address;		/* page-aligned */
	__u64 first_ts, last_ts;
	__u64 attempts, vma_lock_attempts;
	__s32 last_ret;
	__u32 source;		/* enum mt_fault_source */
	struct mt_task task;
};

/*
 * What runs on each CPU now; written only by that CPU's sched_switch. Kept
 * to two stores on that hot path: the task is described only when drain
 * work waits on the CPU.
 */
struct mt_cpu_occupant {
	__u64 task;		/* struct task_struct pointer, never shown */
	__u64 since_ts;
};

/* struct mt_cpu_drain.flags */
enum mt_drain_flag {
	/*
	 * Found pending at attach (discovery), not seen queued: queue_ts is
	 * the discovery's time, a lower bound of the age; the queuer is the
	 * task found waiting in __flush_work <- __lru_add_drain_all, if any.
	 */
	MT_DRAIN_DISCOVERED = 1,
};

/* Drain work outstanding on a CPU; read by the loader to age stuck work. */
struct mt_cpu_drain {
	__u64 work;		/* work_struct pointer, 0 when none pending */
	__u64 queue_ts;
	__u64 activate_ts;
	__u64 start_ts;		/* execute_start seen; 0 while still waiting */
	__u32 switches;
	__u32 flags;		/* enum mt_drain_flag */
	struct mt_task queuer;
	struct mt_task blocker;	/* longest runner since queued, switched out */
	__u64 blocker_ns;
	struct mt_task occupant;	/* on the CPU now: at queueing, then each switch */
	__u64 occupant_since_ts;
	struct mt_stack queuer_stack;	/* the queuer's kernel stack when it queued */
};

#endif /* MIGTRACE_H */
