// SPDX-License-Identifier: GPL-2.0
/*
 * From raw host facts to the facts that decide exposure, each with its
 * source. Where symbols cannot tell whether the trylock (1afaeb8293c9) or
 * the fix (b570f37a2ce4) is in a kernel, the release decides, by the table
 * below, and the source says so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/exposure_facts.h"

const char *const ex_names[EX_MAX] = {
	"release", "device_private", "hmm_mirror", "preemption", "trylock", "fix",
	"hmm_users", "rt_throttling", "fair_server", "stalld", "wq_cpu_hog_detection",
	"wq_watchdog", "softlockup_watchdog", "hung_task_watchdog",
};

const char *const ex_labels[EX_MAX] = {
	"kernel release", "CONFIG_DEVICE_PRIVATE", "CONFIG_HMM_MIRROR", "preemption",
	"trylock 1afaeb8293c9", "fix b570f37a2ce4", "HMM users loaded", "RT throttling",
	"fair server", "stalld", "workqueue CPU-hog", "workqueue watchdog",
	"softlockup watchdog", "hung-task watchdog",
};

const char *const preempt_names[] = {
	[PM_UNKNOWN] = "unknown", [PM_NONE] = "none", [PM_VOLUNTARY] = "voluntary",
	[PM_NONE_OR_VOLUNTARY] = "none or voluntary", [PM_FULL] = "full",
	[PM_LAZY] = "lazy", [PM_RT] = "rt",
};

const char *const exposure_version_table[] = {
	"1afaeb8293c9 (trylock in do_swap_page): mainline v6.15; not in 6.12.y up to "
	"6.12.118 (the lab's stock kernel)",
	"b570f37a2ce4 (the fix): mainline v7.0; 6.19.9 and 6.18.19 (stable review of "
	"2026-03-17, tagged for v6.15+); no 6.15.y-6.17.y backport is known",
	"symbols: with the fix, v7.0 and 6.19.y rename migration_entry_wait_on_locked to "
	"softleaf_entry_wait_on_locked; the 6.18.y backport keeps the old name, as any "
	"backport to an older tree would; 1afaeb8293c9 adds the static "
	"__migrate_device_finalize (not seen where it is inlined)",
	"distribution kernels may carry either change without their release showing it",
	NULL,
};

unsigned int release_kv(const char *release)
{
	unsigned long v[3] = { 0, 0, 0 };
	const char *p = release;
	char *end;

	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return i < 2 ? 0 : KV(v[0], v[1], 0);
		v[i] = strtoul(p, &end, 10);
		p = end;
		if (*p != '.')
			return i < 1 ? 0 : KV(v[0], v[1], v[2]);
		p++;
	}
	return KV(v[0], v[1], v[2]);
}

static enum preempt_model preempt_word(const char *w, size_t len)
{
	static const struct { const char *name; enum preempt_model pm; } words[] = {
		{ "none", PM_NONE }, { "voluntary", PM_VOLUNTARY }, { "full", PM_FULL },
		{ "lazy", PM_LAZY }, { "rt", PM_RT },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].name) == len && !strncmp(w, words[i].name, len))
			return words[i].pm;
	return PM_UNKNOWN;
}

enum preempt_model preempt_from_debugfs(const char *line)
{
	const char *open = strchr(line, '('), *close = open ? strchr(open, ')') : NULL;

	return close ? preempt_word(open + 1, close - open - 1) : PM_UNKNOWN;
}

static void fact(struct ex_facts *e, enum ex_id id, enum tri st, const char *value,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void fact(struct ex_facts *e, enum ex_id id, enum tri st, const char *value,
		 const char *fmt, ...)
{
	struct ex_fact *f = &e->f[id];
	va_list ap;

	f->state = st;
	snprintf(f->value, sizeof(f->value), "%s", value);
	va_start(ap, fmt);
	vsnprintf(f->source, sizeof(f->source), fmt, ap);
	va_end(ap);
}

static const char *raw(const struct host_facts *h, enum hf_id id)
{
	return hf_get(h, id);
}

static const char *src(const struct host_facts *h, enum hf_id id)
{
	return h->f[id].source;
}

static bool is(const struct host_facts *h, enum hf_id id, const char *v)
{
	return raw(h, id) && !strcmp(raw(h, id), v);
}

/* present -> yes, absent -> no, not readable -> unknown */
static enum tri sym(const struct host_facts *h, enum hf_id id)
{
	return !raw(h, id) ? TRI_UNKNOWN : is(h, id, "present") ? TRI_YES : TRI_NO;
}

