// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "model/hooks.h"

/* Prototypes of the raw tracepoints read (see hook_def.exact_protos). */
#define PROTO_MIGRATE_VMA	"struct migrate_vma *"
#define PROTO_PFN_ARRAYS	"unsigned long *,unsigned long *,unsigned long"
#define PROTO_TRYLOCK		"unsigned long,unsigned long,int"
#define PROTO_COLLECT_SKIP	"struct migrate_vma *,unsigned long,unsigned long," \
				"enum migrate_vma_walk_reason"
/*
 * The series' fault trylock (defined with the 1afaeb8293c9 backport):
 * locked is a bool, 0 or 1. Its previous revision took an int whose -1
 * meant "this kernel takes no lock", read here as a failed trylock: that
 * shape is refused, its events would count faults that never tried.
 */
#define PROTO_FAULT_TRYLOCK	"unsigned long,unsigned long,bool"

const struct hook_def hook_defs[HOOK_MAX] = {
	[HOOK_MIGRATE_VMA_SETUP] = {
		.name = "migrate_vma_setup", .func = "migrate_vma_setup",
		.entry = true, .exit = true,
		.exact_tracepoints = { "migrate_device/migrate_vma_setup_start",
				       "migrate_device/migrate_vma_setup_done" },
		.exact_progs = { "raw_tp_migrate_vma_setup_start",
				 "raw_tp_migrate_vma_setup_done" },
		.exact_protos = { PROTO_MIGRATE_VMA, PROTO_MIGRATE_VMA } },
	/* Collection over with folios locked; or, exactly, collect_done with cpages. */
	[HOOK_MIGRATE_DEVICE_UNMAP] = {
		.name = "migrate_device_unmap", .func = "migrate_device_unmap", .entry = true,
		.exact_tracepoints = { "migrate_device/migrate_vma_collect_done",
				       "migrate_device/migrate_device_unmap_done" },
		.exact_progs = { "raw_tp_migrate_vma_collect_done",
				 "raw_tp_migrate_device_unmap_done" },
		.exact_protos = { PROTO_MIGRATE_VMA, PROTO_PFN_ARRAYS } },
	[HOOK_MIGRATE_VMA_PAGES] = {
		.name = "migrate_vma_pages", .func = "migrate_vma_pages", .entry = true,
		.exact_tracepoints = { "migrate_device/migrate_vma_pages_start" },
		.exact_progs = { "raw_tp_migrate_vma_pages_start" },
		.exact_protos = { PROTO_MIGRATE_VMA } },
	[HOOK_MIGRATE_VMA_FINALIZE] = {
		.name = "migrate_vma_finalize", .func = "migrate_vma_finalize", .exit = true,
		.exact_tracepoints = { "migrate_device/migrate_vma_finalize_done" },
		.exact_progs = { "raw_tp_migrate_vma_finalize_done" },
		.exact_protos = { PROTO_MIGRATE_VMA } },
	[HOOK_MIGRATE_DEVICE_RANGE] = {
		.name = "migrate_device_range", .func = "migrate_device_range",
		.entry = true, .exit = true },
	[HOOK_MIGRATE_DEVICE_PFNS] = {
		.name = "migrate_device_pfns", .func = "migrate_device_pfns",
		.entry = true, .exit = true, .optional = true },
	[HOOK_MIGRATE_DEVICE_FINALIZE] = {
		.name = "migrate_device_finalize", .func = "migrate_device_finalize",
		.exit = true,
		.exact_tracepoints = { "migrate_device/migrate_device_finalize_done" },
		.exact_progs = { "raw_tp_migrate_device_finalize_done" },
		.exact_protos = { PROTO_PFN_ARRAYS } },
	[HOOK_LRU_ADD_DRAIN_ALL] = {
		.name = "lru_add_drain_all", .func = "lru_add_drain_all",
		.entry = true, .exit = true,
		.tp_approximate = true, .derived = true, .derived_from = HOOK_DRAIN_WORK,
		.approx_note = "rebuilt from the lru_add_drain_per_cpu work items its caller "
			       "queued; calls that queue no work are not seen" },
	[HOOK_DO_SWAP_PAGE] = {
		.name = "do_swap_page", .func = "do_swap_page", .entry = true, .exit = true,
		.tracepoints = { "exceptions/page_fault_user" },
		.tp_progs = { "tp_page_fault_user" },
		.tp_approximate = true,
		.approx_note = "every user page fault (exceptions:page_fault_user), not only "
			       "swap and device-private ones; no latency; in-kernel retries only "
			       "through the fault trylock event (hook swap_page_trylock)" },
	[HOOK_FOLIO_LOCK] = {
		.name = "__folio_lock", .func = "__folio_lock", .entry = true, .exit = true },
	[HOOK_FOLIO_UNLOCK] = {
		.name = "folio_unlock", .func = "folio_unlock", .entry = true },
	[HOOK_DRAIN_WORK] = {
		.name = "lru_add_drain_per_cpu",
		.tracepoints = { "workqueue/workqueue_queue_work",
				 "workqueue/workqueue_activate_work",
				 "workqueue/workqueue_execute_start",
				 "workqueue/workqueue_execute_end" },
		.tp_progs = { "tp_workqueue_queue_work", "tp_workqueue_activate_work",
			      "tp_workqueue_execute_start", "tp_workqueue_execute_end" },
		.needs_drain_fn = true },
	[HOOK_SCHED_SWITCH] = {
		.name = "sched_switch",
		.tracepoints = { "sched/sched_switch", "sched/sched_process_exit" },
		.tp_progs = { "raw_tp_sched_switch", "raw_tp_sched_process_exit" },
		.tp_protos = { "bool,struct task_struct *,struct task_struct *" } },
	[HOOK_OCCUPANT_TICK] = {
		.name = "occupant_at_attach",
		.tracepoints = { "timer/hrtimer_expire_entry" },
		.tp_progs = { "raw_tp_hrtimer_expire_entry" }, .optional = true },
	[HOOK_SWAP_PAGE_TRYLOCK] = {
		.name = "swap_page_trylock",
		.tracepoints = { "migtrace_lab/swap_page_trylock" },
		.exact_tracepoints = { "migrate_device/migrate_device_fault_trylock" },
		.exact_progs = { "raw_tp_migrate_device_fault_trylock" },
		.exact_protos = { PROTO_FAULT_TRYLOCK },
		.tp_progs = { "raw_tp_swap_page_trylock" },
		.tp_protos = { PROTO_TRYLOCK }, .optional = true },
	/* Patched kernels: a migration drains with nr_locked folios locked. */
	[HOOK_DRAIN_LOCKED] = {
		.name = "migrate_drain_locked",
		.tracepoints = { "migrate_device/migrate_device_drain_all_start",
				 "migrate_device/migrate_device_drain_all_done" },
		.tp_progs = { "raw_tp_migrate_device_drain_all_start",
			      "raw_tp_migrate_device_drain_all_done" },
		.tp_protos = { "unsigned long", "unsigned long" }, .optional = true },
	/* Unmaps and may return without finalize: its return ends any hold. */
	[HOOK_MIGRATE_COHERENT] = {
		.name = "migrate_device_coherent_folio", .func = "migrate_device_coherent_folio",
		.exit = true, .optional = true },
	/* CPU hotplug: drain work pending for a CPU going down runs elsewhere. */
	[HOOK_CPU_OFFLINE] = {
		.name = "cpu_offline",
		.tracepoints = { "cpuhp/cpuhp_exit" },
		.tp_progs = { "raw_tp_cpuhp_exit" },
		.tp_protos = { "unsigned int,int,int,int" }, .optional = true },
	/*
	 * Failed collect trylocks: exactly, the series' LOCK_CONTENDED skips
	 * (failures only); else the lab's event (both outcomes).
	 */
	[HOOK_COLLECT_TRYLOCK] = {
		.name = "collect_trylock",
		.exact_tracepoints = { "migrate_device/migrate_vma_collect_skip" },
		.exact_progs = { "raw_tp_migrate_vma_collect_skip" },
		.exact_protos = { PROTO_COLLECT_SKIP },
		.tracepoints = { "migtrace_lab/collect_trylock" },
		.tp_progs = { "raw_tp_collect_trylock" },
		.tp_protos = { PROTO_TRYLOCK }, .optional = true },
};

