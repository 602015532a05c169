// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "migtrace.h"
#include "record/meta.h"
#include "record/record.h"
#include "record/sanitize.h"

/* ---- key=value text ------------------------------------------------------ */

static void kv(char *buf, size_t len, size_t *off, const char *key, const char *fmt, ...)
{
	char val[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	for (char *c = val; *c; c++)	/* one line per key, always */
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (*off >= len)
		return;
	n = snprintf(buf + *off, len - *off, "%s=%s\n", key, val);
	*off += n > 0 ? (size_t)n : 0;
}

int rec_header_format(const struct rec_header *h, char *buf, size_t len)
{
	size_t off = 0;

	kv(buf, len, &off, "format", "%u", REC_VERSION);
	kv(buf, len, &off, "tool", "%s", h->tool);
	kv(buf, len, &off, "kernel", "%s", h->kernel);
	kv(buf, len, &off, "label", "%s", h->label);
	kv(buf, len, &off, "hostname", "%s", h->hostname);
	if (h->boot_id[0])
		kv(buf, len, &off, "boot_id", "%s", h->boot_id);
	kv(buf, len, &off, "cpu_model", "%s", h->cpu_model);
	kv(buf, len, &off, "virt", "%s", h->virt);
	kv(buf, len, &off, "ncpus", "%u", h->ncpus);
	kv(buf, len, &off, "start_realtime_ns", "%llu", (unsigned long long)h->start_realtime_ns);
	kv(buf, len, &off, "start_mono_ns", "%llu", (unsigned long long)h->start_mono_ns);
	kv(buf, len, &off, "interval_ms", "%u", h->interval_ms);
	kv(buf, len, &off, "event_size", "%u", h->event_size);
	kv(buf, len, &off, "filter_pid", "%d", h->filter_pid);
	kv(buf, len, &off, "filter_cpu", "%d", h->filter_cpu);
	kv(buf, len, &off, "detect", "%d", h->detect);
	if (h->command[0])
		kv(buf, len, &off, "command", "%s", h->command);
	if (h->kernel_log.known)
		kv(buf, len, &off, "kernel_log", "%s%s", h->kernel_log.readable ? "readable" :
		   "unknown: ", h->kernel_log.readable ? "" : h->kernel_log.why);
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		char key[80];

		snprintf(key, sizeof(key), "hook.%s", hook_defs[i].name);
		kv(buf, len, &off, key, "%s%s", mechanism_name(h->hooks[i].mech),
		   h->hooks[i].approximate ? " approx" : "");
	}
	return off < len ? (int)off : -ENOSPC;
}

int rec_end_format(const struct rec_end *e, char *buf, size_t len)
{
	size_t off = 0;

	kv(buf, len, &off, "reason", "%s", e->reason);
	kv(buf, len, &off, "wall_ns", "%llu", (unsigned long long)e->wall_ns);
	if (e->has_exit) {
		kv(buf, len, &off, "exit_status", "%d", e->exit_status);
		kv(buf, len, &off, "exit_signal", "%d", e->exit_signal);
	}
	if (e->result[0])
		kv(buf, len, &off, "result", "%s", e->result);
	if (e->has_throughput)
		kv(buf, len, &off, "throughput", "%.9g", e->throughput);
	if (e->has_kernel_log) {
		kv(buf, len, &off, "kernel_log_records", "%llu",
		   (unsigned long long)e->kernel_log_records);
		kv(buf, len, &off, "kernel_log_lost", "%llu", (unsigned long long)e->kernel_log_lost);
	}
	return off < len ? (int)off : -ENOSPC;
}

int rec_incident_format(const struct rec_incident *i, char *buf, size_t len)
{
	size_t off = 0;

	kv(buf, len, &off, "kind", "%s", i->kind);
	kv(buf, len, &off, "state", "%s", i->end ? "end" : "start");
	kv(buf, len, &off, "id", "%llu", (unsigned long long)i->id);
	kv(buf, len, &off, "start_ns", "%llu", (unsigned long long)i->start_ns);
	kv(buf, len, &off, "duration_ns", "%llu", (unsigned long long)i->duration_ns);
	kv(buf, len, &off, "cpu", "%d", i->cpu);
	kv(buf, len, &off, "pid", "%u", i->pid);
	kv(buf, len, &off, "detail", "%s", i->detail);
	return off < len ? (int)off : -ENOSPC;
}

