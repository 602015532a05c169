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

/* The sampler's floor: reading the interrupted kernel stack, nothing else. */
struct stack_buf {
	__u64 ip[32];	/* MT_STACK_DEPTH */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_buf);
} stack_buf SEC(".maps");

SEC("perf_event")
int empty_stack_sample(void *ctx)
{
	__u32 zero = 0;
	struct stack_buf *b = bpf_map_lookup_elem(&stack_buf, &zero);

	if (b)
		bpf_get_stack(ctx, b->ip, sizeof(b->ip), 0);
	return 0;
}
