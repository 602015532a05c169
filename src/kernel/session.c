// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/clock.h"
#include "kernel/held_attach.h"
#include "kernel/kevidence.h"
#include "kernel/link_release.h"
#include "kernel/privileges.h"
#include "kernel/session.h"
#include "kernel/snapshot_read.h"
#include "kernel/probe.h"
#include "core/aggregate.h"
#include "model/hist.h"
#include "migtrace.skel.h"

struct event_sink {
	event_sink_fn fn;
	void *ctx;
};

struct session {
	struct migtrace_bpf *skel;
	struct ring_buffer *rb;
	struct probe_env env;
	struct hook_status hooks[HOOK_MAX];
	struct kernel_view kv;		/* what the map readers need (kernel/snapshot_read.c) */
	struct bpf_link *links[HOOK_MAX][5];
	struct agg agg;
	uint32_t ncpus;
	uint32_t filter_tgid;		/* -p: only this process's locks and faults are traced */
	uint64_t start_ns, interval_start_ns;
	uint64_t malformed;		/* ring buffer records of the wrong size */
	uint64_t events_read;		/* consumed since the start, malformed included */
	uint64_t poll_budget;		/* events left in the current read */
	const volatile uint64_t *producer_pos;	/* the ring buffer's, read-only; NULL: unknown */
	struct event_sink sinks[SESSION_MAX_SINKS];
	uint32_t nsinks;
	struct kevidence kev;		/* stack sampler, discovery, per-CPU work items */
	struct held_attach held;	/* fentry/kprobe hooks: a child's, held while a CPU stalls */
	unsigned int held_said;		/* its notes said on stderr */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct mt_event e;

	s->events_read++;
	if (size < sizeof(e)) {
		s->malformed++;
	} else {
		memcpy(&e, data, sizeof(e));	/* ring buffer records are only 8-byte aligned */
		agg_event(&s->agg, &e);
		for (uint32_t i = 0; i < s->nsinks; i++)
			s->sinks[i].fn(s->sinks[i].ctx, &e);
	}
	/* Stop this read once the budget is spent (see session_poll). */
	return --s->poll_budget ? 0 : -E2BIG;
}

static void enable_programs(struct session *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, s->skel->obj)
		bpf_program__set_autoload(p, false);
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		const char *progs[6];
		char storage[4][64];

		hook_programs(&hook_defs[i], &s->hooks[i], progs, storage);
		for (int k = 0; progs[k]; k++) {
			p = bpf_object__find_program_by_name(s->skel->obj, progs[k]);
			if (p)
				bpf_program__set_autoload(p, true);
		}
	}
}

static int load(struct session *s, const struct session_opts *o, char *err, size_t len)
{
	int ret;

	s->skel = migtrace_bpf__open();
	if (!s->skel) {
		snprintf(err, len, "opening the BPF object failed: %s", strerror(errno));
		return -errno;
	}
	s->skel->rodata->targ_tgid = o->tgid;
	s->filter_tgid = o->tgid > 0 ? o->tgid : 0;
	s->skel->rodata->targ_cpu = o->cpu;
	s->skel->rodata->drain_work_fn = s->env.drain_fn;
	s->skel->rodata->fault_vma_lock_flag = s->env.fault_vma_lock_flag;
	enable_programs(s);
	kevidence_prepare(&s->kev, s->skel);
	ret = migtrace_bpf__load(s->skel);
	if (ret) {
		snprintf(err, len, "loading the BPF programs failed: %s%s", strerror(-ret),
			 o->verbose ? "" : " (run with -v for the verifier log)");
		migtrace_bpf__destroy(s->skel);
		s->skel = NULL;
	}
	return ret;
}

/*
 * A load that fails is tried again without the sampler and discovery
 * programs: if that one loads, they were the cause (kept as their reason),
 * and the hooks keep their mechanisms.
 */
