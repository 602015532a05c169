/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_DAEMON_OPTS_H
#define MIGTRACE_DAEMON_OPTS_H

#include <argp.h>
#include <sys/types.h>
#include "output/files.h"

struct daemon_options {
	unsigned long interval_s;
	unsigned long max_rate;		/* records a second before shedding */
	const char *json_path;		/* NULL: none; "-": standard output */
	const char *prom_path;
	const char *pid_path;
	mode_t json_mode, prom_mode;
};

extern struct daemon_options daemon_opts;
extern const struct argp_option daemon_options[];
extern const char daemon_doc[];
error_t daemon_parse_arg(int key, char *arg, struct argp_state *state);

#endif
