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

#endif
