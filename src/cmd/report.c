// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace report FILE: the report a live run would have printed, from a
 * record: events replayed through the same aggregation, the kernel's
 * histograms from the last snapshot (record/replay.c). Also the
 * Chrome/Perfetto export.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "output/record_print.h"
#include "output/snapshot_print.h"
#include "output/trace_export.h"
#include "record/replay.h"


static struct options {
	const char *file;
	const char *trace_out;
	bool json;
	bool quiet;
} opts;

static const char doc[] =
"Print the report of a recorded run, as the live run prints it.\n"
"\n"
"USAGE: migtrace report [OPTIONS] FILE\n"
"\n"
"A record cut off by a kill or a crash is reported up to its last complete\n"
"chunk. Damage is named on stderr with its file offset; the exit status is\n"
"then 4 (the readable part is still reported), 1 when nothing is usable.\n"
"\n"
"EXAMPLES:\n"
"    migtrace report run.mtr\n"
"    migtrace report --json run.mtr | jq 'select(.type==\"drain_cpu\")'\n"
"    migtrace report --chrome-trace run.trace.json run.mtr   # ui.perfetto.dev\n";

enum { OPT_TRACE = 1000 };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of text (schema: migtrace(8))", 0 },
	{ "chrome-trace", OPT_TRACE, "OUT", 0,
	  "Also write a Chrome trace JSON timeline (Perfetto UI, chrome://tracing) to OUT", 0 },
	{ "quiet", 'q', NULL, 0, "No damage warnings on stderr (exit status still says)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		opts.json = true;
		break;
	case 'q':
		opts.quiet = true;
		break;
	case OPT_TRACE:
		opts.trace_out = arg;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (opts.file)
			argp_error(state, "one record at a time (compare takes several)");
		opts.file = arg;
		break;
	case ARGP_KEY_END:
		if (!opts.file)
			argp_error(state, "no record file given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (!opts.quiet)
		fprintf(stderr, "migtrace report: %s\n", msg);
}

int cmd_report(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "FILE", .doc = doc,
	};
	static struct replay rp;	/* large: a snapshot and the aggregate */
	static struct trace_export trace;
	struct replay_visitor v;
	char err[512];
	int ret;

	argv[0] = (char *)"migtrace report";	/* what argp names in its messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	trace_export_visitor(&trace, NULL, opts.trace_out, &v);
	ret = replay_record_path(opts.file, &rp, opts.trace_out ? &v : NULL, warn, NULL, err,
				 sizeof(err));
	if (ret || trace.err) {	/* unusable, or OUT cannot be created: no report */
		if (ret)
			fprintf(stderr, "migtrace report: %s\n", err);
		else
			fprintf(stderr, "migtrace report: %s: %s\n", opts.trace_out,
				strerror(trace.err));
		trace_export_end(&trace);
		return EXIT_ERROR;
	}
	if (opts.json) {
		record_print_json(stdout, &rp);
		snapshot_print_json(stdout, &rp.snap);
	} else {
		record_print_text(stdout, &rp);
		snapshot_print_text(stdout, &rp.snap);
		record_print_incidents(stdout, &rp);
	}
	if (!trace_export_end(&trace)) {
		fprintf(stderr, "migtrace report: writing %s failed\n", opts.trace_out);
		return EXIT_ERROR;
	}
	return rp.run.damaged ? EXIT_DAMAGED : EXIT_OK;
}
