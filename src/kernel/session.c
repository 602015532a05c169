// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/hist.h"
#include "kernel/privileges.h"
#include "migtrace.skel.h"
#include "kernel/session.h"
#include "core/util.h"

static int on_record(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct mt_event e;

	s->records++;
	if (size < sizeof(e)) {
		s->bad_records++;
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

static void detach_hook(struct session *s, unsigned int i)
{
	for (int k = 0; k < 5; k++) {
		bpf_link__destroy(s->links[i][k]);
		s->links[i][k] = NULL;
	}
}

static void attach(struct session *s)
{
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		const char *progs[6];
		char storage[4][64];
		enum mechanism m = s->hooks[i].mech;

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

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level, (void)fmt, (void)args;
	return 0;
}

static int libbpf_verbose(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return vfprintf(stderr, fmt, args);
}

int session_open(struct session *s, const struct session_opts *o, char *err, size_t len)
{
	int ret, n;

	bool warn_kallsyms;
	void *page;

	memset(s, 0, sizeof(*s));
	libbpf_set_print(o->verbose ? libbpf_verbose : libbpf_quiet);
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
	s->start_ns = s->interval_start_ns = mono_ns();
	return 0;
}

int session_add_sink(struct session *s, event_sink_fn fn, void *ctx)
{
	if (s->nsinks == SESSION_MAX_SINKS)
		return -ENOSPC;
	s->sinks[s->nsinks++] = (struct event_sink){ fn, ctx };
	return 0;
}

void session_remove_sink(struct session *s, event_sink_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < s->nsinks; i++) {
		if (s->sinks[i].fn != fn || s->sinks[i].ctx != ctx)
			continue;
		memmove(&s->sinks[i], &s->sinks[i + 1], (--s->nsinks - i) * sizeof(s->sinks[0]));
		return;
	}
}

int session_poll(struct session *s, int timeout_ms, uint64_t budget)
{
	uint64_t before = s->records;
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
	return s->records - before;
}

int session_poll_batch(struct session *s, uint64_t budget)
{
	uint64_t now = mono_ns(), wait = SESSION_READ_NS - now % SESSION_READ_NS;
	struct timespec ts = { 0, (long)wait };

	nanosleep(&ts, NULL);	/* EINTR: a signal, the caller looks at it */
	return session_poll(s, 0, budget);
}

uint64_t session_produced(const struct session *s)
{
	/* Each record: an 8-byte header, then the event, rounded up to 8 bytes. */
	const uint64_t rec = (8 + sizeof(struct mt_event) + 7) & ~7ULL;

	return s->producer_pos ? __atomic_load_n(s->producer_pos, __ATOMIC_ACQUIRE) / rec :
				 s->records;
}

uint64_t session_dropped(const struct session *s)
{
	uint64_t n = 0;

	for (int t = 0; t < MT_EV_TYPE_MAX; t++)
		n += s->skel->bss->dropped[t];
	return n;
}

static void read_hists(struct session *s, struct snapshot *r)
{
	int nr = libbpf_num_possible_cpus();
	struct mt_hist vals[nr > 0 ? nr : 1];
	int fd = bpf_map__fd(s->skel->maps.hists);

	memset(r->global, 0, sizeof(r->global));
	for (uint32_t id = 0; id < MT_H_MAX; id++) {
		if (bpf_map_lookup_elem(fd, &id, vals))
			continue;
		for (int c = 0; c < nr; c++)
			hist_merge(&r->global[id], &vals[c]);
	}
	fd = bpf_map__fd(s->skel->maps.cpu_hists);
	memset(r->cpu, 0, sizeof(r->cpu));
	for (uint32_t id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < s->ncpus; c++) {
			uint32_t key = id * MT_MAX_CPUS + c;

			bpf_map_lookup_elem(fd, &key, &r->cpu[id][c]);
		}
}

/* The queuer holds locked folios: the kernel's holders table, if it can tell. */
static void read_holder(struct session *s, struct pending_drain *p, uint64_t now)
{
	struct mt_holder h;

	p->queuer_holds = EV_UNKNOWN;
	if (!hook_holders_known(s->hooks))
		return;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.holders), &p->queuer.pid, &h)) {
		/* A holder the full table refused would be missing too. */
		p->queuer_holds = s->skel->bss->holders_full ? EV_UNKNOWN : EV_NO;
		return;
	}
	p->queuer_holds = EV_YES;
	p->held_ns = now > h.since_ts ? now - h.since_ts : 0;
	p->held_start = h.start;
	p->held_end = h.end;
	p->held_pages = h.npages;
}

/* The occupant's fault run, looked up by its pid: no top-N list to fall out of. */
static void read_occupant_run(struct session *s, struct pending_drain *p)
{
	struct mt_fault_run run;

	p->runs_lost = s->skel->bss->fault_runs_full != 0;
	if (!p->occupant.pid ||
	    bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.fault_runs), &p->occupant.pid, &run))
		return;
	p->occupant_run_seen = true;
	p->occupant_run = (struct agg_run){
		.task = run.task,
		.address = run.address,
		.attempts = run.attempts,
		.retries = fault_run_retries(run.source, run.attempts, run.vma_lock_attempts),
		.first_ts = run.first_ts,
		.last_ts = run.last_ts,
		.source = run.source,
		.open = true,
	};
}

