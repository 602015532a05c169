/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line numbers. */
#ifndef MIGTRACE_PARSE_H
#define MIGTRACE_PARSE_H

#include <stdbool.h>

/* Parse a non-negative integer no larger than max; false on junk. */
bool parse_ulong(const char *s, unsigned long max, unsigned long *out);

#endif