static int load_evidence_aside(struct session *s, const struct session_opts *o, char *err,
			       size_t len)
{
	char first[512];
	int ret = load(s, o, err, len);

	if (!ret || !kevidence_rule_out(&s->kev, err))
		return ret;
	snprintf(first, sizeof(first), "%s", err);
	if (!load(s, o, err, len))
		return 0;
	kevidence_rule_in(&s->kev);
	snprintf(err, len, "%s", first);
	return ret;
}

/*
 * If the programs of a mechanism do not load (a verifier that rejects them
 * on this kernel), rule that mechanism out for every hook, probe again and
 * retry: the hooks fall to their next mechanism with the reason kept.
 */
static int load_with_fallback(struct session *s, const struct session_opts *o, char *err,
			      size_t len)
{
	static const enum mechanism order[] = { MECH_FENTRY, MECH_KPROBE };

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		char *rule_out = order[k] == MECH_FENTRY ? s->env.no_fentry : s->env.no_kprobe;
		bool used = false;

		for (unsigned int i = 0; i < HOOK_MAX; i++)
			used |= s->hooks[i].mech == order[k];
		if (!used)
			continue;
		if (!load_evidence_aside(s, o, err, len))
			return 0;
		snprintf(rule_out, sizeof(s->env.no_fentry), "programs failed to load: %.130s", err);
		probe_hooks(&s->env, s->hooks);
	}
	return load_evidence_aside(s, o, err, len);
}

/* How long closing links may take before a child is left to finish it. */
#define LINK_RELEASE_MS 1000

/* Links detached without waiting on a starved CPU (kernel/link_release.c). */
static void release_links(struct bpf_link **links, unsigned int n)
{
	pid_t pid = links_release(links, n, LINK_RELEASE_MS);

	if (pid > 0)
		fprintf(stderr, "migtrace: the kernel has not released migtrace's BPF links "
			"after %u ms (a CPU that does not schedule: a livelock?); process %d "
			"holds them and ends when the kernel does\n", LINK_RELEASE_MS, (int)pid);
}

static void detach_hook(struct session *s, unsigned int i)
{
	release_links(s->links[i], 5);
}

/*
 * The hooks whose links need no grace period from every CPU (tracepoints);
 * the others are held_attach's.
 */
static void attach(struct session *s)
{
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		const char *progs[6];
		char storage[4][64];
		enum mechanism m = s->hooks[i].mech;

		if (mech_waits_on_every_cpu(m))
			continue;
		hook_programs(&hook_defs[i], &s->hooks[i], progs, storage);
		for (int k = 0; progs[k]; k++) {
			struct bpf_program *p;

			p = bpf_object__find_program_by_name(s->skel->obj, progs[k]);
			s->links[i][k] = p ? bpf_program__attach(p) : NULL;
			if (s->links[i][k])
				continue;
			snprintf(s->hooks[i].why[m], sizeof(s->hooks[i].why[m]),
				 "attaching %s failed: %s", progs[k], strerror(errno));
			s->hooks[i].mech = MECH_NONE;
			s->hooks[i].approximate = false;
			detach_hook(s, i);
			break;
		}
	}
	probe_resolve_derived(s->hooks);
}

/* What follows from the hooks attached now (held ones came or failed). */
static void hooks_changed(struct session *s)
{
	enum mechanism m = s->hooks[HOOK_DO_SWAP_PAGE].mech;

	probe_resolve_derived(s->hooks);
	/* Without the do_swap_page hook, the series' fault trylock feeds the fault runs. */
	s->skel->bss->faults_from_trylock = m != MECH_FENTRY && m != MECH_KPROBE;
	agg_set_drain_all_hooked(&s->agg, hook_drain_all_precise(s->hooks));
}

/* How long a start without a stall waits for the fentry/kprobe hooks. */
#define HELD_WAIT_MS 5000

static int libbpf_verbose(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return vfprintf(stderr, fmt, args);
}

