/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the exposure report's facts from this host: /proc, /sys, the
 * kernel config, kallsyms (or BTF), debugfs. No BPF.
 */
#ifndef MIGTRACE_HOST_PROBE_H
#define MIGTRACE_HOST_PROBE_H

#include "model/host_facts.h"

/*
 * Fill h. Never fails: a fact that cannot be read is unknown, with why.
 * Where debugfs is not mounted, root reads it through a mount of its own in
 * a child's private mount namespace, which nobody else sees and which ends
 * with the child.
 */
void host_probe(struct host_facts *h);

#endif
