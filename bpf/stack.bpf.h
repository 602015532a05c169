/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks read and classified in BPF (include/mt_stack.h): the
 * function ranges come from the loader, resolved in /proc/kallsyms before
 * load. Included once, by migtrace.bpf.c.
 */
#ifndef MIGTRACE_STACK_BPF_H
#define MIGTRACE_STACK_BPF_H

#include "mt_stack.h"

/* Set by the loader before load: sorted, disjoint; stack_nranges of them. */
const volatile struct mt_sym_range stack_ranges[MT_STACK_RANGES] = {};
const volatile __u32 stack_nranges = 0;

/*
 * The classes of one frame: a global subprogram, verified once on its
 * own. Inlined into the frame loop, the verifier would follow every
 * outcome of every frame's search (over a million instructions).
 */
__noinline __u32 stack_frame_bits(__u64 addr)
{
	return mt_sym_bits(stack_ranges, stack_nranges, addr);
}

/* st->ip holds bytes of frames (bpf_get_stack's answer): count and classify them. */
static __always_inline void stack_classify_into(struct mt_stack *st, long bytes, int first_exact)
{
	__u32 bits;

	st->flags = 0;
	st->bits = 0;
	if (bytes < 0) {
		st->nframes = 0;
		st->flags = MT_SF_ERROR;
		return;
	}
	st->nframes = bytes / sizeof(__u64);
	if (st->nframes >= MT_STACK_DEPTH)
		st->flags |= MT_SF_TRUNCATED;
	if (!st->nframes) {
		st->bits = MT_SB(MT_SB_USER);
		return;
	}
	bits = MT_SB(MT_SB_KERNEL);
	for (__u32 i = 0; i < MT_STACK_DEPTH && i < st->nframes; i++)
		bits = mt_stack_fold(bits, stack_frame_bits(mt_frame_addr(st->ip, i, first_exact)));
	st->bits = bits;
}

/*
 * The kernel stack of the context ctx interrupted, classified. first_exact:
 * ctx is a sample's registers, so the first frame is the interrupted
 * instruction, not a return address.
 */
static __always_inline void stack_read(void *ctx, struct mt_stack *st, int first_exact)
{
	stack_classify_into(st, bpf_get_stack(ctx, st->ip, sizeof(st->ip), 0), first_exact);
}

/* Frames only: the loader classifies them (a hook program stays small). */
static __always_inline void stack_read_raw(void *ctx, struct mt_stack *st)
{
	long bytes = bpf_get_stack(ctx, st->ip, sizeof(st->ip), 0);

	st->bits = 0;
	st->flags = bytes < 0 ? MT_SF_ERROR : 0;
	st->nframes = bytes > 0 ? bytes / sizeof(__u64) : 0;
	if (st->nframes >= MT_STACK_DEPTH)
		st->flags |= MT_SF_TRUNCATED;
}

#endif /* MIGTRACE_STACK_BPF_H */
