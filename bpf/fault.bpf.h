/* SPDX-License-Identifier: GPL-2.0 */
/* Faults on one page, again and again (fault runs). Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_FAULT_BPF_H
#define MIGTRACE_FAULT_BPF_H

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

/*
 * The last runs counted on each CPU, so that a fault touches no hash: the
 * fault_runs entry of a task (by thread id) holds its run once the run is
 * worth reading (3 attempts: two are ordinary, a per-VMA-lock pass then the
 * mmap_lock one in do_swap_page, or a read then a write fault) or its view
 * here is replaced, and is brought up to date from here at most once a tick
 * while the run goes on, and when it ends. The loader reads that entry
 * every 100 ms (read_occupant_run, read_open_runs): its attempts and
 * last_ts may lag by the faults of the current tick (under 4 ms at HZ=250),
 * never by a run: a run reaching 3 attempts is in the table at once (or
 * counted in fault_runs_full), and a run of 3 or more that ends is reported
 * and leaves it at once. An entry of fewer than 3 attempts may name an
 * older page of its task than the current one: every reader takes both as
 * "not retrying". Times are coarse_now()'s: to a tick.
 *
 * A view is a CPU's count of one task's run, kept in one of two slots (two
 * tasks taking turns on a CPU stay cached). It belongs to a task by its
 * pid and task_struct together: a task exiting clears only the views of
 * the CPU it exits on, and a new task may get the freed task_struct (or,
 * after the pids wrap, the pid), so neither alone may hand it a dead
 * task's run. It is the task's own count only while the task has not
 * migrated since it was taken (se.nr_migrations): then no other CPU
 * counted that run in between. Counts reach the entry as deltas (flushed),
 * so a view left on a CPU the task moved from adds what it counted, never
 * overwrites; such a view never writes a run of its own.
 */
struct fault_view {
	__u64 task;		/* task_struct of the run counted here, 0: none */
	__u64 migrations;	/* its se.nr_migrations then */
	__u64 page;
	__u64 first_ts, last_ts;
	__u64 attempts, vma_lock_attempts;	/* the run's, as known here */
	__u64 flushed, flushed_vma;	/* of which already in the fault_runs entry */
	__u64 flush_jiffies;
	__s32 last_ret;
	__u32 source;
	__u32 pid;
	__u32 in_table;		/* the fault_runs entry of pid holds this run */
};

struct fault_cpu {
	struct fault_view v[2];
	__u32 mru;		/* the slot used last */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault_cpu);
} fault_cpu SEC(".maps");

static __always_inline bool run_is(const struct mt_fault_run *r, const struct fault_view *c)
{
	return r->address == c->page && r->first_ts == c->first_ts && r->source == c->source;
}

static __always_inline void run_from_view(struct mt_fault_run *r, const struct fault_view *c)
{
	r->address = c->page;
	r->first_ts = c->first_ts;
	r->last_ts = c->last_ts;
	r->attempts = c->attempts;
	r->vma_lock_attempts = c->vma_lock_attempts;
	r->last_ret = c->last_ret;
	r->source = c->source;
}

static __always_inline void view_start(struct fault_view *c, __u64 page, __u32 vma_locked,
				       __u32 source, __u64 now)
{
	c->page = page;
	c->source = source;
	c->first_ts = c->last_ts = now;
	c->attempts = 1;
	c->vma_lock_attempts = vma_locked;
	c->flushed = c->flushed_vma = 0;
	c->last_ret = -1;
	c->in_table = 0;
}

/* Bring the fault_runs entry of the view's run up to date. */
static __always_inline void view_flush(struct fault_view *c)
{
	struct mt_fault_run *r = bpf_map_lookup_elem(&fault_runs, &c->pid);

	c->flush_jiffies = bpf_jiffies64();
	if (!r || !run_is(r, c)) {
		c->in_table = 0;	/* gone (the task exited) or replaced */
		return;
	}
	r->attempts += c->attempts - c->flushed;
	r->vma_lock_attempts += c->vma_lock_attempts - c->flushed_vma;
	if (c->last_ts > r->last_ts)
		r->last_ts = c->last_ts;
	r->last_ret = c->last_ret;
	c->flushed = c->attempts;
	c->flushed_vma = c->vma_lock_attempts;
}

