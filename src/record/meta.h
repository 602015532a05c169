/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a record says about its run besides events and snapshots: the header
 * (conditions, label, hooks), incidents, and how the run ended; as
 * key=value text payloads, written and parsed back.
 */
#ifndef MIGTRACE_RECORD_META_H
#define MIGTRACE_RECORD_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/hooks.h"
#include "model/kernel_report.h"

struct rec_header {
	uint32_t format;
	char tool[32];
	char kernel[128];		/* uname -r */
	char label[64];			/* the variant: --label */
	char hostname[64];
	char boot_id[40];		/* /proc/sys/kernel/random/boot_id: which boot ran it */
	char cpu_model[128];
	char virt[32];			/* "none" (bare metal), "kvm", "qemu", ... */
	char command[256];		/* record -- COMMAND, space-joined */
	uint32_t ncpus;
	uint64_t start_realtime_ns;	/* CLOCK_REALTIME at start */
	uint64_t start_mono_ns;		/* CLOCK_MONOTONIC (event clock) at start */
	uint32_t interval_ms;		/* snapshot interval */
	uint32_t event_size;
	int32_t filter_pid, filter_cpu;	/* 0 / -1: none */
	bool detect;			/* detectors ran: incidents are meaningful */
	struct hook_status hooks[HOOK_MAX];
	/* kernel_log=readable or unknown: WHY (known, readable, why); absent: not read */
	struct kernel_log_state kernel_log;
};

struct rec_end {
	char reason[32];		/* duration, command, signal */
	uint64_t wall_ns;
	bool has_exit;
	int exit_status;		/* of COMMAND; -1 when killed by a signal */
	int exit_signal;
	char result[512];		/* the workload's last "RESULT ..." line */
	bool has_throughput;
	double throughput;		/* per second: from RESULT (see rec_result_throughput) */
	bool has_kernel_log;
	uint64_t kernel_log_records;	/* kernel log records read */
	uint64_t kernel_log_lost;	/* overwritten before they were read */
};

struct rec_incident {
	char kind[32];			/* incident_kind_name() */
	bool end;			/* the incident ended; else it started */
	uint64_t id;
	uint64_t start_ns, duration_ns;	/* monotonic ns, like events */
	int32_t cpu;			/* -1: none */
	uint32_t pid;
	char detail[400];		/* as the live run printed it */
};

/* key=value text payloads. */
int rec_header_format(const struct rec_header *h, char *buf, size_t len);
int rec_end_format(const struct rec_end *e, char *buf, size_t len);
int rec_incident_format(const struct rec_incident *i, char *buf, size_t len);
int rec_kreport_format(const struct kernel_report *kr, char *buf, size_t len);

/* Fill the conditions of this machine: kernel, hostname, boot, CPU model, virtualization. */
void rec_header_fill_host(struct rec_header *h);

/* "RESULT ... migrations_per_s=12.5 ...": the rate, if the line has one. */
bool rec_result_throughput(const char *line, double *per_s);

/* Parse payloads back; false with why (line and reason) on junk. */
bool rec_header_parse(const char *text, size_t len, struct rec_header *h, char *why, size_t wlen);
bool rec_end_parse(const char *text, size_t len, struct rec_end *e, char *why, size_t wlen);
bool rec_incident_parse(const char *text, size_t len, struct rec_incident *i, char *why,
			size_t wlen);
/*
 * A KERNEL_REPORT payload; kind and text are required. A kind this build
 * does not know (a newer migtrace's) parses as KR_KIND_MAX: skip it.
 */
bool rec_kreport_parse(const char *text, size_t len, struct kernel_report *kr, char *why,
		       size_t wlen);

#endif
