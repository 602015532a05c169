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
	if (bpf_map_update_elem(&fault_runs, &pid, &fresh, BPF_ANY)) {
		__sync_fetch_and_add(&state_full, 1);
		__sync_fetch_and_add(&fault_runs_full, 1);
	}
}

/*
 * A task that exits ends its run (reported) and whatever it held: its
 * entries are freed for the living, and an exited task holds no folio lock.
 */
SEC("?raw_tp/sched_process_exit")
int BPF_PROG(raw_tp_sched_process_exit)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)pid_tgid;
	struct mt_fault_run *r = bpf_map_lookup_elem(&fault_runs, &pid);

	bpf_map_delete_elem(&holders, &pid);
	inflight_forget_task(pid_tgid);
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

#endif /* MIGTRACE_FAULT_BPF_H */
