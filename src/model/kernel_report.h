/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own reports of a stall, read from its log (/dev/kmsg): soft
 * lockups, hung tasks, workqueue lockups and hogs, RCU stalls. Each is
 * joined to the open incident it is about, or stands alone; the kernel log
 * reader's state says whether any could be read at all.
 */
#ifndef MIGTRACE_KERNEL_REPORT_H
#define MIGTRACE_KERNEL_REPORT_H

#include <stdbool.h>
#include <stdint.h>

/* Formats: core/kmsg_parse.c; migtrace(8), KERNEL REPORTS. */
enum kreport_kind {
	KR_SOFT_LOCKUP = 0,	/* watchdog: BUG: soft lockup - CPU#N stuck for Ss! [comm:pid] */
	KR_HUNG_TASK,		/* INFO: task comm:pid blocked for more than S seconds. */
	KR_WQ_LOCKUP,		/* BUG: workqueue lockup - pool cpus=N ... stuck for Ss! */
	KR_WQ_HOG,		/* workqueue: FUNC hogged CPU for >Tus N times, ... */
	KR_RCU_STALL,		/* rcu: INFO: NAME self-detected stall / detected stalls */
	KR_KIND_MAX,
};

#define KR_NO_CPU	UINT32_MAX

struct kernel_report {
	enum kreport_kind kind;
	uint64_t seq;			/* the kernel log's sequence number */
	uint64_t log_us;		/* the kernel log's timestamp (us since boot) */
	uint32_t cpu;			/* KR_NO_CPU: the report names none */
	uint32_t pid;			/* 0: the report names no task */
	char comm[16];
	uint32_t seconds;		/* as the kernel states it; 0: it states none */
	uint64_t count;			/* workqueue hog: times over the threshold */
	char work_func[48];		/* workqueue hog: the work function */
	uint64_t incident_id;		/* joined to this open incident; 0: none */
	char text[200];			/* the line as the kernel log gave it (\xNN escapes) */
};

/*
 * The kernel log reader: whether it could read, why not, what it read.
 * known: a reader ran (a live run, or a record that kept it).
 */
struct kernel_log_state {
	bool known;
	bool readable;
	char why[160];			/* not readable: the reason (errno, dmesg_restrict, ...) */
	uint64_t records;		/* log records read */
	uint64_t last_seq;		/* the sequence number of the last one */
	uint64_t lost;			/* records overwritten before they were read */
	uint64_t reports[KR_KIND_MAX];
	uint64_t unjoined;		/* reports that matched no open incident */
};

extern const char *const kreport_kind_names[KR_KIND_MAX];	/* "soft_lockup", ... */
/* "soft_lockup" -> KR_SOFT_LOCKUP; -1 if unknown. */
int kreport_kind_parse(const char *name);

#endif
