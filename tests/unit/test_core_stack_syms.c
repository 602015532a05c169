// SPDX-License-Identifier: GPL-2.0
/* Stack evidence: wanted symbols, their ranges, the classifier BPF runs too, HZ from jiffies. */
#include "check.h"
#include "core/jiffies.h"
#include "core/stack_syms.h"

static void wanted_names(void)
{
	CHECK_EQ_U64(stack_sym_wanted("hmm_range_fault"), MT_SB(MT_SB_HMM_RANGE_FAULT));
	CHECK_EQ_U64(stack_sym_wanted("do_swap_page"), MT_SB(MT_SB_DO_SWAP_PAGE));
	CHECK_EQ_U64(stack_sym_wanted("migrate_device_unmap.isra.0"),
		     MT_SB(MT_SB_MIGRATE_UNMAP));
	CHECK_EQ_U64(stack_sym_wanted("__lru_add_drain_all.llvm.4242"), MT_SB(MT_SB_DRAIN_ALL));
	CHECK_EQ_U64(stack_sym_wanted("lru_add_drain_all"), MT_SB(MT_SB_DRAIN_ALL));
	/* Device fault handlers, by pattern. */
	CHECK_EQ_U64(stack_sym_wanted("dmirror_devmem_fault"), MT_SB(MT_SB_DEVICE_FAULT));
	CHECK_EQ_U64(stack_sym_wanted("svm_migrate_to_ram"), MT_SB(MT_SB_DEVICE_FAULT));
	CHECK_EQ_U64(stack_sym_wanted("drm_pagemap_migrate_to_ram"), MT_SB(MT_SB_DEVICE_FAULT));
	CHECK_EQ_U64(stack_sym_wanted("nouveau_dmem_migrate_to_ram"), MT_SB(MT_SB_DEVICE_FAULT));
	CHECK_EQ_U64(stack_sym_wanted("nouveau_atomic_page_migrate"), MT_SB(MT_SB_DEVICE_FAULT));
	/* Near misses are not wanted. */
	CHECK_EQ_U64(stack_sym_wanted("lru_add_drain"), 0);
	CHECK_EQ_U64(stack_sym_wanted("do_swap_page_x"), 0);
	CHECK_EQ_U64(stack_sym_wanted("_devmem_fault"), 0);
	CHECK_EQ_U64(stack_sym_wanted("dmirror_devmem_fault_x"), 0);
	CHECK_EQ_U64(stack_sym_wanted("flush_work"), 0);
}

/* A tiny kallsyms: wanted functions between ordinary ones, a module at the end. */
static void build(struct stack_syms *s)
{
	stack_syms_init(s);
	stack_syms_add(s, 0x1000, 'T', "startup");
	stack_syms_add(s, 0x2000, 'T', "handle_mm_fault");
	stack_syms_add(s, 0x2400, 't', "do_swap_page");
	stack_syms_add(s, 0x2800, 'T', "wp_page_copy");
	stack_syms_add(s, 0x3000, 't', "__lru_add_drain_all");
	stack_syms_add(s, 0x3400, 'T', "lru_add_drain_all");
	stack_syms_add(s, 0x3410, 'T', "lru_cache_disable");
	stack_syms_add(s, 0x3500, 'd', "some_data");	/* ends lru_cache_disable, not wanted */
	stack_syms_add(s, 0x4000, 't', "migrate_device_unmap");
	stack_syms_add(s, 0x4800, 'T', "migrate_vma_setup");
	stack_syms_add(s, 0x4c00, 'T', "migrate_device_range");
	stack_syms_add(s, 0x5000, 't', "__flush_work");
	stack_syms_add(s, 0x5200, 't', "flush_work");
	/* Module symbols come unsorted, after the core kernel. */
	stack_syms_add(s, 0x90200, 't', "dmirror_fops_ioctl");
	stack_syms_add(s, 0x90000, 't', "dmirror_devmem_fault");
	stack_syms_add(s, 0x90100, 't', "dmirror_migrate_to_device");
	stack_syms_finish(s);
}

