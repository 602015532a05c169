// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "migtrace.h"
#include "cmd/tracing_opts.h"
#include "cmd/parse.h"

struct tracing_options tracing_opts = { .session = { .cpu = -1 } };

enum { OPT_NO_FENTRY = 3000, OPT_NO_KPROBE, OPT_NO_EVENTS };

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Tracing:", 2 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 2 },
	{ "pid", 'p', "PID", 0, "Only tasks of process PID (faults, migrations, locks)", 2 },
	{ "cpu", 'C', "CPU", 0, "Only drain work targeting CPU", 2 },
	{ "no-fentry", OPT_NO_FENTRY, NULL, 0, "Do not use fentry/fexit", 2 },
	{ "no-kprobe", OPT_NO_KPROBE, NULL, 0, "Do not use kprobes", 2 },
	{ "no-events", OPT_NO_EVENTS, "GROUPS", 0,
	  "Do not use the tracepoints of these groups (comma-separated, e.g. migtrace_lab: "
	  "see a patched kernel as an unpatched one would)", 2 },
	{ "verbose", 'v', NULL, 0, "Print libbpf's messages, including verifier logs", 2 },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case 'd':
		if (!parse_ulong(arg, 365UL * 24 * 3600, &v) || !v)
			argp_error(state, "invalid duration: %s", arg);
		tracing_opts.duration_s = v;
		break;
	case 'p':
		if (!parse_ulong(arg, INT32_MAX, &v) || !v)
			argp_error(state, "invalid PID: %s", arg);
		tracing_opts.session.tgid = v;
		break;
	case 'C':
		if (!parse_ulong(arg, MT_MAX_CPUS - 1, &v))
			argp_error(state, "invalid CPU: %s", arg);
		tracing_opts.session.cpu = v;
		break;
	case 'v':
		tracing_opts.session.verbose = true;
		break;
	case OPT_NO_FENTRY:
		tracing_opts.session.no_fentry = true;
		break;
	case OPT_NO_KPROBE:
		tracing_opts.session.no_kprobe = true;
		break;
	case OPT_NO_EVENTS:
		if (!*arg || strlen(arg) > 256 ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_,") != strlen(arg))
			argp_error(state, "invalid --no-events: %s (tracepoint groups, comma-separated)",
				   arg);
		tracing_opts.session.no_events = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp tracing_argp = { .options = options, .parser = parse };

int tracing_session_open(struct session **s)
{
	char err[512];

	if (!session_open(s, &tracing_opts.session, err, sizeof(err)))
		return 0;
	fprintf(stderr, "migtrace: %s\n", err);
	return -1;
}
