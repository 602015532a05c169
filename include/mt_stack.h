/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks as evidence, shared by the BPF programs and the loader:
 * the classes a stack is sorted into, the address ranges of the functions
 * that define them (resolved by the loader from /proc/kallsyms, handed to
 * BPF as read-only data), and the classifier both sides run. Fixed-width
 * types, and nothing else included.
 */
#ifndef MT_STACK_H
#define MT_STACK_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define MT_STACK_DEPTH	32	/* frames kept: deep enough for fault -> driver -> hmm */
#define MT_STACK_RANGES	32	/* function ranges classified against (a power of two) */
#define MT_STACK_STEPS	6	/* binary search steps: log2(MT_STACK_RANGES) + 1 */

/* What a kernel stack shows: one bit per class, any number set. */
enum mt_stack_bit {
	MT_SB_USER = 0,		/* no kernel frames: the sample hit user mode */
	MT_SB_KERNEL,		/* kernel frames present */
	MT_SB_HMM_RANGE_FAULT,	/* hmm_range_fault */
	MT_SB_DO_SWAP_PAGE,	/* do_swap_page */
	MT_SB_HANDLE_MM_FAULT,	/* handle_mm_fault */
	MT_SB_DEVICE_FAULT,	/* a dev_pagemap migrate_to_ram handler (*_devmem_fault, ...) */
	MT_SB_DRAIN_ALL,	/* __lru_add_drain_all / lru_add_drain_all */
	MT_SB_MIGRATE_UNMAP,	/* migrate_device_unmap */
	MT_SB_MIGRATE_SETUP,	/* migrate_vma_setup, migrate_device_range/_pfns */
	MT_SB_FLUSH_WORK,	/* __flush_work */
	MT_SB_LRU_CACHE_DISABLE,	/* lru_cache_disable */
	/*
	 * Derived: a drain frame called from inside migrate_device_unmap or a
	 * migrate setup: the task waits on the drain holding the folios its
	 * collection locked.
	 */
	MT_SB_HOLDS_COLLECTED,
	MT_SB_COUNT,
};

#define MT_SB(b) (1U << (b))

/* Flags of a stack read (struct mt_stack.flags), not classes. */
enum mt_stack_flag {
	MT_SF_STALE = 1,	/* read from a task running on another CPU: its last switch-out */
	MT_SF_TRUNCATED = 2,	/* MT_STACK_DEPTH frames: callers may be missing */
	MT_SF_ERROR = 4,	/* the kernel refused the read */
};

/* [start, end) of one function, and the classes a frame inside it gives. */
struct mt_sym_range {
	__u64 start, end;
	__u32 bits;
	__u32 pad;
};

/* A kernel stack, innermost frame first, and its classes. */
struct mt_stack {
	__u32 bits;		/* MT_SB() mask */
	__u32 flags;		/* enum mt_stack_flag */
	__u32 nframes;
	__u32 pad;
	__u64 ip[MT_STACK_DEPTH];
};

/* The classes of the function holding addr: ranges sorted by start, n of them. */
static inline __u32 mt_sym_bits(const volatile struct mt_sym_range *r, __u32 n, __u64 addr)
{
	__u32 lo = 0, hi = n > MT_STACK_RANGES ? MT_STACK_RANGES : n, k;

	/* lo ends as the number of ranges starting at or below addr. */
	for (int i = 0; i < MT_STACK_STEPS && lo < hi; i++) {
		__u32 mid = ((lo + hi) / 2) & (MT_STACK_RANGES - 1);

		if (r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	k = (lo - 1) & (MT_STACK_RANGES - 1);
	return addr < r[k].end ? r[k].bits : 0;
}

/*
 * A return address may be the first byte after its caller (a call at the
 * very end of a function), so each frame is looked up one byte back,
 * except a first frame that is the exact interrupted instruction
 * (first_exact: a sample's registers).
 */
static inline __u64 mt_frame_addr(const __u64 *ip, __u32 i, int first_exact)
{
	return ip[i] - (i || !first_exact);
}

/* The classes so far (callees) and those of the next caller frame. */
static inline __u32 mt_stack_fold(__u32 bits, __u32 frame_bits)
{
	/* A caller frame of migration around a drain frame already seen. */
	if ((frame_bits & (MT_SB(MT_SB_MIGRATE_UNMAP) | MT_SB(MT_SB_MIGRATE_SETUP))) &&
	    (bits & MT_SB(MT_SB_DRAIN_ALL)))
		bits |= MT_SB(MT_SB_HOLDS_COLLECTED);
	return bits | frame_bits;
}

/*
 * Classes of a stack of nframes addresses, innermost first. BPF runs the
 * same loop with the lookup in a subprogram of its own (bpf/stack.bpf.h):
 * inlined, the verifier would walk every path of every frame.
 */
static inline __u32 mt_stack_classify(const struct mt_sym_range *r, __u32 n, const __u64 *ip,
				      __u32 nframes, int first_exact)
{
	__u32 bits;

	if (!nframes)
		return MT_SB(MT_SB_USER);
	bits = MT_SB(MT_SB_KERNEL);
	for (__u32 i = 0; i < MT_STACK_DEPTH && i < nframes; i++)
		bits = mt_stack_fold(bits, mt_sym_bits(r, n, mt_frame_addr(ip, i, first_exact)));
	return bits;
}

#endif /* MT_STACK_H */