static void ranges_end_at_next_symbol(void)
{
	struct stack_syms s;
	char why[512];

	build(&s);
	CHECK_EQ_U64(s.n, 10);
	CHECK(s.addrs == NULL);
	for (uint32_t i = 1; i < s.n; i++)
		CHECK(s.r[i - 1].end <= s.r[i].start);
	CHECK_EQ_U64(s.r[0].start, 0x2000);	/* handle_mm_fault */
	CHECK_EQ_U64(s.r[0].end, 0x2400);
	CHECK_EQ_U64(s.r[1].end, 0x2800);	/* do_swap_page ends at wp_page_copy */
	CHECK_EQ_U64(s.r[4].start, 0x3410);	/* lru_cache_disable ends at a data symbol */
	CHECK_EQ_U64(s.r[4].end, 0x3500);
	CHECK_EQ_U64(s.r[8].start, 0x5000);	/* __flush_work */
	CHECK_EQ_U64(s.r[8].end, 0x5200);
	/* The module's function ends at the next address, wherever it was listed. */
	CHECK_EQ_U64(s.r[9].start, 0x90000);
	CHECK_EQ_U64(s.r[9].end, 0x90100);
	/* hmm_range_fault and migrate_device_pfns are absent: a reason, not an error. */
	CHECK(!(s.found & MT_SB(MT_SB_HMM_RANGE_FAULT)));
	stack_syms_missing(&s, why, sizeof(why));
	CHECK(strstr(why, "hmm_range_fault") != NULL);
	CHECK(strstr(why, "device fault") == NULL);
	CHECK(strstr(why, "not in /proc/kallsyms") != NULL);
	stack_syms_free(&s);
}

static void aliases_merge_and_overflow_counts(void)
{
	struct stack_syms s;
	char name[32], why[512];

	stack_syms_init(&s);
	stack_syms_add(&s, 0x1000, 'T', "lru_add_drain_all");
	stack_syms_add(&s, 0x1000, 'T', "lru_cache_disable");	/* same address */
	stack_syms_add(&s, 0x1100, 'T', "other");
	for (int i = 0; i < MT_STACK_RANGES + 3; i++) {
		snprintf(name, sizeof(name), "drv%d_devmem_fault", i);
		stack_syms_add(&s, 0x10000 + i * 0x100, 't', name);
	}
	stack_syms_finish(&s);
	CHECK_EQ_U64(s.n, MT_STACK_RANGES);
	CHECK_EQ_U64(s.r[0].bits, MT_SB(MT_SB_DRAIN_ALL) | MT_SB(MT_SB_LRU_CACHE_DISABLE));
	CHECK_EQ_U64(s.r[0].end, 0x1100);
	CHECK_EQ_U64(s.over, 4);
	stack_syms_missing(&s, why, sizeof(why));
	CHECK(strstr(why, "4 wanted functions over") != NULL);
	/* The last symbol of all gets a bounded span. */
	CHECK_EQ_U64(s.r[MT_STACK_RANGES - 1].end - s.r[MT_STACK_RANGES - 1].start, 0x100);
	stack_syms_free(&s);
}

