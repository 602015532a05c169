/* SPDX-License-Identifier: GPL-2.0 */
/* Detector options shared by the commands that run detectors (argp child). */
#ifndef MIGTRACE_DETECT_OPTS_H
#define MIGTRACE_DETECT_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include "kernel/detect_live.h"

extern struct detect_options detect_opts;
extern const struct argp detect_argp;

#endif
