/* SPDX-License-Identifier: GPL-2.0 */
/* An incident's start, update or end line, as text or JSON; its parties' kernel stacks. */
#ifndef MIGTRACE_INCIDENT_PRINT_H
#define MIGTRACE_INCIDENT_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "model/incident.h"

void incident_print_text(FILE *out, const struct incident *inc);
void incident_print_json(FILE *out, const struct incident *inc);
/*
 * The line as text or JSON; with stacks, when the incident starts, the
 * waiter's and the spinner's kernel stacks (/proc/PID/task/TID/stack) too.
 */
void incident_print(FILE *out, const struct incident *inc, bool json, bool stacks);
/* " contended=waiter:N@ADDR,spinner:N@ADDR", or "" when neither skipped a page. */
void incident_contended_str(const struct incident *inc, char *buf, size_t len);
/* The text line without its newline, into buf (an INCIDENT chunk's detail). */
void incident_detail(const struct incident *inc, char *buf, size_t len);

#endif
