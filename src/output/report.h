/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering one snapshot (an interval or a whole run) as a report. */
#ifndef MIGTRACE_REPORT_H
#define MIGTRACE_REPORT_H

#include <stdio.h>
#include "model/snapshot.h"

void report_text(FILE *out, const struct snapshot *r);
void report_json(FILE *out, const struct snapshot *r);

#endif
