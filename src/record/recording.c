// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "record/recording.h"

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

void rec_text_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;
		bool ok = n >= 0 && !(n == 1 && *p < 0xc2) && !(n == 3 && *p > 0xf4);

		for (int k = 1; ok && k <= n; k++)
			ok = (p[k] & 0xc0) == 0x80;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n + 1;
	}
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

/* ---- this machine -------------------------------------------------------- */

static void first_line_value(const char *path, const char *key, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = 0;
		snprintf(out, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void read_small(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = 0;
	if (!f)
		return;
	if (!fgets(out, len, f))
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	fclose(f);
}

/* "none" on bare metal; the hypervisor otherwise, as far as it says. */
static void detect_virt(char *out, size_t len)
{
	char flags[8192] = "", vendor[128];

	first_line_value("/proc/cpuinfo", "flags", flags, sizeof(flags));
	snprintf(out, len, "none");
	if (!strstr(flags, " hypervisor"))
		return;
	read_small("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	if (strstr(vendor, "QEMU")) {
		snprintf(out, len, "qemu");
		return;
	}
	snprintf(out, len, "vm");
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d;
		char sig[13];

		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = 0;
		if (!strcmp(sig, "KVMKVMKVM"))
			snprintf(out, len, "kvm");
		else if (!strncmp(sig, "TCGTCGTCG", 9))
			snprintf(out, len, "qemu-tcg");
		else if (!strcmp(sig, "Microsoft Hv"))
			snprintf(out, len, "hyperv");
		else if (!strcmp(sig, "VMwareVMware"))
			snprintf(out, len, "vmware");
	}
#endif
}

void rec_header_fill_host(struct rec_header *h)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
		snprintf(h->hostname, sizeof(h->hostname), "%.63s", u.nodename);
	}
	first_line_value("/proc/cpuinfo", "model name", h->cpu_model, sizeof(h->cpu_model));
	if (!h->cpu_model[0])
		snprintf(h->cpu_model, sizeof(h->cpu_model), "unknown");
	detect_virt(h->virt, sizeof(h->virt));
}

/* ---- events ------------------------------------------------------------- */

static void task_sanitize(struct mt_task *t)
{
	t->comm[MT_COMM_LEN - 1] = 0;
	rec_text_sanitize(t->comm);
}

bool rec_event_sanitize(struct mt_event *e)
{
	if (!e->type || e->type >= MT_EV_TYPE_MAX || e->cpu >= MT_MAX_CPUS)
		return false;
	task_sanitize(&e->task);
	switch (e->type) {
	case MT_EV_MIGRATE_SETUP:
	case MT_EV_MIGRATE_PAGES:
	case MT_EV_MIGRATE_FINALIZE:
		return e->migrate.kind <= MT_MIG_DEVICE_PFNS && e->migrate.enter_ts <= e->ts;
	case MT_EV_DRAIN_ALL:
		return e->drain_all.enter_ts <= e->ts;
	case MT_EV_DRAIN_QUEUE:
		return e->drain_queue.target_cpu < MT_MAX_CPUS;
	case MT_EV_DRAIN_WORK:
		task_sanitize(&e->drain_work.queuer);
		task_sanitize(&e->drain_work.blocker);
		return e->drain_work.target_cpu < MT_MAX_CPUS &&
		       e->drain_work.queue_ts <= e->drain_work.start_ts &&
		       e->drain_work.start_ts <= e->ts;
	case MT_EV_FAULT_RUN:
		return e->fault_run.first_ts <= e->ts && e->fault_run.source <= MT_FAULT_PAGE_FAULT_USER &&
		       e->fault_run.vma_lock_attempts <= e->fault_run.attempts;
	case MT_EV_FOLIO_WAIT:
	case MT_EV_FOLIO_UNLOCK:
		return e->folio.enter_ts <= e->ts;
	case MT_EV_TRYLOCK:
		return e->trylock.site <= MT_TRY_COLLECT;
	}
	return true;
}

/* ---- loading -------------------------------------------------------------- */

static void chunk_warn(struct rec_reader *rd, uint64_t off, const char *what, const char *why)
{
	char msg[640];

	if (!rd->warn)
		return;
	snprintf(msg, sizeof(msg), "%s: offset %llu: %s chunk: %s; chunk skipped", rd->name,
		 (unsigned long long)off, what, why);
	rd->warn(rd->warn_ctx, msg);
}

