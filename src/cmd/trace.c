// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace [OPTIONS] [INTERVAL [COUNT]]: trace the running kernel, print
 * reports and incidents.
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd/commands.h"
#include "cmd/detect_opts.h"
#include "cmd/incident_log.h"
#include "cmd/kernel_log.h"
#include "cmd/parse.h"
#include "cmd/session_loop.h"
#include "cmd/signals.h"
#include "cmd/tracing_opts.h"
#include "output/caps.h"
#include "output/incident_print.h"
#include "output/kreport_print.h"
#include "output/snapshot_print.h"

static struct options {
	bool json;
	unsigned long interval_s;	/* 0: one report at the end */
	unsigned long count;		/* 0: unlimited */
} opts;

static const char doc[] =
"migtrace: see who holds device-private folio locks, who spins on faults, and\n"
"which CPU never runs its lru_add_drain_all work.\n"
"\n"
"USAGE: migtrace [OPTIONS] [INTERVAL [COUNT]]\n"
"       migtrace caps|exposure|evidence|record|report|compare|daemon --help\n"
"\n"
"Without INTERVAL, one report is printed when the run ends (-d, COUNT, or\n"
"Ctrl-C). With INTERVAL, a report every INTERVAL seconds, COUNT times.\n"
"\n"
"EXAMPLES:\n"
"    migtrace -d 10           # trace for 10 s, then report\n"
"    migtrace 1 5             # a report each second, five times\n"
"    migtrace -C 3 --json 2   # CPU 3's drain work, JSON lines every 2 s\n"
"    migtrace -p 4242         # only process 4242's faults and migrations\n"
"    migtrace caps            # what this kernel lets migtrace see\n"
"    migtrace exposure        # can this host hit the livelock, would it know\n";



static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of text (schema: migtrace(8))", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int positional;
	unsigned long v;

	switch (key) {
	case 'j':
		opts.json = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (positional == 0) {
			if (!parse_ulong(arg, 24 * 3600, &v) || !v)
				argp_error(state, "invalid interval: %s", arg);
			opts.interval_s = v;
		} else if (positional == 1) {
			if (!parse_ulong(arg, ULONG_MAX, &v) || !v)
				argp_error(state, "invalid count: %s", arg);
			opts.count = v;
		} else {
			argp_error(state, "unexpected argument: %s", arg);
		}
		positional++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct trace {
	struct session_loop *loop;
	struct kernel_log kernel_log;
	struct incident_log incident_log;	/* --kmsg */
};

static void print_report(struct session_loop *l)
{
	static struct snapshot snap;	/* large: per-CPU histograms */

	memset(&snap, 0, sizeof(snap));
	session_loop_snapshot(l, &snap);
	if (opts.json) {
		snapshot_print_json(stdout, &snap);
		return;
	}
	if (opts.interval_s) {
		time_t t = time(NULL);
		char ts[32];

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("\n%s\n", ts);
	}
	snapshot_print_text(stdout, &snap);
}

static void on_interval(void *ctx, uint64_t now, bool final)
{
	struct trace *t = ctx;

	(void)now, (void)final;
	print_report(t->loop);
}

static void on_incident(void *ctx, const struct incident *inc)
{
	(void)ctx;
	incident_print(stdout, inc, opts.json, detect_opts.stacks);
}

/* JSON: the held hooks' state in the stream (text: on stderr, from the session). */
static void on_hooks_changed(void *ctx, const struct hook_status *hooks, const char *note)
{
	(void)ctx;
	if (opts.json)
		hooks_print_held(stdout, hooks, note);
}

/* A joined report is in its incident's line; the others get one of their own. */
static void on_kernel_report(void *ctx, const struct kernel_report *kr)
{
	(void)ctx;
	if (!kr->incident_id)
		kreport_print(stdout, kr, opts.json);
}

int cmd_trace(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &tracing_argp, 0, NULL, 1 }, { &detect_argp, 0, NULL, 2 }, {},
	};
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "[INTERVAL [COUNT]]", .doc = doc,
		.children = children,
	};
	struct loop_options lo = { .reset_interval = true, .detect = &detect_opts };
	static struct trace t;
	struct loop_callbacks cb = { .ctx = &t, .incident = on_incident, .interval = on_interval,
				     .kernel_report = on_kernel_report,
				     .hooks_changed = on_hooks_changed };
	struct session *s;
	enum loop_end why;
	char err[512] = "no room for another party of the session loop";

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	signals_install();
	lo.interval_ns = opts.interval_s * NSEC_PER_SEC;
	lo.count = opts.count;
	lo.duration_ns = tracing_opts.duration_s * NSEC_PER_SEC;
	if (session_open(&s, &tracing_opts.session, err, sizeof(err)) ||
	    session_loop_start(&t.loop, s, &lo, err, sizeof(err)) ||
	    session_loop_add(t.loop, &cb) || kernel_log_add(&t.kernel_log, t.loop) ||
	    (detect_opts.kmsg && incident_log_add(&t.incident_log, t.loop))) {
		fprintf(stderr, "migtrace: %s\n", err);
		incident_log_close(&t.incident_log);
		kernel_log_close(&t.kernel_log);
		session_loop_free(t.loop);
		session_close(s);
		return EXIT_ERROR;
	}
	/* On stderr in every mode: scripts wait for it before starting a workload. */
	fprintf(stderr, "Tracing... %s\n", tracing_opts.duration_s || opts.interval_s ?
		"" : "Hit Ctrl-C to end.");
	if (session_attach_note(s)[0])
		on_hooks_changed(&t, session_hooks(s), session_attach_note(s));
	why = session_loop_run(t.loop);
	incident_log_close(&t.incident_log);
	kernel_log_close(&t.kernel_log);
	session_loop_free(t.loop);
	session_close(s);
	return why == LOOP_INCIDENT ? EXIT_INCIDENT : why == LOOP_READ_ERROR ? EXIT_ERROR : EXIT_OK;
}
