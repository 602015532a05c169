/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log's records (/dev/kmsg: "PRIO,SEQ,USEC,FLAGS[,...];TEXT\n"
 * then " KEY=VALUE\n" dictionary lines) and the stall reports among them.
 * Only records of facility 0 are the kernel's: a write to /dev/kmsg from
 * user space gets facility 1 or more whatever it asks for, so a forged
 * "soft lockup" never counts. Pure: the unit tests feed it captured lines
 * and hostile bytes.
 */
#ifndef MIGTRACE_KMSG_PARSE_H
#define MIGTRACE_KMSG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/kernel_report.h"

/* Longer messages are cut there; no report is that long, so none of them is one. */
#define KMSG_TEXT_MAX		512
/* Reports one record can complete: a pending RCU stall and its own. */
#define KMSG_REPORTS_PER_RECORD	2
/* Records an RCU stall report waits for its CPU lines before it stands alone. */
#define KMSG_RCU_MAX_LINES	64

struct kmsg_record {
	uint32_t facility, level;
	uint64_t seq, usec;
	bool cont;			/* flags 'c': a continuation fragment */
	bool truncated;			/* the text was longer than KMSG_TEXT_MAX */
	char text[KMSG_TEXT_MAX];	/* up to the first newline; control bytes as '?' */
};

/* A record as read() returns it; false when its header is not PRIO,SEQ,USEC,FLAGS;. */
bool kmsg_record_parse(const char *buf, size_t len, struct kmsg_record *r);

/*
 * One line of the kernel's text as a report, without context (not the RCU
 * stall, whose CPU comes in the lines after it): false if it is none.
 */
bool kmsg_report_parse(const char *text, struct kernel_report *kr);

/* The state across records: an RCU stall header waiting for its CPU lines. */
struct kmsg_parser {
	bool rcu_open;
	struct kernel_report rcu;
	unsigned int rcu_lines, rcu_cpus;
};

void kmsg_parser_init(struct kmsg_parser *p);
/*
 * A record in, the reports it completes out (at most KMSG_REPORTS_PER_RECORD,
 * seq and log_us from the record). Records of another facility are skipped.
 */
unsigned int kmsg_parse(struct kmsg_parser *p, const struct kmsg_record *r,
			struct kernel_report out[KMSG_REPORTS_PER_RECORD]);
/* No more records (the run ends): an RCU stall still waiting for CPU lines. */
unsigned int kmsg_parse_flush(struct kmsg_parser *p, struct kernel_report *out);

#endif
