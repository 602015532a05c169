/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_NAMES_H
#define MIGTRACE_NAMES_H

#include <stdint.h>
#include "migtrace.h"

/* "drain_wait": a kernel histogram's key in JSON and Prometheus. */
const char *hist_name(enum mt_hist_id id);
/* "lru_add_drain_per_cpu queued -> started": its title in text. */
const char *hist_title(enum mt_hist_id id);
const char *event_type_name(uint32_t type);
const char *fault_source_name(uint32_t source);

#endif