static void classify_frames(void)
{
	struct stack_syms s;
	/* A waiter: __flush_work <- __lru_add_drain_all <- migrate_device_unmap <- setup. */
	__u64 waiter[] = { 0x9999, 0x5010, 0x3020, 0x4010, 0x4810, 0x90150 };
	/* A drain outside migration: lru_cache_disable -> __lru_add_drain_all. */
	__u64 plain[] = { 0x5010, 0x3020, 0x3420 };
	/* Migration that called the drain earlier and returned: order matters. */
	__u64 order[] = { 0x4010, 0x3020 };
	/* A device fault: handle_mm_fault -> do_swap_page -> dmirror_devmem_fault. */
	__u64 fault[] = { 0x90010, 0x2410, 0x2010 };
	/* A return address one past the end of do_swap_page is still do_swap_page. */
	__u64 edge[] = { 0x1, 0x2800 };
	char buf[256];

	build(&s);
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, waiter, 6, 0),
		     MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_FLUSH_WORK) | MT_SB(MT_SB_DRAIN_ALL) |
		     MT_SB(MT_SB_MIGRATE_UNMAP) | MT_SB(MT_SB_MIGRATE_SETUP) |
		     MT_SB(MT_SB_HOLDS_COLLECTED));
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, plain, 3, 0),
		     MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_FLUSH_WORK) | MT_SB(MT_SB_DRAIN_ALL) |
		     MT_SB(MT_SB_LRU_CACHE_DISABLE));
	CHECK(!(mt_stack_classify(s.r, s.n, order, 2, 0) & MT_SB(MT_SB_HOLDS_COLLECTED)));
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, fault, 3, 1),
		     MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_DEVICE_FAULT) | MT_SB(MT_SB_DO_SWAP_PAGE) |
		     MT_SB(MT_SB_HANDLE_MM_FAULT));
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, edge, 2, 1),
		     MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_DO_SWAP_PAGE));
	/* The exact first frame is not moved back: 0x2800 is wp_page_copy's first byte. */
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, &edge[1], 1, 1), MT_SB(MT_SB_KERNEL));
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, &edge[1], 1, 0),
		     MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_DO_SWAP_PAGE));
	/* No kernel frames: the sample was in user mode. */
	CHECK_EQ_U64(mt_stack_classify(s.r, s.n, fault, 0, 1), MT_SB(MT_SB_USER));
	/* Gaps between ranges, and addresses below and above all of them. */
	CHECK_EQ_U64(mt_sym_bits(s.r, s.n, 0x10), 0);
	CHECK_EQ_U64(mt_sym_bits(s.r, s.n, 0x2fff), 0);
	CHECK_EQ_U64(mt_sym_bits(s.r, s.n, 0x3500), 0);
	CHECK_EQ_U64(mt_sym_bits(s.r, s.n, 0x90100), 0);
	CHECK_EQ_U64(mt_sym_bits(s.r, s.n, ~0ULL), 0);
	CHECK_EQ_U64(mt_sym_bits(s.r, 0, 0x2000), 0);
	stack_bits_str(MT_SB(MT_SB_DEVICE_FAULT) | MT_SB(MT_SB_HOLDS_COLLECTED), buf, sizeof(buf));
	CHECK(!strcmp(buf, "device_fault,holds_collected"));
	stack_syms_free(&s);
}

/* Every slot of a full table is found by the bounded search BPF runs too. */
static void full_table_search(void)
{
	struct mt_sym_range r[MT_STACK_RANGES];

	for (uint32_t i = 0; i < MT_STACK_RANGES; i++)
		r[i] = (struct mt_sym_range){ .start = 0x1000 * (i + 1),
					      .end = 0x1000 * (i + 1) + 0x800, .bits = 1u << (i % 12) };
	for (uint32_t n = 1; n <= MT_STACK_RANGES; n++)
		for (uint32_t i = 0; i < n; i++) {
			CHECK_EQ_U64(mt_sym_bits(r, n, r[i].start), r[i].bits);
			CHECK_EQ_U64(mt_sym_bits(r, n, r[i].end - 1), r[i].bits);
			CHECK_EQ_U64(mt_sym_bits(r, n, r[i].end), 0);
			CHECK_EQ_U64(mt_sym_bits(r, n, r[i].start - 1), 0);
		}
}

static void hz_from_a_jiffies_pair(void)
{
	const unsigned int hzs[] = { 100, 250, 300, 1000 };
	const double uptimes[] = { 5, 60, 200, 400, 3600, 86400 * 30.0 };

	for (unsigned int i = 0; i < 4; i++)
		for (unsigned int k = 0; k < 6; k++) {
			unsigned int hz = hzs[i];
			uint64_t initial = (uint32_t)(-300 * (int64_t)hz);
			/* jiffies 0.3 s behind the monotonic clock, as measured on 6.18. */
			uint64_t j = initial + (uint64_t)((uptimes[k] - 0.3) * hz);

			CHECK_EQ_U64(hz_from_jiffies(j, (uint64_t)(uptimes[k] * 1e9)), hz);
		}
	/* Measured on this machine's 6.18 (CONFIG_HZ=250) from /proc/timer_list. */
	CHECK_EQ_U64(hz_from_jiffies(4295122106ULL, 919493285598ULL), 250);
	/* Nonsense fits nothing. */
	CHECK_EQ_U64(hz_from_jiffies(12345, 1000000000ULL * 1000), 0);
}

int main(void)
{
	RUN(wanted_names);
	RUN(ranges_end_at_next_symbol);
	RUN(aliases_merge_and_overflow_counts);
	RUN(classify_frames);
	RUN(full_table_search);
	RUN(hz_from_a_jiffies_pair);
	CHECK_EXIT();
}