/* A config option, else a symbol that is built only with it. */
static void config_or_symbol(const struct host_facts *h, struct ex_facts *e, enum ex_id id,
			     enum hf_id cfg, const char *option, enum hf_id symbol,
			     const char *symname)
{
	const char *v = raw(h, cfg);

	if (v)
		fact(e, id, strcmp(v, "n") ? TRI_YES : TRI_NO, strcmp(v, "n") ? "yes" : "no",
		     "%s: CONFIG_%s=%s", src(h, cfg), option, v);
	else if (sym(h, symbol) != TRI_UNKNOWN)
		fact(e, id, sym(h, symbol), sym(h, symbol) == TRI_YES ? "yes" : "no",
		     "%s: %s %s (built only with CONFIG_%s); no config: %s", src(h, symbol),
		     symname, raw(h, symbol), option, src(h, cfg));
	else
		fact(e, id, TRI_UNKNOWN, "unknown", "no config (%s) and no symbols (%s)",
		     src(h, cfg), src(h, symbol));
}

static enum preempt_model preempt_from_uname(const char *v)
{
	bool dynamic = false, preempt = false;
	char buf[160], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strcmp(w, "PREEMPT_RT"))
			return PM_RT;
		dynamic |= !strcmp(w, "PREEMPT_DYNAMIC");
		preempt |= !strcmp(w, "PREEMPT") || !strcmp(w, "PREEMPT_LAZY");
	}
	return dynamic ? PM_UNKNOWN : preempt ? PM_FULL : PM_NONE_OR_VOLUNTARY;
}

/* sched/preempt in debugfs, then preempt= with PREEMPT_DYNAMIC, then config, then uname -v. */
static void derive_preempt(const struct host_facts *h, struct ex_facts *e)
{
	const char *d = raw(h, HF_DEBUGFS_PREEMPT), *cmd = raw(h, HF_CMDLINE_PREEMPT);
	const char *cfg = raw(h, HF_CFG_PREEMPT), *un = raw(h, HF_UNAME_VERSION);
	bool dynamic = is(h, HF_CFG_PREEMPT_DYNAMIC, "y");
	enum preempt_model pm = d ? preempt_from_debugfs(d) : PM_UNKNOWN;
	char why[1024];

	snprintf(why, sizeof(why), "%s", src(h, HF_DEBUGFS_PREEMPT));
	if (pm != PM_UNKNOWN) {
		snprintf(why, sizeof(why), "%s: %s", src(h, HF_DEBUGFS_PREEMPT), d);
	} else if (dynamic && cmd && strcmp(cmd, "unset") &&
		   (pm = preempt_word(cmd, strlen(cmd))) != PM_UNKNOWN) {
		snprintf(why, sizeof(why), "%s: preempt=%s with PREEMPT_DYNAMIC; debugfs: %s",
			 src(h, HF_CMDLINE_PREEMPT), cmd, src(h, HF_DEBUGFS_PREEMPT));
	} else if (cfg && (pm = preempt_word(cfg, strlen(cfg))) != PM_UNKNOWN) {
		if (dynamic)
			snprintf(why, sizeof(why), "%s: the PREEMPT_DYNAMIC boot default (no "
				 "preempt= in %s); a change through debugfs after boot is not "
				 "seen: %s", src(h, HF_CFG_PREEMPT), src(h, HF_CMDLINE_PREEMPT),
				 src(h, HF_DEBUGFS_PREEMPT));
		else
			snprintf(why, sizeof(why), "%s", src(h, HF_CFG_PREEMPT));
	} else if (un && (pm = preempt_from_uname(un)) != PM_UNKNOWN) {
		snprintf(why, sizeof(why), "%s: \"%s\" (no config: %s)", src(h, HF_UNAME_VERSION),
			 un, src(h, HF_CFG_PREEMPT));
	} else {
		snprintf(why, sizeof(why), "debugfs: %s; config: %s; uname -v: %s",
			 src(h, HF_DEBUGFS_PREEMPT), src(h, HF_CFG_PREEMPT),
			 un ? "PREEMPT_DYNAMIC, which hides the mode" : src(h, HF_UNAME_VERSION));
	}
	e->preempt = pm;
	fact(e, EX_PREEMPT, pm == PM_UNKNOWN ? TRI_UNKNOWN :
	     (pm == PM_FULL || pm == PM_LAZY || pm == PM_RT) ? TRI_YES : TRI_NO,
	     preempt_names[pm], "%s", why);
}