const char *mechanism_name(enum mechanism m)
{
	static const char *const names[] = {
		[MECH_NONE] = "none", [MECH_FENTRY] = "fentry",
		[MECH_KPROBE] = "kprobe", [MECH_TRACEPOINT] = "tracepoint",
	};

	return m < MECH_MAX ? names[m] : "?";
}

int hook_by_name(const char *name)
{
	for (int i = 0; i < HOOK_MAX; i++)
		if (!strcmp(hook_defs[i].name, name))
			return i;
	return -1;
}

bool hook_seen(const struct hook_status *st, enum hook_id id)
{
	return st && id < HOOK_MAX && st[id].mech != MECH_NONE;
}

bool hook_drain_all_precise(const struct hook_status *st)
{
	enum mechanism m = st ? st[HOOK_LRU_ADD_DRAIN_ALL].mech : MECH_NONE;

	return m == MECH_FENTRY || m == MECH_KPROBE;
}

bool hook_holders_known(const struct hook_status *st)
{
	/* The series' collect_skip sees failed trylocks only: no holder from it. */
	bool lab_collect = hook_seen(st, HOOK_COLLECT_TRYLOCK) && !st[HOOK_COLLECT_TRYLOCK].exact_events;

	return (hook_seen(st, HOOK_MIGRATE_DEVICE_UNMAP) || lab_collect ||
		hook_seen(st, HOOK_DRAIN_LOCKED)) &&
	       hook_seen(st, HOOK_MIGRATE_VMA_SETUP) && hook_seen(st, HOOK_MIGRATE_VMA_FINALIZE) &&
	       hook_seen(st, HOOK_MIGRATE_DEVICE_FINALIZE);
}

