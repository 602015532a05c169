/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deciding, per hook, fentry -> kprobe -> tracepoint -> none, and keeping
 * the reason each better mechanism was refused.
 */
#ifndef MIGTRACE_PROBE_H
#define MIGTRACE_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include "model/hooks.h"

struct btf;

struct probe_env {
	struct btf *vmlinux_btf;	/* NULL: kernel without BTF */
	const char *tracefs;		/* NULL: see tracefs_why */
	char tracefs_why[160];
	bool kprobe_support;
	char kprobe_why[160];
	int kallsyms_err;
	uint64_t func_addr[HOOK_MAX];	/* kallsyms address of each hook's func */
	uint64_t drain_fn;		/* &lru_add_drain_per_cpu */
	uint32_t fault_vma_lock_flag;	/* FAULT_FLAG_VMA_LOCK, 0 if the kernel lacks it */
	/* Mechanisms ruled out before probing, and why ("disabled by --no-fentry"). */
	char no_fentry[160], no_kprobe[160];
	const char *no_events;	/* tracepoint groups ruled out (--no-events), comma-separated */
};

/* Gather what the kernel offers. Fails only when BPF cannot work at all. */
int probe_env_init(struct probe_env *env, char *err, size_t len);
void probe_env_free(struct probe_env *env);

/* Choose a mechanism for every hook. */
void probe_hooks(const struct probe_env *env, struct hook_status *st);

/* Approximations fed by another hook follow that hook's fate. */
void probe_resolve_derived(struct hook_status *st);

#endif