static void derive_fix(const struct host_facts *h, struct ex_facts *e)
{
	enum tri soft = sym(h, HF_SYM_SOFTLEAF_WAIT), mig = sym(h, HF_SYM_MIGRATION_WAIT);
	const char *rel = e->f[EX_RELEASE].value, *ss = src(h, HF_SYM_SOFTLEAF_WAIT);
	unsigned int kv = e->release_kv;
	bool renamed = kv >= KV(7, 0, 0) || (kv >= KV(6, 19, 9) && kv < KV(6, 20, 0));

	if (soft == TRI_YES)
		fact(e, EX_FIX, TRI_YES, "yes", "%s: softleaf_entry_wait_on_locked, the name "
		     "b570f37a2ce4 gives migration_entry_wait_on_locked (v7.0, 6.19.9+)", ss);
	else if (!kv)
		fact(e, EX_FIX, TRI_UNKNOWN, "unknown", "no softleaf_entry_wait_on_locked (%s) "
		     "and release \"%s\" not understood", ss, rel);
	else if (renamed && soft == TRI_NO && mig == TRI_YES)
		fact(e, EX_FIX, TRI_NO, "no", "%s: migration_entry_wait_on_locked, no "
		     "softleaf_entry_wait_on_locked: release %s has the fix upstream, this "
		     "build does not", ss, rel);
	else if (renamed && soft == TRI_NO)
		fact(e, EX_FIX, TRI_UNKNOWN, "unknown", "%s: neither wait function "
		     "(CONFIG_MIGRATION off?)", ss);
	else if (renamed)
		fact(e, EX_FIX, TRI_YES, "yes", "release %s has it (version table); symbols "
		     "not readable: %s", rel, ss);
	else if (kv >= KV(6, 18, 19) && kv < KV(6, 19, 0))
		fact(e, EX_FIX, TRI_YES, "yes", "release %s >= 6.18.19 (version table); "
		     "symbols cannot tell: the 6.18.y backport keeps "
		     "migration_entry_wait_on_locked", rel);
	else if (kv < KV(6, 15, 0) && sym(h, HF_SYM_FINALIZE) == TRI_YES)
		fact(e, EX_FIX, TRI_UNKNOWN, "unknown", "this kernel carries 1afaeb8293c9 "
		     "(%s: __migrate_device_finalize), which release %s does not have "
		     "upstream, so the release does not describe it; a backport of the fix "
		     "to it keeps migration_entry_wait_on_locked, so the symbols cannot tell "
		     "either", src(h, HF_SYM_FINALIZE), rel);
	else
		fact(e, EX_FIX, TRI_NO, "no", "release %s: not in it upstream (version "
		     "table); symbols cannot tell a backport that keeps "
		     "migration_entry_wait_on_locked", rel);
}

