// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace BPF side: device-private migration, lru_add_drain_all and its
 * per-CPU work, faults on migrating pages, folio lock waits, and what runs
 * on a CPU whose drain work is pending.
 *
 * Function hooks come as twins (fentry/fexit and kprobe/kretprobe), all
 * declared optional ("?"): the loader enables one twin per hook after
 * probing, so the attach choice is data and the bodies are shared.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "migtrace.h"
#include "hist.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load. */
const volatile __u32 targ_tgid = 0;		/* 0: every process */
const volatile __s32 targ_cpu = -1;		/* -1: every CPU */
const volatile __u64 drain_work_fn = 0;		/* &lru_add_drain_per_cpu from kallsyms */
const volatile __u32 fault_vma_lock_flag = 0;	/* FAULT_FLAG_VMA_LOCK, 0 if absent */

/* Read by the loader: records lost because the ring buffer was full, per type. */
__u64 dropped[MT_EV_TYPE_MAX] = {};
/* State entries that could not be stored (tables full). */
__u64 state_full = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

/* Entry state of a hooked call, kept until its return. */
enum inflight_hook { IF_MIGRATE, IF_DRAIN_ALL, IF_SWAP_PAGE, IF_FOLIO_LOCK };

struct inflight_key {
	__u64 pid_tgid;
	__u32 hook;
	__u32 pad;
};

struct inflight_val {
	__u64 ts;
	__u64 arg;	/* the first argument, read again on return */
	__u32 kind;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct inflight_key);
	__type(value, struct inflight_val);
} inflight SEC(".maps");

/* Tasks between migrate setup and finalize: they hold folio locks. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);	/* setup entry time */
} migrating SEC(".maps");

/* The current run of faults of each task on one page. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct mt_fault_run);
} fault_runs SEC(".maps");

/* Per-CPU state, indexed by CPU number: see include/migtrace.h. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct mt_cpu_occupant);
} cpu_occupant SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct mt_cpu_drain);
} cpu_drain SEC(".maps");

/* Drain work item -> target CPU, for tracepoints that only name the item. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MT_MAX_CPUS);
	__type(key, __u64);
	__type(value, __u32);
} drain_work_cpu SEC(".maps");

/* ---- helpers ---------------------------------------------------------- */

static __always_inline bool task_filtered_out(void)
{
	return targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid;
}

static __always_inline bool cpu_filtered_out(__u32 cpu)
{
	return targ_cpu >= 0 && cpu != (__u32)targ_cpu;
}

static __always_inline struct mt_event *event_reserve(__u32 type)
{
	struct mt_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		if (type < MT_EV_TYPE_MAX)
			__sync_fetch_and_add(&dropped[type], 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->ts = bpf_ktime_get_ns();
	task_describe_current(&e->task);
	return e;
}

static __always_inline void inflight_enter(__u32 hook, __u64 arg, __u32 kind)
{
	struct inflight_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };
	struct inflight_val val = { .ts = bpf_ktime_get_ns(), .arg = arg, .kind = kind };

	if (bpf_map_update_elem(&inflight, &key, &val, BPF_ANY))
		__sync_fetch_and_add(&state_full, 1);
}

/* Returns false when the entry was not seen (attached mid-call, or evicted). */
static __always_inline bool inflight_exit(__u32 hook, struct inflight_val *out)
{
	struct inflight_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };
	struct inflight_val *v = bpf_map_lookup_elem(&inflight, &key);

	if (!v)
		return false;
	*out = *v;
	bpf_map_delete_elem(&inflight, &key);
	return true;
}

static __always_inline __u32 current_pid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* ---- migration: setup locks folios, finalize unlocks them -------------- */

/*
 * Collection locks folios inside setup, and setup itself may wait in
 * lru_add_drain_all(): the task counts as a holder from entry on.
 */
