// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/stack_syms.h"

/* A range whose function is the last symbol of the file ends this far on. */
#define LAST_SYMBOL_SPAN 0x4000

enum match { EXACT, CONTAINS, SUFFIX };

/* The functions of each class; a name matches without its ".isra.0"-like suffix. */
static const struct {
	enum match how;
	const char *text;
	unsigned int bit;
} wanted[] = {
	{ EXACT, "hmm_range_fault", MT_SB_HMM_RANGE_FAULT },
	{ EXACT, "do_swap_page", MT_SB_DO_SWAP_PAGE },
	{ EXACT, "handle_mm_fault", MT_SB_HANDLE_MM_FAULT },
	/*
	 * dev_pagemap_ops.migrate_to_ram of the drivers in 6.12-7.0: test_hmm's
	 * dmirror_devmem_fault, amdkfd's svm_migrate_to_ram, nouveau's
	 * nouveau_dmem_migrate_to_ram and nouveau_atomic_page_migrate, drm_gpusvm
	 * (6.15) and drm_pagemap (6.16+, xe) *_migrate_to_ram, powerpc's
	 * kvmppc_uvmem_migrate_to_ram; out-of-tree ones named alike.
	 */
	{ CONTAINS, "migrate_to_ram", MT_SB_DEVICE_FAULT },
	{ SUFFIX, "_devmem_fault", MT_SB_DEVICE_FAULT },
	{ EXACT, "nouveau_atomic_page_migrate", MT_SB_DEVICE_FAULT },
	{ EXACT, "__lru_add_drain_all", MT_SB_DRAIN_ALL },
	{ EXACT, "lru_add_drain_all", MT_SB_DRAIN_ALL },
	{ EXACT, "migrate_device_unmap", MT_SB_MIGRATE_UNMAP },
	{ EXACT, "migrate_vma_setup", MT_SB_MIGRATE_SETUP },
	{ EXACT, "migrate_device_range", MT_SB_MIGRATE_SETUP },
	{ EXACT, "migrate_device_pfns", MT_SB_MIGRATE_SETUP },
	{ EXACT, "__flush_work", MT_SB_FLUSH_WORK },
	{ EXACT, "lru_cache_disable", MT_SB_LRU_CACHE_DISABLE },
};

static const char *const bit_names[MT_SB_COUNT] = {
	[MT_SB_USER] = "user",
	[MT_SB_KERNEL] = "kernel",
	[MT_SB_HMM_RANGE_FAULT] = "hmm_range_fault",
	[MT_SB_DO_SWAP_PAGE] = "do_swap_page",
	[MT_SB_HANDLE_MM_FAULT] = "handle_mm_fault",
	[MT_SB_DEVICE_FAULT] = "device_fault",
	[MT_SB_DRAIN_ALL] = "lru_add_drain_all",
	[MT_SB_MIGRATE_UNMAP] = "migrate_device_unmap",
	[MT_SB_MIGRATE_SETUP] = "migrate_setup",
	[MT_SB_FLUSH_WORK] = "__flush_work",
	[MT_SB_LRU_CACHE_DISABLE] = "lru_cache_disable",
	[MT_SB_HOLDS_COLLECTED] = "holds_collected",
};

/* What the user is told a class needs when the kernel has no function for it. */
static const char *const bit_needs[MT_SB_COUNT] = {
	[MT_SB_HMM_RANGE_FAULT] = "hmm_range_fault",
	[MT_SB_DO_SWAP_PAGE] = "do_swap_page",
	[MT_SB_HANDLE_MM_FAULT] = "handle_mm_fault",
	[MT_SB_DEVICE_FAULT] = "a device fault handler (*migrate_to_ram*, *_devmem_fault: "
			       "no device-private driver loaded)",
	[MT_SB_DRAIN_ALL] = "__lru_add_drain_all",
	[MT_SB_MIGRATE_UNMAP] = "migrate_device_unmap",
	[MT_SB_MIGRATE_SETUP] = "migrate_vma_setup",
	[MT_SB_FLUSH_WORK] = "__flush_work",
	[MT_SB_LRU_CACHE_DISABLE] = "lru_cache_disable",
};

