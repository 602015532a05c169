// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/discovery.h"
#include "kernel/discover.h"
#include "kernel/kallsyms.h"
#include "kernel/kevidence.h"
#include "migtrace.skel.h"

#define KALLSYMS "/proc/kallsyms"

void kevidence_prepare(struct kevidence *k, struct migtrace_bpf *skel)
{
	if (!k->syms_read) {
		int err = kallsyms_stack_syms(KALLSYMS, &k->syms);

		k->syms_read = true;
		if (err)
			snprintf(k->syms_why, sizeof(k->syms_why), "%s: %s", KALLSYMS,
				 err == -EPERM ? "addresses hidden (kptr_restrict)" :
				 strerror(-err));
		else
			stack_syms_missing(&k->syms, k->syms_why, sizeof(k->syms_why));
	}
	memcpy((void *)skel->rodata->stack_ranges, k->syms.r, sizeof(k->syms.r));
	skel->rodata->stack_nranges = k->syms.n;
	bpf_program__set_autoload(skel->progs.perf_sample_stack, !k->progs_off);
	bpf_program__set_autoload(skel->progs.iter_discover, !k->progs_off);
}

bool kevidence_rule_out(struct kevidence *k, const char *why)
{
	if (k->progs_off)
		return false;
	k->progs_off = true;
	snprintf(k->sampler_src.why, sizeof(k->sampler_src.why),
		 "the sampler and discovery programs failed to load: %.130s", why);
	snprintf(k->discovery_src.why, sizeof(k->discovery_src.why), "%s", k->sampler_src.why);
	return true;
}

void kevidence_rule_in(struct kevidence *k)
{
	k->progs_off = false;
	k->sampler_src.why[0] = k->discovery_src.why[0] = '\0';
}

void kevidence_loaded(struct kevidence *k, struct migtrace_bpf *skel)
{
	k->skel = skel;
	if (k->progs_off)
		return;		/* the reasons are set */
	k->discovery_src.available = bpf_program__fd(skel->progs.iter_discover) >= 0;
	if (!k->discovery_src.available)
		snprintf(k->discovery_src.why, sizeof(k->discovery_src.why),
			 "the task iterator program is not loaded");
	if (bpf_program__fd(skel->progs.perf_sample_stack) < 0)
		snprintf(k->sampler_src.why, sizeof(k->sampler_src.why),
			 "the sampler program is not loaded");
	else
		k->sampler_src.available = sampler_probe(k->sampler_src.why,
							 sizeof(k->sampler_src.why));
}

void kevidence_sources(const struct kevidence *k, struct kev_sources *out)
{
	out->sampler = k->sampler_src;
	out->discovery = k->discovery_src;
	out->nranges = k->syms.n;
	snprintf(out->ranges_missing, sizeof(out->ranges_missing), "%s", k->syms_why);
	out->period_ns = SAMPLER_PERIOD_NS;
}

int kevidence_sampler_open(struct kevidence *k, uint32_t ncpus)
{
	int err;

	if (!k->sampler_src.available)
		return -ENOENT;
	err = sampler_open(&k->sampler, bpf_program__fd(k->skel->progs.perf_sample_stack), ncpus,
			   SAMPLER_PERIOD_NS);
	if (err) {
		k->sampler_src.available = false;
		snprintf(k->sampler_src.why, sizeof(k->sampler_src.why), "%s", k->sampler.why);
	} else if (k->sampler.why[0]) {
		snprintf(k->sampler_src.why, sizeof(k->sampler_src.why), "%s", k->sampler.why);
	}
	return err;
}

void kevidence_sampler_follow(struct kevidence *k, const uint32_t *cpus, uint32_t n)
{
	sampler_follow(&k->sampler, cpus, n);
}

void kevidence_sampler_close(struct kevidence *k)
{
	sampler_close(&k->sampler);
}

int kevidence_discover(struct kevidence *k, bool seed, bool all, struct discovery *d)
{
	if (!k->discovery_src.available) {
		memset(d, 0, sizeof(*d));
		snprintf(d->why, sizeof(d->why), "%s", k->discovery_src.why);
		return -ENOENT;
	}
	return discover_run(k->skel, seed, all, d);
}

int kevidence_task(struct kevidence *k, uint32_t tid, struct mt_disc_rec *out)
{
	if (!k->discovery_src.available)
		return -ENOENT;
	return discover_task(k->skel, tid, out);
}

static const char *cached_name(struct kevidence *k, uint64_t addr)
{
	for (uint32_t i = 0; i < k->nnames; i++)
		if (k->names[i].addr == addr)
			return k->names[i].name;
	return NULL;
}

static void cache_name(struct kevidence *k, uint64_t addr, const char *name)
{
	uint32_t slot = k->next_name++ % KEV_NAMES;	/* the oldest goes */

	k->names[slot].addr = addr;
	snprintf(k->names[slot].name, KEV_NAME_LEN, "%s", name);
	if (k->nnames < KEV_NAMES)
		k->nnames++;
}

void kevidence_names(struct kevidence *k, const uint64_t *addrs, uint32_t n,
		     char (*names)[KEV_NAME_LEN])
{
	uint64_t *miss = calloc(n ? n : 1, sizeof(*miss));
	char (*found)[64] = calloc(n ? n : 1, sizeof(*found));
	uint32_t nmiss = 0;

	for (uint32_t i = 0; i < n; i++) {
		const char *c = addrs[i] ? cached_name(k, addrs[i]) : "";
		bool dup = false;

		snprintf(names[i], KEV_NAME_LEN, "%s", c ? c : "");
		if (c || !miss)
			continue;
		for (uint32_t m = 0; m < nmiss && !dup; m++)
			dup = miss[m] == addrs[i];
		if (!dup)
			miss[nmiss++] = addrs[i];
	}
	if (nmiss && found && !kallsyms_symbolize(KALLSYMS, miss, nmiss, found)) {
		for (uint32_t m = 0; m < nmiss; m++)
			cache_name(k, miss[m], found[m]);
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t m = 0; m < nmiss && !names[i][0]; m++)
				if (addrs[i] == miss[m])
					snprintf(names[i], KEV_NAME_LEN, "%s", found[m]);
	}
	free(miss);
	free(found);
}

