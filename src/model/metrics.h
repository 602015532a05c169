/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of metrics. A row names a metric once (its Prometheus
 * family; its JSON key and text column when it is a column of the per-CPU
 * drain table; the kernel histogram it is), says its type, unit and
 * meaning, and computes it from a snapshot. The Prometheus exposition, the
 * reports and compare read it: a new metric is a row and its computation.
 */
#ifndef MIGTRACE_METRICS_H
#define MIGTRACE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/snapshot.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* Prometheus names end in _seconds (ns, Unix seconds), _bytes; counters in _total. */
enum metric_unit { UNIT_COUNT, UNIT_NS, UNIT_BYTES, UNIT_UNIX_S };

/* One sample per value of the label; LABEL_CPU: per CPU with drain work. */
enum metric_label {
	LABEL_NONE = 0,
	LABEL_CPU,
	LABEL_EVENT_TYPE,	/* enum mt_event_type, from 1 */
	LABEL_TRYLOCK,		/* site (enum mt_trylock_site) x outcome (ok, failed) */
	LABEL_HOOK,		/* enum hook_id, with the mechanism it got */
	LABEL_KIND,		/* enum incident_kind */
	LABEL_TABLE,		/* the loader's fixed-size tables: open_incidents */
};

/* When a metric is defined at all. */
enum metric_when {
	WHEN_ALWAYS = 0,
	WHEN_HOOKS_KNOWN,	/* snapshot.hooks_known */
	WHEN_DETECTING,		/* the detectors ran */
	WHEN_LOADER,		/* a daemon filled snapshot.loader */
};

struct metric_def {
	const char *name;	/* migtrace_<name><unit suffix>[_total]; NULL: not exported */
	enum metric_type type;
	enum metric_unit unit;
	enum metric_label label;
	enum metric_when when;
	const char *help;	/* Prometheus HELP, text report title, compare's title */
	const char *json;	/* per-CPU drain table: JSON key (NULL: not a column) */
	const char *column;	/* per-CPU drain table: text column and its width */
	int width;
	int hist_id;		/* enum mt_hist_id it renders, -1: none */
	/* The value for one label value (a CPU, an event type, ...; 0 without a label). */
	uint64_t (*value)(const struct snapshot *s, uint32_t label);
	/* Histograms: the histogram for one label value. */
	void (*hist)(const struct snapshot *s, uint32_t label, struct mt_hist *out);
};

extern const struct metric_def metric_defs[];
extern const size_t metric_count;

/* The row named name (a Prometheus base name), NULL if none. */
const struct metric_def *metric_by_name(const char *name);
/* The row that renders kernel histogram id, NULL if none. */
const struct metric_def *metric_by_hist(int hist_id);
/* Label values of a label: 0 .. n-1 (LABEL_CPU: MT_MAX_CPUS, filtered by the caller). */
uint32_t metric_label_count(enum metric_label l);
/* Whether the metric is defined for s. */
bool metric_defined(const struct metric_def *m, const struct snapshot *s);

#endif
