/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_PRIVILEGES_H
#define MIGTRACE_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Loading tracing programs needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN
 * (before 5.8). 0, or -EPERM with err naming what is missing. warn is set
 * when /proc/kallsyms may hide addresses (no CAP_SYSLOG).
 */
int privileges_check(char *err, size_t len, bool *warn_kallsyms);

#endif
