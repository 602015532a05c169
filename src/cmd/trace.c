// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace [OPTIONS] [INTERVAL [COUNT]]: trace the running kernel, print
 * reports and incidents.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd/detect_opts.h"
#include "output/report.h"
#include "cmd/commands.h"
#include "kernel/detect_live.h"
#include "kernel/session.h"
#include "cmd/tracing_opts.h"
#include "cmd/signals.h"
#include "core/util.h"

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
"       migtrace caps|record|report|compare|daemon|evidence --help\n"
"\n"
"Without INTERVAL, one report is printed when the run ends (-d, COUNT, or\n"
"Ctrl-C). With INTERVAL, a report every INTERVAL seconds, COUNT times.\n"
"\n"
"EXAMPLES:\n"
"    migtrace -d 10           # trace for 10 s, then report\n"
"    migtrace 1 5             # a report each second, five times\n"
"    migtrace -C 3 --json 2   # CPU 3's drain work, JSON lines every 2 s\n"
"    migtrace -p 4242         # only process 4242's faults and migrations\n"
"    migtrace caps            # what this kernel lets migtrace see\n";



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

static struct detect_live detectors;

static void print_report(struct session *s)
{
	static struct snapshot r;	/* large: per-CPU histograms */

	memset(&r, 0, sizeof(r));
	session_snapshot(s, &r);
	detect_live_totals(&detectors, &r);
	if (opts.json) {
		report_json(stdout, &r);
		return;
	}
	if (opts.interval_s) {
		time_t t = time(NULL);
		char ts[32];

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("\n%s\n", ts);
	}
	report_text(stdout, &r);
}

static int run(struct session *s)
{
	uint64_t start = mono_ns(), next = start + opts.interval_s * NSEC_PER_SEC;
	unsigned long reports = 0;
	bool counted_out = false;
	int err;

	/* On stderr in every mode: scripts wait for it before starting a workload. */
	fprintf(stderr, "Tracing... %s\n", tracing_opts.duration_s || opts.interval_s ?
		"" : "Hit Ctrl-C to end.");
	while (!signals_exiting() && !detectors.triggered) {
		uint64_t now;

		err = session_poll_batch(s, SESSION_POLL_BUDGET);
		if (err < 0) {
			fprintf(stderr, "migtrace: reading the ring buffer failed: %s\n",
				strerror(-err));
			return 1;
		}
		now = mono_ns();
		detect_live_poll(&detectors, now);
		if (opts.interval_s && now >= next) {
			print_report(s);
			session_reset_interval(s);
			next += opts.interval_s * NSEC_PER_SEC;
			if (opts.count && ++reports >= opts.count) {
				counted_out = true;
				break;
			}
		}
		if (tracing_opts.duration_s && now - start >= tracing_opts.duration_s * NSEC_PER_SEC)
			break;
	}
	/* Take what is still in the ring buffer before the last report. */
	session_poll(s, 0, SESSION_POLL_BUDGET);
	detect_live_finish(&detectors);
	if (!counted_out)
		print_report(s);
	return detectors.triggered ? EXIT_INCIDENT : 0;
}

int cmd_trace(int argc, char **argv)
{
	static const struct argp_child children[] = { { &tracing_argp, 0, NULL, 1 }, { &detect_argp, 0, NULL, 2 }, {} };
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "[INTERVAL [COUNT]]", .doc = doc,
		.children = children,
	};
	static struct session s;
	char err[512];
	int ret;

	ret = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (ret)
		return EXIT_USAGE;
	signals_install();

	if (session_open(&s, &tracing_opts.session, err, sizeof(err))) {
		fprintf(stderr, "migtrace: %s\n", err);
		session_close(&s);
		return 1;
	}
	if (detect_live_start(&detectors, &s, &detect_opts, stdout, opts.json)) {
		fprintf(stderr, "migtrace: out of memory\n");
		ret = 1;
	} else {
		ret = run(&s);
	}
	detect_live_free(&detectors);
	session_close(&s);
	return ret;
}
