/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs facts: sched/preempt and sched/fair_server/cpuN/{runtime,period}.
 * Where debugfs is not mounted, a child mounts it in a private mount
 * namespace of its own (root only), reads them and exits: nothing on the
 * host changes.
 */
#ifndef MIGTRACE_HOST_DEBUGFS_H
#define MIGTRACE_HOST_DEBUGFS_H

#include "model/host_facts.h"

void host_debugfs(struct host_facts *h);

#endif
