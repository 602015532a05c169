// SPDX-License-Identifier: GPL-2.0
#include "model/drain_rows.h"

size_t drain_columns(const struct metric_def *cols[DRAIN_COLUMNS_MAX])
{
	size_t n = 0;

	for (size_t i = 0; i < metric_count && n < DRAIN_COLUMNS_MAX; i++)
		if (metric_defs[i].label == LABEL_CPU && (metric_defs[i].json || metric_defs[i].column))
			cols[n++] = &metric_defs[i];
	return n;
}

uint32_t drain_rows(const struct snapshot *s, struct drain_row *rows)
{
	const struct metric_def *cols[DRAIN_COLUMNS_MAX];
	size_t ncols = drain_columns(cols);
	uint32_t n = 0;

	for (uint32_t c = 0; c < s->ncpus && c < MT_MAX_CPUS; c++) {
		struct drain_row *r;

		if (!snapshot_drain_cpu(s, c))
			continue;
		r = &rows[n++];
		r->cpu = c;
		for (size_t k = 0; k < ncols; k++)
			r->value[k] = cols[k]->value(s, c);
		r->blocker = s->events.cpu[c].blocker;
		r->blocker_ns = s->events.cpu[c].blocker_ns;
	}
	return n;
}
