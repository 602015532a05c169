/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What 'migtrace report' prints about a record besides the snapshot report:
 * the run (label, kernel, command, how it ended, damage) and the incidents
 * it ended, as the live run printed them.
 */
#ifndef MIGTRACE_RECORD_PRINT_H
#define MIGTRACE_RECORD_PRINT_H

#include <stdio.h>
#include "record/replay.h"

/* Text: the run's lines, before the report. */
void record_print_text(FILE *out, const struct replay *rp);
/* Text: the incidents ended, after the report. */
void record_print_incidents(FILE *out, const struct replay *rp);
/* JSON: a "record" line, then one "recorded_incident" line per ended incident. */
void record_print_json(FILE *out, const struct replay *rp);

#endif
