/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log as an evidence source of a session loop: /dev/kmsg read
 * from attach on, a few times a second, its stall reports handed to the
 * loop (which joins them to incidents and passes them to every party).
 */
#ifndef MIGTRACE_KERNEL_LOG_H
#define MIGTRACE_KERNEL_LOG_H

#include "cmd/session_loop.h"
#include "kernel/kmsg.h"

#define KERNEL_LOG_READ_NS	(100 * NSEC_PER_MSEC)
#define KERNEL_LOG_RECORDS	1024	/* records read at most per read */

struct kernel_log {
	struct kmsg_reader reader;
	uint64_t next_read;
};

/*
 * Open the kernel log at its end and add it to l as a party. A log that
 * cannot be read is no error: the state says why (reports, caps). -ENOSPC
 * without room for a party.
 */
int kernel_log_add(struct kernel_log *kl, struct session_loop *l);
/* Its state now: readable or why not (for headers and caps). */
const struct kernel_log_state *kernel_log_state(const struct kernel_log *kl);
void kernel_log_close(struct kernel_log *kl);

#endif
