// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <time.h>
#include "output/json.h"

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void sep(struct json *j)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void key(struct json *j, const char *k)
{
	sep(j);
	if (k) {
		json_write_string(j->out, k);
		fputc(':', j->out);
	}
}

static void open(struct json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void json_begin(struct json *j, FILE *out, const char *type)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
	fputc('{', out);
	json_str(j, "type", type);
}

void json_end(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	fputs("}\n", j->out);
}

void json_key_obj(struct json *j, const char *k) { open(j, k, '{'); }
void json_key_arr(struct json *j, const char *k) { open(j, k, '['); }
void json_arr_obj(struct json *j) { open(j, NULL, '{'); }

void json_close(struct json *j)
{
	if (j->depth > 0)
		j->depth--;
	fputc('}', j->out);
}

void json_close_arr(struct json *j)
{
	if (j->depth > 0)
		j->depth--;
	fputc(']', j->out);
}

void json_str(struct json *j, const char *k, const char *val)
{
	key(j, k);
	json_write_string(j->out, val ? val : "");
}

void json_u64(struct json *j, const char *k, uint64_t val)
{
	key(j, k);
	fprintf(j->out, "%llu", (unsigned long long)val);
}

void json_i64(struct json *j, const char *k, int64_t val)
{
	key(j, k);
	fprintf(j->out, "%lld", (long long)val);
}

void json_dbl(struct json *j, const char *k, double val)
{
	key(j, k);
	if (isfinite(val))
		fprintf(j->out, "%.6g", val);
	else
		fputs("null", j->out);
}

void json_bool(struct json *j, const char *k, bool val)
{
	key(j, k);
	fputs(val ? "true" : "false", j->out);
}

void json_hex(struct json *j, const char *k, uint64_t val)
{
	key(j, k);
	fprintf(j->out, "\"0x%llx\"", (unsigned long long)val);
}

void json_time_now(struct json *j)
{
	struct timespec ts;
	struct tm tm;
	char buf[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_str(j, "time", buf);
	json_u64(j, "unix_ns", (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}
