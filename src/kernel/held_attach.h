/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks whose links wait for every CPU to attach or release (fentry,
 * kprobe): attached by a child process that holds them (link_release.h),
 * and held back while a CPU is seen stalled (core/attach_hold.h), so that
 * neither migtrace's start nor its exit waits for a livelock to end. The
 * other hooks, the sampler and the discovery report meanwhile.
 */
#ifndef MIGTRACE_HELD_ATTACH_H
#define MIGTRACE_HELD_ATTACH_H

#include <stdbool.h>
#include <stdint.h>
#include "core/attach_hold.h"
#include "kernel/link_release.h"
#include "model/hooks.h"
#include "model/kevidence.h"

struct migtrace_bpf;

enum held_state {
	HELD_NONE = 0,		/* no such hook, or all attached (or failed) */
	HELD_STALL,		/* held: a CPU stalled */
	HELD_ATTACHING,		/* the child attaches them */
};

#define HELD_PROGS (HOOK_MAX * 5)

struct held_attach {
	enum held_state state;
	struct attach_hold hold;		/* what the discovery showed */
	enum mechanism planned[HOOK_MAX];	/* each held hook's mechanism */
	struct link_child child;
	unsigned int nheld, nattached, nfailed;
	uint64_t start_ns;			/* the session's start (mono) */
	uint64_t since_ns, next_check_ns;	/* the state's start; the next stall check */
	const char *prog_names[HELD_PROGS];	/* the child's programs, by index */
	char note[320];				/* the last change, one line for the user */
	unsigned int note_seq;			/* notes written so far */
};

/*
 * After the other hooks are attached and the discovery ran (d): hold the
 * hooks in hooks[] whose mechanism waits for every CPU while d shows a
 * stall, else have the child attach them, waiting at most wait_ms for it.
 */
void held_attach_begin(struct held_attach *h, struct migtrace_bpf *skel, struct hook_status *hooks,
		       const struct discovery *d, uint64_t now, unsigned int wait_ms);
/*
 * Every loop round: a held stall checked every 100 ms (cpu_drain), the
 * child's results read. True when hooks[] changed (h->note says how).
 */
bool held_attach_poll(struct held_attach *h, struct migtrace_bpf *skel, struct hook_status *hooks,
		      uint32_t ncpus, uint64_t now);
/* The note has changed since *seen (then *seen follows it). */
bool held_attach_new_note(const struct held_attach *h, unsigned int *seen);
/* Let the child go (it releases the links): 0, or its pid while the kernel holds it. */
pid_t held_attach_end(struct held_attach *h, unsigned int timeout_ms);

#endif