static bool matches(enum match how, const char *text, const char *name, size_t len)
{
	size_t tl = strlen(text);

	switch (how) {
	case EXACT:
		return len == tl && !memcmp(name, text, len);
	case SUFFIX:
		return len > tl && !memcmp(name + len - tl, text, tl);
	case CONTAINS:
		return len >= tl && memmem(name, len, text, tl);
	}
	return false;
}

uint32_t stack_sym_wanted(const char *name)
{
	/* "migrate_device_unmap.isra.0", "x.cold", "y.llvm.123": the function is x. */
	size_t len = strcspn(name, ".");
	uint32_t bits = 0;

	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (matches(wanted[i].how, wanted[i].text, name, len))
			bits |= MT_SB(wanted[i].bit);
	return bits;
}

void stack_syms_init(struct stack_syms *s)
{
	memset(s, 0, sizeof(*s));
}

static void keep_addr(struct stack_syms *s, uint64_t addr)
{
	if (s->naddrs == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 65536;
		uint64_t *a = realloc(s->addrs, cap * sizeof(*a));

		if (!a) {
			s->nomem = true;
			return;
		}
		s->addrs = a;
		s->cap = cap;
	}
	s->addrs[s->naddrs++] = addr;
}

void stack_syms_add(struct stack_syms *s, uint64_t addr, char type, const char *name)
{
	uint32_t bits;

	if (!addr)
		return;
	keep_addr(s, addr);
	if (type != 't' && type != 'T' && type != 'w' && type != 'W')
		return;
	if (!(bits = stack_sym_wanted(name)))
		return;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->r[i].start == addr) {	/* an alias: one function, both names */
			s->r[i].bits |= bits;
			return;
		}
	if (s->n == MT_STACK_RANGES) {
		s->over++;
		return;
	}
	s->r[s->n++] = (struct mt_sym_range){ .start = addr, .bits = bits };
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_range(const void *a, const void *b)
{
	return cmp_u64(&((const struct mt_sym_range *)a)->start,
		       &((const struct mt_sym_range *)b)->start);
}

/* The smallest address of a[0..n) above addr, 0 if none. */
static uint64_t next_above(const uint64_t *a, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? a[lo] : 0;
}

void stack_syms_finish(struct stack_syms *s)
{
	if (s->naddrs)	/* none read (kallsyms hidden): addrs may be NULL, which qsort may not get */
		qsort(s->addrs, s->naddrs, sizeof(*s->addrs), cmp_u64);
	if (s->n)
		qsort(s->r, s->n, sizeof(s->r[0]), cmp_range);
	s->found = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		uint64_t end = next_above(s->addrs, s->naddrs, s->r[i].start);

		if (!end)
			end = s->r[i].start + LAST_SYMBOL_SPAN;
		/* Disjoint even if the address list missed some (out of memory). */
		if (i + 1 < s->n && end > s->r[i + 1].start)
			end = s->r[i + 1].start;
		s->r[i].end = end;
		s->found |= s->r[i].bits;
	}
	free(s->addrs);
	s->addrs = NULL;
	s->naddrs = s->cap = 0;
}

void stack_syms_free(struct stack_syms *s)
{
	free(s->addrs);
	s->addrs = NULL;
	s->naddrs = s->cap = 0;
}

void stack_syms_missing(const struct stack_syms *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int b = 0; b < MT_SB_COUNT; b++) {
		if (!bit_needs[b] || (s->found & MT_SB(b)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "",
				bit_needs[b]);
	}
	if (off && off < len)
		off += snprintf(buf + off, len - off, " not in /proc/kallsyms");
	if (s->over && off < len)
		snprintf(buf + off, len - off, "%s%u wanted functions over the %d ranges kept",
			 off ? "; " : "", s->over, MT_STACK_RANGES);
}

const char *stack_bit_name(unsigned int bit)
{
	return bit < MT_SB_COUNT ? bit_names[bit] : "?";
}

void stack_bits_str(uint32_t bits, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int b = 0; b < MT_SB_COUNT; b++)
		if (bits & MT_SB(b))
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "," : "", bit_names[b]);
}