int rec_kreport_format(const struct kernel_report *kr, char *buf, size_t len)
{
	size_t off = 0;

	kv(buf, len, &off, "kind", "%s", kreport_kind_names[kr->kind]);
	kv(buf, len, &off, "seq", "%llu", (unsigned long long)kr->seq);
	kv(buf, len, &off, "log_us", "%llu", (unsigned long long)kr->log_us);
	if (kr->cpu != KR_NO_CPU)
		kv(buf, len, &off, "cpu", "%u", kr->cpu);
	if (kr->pid) {
		kv(buf, len, &off, "pid", "%u", kr->pid);
		kv(buf, len, &off, "comm", "%s", kr->comm);
	}
	if (kr->seconds)
		kv(buf, len, &off, "seconds", "%u", kr->seconds);
	if (kr->work_func[0]) {
		kv(buf, len, &off, "work_func", "%s", kr->work_func);
		kv(buf, len, &off, "times", "%llu", (unsigned long long)kr->count);
	}
	if (kr->incident_id)
		kv(buf, len, &off, "incident", "%llu", (unsigned long long)kr->incident_id);
	kv(buf, len, &off, "text", "%s", kr->text);
	return off < len ? (int)off : -ENOSPC;
}

typedef bool (*kv_fn)(void *obj, const char *key, const char *val);

