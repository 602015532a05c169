/* SPDX-License-Identifier: GPL-2.0 */
/* Folio lock waits and contended unlocks; the lab kernels' trylock tracepoints. Included once, by migtrace.bpf.c. */
#ifndef MIGTRACE_FOLIO_BPF_H
#define MIGTRACE_FOLIO_BPF_H

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

/* Failed trylocks not yet reported, per CPU and enum mt_trylock_site. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} trylock_fails SEC(".maps");

#define TRYLOCK_FAIL_SAMPLE 256

/* The current task's migration left the page at address out: its folio was locked. */
static __always_inline void contended_seen(__u64 address)
{
	struct mt_contended fresh = { .first_address = address, .pages = 1 };
	__u32 pid = current_pid();
	struct mt_contended *c = bpf_map_lookup_elem(&collect_contended, &pid);

	fresh.last_ts = bpf_ktime_get_ns();
	if (!c) {
		bpf_map_update_elem(&collect_contended, &pid, &fresh, BPF_ANY);
		return;
	}
	c->pages++;
	c->last_ts = fresh.last_ts;
}

static __always_inline int on_lab_trylock(__u64 pfn, __u64 address, int locked, __u32 site)
{
	__u32 weight = 1;
	struct mt_event *e;
	__u64 *pending;

	if (task_filtered_out())
		return 0;
	if (site == MT_TRY_SWAP_PAGE && faults_from_trylock)
		fault_seen(address, false, MT_FAULT_DO_SWAP_PAGE, true);
	/* Collection locked a folio: the task holds folio locks from here. */
	if (site == MT_TRY_COLLECT && locked > 0)
		holder_set(MT_HOLD_COLLECT_TRYLOCK, 1);
	if (site == MT_TRY_COLLECT && locked <= 0)
		contended_seen(address);
	/*
	 * A spinner fails this trylock hundreds of thousands of times a
	 * second (on a kernel without 0010's trylock in do_swap_page, its
	 * fault's own collection fails it): one record per TRYLOCK_FAIL_SAMPLE
	 * failures, carrying the count, keeps the ring buffer for the rest.
	 */
	if (locked <= 0) {
		pending = bpf_map_lookup_elem(&trylock_fails, &site);
		if (pending && ++*pending < TRYLOCK_FAIL_SAMPLE)
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

/*
 * The series' event (with the 1afaeb8293c9 backport): TP_PROTO(unsigned long
 * pfn, unsigned long address, bool locked), emitted only where a trylock
 * happened; locked means what the lab event's 1 and 0 mean.
 */
SEC("?raw_tp/migrate_device_fault_trylock")
int BPF_PROG(raw_tp_migrate_device_fault_trylock, unsigned long pfn, unsigned long address,
	     bool locked)
{
	return on_lab_trylock(pfn, address, locked ? 1 : 0, MT_TRY_SWAP_PAGE);
}

SEC("?raw_tp/collect_trylock")
int BPF_PROG(raw_tp_collect_trylock, unsigned long pfn, unsigned long address, int locked)
{
	return on_lab_trylock(pfn, address, locked, MT_TRY_COLLECT);
}

/* The series' walk reasons (0101); the value is taken from the kernel's BTF. */
enum migrate_vma_walk_reason___mt {
	MIGRATE_VMA_WALK_SKIP_LOCK_CONTENDED___mt = 6,
};

/*
 * The series' migrate_vma_collect_skip (0101), reason LOCK_CONTENDED (0102:
 * one event per page): migrate_vma_collect_pmd()'s folio_trylock() failed
 * on the page at [start, end), which is left out of this migration. A
 * failed collect trylock, as the lab's collect_trylock locked=0, without
 * the pfn (the event has none). Not who holds the lock (see migtrace(8),
 * collect_trylock). Other reasons (holes, not selected, ...) are not read.
 */
SEC("?raw_tp/migrate_vma_collect_skip")
int BPF_PROG(raw_tp_migrate_vma_collect_skip, struct migrate_vma *migrate, unsigned long start,
	     unsigned long end, unsigned int reason)
{
	if (!bpf_core_enum_value_exists(enum migrate_vma_walk_reason___mt,
					MIGRATE_VMA_WALK_SKIP_LOCK_CONTENDED___mt) ||
	    reason != bpf_core_enum_value(enum migrate_vma_walk_reason___mt,
					  MIGRATE_VMA_WALK_SKIP_LOCK_CONTENDED___mt))
		return 0;
	return on_lab_trylock(0, start, 0, MT_TRY_COLLECT);
}

#endif /* MIGTRACE_FOLIO_BPF_H */