static void load_events(struct rec_reader *rd, struct rec_run *run, const struct rec_chunk *c,
			const struct rec_visitor *v)
{
	uint32_t size, count;

	if (c->len < 8) {
		chunk_warn(rd, c->offset, "events", "shorter than its count");
		run->damaged++;
		return;
	}
	memcpy(&size, c->payload, 4);
	memcpy(&count, c->payload + 4, 4);
	/*
	 * Another build's events: the union at the end may have grown or shrunk;
	 * the fields before it and each member's offsets stay.
	 */
	if (size < offsetof(struct mt_event, migrate) || size > 4096 ||
	    (uint64_t)count * size != c->len - 8) {
		chunk_warn(rd, c->offset, "events", size > 4096 || size < offsetof(struct mt_event,
			   migrate) ? "absurd event size" : "length does not match its count");
		run->damaged++;
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct mt_event e = {};

		memcpy(&e, c->payload + 8 + (size_t)i * size, size < sizeof(e) ? size : sizeof(e));
		if (!rec_event_sanitize(&e)) {
			run->bad_events++;
			continue;
		}
		run->events++;
		if (v && v->event)
			v->event(v->ctx, &e);
	}
}

static void load_chunk(struct rec_reader *rd, struct rec_run *run, struct snapshot *snap,
		       const struct rec_visitor *v, const struct rec_chunk *c)
{
	const char *text = (const char *)c->payload;
	char why[160];

	switch (c->type) {
	case REC_HEADER: {
		struct rec_header h = { .filter_cpu = -1 };

		if (run->has_header) {
			chunk_warn(rd, c->offset, "header", "a second header");
			return;
		}
		if (!kv_parse(text, c->len, header_kv, &h, why, sizeof(why)) ||
		    (h.format != REC_VERSION && snprintf(why, sizeof(why), "format %u", h.format)) ||
		    (!h.ncpus && snprintf(why, sizeof(why), "no CPU count"))) {
			chunk_warn(rd, c->offset, "header", why);
			run->damaged++;
			return;
		}
		run->hdr = h;
		run->has_header = true;
		break;
	}
	case REC_EVENTS:
		load_events(rd, run, c, v);
		break;
	case REC_SNAPSHOT: {
		static struct snapshot tmp;	/* large; decoded fully before it replaces snap */
		uint64_t now;

		memset(&tmp, 0, sizeof(tmp));
		if (!rec_snapshot_decode(c->payload, c->len, &tmp, &now, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "snapshot", why);
			run->damaged++;
			return;
		}
		run->snapshots++;
		run->last_snapshot_ns = now;
		if (v && v->snapshot)
			v->snapshot(v->ctx, &tmp, now);
		if (snap)
			*snap = tmp;
		break;
	}
	case REC_INCIDENT: {
		struct rec_incident i = { .cpu = -1 };

		if (!kv_parse(text, c->len, incident_kv, &i, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "incident", why);
			run->damaged++;
			return;
		}
		run->incidents++;
		if (v && v->incident)
			v->incident(v->ctx, &i);
		break;
	}
	case REC_END: {
		struct rec_end e = {};

		if (!kv_parse(text, c->len, end_kv, &e, why, sizeof(why))) {
			chunk_warn(rd, c->offset, "end", why);
			run->damaged++;
			return;
		}
		run->end = e;
		run->has_end = true;
		break;
	}
	}
}

int rec_load(struct rec_reader *rd, struct rec_run *run, struct snapshot *snap,
	     const struct rec_visitor *v, char *err, size_t len)
{
	struct rec_chunk c;
	int ret;

	memset(run, 0, sizeof(*run));
	run->name = rd->name;
	run->size = rd->size;
	while ((ret = rec_next(rd, &c)) > 0) {
		run->chunks++;
		load_chunk(rd, run, snap, v, &c);
	}
	run->damaged += rd->damaged;
	run->cut_off = rd->cut_off;
	run->readable_end = rd->readable_end;
	if (ret < 0) {
		snprintf(err, len, "%s: out of memory", rd->name);
		return ret;
	}
	if (!run->has_header) {
		snprintf(err, len, "%s: offset %d: no readable header chunk: not usable", rd->name,
			 REC_PREAMBLE_SIZE);
		return -EBADMSG;
	}
	return 0;
}

int rec_load_path(const char *path, struct rec_run *run, struct snapshot *snap,
		  const struct rec_visitor *v, rec_warn_fn warn, void *warn_ctx,
		  char *err, size_t len)
{
	struct rec_reader rd;
	const uint8_t *data;
	size_t size;
	int ret;

	ret = rec_map(path, &data, &size, err, len);
	if (ret)
		goto out;
	ret = rec_reader_init(&rd, path, data, size, err, len);
	if (ret)
		goto out;
	rd.warn = warn;
	rd.warn_ctx = warn_ctx;
	ret = rec_load(&rd, run, snap, v, err, len);
	rec_reader_free(&rd);
out:
	rec_unmap(data, size);
	return ret;
}
