/* SPDX-License-Identifier: GPL-2.0 */
/* A streaming JSON writer: one object per line for --json output. */
#ifndef MIGTRACE_JSON_H
#define MIGTRACE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

/* Start a top-level record: {"type":"<type>" ... */
void json_begin(struct json *j, FILE *out, const char *type);
/* Close the record and end the line. */
void json_end(struct json *j);

void json_key_obj(struct json *j, const char *key);	/* "key":{ */
void json_key_arr(struct json *j, const char *key);	/* "key":[ */
void json_arr_obj(struct json *j);			/* { inside an array */
void json_close(struct json *j);			/* } or ] */
void json_close_arr(struct json *j);

void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_dbl(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_hex(struct json *j, const char *key, uint64_t val);	/* "0x..." string */

/* Write s as a JSON string literal, escaping what must be escaped. */
void json_write_string(FILE *out, const char *s);

/* "time" (UTC, ISO 8601) and "unix_ns" fields: now, by the real-time clock. */
void json_time_now(struct json *j);

#endif
