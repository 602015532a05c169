/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An incident as one kernel log record (--kmsg): what survives a machine
 * that stops (console, netconsole, pstore). One compact line: kind, state,
 * CPU, parties, each link with what proved it, what is blind.
 */
#ifndef MIGTRACE_INCIDENT_KMSG_H
#define MIGTRACE_INCIDENT_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "model/incident.h"

/*
 * Bytes one write(2) to /dev/kmsg may carry, "<N>" and newline included:
 * longer is EINVAL (PRINTKRB_RECORD_MAX, 1024; LOG_LINE_MAX, 992, in older
 * kernels), so lines are cut below both.
 */
#define KMSG_RECORD_MAX 976
#define KMSG_PREFIX	"migtrace: "

/* Lines said: an incident's start, a change of its kind, its end (not plain updates). */
bool incident_kmsg_wanted(const struct incident *inc);
/*
 * Its syslog level: 3 (err) for livelock and suspected_livelock, 4
 * (warning) stuck_rt and stuck_kernel, 5 (notice) drain_stall and
 * fault_storm; 6 (info) for any end.
 */
int incident_kmsg_level(const struct incident *inc);
/*
 * The record into buf: "<L>migtrace: incident #ID KIND STATE ...\n", at
 * most max bytes (64..KMSG_RECORD_MAX; longer fields are cut at a space and
 * " ..." said). unlogged: lines refused before it (rate limit), said when
 * not 0. Returns its length, no NUL counted.
 */
size_t incident_kmsg_line(const struct incident *inc, uint64_t unlogged, char *buf, size_t max);

/*
 * Whether --kmsg can write, as caps says it: detail is the kernel's limit
 * when writable, else why not. A text line or a "kernel_log_write" object.
 */
void incident_kmsg_caps(FILE *out, bool writable, const char *detail, bool json);

#endif
