/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is this host exposed to the device-private migration livelock? Pure logic:
 * raw host facts (model/host_facts.h) in, the facts that decide it
 * (core/exposure_facts.h) and one verdict per shape of the bug out. No I/O:
 * kernel/host_probe.c gathers, output/exposure_print.c prints.
 */
#ifndef MIGTRACE_EXPOSURE_H
#define MIGTRACE_EXPOSURE_H

#include "core/exposure_facts.h"

enum shape { SHAPE_RT_USER, SHAPE_KERNEL, SHAPE_KWORKER, SHAPE_MAX };
enum verdict { V_NOT_APPLICABLE, V_MITIGATED, V_EXPOSED };

#define EX_LINES 6
#define EX_LINE 400

struct ex_verdict {
	enum verdict host;	/* this host as it is */
	enum verdict kernel;	/* this kernel and settings, with an HMM user loaded */
	int nreasons, nassumed, nreported;
	char reasons[EX_LINES][EX_LINE];
	char assumed[EX_LINES][EX_LINE];	/* unknown facts taken at their worst */
	char reported_by[EX_LINES][EX_LINE];	/* what in the kernel would report it */
};

struct exposure {
	struct ex_facts d;	/* the facts that decide it */
	struct ex_verdict v[SHAPE_MAX];
};

extern const char *const shape_names[SHAPE_MAX];
extern const char *const shape_labels[SHAPE_MAX];
extern const char *const verdict_names[3];

/* Derive the facts (exposure_facts.c), then one verdict per shape. */
void exposure_evaluate(const struct host_facts *h, struct exposure *e);

#endif
