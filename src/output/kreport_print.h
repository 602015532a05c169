/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own reports: inside an incident's line (its kernel_reports
 * field), as a line of their own when they joined none, and the kernel
 * log's state (could it be read; how many reports of each kind).
 */
#ifndef MIGTRACE_KREPORT_PRINT_H
#define MIGTRACE_KREPORT_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include "model/kernel_report.h"
#include "output/json.h"

/* `soft_lockup[cpu=3 pid=104 stated=26s "watchdog: ..."]`: one report inside a line. */
void kreport_print_brief(FILE *out, const struct kernel_report *kr);
/* One report's JSON fields (kind, cpu, pid, comm, seconds, ..., text). */
void kreport_json_fields(struct json *j, const struct kernel_report *kr);
/*
 * A report as a line of its own: "KERNEL_REPORT soft_lockup cpu=3 ..." or a
 * "kernel_report" JSON object (with incident_id when it joined one).
 */
void kreport_print(FILE *out, const struct kernel_report *kr, bool json);

/* "readable (/dev/kmsg)" or "unknown: /dev/kmsg: ...": the state in a few words. */
const char *kernel_log_status(const struct kernel_log_state *st, char *buf, size_t len);
/* The state as caps prints it: one text line, or a "kernel_log" JSON object. */
void kernel_log_print(FILE *out, const struct kernel_log_state *st, bool json);
/* The state's JSON fields: readable, why, records, lost, reports by kind, unjoined. */
void kernel_log_json_fields(struct json *j, const struct kernel_log_state *st);

#endif
