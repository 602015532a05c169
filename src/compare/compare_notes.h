/* SPDX-License-Identifier: GPL-2.0 */
/* What a comparison's numbers rest on, and how to read them (text and Markdown). */
#ifndef MIGTRACE_COMPARE_NOTES_H
#define MIGTRACE_COMPARE_NOTES_H

#include <stdio.h>
#include "compare/compare.h"

/* Lost records, capped runs, boots and units, rows left out, marks no test can make, synthesised samples. */
void compare_notes(FILE *out, const struct comparison *c, const char *prefix);
/* Changes, rows, tests, Holm's families, intervals and their measured coverage. */
void compare_legend(FILE *out, const struct comparison *c, const char *prefix);

#endif
