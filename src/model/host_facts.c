// SPDX-License-Identifier: GPL-2.0
/* The names of the raw host facts, and setting them with their source. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "model/host_facts.h"

const char *const hf_names[HF_MAX] = {
	[HF_RELEASE]			= "release",
	[HF_UNAME_VERSION]		= "uname_version",
	[HF_CMDLINE_PREEMPT]		= "cmdline.preempt",
	[HF_CFG_DEVICE_PRIVATE]		= "config.DEVICE_PRIVATE",
	[HF_CFG_HMM_MIRROR]		= "config.HMM_MIRROR",
	[HF_CFG_PREEMPT]		= "config.PREEMPT",
	[HF_CFG_PREEMPT_DYNAMIC]	= "config.PREEMPT_DYNAMIC",
	[HF_CFG_RT_GROUP_SCHED]		= "config.RT_GROUP_SCHED",
	[HF_CFG_WQ_WATCHDOG]		= "config.WQ_WATCHDOG",
	[HF_CFG_WQ_CPU_INTENSIVE_REPORT] = "config.WQ_CPU_INTENSIVE_REPORT",
	[HF_CFG_SOFTLOCKUP_DETECTOR]	= "config.SOFTLOCKUP_DETECTOR",
	[HF_CFG_DETECT_HUNG_TASK]	= "config.DETECT_HUNG_TASK",
	[HF_DEBUGFS_PREEMPT]		= "debugfs.sched_preempt",
	[HF_FAIR_SERVER]		= "debugfs.fair_server",
	[HF_SYM_SOFTLEAF_WAIT]		= "sym.softleaf_entry_wait_on_locked",
	[HF_SYM_MIGRATION_WAIT]		= "sym.migration_entry_wait_on_locked",
	[HF_SYM_FINALIZE]		= "sym.__migrate_device_finalize",
	[HF_SYM_DEVICE_EXCLUSIVE]	= "sym.make_device_exclusive",
	[HF_SYM_HMM_RANGE_FAULT]	= "sym.hmm_range_fault",
	[HF_MOD_NVIDIA_UVM]		= "module.nvidia_uvm",
	[HF_PARAM_UVM_DISABLE_HMM]	= "param.nvidia_uvm.uvm_disable_hmm",
	[HF_MOD_AMDGPU]			= "module.amdgpu",
	[HF_MOD_XE]			= "module.xe",
	[HF_MOD_NOUVEAU]		= "module.nouveau",
	[HF_MOD_TEST_HMM]		= "module.test_hmm",
	[HF_RT_RUNTIME_US]		= "sysctl.sched_rt_runtime_us",
	[HF_RT_PERIOD_US]		= "sysctl.sched_rt_period_us",
	[HF_WQ_WATCHDOG_THRESH]		= "param.workqueue.watchdog_thresh",
	[HF_WQ_CPU_INTENSIVE_US]	= "param.workqueue.cpu_intensive_thresh_us",
	[HF_WATCHDOG]			= "sysctl.watchdog",
	[HF_SOFT_WATCHDOG]		= "sysctl.soft_watchdog",
	[HF_WATCHDOG_THRESH]		= "sysctl.watchdog_thresh",
	[HF_SOFTLOCKUP_PANIC]		= "sysctl.softlockup_panic",
	[HF_HUNG_TASK_TIMEOUT]		= "sysctl.hung_task_timeout_secs",
	[HF_HUNG_TASK_PANIC]		= "sysctl.hung_task_panic",
	[HF_STALLD]			= "process.stalld",
};

int hf_lookup(const char *name)
{
	for (int i = 0; i < HF_MAX; i++)
		if (!strcmp(hf_names[i], name))
			return i;
	return -1;
}

void hf_init(struct host_facts *h)
{
	for (int i = 0; i < HF_MAX; i++) {
		h->f[i].known = false;
		h->f[i].value[0] = '\0';
		snprintf(h->f[i].source, sizeof(h->f[i].source), "not read");
	}
}

void hf_set(struct host_facts *h, enum hf_id id, const char *value, const char *source_fmt, ...)
{
	struct hf_value *v = &h->f[id];
	va_list ap;

	v->known = true;
	snprintf(v->value, sizeof(v->value), "%s", value);
	va_start(ap, source_fmt);
	vsnprintf(v->source, sizeof(v->source), source_fmt, ap);
	va_end(ap);
}

void hf_unknown(struct host_facts *h, enum hf_id id, const char *why_fmt, ...)
{
	struct hf_value *v = &h->f[id];
	va_list ap;

	v->known = false;
	v->value[0] = '\0';
	va_start(ap, why_fmt);
	vsnprintf(v->source, sizeof(v->source), why_fmt, ap);
	va_end(ap);
}

const char *hf_get(const struct host_facts *h, enum hf_id id)
{
	return h->f[id].known ? h->f[id].value : NULL;
}
