/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host facts as text, one per line, so a host's facts can be recorded
 * (migtrace exposure --facts) and judged elsewhere (--from, the unit tests'
 * fixtures in tests/data/exposure/):
 *
 *   # comment
 *   config.DEVICE_PRIVATE: y [/proc/config.gz]
 *   debugfs.sched_preempt: unknown [debugfs not mounted ...]
 *   expect ...                        (for tests; skipped here)
 *
 * The source, or why the fact is unknown, is in the last [...] of the line.
 */
#ifndef MIGTRACE_FACTS_FILE_H
#define MIGTRACE_FACTS_FILE_H

#include <stddef.h>
#include "model/host_facts.h"

/* Parse text; facts it does not name stay unknown. 0, or -1 with err set. */
int facts_file_parse(const char *text, struct host_facts *h, char *err, size_t errlen);

/* One fact as a line (with '\n'); brackets in the source become parentheses. */
void facts_file_line(char *buf, size_t len, const struct host_facts *h, enum hf_id id);

#endif
