/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_HIST_PRINT_H
#define MIGTRACE_HIST_PRINT_H

#include <stdio.h>
#include "migtrace.h"
#include "output/json.h"

/* print_log2_hist-style bars, with count/mean/p50/p99/max underneath. */
void hist_print(FILE *out, const struct mt_hist *h, const char *title);

/* Summary and nonempty buckets as fields of the current JSON object. */
void hist_json_fields(struct json *j, const struct mt_hist *h);

#endif
