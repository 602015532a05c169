/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The facts that decide exposure, derived from raw host facts, each with its
 * source or, unknown, why; where symbols cannot tell whether the trylock or
 * the fix is in, the release decides by the table in exposure_facts.c.
 */
#ifndef MIGTRACE_EXPOSURE_FACTS_H
#define MIGTRACE_EXPOSURE_FACTS_H

#include "model/host_facts.h"

enum tri { TRI_UNKNOWN, TRI_NO, TRI_YES };

enum preempt_model {
	PM_UNKNOWN, PM_NONE, PM_VOLUNTARY, PM_NONE_OR_VOLUNTARY, PM_FULL, PM_LAZY, PM_RT,
};

/* The facts that decide exposure; state says yes/no for each (see exposure_facts.c). */
enum ex_id {
	EX_RELEASE,
	EX_DEVICE_PRIVATE,	/* device-private pages can exist */
	EX_HMM_MIRROR,		/* hmm_range_fault() exists */
	EX_PREEMPT,		/* yes: kernel code is preempted (full, lazy, rt) */
	EX_TRYLOCK,		/* 1afaeb8293c9 */
	EX_FIX,			/* b570f37a2ce4 */
	EX_HMM_USERS,		/* yes: a driver that makes device-private memory is loaded */
	EX_RT_THROTTLE,		/* yes: RT throttling bounds an RT task's run */
	EX_FAIR_SERVER,		/* yes: on, runtime > 0, on every CPU */
	EX_STALLD,
	EX_WQ_HOG,		/* yes: CPU-hogging work items are marked CPU_INTENSIVE */
	EX_WQ_WATCHDOG,
	EX_SOFTLOCKUP,
	EX_HUNG_TASK,
	EX_MAX
};

struct ex_fact {
	enum tri state;
	char value[96];
	char source[640];	/* where from, or why unknown */
};

struct ex_facts {
	struct ex_fact f[EX_MAX];
	enum preempt_model preempt;
	unsigned int release_kv;	/* KV(major, minor, sublevel), 0 unknown */
};

#define KV(a, b, c) (((a) << 16) | ((b) << 8) | ((c) > 255 ? 255 : (c)))

extern const char *const ex_names[EX_MAX];	/* JSON names */
extern const char *const ex_labels[EX_MAX];	/* text labels */
extern const char *const preempt_names[];
/* The release table used where symbols cannot tell, NULL-terminated. */
extern const char *const exposure_version_table[];

/* "6.18.44-fc" -> KV(6, 18, 44); 0 when it does not start with N.N. */
unsigned int release_kv(const char *release);

/* The model marked "(x)" in debugfs sched/preempt; PM_UNKNOWN if none. */
enum preempt_model preempt_from_debugfs(const char *line);

void exposure_derive(const struct host_facts *h, struct ex_facts *e);

#endif
