// SPDX-License-Identifier: GPL-2.0
/*
 * One verdict per shape of the livelock: a task keeps faulting on a
 * device-private folio whose lock is held by a migration waiting in
 * lru_add_drain_all() for drain work queued on the faulting task's CPU.
 * Where the spinner runs decides what breaks the cycle: an RT task in user
 * space (RT throttling, the fair server, stalld), a task looping in
 * hmm_range_fault() in the kernel (preemption), a kworker doing that
 * (the workqueue's CPU-hog detection and preemption). Unknown facts are
 * taken at their worst and listed as assumed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/exposure.h"

const char *const shape_names[SHAPE_MAX] = {
	"user_rt_spinner", "kernel_spinner", "kworker_spinner",
};
const char *const shape_labels[SHAPE_MAX] = {
	"user-space RT spinner", "kernel-mode spinner", "kworker spinner",
};
const char *const verdict_names[3] = { "not applicable", "mitigated", "exposed" };

static void line(char (*lines)[EX_LINE], int *n, const char *fmt, va_list ap)
{
	if (*n < EX_LINES)
		vsnprintf(lines[(*n)++], EX_LINE, fmt, ap);
}

#define LINE_FN(name, field, count)						\
	static void name(struct ex_verdict *v, const char *fmt, ...)		\
		__attribute__((format(printf, 2, 3)));				\
	static void name(struct ex_verdict *v, const char *fmt, ...)		\
	{									\
		va_list ap;							\
		va_start(ap, fmt);						\
		line(v->field, &v->count, fmt, ap);				\
		va_end(ap);							\
	}
LINE_FN(reason, reasons, nreasons)
LINE_FN(assume, assumed, nassumed)
LINE_FN(reported, reported_by, nreported)

static const struct ex_fact *F(const struct exposure *e, enum ex_id id)
{
	return &e->d.f[id];
}

/* An unknown fact that the verdict takes at its worst. */
static void worst(const struct exposure *e, struct ex_verdict *v, enum ex_id id,
		  const char *taken_as)
{
	if (F(e, id)->state == TRI_UNKNOWN)
		assume(v, "%s unknown, taken as %s (its fact says why)", ex_labels[id],
		       taken_as);
}

/* Not applicable to this kernel at all: no device-private pages, or the fix. */
static bool ruled_out(const struct exposure *e, struct ex_verdict *v, bool needs_hmm)
{
	v->kernel = V_NOT_APPLICABLE;
	if (F(e, EX_DEVICE_PRIVATE)->state == TRI_NO) {
		reason(v, "CONFIG_DEVICE_PRIVATE is off: no device-private pages, so no fault "
		       "spins on one");
		return true;
	}
	if (needs_hmm && F(e, EX_HMM_MIRROR)->state == TRI_NO) {
		reason(v, "CONFIG_HMM_MIRROR is off: no hmm_range_fault() to spin in the kernel");
		return true;
	}
	if (F(e, EX_FIX)->state == TRI_YES) {
		reason(v, "the fix is in: a fault that fails the trylock sleeps until the folio "
		       "is unlocked, holding no reference (the lab's wait-on-locked kernel made "
		       "progress in every run)");
		return true;
	}
	worst(e, v, EX_DEVICE_PRIVATE, "on");
	if (needs_hmm)
		worst(e, v, EX_HMM_MIRROR, "on");
	worst(e, v, EX_FIX, "absent");
	return false;
}

static const char *spin_site(const struct exposure *e)
{
	return F(e, EX_TRYLOCK)->state == TRI_NO ?
	       "without the trylock, the faulting task's migrate_to_ram() fails to lock "
	       "the page in migrate_vma_setup() and the fault is retried (the lab's stock "
	       "6.12 livelocks so with an RT user-space spinner; its kernel-mode reader, "
	       "test_hmm's, gave up after its own 1 s timeout)" :
	       "do_swap_page()'s folio_trylock() fails and the fault is retried "
	       "(1afaeb8293c9)";
}

/* What in the kernel would report a livelock that lasts. */
static void reporters(const struct exposure *e, struct ex_verdict *v, bool softlockup)
{
	static const struct { enum ex_id id; const char *what; } dogs[] = {
		{ EX_SOFTLOCKUP, "softlockup watchdog: \"soft lockup - CPU#k stuck\"" },
		{ EX_WQ_WATCHDOG, "workqueue watchdog: \"BUG: workqueue lockup\" for CPU k's pool "
				  "(the lab saw none within 48 s of a kernel-mode livelock)" },
		{ EX_HUNG_TASK, "hung-task watchdog: the migration waiting in "
				"lru_add_drain_all() is \"blocked for more than N seconds\"" },
	};

	for (size_t i = 0; i < sizeof(dogs) / sizeof(dogs[0]); i++) {
		const struct ex_fact *f = F(e, dogs[i].id);

		if (dogs[i].id == EX_SOFTLOCKUP && !softlockup)
			continue;
		if (f->state == TRI_YES)
			reported(v, "%s (%s)", dogs[i].what, f->value);
		else if (f->state == TRI_UNKNOWN)
			reported(v, "maybe the %s: unknown", ex_labels[dogs[i].id]);
	}
	if (!v->nreported)
		reported(v, "nothing in the kernel (%s %s, %s %s, %s %s)",
			 ex_labels[EX_WQ_WATCHDOG], F(e, EX_WQ_WATCHDOG)->value,
			 ex_labels[EX_HUNG_TASK], F(e, EX_HUNG_TASK)->value,
			 ex_labels[EX_SOFTLOCKUP], F(e, EX_SOFTLOCKUP)->value);
}

