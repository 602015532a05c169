/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log (/dev/kmsg) from the moment of opening on: never blocking,
 * never re-reading what came before, surviving a ring buffer that wrapped
 * (EPIPE: the records lost are counted). Parsing is core/kmsg_parse.c.
 */
#ifndef MIGTRACE_KMSG_H
#define MIGTRACE_KMSG_H

#include <stdbool.h>
#include <stdint.h>
#include "core/kmsg_parse.h"
#include "model/kernel_report.h"

#define KMSG_PATH	"/dev/kmsg"
#define KMSG_READ_MAX	8192	/* a record's most (CONSOLE_EXT_LOG_MAX) */

struct kmsg_reader {
	int fd;				/* -1: not readable (state.why says why) */
	struct kmsg_parser parser;
	bool have_seq;
	uint64_t next_seq;		/* the record expected next */
	bool overrun;			/* EPIPE before any record: some lost, how many unknown */
	struct kernel_log_state state;	/* readable, why, records, lost */
};

/*
 * Open path (KMSG_PATH but for tests) at its end. Never fails: a log that
 * cannot be read is state.readable false with the reason (EPERM: which of
 * kernel.printk_devkmsg, kernel.dmesg_restrict without CAP_SYSLOG, or a
 * security module denied it).
 */
void kmsg_open(struct kmsg_reader *r, const char *path);
/*
 * Read what is there now, up to max_records records, without blocking;
 * the reports among them into out (room for max, at least
 * KMSG_REPORTS_PER_RECORD; reading stops before it could overflow). final:
 * also an RCU stall still waiting for its CPU lines.
 */
unsigned int kmsg_read(struct kmsg_reader *r, struct kernel_report *out, unsigned int max,
		       unsigned int max_records, bool final);
void kmsg_close(struct kmsg_reader *r);

/* The first line of a /proc file (the log's sysctls), newline cut; "" if unreadable. */
void kmsg_proc_line(const char *path, char *buf, size_t len);
/* Why path cannot be opened for reading, errno err: one line into buf. */
void kmsg_why(int err, char *buf, size_t len);

#endif
