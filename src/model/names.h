/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_NAMES_H
#define MIGTRACE_NAMES_H

#include <stdint.h>
#include "migtrace.h"

/* "drain_work": an event type's name; "?" for one this build does not know. */
const char *event_type_name(uint32_t type);
const char *fault_source_name(uint32_t source);

#endif