static void derive_trylock(const struct host_facts *h, struct ex_facts *e)
{
	enum tri fin = sym(h, HF_SYM_FINALIZE);
	const char *rel = e->f[EX_RELEASE].value, *fs = src(h, HF_SYM_FINALIZE);
	unsigned int kv = e->release_kv;

	if (fin == TRI_YES)
		fact(e, EX_TRYLOCK, TRI_YES, "yes", "%s: __migrate_device_finalize, added by "
		     "1afaeb8293c9", fs);
	else if (e->f[EX_FIX].state == TRI_YES)
		fact(e, EX_TRYLOCK, TRI_YES, "yes", "the fix (below) changes what a failed "
		     "trylock does, so the trylock is there");
	else if (!kv)
		fact(e, EX_TRYLOCK, TRI_UNKNOWN, "unknown", "no __migrate_device_finalize "
		     "(%s) and release \"%s\" not understood", fs, rel);
	else if (kv >= KV(6, 15, 0))
		fact(e, EX_TRYLOCK, TRI_YES, "yes", "release %s >= 6.15 (version table)%s%s",
		     rel, fin == TRI_NO ? "; __migrate_device_finalize inlined: " : "",
		     fin == TRI_NO ? fs : "");
	else
		fact(e, EX_TRYLOCK, TRI_NO, "no", "release %s < 6.15 (version table); %s%s",
		     rel, fin == TRI_NO ? "no __migrate_device_finalize in " :
		     "symbols not readable: ", fs);
}

static void derive_users(const struct host_facts *h, struct ex_facts *e)
{
	static const struct { enum hf_id id; const char *name; } drivers[] = {
		{ HF_MOD_NVIDIA_UVM, "nvidia_uvm" }, { HF_MOD_AMDGPU, "amdgpu" },
		{ HF_MOD_XE, "xe" }, { HF_MOD_NOUVEAU, "nouveau" },
		{ HF_MOD_TEST_HMM, "test_hmm" },
	};
	char list[96] = "", note[320] = "";
	bool unknown = false;
	size_t off = 0;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		const char *v = raw(h, drivers[i].id);

		if (!v) {
			unknown = true;
			continue;
		}
		if (!strcmp(v, "absent"))
			continue;
		if (drivers[i].id == HF_MOD_NVIDIA_UVM && is(h, HF_PARAM_UVM_DISABLE_HMM, "Y")) {
			snprintf(note, sizeof(note), "; nvidia_uvm has uvm_disable_hmm=Y (%s)",
				 src(h, HF_PARAM_UVM_DISABLE_HMM));
			continue;
		}
		off += snprintf(list + off, off < sizeof(list) ? sizeof(list) - off : 0,
				"%s%s", off ? ", " : "", drivers[i].name);
	}
	if (off)
		fact(e, EX_HMM_USERS, TRI_YES, list, "%s%s", src(h, HF_MOD_NVIDIA_UVM), note);
	else if (unknown)
		fact(e, EX_HMM_USERS, TRI_UNKNOWN, "unknown", "%s", src(h, HF_MOD_NVIDIA_UVM));
	else
		fact(e, EX_HMM_USERS, TRI_NO, "none", "%s (nvidia_uvm with HMM, amdgpu, xe, "
		     "nouveau, test_hmm)%s", src(h, HF_MOD_NVIDIA_UVM), note);
}

static void derive_rt_throttle(const struct host_facts *h, struct ex_facts *e)
{
	const char *rt = raw(h, HF_RT_RUNTIME_US), *per = raw(h, HF_RT_PERIOD_US);
	const char *grp = raw(h, HF_CFG_RT_GROUP_SCHED);

	if (!rt || !strcmp(rt, "absent"))
		fact(e, EX_RT_THROTTLE, TRI_UNKNOWN, "unknown", "%s", src(h, HF_RT_RUNTIME_US));
	else if (!strcmp(rt, "-1"))
		fact(e, EX_RT_THROTTLE, TRI_NO, "off", "%s: sched_rt_runtime_us=-1",
		     src(h, HF_RT_RUNTIME_US));
	else if (e->release_kv >= KV(6, 12, 0) && !grp)
		fact(e, EX_RT_THROTTLE, TRI_UNKNOWN, "unknown", "sched_rt_runtime_us=%s, but "
		     "from 6.12 it throttles only with CONFIG_RT_GROUP_SCHED: %s", rt,
		     src(h, HF_CFG_RT_GROUP_SCHED));
	else if (e->release_kv >= KV(6, 12, 0) && !strcmp(grp, "n"))
		fact(e, EX_RT_THROTTLE, TRI_NO, "none", "sched_rt_runtime_us=%s does not "
		     "throttle: from 6.12 only CONFIG_RT_GROUP_SCHED does (%s: off); the fair "
		     "server took its place", rt, src(h, HF_CFG_RT_GROUP_SCHED));
	else {
		char value[96];

		snprintf(value, sizeof(value), "on, %lu ms per %lu ms", strtoul(rt, NULL, 10) / 1000,
			 strtoul(per ? per : "1000000", NULL, 10) / 1000);
		fact(e, EX_RT_THROTTLE, TRI_YES, value, "%s, %s", src(h, HF_RT_RUNTIME_US),
		     src(h, HF_RT_PERIOD_US));
	}
}

