/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks migtrace wants, and for each one the mechanism it ended up
 * with and why better mechanisms were not used.
 */
#ifndef MIGTRACE_HOOKS_H
#define MIGTRACE_HOOKS_H

#include <stdbool.h>
#include <stdio.h>

enum mechanism {
	MECH_NONE = 0,
	MECH_FENTRY,		/* fentry/fexit */
	MECH_KPROBE,		/* kprobe/kretprobe */
	MECH_TRACEPOINT,	/* the hook's own tracepoint, or one approximating it */
	MECH_MAX,
};

/* A BPF program of the skeleton by name; NULL ends a list. */
struct hook_def {
	const char *name;	/* what the user sees */
	const char *func;	/* kernel function for fentry/kprobe, NULL if tracepoint-only */
	bool entry, exit;	/* which sides of func are hooked */
	/* Tracepoint programs serving this hook ("group/event"), precise or approximate. */
	const char *tracepoints[5];
	const char *tp_progs[5];
	bool tp_approximate;	/* tracepoints only approximate func */
	const char *approx_note;
	const char *via_hook;	/* approximation derived from another hook's data */
	bool optional;		/* missing on kernels that predate or lack it by design */
	bool needs_drain_fn;	/* needs &lru_add_drain_per_cpu from kallsyms */
};

struct hook_status {
	enum mechanism mech;
	bool approximate;
	char why[MECH_MAX][160];	/* why each mechanism was not used */
};

extern const struct hook_def hook_defs[];
extern const unsigned int hook_count;

const char *mechanism_name(enum mechanism m);
int hook_index(const char *name);

/* Program names for a hook under a mechanism (up to 5, NULL-terminated). */
void hook_programs(const struct hook_def *h, enum mechanism m, const char *progs[6],
		   char storage[4][64]);

/* Text: one line per hook. JSON: one "caps" object per hook. */
void hooks_print_caps(FILE *out, const struct hook_status *st, bool json);

/* Counts of hooks per mechanism, for the report header. */
void hooks_count(const struct hook_status *st, unsigned int counts[MECH_MAX]);

/* "lru_add_drain_all, do_swap_page": blind hooks, comma-separated. */
void hooks_blind_list(const struct hook_status *st, char *buf, size_t len);

#endif
