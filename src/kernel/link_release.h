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
#include <sys/types.h>

struct bpf_link;

/*
 * Destroy the n links (NULL entries skipped; each set to NULL), waiting at
 * most timeout_ms for the kernel to release them. The last references go
 * to a child process, so the caller's own close never waits: it returns 0
 * once they are released, or the child's pid when it is still waiting
 * (it ends by itself once the kernel lets go; the programs stay attached
 * until then). Without a child (fork failed) the links are closed here.
 */
pid_t links_release(struct bpf_link **links, unsigned int n, unsigned int timeout_ms);

#endif
