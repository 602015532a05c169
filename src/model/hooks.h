/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks migtrace wants, and for each one the mechanism it ended up
 * with and why better mechanisms were not used.
 */
#ifndef MIGTRACE_HOOKS_H
#define MIGTRACE_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

enum mechanism {
	MECH_NONE = 0,
	MECH_FENTRY,		/* fentry/fexit */
	MECH_KPROBE,		/* kprobe/kretprobe */
	MECH_TRACEPOINT,	/* the hook's own tracepoint, or one approximating it */
	MECH_MAX,
};

/* Every hook migtrace knows; hook_defs[] is indexed by these. */
enum hook_id {
	HOOK_MIGRATE_VMA_SETUP = 0,
	HOOK_MIGRATE_DEVICE_UNMAP,	/* collection done: folios locked */
	HOOK_MIGRATE_VMA_PAGES,
	HOOK_MIGRATE_VMA_FINALIZE,
	HOOK_MIGRATE_DEVICE_RANGE,
	HOOK_MIGRATE_DEVICE_PFNS,
	HOOK_MIGRATE_DEVICE_FINALIZE,
	HOOK_LRU_ADD_DRAIN_ALL,
	HOOK_DO_SWAP_PAGE,
	HOOK_FOLIO_LOCK,		/* __folio_lock */
	HOOK_FOLIO_UNLOCK,
	HOOK_DRAIN_WORK,		/* lru_add_drain_per_cpu work items */
	HOOK_SCHED_SWITCH,
	HOOK_OCCUPANT_TICK,		/* who is on a CPU before its first switch */
	HOOK_SWAP_PAGE_TRYLOCK,		/* migtrace_lab tracepoint */
	HOOK_COLLECT_TRYLOCK,		/* migrate_vma_collect_skip LOCK_CONTENDED, or migtrace_lab's */
	HOOK_DRAIN_LOCKED,		/* migrate_device tracepoint: drain with locks held */
	HOOK_MIGRATE_COHERENT,		/* migrate_device_coherent_folio: unmap without finalize */
	HOOK_CPU_OFFLINE,		/* a CPU's workqueues unbound: its pending work moves */
	HOOK_MAX,
};

/* A BPF program of the skeleton by name; NULL ends a list. */
struct hook_def {
	const char *name;	/* what the user sees */
	const char *func;	/* kernel function for fentry/kprobe, NULL if tracepoint-only */
	bool entry, exit;	/* which sides of func are hooked */
	/*
	 * Tracepoints with the function's own semantics (patched kernels:
	 * migrate_device), tried before fentry; then the fallback tracepoints
	 * below ("group/event"), precise or approximate.
	 */
	const char *exact_tracepoints[3];
	const char *exact_progs[3];
	/*
	 * The arguments a raw_tp program reads, per tracepoint, checked against
	 * the kernel's BTF before use (NULL: a tp/ program, whose format struct
	 * CO-RE checks at load, or one that reads none).
	 */
	const char *exact_protos[3];
	const char *tracepoints[5];
	const char *tp_progs[5];
	const char *tp_protos[5];
	bool tp_approximate;	/* tracepoints only approximate func */
	const char *approx_note;
	bool derived;		/* approximated from another hook's data: */
	enum hook_id derived_from;
	bool optional;		/* missing on kernels that predate or lack it by design */
	bool needs_drain_fn;	/* needs &lru_add_drain_per_cpu from kallsyms */
};

struct hook_status {
	enum mechanism mech;
	bool approximate;
	bool exact_events;	/* MECH_TRACEPOINT through exact_tracepoints */
	/*
	 * Held back (mech MECH_NONE for now): its mechanism waits for every
	 * CPU to attach, and one was seen stalled (core/attach_hold.h); why[]
	 * of that mechanism says so. Not blind: attached once the stall ends.
	 */
	bool held;
	char why[MECH_MAX][160];	/* why each mechanism was not used */
};

extern const struct hook_def hook_defs[HOOK_MAX];

const char *mechanism_name(enum mechanism m);
/* A hook by its name (records name hooks); -1 if this build does not know it. */
int hook_by_name(const char *name);

/* Attached, precisely or approximately; false when st is NULL (not known). */
bool hook_seen(const struct hook_status *st, enum hook_id id);
/*
 * lru_add_drain_all itself is traced (fentry or kprobe): its calls come as
 * events; otherwise they are rebuilt from their work items.
 */
bool hook_drain_all_precise(const struct hook_status *st);
/* A migrate setup hook is attached. */
bool hook_migrate_seen(const struct hook_status *st);
/*
 * Who holds locked folios is known: when they get locked (unmap entry or
 * the lab's collect trylock) and every way they get unlocked (setup return,
 * finalize) are traced.
 */
bool hook_holders_known(const struct hook_status *st);

/* Program names for a hook under its mechanism (up to 5, NULL-terminated). */
void hook_programs(const struct hook_def *h, const struct hook_status *st, const char *progs[6],
		   char storage[4][64]);

/* Counts of hooks per mechanism, for the report header. */
void hooks_count(const struct hook_status *st, unsigned int counts[MECH_MAX]);

/* "lru_add_drain_all, do_swap_page": blind hooks, comma-separated. */
void hooks_blind_list(const struct hook_status *st, char *buf, size_t len);
/* The same for the hooks held back until a stall ends; *n: how many. */
void hooks_held_list(const struct hook_status *st, char *buf, size_t len, unsigned int *n);
/* "fentry: ...; kprobe: ...": why better mechanisms were not used. */
void hook_why_not(const struct hook_status *s, char *buf, size_t len);

#endif
