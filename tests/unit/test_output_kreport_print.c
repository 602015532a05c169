// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's reports as printed (output/kreport_print.c): inside an
 * incident's line (text and JSON), as lines of their own, the kernel log's
 * state in caps and in the report header.
 */
#include "check.h"
#include "model/snapshot.h"
#include "output/incident_print.h"
#include "output/kreport_print.h"
#include "output/snapshot_print.h"

static char out[1 << 16];

#define PRINT(stmt)                                        \
	do {                                               \
		FILE *f_ = fmemopen(out, sizeof(out), "w"); \
		FILE *f = f_;                              \
		stmt;                                      \
		fclose(f_);                                \
	} while (0)

static const struct kernel_report soft = {
	.kind = KR_SOFT_LOCKUP, .seq = 1201, .log_us = 28841873, .cpu = 3, .pid = 104,
	.comm = "migrepro", .seconds = 26, .incident_id = 7,
	.text = "watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [migrepro:104]",
};

static void incident_lines_carry_their_reports(void)
{
	static struct incident inc;
	struct kernel_report hung = { .kind = KR_HUNG_TASK, .cpu = KR_NO_CPU, .pid = 102,
				      .comm = "migrepro", .seconds = 20,
				      .text = "INFO: task migrepro:102 blocked for \"more\"" };

	inc.id = 7;
	inc.kind = INC_STUCK_KERNEL;
	inc.state = INC_UPDATE;
	inc.cpu = 3;
	inc.has_spinner = true;
	inc.spinner.pid = 104;
	inc.context = CTX_KERNEL;
	/* None joined: no field at all. */
	PRINT(incident_print_text(f, &inc));
	CHECK(!strstr(out, "kernel_reports"));
	PRINT(incident_print_json(f, &inc));
	CHECK(!strstr(out, "kernel_reports"));
	/* Two joined: both listed, last on the line; a quote in the text as \x22. */
	inc.kreports[0] = soft;
	inc.kreports[1] = hung;
	inc.nkreports = 2;
	PRINT(incident_print_text(f, &inc));
	CHECK(strstr(out, " kernel_reports=soft_lockup[cpu=3 pid=104 stated=26s \"watchdog: BUG: "
		      "soft lockup - CPU#3 stuck for 26s! [migrepro:104]\"],hung_task[pid=102 "
		      "stated=20s \"INFO: task migrepro:102 blocked for \\x22more\\x22\"]\n") != NULL);
	PRINT(incident_print_json(f, &inc));
	CHECK(strstr(out, "\"kernel_reports\":[{\"kind\":\"soft_lockup\",\"cpu\":3,\"pid\":104,"
		      "\"comm\":\"migrepro\",\"seconds\":26,\"seq\":1201,\"log_us\":28841873,"
		      "\"text\":\"watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [migrepro:104]\"},"
		      "{\"kind\":\"hung_task\",\"pid\":102,") != NULL);
	CHECK(strstr(out, "\"text\":\"INFO: task migrepro:102 blocked for \\\"more\\\"\"}],"
		      "\"kernel_reports_total\":2}") != NULL);
	/* More than are listed: counted. */
	inc.kreports[2] = inc.kreports[3] = soft;
	inc.nkreports = 6;
	PRINT(incident_print_text(f, &inc));
	CHECK(strstr(out, "],+2 more\n") != NULL);
	PRINT(incident_print_json(f, &inc));
	CHECK(strstr(out, "\"kernel_reports_total\":6") != NULL);
}

