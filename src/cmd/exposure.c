// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace exposure [--json] [--facts] [--from FILE]: is this host exposed
 * to the device-private migration livelock, and would its kernel report it?
 * A command of its own, not only caps' host section: it loads no BPF, so it
 * runs where caps cannot (no CAP_BPF, a fleet scan, a minimal guest), and
 * --facts/--from let one host's facts be judged on another.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/commands.h"
#include "core/exposure.h"
#include "core/facts_file.h"
#include "kernel/host_probe.h"
#include "output/exposure_print.h"

static struct {
	bool json, facts;
	const char *from;
} opts;

static const char doc[] =
"migtrace exposure: which shapes of the device-private migration livelock this\n"
"host can hit (an RT task in user space, a task looping in hmm_range_fault() in\n"
"the kernel, a kworker doing that), each exposed, mitigated or not applicable,\n"
"with the facts that decide it and where each was read; unknown facts say why.\n"
"Needs no BPF; as root it also reads debugfs (mounting it privately if needed).\n"
"\n"
"USAGE: migtrace exposure [--json] [--facts] [--from FILE]\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines: host_fact, exposure_versions, exposure", 0 },
	{ "facts", 'f', NULL, 0, "Print the raw facts (a facts file for --from) instead", 0 },
	{ "from", 'F', "FILE", 0, "Judge the facts recorded in FILE instead of this host", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		opts.json = true;
		break;
	case 'f':
		opts.facts = true;
		break;
	case 'F':
		opts.from = arg;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "exposure takes no arguments: %s", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* A facts file into h; EXIT_OK or EXIT_ERROR with a message. */
static int load(const char *path, struct host_facts *h)
{
	char err[256], *text = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f = fopen(path, "r");
	int ret = EXIT_ERROR;

	if (!f) {
		fprintf(stderr, "migtrace: %s: %s\n", path, strerror(errno));
		return EXIT_ERROR;
	}
	do {
		if (len + 4096 + 1 > cap && !(text = realloc(text, cap = 2 * cap + 8192)))
			break;
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0 && len < (1 << 20));
	if (!text)
		fprintf(stderr, "migtrace: %s: out of memory\n", path);
	else if (ferror(f) || len >= (1 << 20) || memchr(text, '\0', len))
		fprintf(stderr, "migtrace: %s: %s\n", path, ferror(f) ? "read error" :
			len >= (1 << 20) ? "over 1 MiB: not a facts file" :
			"a NUL byte: not a facts file");
	else if ((text[len] = '\0', facts_file_parse(text, h, err, sizeof(err))))
		fprintf(stderr, "migtrace: %s: %s\n", path, err);
	else
		ret = EXIT_OK;
	free(text);
	fclose(f);
	return ret;
}

int cmd_exposure(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "", .doc = doc,
	};
	static struct host_facts h;
	static struct exposure e;

	argv[0] = "migtrace exposure";
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opts.from) {
		if (load(opts.from, &h))
			return EXIT_ERROR;
	} else {
		host_probe(&h);
	}
	if (opts.facts) {
		host_facts_print(stdout, &h);
		return EXIT_OK;
	}
	exposure_evaluate(&h, &e);
	exposure_print(stdout, &e, opts.json);
	return EXIT_OK;
}
