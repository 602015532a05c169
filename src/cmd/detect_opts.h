/* SPDX-License-Identifier: GPL-2.0 */
/* Detector options shared by the commands that run detectors (argp child). */
#ifndef MIGTRACE_DETECT_OPTS_H
#define MIGTRACE_DETECT_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include "core/detect.h"

#define EXIT_INCIDENT 3		/* --exit-on matched */
#define EXIT_ON_ANY INC_KIND_MAX

struct detect_options {
	struct detect_config cfg;
	bool off;		/* --no-detect */
	int exit_on;		/* -1: never; a kind; EXIT_ON_ANY */
	bool stacks;		/* capture the parties' kernel stacks */
};

extern struct detect_options detect_opts;
extern const struct argp detect_argp;

#endif