static __always_inline int on_migrate_enter(__u64 arg, __u32 kind, __u64 npages)
{
	__u32 pid = current_pid();
	struct mt_event *e;
	__u64 now;

	if (task_filtered_out())
		return 0;
	inflight_enter(IF_MIGRATE, arg, kind);
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&migrating, &pid, &now, BPF_ANY))
		__sync_fetch_and_add(&state_full, 1);
	e = event_reserve(MT_EV_MIGRATE_ENTER);
	if (!e)
		return 0;
	e->migrate.enter_ts = now;
	e->migrate.kind = kind;
	if (kind == MT_MIG_VMA) {
		struct migrate_vma *args = (void *)arg;

		e->migrate.start = BPF_CORE_READ(args, start);
		e->migrate.end = BPF_CORE_READ(args, end);
	} else {
		e->migrate.start = arg;
		e->migrate.npages = npages;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_migrate_setup_exit(long ret, __u64 npages_arg)
{
	struct inflight_val in;
	struct mt_event *e;
	__u32 pid = current_pid();
	__u64 now;

	if (!inflight_exit(IF_MIGRATE, &in))
		return 0;
	now = bpf_ktime_get_ns();
	hist_add(MT_H_MIGRATE_SETUP, now - in.ts);
	/* A failed setup has unlocked what it collected. */
	if (ret != 0)
		bpf_map_delete_elem(&migrating, &pid);

	e = event_reserve(MT_EV_MIGRATE_SETUP);
	if (!e)
		return 0;
	e->migrate.enter_ts = in.ts;
	e->migrate.ret = ret;
	e->migrate.kind = in.kind;
	if (in.kind == MT_MIG_VMA) {
		struct migrate_vma *args = (void *)in.arg;

		e->migrate.start = BPF_CORE_READ(args, start);
		e->migrate.end = BPF_CORE_READ(args, end);
		e->migrate.npages = BPF_CORE_READ(args, npages);
		e->migrate.cpages = BPF_CORE_READ(args, cpages);
	} else {
		e->migrate.start = in.arg;	/* first pfn or 0 for a pfn array */
		e->migrate.npages = npages_arg;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_migrate_pages(void)
{
	struct mt_event *e;

	if (task_filtered_out())
		return 0;
	e = event_reserve(MT_EV_MIGRATE_PAGES);
	if (e)
		bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int on_migrate_finalize_exit(__u32 kind)
{
	__u32 pid = current_pid();
	struct mt_event *e;
	__u64 *enter_ts, now;

	/* migrate_vma_finalize calls migrate_device_finalize: first return wins. */
	enter_ts = bpf_map_lookup_elem(&migrating, &pid);
	if (!enter_ts)
		return 0;
	now = bpf_ktime_get_ns();
	hist_add(MT_H_MIGRATE_HOLD, now - *enter_ts);
	e = event_reserve(MT_EV_MIGRATE_FINALIZE);
	if (e) {
		e->migrate.enter_ts = *enter_ts;
		e->migrate.kind = kind;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&migrating, &pid);
	return 0;
}

SEC("?fentry/migrate_vma_setup")
int BPF_PROG(fentry_migrate_vma_setup, struct migrate_vma *args)
{
	return on_migrate_enter((__u64)args, MT_MIG_VMA, 0);
}

SEC("?kprobe/migrate_vma_setup")
int BPF_KPROBE(kprobe_migrate_vma_setup, struct migrate_vma *args)
{
	return on_migrate_enter((__u64)args, MT_MIG_VMA, 0);
}

SEC("?fexit/migrate_vma_setup")
int BPF_PROG(fexit_migrate_vma_setup, struct migrate_vma *args, int ret)
{
	return on_migrate_setup_exit(ret, 0);
}

SEC("?kretprobe/migrate_vma_setup")
int BPF_KRETPROBE(kretprobe_migrate_vma_setup, int ret)
{
	return on_migrate_setup_exit(ret, 0);
}

SEC("?fentry/migrate_device_range")
int BPF_PROG(fentry_migrate_device_range, unsigned long *src_pfns, unsigned long start,
	     unsigned long npages)
{
	return on_migrate_enter(start, MT_MIG_DEVICE_RANGE, npages);
}

SEC("?kprobe/migrate_device_range")
int BPF_KPROBE(kprobe_migrate_device_range, unsigned long *src_pfns, unsigned long start,
	       unsigned long npages)
{
	return on_migrate_enter(start, MT_MIG_DEVICE_RANGE, npages);
}

SEC("?fexit/migrate_device_range")
int BPF_PROG(fexit_migrate_device_range, unsigned long *src_pfns, unsigned long start,
	     unsigned long npages, int ret)
{
	return on_migrate_setup_exit(ret, npages);
}

SEC("?kretprobe/migrate_device_range")
int BPF_KRETPROBE(kretprobe_migrate_device_range, int ret)
{
	return on_migrate_setup_exit(ret, 0);
}

SEC("?fentry/migrate_device_pfns")
int BPF_PROG(fentry_migrate_device_pfns, unsigned long *src_pfns, unsigned long npages)
{
	return on_migrate_enter(0, MT_MIG_DEVICE_PFNS, npages);
}

SEC("?kprobe/migrate_device_pfns")
int BPF_KPROBE(kprobe_migrate_device_pfns, unsigned long *src_pfns, unsigned long npages)
{
	return on_migrate_enter(0, MT_MIG_DEVICE_PFNS, npages);
}

SEC("?fexit/migrate_device_pfns")
int BPF_PROG(fexit_migrate_device_pfns, unsigned long *src_pfns, unsigned long npages, int ret)
{
	return on_migrate_setup_exit(ret, npages);
}

SEC("?kretprobe/migrate_device_pfns")
int BPF_KRETPROBE(kretprobe_migrate_device_pfns, int ret)
{
	return on_migrate_setup_exit(ret, 0);
}

SEC("?fentry/migrate_vma_pages")
int BPF_PROG(fentry_migrate_vma_pages)
{
	return on_migrate_pages();
}

SEC("?kprobe/migrate_vma_pages")
int BPF_KPROBE(kprobe_migrate_vma_pages)
{
	return on_migrate_pages();
}

SEC("?fexit/migrate_vma_finalize")
int BPF_PROG(fexit_migrate_vma_finalize)
{
	return on_migrate_finalize_exit(MT_MIG_VMA);
}

SEC("?kretprobe/migrate_vma_finalize")
int BPF_KRETPROBE(kretprobe_migrate_vma_finalize)
{
	return on_migrate_finalize_exit(MT_MIG_VMA);
}

SEC("?fexit/migrate_device_finalize")
int BPF_PROG(fexit_migrate_device_finalize)
{
	return on_migrate_finalize_exit(MT_MIG_DEVICE_RANGE);
}

SEC("?kretprobe/migrate_device_finalize")
int BPF_KRETPROBE(kretprobe_migrate_device_finalize)
{
	return on_migrate_finalize_exit(MT_MIG_DEVICE_RANGE);
}

/* ---- lru_add_drain_all ------------------------------------------------ */

static __always_inline int on_drain_all_enter(void)
{
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

	if (!inflight_exit(IF_DRAIN_ALL, &in))
		return 0;
	hist_add(MT_H_DRAIN_ALL, bpf_ktime_get_ns() - in.ts);
	e = event_reserve(MT_EV_DRAIN_ALL);
	if (!e)
		return 0;
	e->drain_all.enter_ts = in.ts;
	e->drain_all.held_locks = bpf_map_lookup_elem(&migrating, &pid) != NULL;
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

SEC("?tp/workqueue/workqueue_queue_work")
int tp_workqueue_queue_work(struct trace_event_raw_workqueue_queue_work *ctx)
{
	struct mt_cpu_occupant *occ;
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
	/* Written from the queuing CPU; the target CPU only adds to it. */
	d->work = (__u64)ctx->work;
	d->queue_ts = bpf_ktime_get_ns();
	d->activate_ts = 0;
	d->start_ts = 0;
	d->switches = 0;
	d->blocker_ns = 0;
	__builtin_memset(&d->blocker, 0, sizeof(d->blocker));
	task_describe_current(&d->queuer);
	/* Who is on the target CPU now: it may never switch out while the work waits. */
	occ = bpf_map_lookup_elem(&cpu_occupant, &cpu);
	if (occ && occ->task) {
		task_describe(&d->occupant, (struct task_struct *)occ->task);
		d->occupant_since_ts = occ->since_ts;
	} else {
		__builtin_memset(&d->occupant, 0, sizeof(d->occupant));
		d->occupant_since_ts = 0;
	}
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

SEC("?tp/workqueue/workqueue_execute_start")
int tp_workqueue_execute_start(struct trace_event_raw_workqueue_execute_start *ctx)
{
	struct mt_cpu_drain *d;
	__u32 cpu = bpf_get_smp_processor_id();

	if (!drain_work_fn || (__u64)ctx->function != drain_work_fn)
		return 0;
	d = drain_of_cpu(cpu);
	if (!d || d->work != (__u64)ctx->work || !d->queue_ts)
		return 0;
	d->start_ts = bpf_ktime_get_ns();
	hist_add_this_cpu(MT_H_DRAIN_WAIT, d->start_ts - d->queue_ts);
	return 0;
}

SEC("?tp/workqueue/workqueue_execute_end")
int tp_workqueue_execute_end(struct trace_event_raw_workqueue_execute_end *ctx)
{
	struct mt_cpu_drain *d;
	struct mt_event *e;
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 now;

	if (!drain_work_fn || (__u64)ctx->function != drain_work_fn)
		return 0;
	d = drain_of_cpu(cpu);
	if (!d || !d->queue_ts || !d->start_ts)
		return 0;
	now = bpf_ktime_get_ns();
	hist_add_this_cpu(MT_H_DRAIN_EXEC, now - d->start_ts);

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
	bpf_map_delete_elem(&drain_work_cpu, &d->work);
	d->work = 0;
	d->queue_ts = 0;
	d->start_ts = 0;
	return 0;
}

/* ---- who runs on each CPU, and who runs while its drain is pending ---- */

SEC("?raw_tp/sched_switch")
int BPF_PROG(raw_tp_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct mt_cpu_occupant *occ;
	struct mt_cpu_drain *d;
	__u64 now = bpf_ktime_get_ns();

	if (cpu >= MT_MAX_CPUS)
		return 0;
	occ = bpf_map_lookup_elem(&cpu_occupant, &cpu);
	if (!occ)
		return 0;
	d = drain_of_cpu(cpu);
	/* Charge the outgoing task to drain work pending here and not yet started. */
	if (d && d->queue_ts && !d->start_ts) {
		__u64 from = occ->since_ts > d->queue_ts ? occ->since_ts : d->queue_ts;
		__u64 ran = now > from ? now - from : 0;

		d->switches++;
		if (ran >= d->blocker_ns) {
			d->blocker_ns = ran;
			task_describe(&d->blocker, prev);
		}
		task_describe(&d->occupant, next);
		d->occupant_since_ts = now;
	}
	occ->task = (__u64)next;
	occ->since_ts = now;
	return 0;
}

/* ---- faults on one page, again and again ------------------------------ */

static __always_inline void fault_run_emit(struct mt_fault_run *r, bool open)
{
	struct mt_event *e = event_reserve(MT_EV_FAULT_RUN);

	if (!e)
		return;
	e->ts = r->last_ts;
	e->fault_run.address = r->address;
	e->fault_run.first_ts = r->first_ts;
	e->fault_run.attempts = r->attempts;
	e->fault_run.vma_lock_attempts = r->vma_lock_attempts;
	e->fault_run.source = r->source;
	e->fault_run.last_ret = r->last_ret;
	e->fault_run.open = open;
	bpf_ringbuf_submit(e, 0);
}

/* A fault by the current task on address: extend its run or start a new one. */
static __always_inline void fault_seen(__u64 address, bool vma_locked, __u32 source)
{
	__u32 pid = current_pid();
	__u64 page = address & ~4095ULL, now = bpf_ktime_get_ns();
	struct mt_fault_run *r, fresh = {};

	r = bpf_map_lookup_elem(&fault_runs, &pid);
	if (r && r->address == page && r->source == source) {
		r->attempts++;
		r->vma_lock_attempts += vma_locked;
		r->last_ts = now;
		return;
	}
	if (r) {
		/*
		 * Two attempts are ordinary: a per-VMA-lock pass then the
		 * mmap_lock one in do_swap_page, or a read fault then a write
		 * fault on a page.
		 */
		if (r->attempts > 2)
			fault_run_emit(r, false);
		/* Reuse the entry in place: an update per fault costs too much. */
		r->address = page;
		r->first_ts = r->last_ts = now;
		r->attempts = 1;
		r->vma_lock_attempts = vma_locked;
		r->last_ret = -1;
		r->source = source;
		return;
	}
	fresh.address = page;
	fresh.first_ts = fresh.last_ts = now;
	fresh.attempts = 1;
	fresh.vma_lock_attempts = vma_locked;
	fresh.last_ret = -1;
	fresh.source = source;
	task_describe_current(&fresh.task);
	if (bpf_map_update_elem(&fault_runs, &pid, &fresh, BPF_ANY))
		__sync_fetch_and_add(&state_full, 1);
}

/* A task that exits ends its run: report it and free its entry for the living. */
SEC("?raw_tp/sched_process_exit")
int BPF_PROG(raw_tp_sched_process_exit)
{
	__u32 pid = current_pid();
	struct mt_fault_run *r = bpf_map_lookup_elem(&fault_runs, &pid);

	if (!r)
		return 0;
	if (r->attempts > 2)
		fault_run_emit(r, false);
	bpf_map_delete_elem(&fault_runs, &pid);
	return 0;
}

static __always_inline int on_swap_page_enter(struct vm_fault *vmf)
{
	__u32 flags;

	if (task_filtered_out())
		return 0;
	flags = BPF_CORE_READ(vmf, flags);
	fault_seen(BPF_CORE_READ(vmf, address),
		   fault_vma_lock_flag && (flags & fault_vma_lock_flag), MT_FAULT_DO_SWAP_PAGE);
	inflight_enter(IF_SWAP_PAGE, 0, 0);
	return 0;
}

static __always_inline int on_swap_page_exit(long ret)
{
	struct inflight_val in;
	__u32 pid = current_pid();
	struct mt_fault_run *r;

	if (!inflight_exit(IF_SWAP_PAGE, &in))
		return 0;
	hist_add(MT_H_SWAP_PAGE, bpf_ktime_get_ns() - in.ts);
	r = bpf_map_lookup_elem(&fault_runs, &pid);
	if (r)
		r->last_ret = ret;
	return 0;
}

SEC("?fentry/do_swap_page")
int BPF_PROG(fentry_do_swap_page, struct vm_fault *vmf)
{
	return on_swap_page_enter(vmf);
}

SEC("?kprobe/do_swap_page")
int BPF_KPROBE(kprobe_do_swap_page, struct vm_fault *vmf)
{
	return on_swap_page_enter(vmf);
}

SEC("?fexit/do_swap_page")
int BPF_PROG(fexit_do_swap_page, struct vm_fault *vmf, long ret)
{
	return on_swap_page_exit(ret);
}

SEC("?kretprobe/do_swap_page")
int BPF_KRETPROBE(kretprobe_do_swap_page, long ret)
{
	return on_swap_page_exit(ret);
}

/* exceptions:page_fault_user has no BTF type; its format file is stable since 3.13. */
struct page_fault_user_args {
	__u64 common;
	unsigned long address;
	unsigned long ip;
	unsigned long error_code;
};

/* Approximation where do_swap_page is invisible: every user page fault. */
SEC("?tp/exceptions/page_fault_user")
int tp_page_fault_user(struct page_fault_user_args *ctx)
{
	if (task_filtered_out())
		return 0;
	fault_seen(ctx->address, false, MT_FAULT_PAGE_FAULT_USER);
	return 0;
}

/* ---- folio locks ------------------------------------------------------ */

static __always_inline int on_folio_lock_enter(struct folio *folio)
{
	if (task_filtered_out())
		return 0;
	inflight_enter(IF_FOLIO_LOCK, (__u64)folio, 0);
	return 0;
}

static __always_inline int on_folio_lock_exit(void)
{
	struct inflight_val in;
	struct mt_event *e;
	__u64 now;

	if (!inflight_exit(IF_FOLIO_LOCK, &in))
		return 0;
	now = bpf_ktime_get_ns();
	hist_add(MT_H_FOLIO_WAIT, now - in.ts);
	e = event_reserve(MT_EV_FOLIO_WAIT);
	if (!e)
		return 0;
	e->folio.folio = in.arg;
	e->folio.enter_ts = in.ts;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Only unlocks that wake someone are recorded: they name the holder. */
static __always_inline int on_folio_unlock(struct folio *folio)
{
	unsigned long flags = 0;
	struct mt_event *e;
	int waiters_bit = 7;

	if (bpf_core_enum_value_exists(enum pageflags, PG_waiters))
		waiters_bit = bpf_core_enum_value(enum pageflags, PG_waiters);
	/* flags is the folio's first word whether typed unsigned long or memdesc_flags_t. */
	if (bpf_probe_read_kernel(&flags, sizeof(flags), folio))
		return 0;
	if (!(flags & (1UL << (waiters_bit & 63))) || task_filtered_out())
		return 0;
	e = event_reserve(MT_EV_FOLIO_UNLOCK);
	if (!e)
		return 0;
	e->folio.folio = (__u64)folio;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("?fentry/__folio_lock")
int BPF_PROG(fentry___folio_lock, struct folio *folio)
{
	return on_folio_lock_enter(folio);
}

SEC("?kprobe/__folio_lock")
int BPF_KPROBE(kprobe___folio_lock, struct folio *folio)
{
	return on_folio_lock_enter(folio);
}

SEC("?fexit/__folio_lock")
int BPF_PROG(fexit___folio_lock)
{
	return on_folio_lock_exit();
}

SEC("?kretprobe/__folio_lock")
int BPF_KRETPROBE(kretprobe___folio_lock)
{
	return on_folio_lock_exit();
}

SEC("?fentry/folio_unlock")
int BPF_PROG(fentry_folio_unlock, struct folio *folio)
{
	return on_folio_unlock(folio);
}

SEC("?kprobe/folio_unlock")
int BPF_KPROBE(kprobe_folio_unlock, struct folio *folio)
{
	return on_folio_unlock(folio);
}

/* ---- lab kernels: tracepoints added where upstream code is inlined ---- */

/* Failed do_swap_page trylocks not yet reported, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} swap_trylock_fails SEC(".maps");

#define SWAP_TRYLOCK_FAIL_SAMPLE 256

static __always_inline int on_lab_trylock(__u64 pfn, __u64 address, int locked, __u32 site)
{
	__u32 zero = 0, weight = 1;
	struct mt_event *e;
	__u64 *pending;

	if (task_filtered_out())
		return 0;
	/*
	 * A spinner fails this trylock hundreds of thousands of times a
	 * second: one record per SWAP_TRYLOCK_FAIL_SAMPLE failures, carrying
	 * the count, keeps the ring buffer for everything else.
	 */
	if (site == MT_TRY_SWAP_PAGE && locked <= 0) {
		pending = bpf_map_lookup_elem(&swap_trylock_fails, &zero);
		if (pending && ++*pending < SWAP_TRYLOCK_FAIL_SAMPLE)
			return 0;
		if (pending) {
			weight = *pending;
			*pending = 0;
		}
	}
	e = event_reserve(MT_EV_TRYLOCK);
	if (!e)
		return 0;
	e->trylock.pfn = pfn;
	e->trylock.address = address;
	e->trylock.locked = locked;
	e->trylock.site = site;
	e->trylock.weight = weight;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* TP_PROTO(unsigned long pfn, unsigned long address, int locked) */
SEC("?raw_tp/swap_page_trylock")
int BPF_PROG(raw_tp_swap_page_trylock, unsigned long pfn, unsigned long address, int locked)
{
	return on_lab_trylock(pfn, address, locked, MT_TRY_SWAP_PAGE);
}

SEC("?raw_tp/collect_trylock")
int BPF_PROG(raw_tp_collect_trylock, unsigned long pfn, unsigned long address, int locked)
{
	return on_lab_trylock(pfn, address, locked, MT_TRY_COLLECT);
}
