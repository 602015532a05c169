/* SPDX-License-Identifier: GPL-2.0 */
/* Tracing options shared by every command that opens a session (argp child). */
#ifndef MIGTRACE_SESSION_OPTS_H
#define MIGTRACE_SESSION_OPTS_H

#include <argp.h>
#include "kernel/session.h"

/* -p, -C, -v, --no-fentry, --no-kprobe, as parsed. */
extern struct session_opts session_opts;
extern const struct argp session_argp;

#endif
