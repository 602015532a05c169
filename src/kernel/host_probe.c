// SPDX-License-Identifier: GPL-2.0
/* The exposure report's facts from /proc, /sys and the kernel config. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <zlib.h>
#include "kernel/host_debugfs.h"
#include "kernel/host_probe.h"
#include "kernel/host_symbols.h"

/* The first line of a small file, without its newline; 0 or -errno. */
static int first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int err;

	if (!f)
		return -errno;
	buf[0] = '\0';
	err = fgets(buf, len, f) ? 0 : ferror(f) ? -EIO : 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

/* A number-like setting: its value, "absent" where the file is not, or unknown. */
static void setting(struct host_facts *h, enum hf_id id, const char *path)
{
	char v[160];
	int err = first_line(path, v, sizeof(v));

	if (!err)
		hf_set(h, id, v, "%s", path);
	else if (err == -ENOENT)
		hf_set(h, id, "absent", "%s", path);
	else
		hf_unknown(h, id, "%s: %s", path, strerror(-err));
}

static void release(struct host_facts *h)
{
	struct utsname u;

	setting(h, HF_RELEASE, "/proc/sys/kernel/osrelease");
	setting(h, HF_UNAME_VERSION, "/proc/sys/kernel/version");
	if (!h->f[HF_RELEASE].known && !uname(&u)) {
		hf_set(h, HF_RELEASE, u.release, "uname(2)");
		hf_set(h, HF_UNAME_VERSION, u.version, "uname(2)");
	}
}

static void cmdline(struct host_facts *h)
{
	char line[4096], *save = NULL;
	const char *path = "/proc/cmdline";
	int err = first_line(path, line, sizeof(line));

	if (err) {
		hf_unknown(h, HF_CMDLINE_PREEMPT, "%s: %s", path, strerror(-err));
		return;
	}
	hf_set(h, HF_CMDLINE_PREEMPT, "unset", "%s", path);
	for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!strncmp(w, "preempt=", 8))
			hf_set(h, HF_CMDLINE_PREEMPT, w + 8, "%s", path);
		else if (!strcmp(w, "--"))
			break;	/* the rest is init's */
}

static const struct { const char *option; enum hf_id id; } config_options[] = {
	{ "DEVICE_PRIVATE", HF_CFG_DEVICE_PRIVATE },
	{ "HMM_MIRROR", HF_CFG_HMM_MIRROR },
	{ "PREEMPT_DYNAMIC", HF_CFG_PREEMPT_DYNAMIC },
	{ "RT_GROUP_SCHED", HF_CFG_RT_GROUP_SCHED },
	{ "WQ_WATCHDOG", HF_CFG_WQ_WATCHDOG },
	{ "WQ_CPU_INTENSIVE_REPORT", HF_CFG_WQ_CPU_INTENSIVE_REPORT },
	{ "SOFTLOCKUP_DETECTOR", HF_CFG_SOFTLOCKUP_DETECTOR },
	{ "DETECT_HUNG_TASK", HF_CFG_DETECT_HUNG_TASK },
};

/* The preemption model's option, strongest first (PREEMPT_RT comes with PREEMPT). */
static const struct { const char *option, *model; } preempt_options[] = {
	{ "PREEMPT_RT", "rt" }, { "PREEMPT_LAZY", "lazy" }, { "PREEMPT", "full" },
	{ "PREEMPT_VOLUNTARY", "voluntary" }, { "PREEMPT_NONE", "none" },
};

/* "CONFIG_X=y" -> option "X" set to "y"; comment lines say "is not set". */
static void config_line(const char *line, const char *path, struct host_facts *h, int *preempt)
{
	const char *eq;
	size_t n;

	if (strncmp(line, "CONFIG_", 7) || !(eq = strchr(line, '=')))
		return;
	line += 7;
	n = eq - line;
	for (size_t i = 0; i < sizeof(config_options) / sizeof(config_options[0]); i++)
		if (strlen(config_options[i].option) == n &&
		    !strncmp(line, config_options[i].option, n))
			hf_set(h, config_options[i].id, eq[1] == 'y' ? "y" : eq[1] == 'm' ? "m" : "n",
			       "%s", path);
	for (int i = 0; i < (int)(sizeof(preempt_options) / sizeof(preempt_options[0])); i++)
		if (strlen(preempt_options[i].option) == n && eq[1] == 'y' &&
		    !strncmp(line, preempt_options[i].option, n) && i < *preempt)
			*preempt = i;
}