static int open_into(struct session *s, const struct session_opts *o, char *err, size_t len)
{
	bool warn_kallsyms;
	void *page;
	int ret, n;

	libbpf_set_print(o->verbose ? libbpf_verbose : NULL);	/* NULL: libbpf says nothing */
	ret = privileges_check(err, len, &warn_kallsyms);
	if (ret)
		return ret;
	if (warn_kallsyms)
		fprintf(stderr, "migtrace: warning: without CAP_SYSLOG /proc/kallsyms may hide "
			"addresses: drain work may go untraced\n");
	ret = probe_env_init(&s->env, err, len);
	if (ret)
		return ret;
	if (o->no_fentry)
		snprintf(s->env.no_fentry, sizeof(s->env.no_fentry), "disabled by --no-fentry");
	if (o->no_kprobe)
		snprintf(s->env.no_kprobe, sizeof(s->env.no_kprobe), "disabled by --no-kprobe");
	s->env.no_events = o->no_events;
	n = libbpf_num_possible_cpus();
	s->ncpus = n > 0 ? (n < MT_MAX_CPUS ? n : MT_MAX_CPUS) : 1;
	if (o->cpu >= (int32_t)s->ncpus) {
		snprintf(err, len, "CPU %d does not exist (this machine has %u)", o->cpu,
			 s->ncpus);
		return -EINVAL;
	}
	probe_hooks(&s->env, s->hooks);

	ret = load_with_fallback(s, o, err, len);
	if (ret) {
		if (ret == -EPERM)
			snprintf(err, len, "loading BPF programs was refused (EPERM): run as root "
				 "or with CAP_BPF and CAP_PERFMON");
		return ret;
	}
	attach(s);
	kevidence_loaded(&s->kev, s->skel);
	agg_init(&s->agg, hook_drain_all_precise(s->hooks));
	s->kv = (struct kernel_view){ .skel = s->skel, .hooks = s->hooks, .ncpus = s->ncpus,
				      .kev = &s->kev };

	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
	if (!s->rb) {
		snprintf(err, len, "creating the ring buffer reader failed: %s", strerror(errno));
		return -errno;
	}
	/* The producer position page, read-only: the offered load (session_produced). */
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED,
		    bpf_map__fd(s->skel->maps.events), sysconf(_SC_PAGESIZE));
	if (page != MAP_FAILED)
		s->producer_pos = page;
	/* After attach: drain work already pending is found and followed from here. */
	kevidence_start(&s->kev, s->ncpus);
	s->start_ns = s->interval_start_ns = mono_ns();
	/* Then the hooks that wait for every CPU, unless the discovery saw one stalled. */
	held_attach_begin(&s->held, s->skel, s->hooks, kevidence_found(&s->kev), s->start_ns,
			  HELD_WAIT_MS);
	hooks_changed(s);
	if (held_attach_new_note(&s->held, &s->held_said) && s->held.note[0])
		fprintf(stderr, "migtrace: %s\n", s->held.note);
	return 0;
}

int session_open(struct session **sp, const struct session_opts *o, char *err, size_t len)
{
	struct session *s = calloc(1, sizeof(*s));
	int ret = s ? open_into(s, o, err, len) : -ENOMEM;

	if (!s)
		snprintf(err, len, "out of memory");
	if (ret)
		session_close(s);	/* safe on NULL and on a partly opened session */
	*sp = ret ? NULL : s;
	return ret;
}

bool session_attach_poll(struct session *s, uint64_t now)
{
	if (!held_attach_poll(&s->held, s->skel, s->hooks, s->ncpus, now))
		return false;
	hooks_changed(s);
	if (held_attach_new_note(&s->held, &s->held_said))
		fprintf(stderr, "migtrace: %s\n", s->held.note);
	return true;
}

const char *session_attach_note(const struct session *s)
{
	return s->held.note;
}

const struct hook_status *session_hooks(const struct session *s)
{
	return s->hooks;
}

uint32_t session_ncpus(const struct session *s)
{
	return s->ncpus;
}

uint32_t session_filter_tgid(const struct session *s)
{
	return s->filter_tgid;
}

