/* SPDX-License-Identifier: GPL-2.0 */
/* Log2 histograms of nanoseconds, and a clock cheap enough for hot paths; rendering is the loader's job. */
#ifndef MIGTRACE_HIST_BPF_H
#define MIGTRACE_HIST_BPF_H

#include "migtrace.h"

/* Global histograms: one copy per CPU, so updates need no atomics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MT_H_MAX);
	__type(key, __u32);
	__type(value, struct mt_hist);
} hists SEC(".maps");

/* Per-CPU-drain histograms: slot id * MT_MAX_CPUS + cpu, written only by that cpu. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MT_H_PER_CPU * MT_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct mt_hist);
} cpu_hists SEC(".maps");

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* Slot s holds values in [2^s, 2^(s+1)); slot 0 also holds 0. */
static __always_inline __u32 hist_slot(__u64 ns)
{
	__u32 s = ns ? log2_u64(ns) : 0;

	return s < MT_HIST_SLOTS ? s : MT_HIST_SLOTS - 1;
}

static __always_inline void hist_record(struct mt_hist *h, __u64 ns)
{
	h->slots[hist_slot(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static __always_inline void hist_add(__u32 id, __u64 ns)
{
	struct mt_hist *h = bpf_map_lookup_elem(&hists, &id);

	if (h)
		hist_record(h, ns);
}

/*
 * Only the CPU being described may call this (no other writer, no
 * atomics), or the CPU standing in for it while it is offline.
 */
static __always_inline void hist_add_cpu(__u32 id, __u32 cpu, __u64 ns)
{
	__u32 key = id * MT_MAX_CPUS + cpu;
	struct mt_hist *h;

	if (cpu >= MT_MAX_CPUS)
		return;
	h = bpf_map_lookup_elem(&cpu_hists, &key);
	if (h)
		hist_record(h, ns);
}


/*
 * A clock for the hottest hooks (sched_switch, page faults): the time of
 * the first call on this CPU in the current jiffy. bpf_ktime_get_ns() costs
 * as much as the rest of those handlers together (41 ns of 57 for an empty
 * program here); bpf_jiffies64() is a load. The value is CLOCK_MONOTONIC
 * like bpf_ktime_get_ns(), never later than now and earlier by less than a
 * tick (4 ms at HZ=250): jiffies advance while a CPU runs, and are brought
 * up to date on idle exit before anything is traced.
 */
struct coarse_clock {
	__u64 jiffies;
	__u64 ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct coarse_clock);
} coarse_clock SEC(".maps");

static __always_inline __u64 coarse_now(void)
{
	__u32 zero = 0;
	struct coarse_clock *c = bpf_map_lookup_elem(&coarse_clock, &zero);
	__u64 j = bpf_jiffies64();

	if (!c)
		return bpf_ktime_get_ns();
	if (c->jiffies != j) {
		c->jiffies = j;
		c->ns = bpf_ktime_get_ns();
	}
	return c->ns;
}

#endif /* MIGTRACE_HIST_BPF_H */