static void unjoined_reports_stand_alone(void)
{
	struct kernel_report hog = { .kind = KR_WQ_HOG, .cpu = KR_NO_CPU, .count = 4,
				     .work_func = "lru_add_drain_per_cpu",
				     .text = "workqueue: lru_add_drain_per_cpu hogged CPU for >10000us "
					     "4 times, consider switching to WQ_UNBOUND" };
	struct kernel_report odd = soft;

	PRINT(kreport_print(f, &hog, false));
	CHECK(!strcmp(out, "KERNEL_REPORT workqueue_hog work=lru_add_drain_per_cpu times=4 "
		      "\"workqueue: lru_add_drain_per_cpu hogged CPU for >10000us 4 times, "
		      "consider switching to WQ_UNBOUND\"\n"));
	PRINT(kreport_print(f, &hog, true));
	CHECK(!strcmp(out, "{\"type\":\"kernel_report\",\"kind\":\"workqueue_hog\","
		      "\"work_func\":\"lru_add_drain_per_cpu\",\"times\":4,\"seq\":0,\"log_us\":0,"
		      "\"text\":\"workqueue: lru_add_drain_per_cpu hogged CPU for >10000us 4 times, "
		      "consider switching to WQ_UNBOUND\"}\n"));
	/* Joined (as report prints it): the incident named. */
	PRINT(kreport_print(f, &soft, false));
	CHECK(strstr(out, "KERNEL_REPORT soft_lockup cpu=3 pid=104 comm=migrepro stated=26s "
		      "incident=#7 \"watchdog:") == out);
	/* A comm with a space or a quote cannot split the line's fields. */
	snprintf(odd.comm, sizeof(odd.comm), "a b\"c");
	PRINT(kreport_print(f, &odd, false));
	CHECK(strstr(out, " comm=a?b?c ") != NULL);
}

static void kernel_log_state_is_said(void)
{
	static struct snapshot s;
	struct kernel_log_state st = { .known = true };

	snprintf(st.why, sizeof(st.why), "/dev/kmsg: Operation not permitted: "
		 "kernel.dmesg_restrict=1 and no CAP_SYSLOG");
	PRINT(kernel_log_print(f, &st, false));
	CHECK(!strcmp(out, "kernel log: unknown: /dev/kmsg: Operation not permitted: "
		      "kernel.dmesg_restrict=1 and no CAP_SYSLOG: the kernel's own stall reports "
		      "are not seen\n"));
	PRINT(kernel_log_print(f, &st, true));
	CHECK(strstr(out, "{\"type\":\"kernel_log\",\"readable\":false,\"why\":\"/dev/kmsg: "
		      "Operation not permitted") == out);
	st.readable = true;
	PRINT(kernel_log_print(f, &st, false));
	CHECK(!strncmp(out, "kernel log: readable (/dev/kmsg): ", 34));
	/* The report header: counted, or none; a record without a reader: no line. */
	s.kernel_log = st;
	s.kernel_log.reports[KR_SOFT_LOCKUP] = 2;
	s.kernel_log.reports[KR_WQ_HOG] = 1;
	s.kernel_log.unjoined = 1;
	s.kernel_log.lost = 5;
	PRINT(snapshot_print_text(f, &s));
	CHECK(strstr(out, "\nkernel log: readable (/dev/kmsg); reports: soft_lockup 2 "
		      "workqueue_hog 1 (1 joined to no incident); 5 records overwritten before they "
		      "were read\n") != NULL);
	PRINT(snapshot_print_json(f, &s));
	CHECK(strstr(out, "{\"type\":\"kernel_log\",\"readable\":true,\"records\":0,"
		      "\"last_seq\":0,\"lost\":5,"
		      "\"reports\":{\"soft_lockup\":2,\"hung_task\":0,\"workqueue_lockup\":0,"
		      "\"workqueue_hog\":1,\"rcu_stall\":0},\"unjoined\":1}\n") != NULL);
	memset(&s.kernel_log, 0, sizeof(s.kernel_log));
	s.kernel_log.known = true;
	s.kernel_log.readable = true;
	PRINT(snapshot_print_text(f, &s));
	CHECK(strstr(out, "kernel log: readable (/dev/kmsg); reports: none\n") != NULL);
	memset(&s.kernel_log, 0, sizeof(s.kernel_log));
	PRINT(snapshot_print_text(f, &s));
	CHECK(!strstr(out, "kernel log"));
	PRINT(snapshot_print_json(f, &s));
	CHECK(!strstr(out, "kernel_log"));
}

int main(void)
{
	RUN(incident_lines_carry_their_reports);
	RUN(unjoined_reports_stand_alone);
	RUN(kernel_log_state_is_said);
	CHECK_EXIT();
}
