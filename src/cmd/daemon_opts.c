// SPDX-License-Identifier: GPL-2.0
/* migtrace daemon's own options (the tracing and detector ones are argp children). */
#include <string.h>
#include "cmd/daemon_opts.h"
#include "cmd/parse.h"

struct daemon_options daemon_opts = {
	.interval_s = 60,
	.max_rate = 100000,
	.json_mode = OUTPUT_DEFAULT_MODE,
	.prom_mode = OUTPUT_DEFAULT_MODE,
};

const char daemon_doc[] =
"migtrace daemon: trace until SIGINT or SIGTERM with bounded memory; every\n"
"INTERVAL write a report as JSON lines and running totals as a Prometheus\n"
"textfile. SIGHUP reopens the JSON file (log rotation). Under an event storm\n"
"the daemon samples records (aggregate-only) and says so.\n"
"\n"
"USAGE: migtrace daemon [OPTIONS]\n"
"\n"
"Files are created 0600 unless --json-mode/--prom-mode say otherwise (the\n"
"textfile collector of node_exporter usually needs 0644). Without --json-out\n"
"and --prom-file, JSON lines go to standard output.\n"
"\n"
"EXAMPLES:\n"
"    migtrace daemon --interval 30 --json-out /var/log/migtrace/migtrace.jsonl\n"
"    migtrace daemon -i 15 --prom-mode 0644 \\\n"
"        --prom-file /var/lib/migtrace/migtrace.prom\n";

enum {
	OPT_JSON_OUT = 1000, OPT_PROM_FILE, OPT_PID_FILE, OPT_JSON_MODE, OPT_PROM_MODE,
	OPT_MAX_RATE,
};

const struct argp_option daemon_options[] = {
	{ "interval", 'i', "SECONDS", 0, "Report every SECONDS (1..86400, default 60)", 0 },
	{ "json-out", OPT_JSON_OUT, "FILE", 0, "Append JSON lines to FILE ('-': standard output)", 0 },
	{ "prom-file", OPT_PROM_FILE, "PATH", 0,
	  "Replace PATH (*.prom) atomically with Prometheus text every interval", 0 },
	{ "json-mode", OPT_JSON_MODE, "MODE", 0, "Mode of a created JSON file (default 0600)", 0 },
	{ "prom-mode", OPT_PROM_MODE, "MODE", 0, "Mode of the Prometheus file (default 0600)", 0 },
	{ "pid-file", OPT_PID_FILE, "PATH", 0, "Write the PID to PATH, locked: one daemon per file", 0 },
	{ "max-event-rate", OPT_MAX_RATE, "N", 0,
	  "Records a second consumed before shedding load (1000..10000000, default 100000)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static void check_path(struct argp_state *state, const char *what, const char *path)
{
	char err[PATH_MAX + 128];

	if (!output_path_valid(path, err, sizeof(err)))
		argp_error(state, "invalid %s: %s", what, err);
}

error_t daemon_parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case 'i':
		if (!parse_ulong(arg, 24 * 3600, &v) || !v)
			argp_error(state, "invalid interval: %s", arg);
		daemon_opts.interval_s = v;
		break;
	case OPT_JSON_OUT:
		if (strcmp(arg, "-"))
			check_path(state, "--json-out", arg);
		daemon_opts.json_path = arg;
		break;
	case OPT_PROM_FILE: {
		size_t n = strlen(arg);

		check_path(state, "--prom-file", arg);
		if (n < 6 || strcmp(arg + n - 5, ".prom") || arg[n - 6] == '/')
			argp_error(state, "invalid --prom-file: %s: the textfile collector reads "
				   "only NAME.prom files", arg);
		daemon_opts.prom_path = arg;
		break;
	}
	case OPT_PID_FILE:
		check_path(state, "--pid-file", arg);
		daemon_opts.pid_path = arg;
		break;
	case OPT_JSON_MODE:
	case OPT_PROM_MODE:
		if (!output_parse_mode(arg, key == OPT_JSON_MODE ? &daemon_opts.json_mode : &daemon_opts.prom_mode))
			argp_error(state, "invalid mode: %s (octal, at most 0644, at least 0600)", arg);
		break;
	case OPT_MAX_RATE:
		if (!parse_ulong(arg, 10000000, &v) || v < 1000)
			argp_error(state, "invalid --max-event-rate: %s", arg);
		daemon_opts.max_rate = v;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument: %s", arg);
		break;
	case ARGP_KEY_END:
		if (!daemon_opts.json_path && !daemon_opts.prom_path)
			daemon_opts.json_path = "-";
		if (daemon_opts.json_path && daemon_opts.prom_path && !strcmp(daemon_opts.json_path, daemon_opts.prom_path))
			argp_error(state, "--json-out and --prom-file name the same file");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

