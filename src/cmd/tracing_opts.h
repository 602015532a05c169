/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracing options shared by every command that traces the live kernel
 * (the trace, caps, record and daemon), parsed once as an argp child:
 * -p, -C, -d, -v, --no-fentry, --no-kprobe, --no-events.
 */
#ifndef MIGTRACE_TRACING_OPTS_H
#define MIGTRACE_TRACING_OPTS_H

#include <argp.h>
#include "kernel/session.h"

struct tracing_options {
	struct session_opts session;
	unsigned long duration_s;	/* -d: 0 until stopped */
};

extern struct tracing_options tracing_opts;
extern const struct argp tracing_argp;

/* session_open with the parsed options; on failure says why on stderr and returns -1. */
int tracing_session_open(struct session **s);

#endif
