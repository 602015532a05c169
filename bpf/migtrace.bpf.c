// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace BPF side: device-private migration, lru_add_drain_all and its
 * per-CPU work, faults on migrating pages, folio lock waits, and what runs
 * on a CPU whose drain work is pending.
 *
 * Function hooks come as twins (fentry/fexit and kprobe/kretprobe), all
 * declared optional ("?"): the loader enables one twin per hook after
 * probing, so the attach choice is data and the bodies are shared.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "migtrace.h"
#include "hist.bpf.h"
#include "task.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#include "state.bpf.h"
#include "stack.bpf.h"
#include "work.bpf.h"
#include "migrate.bpf.h"
#include "drain.bpf.h"
#include "hotplug.bpf.h"
#include "sampler.bpf.h"
#include "discover.bpf.h"
#include "sched.bpf.h"
#include "fault.bpf.h"
#include "folio.bpf.h"
