/* SPDX-License-Identifier: GPL-2.0 */
/* Looking up a few kernel symbols in /proc/kallsyms in one pass. */
#ifndef MIGTRACE_KALLSYMS_H
#define MIGTRACE_KALLSYMS_H

#include <stdint.h>

/*
 * For each of names[0..n), set addrs[i] to its address, or 0 if absent.
 * Returns 0, -ENOENT if the file cannot be read, or -EPERM if every
 * address reads as zero (kptr_restrict).
 */
int kallsyms_resolve(const char *path, const char *const *names, uint64_t *addrs, int n);

struct stack_syms;
/*
 * The ranges of the functions that classify stacks (core/stack_syms.h),
 * modules included: one pass over the whole file, kept under /run like the
 * addresses above (keyed by /proc/modules too). Returns what
 * kallsyms_resolve returns; what is missing is in s, not an error.
 */
int kallsyms_stack_syms(const char *path, struct stack_syms *s);

/*
 * names[i] = "function+0xoff" of the text symbol at or below addrs[i] ("" if
 * none): one pass. For the loader's own output, never written with addresses.
 */
int kallsyms_symbolize(const char *path, const uint64_t *addrs, int n, char (*names)[64]);

#endif
