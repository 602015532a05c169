/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommands. Each takes the arguments after its name (argv[0] is the
 * name) and returns the process exit status.
 */
#ifndef MIGTRACE_COMMANDS_H
#define MIGTRACE_COMMANDS_H

#include "cmd/exit_status.h"

int cmd_trace(int argc, char **argv);	/* no subcommand: trace and report */
int cmd_caps(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_exposure(int argc, char **argv);

#endif
