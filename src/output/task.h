/* SPDX-License-Identifier: GPL-2.0 */
/* A task as reports print it. */
#ifndef MIGTRACE_TASK_H
#define MIGTRACE_TASK_H

#include <stddef.h>
#include "migtrace.h"
#include "output/json.h"

/* "comm/pid FIFO:50": a task in one word-ish, "-" for none. */
const char *task_str(char *buf, size_t len, const struct mt_task *t);
/* The task as a JSON object under key. */
void json_task(struct json *j, const char *key, const struct mt_task *t);

#endif