bool hook_migrate_seen(const struct hook_status *st)
{
	return hook_seen(st, HOOK_MIGRATE_VMA_SETUP) || hook_seen(st, HOOK_MIGRATE_DEVICE_RANGE);
}

void hook_programs(const struct hook_def *h, const struct hook_status *st, const char *progs[6],
		   char storage[4][64])
{
	enum mechanism m = st->mech;
	int n = 0;

	switch (m) {
	case MECH_FENTRY:
	case MECH_KPROBE:
		if (h->entry) {
			snprintf(storage[0], 64, "%s_%s", m == MECH_FENTRY ? "fentry" : "kprobe",
				 h->func);
			progs[n++] = storage[0];
		}
		if (h->exit) {
			snprintf(storage[1], 64, "%s_%s", m == MECH_FENTRY ? "fexit" : "kretprobe",
				 h->func);
			progs[n++] = storage[1];
		}
		break;
	case MECH_TRACEPOINT:
		if (st->exact_events) {
			for (int i = 0; i < 3 && h->exact_progs[i]; i++)
				progs[n++] = h->exact_progs[i];
			break;
		}
		for (int i = 0; i < 5 && h->tp_progs[i]; i++)
			progs[n++] = h->tp_progs[i];
		break;
	default:
		break;
	}
	progs[n] = NULL;
}

void hook_why_not(const struct hook_status *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int m = MECH_FENTRY; m < MECH_MAX; m++) {
		if (!s->why[m][0])
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s: %s",
				off ? "; " : "", mechanism_name(m), s->why[m]);
	}
}

void hooks_count(const struct hook_status *st, unsigned int counts[MECH_MAX])
{
	memset(counts, 0, sizeof(unsigned int) * MECH_MAX);
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		counts[st[i].mech]++;
}

void hooks_blind_list(const struct hook_status *st, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		if (st[i].mech != MECH_NONE || st[i].held || hook_defs[i].optional)
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "",
				hook_defs[i].name);
	}
}

void hooks_held_list(const struct hook_status *st, char *buf, size_t len, unsigned int *n)
{
	size_t off = 0;

	buf[0] = '\0';
	*n = 0;
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		if (!st[i].held)
			continue;
		(*n)++;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "",
				hook_defs[i].name);
	}
}
