/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_SANITIZE_H
#define MIGTRACE_SANITIZE_H

#include <stdbool.h>
#include "migtrace.h"

/* Bytes that do not form valid UTF-8 become '?': JSON output must stay valid. */
void rec_text_sanitize(char *s);

/* Make an event from a file safe to aggregate; false when it cannot be. */
bool rec_event_sanitize(struct mt_event *e);

#endif