uint64_t session_start_ns(const struct session *s)
{
	return s->start_ns;
}

struct kevidence *session_kevidence(struct session *s)
{
	return &s->kev;
}

uint64_t session_events_read(const struct session *s)
{
	return s->events_read;
}

int session_add_sink(struct session *s, event_sink_fn fn, void *ctx)
{
	if (s->nsinks == SESSION_MAX_SINKS)
		return -ENOSPC;
	s->sinks[s->nsinks++] = (struct event_sink){ fn, ctx };
	return 0;
}

int session_poll(struct session *s, int timeout_ms, uint64_t budget)
{
	uint64_t before = s->events_read;
	int n;

	/*
	 * libbpf reads until the ring buffer is empty, which under a storm
	 * faster than this loop is never: the caller's ticks (detectors,
	 * snapshots) would stop. A budget bounds each read.
	 */
	s->poll_budget = budget ? budget : 1;
	n = timeout_ms ? ring_buffer__poll(s->rb, timeout_ms) : ring_buffer__consume(s->rb);
	if (n < 0 && n != -E2BIG && n != -EINTR)
		return n;
	return s->events_read - before;
}

uint64_t session_produced(const struct session *s)
{
	/* Each record: an 8-byte header, then the event, rounded up to 8 bytes. */
	const uint64_t rec = (8 + sizeof(struct mt_event) + 7) & ~7ULL;

	return s->producer_pos ? __atomic_load_n(s->producer_pos, __ATOMIC_ACQUIRE) / rec :
				 s->events_read;
}

uint64_t session_dropped(const struct session *s)
{
	uint64_t n = 0;

	for (int t = 0; t < MT_EV_TYPE_MAX; t++)
		n += s->skel->bss->dropped[t];
	return n;
}

void session_snapshot_pending(struct session *s, struct snapshot *snap, uint64_t now)
{
	kview_pending(&s->kv, snap, now);
}

void session_snapshot_runs(struct session *s, struct snapshot *snap, uint64_t now)
{
	kview_runs(&s->kv, snap, now);
}

void session_snapshot(struct session *s, struct snapshot *snap)
{
	uint64_t now = mono_ns();

	memcpy(snap->hooks, s->hooks, sizeof(snap->hooks));
	snap->hooks_known = true;
	snap->events = s->agg.s;
	snap->ncpus = s->ncpus;
	snap->duration_ns = now - s->interval_start_ns;
	kview_hists(&s->kv, snap);
	kview_pending(&s->kv, snap, now);
	kview_runs(&s->kv, snap, now);
	snap->dropped_total = 0;
	for (int t = 0; t < MT_EV_TYPE_MAX; t++) {
		snap->dropped[t] = s->skel->bss->dropped[t];
		snap->dropped_total += snap->dropped[t];
	}
	snap->state_full = s->skel->bss->state_full;
	snap->malformed = s->malformed;
}

void session_reset_interval(struct session *s)
{
	kview_reset_hists(&s->kv);
	agg_reset_interval(&s->agg);
	s->interval_start_ns = mono_ns();
}

void session_close(struct session *s)
{
	pid_t held;

	if (!s)
		return;
	if (s->producer_pos)
		munmap((void *)s->producer_pos, sysconf(_SC_PAGESIZE));
	s->producer_pos = NULL;
	ring_buffer__free(s->rb);
	s->rb = NULL;
	/* The child goes first: both releases wait for the kernel at once. */
	held = held_attach_end(&s->held, 0);
	release_links(&s->links[0][0], HOOK_MAX * 5);
	held = link_child_wait(held, LINK_RELEASE_MS / 2);
	if (held > 0)
		fprintf(stderr, "migtrace: the kernel has not released the fentry/kprobe links "
			"yet (a CPU that does not schedule: a livelock?); process %d holds "
			"them and ends when the kernel does\n", (int)held);
	kevidence_close(&s->kev);
	migtrace_bpf__destroy(s->skel);
	s->skel = NULL;
	probe_env_free(&s->env);
	free(s);
}
