/* SPDX-License-Identifier: GPL-2.0 */
/* Migration: setup locks folios, finalize unlocks them. Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_MIGRATE_BPF_H
#define MIGTRACE_MIGRATE_BPF_H

/* ---- migration: collection locks folios, finalize unlocks them -------- */

/*
 * A task holds folio locks from the moment collection has locked them
 * (migrate_device_unmap entered, or a successful collect trylock on a lab
 * kernel) until they are unlocked: finalize, a failed or empty setup, exit.
 * Not from setup entry: lru_cache_disable() drains before collecting, and
 * a drain-and-retry variant unlocks everything before its drain.
 */
/* include/linux/migrate.h, unchanged since 5.x: a collected page has a pfn and VALID. */
#define MT_MIGRATE_PFN_VALID	(1UL << 0)
#define MT_MIGRATE_PFN_MIGRATE	(1UL << 1)
#define MT_HOLDER_SCAN_MAX	512	/* src entries looked at; past them, assume locked */

struct locked_scan {
	const unsigned long *src;
	__u64 n;
};

static long locked_scan_one(__u64 i, void *ctx)
{
	struct locked_scan *s = ctx;
	unsigned long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &s->src[i]);
	/* VALID and MIGRATE both set, without a branch */
	s->n += (v & (v >> 1)) & MT_MIGRATE_PFN_VALID;
	return 0;
}

/*
 * Pages of a src array that collection locked: a hole is MIGRATE only
 * (no page, no lock), so cpages > 0 alone does not prove a folio locked.
 * bpf_loop(): an open-coded loop with a counter is one verifier state per
 * (i, n) pair, over the 1M-instruction limit (E2BIG, and minutes under TCG).
 */
static __always_inline __u64 locked_pages(const unsigned long *src, __u64 npages)
{
	struct locked_scan s = { .src = src };
	__u32 scan = npages < MT_HOLDER_SCAN_MAX ? npages : MT_HOLDER_SCAN_MAX;

	bpf_loop(scan, locked_scan_one, &s, 0);
	return npages > MT_HOLDER_SCAN_MAX ? s.n + npages - MT_HOLDER_SCAN_MAX : s.n;
}

/*
 * The task (now) holds locked folios: npages of them, collected under the
 * migration in flight (its range). A task already holding (a driver that
 * collects again before finalizing) holds both: the range grows to cover
 * them, since_ts stays the first.
 */
static __always_inline void holder_set(__u32 via, __u64 npages)
{
	struct mt_holder h = { .since_ts = bpf_ktime_get_ns(), .via = via, .npages = npages };
	struct inflight_key key = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = IF_MIGRATE };
	struct inflight_val *in;
	__u32 pid = current_pid();
	struct mt_holder *held = bpf_map_lookup_elem(&holders, &pid);

	in = bpf_map_lookup_elem(&inflight, &key);
	if (in) {
		h.kind = in->kind;
		if (in->kind == MT_MIG_VMA) {
			struct migrate_vma *args = (void *)in->arg;

			h.start = BPF_CORE_READ(args, start);
			h.end = BPF_CORE_READ(args, end);
		} else {
			h.start = in->arg;
		}
	}
	if (held) {
		if (via == MT_HOLD_COLLECT_TRYLOCK && held->via == MT_HOLD_COLLECT_TRYLOCK)
			npages += held->npages;	/* one more page locked */
		if (held->kind == h.kind && h.end) {
			if (h.start < held->start || !held->end)
				held->start = h.start;
			if (h.end > held->end)
				held->end = h.end;
		}
		if (npages > held->npages)
			held->npages = npages;
		held->via = via;
		return;
	}
	if (bpf_map_update_elem(&holders, &pid, &h, BPF_NOEXIST)) {
		__sync_fetch_and_add(&state_full, 1);
		__sync_fetch_and_add(&holders_full, 1);
	}
}

/* The task holds no locked folio any more (it unlocked them all, or never had one). */
static __always_inline void holder_clear(void)
{
	__u32 pid = current_pid();

	bpf_map_delete_elem(&holders, &pid);
}

