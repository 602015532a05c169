/* SPDX-License-Identifier: GPL-2.0 */
/* record's workload: started held before exec, its output relayed and scanned for RESULT. */
#ifndef MIGTRACE_RECORD_CHILD_H
#define MIGTRACE_RECORD_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "record/meta.h"

/* The workload: its pid, its stdout (relayed, scanned for RESULT lines). */
struct child {
	pid_t pid;
	int out_fd;
	int go_fd;		/* a byte written here lets the command exec */
	char line[512];
	size_t line_len;
	bool exited;
	int status;
	uint64_t start_ns, end_ns;
};

/*
 * Fork the command, held before exec until child_release(): its pid must be
 * known to filter on it before tracing starts, and it must not run untraced.
 */
int child_spawn(struct child *c, char **argv, char *err, size_t len);
void child_release(struct child *c);
/* A complete line of its output: a RESULT line is kept in end. */
void child_line_done(struct child *c, struct rec_end *end);
/* The last RESULT line of a file a workload wrote (not run as COMMAND). */
void child_result_from_file(const char *path, struct rec_end *end);
/* Relay what the workload printed; keep its last RESULT line. */
void child_relay(struct child *c, struct rec_end *end);
void child_reap(struct child *c, int options);
/* Asked to stop while the workload runs: TERM it, then KILL after 2 s. */
void child_stop(struct child *c);

#endif
