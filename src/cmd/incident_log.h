/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --kmsg: incidents into the kernel log as a party of the session loop,
 * right after the command printed them: one record each time an incident
 * starts, changes kind or ends. A flapping incident cannot flood the log:
 * INCIDENT_LOG_BURST records at once, then one every KMSG_KERNEL_PERIOD_S,
 * under /dev/kmsg's own limit (which drops silently); the next record says
 * how many were not logged. Failing to open or write is said once on
 * stderr and never stops the run.
 */
#ifndef MIGTRACE_INCIDENT_LOG_H
#define MIGTRACE_INCIDENT_LOG_H

#include <stdbool.h>
#include "cmd/session_loop.h"
#include "core/rate_limit.h"
#include "kernel/kmsg_writer.h"

#define INCIDENT_LOG_BURST	(KMSG_KERNEL_BURST - 2)	/* one under the kernel's, with margin */

struct incident_log {
	struct kmsg_writer w;
	struct rate_limit limit;
	bool added;
	bool warned;
};

/* Open the kernel log for writing and add it to l; -ENOSPC without room for a party. */
int incident_log_add(struct incident_log *il, struct session_loop *l);
/* Close; lines not logged or failed are said on stderr. Safe when never added. */
void incident_log_close(struct incident_log *il);

#endif
