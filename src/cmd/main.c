// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace: trace device-private migration, LRU drains and the tasks that
 * starve them. Dispatches to a subcommand; without one, the live run.
 */
#include <argp.h>
#include <string.h>
#include "cmd/commands.h"
#include "cmd/version.h"

const char *argp_program_version = MIGTRACE_VERSION;
const char *argp_program_bug_address = "the project's issue tracker";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "caps", cmd_caps },
	{ "record", cmd_record },
	{ "report", cmd_report },
	{ "compare", cmd_compare },
	{ "daemon", cmd_daemon },
	{ "evidence", cmd_evidence },
	{ "exposure", cmd_exposure },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	argp_err_exit_status = EXIT_USAGE;
	for (size_t i = 0; argc > 1 && commands[i].name; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return cmd_trace(argc, argv);
}
