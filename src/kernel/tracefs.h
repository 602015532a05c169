/* SPDX-License-Identifier: GPL-2.0 */
/* Finding tracefs, mounting it where it is missing. */
#ifndef MIGTRACE_TRACEFS_H
#define MIGTRACE_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Return the tracefs root ("/sys/kernel/tracing" or the debugfs one), after
 * mounting tracefs at /sys/kernel/tracing if no mounted copy is found.
 * NULL with a reason in why when it cannot be had.
 */
const char *tracefs_root(char *why, size_t why_len);

/* Whether "group/event" exists under the tracefs root. */
bool tracefs_event_exists(const char *root, const char *group_event);

#endif
