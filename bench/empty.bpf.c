// SPDX-License-Identifier: GPL-2.0
/* The floor for the benchmark: empty programs on the hooks migtrace uses. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/exceptions/page_fault_user")
int empty_page_fault_user(void *ctx)
{
	return 0;
}

SEC("raw_tp/sched_switch")
int empty_sched_switch(void *ctx)
{
	return 0;
}