static __always_inline int on_migrate_enter(__u64 arg, __u32 kind, __u64 npages)
{
	__u32 pid = current_pid();
	struct mt_event *e;

	if (task_filtered_out())
		return 0;
	inflight_enter(IF_MIGRATE, arg, kind);
	bpf_map_delete_elem(&collect_contended, &pid);	/* a new migration: its skips from here */
	e = event_reserve(MT_EV_MIGRATE_ENTER);
	if (!e)
		return 0;
	e->migrate.enter_ts = e->ts;
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

/* Collection is over: the pages it locked (holes are none) make a holder from here. */
static __always_inline int on_migrate_unmap(const unsigned long *src, __u64 npages)
{
	__u64 locked;

	if (task_filtered_out())
		return 0;
	locked = locked_pages(src, npages);
	if (locked)
		holder_set(MT_HOLD_UNMAP, locked);
	return 0;
}

static __always_inline int on_migrate_setup_exit(long ret, __u64 npages_arg)
{
	struct inflight_val in;
	struct mt_event *e;
	__u32 pid = current_pid();
	__u64 now, cpages = 0;

	if (!inflight_exit(IF_MIGRATE, &in))
		return 0;
	now = bpf_ktime_get_ns();
	hist_add(MT_H_MIGRATE_SETUP, now - in.ts);
	if (in.kind == MT_MIG_VMA) {
		/* A local pointer: a cast inside BPF_CORE_READ would relocate in.arg too. */
		struct migrate_vma *args = (void *)in.arg;

		cpages = BPF_CORE_READ(args, cpages);
	}
	/*
	 * A failed setup has unlocked what it collected; with nothing collected
	 * (cpages == 0) drivers skip finalize, and nothing is locked.
	 */
	if (ret != 0 || (in.kind == MT_MIG_VMA && !cpages))
		bpf_map_delete_elem(&holders, &pid);

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
		e->migrate.cpages = cpages;
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

/* Folios unlocked: the hold (locked -> finalize) ends. */
static __always_inline int on_migrate_finalize_exit(__u32 kind)
{
	__u32 pid = current_pid();
	struct mt_holder *h;
	struct mt_event *e;
	__u64 now, since;

	bpf_map_delete_elem(&collect_contended, &pid);	/* the migration is over */
	/* migrate_vma_finalize calls migrate_device_finalize: first return wins. */
	h = bpf_map_lookup_elem(&holders, &pid);
	if (!h)
		return 0;
	since = h->since_ts;
	bpf_map_delete_elem(&holders, &pid);
	now = bpf_ktime_get_ns();
	hist_add(MT_H_MIGRATE_HOLD, now - since);
	e = event_reserve(MT_EV_MIGRATE_FINALIZE);
	if (e) {
		e->migrate.enter_ts = since;
		e->migrate.kind = kind;
		bpf_ringbuf_submit(e, 0);
	}
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

SEC("?fentry/migrate_device_unmap")
int BPF_PROG(fentry_migrate_device_unmap, unsigned long *src_pfns, unsigned long npages)
{
	return on_migrate_unmap(src_pfns, npages);
}

SEC("?kprobe/migrate_device_unmap")
int BPF_KPROBE(kprobe_migrate_device_unmap, unsigned long *src_pfns, unsigned long npages)
{
	return on_migrate_unmap(src_pfns, npages);
}

/*
 * migrate_device_coherent_folio() calls migrate_device_unmap() and returns
 * -EBUSY without a finalize when the folio could not be unmapped (unmap
 * unlocked it): whatever it returns, it holds nothing after.
 */
static __always_inline int on_coherent_exit(void)
{
	if (!task_filtered_out())
		holder_clear();
	return 0;
}

SEC("?fexit/migrate_device_coherent_folio")
int BPF_PROG(fexit_migrate_device_coherent_folio)
{
	return on_coherent_exit();
}

SEC("?kretprobe/migrate_device_coherent_folio")
int BPF_KRETPROBE(kretprobe_migrate_device_coherent_folio)
{
	return on_coherent_exit();
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

/*
 * Patched kernels (the lab's migrate_device series, the events of linux-mm's
 * include/trace/events/migrate_device.h): the same state from tracepoints
 * with the functions' own semantics, where fentry and kprobes are refused.
 */
SEC("?raw_tp/migrate_vma_setup_start")
int BPF_PROG(raw_tp_migrate_vma_setup_start, struct migrate_vma *migrate)
{
	return on_migrate_enter((__u64)migrate, MT_MIG_VMA, 0);
}

/* Emitted on success only: argument errors return before collecting. */
SEC("?raw_tp/migrate_vma_setup_done")
int BPF_PROG(raw_tp_migrate_vma_setup_done, struct migrate_vma *migrate)
{
	return on_migrate_setup_exit(0, 0);
}

SEC("?raw_tp/migrate_vma_collect_done")
int BPF_PROG(raw_tp_migrate_vma_collect_done, struct migrate_vma *migrate)
{
	__u64 locked;

	if (task_filtered_out() || !BPF_CORE_READ(migrate, cpages))
		return 0;
	locked = locked_pages(BPF_CORE_READ(migrate, src), BPF_CORE_READ(migrate, npages));
	if (locked)
		holder_set(MT_HOLD_COLLECT_DONE, locked);
	return 0;
}

/* migrate_device_range() and friends lock before unmapping: holders from here. */
SEC("?raw_tp/migrate_device_unmap_done")
int BPF_PROG(raw_tp_migrate_device_unmap_done, const unsigned long *src,
	     const unsigned long *dst, unsigned long npages)
{
	__u64 locked;

	if (task_filtered_out())
		return 0;
	locked = locked_pages(src, npages);	/* those unmap kept: the rest it unlocked */
	if (locked)
		holder_set(MT_HOLD_UNMAP, locked);
	return 0;
}

/* nr_locked: folios the caller holds across this drain; none means it holds nothing. */
SEC("?raw_tp/migrate_device_drain_all_start")
int BPF_PROG(raw_tp_migrate_device_drain_all_start, unsigned long nr_locked)
{
	drain_waiting_enter();
	if (task_filtered_out())
		return 0;
	if (nr_locked)
		holder_set(MT_HOLD_DRAIN_LOCKED, nr_locked);
	else
		holder_clear();
	return 0;
}

SEC("?raw_tp/migrate_device_drain_all_done")
int BPF_PROG(raw_tp_migrate_device_drain_all_done, unsigned long nr_locked)
{
	drain_waiting_exit();
	return 0;
}

SEC("?raw_tp/migrate_vma_pages_start")
int BPF_PROG(raw_tp_migrate_vma_pages_start, struct migrate_vma *migrate)
{
	return on_migrate_pages();
}

SEC("?raw_tp/migrate_vma_finalize_done")
int BPF_PROG(raw_tp_migrate_vma_finalize_done, struct migrate_vma *migrate)
{
	return on_migrate_finalize_exit(MT_MIG_VMA);
}

SEC("?raw_tp/migrate_device_finalize_done")
int BPF_PROG(raw_tp_migrate_device_finalize_done, const unsigned long *src,
	     const unsigned long *dst, unsigned long npages)
{
	return on_migrate_finalize_exit(MT_MIG_DEVICE_RANGE);
}

#endif /* MIGTRACE_MIGRATE_BPF_H */