/* The current task's run is worth reading: into the table. */
static __always_inline void view_publish(struct fault_view *c)
{
	struct mt_fault_run fresh = {};

	run_from_view(&fresh, c);
	task_describe_current(&fresh.task);
	c->flush_jiffies = bpf_jiffies64();
	if (bpf_map_update_elem(&fault_runs, &c->pid, &fresh, BPF_ANY)) {
		__sync_fetch_and_add(&state_full, 1);
		__sync_fetch_and_add(&fault_runs_full, 1);
		return;
	}
	c->in_table = 1;
	c->flushed = c->attempts;
	c->flushed_vma = c->vma_lock_attempts;
}

/*
 * The current task's run of 3 or more ended (or the task exits): report it
 * and take it out of the table. One the table refused is reported from here.
 */
static __always_inline void view_end(struct fault_view *c)
{
	struct mt_fault_run *r, mine = {};

	if (c->in_table) {
		view_flush(c);
		r = bpf_map_lookup_elem(&fault_runs, &c->pid);
		if (r && run_is(r, c)) {
			if (r->attempts > 2)
				fault_run_emit(r, false);
			bpf_map_delete_elem(&fault_runs, &c->pid);
			return;
		}
	}
	if (c->attempts > 2) {
		run_from_view(&mine, c);
		fault_run_emit(&mine, false);
	}
}

/*
 * A view is replaced (its task is not current): what it counted goes to
 * the table, where the task finds it again on its next fault, here or
 * elsewhere: added to its entry, or, if the task has not moved since, as
 * the task's run (in place of an older one).
 */
static __always_inline void view_leave(struct fault_view *c)
{
	struct task_struct *task = (struct task_struct *)c->task;
	struct mt_fault_run run = {}, *r;
	long err;

	if (!task)
		return;
	if (c->in_table) {
		view_flush(c);
		return;
	}
	/* Gone (exited: its runs left with it; or its task_struct reused), or moved. */
	if (BPF_CORE_READ(task, pid) != c->pid || (BPF_CORE_READ(task, flags) & PF_EXITING) ||
	    BPF_CORE_READ(task, se.nr_migrations) != c->migrations)
		return;
	r = bpf_map_lookup_elem(&fault_runs, &c->pid);
	if (r) {
		run_from_view(r, c);	/* the same task: its description stays */
		return;
	}
	run_from_view(&run, c);
	task_describe(&run.task, task);
	err = bpf_map_update_elem(&fault_runs, &c->pid, &run, BPF_NOEXIST);
	if (err && err != -17) {	/* -EEXIST: another CPU put it there */
		__sync_fetch_and_add(&state_full, 1);
		__sync_fetch_and_add(&fault_runs_full, 1);
	}
}

/*
 * A view of the current task (it was not cached here, or it moved since):
 * its run from the table goes on, or the run there ended (reported if it
 * had 3 or more) and this fault starts the next one in its place.
 */
static __always_inline void view_take(struct fault_view *c, __u64 task, __u64 migrations,
				      __u32 pid, __u64 page, __u32 vma_locked, __u32 source,
				      __u64 now)
{
	struct mt_fault_run *r;

	c->task = task;
	c->migrations = migrations;
	c->pid = pid;
	c->flush_jiffies = bpf_jiffies64();
	view_start(c, page, vma_locked, source, now);
	r = bpf_map_lookup_elem(&fault_runs, &pid);
	if (!r)
		return;
	if (r->address == page && r->source == source) {
		r->attempts++;
		r->vma_lock_attempts += vma_locked;
		if (now > r->last_ts)
			r->last_ts = now;
		c->first_ts = r->first_ts;
		c->attempts = c->flushed = r->attempts;
		c->vma_lock_attempts = c->flushed_vma = r->vma_lock_attempts;
		c->last_ret = r->last_ret;
		c->in_table = 1;
		return;
	}
	if (r->attempts > 2)
		fault_run_emit(r, false);
	run_from_view(r, c);
	c->in_table = 1;
}

static __always_inline bool view_is(const struct fault_view *c, __u64 task, __u32 pid)
{
	return c->task == task && c->pid == pid;
}

/* The view of the current task on this CPU, if it has not moved since. */
static __always_inline struct fault_view *view_of_current(struct fault_cpu *fc, __u64 task,
							   __u32 pid, __u64 migrations)
{
	if (view_is(&fc->v[0], task, pid) && fc->v[0].migrations == migrations)
		return &fc->v[0];
	if (view_is(&fc->v[1], task, pid) && fc->v[1].migrations == migrations)
		return &fc->v[1];
	return NULL;
}

