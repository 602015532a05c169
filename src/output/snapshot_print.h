/* SPDX-License-Identifier: GPL-2.0 */
/* One snapshot (an interval or a whole run) printed as a report. */
#ifndef MIGTRACE_SNAPSHOT_PRINT_H
#define MIGTRACE_SNAPSHOT_PRINT_H

#include <stdio.h>
#include "model/snapshot.h"

void snapshot_print_text(FILE *out, const struct snapshot *s);
void snapshot_print_json(FILE *out, const struct snapshot *s);

#endif
