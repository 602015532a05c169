/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers as people read them. */
#ifndef MIGTRACE_FORMAT_H
#define MIGTRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* "1.25ms", "830us", "2.0s": fits in buf (>= 16 bytes). */
const char *fmt_ns(char *buf, size_t len, uint64_t ns);

#endif
