/* SPDX-License-Identifier: GPL-2.0 */
/* The loader's settings, the maps, and the helpers every hook uses. Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_STATE_BPF_H
#define MIGTRACE_STATE_BPF_H

/* Set by the loader before load. */
const volatile __u32 targ_tgid = 0;		/* 0: every process */
const volatile __s32 targ_cpu = -1;		/* -1: every CPU */
const volatile __u64 drain_work_fn = 0;		/* &lru_add_drain_per_cpu from kallsyms */
const volatile __u32 fault_vma_lock_flag = 0;	/* FAULT_FLAG_VMA_LOCK, 0 if absent */
/*
 * do_swap_page not hooked (tracepoints only, or its hook held back while a
 * CPU stalls): a fault trylock event is its attempt. Set by the loader
 * whenever the hooks change (bss).
 */
__u32 faults_from_trylock = 0;

/* Read by the loader: records lost because the ring buffer was full, per type. */
__u64 dropped[MT_EV_TYPE_MAX] = {};
/* State entries that could not be stored (tables full): all, and per verdict table. */
__u64 state_full = 0;
__u64 holders_full = 0;		/* a lock holder went unrecorded */
__u64 fault_runs_full = 0;	/* a task's fault run went unrecorded */

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

/*
 * Tables a verdict rests on are plain hash maps: an LRU map would evict
 * silently, here a full table refuses and the refusal is counted. Entries
 * of a task go at its exit (raw_tp_sched_process_exit).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct inflight_key);
	__type(value, struct inflight_val);
} inflight SEC(".maps");

/* Tasks holding locked folios of a migration (struct mt_holder). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct mt_holder);
} holders SEC(".maps");

/* Tasks whose migration in progress skipped locked folios (struct mt_contended). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct mt_contended);
} collect_contended SEC(".maps");

/* Tasks inside lru_add_drain_all() (struct mt_drain_waiter). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct mt_drain_waiter);
} drain_waiting SEC(".maps");

/* The current run of faults of each task on one page. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
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

/*
 * The current task waits in lru_add_drain_all() from now (fentry/kprobe on
 * it, or the series' drain_all_start): behind the drain mutex it may wait
 * for another caller's work. Not filtered: a waiter is judged by its locks.
 */
static __always_inline void drain_waiting_enter(void)
{
	struct mt_drain_waiter w = { .since_ts = bpf_ktime_get_ns() };
	__u32 pid = current_pid();

	task_describe_current(&w.task);
	if (bpf_map_update_elem(&drain_waiting, &pid, &w, BPF_ANY))
		__sync_fetch_and_add(&state_full, 1);
}

static __always_inline void drain_waiting_exit(void)
{
	__u32 pid = current_pid();

	bpf_map_delete_elem(&drain_waiting, &pid);
}

/* A task's in-flight calls, gone with it (a kretprobe can miss a return). */
static __always_inline void inflight_forget_task(__u64 pid_tgid)
{
	struct inflight_key key = { .pid_tgid = pid_tgid };

	for (__u32 h = IF_MIGRATE; h <= IF_FOLIO_LOCK; h++) {
		key.hook = h;
		bpf_map_delete_elem(&inflight, &key);
	}
}

#endif /* MIGTRACE_STATE_BPF_H */
