// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "output/kreport_print.h"

/* The kernel log's text in double quotes: a quote in it as \x22, like its other escapes. */
static void quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputs("\\x22", out);
		else
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
	}
	fputc('"', out);
}

/* cpu=3 pid=104 comm=migrepro stated=26s: what the report names, space-separated. */
static void names(FILE *out, const struct kernel_report *kr, bool comm)
{
	const char *sep = "";

	if (kr->cpu != KR_NO_CPU) {
		fprintf(out, "cpu=%u", kr->cpu);
		sep = " ";
	}
	if (kr->pid) {
		fprintf(out, "%spid=%u", sep, kr->pid);
		sep = " ";
		if (comm && kr->comm[0]) {
			fputs(" comm=", out);
			for (const char *c = kr->comm; *c; c++)
				fputc(*c == ' ' || *c == '"' || (unsigned char)*c < 0x20 ? '?' : *c, out);
		}
	}
	if (kr->work_func[0]) {
		fprintf(out, "%swork=%s times=%llu", sep, kr->work_func, (unsigned long long)kr->count);
		sep = " ";
	}
	if (kr->seconds) {
		fprintf(out, "%sstated=%us", sep, kr->seconds);
		sep = " ";
	}
	fputs(sep, out);
}

void kreport_print_brief(FILE *out, const struct kernel_report *kr)
{
	fprintf(out, "%s[", kreport_kind_names[kr->kind]);
	names(out, kr, false);
	quoted(out, kr->text);
	fputc(']', out);
}

void kreport_json_fields(struct json *j, const struct kernel_report *kr)
{
	json_str(j, "kind", kreport_kind_names[kr->kind]);
	if (kr->cpu != KR_NO_CPU)
		json_u64(j, "cpu", kr->cpu);
	if (kr->pid) {
		json_u64(j, "pid", kr->pid);
		json_str(j, "comm", kr->comm);
	}
	if (kr->seconds)
		json_u64(j, "seconds", kr->seconds);
	if (kr->work_func[0]) {
		json_str(j, "work_func", kr->work_func);
		json_u64(j, "times", kr->count);
	}
	json_u64(j, "seq", kr->seq);
	json_u64(j, "log_us", kr->log_us);
	json_str(j, "text", kr->text);
}

void kreport_print(FILE *out, const struct kernel_report *kr, bool json)
{
	struct json j;

	if (json) {
		json_begin(&j, out, "kernel_report");
		kreport_json_fields(&j, kr);
		if (kr->incident_id)
			json_u64(&j, "incident_id", kr->incident_id);
		json_end(&j);
	} else {
		fprintf(out, "KERNEL_REPORT %s ", kreport_kind_names[kr->kind]);
		names(out, kr, true);
		if (kr->incident_id)
			fprintf(out, "incident=#%llu ", (unsigned long long)kr->incident_id);
		quoted(out, kr->text);
		fputc('\n', out);
	}
	fflush(out);
}

const char *kernel_log_status(const struct kernel_log_state *st, char *buf, size_t len)
{
	if (!st->known)
		snprintf(buf, len, "not read");
	else if (st->readable)
		snprintf(buf, len, "readable (/dev/kmsg)");
	else
		snprintf(buf, len, "unknown: %s", st->why);
	return buf;
}

void kernel_log_json_fields(struct json *j, const struct kernel_log_state *st)
{
	json_bool(j, "readable", st->known && st->readable);
	if (st->known && !st->readable)
		json_str(j, "why", st->why);
	json_u64(j, "records", st->records);
	json_u64(j, "last_seq", st->last_seq);
	json_u64(j, "lost", st->lost);
	json_key_obj(j, "reports");
	for (int k = 0; k < KR_KIND_MAX; k++)
		json_u64(j, kreport_kind_names[k], st->reports[k]);
	json_close(j);
	json_u64(j, "unjoined", st->unjoined);
}

void kernel_log_print(FILE *out, const struct kernel_log_state *st, bool json)
{
	struct json j;
	char buf[256];

	if (!json) {
		fprintf(out, "kernel log: %s: %s\n", kernel_log_status(st, buf, sizeof(buf)),
			st->known && st->readable ? "its soft lockup, hung task, workqueue and RCU "
			"stall reports are joined to incidents" : "the kernel's own stall reports "
			"are not seen");
		return;
	}
	json_begin(&j, out, "kernel_log");
	json_bool(&j, "readable", st->known && st->readable);
	if (st->known && !st->readable)
		json_str(&j, "why", st->why);
	json_end(&j);
}
