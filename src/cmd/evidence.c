// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace evidence: the kernel-state evidence sources on their own, raw,
 * before any verdict: attach-time discovery of every task and of drain
 * work already pending, then, while drain work pends on a CPU, the stack
 * sampler's counts there, the queuer's stack and the CPU's last work item.
 * For checking a host (and the live tests) until the detectors use them.
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "cmd/parse.h"
#include "cmd/session_loop.h"
#include "cmd/signals.h"
#include "cmd/tracing_opts.h"
#include "core/discovery.h"
#include "kernel/kevidence.h"
#include "kernel/session.h"
#include "model/units.h"
#include "output/kevidence_print.h"

#define TICK_NS (100 * NSEC_PER_MSEC)
#define PRINT_EVERY_NS (500 * NSEC_PER_MSEC)

static struct {
	bool json, no_discover, no_sample, all_tasks, works;
	unsigned long task;		/* --task: that one, then exit */
} opts;

static const char doc[] =
"migtrace evidence: what migtrace reads from kernel state besides its hooks,\n"
"raw. At start, the tasks (running, runnable, busy kworkers, and those whose\n"
"kernel stack shows a fault, a drain or a migration) and the drain work\n"
"already pending in the per-CPU worker pools. Then, while drain work pends\n"
"on a CPU: the stack sampler's counts there, the queuer's stack, and the\n"
"work item that started last on that CPU. No verdicts (the detectors read\n"
"the same sources for each pending drain work item).\n"
"\n"
"USAGE: migtrace evidence [-d SECONDS] [--json] [--no-discover] [--no-sample]\n"
"                         [--all-tasks] [--works]\n"
"       migtrace evidence --task TID [--json]\n";

