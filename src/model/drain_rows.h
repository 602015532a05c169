/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU drain table of a report, derived once from a snapshot: each
 * CPU with drain work (snapshot_drain_cpu), the values of the metric
 * table's per-CPU columns, and the longest runner while its work waited.
 * The text and JSON reports print it; Prometheus exports the same rows.
 */
#ifndef MIGTRACE_DRAIN_ROWS_H
#define MIGTRACE_DRAIN_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include "model/metrics.h"
#include "model/snapshot.h"

#define DRAIN_COLUMNS_MAX 12

struct drain_row {
	uint32_t cpu;
	uint64_t value[DRAIN_COLUMNS_MAX];	/* drain_columns()'s metrics, in that order */
	struct mt_task blocker;			/* longest runner while work was pending */
	uint64_t blocker_ns;
};

/* The metric table's per-CPU columns (rows with a JSON key or a text column), in order. */
size_t drain_columns(const struct metric_def *cols[DRAIN_COLUMNS_MAX]);
/* Fill rows (MT_MAX_CPUS of them) for s, in CPU order; returns how many. */
uint32_t drain_rows(const struct snapshot *s, struct drain_row *rows);

#endif
