// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace caps [--json]: load and attach every hook, print what each one
 * ended up with (fentry, kprobe, tracepoint, or none and why), detach.
 */
#include <argp.h>
#include <stdio.h>
#include "cmd/commands.h"
#include "cmd/tracing_opts.h"
#include "kernel/session.h"
#include "output/caps.h"

static bool json;

static const char doc[] =
"migtrace caps: what this kernel lets migtrace see. Every hook is probed,\n"
"loaded and attached as a trace would; each line says the mechanism it got\n"
"(fentry, kprobe, tracepoint, tracepoint~ for an approximation, or none) and\n"
"why each better one was not used; then the evidence sources beyond hooks\n"
"(the stack sampler, the attach-time task discovery) and why one is missing.\n"
"\n"
"USAGE: migtrace caps [--json] [--no-fentry] [--no-kprobe] [-v]\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines: one \"caps\" object per hook", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		json = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "caps takes no arguments: %s", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_caps(int argc, char **argv)
{
	static const struct argp_child children[] = { { &tracing_argp, 0, NULL, 1 }, {} };
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "", .doc = doc,
		.children = children,
	};
	static struct session s;

	argv[0] = "migtrace caps";	/* for argp's messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (tracing_session_open(&s))
		return EXIT_ERROR;
	hooks_print_caps(stdout, s.hooks, json);
	sources_print_caps(stdout, json, &s.kev.sampler_src, SAMPLER_PERIOD_NS, &s.kev.discovery_src,
			   s.kev.syms.n, s.kev.syms_why);
	session_close(&s);
	return EXIT_OK;
}
