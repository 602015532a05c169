/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the exposure report read about a host: one raw fact per id, each with
 * where it was read (a path, with a detail) or, when it could not be read,
 * why. Gathered by kernel/host_probe.c on a live host, or parsed from a
 * facts file (migtrace exposure --facts / --from, tests/data/exposure/).
 */
#ifndef MIGTRACE_HOST_FACTS_H
#define MIGTRACE_HOST_FACTS_H

#include <stdbool.h>

enum hf_id {
	HF_RELEASE,			/* uname -r */
	HF_UNAME_VERSION,		/* uname -v: "#1 SMP PREEMPT_DYNAMIC ..." */
	HF_CMDLINE_PREEMPT,		/* preempt= on the kernel command line, or "unset" */
	HF_CFG_DEVICE_PRIVATE,		/* config values: y, m or n */
	HF_CFG_HMM_MIRROR,
	HF_CFG_PREEMPT,			/* none, voluntary, full, lazy or rt */
	HF_CFG_PREEMPT_DYNAMIC,
	HF_CFG_RT_GROUP_SCHED,
	HF_CFG_WQ_WATCHDOG,
	HF_CFG_WQ_CPU_INTENSIVE_REPORT,
	HF_CFG_SOFTLOCKUP_DETECTOR,
	HF_CFG_DETECT_HUNG_TASK,
	HF_DEBUGFS_PREEMPT,		/* sched/preempt: "none (voluntary) full" */
	HF_FAIR_SERVER,			/* "cpu0=RUNTIME/PERIOD ..." in ns, or "absent" */
	HF_SYM_SOFTLEAF_WAIT,		/* symbols: present or absent */
	HF_SYM_MIGRATION_WAIT,
	HF_SYM_FINALIZE,
	HF_SYM_DEVICE_EXCLUSIVE,
	HF_SYM_HMM_RANGE_FAULT,
	HF_MOD_NVIDIA_UVM,		/* modules: loaded, built-in or absent */
	HF_PARAM_UVM_DISABLE_HMM,	/* Y, N or "not loaded" */
	HF_MOD_AMDGPU,
	HF_MOD_XE,
	HF_MOD_NOUVEAU,
	HF_MOD_TEST_HMM,
	HF_RT_RUNTIME_US,		/* numbers, or "absent" where the file is */
	HF_RT_PERIOD_US,
	HF_WQ_WATCHDOG_THRESH,
	HF_WQ_CPU_INTENSIVE_US,
	HF_WATCHDOG,
	HF_SOFT_WATCHDOG,
	HF_WATCHDOG_THRESH,
	HF_SOFTLOCKUP_PANIC,
	HF_HUNG_TASK_TIMEOUT,
	HF_HUNG_TASK_PANIC,
	HF_STALLD,			/* running or not running */
	HF_MAX
};

struct hf_value {
	bool known;
	char value[160];
	char source[240];	/* where it was read; why not, when !known */
};

struct host_facts {
	struct hf_value f[HF_MAX];
};

/* The name of each fact in a facts file and in JSON ("config.DEVICE_PRIVATE"). */
extern const char *const hf_names[HF_MAX];

/* The id of a name, or -1. */
int hf_lookup(const char *name);

/* Every fact unknown, "not read". */
void hf_init(struct host_facts *h);
void hf_set(struct host_facts *h, enum hf_id id, const char *value, const char *source_fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hf_unknown(struct host_facts *h, enum hf_id id, const char *why_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of a known fact, NULL when unknown. */
const char *hf_get(const struct host_facts *h, enum hf_id id);

#endif