/* cpu's state, names left out (kevidence_read_cpu adds them). */
static void read_cpu_raw(struct kevidence *k, uint32_t cpu, struct cpu_kevidence *out)
{
	struct migtrace_bpf *skel = k->skel;
	int nr = libbpf_num_possible_cpus();
	struct mt_cpu_work works[nr > 0 ? nr : 1];
	struct mt_cpu_drain d;
	uint32_t zero = 0;

	memset(out, 0, sizeof(*out));
	out->cpu = cpu;
	out->sampling = sampler_on(&k->sampler, cpu);
	if (!skel)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.cpu_drain), &cpu, &d)) {
		out->drain_flags = d.flags;
		out->queuer_stack = d.queuer_stack;
		/* Queue-time stacks come raw (the hook stays small): classified here. */
		if (!out->queuer_stack.bits && out->queuer_stack.nframes)
			out->queuer_stack.bits = mt_stack_classify(k->syms.r, k->syms.n,
								   out->queuer_stack.ip,
								   out->queuer_stack.nframes, 0);
		if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.cpu_sample), &cpu, &out->sample))
			out->sampled = out->sample.samples && d.queue_ts && !d.start_ts &&
				       out->sample.work == d.work &&
				       out->sample.queue_ts == d.queue_ts;
	}
	if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.cpu_work), &zero, works) &&
	    (int)cpu < nr && works[cpu].seq) {
		out->works = works[cpu];
		out->work = out->works.runs[(out->works.seq - 1) % MT_WORK_RING];
	}
}

void kevidence_read_cpu(struct kevidence *k, uint32_t cpu, struct cpu_kevidence *out)
{
	uint64_t addrs[2];
	char names[2][KEV_NAME_LEN];

	read_cpu_raw(k, cpu, out);
	addrs[0] = out->sampled ? out->sample.work_func : 0;
	addrs[1] = out->work.func;
	kevidence_names(k, addrs, 2, names);
	memcpy(out->sample_func, names[0], KEV_NAME_LEN);
	memcpy(out->work_func, names[1], KEV_NAME_LEN);
}

/*
 * The name of a kworker's work function for a verdict: cached, else the
 * one the kernel wrote into func_names, else the address. Never a scan
 * of /proc/kallsyms: this runs in the tick, and with a CPU starved that
 * scan took seconds (issue 23).
 */
static void func_name(struct kevidence *k, uint64_t func, char *buf, size_t len)
{
	struct mt_func_name fn;
	const char *c = cached_name(k, func);

	if (!c && k->skel &&
	    !bpf_map_lookup_elem(bpf_map__fd(k->skel->maps.func_names), &func, &fn)) {
		fn.name[sizeof(fn.name) - 1] = '\0';
		cache_name(k, func, fn.name);
		c = fn.name;
	}
	if (c) {
		size_t n = strlen(c);

		/* "f+0x0" (a name migtrace evidence looked up): a work function is its start */
		n = n > 4 && !strcmp(c + n - 4, "+0x0") ? n - 4 : n;
		snprintf(buf, len, "%.*s", (int)n, c);
	} else {
		snprintf(buf, len, "0x%llx", (unsigned long long)func);
	}
}

void kevidence_pending(struct kevidence *k, struct pending_drain *p)
{
	const struct mt_cpu_sample *s;
	struct cpu_kevidence c;
	uint64_t func = 0;

	read_cpu_raw(k, p->cpu, &c);
	s = &c.sample;
	p->found_at_attach = c.drain_flags & MT_DRAIN_DISCOVERED;
	/* A stack shows a hold; it does not show its absence. */
	p->queuer_stack_holds = c.queuer_stack.bits & MT_SB(MT_SB_HOLDS_COLLECTED) ?
				EV_YES : EV_UNKNOWN;
	p->samples_known = k->sampler_src.available && sampler_covers(&k->sampler, p->cpu);
	/* The samples in a row on the task now on the CPU (since the work was queued). */
	if (c.sampled && (!p->occupant.pid || s->streak_pid == p->occupant.pid)) {
		p->samples = s->streak_samples;
		p->samples_user = s->streak_user;
		p->samples_fault = s->streak_fault;
	}
	/* A kworker on the CPU: its work function as sampled, else the item it started there. */
	if (p->occupant.pid && c.sampled && s->last_pid == p->occupant.pid && s->work_func)
		func = s->work_func;
	else if (p->occupant.pid && c.work.func && c.work.pid == p->occupant.pid && !c.work.end_ts)
		func = c.work.func;
	if (func) {
		p->occupant_kworker = true;
		func_name(k, func, p->occupant_work_func, sizeof(p->occupant_work_func));
	}
}

int kevidence_start(struct kevidence *k, uint32_t ncpus)
{
	if (k->sampler_src.available && kevidence_sampler_open(k, ncpus))
		fprintf(stderr, "migtrace: no stack sampler: %s\n", k->sampler_src.why);
	discovery_free(&k->found);
	if (!k->discovery_src.available)
		return -ENOENT;
	return kevidence_discover(k, true, false, &k->found);
}

const struct discovery *kevidence_found(const struct kevidence *k)
{
	return &k->found;
}

void kevidence_close(struct kevidence *k)
{
	discovery_free(&k->found);
	sampler_close(&k->sampler);
	stack_syms_free(&k->syms);
}
