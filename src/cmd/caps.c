// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace caps [--json]: load and attach every hook, print what each one
 * ended up with (fentry, kprobe, tracepoint, or none and why), detach.
 */
#include <argp.h>
#include <stdio.h>
#include "cmd/commands.h"
#include "cmd/tracing_opts.h"
#include "core/exposure.h"
#include "kernel/host_probe.h"
#include "kernel/kevidence.h"
#include "kernel/kmsg.h"
#include "kernel/kmsg_writer.h"
#include "kernel/session.h"
#include "output/caps.h"
#include "output/exposure_print.h"
#include "output/incident_kmsg.h"
#include "output/kreport_print.h"

static bool json;

static const char doc[] =
"migtrace caps: what this kernel lets migtrace see. Every hook is probed,\n"
"loaded and attached as a trace would; each line says the mechanism it got\n"
"(fentry, kprobe, tracepoint, tracepoint~ for an approximation, or none) and\n"
"why each better one was not used; then the evidence sources beyond hooks\n"
"(the stack sampler, the attach-time task discovery) and why one is missing;\n"
"then whether the kernel log (/dev/kmsg) can be read for the kernel's own\n"
"stall reports, and opened for writing incidents (--kmsg). Then the host\n"
"section: what migtrace exposure prints (the facts that decide whether this\n"
"host can hit the livelock, and a verdict per shape of it).\n"
"\n"
"USAGE: migtrace caps [--json] [--no-fentry] [--no-kprobe] [-v]\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines: \"caps\" per hook, then the host section's", 0 },
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
	struct session *s;
	static struct kmsg_reader kmsg;
	static struct host_facts h;
	static struct exposure e;
	struct kev_sources src;
	struct kmsg_writer w;

	argv[0] = "migtrace caps";	/* for argp's messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (tracing_session_open(&s))
		return EXIT_ERROR;
	hooks_print_caps(stdout, session_hooks(s), json);
	kevidence_sources(session_kevidence(s), &src);
	sources_print_caps(stdout, json, &src);
	session_close(s);
	kmsg_open(&kmsg, KMSG_PATH);	/* the kernel's own reports: can they be read */
	if (!json)
		putchar('\n');
	kernel_log_print(stdout, &kmsg.state, json);
	kmsg_close(&kmsg);
	kmsg_writer_open(&w, KMSG_PATH);	/* --kmsg: opened, nothing written */
	incident_kmsg_caps(stdout, w.fd >= 0, w.fd >= 0 ? kmsg_writer_limit(&w) : w.why, json);
	kmsg_writer_close(&w);
	host_probe(&h);	/* the host section: migtrace exposure */
	exposure_evaluate(&h, &e);
	if (!json)
		putchar('\n');
	exposure_print(stdout, &e, json);
	return EXIT_OK;
}
