// SPDX-License-Identifier: GPL-2.0
#include "migtrace.h"
#include "cmd/tracing_opts.h"
#include "core/util.h"

struct session_opts session_opts = { .cpu = -1 };

enum { OPT_NO_FENTRY = 3000, OPT_NO_KPROBE };

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Tracing:", 2 },
	{ "pid", 'p', "PID", 0, "Only tasks of process PID (faults, migrations, locks)", 2 },
	{ "cpu", 'C', "CPU", 0, "Only drain work targeting CPU", 2 },
	{ "no-fentry", OPT_NO_FENTRY, NULL, 0, "Do not use fentry/fexit", 2 },
	{ "no-kprobe", OPT_NO_KPROBE, NULL, 0, "Do not use kprobes", 2 },
	{ "verbose", 'v', NULL, 0, "Print libbpf's messages, including verifier logs", 2 },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case 'p':
		if (!parse_ulong(arg, INT32_MAX, &v) || !v)
			argp_error(state, "invalid PID: %s", arg);
		session_opts.tgid = v;
		break;
	case 'C':
		if (!parse_ulong(arg, MT_MAX_CPUS - 1, &v))
			argp_error(state, "invalid CPU: %s", arg);
		session_opts.cpu = v;
		break;
	case 'v':
		session_opts.verbose = true;
		break;
	case OPT_NO_FENTRY:
		session_opts.no_fentry = true;
		break;
	case OPT_NO_KPROBE:
		session_opts.no_kprobe = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp session_argp = { .options = options, .parser = parse };