/*
 * A fault by the current task on address: extend its run or start a new one.
 *
 * from_trylock: with do_swap_page unhooked, the device fault's trylock event
 * (the series' migrate_device_fault_trylock, the lab's swap_page_trylock) is
 * its attempt, whoever faults: a kernel-mode hmm_range_fault() caller, a
 * kworker, which exceptions:page_fault_user never sees. A user fault that
 * event already counted on this page is not counted twice.
 */
static __always_inline void fault_seen(__u64 address, bool vma_locked, __u32 source,
				       bool from_trylock)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 page = address & ~4095ULL, now = coarse_now();
	__u64 migrations = t->se.nr_migrations;
	__u32 pid = t->pid, zero = 0;
	struct fault_view *c;
	struct fault_cpu *fc;

	fc = bpf_map_lookup_elem(&fault_cpu, &zero);
	if (!fc)
		return;
	c = view_of_current(fc, (__u64)t, pid, migrations);
	if (from_trylock && c && c->source == MT_FAULT_PAGE_FAULT_USER && c->page == page)
		return;
	if (!c) {
		/* A stale view of this task goes first, else the one used least lately. */
		__u32 i = view_is(&fc->v[0], (__u64)t, pid) ? 0 :
			  view_is(&fc->v[1], (__u64)t, pid) ? 1 : !fc->mru;

		c = i ? &fc->v[1] : &fc->v[0];
		fc->mru = i;
		view_leave(c);
		view_take(c, (__u64)t, migrations, pid, page, vma_locked, source, now);
		return;
	}
	fc->mru = c != &fc->v[0];
	if (c->page == page && c->source == source) {
		c->attempts++;
		c->vma_lock_attempts += vma_locked;
		c->last_ts = now;
		if (c->in_table) {
			if (c->flush_jiffies != bpf_jiffies64())
				view_flush(c);
		} else if (c->attempts == 3) {
			view_publish(c);
		}
		return;
	}
	/* The same task on another page: its run ended. */
	if (c->attempts > 2)
		view_end(c);
	view_start(c, page, vma_locked, source, now);
}

/*
 * A task that exits ends its run (reported) and whatever it held: its
 * entries are freed for the living, and an exited task holds no folio lock.
 */
SEC("?raw_tp/sched_process_exit")
int BPF_PROG(raw_tp_sched_process_exit)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)pid_tgid, zero = 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct fault_cpu *fc = bpf_map_lookup_elem(&fault_cpu, &zero);
	struct mt_fault_run *r;
	struct fault_view *c;

	bpf_map_delete_elem(&holders, &pid);
	bpf_map_delete_elem(&drain_waiting, &pid);
	inflight_forget_task(pid_tgid);
	if (fc) {
		c = view_of_current(fc, (__u64)t, pid, t->se.nr_migrations);
		if (c) {
			if (c->in_table)
				view_flush(c);
			else if (c->attempts > 2)
				view_end(c);
		}
		if (view_is(&fc->v[0], (__u64)t, pid))
			fc->v[0].task = 0;
		if (view_is(&fc->v[1], (__u64)t, pid))
			fc->v[1].task = 0;
	}
	r = bpf_map_lookup_elem(&fault_runs, &pid);
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
		   fault_vma_lock_flag && (flags & fault_vma_lock_flag), MT_FAULT_DO_SWAP_PAGE, false);
	inflight_enter(IF_SWAP_PAGE, 0, 0);
	return 0;
}

static __always_inline int on_swap_page_exit(long ret)
{
	struct inflight_val in;
	__u32 pid = current_pid(), zero = 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct fault_cpu *fc = bpf_map_lookup_elem(&fault_cpu, &zero);
	struct fault_view *c;
	struct mt_fault_run *r;

	if (!inflight_exit(IF_SWAP_PAGE, &in))
		return 0;
	hist_add(MT_H_SWAP_PAGE, bpf_ktime_get_ns() - in.ts);
	/* Into the view of the run, which takes it to the table (view_flush). */
	c = fc ? view_of_current(fc, (__u64)t, pid, t->se.nr_migrations) : NULL;
	if (c) {
		c->last_ret = ret;
		return 0;
	}
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
	fault_seen(ctx->address, false, MT_FAULT_PAGE_FAULT_USER, false);
	return 0;
}

#endif /* MIGTRACE_FAULT_BPF_H */