/* Each "key=value" line of text to fn; false (with the line number) on junk. */
static bool kv_parse(const char *text, size_t len, kv_fn fn, void *obj, char *why, size_t wlen)
{
	const char *p = text, *end = text + len;
	unsigned int line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eq;
		char key[64], val[600];
		size_t kl, vl;

		line++;
		if (!nl)
			nl = end;
		eq = memchr(p, '=', nl - p);
		kl = eq ? (size_t)(eq - p) : 0;
		if (!eq || !kl || kl >= sizeof(key)) {
			snprintf(why, wlen, "line %u is not key=value", line);
			return false;
		}
		memcpy(key, p, kl);
		key[kl] = 0;
		for (size_t i = 0; i < kl; i++)
			if (!islower((unsigned char)key[i]) && !isdigit((unsigned char)key[i]) &&
			    key[i] != '_' && key[i] != '.') {
				snprintf(why, wlen, "line %u: bad key", line);
				return false;
			}
		vl = nl - eq - 1;
		if (vl >= sizeof(val))
			vl = sizeof(val) - 1;
		memcpy(val, eq + 1, vl);
		val[vl] = 0;
		for (size_t i = 0; i < vl; i++)	/* hostile text never reaches a terminal raw */
			if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
				val[i] = '?';
		rec_text_sanitize(val);
		if (!fn(obj, key, val)) {
			snprintf(why, wlen, "line %u: bad value for %s", line, key);
			return false;
		}
		p = nl + 1;
	}
	return true;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_i32(const char *s, int32_t min, int32_t max, int32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

#define COPY(field) (snprintf(field, sizeof(field), "%s", val), true)

static bool header_kv(void *obj, const char *key, const char *val)
{
	struct rec_header *h = obj;
	uint64_t v;

	if (!strcmp(key, "format"))
		return parse_u64(val, UINT32_MAX, &v) && (h->format = v, true);
	if (!strcmp(key, "tool"))
		return COPY(h->tool);
	if (!strcmp(key, "kernel"))
		return COPY(h->kernel);
	if (!strcmp(key, "label"))
		return COPY(h->label);
	if (!strcmp(key, "hostname"))
		return COPY(h->hostname);
	if (!strcmp(key, "boot_id"))
		return COPY(h->boot_id);
	if (!strcmp(key, "cpu_model"))
		return COPY(h->cpu_model);
	if (!strcmp(key, "virt"))
		return COPY(h->virt);
	if (!strcmp(key, "command"))
		return COPY(h->command);
	if (!strcmp(key, "ncpus"))
		return parse_u64(val, MT_MAX_CPUS, &v) && v && (h->ncpus = v, true);
	if (!strcmp(key, "start_realtime_ns"))
		return parse_u64(val, UINT64_MAX, &h->start_realtime_ns);
	if (!strcmp(key, "start_mono_ns"))
		return parse_u64(val, UINT64_MAX, &h->start_mono_ns);
	if (!strcmp(key, "interval_ms"))
		return parse_u64(val, 24 * 3600 * 1000, &v) && (h->interval_ms = v, true);
	if (!strcmp(key, "event_size"))
		return parse_u64(val, 65536, &v) && (h->event_size = v, true);
	if (!strcmp(key, "filter_pid"))
		return parse_i32(val, 0, INT32_MAX, &h->filter_pid);
	if (!strcmp(key, "filter_cpu"))
		return parse_i32(val, -1, MT_MAX_CPUS - 1, &h->filter_cpu);
	if (!strcmp(key, "detect"))
		return parse_u64(val, 1, &v) && (h->detect = v, true);
	if (!strcmp(key, "kernel_log")) {
		h->kernel_log.known = true;
		h->kernel_log.readable = !strcmp(val, "readable");
		if (!h->kernel_log.readable)
			snprintf(h->kernel_log.why, sizeof(h->kernel_log.why), "%s",
				 strncmp(val, "unknown: ", 9) ? val : val + 9);
		return true;
	}
	if (!strncmp(key, "hook.", 5)) {
		int i = hook_by_name(key + 5);
		char mech[32];

		if (i < 0)
			return true;	/* a hook this build does not know */
		snprintf(mech, sizeof(mech), "%s", val);
		h->hooks[i].approximate = strstr(mech, " approx") != NULL;
		if (strchr(mech, ' '))
			*strchr(mech, ' ') = 0;
		for (int m = 0; m < MECH_MAX; m++)
			if (!strcmp(mech, mechanism_name(m))) {
				h->hooks[i].mech = m;
				return true;
			}
		return false;
	}
	return true;	/* keys from newer versions */
}

static bool end_kv(void *obj, const char *key, const char *val)
{
	struct rec_end *e = obj;
	int32_t i;

	if (!strcmp(key, "reason"))
		return COPY(e->reason);
	if (!strcmp(key, "wall_ns"))
		return parse_u64(val, UINT64_MAX, &e->wall_ns);
	if (!strcmp(key, "exit_status"))
		return parse_i32(val, -1, 255, &i) && (e->exit_status = i, e->has_exit = true);
	if (!strcmp(key, "exit_signal"))
		return parse_i32(val, 0, 128, &i) && (e->exit_signal = i, true);
	if (!strcmp(key, "result"))
		return COPY(e->result);
	if (!strcmp(key, "kernel_log_records"))
		return parse_u64(val, UINT64_MAX, &e->kernel_log_records) &&
		       (e->has_kernel_log = true);
	if (!strcmp(key, "kernel_log_lost"))
		return parse_u64(val, UINT64_MAX, &e->kernel_log_lost) && (e->has_kernel_log = true);
	if (!strcmp(key, "throughput")) {
		char *end;
		double d = strtod(val, &end);

		if (*end || !(d >= 0 && d < 1e18))	/* also refuses NaN */
			return false;
		e->throughput = d;
		e->has_throughput = true;
	}
	return true;
}

static bool incident_kv(void *obj, const char *key, const char *val)
{
	struct rec_incident *i = obj;
	uint64_t v;

	if (!strcmp(key, "kind"))
		return COPY(i->kind);
	if (!strcmp(key, "state"))
		return (i->end = !strcmp(val, "end")) || !strcmp(val, "start");
	if (!strcmp(key, "id"))
		return parse_u64(val, UINT64_MAX, &i->id);
	if (!strcmp(key, "start_ns"))
		return parse_u64(val, UINT64_MAX, &i->start_ns);
	if (!strcmp(key, "duration_ns"))
		return parse_u64(val, UINT64_MAX / 2, &i->duration_ns);
	if (!strcmp(key, "cpu"))
		return parse_i32(val, -1, MT_MAX_CPUS - 1, &i->cpu);
	if (!strcmp(key, "pid"))
		return parse_u64(val, UINT32_MAX, &v) && (i->pid = v, true);
	if (!strcmp(key, "detail"))
		return COPY(i->detail);
	return true;
}

struct kreport_parse {
	struct kernel_report *kr;
	bool kind_seen;
};

/* A report's values; a kind this build does not know stays KR_KIND_MAX. */
static bool kreport_kv(void *obj, const char *key, const char *val)
{
	struct kreport_parse *kp = obj;
	struct kernel_report *kr = kp->kr;
	uint64_t v;
	int k;

	if (!strcmp(key, "kind")) {
		kp->kind_seen = true;
		k = kreport_kind_parse(val);
		kr->kind = k >= 0 ? (enum kreport_kind)k : KR_KIND_MAX;
		return true;
	}
	if (!strcmp(key, "seq"))
		return parse_u64(val, UINT64_MAX, &kr->seq);
	if (!strcmp(key, "log_us"))
		return parse_u64(val, UINT64_MAX, &kr->log_us);
	if (!strcmp(key, "cpu"))
		return parse_u64(val, MT_MAX_CPUS - 1, &v) && (kr->cpu = v, true);
	if (!strcmp(key, "pid"))
		return parse_u64(val, INT32_MAX, &v) && v && (kr->pid = v, true);
	if (!strcmp(key, "comm"))
		return COPY(kr->comm);
	if (!strcmp(key, "seconds"))
		return parse_u64(val, UINT32_MAX, &v) && (kr->seconds = v, true);
	if (!strcmp(key, "work_func"))
		return COPY(kr->work_func);
	if (!strcmp(key, "times"))
		return parse_u64(val, UINT64_MAX, &kr->count);
	if (!strcmp(key, "incident"))
		return parse_u64(val, UINT64_MAX, &kr->incident_id);
	if (!strcmp(key, "text"))
		return COPY(kr->text);
	return true;	/* keys from newer versions */
}

bool rec_result_throughput(const char *line, double *per_s)
{
	static const char *const keys[] = { " migrations_per_s=", " ops_per_s=", " throughput=" };

	if (strncmp(line, "RESULT ", 7))
		return false;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *p = strstr(line, keys[k]);
		char *end;
		double d;

		if (!p)
			continue;
		d = strtod(p + strlen(keys[k]), &end);
		if (end != p + strlen(keys[k]) && d >= 0 && d < 1e18) {
			*per_s = d;
			return true;
		}
	}
	return false;
}

bool rec_header_parse(const char *text, size_t len, struct rec_header *h, char *why, size_t wlen)
{
	return kv_parse(text, len, header_kv, h, why, wlen);
}

bool rec_end_parse(const char *text, size_t len, struct rec_end *e, char *why, size_t wlen)
{
	return kv_parse(text, len, end_kv, e, why, wlen);
}

bool rec_incident_parse(const char *text, size_t len, struct rec_incident *i, char *why,
			size_t wlen)
{
	return kv_parse(text, len, incident_kv, i, why, wlen);
}

bool rec_kreport_parse(const char *text, size_t len, struct kernel_report *kr, char *why,
		       size_t wlen)
{
	struct kreport_parse kp = { .kr = kr };

	memset(kr, 0, sizeof(*kr));
	kr->kind = KR_KIND_MAX;
	kr->cpu = KR_NO_CPU;
	if (!kv_parse(text, len, kreport_kv, &kp, why, wlen))
		return false;
	if (!kp.kind_seen || !kr->text[0]) {
		snprintf(why, wlen, "no %s", kp.kind_seen ? "text" : "kind");
		return false;
	}
	return true;
}