/* /proc/config.gz, else /boot/config-RELEASE; an option not set there is "n". */
static void config(struct host_facts *h)
{
	const char *rel = hf_get(h, HF_RELEASE);
	int npre = sizeof(preempt_options) / sizeof(preempt_options[0]), preempt = npre;
	char boot[300], line[512], why[600];
	const char *path = "/proc/config.gz";
	gzFile gz = gzopen(path, "rb");	/* reads a plain file too */

	if (!gz) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno ? errno : ENOENT));
		snprintf(boot, sizeof(boot), "/boot/config-%s", rel ? rel : "?");
		path = boot;
		gz = gzopen(path, "rb");
	}
	if (!gz) {
		for (size_t i = 0; i < sizeof(config_options) / sizeof(config_options[0]); i++)
			hf_unknown(h, config_options[i].id, "no kernel config: %s; %s: %s", why,
				   boot, strerror(errno ? errno : ENOENT));
		hf_unknown(h, HF_CFG_PREEMPT, "%s", h->f[HF_CFG_DEVICE_PRIVATE].source);
		return;
	}
	for (size_t i = 0; i < sizeof(config_options) / sizeof(config_options[0]); i++)
		hf_set(h, config_options[i].id, "n", "%s", path);
	while (gzgets(gz, line, sizeof(line)))
		config_line(line, path, h, &preempt);
	gzclose(gz);
	if (preempt < npre)
		hf_set(h, HF_CFG_PREEMPT, preempt_options[preempt].model, "%s: CONFIG_%s=y", path,
		       preempt_options[preempt].option);
	else
		hf_unknown(h, HF_CFG_PREEMPT, "%s: no CONFIG_PREEMPT* option set", path);
}

/* A driver that can make device-private memory: loaded, built in, or absent. */
static void module(struct host_facts *h, enum hf_id id, const char *name)
{
	char path[128], init[160];
	struct stat st;

	if (stat("/sys/module", &st)) {
		hf_unknown(h, id, "/sys/module: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (stat(path, &st)) {
		hf_set(h, id, "absent", "/sys/module");
		return;
	}
	snprintf(init, sizeof(init), "%s/initstate", path);
	hf_set(h, id, stat(init, &st) ? "built-in" : "loaded", "%s", path);
}

static void modules(struct host_facts *h)
{
	const char *uvm = "/sys/module/nvidia_uvm/parameters/uvm_disable_hmm";

	module(h, HF_MOD_NVIDIA_UVM, "nvidia_uvm");
	module(h, HF_MOD_AMDGPU, "amdgpu");
	module(h, HF_MOD_XE, "xe");
	module(h, HF_MOD_NOUVEAU, "nouveau");
	module(h, HF_MOD_TEST_HMM, "test_hmm");
	if (hf_get(h, HF_MOD_NVIDIA_UVM) && !strcmp(hf_get(h, HF_MOD_NVIDIA_UVM), "absent"))
		hf_set(h, HF_PARAM_UVM_DISABLE_HMM, "not loaded", "/sys/module");
	else
		setting(h, HF_PARAM_UVM_DISABLE_HMM, uvm);
}

static void sysctls(struct host_facts *h)
{
	static const struct { enum hf_id id; const char *path; } files[] = {
		{ HF_RT_RUNTIME_US, "/proc/sys/kernel/sched_rt_runtime_us" },
		{ HF_RT_PERIOD_US, "/proc/sys/kernel/sched_rt_period_us" },
		{ HF_WQ_WATCHDOG_THRESH, "/sys/module/workqueue/parameters/watchdog_thresh" },
		{ HF_WQ_CPU_INTENSIVE_US, "/sys/module/workqueue/parameters/cpu_intensive_thresh_us" },
		{ HF_WATCHDOG, "/proc/sys/kernel/watchdog" },
		{ HF_SOFT_WATCHDOG, "/proc/sys/kernel/soft_watchdog" },
		{ HF_WATCHDOG_THRESH, "/proc/sys/kernel/watchdog_thresh" },
		{ HF_SOFTLOCKUP_PANIC, "/proc/sys/kernel/softlockup_panic" },
		{ HF_HUNG_TASK_TIMEOUT, "/proc/sys/kernel/hung_task_timeout_secs" },
		{ HF_HUNG_TASK_PANIC, "/proc/sys/kernel/hung_task_panic" },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		setting(h, files[i].id, files[i].path);
}

static void stalld(struct host_facts *h)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[300], comm[64];

	if (!d) {
		hf_unknown(h, HF_STALLD, "/proc: %s", strerror(errno));
		return;
	}
	hf_set(h, HF_STALLD, "not running", "/proc/*/comm");
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if (!first_line(path, comm, sizeof(comm)) && !strcmp(comm, "stalld")) {
			hf_set(h, HF_STALLD, "running", "%s", path);
			break;
		}
	}
	closedir(d);
}

void host_probe(struct host_facts *h)
{
	hf_init(h);
	release(h);
	cmdline(h);
	config(h);
	host_symbols(h);
	modules(h);
	sysctls(h);
	host_debugfs(h);
	stalld(h);
}