static void read_pending(struct session *s, struct snapshot *r, uint64_t now)
{
	int fd = bpf_map__fd(s->skel->maps.cpu_drain);

	r->npending = 0;
	for (uint32_t c = 0; c < s->ncpus && r->npending < SNAPSHOT_MAX_PENDING; c++) {
		struct mt_cpu_drain d;
		struct pending_drain *p;

		if (bpf_map_lookup_elem(fd, &c, &d) || !d.queue_ts || d.start_ts || d.queue_ts > now)
			continue;
		p = &r->pending[r->npending++];
		memset(p, 0, sizeof(*p));
		p->cpu = c;
		p->age_ns = now - d.queue_ts;
		p->queuer = d.queuer;
		p->blocker = d.blocker;
		p->blocker_ns = d.blocker_ns;
		p->occupant = d.occupant;
		if (d.occupant_since_ts && d.occupant_since_ts <= now)
			p->occupant_ns = now - d.occupant_since_ts;
		/* Preempted for a moment and back: its earlier stretches count too. */
		if (d.occupant.pid && d.blocker.pid == d.occupant.pid)
			p->occupant_ns += d.blocker_ns;
		if (p->occupant_ns > p->age_ns)
			p->occupant_ns = p->age_ns;
		read_holder(s, p, now);
		read_occupant_run(s, p);
	}
}

/*
 * Runs still going: faulted within the last second. A task that exited
 * or moved on leaves its last run in the map; such stale runs must not
 * crowd live spinners out of the AGG_TOP kept.
 */
static void read_open_runs(struct session *s, struct snapshot *r, uint64_t now)
{
	int fd = bpf_map__fd(s->skel->maps.fault_runs);
	uint32_t key, next, *prev = NULL;
	struct mt_fault_run run;

	memset(r->open_runs, 0, sizeof(r->open_runs));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		/* last_ts may be past now: the spinner faulted again since now was read. */
		if (bpf_map_lookup_elem(fd, &key, &run) || run.attempts < 3 ||
		    (run.last_ts < now && now - run.last_ts >= NSEC_PER_SEC))
			continue;
		struct agg_run a = {
			.task = run.task,
			.address = run.address,
			.attempts = run.attempts,
			.retries = fault_run_retries(run.source, run.attempts,
						     run.vma_lock_attempts),
			.first_ts = run.first_ts,
			.last_ts = run.last_ts,
			.source = run.source,
			.open = true,
		};
		agg_top_runs_insert(r->open_runs, &a);
	}
}

void session_snapshot_live(struct session *s, struct snapshot *r, uint64_t now)
{
	read_pending(s, r, now);
	read_open_runs(s, r, now);
}

void session_snapshot(struct session *s, struct snapshot *r)
{
	uint64_t now = mono_ns();

	r->agg = &s->agg;
	r->hooks = s->hooks;
	r->ncpus = s->ncpus;
	r->duration_ns = now - s->interval_start_ns;
	read_hists(s, r);
	session_snapshot_live(s, r, now);
	r->dropped_total = 0;
	for (int t = 0; t < MT_EV_TYPE_MAX; t++) {
		r->dropped[t] = s->skel->bss->dropped[t];
		r->dropped_total += r->dropped[t];
	}
	r->state_full = s->skel->bss->state_full;
	r->bad_records = s->bad_records;
}

void session_reset_interval(struct session *s)
{
	int nr = libbpf_num_possible_cpus();
	struct mt_hist zeros[nr > 0 ? nr : 1];
	int fd = bpf_map__fd(s->skel->maps.hists);
	struct mt_hist zero = {};

	memset(zeros, 0, sizeof(zeros));
	for (uint32_t id = 0; id < MT_H_MAX; id++)
		bpf_map_update_elem(fd, &id, zeros, BPF_ANY);
	fd = bpf_map__fd(s->skel->maps.cpu_hists);
	for (uint32_t id = 0; id < MT_H_PER_CPU; id++)
		for (uint32_t c = 0; c < s->ncpus; c++) {
			uint32_t key = id * MT_MAX_CPUS + c;

			bpf_map_update_elem(fd, &key, &zero, BPF_ANY);
		}
	agg_reset_interval(&s->agg);
	s->interval_start_ns = mono_ns();
}

void session_close(struct session *s)
{
	if (s->producer_pos)
		munmap((void *)s->producer_pos, sysconf(_SC_PAGESIZE));
	s->producer_pos = NULL;
	ring_buffer__free(s->rb);
	s->rb = NULL;
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		detach_hook(s, i);
	kevidence_close(&s->kev);
	migtrace_bpf__destroy(s->skel);
	s->skel = NULL;
	probe_env_free(&s->env);
}