static void derive_fair_server(const struct host_facts *h, struct ex_facts *e)
{
	const char *fs = raw(h, HF_FAIR_SERVER);
	unsigned long long rt_min = ~0ULL, per = 0;
	char off[96] = "", buf[512], *save = NULL, value[96];
	int cpus = 0, zero = 0;
	size_t o = 0;

	if (!fs || !strcmp(fs, "absent")) {
		if (e->release_kv && e->release_kv < KV(6, 12, 0))
			fact(e, EX_FAIR_SERVER, TRI_NO, "none", "added in 6.12; release %s",
			     e->f[EX_RELEASE].value);
		else
			fact(e, EX_FAIR_SERVER, TRI_UNKNOWN, "unknown", "runtime not readable "
			     "(%s); 6.12+ starts it at 50 ms per 1 s", fs ? "no sched/fair_server "
			     "in debugfs" : src(h, HF_FAIR_SERVER));
		return;
	}
	snprintf(buf, sizeof(buf), "%s", fs);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		unsigned long long r = 0, p = 0;
		int cpu;

		if (sscanf(w, "cpu%d=%llu/%llu", &cpu, &r, &p) < 2)
			continue;
		cpus++;
		if (r < rt_min)
			rt_min = r, per = p;
		if (!r) {
			zero++;
			o += snprintf(off + o, o < sizeof(off) ? sizeof(off) - o : 0, "%s%d",
				      o ? "," : "", cpu);
		}
	}
	if (!cpus)
		fact(e, EX_FAIR_SERVER, TRI_UNKNOWN, "unknown", "%s: \"%s\" not understood",
		     src(h, HF_FAIR_SERVER), fs);
	else if (zero) {
		snprintf(value, sizeof(value), "off on CPU %s", off);
		fact(e, EX_FAIR_SERVER, TRI_NO, value, "%s: runtime 0 on %d of %d CPUs",
		     src(h, HF_FAIR_SERVER), zero, cpus);
	} else {
		snprintf(value, sizeof(value), "on, %llu ms per %llu ms", rt_min / 1000000,
			 per / 1000000);
		fact(e, EX_FAIR_SERVER, TRI_YES, value, "%s: smallest runtime of %d CPUs",
		     src(h, HF_FAIR_SERVER), cpus);
	}
}

/* A watchdog: off by config (cfg HF_MAX: none), off by a zero setting, or on with a threshold. */
static void watchdog(const struct host_facts *h, struct ex_facts *e, enum ex_id id,
		     enum hf_id cfg, enum hf_id knob, const char *on_fmt, unsigned long mult)
{
	const char *c = cfg < HF_MAX ? raw(h, cfg) : NULL, *k = raw(h, knob);
	char value[96];

	if (c && !strcmp(c, "n"))
		fact(e, id, TRI_NO, "off", "%s: not built", src(h, cfg));
	else if (!k)
		fact(e, id, TRI_UNKNOWN, "unknown", "%s", src(h, knob));
	else if (!strcmp(k, "absent") || !strcmp(k, "0"))
		fact(e, id, TRI_NO, strcmp(k, "0") ? "none" : "off", "%s: %s", src(h, knob), k);
	else {
		snprintf(value, sizeof(value), on_fmt, strtoul(k, NULL, 10) * mult);
		fact(e, id, TRI_YES, value, "%s", src(h, knob));
	}
}

