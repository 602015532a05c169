/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_INCIDENT_PRINT_H
#define MIGTRACE_INCIDENT_PRINT_H

#include <stdio.h>
#include "model/incident.h"

void incident_print_text(FILE *out, const struct incident *inc);
void incident_print_json(FILE *out, const struct incident *inc);

#endif