static void rt_user(const struct exposure *e, struct ex_verdict *v)
{
	static const struct { enum ex_id id; const char *how; } ways[] = {
		{ EX_RT_THROTTLE, "RT throttling (%s): the spinner runs at most "
				  "sched_rt_runtime_us per period, then the drain kworker runs" },
		{ EX_FAIR_SERVER, "the fair server (%s): CFS tasks, the drain kworker among "
				  "them, get its runtime every period over RT tasks (lab: stalls "
				  "of about 950 ms at 50 ms per 1 s)" },
		{ EX_STALLD, "stalld (%s): it boosts a task starved past its threshold" },
	};
	int n = 0;

	if (ruled_out(e, v, false))
		return;
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++)
		if (F(e, ways[i].id)->state == TRI_YES && ++n)
			reason(v, ways[i].how, F(e, ways[i].id)->value);
	if (n) {
		v->kernel = V_MITIGATED;
		reason(v, "left: stalls of that length instead of a livelock, with the spinner "
		       "refaulting all along");
		return;
	}
	v->kernel = V_EXPOSED;
	reason(v, "an RT task that refaults a locked device-private page keeps its CPU: %s; "
	       "the drain kworker there (CFS) never runs, lru_add_drain_all() never returns "
	       "(lab: rt-nothrottle)", spin_site(e));
	reason(v, "RT throttling %s, fair server %s, stalld %s; preemption does not help an "
	       "RT task", F(e, EX_RT_THROTTLE)->value, F(e, EX_FAIR_SERVER)->value,
	       F(e, EX_STALLD)->value);
	worst(e, v, EX_RT_THROTTLE, "off");
	worst(e, v, EX_FAIR_SERVER, "off");
	worst(e, v, EX_STALLD, "not running");
	reporters(e, v, false);
}

static void kernel_spin(const struct exposure *e, struct ex_verdict *v)
{
	const struct ex_fact *pm = F(e, EX_PREEMPT);

	if (ruled_out(e, v, true))
		return;
	if (pm->state == TRI_YES) {
		v->kernel = V_MITIGATED;
		reason(v, "preemption %s: the looping task is preempted at the tick and the "
		       "drain kworker runs; the retries burn CPU meanwhile (lab, preempt=full: "
		       "0 of 10 kernel-mode and 0 of 10 kworker spinner runs livelocked)",
		       pm->value);
		return;
	}
	v->kernel = V_EXPOSED;
	reason(v, "hmm_range_fault() retries in the kernel without a preemption point; with "
	       "preemption %s the drain kworker on that CPU never runs (lab, preempt=none "
	       "and voluntary: 10 of 10 runs livelocked in each, a soft lockup reported "
	       "after about 26 s)", pm->value);
	reason(v, "the spin: %s", spin_site(e));
	reason(v, "RT throttling and the fair server do not help: the spinner is a CFS task "
	       "that does not leave the kernel");
	worst(e, v, EX_PREEMPT, "none or voluntary");
	reporters(e, v, true);
}

static void kworker_spin(const struct exposure *e, struct ex_verdict *v)
{
	const struct ex_fact *pm = F(e, EX_PREEMPT), *hog = F(e, EX_WQ_HOG);

	if (ruled_out(e, v, true))
		return;
	reason(v, "a work item on a bound, not WQ_HIGHPRI, workqueue runs on CPU k's worker "
	       "pool, where lru_add_drain_per_cpu waits (mm_percpu_wq); elsewhere it is the "
	       "kernel-mode spinner");
	if (hog->state == TRI_YES && pm->state == TRI_YES) {
		v->kernel = V_MITIGATED;
		reason(v, "the workqueue marks the looping work item CPU_INTENSIVE (%s) and "
		       "wakes another worker, which preemption %s lets run", hog->value,
		       pm->value);
		return;
	}
	v->kernel = V_EXPOSED;
	if (hog->state == TRI_YES)
		reason(v, "the workqueue marks the looping work item CPU_INTENSIVE (%s) and "
		       "wakes another worker, but with preemption %s it never gets the CPU",
		       hog->value, pm->value);
	else
		reason(v, "the pool starts no other worker while its running one does not sleep, "
		       "so the drain work behind the spinner never starts, whatever the "
		       "preemption (CPU-hog detection: %s)", hog->value);
	reason(v, "the spin: %s", spin_site(e));
	worst(e, v, EX_WQ_HOG, "off");
	if (hog->state == TRI_YES)
		worst(e, v, EX_PREEMPT, "none or voluntary");
	reporters(e, v, pm->state != TRI_YES);
}

/* This host as it is: the kernel's verdict, unless no HMM user is loaded. */
static void host(const struct exposure *e, struct ex_verdict *v)
{
	const struct ex_fact *u = F(e, EX_HMM_USERS);

	v->host = v->kernel;
	if (v->kernel == V_NOT_APPLICABLE)
		return;
	if (u->state == TRI_NO) {
		v->host = V_NOT_APPLICABLE;
		reason(v, "no driver that makes device-private memory is loaded; with one, %s",
		       verdict_names[v->kernel]);
	} else if (u->state == TRI_UNKNOWN) {
		worst(e, v, EX_HMM_USERS, "loaded");
	} else {
		reason(v, "HMM users loaded: %s", u->value);
	}
}

void exposure_evaluate(const struct host_facts *h, struct exposure *e)
{
	memset(e->v, 0, sizeof(e->v));
	exposure_derive(h, &e->d);
	rt_user(e, &e->v[SHAPE_RT_USER]);
	kernel_spin(e, &e->v[SHAPE_KERNEL]);
	kworker_spin(e, &e->v[SHAPE_KWORKER]);
	for (int s = 0; s < SHAPE_MAX; s++)
		host(e, &e->v[s]);
}
