/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a record says about its run: the header (conditions, label, hooks),
 * snapshots of the kernel's aggregates, events, incidents and how it ended;
 * encoding them into chunk payloads and loading them back, validated.
 */
#ifndef MIGTRACE_RECORD_RUN_H
#define MIGTRACE_RECORD_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include "model/hooks.h"
#include "kernel/probe.h"
#include "record/record.h"
#include "model/snapshot.h"

#define REC_SNAPSHOT_LAYOUT 1

struct rec_header {
	uint32_t format;
	char tool[32];
	char kernel[128];		/* uname -r */
	char label[64];			/* the variant: --label */
	char hostname[64];
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

struct rec_run {
	const char *name;
	struct rec_header hdr;
	bool has_header;
	struct rec_end end;
	bool has_end;
	uint64_t snapshots, last_snapshot_ns;
	uint64_t chunks, events, bad_events, incidents;
	uint32_t damaged;		/* chunks or events skipped as corrupt */
	bool cut_off;			/* ends inside a chunk: killed, or still being written */
	uint64_t size, readable_end;
};

struct rec_visitor {
	void (*event)(void *ctx, const struct mt_event *e);
	void (*incident)(void *ctx, const struct rec_incident *i);
	/* Each snapshot as decoded, with its monotonic time (replaying detectors). */
	void (*snapshot)(void *ctx, const struct snapshot *snap, uint64_t now_ns);
	void *ctx;
};

/* key=value text payloads. */
int rec_header_format(const struct rec_header *h, char *buf, size_t len);
int rec_end_format(const struct rec_end *e, char *buf, size_t len);
int rec_incident_format(const struct rec_incident *i, char *buf, size_t len);

/* Fill the conditions of this machine: kernel, hostname, CPU model, virtualization. */
void rec_header_fill_host(struct rec_header *h);

/* "RESULT ... migrations_per_s=12.5 ...": the rate, if the line has one. */
bool rec_result_throughput(const char *line, double *per_s);

/* Snapshot payloads: r as session_snapshot fills it, at monotonic time now_ns. */
void *rec_snapshot_encode(const struct snapshot *r, uint64_t now_ns, size_t *len);
/* Into r (hists, pending, open runs, losses, ncpus, duration); false + why on junk. */
bool rec_snapshot_decode(const uint8_t *p, size_t len, struct snapshot *r, uint64_t *now_ns,
			 char *why, size_t wlen);

/* Bytes that do not form valid UTF-8 become '?': JSON output must stay valid. */
void rec_text_sanitize(char *s);

/* Make an event from a file safe to aggregate; false when it cannot be. */
bool rec_event_sanitize(struct mt_event *e);

/*
 * Read every chunk: the header into run, each snapshot over snap (the last
 * one stays; snap may be NULL), events and incidents to v. Damage is
 * reported through the reader's warn; fails only without a usable header.
 */
int rec_load(struct rec_reader *rd, struct rec_run *run, struct snapshot *snap,
	     const struct rec_visitor *v, char *err, size_t len);

/* rec_map + rec_reader_init + rec_load for a path. */
int rec_load_path(const char *path, struct rec_run *run, struct snapshot *snap,
		  const struct rec_visitor *v, rec_warn_fn warn, void *warn_ctx,
		  char *err, size_t len);

#endif
