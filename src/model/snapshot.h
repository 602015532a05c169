/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering one report (an interval or a whole run) as text or JSON lines. */
#ifndef MIGTRACE_REPORT_H
#define MIGTRACE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "core/aggregate.h"
#include "model/hooks.h"
#include "model/incident.h"
#include "output/json.h"
#include "migtrace.h"

#define REPORT_MAX_PENDING 64

/* Drain work queued on a CPU and not started when the report was taken. */
struct pending_drain {
	uint32_t cpu;
	uint64_t age_ns;
	struct mt_task queuer;
	struct mt_task occupant;	/* on that CPU now */
	uint64_t occupant_ns;		/* for how long */
	struct mt_task blocker;		/* longest runner there since queued (switched out) */
	uint64_t blocker_ns;
};

struct report {
	const struct agg *agg;
	const struct hook_status *hooks;
	uint32_t ncpus;
	uint64_t duration_ns;
	struct mt_hist global[MT_H_MAX];
	struct mt_hist cpu[MT_H_PER_CPU][MT_MAX_CPUS];
	struct pending_drain pending[REPORT_MAX_PENDING];
	uint32_t npending;
	struct agg_run open_runs[AGG_TOP];	/* runs not yet ended, most attempts first */
	uint64_t dropped[MT_EV_TYPE_MAX];
	uint64_t dropped_total;
	uint64_t state_full;		/* BPF state tables full */
	uint64_t bad_records;		/* ring buffer records of the wrong size */
	bool detecting;			/* incidents below are meaningful */
	struct incident_totals incidents[INC_KIND_MAX];
};

/* "comm/pid FIFO:50": a task in one word-ish, "-" for none. */
const char *task_str(char *buf, size_t len, const struct mt_task *t);
/* The task as a JSON object under key. */
void json_task(struct json *j, const char *key, const struct mt_task *t);

const char *hist_name(enum mt_hist_id id);
const char *event_type_name(uint32_t type);

void report_text(FILE *out, const struct report *r);
void report_json(FILE *out, const struct report *r);

#endif
