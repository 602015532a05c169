/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommands. Each takes the arguments after its name (argv[0] is the
 * name) and returns the process exit status.
 */
#ifndef MIGTRACE_COMMANDS_H
#define MIGTRACE_COMMANDS_H

#define EXIT_USAGE 2

int cmd_live(int argc, char **argv);	/* also "caps" */
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_daemon(int argc, char **argv);

#endif
