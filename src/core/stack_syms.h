/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel functions whose frames make a stack evidence (mt_stack.h's
 * classes), turned into sorted [start, next symbol) ranges from the
 * symbols of /proc/kallsyms, and the names of the classes. Pure: the
 * caller reads the file and feeds it line by line.
 */
#ifndef MIGTRACE_STACK_SYMS_H
#define MIGTRACE_STACK_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mt_stack.h"

struct stack_syms {
	struct mt_sym_range r[MT_STACK_RANGES];	/* sorted by start, disjoint */
	uint32_t n;
	uint32_t found;		/* MT_SB() of the classes with a range */
	uint32_t over;		/* wanted symbols left out: more than MT_STACK_RANGES */
	bool nomem;		/* the address list could not grow: ends may be too far */
	/* Every symbol address seen, for the ends; freed by stack_syms_finish. */
	uint64_t *addrs;
	size_t naddrs, cap;
};

/* The classes of a wanted function by its kallsyms name, 0 if not wanted. */
uint32_t stack_sym_wanted(const char *name);

void stack_syms_init(struct stack_syms *s);
/* One kallsyms symbol: type is its letter ('t', 'T', 'd', ...). */
void stack_syms_add(struct stack_syms *s, uint64_t addr, char type, const char *name);
/* Sort, end each range at the next symbol, merge aliases; frees the address list. */
void stack_syms_finish(struct stack_syms *s);
void stack_syms_free(struct stack_syms *s);

/*
 * The classes the kernel gave no function for, as a reason: "hmm_range_fault
 * (not in /proc/kallsyms); device fault handler (...)". Empty when all found.
 */
void stack_syms_missing(const struct stack_syms *s, char *buf, size_t len);

/* "hmm_range_fault" for MT_SB_HMM_RANGE_FAULT; "?" out of range. */
const char *stack_bit_name(unsigned int bit);
/* "do_swap_page,handle_mm_fault": the names of the set bits, comma-separated. */
void stack_bits_str(uint32_t bits, char *buf, size_t len);

#endif
