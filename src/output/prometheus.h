/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition (format 0.0.4) for node_exporter's textfile
 * collector, written from the metric table (model/metrics.c): counters and
 * histograms from the running total of every interval (snapshot_accumulate),
 * so that counters only grow and histograms carry cumulative _bucket, _sum
 * and _count; gauges from the last interval. Pure logic: no BPF, no files;
 * the daemon writes it with output_replace().
 */
#ifndef MIGTRACE_PROMETHEUS_H
#define MIGTRACE_PROMETHEUS_H

#include <stdio.h>
#include "model/metrics.h"
#include "model/snapshot.h"

/*
 * Histogram buckets: le = 2^PROM_FIRST_SLOT+1 ns (about 1 us) doubling up to
 * the last log2 slot, then +Inf. The first bucket holds every slot below it.
 */
#define PROM_FIRST_SLOT	9

/* The whole exposition: total for counters and histograms, last for gauges. */
void prom_write(FILE *out, const struct snapshot *total, const struct snapshot *last);

/* "migtrace_drain_wait_seconds": a metric's family name (<name>, unit, _total). */
void prom_family_name(char *buf, size_t len, const struct metric_def *m);

/* Write v as a label value between quotes, escaped (\\, \", \n). */
void prom_label_value(FILE *out, const char *v);

#endif