static void append(struct ex_fact *f, const char *s)
{
	strncat(f->value, s, sizeof(f->value) - strlen(f->value) - 1);
}

static void derive_watchdogs(const struct host_facts *h, struct ex_facts *e)
{
	const char *wd = raw(h, HF_WATCHDOG), *soft = raw(h, HF_SOFT_WATCHDOG);

	/* Since 6.5 (its parameter's presence); the config only decides the log line. */
	watchdog(h, e, EX_WQ_HOG, HF_MAX, HF_WQ_CPU_INTENSIVE_US, "on, after %lu us", 1);
	if (e->f[EX_WQ_HOG].state == TRI_YES && is(h, HF_CFG_WQ_CPU_INTENSIVE_REPORT, "y"))
		append(&e->f[EX_WQ_HOG], ", logs \"hogged CPU\"");
	watchdog(h, e, EX_WQ_WATCHDOG, HF_CFG_WQ_WATCHDOG, HF_WQ_WATCHDOG_THRESH,
		 "on, after %lu s", 1);
	if ((wd && !strcmp(wd, "0")) || (soft && !strcmp(soft, "0")))
		fact(e, EX_SOFTLOCKUP, TRI_NO, "off", "%s: %s, %s: %s", src(h, HF_WATCHDOG),
		     wd ? wd : "?", src(h, HF_SOFT_WATCHDOG), soft ? soft : "?");
	else	/* reported after twice watchdog_thresh (kernel/watchdog.c) */
		watchdog(h, e, EX_SOFTLOCKUP, HF_CFG_SOFTLOCKUP_DETECTOR, HF_WATCHDOG_THRESH,
			 "on, after %lu s", 2);
	if (e->f[EX_SOFTLOCKUP].state == TRI_YES && raw(h, HF_SOFTLOCKUP_PANIC) &&
	    strcmp(raw(h, HF_SOFTLOCKUP_PANIC), "0"))
		append(&e->f[EX_SOFTLOCKUP], ", then panic");
	watchdog(h, e, EX_HUNG_TASK, HF_CFG_DETECT_HUNG_TASK, HF_HUNG_TASK_TIMEOUT,
		 "on, after %lu s", 1);
	if (e->f[EX_HUNG_TASK].state == TRI_YES && raw(h, HF_HUNG_TASK_PANIC) &&
	    strcmp(raw(h, HF_HUNG_TASK_PANIC), "0"))
		append(&e->f[EX_HUNG_TASK], ", then panic");
}

void exposure_derive(const struct host_facts *h, struct ex_facts *e)
{
	const char *rel = raw(h, HF_RELEASE);

	memset(e, 0, sizeof(*e));
	e->release_kv = rel ? release_kv(rel) : 0;
	if (rel)
		fact(e, EX_RELEASE, TRI_YES, rel, "%s", src(h, HF_RELEASE));
	else
		fact(e, EX_RELEASE, TRI_UNKNOWN, "unknown", "%s", src(h, HF_RELEASE));
	config_or_symbol(h, e, EX_DEVICE_PRIVATE, HF_CFG_DEVICE_PRIVATE, "DEVICE_PRIVATE",
			 HF_SYM_DEVICE_EXCLUSIVE, "make_device_exclusive");
	config_or_symbol(h, e, EX_HMM_MIRROR, HF_CFG_HMM_MIRROR, "HMM_MIRROR",
			 HF_SYM_HMM_RANGE_FAULT, "hmm_range_fault");
	derive_preempt(h, e);
	derive_fix(h, e);
	derive_trylock(h, e);
	derive_users(h, e);
	derive_rt_throttle(h, e);
	derive_fair_server(h, e);
	fact(e, EX_STALLD, !raw(h, HF_STALLD) ? TRI_UNKNOWN : is(h, HF_STALLD, "running") ?
	     TRI_YES : TRI_NO, raw(h, HF_STALLD) ? raw(h, HF_STALLD) : "unknown", "%s",
	     src(h, HF_STALLD));
	derive_watchdogs(h, e);
}
