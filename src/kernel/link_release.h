/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Releasing BPF links without waiting on a starved CPU. Closing an fentry
 * link waits for an RCU-tasks grace period, a kprobe's for an RCU one, and
 * both need every CPU to pass through the scheduler, which a CPU held by a
 * livelock does not: close() would block for as long as the livelock lasts.
 */
#ifndef MIGTRACE_LINK_RELEASE_H
#define MIGTRACE_LINK_RELEASE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_link;
struct bpf_program;

/*
 * Destroy the n links (NULL entries skipped; each set to NULL), waiting at
 * most timeout_ms for the kernel to release them. The last references go
 * to a child process, so the caller's own close never waits: it returns 0
 * once they are released, or the child's pid when it is still waiting
 * (it ends by itself once the kernel lets go; the programs stay attached
 * until then). Without a child (fork failed) the links are closed here.
 */
pid_t links_release(struct bpf_link **links, unsigned int n, unsigned int timeout_ms);

/*
 * Links attached by a child that holds them: attaching an fentry program
 * beside another on the same function waits for the same grace period, so
 * the caller never makes (nor releases) such a link itself. The child ends,
 * releasing them, once link_child_release() lets it go.
 */
struct link_child {
	pid_t pid;		/* 0: none */
	int ctl;		/* the caller's end: closing it lets the child go */
	int res;		/* results, one struct link_result per group, -1 when all read */
};

struct link_result {
	int32_t group;		/* as given */
	int32_t err;		/* 0: every program of the group attached; else errno */
	int32_t prog;		/* err: the index of the program that failed */
};

/*
 * Fork a child that attaches the n programs, grouped by group[] (a group's
 * programs in a row: one failing detaches the others of its group), and
 * writes one result per group. 0 or -errno (no child: nothing attached).
 */
int link_child_attach(struct link_child *c, struct bpf_program *const *progs, const int *group,
		      unsigned int n);
/*
 * Results written so far, waiting at most timeout_ms for the first one:
 * up to max into out. Returns how many, 0 when none yet, -1 after the last.
 */
int link_child_results(struct link_child *c, struct link_result *out, unsigned int max,
		       int timeout_ms);
/*
 * Let the child go and wait at most timeout_ms for it to end: 0 when it
 * did, or its pid when the kernel still holds it (an attach or a release
 * waiting on a starved CPU; it ends by itself once the kernel lets go).
 */
pid_t link_child_release(struct link_child *c, unsigned int timeout_ms);
/* Wait at most timeout_ms more for such a child (pid): 0 once it ended, else pid. */
pid_t link_child_wait(pid_t pid, unsigned int timeout_ms);

#endif
