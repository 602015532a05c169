/* SPDX-License-Identifier: GPL-2.0 */
/* The exposure report as text or JSON lines, and host facts as a facts file. */
#ifndef MIGTRACE_EXPOSURE_PRINT_H
#define MIGTRACE_EXPOSURE_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include "core/exposure.h"

/*
 * Text: the facts with their sources, the release table, then one verdict
 * per shape with its reasons. JSON: "host_fact" lines, an
 * "exposure_versions" line, one "exposure" line per shape.
 */
void exposure_print(FILE *out, const struct exposure *e, bool json);

/* Every raw fact, one line each (core/facts_file.h), for --from and tests. */
void host_facts_print(FILE *out, const struct host_facts *h);

#endif