enum { OPT_NO_DISCOVER = 1000, OPT_NO_SAMPLE, OPT_ALL_TASKS, OPT_WORKS, OPT_TASK };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines (types evidence_sources, discovered_task, "
	  "discovered_work, cpu_evidence, cpu_work)", 0 },
	{ "no-discover", OPT_NO_DISCOVER, NULL, 0, "Skip the attach-time discovery", 0 },
	{ "no-sample", OPT_NO_SAMPLE, NULL, 0, "Do not open the stack sampler", 0 },
	{ "all-tasks", OPT_ALL_TASKS, NULL, 0, "Discovery prints every task, sleeping ones too", 0 },
	{ "works", OPT_WORKS, NULL, 0, "Every work item that starts on each CPU (cpu_work lines; "
	  "read every 100 ms from the last 16 per CPU, misses counted)", 0 },
	{ "task", OPT_TASK, "TID", 0, "Read that one task (its stack, a kworker's function) "
	  "and exit", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j': opts.json = true; break;
	case OPT_NO_DISCOVER: opts.no_discover = true; break;
	case OPT_NO_SAMPLE: opts.no_sample = true; break;
	case OPT_ALL_TASKS: opts.all_tasks = true; break;
	case OPT_WORKS: opts.works = true; break;
	case OPT_TASK:
		if (!parse_ulong(arg, UINT32_MAX, &opts.task) || !opts.task)
			argp_error(state, "invalid thread id: %s", arg);
		break;
	case 'h': argp_state_help(state, stdout, ARGP_HELP_STD_HELP); break;
	case ARGP_KEY_ARG: argp_error(state, "evidence takes no arguments: %s", arg); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool telling(const struct mt_disc_rec *r)
{
	return r->func || (r->flags & MT_DF_ON_CPU) ||
	       (r->stack.bits & ~(MT_SB(MT_SB_KERNEL) | MT_SB(MT_SB_USER)));
}

/* Every record, names resolved in one pass over /proc/kallsyms. */
static void print_discovery(struct kevidence *k, const struct discovery *d)
{
	uint32_t per = MT_STACK_DEPTH + 1, n = d->nrecs;
	uint64_t *addrs = calloc((size_t)n * per + 1, sizeof(*addrs));
	char (*names)[KEV_NAME_LEN] = calloc((size_t)n * per + 1, KEV_NAME_LEN);

	if (!addrs || !names) {
		fprintf(stderr, "migtrace: out of memory\n");
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct mt_disc_rec *r = &d->recs[i];

		if (r->type != MT_DISC_TASK)
			continue;
		addrs[i * per] = r->func;
		for (uint32_t f = 0; telling(r) && f < r->stack.nframes && f < MT_STACK_DEPTH; f++)
			addrs[i * per + 1 + f] = r->stack.ip[f];
	}
	kevidence_names(k, addrs, n * per, names);
	for (uint32_t i = 0; i < n; i++) {
		const struct mt_disc_rec *r = &d->recs[i];

		kev_print_disc(stdout, opts.json, d, r, names[i * per],
			       r->type == MT_DISC_TASK && telling(r) ?
			       (const kev_frames *)&names[i * per + 1] : NULL);
	}
	if (!opts.json)
		printf("discovery: %u records, %u waiters in __flush_work <- __lru_add_drain_all, "
		       "%u pending works now followed, HZ %u\n", d->nrecs, d->waiters, d->seeded,
		       d->hz);
out:
	free(addrs);
	free(names);
}

/* One task read now by the iterator (per tid), its frames named. */
static int print_task(struct kevidence *k, uint32_t tid)
{
	struct discovery one = { .ran = true, .nrecs = 1 };
	static kev_frames names;
	struct mt_disc_rec r;
	uint64_t addrs[MT_STACK_DEPTH + 1] = {};
	char func[1][KEV_NAME_LEN];
	int err = kevidence_task(k, tid, &r);

	if (err) {
		fprintf(stderr, "migtrace: task %u: %s\n", tid, strerror(-err));
		return err;
	}
	one.recs = &r;
	for (uint32_t f = 0; f < r.stack.nframes && f < MT_STACK_DEPTH; f++)
		addrs[f] = r.stack.ip[f];
	kevidence_names(k, addrs, MT_STACK_DEPTH, names);
	addrs[MT_STACK_DEPTH] = r.func;
	kevidence_names(k, &addrs[MT_STACK_DEPTH], 1, func);
	kev_print_disc(stdout, opts.json, &one, &r, func[0], (const kev_frames *)&names);
	return 0;
}

static void print_cpu(struct kevidence *k, const struct cpu_kevidence *c, bool ended)
{
	static kev_frames names[2];
	uint64_t addrs[2 * MT_STACK_DEPTH] = {};

	for (uint32_t f = 0; f < c->sample.last.nframes && f < MT_STACK_DEPTH; f++)
		addrs[f] = c->sample.last.ip[f];
	for (uint32_t f = 0; f < c->queuer_stack.nframes && f < MT_STACK_DEPTH; f++)
		addrs[MT_STACK_DEPTH + f] = c->queuer_stack.ip[f];
	kevidence_names(k, addrs, 2 * MT_STACK_DEPTH, names[0]);
	kev_print_cpu(stdout, opts.json, c, ended, &names[0], &names[1]);
	fflush(stdout);
}

/* The work items started on a CPU since those printed, oldest first (--works). */
static void print_works(struct kevidence *k, const struct cpu_kevidence *c, uint64_t *printed)
{
	const struct mt_cpu_work *w = &c->works;
	uint64_t from = *printed, missed = 0, addrs[MT_WORK_RING];
	char names[MT_WORK_RING][KEV_NAME_LEN];
	uint32_t n = 0;

	if (w->seq - from > MT_WORK_RING) {
		missed = w->seq - from - MT_WORK_RING;
		from = w->seq - MT_WORK_RING;
	}
	for (uint64_t i = from; i < w->seq; i++)
		addrs[n++] = w->runs[i % MT_WORK_RING].func;
	kevidence_names(k, addrs, n, names);
	for (uint32_t i = 0; i < n; i++)
		kev_print_work(stdout, opts.json, c->cpu, &w->runs[(from + i) % MT_WORK_RING],
			       names[i], i ? 0 : missed);
	*printed = w->seq;
}

/* Per CPU: the sample counted while pending, to print once more when the work starts. */
static struct {
	bool pending;
	uint64_t last_print, work, queue_ts;
	uint64_t work_seq;		/* work items printed (--works) */
} cpus[MT_MAX_CPUS];

/* The party of the session loop: every TICK_NS, the CPUs with pending drain work. */
struct evidence_run {
	struct session *s;
	struct kevidence *k;
	uint64_t next;
};

static bool on_poll(void *ctx, uint64_t now)
{
	static struct snapshot snap;	/* large: per-CPU histograms */
	struct evidence_run *run = ctx;
	bool pending[MT_MAX_CPUS] = {};
	struct cpu_kevidence c;

	if (now < run->next)
		return false;
	run->next = now + TICK_NS;
	/* Reading the pending work also points the sampler at those CPUs. */
	session_snapshot_pending(run->s, &snap, now);
	for (uint32_t i = 0; i < snap.npending; i++)
		pending[snap.pending[i].cpu] = true;
	for (uint32_t cpu = 0; cpu < session_ncpus(run->s); cpu++) {
		if (!pending[cpu] && !cpus[cpu].pending && !opts.works)
			continue;
		kevidence_read_cpu(run->k, cpu, &c);
		if (opts.works)
			print_works(run->k, &c, &cpus[cpu].work_seq);
		if (!pending[cpu] && !cpus[cpu].pending)
			continue;
		if (pending[cpu] && c.sampled) {
			cpus[cpu].work = c.sample.work;
			cpus[cpu].queue_ts = c.sample.queue_ts;
		}
		if (pending[cpu] && now - cpus[cpu].last_print >= PRINT_EVERY_NS && c.sampled) {
			print_cpu(run->k, &c, false);
			cpus[cpu].last_print = now;
		} else if (!pending[cpu] && c.sample.work == cpus[cpu].work &&
			   c.sample.queue_ts == cpus[cpu].queue_ts && c.sample.samples) {
			print_cpu(run->k, &c, true);	/* the work started: its final counts */
		}
		cpus[cpu].pending = pending[cpu];
	}
	return false;
}

int cmd_evidence(int argc, char **argv)
{
	static const struct argp_child children[] = { { &tracing_argp, 0, NULL, 1 }, {} };
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "", .doc = doc,
		.children = children,
	};
	struct loop_options lo = { 0 };
	struct evidence_run run = { 0 };
	struct loop_callbacks cb = { .ctx = &run, .poll = on_poll };
	struct session_loop *loop = NULL;
	struct discovery all = { 0 };
	struct kev_sources src;
	enum loop_end why;
	char err[512];

	argv[0] = "migtrace evidence";	/* for argp's messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	signals_install();
	lo.duration_ns = tracing_opts.duration_s * NSEC_PER_SEC;
	if (tracing_session_open(&run.s))
		return EXIT_ERROR;
	if (session_loop_start(&loop, run.s, &lo, err, sizeof(err)) ||
	    session_loop_add(loop, &cb)) {
		fprintf(stderr, "migtrace: %s\n", err);
		session_loop_free(loop);
		session_close(run.s);
		return EXIT_ERROR;
	}
	run.k = session_kevidence(run.s);
	if (opts.task) {
		why = print_task(run.k, opts.task) ? LOOP_READ_ERROR : LOOP_SIGNAL;
		session_loop_free(loop);
		session_close(run.s);
		return why == LOOP_READ_ERROR ? EXIT_ERROR : EXIT_OK;
	}
	kevidence_sources(run.k, &src);
	kev_print_sources(stdout, opts.json, &src);
	if (opts.no_sample)
		kevidence_sampler_close(run.k);
	/* The session read every task at start; --all-tasks reads them again, all. */
	if (!opts.no_discover && opts.all_tasks && !kevidence_discover(run.k, false, true, &all))
		print_discovery(run.k, &all);
	else if (!opts.no_discover && kevidence_found(run.k)->ran)
		print_discovery(run.k, kevidence_found(run.k));
	else if (!opts.no_discover)
		fprintf(stderr, "migtrace: no discovery: %s\n", kevidence_found(run.k)->why);
	discovery_free(&all);
	fflush(stdout);
	fprintf(stderr, "Tracing...\n");
	why = session_loop_run(loop);
	session_loop_free(loop);
	session_close(run.s);
	return why == LOOP_READ_ERROR ? EXIT_ERROR : EXIT_OK;
}
