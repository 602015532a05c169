/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint prototypes: a raw tracepoint program reads its arguments by
 * position, so an event of the same name with another shape (another
 * kernel's, or an earlier patch's) would be misread. Prototypes are
 * compared as comma-separated C type lists, qualifiers dropped, integer
 * types by meaning (BTF's "long unsigned int" is "unsigned long").
 */
#ifndef MIGTRACE_TP_PROTO_H
#define MIGTRACE_TP_PROTO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether actual ("struct migrate_vma *,unsigned long") starts with the
 * arguments expected names: the program reads only those, so arguments
 * a later kernel appends do not matter. False with the reason in why.
 */
bool tp_proto_match(const char *expected, const char *actual, char *why, size_t len);

#endif
