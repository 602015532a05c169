// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log parser (core/kmsg_parse.c) on the records in
 * tests/data/kmsg: lines captured from the lab's guests, lines written from
 * the kernel's printk formats, hostile records. Each "E" line there says,
 * with the reasoning above it, what the record before it must make; then
 * bytes no file can hold (binary junk, NULs, lines past the limit).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "core/kmsg_parse.h"

#define DIR_FIXTURES "tests/data/kmsg"

/* "E KIND k=v ..." against a report; false with a message. */
static bool expect(const struct kernel_report *kr, const struct kmsg_record *rec, char *line,
		   char *msg, size_t len)
{
	char *save = NULL, *tok = strtok_r(line + 2, " ", &save);
	uint32_t cpu = KR_NO_CPU, pid = 0, seconds = 0;
	unsigned long long times = 0;
	const char *comm = "", *work = "";

	if (!tok || strcmp(tok, kreport_kind_names[kr->kind]))
		return snprintf(msg, len, "kind %s, want %s", kreport_kind_names[kr->kind],
				tok ? tok : "?"), false;
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return snprintf(msg, len, "malformed: %s", tok), false;
		*eq++ = '\0';
		if (!strcmp(tok, "cpu"))
			cpu = strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "pid"))
			pid = strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "seconds"))
			seconds = strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "times"))
			times = strtoull(eq, NULL, 10);
		else if (!strcmp(tok, "comm"))
			comm = eq;
		else if (!strcmp(tok, "work"))
			work = eq;
		else
			return snprintf(msg, len, "unknown key %s", tok), false;
	}
	if (kr->cpu != cpu || kr->pid != pid || kr->seconds != seconds || kr->count != times ||
	    strcmp(kr->comm, comm) || strcmp(kr->work_func, work))
		return snprintf(msg, len, "got cpu=%d pid=%u comm=%s seconds=%u work=%s times=%llu",
				kr->cpu == KR_NO_CPU ? -1 : (int)kr->cpu, kr->pid, kr->comm,
				kr->seconds, kr->work_func, (unsigned long long)kr->count), false;
	/* Its text is the kernel's line (an RCU stall's: the header, then the CPU's line). */
	if (kr->kind != KR_RCU_STALL && strcmp(kr->text, rec->text))
		return snprintf(msg, len, "text \"%s\"", kr->text), false;
	if (kr->kind == KR_RCU_STALL && strncmp(kr->text, "rcu: INFO: ", 11))
		return snprintf(msg, len, "rcu text \"%s\"", kr->text), false;
	return true;
}

struct fixture_run {
	struct kmsg_parser p;
	struct kmsg_record rec;
	struct kernel_report out[KMSG_REPORTS_PER_RECORD];
	unsigned int n, next;		/* reports of the last record (or flush), checked */
	bool valid;
	unsigned int records, reports;
};

/* The E lines after a record (or F) must name its reports, all of them, in order. */
static void close_record(struct fixture_run *r, const char *name, unsigned int line)
{
	if (r->next < r->n) {
		fprintf(stderr, "  %s:%u: %u report(s) no E line expects\n", name, line,
			r->n - r->next);
		CHECK(r->next == r->n);
	}
	r->n = r->next = 0;
}

static void run_fixture(const char *path, const char *name)
{
	static char buf[16384], line[4096], pending[4096];
	static struct fixture_run r;
	FILE *f = fopen(path, "r");
	unsigned int lineno = 0, rec_line = 0;
	size_t len = 0;
	char msg[512];

	CHECK(f != NULL);
	if (!f)
		return;
	memset(&r, 0, sizeof(r));
	kmsg_parser_init(&r.p);
	pending[0] = '\0';
	for (;;) {
		bool eof = !fgets(line, sizeof(line), f);

		lineno++;
		if (!eof)
			line[strcspn(line, "\n")] = '\0';
		/* A dictionary line belongs to the record before it. */
		if (!eof && pending[0] && line[0] == ' ' && line[1] == ' ') {
			len += snprintf(buf + len, sizeof(buf) - len, "%s\n", line + 1);
			continue;
		}
		if (pending[0]) {	/* the record is whole: parse it */
			r.valid = kmsg_record_parse(buf, len, &r.rec);
			r.n = r.valid ? kmsg_parse(&r.p, &r.rec, r.out) : 0;
			r.records++;
			r.reports += r.n;
			pending[0] = '\0';
		}
		if (eof)
			break;
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "R ", 2) || !strcmp(line, "F")) {
			close_record(&r, name, rec_line);
			rec_line = lineno;
			if (line[0] == 'F') {
				r.n = kmsg_parse_flush(&r.p, r.out);
				r.reports += r.n;
				continue;
			}
			len = snprintf(buf, sizeof(buf), "%s\n", line + 2);
			snprintf(pending, sizeof(pending), "%s", line + 2);
			continue;
		}
		if (!strcmp(line, "E none")) {
			if (r.n) {
				fprintf(stderr, "  %s:%u: a %s report, none expected\n", name, lineno,
					kreport_kind_names[r.out[0].kind]);
				CHECK(r.n == 0);
			}
			continue;
		}
		if (!strncmp(line, "E ", 2)) {
			if (r.next >= r.n) {
				fprintf(stderr, "  %s:%u: expected %s, no report\n", name, lineno, line);
				CHECK(r.next < r.n);
				continue;
			}
			if (!expect(&r.out[r.next++], &r.rec, line, msg, sizeof(msg))) {
				fprintf(stderr, "  %s:%u: %s\n", name, lineno, msg);
				CHECK(false);
			}
			continue;
		}
		fprintf(stderr, "  %s:%u: malformed fixture line\n", name, lineno);
		CHECK(false);
	}
	close_record(&r, name, rec_line);
	fclose(f);
	printf("    %s: %u records, %u reports\n", name, r.records, r.reports);
	CHECK(r.records > 0);
}

static void fixtures_make_their_expected_reports(void)
{
	DIR *d = opendir(DIR_FIXTURES);
	struct dirent *e;
	char path[512];
	int n = 0;

	CHECK(d != NULL);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 6 || strcmp(e->d_name + l - 5, ".kmsg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", DIR_FIXTURES, e->d_name);
		run_fixture(path, e->d_name);
		n++;
	}
	closedir(d);
	CHECK(n >= 3);
}

/* The lab's 120 captured lines: 19 soft lockups, 19 hung tasks, 82 hogs, each one reported. */
static void lab_lines_count_as_captured(void)
{
	FILE *f = fopen(DIR_FIXTURES "/lab-6.12.kmsg", "r");
	static struct kmsg_parser p;
	struct kmsg_record rec;
	struct kernel_report out[KMSG_REPORTS_PER_RECORD];
	unsigned int kinds[KR_KIND_MAX] = { 0 }, want[KR_KIND_MAX] = { 0 };
	char line[1024];

	CHECK(f != NULL);
	if (!f)
		return;
	kmsg_parser_init(&p);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "R ", 2) && kmsg_record_parse(line + 2, strlen(line + 2), &rec)) {
			unsigned int n = kmsg_parse(&p, &rec, out);

			for (unsigned int i = 0; i < n; i++)
				kinds[out[i].kind]++;
		}
		/* What the console lines say, by their own words. */
		want[KR_SOFT_LOCKUP] += strstr(line, "R 0,") && strstr(line, "soft lockup") != NULL;
		want[KR_HUNG_TASK] += strstr(line, "R 3,") && strstr(line, "blocked for more") != NULL;
		want[KR_WQ_HOG] += strstr(line, "R 4,") && strstr(line, "hogged CPU") != NULL;
	}
	fclose(f);
	CHECK(want[KR_SOFT_LOCKUP] > 0 && want[KR_HUNG_TASK] > 0 && want[KR_WQ_HOG] > 0);
	for (int k = 0; k < KR_KIND_MAX; k++)
		CHECK_EQ_U64(kinds[k], want[k]);
}

/* Bytes no fixture file can hold: none of them is a report, nothing overflows. */
static void junk_makes_no_report(void)
{
	static char buf[KMSG_TEXT_MAX * 4];
	static struct kmsg_parser p;
	struct kmsg_record rec;
	struct kernel_report out[KMSG_REPORTS_PER_RECORD];
	unsigned int reports = 0, valid = 0;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	const char *good = "0,1,2,-;watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [m:104]\n";
	size_t n;

	kmsg_parser_init(&p);
	/* Random bytes behind a valid header, and without one. */
	for (int i = 0; i < 20000; i++) {
		size_t len = (x >> 7) % sizeof(buf), start = i % 2 ? 8 : 0;

		memcpy(buf, "0,5,6,-;", 8);
		for (size_t k = start; k < len; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[k] = (char)(x & 0xff);
		}
		if (kmsg_record_parse(buf, len, &rec)) {
			valid++;
			CHECK(strlen(rec.text) < KMSG_TEXT_MAX);
			for (const char *c = rec.text; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					CHECK(!"a control byte reached the text");
			reports += kmsg_parse(&p, &rec, out);
		}
	}
	CHECK(valid > 0);
	CHECK_EQ_U64(reports, 0);
	/* A NUL inside the text: a report's words after it are not text. */
	n = strlen(good);
	memcpy(buf, good, n);
	buf[30] = '\0';
	CHECK(kmsg_record_parse(buf, n, &rec));
	CHECK_EQ_U64(kmsg_parse(&p, &rec, out), 0);
	/* The report itself, to show the NUL is what made the difference. */
	CHECK(kmsg_record_parse(good, n, &rec));
	CHECK_EQ_U64(kmsg_parse(&p, &rec, out), 1);
	/* A line past the limit is cut, marked, and never a report, even one that starts as one. */
	n = snprintf(buf, sizeof(buf), "0,7,8,-;watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [");
	memset(buf + n, 'a', sizeof(buf) - n - 16);
	n = sizeof(buf) - 16;
	n += snprintf(buf + n, 16, ":104]\n");
	CHECK(kmsg_record_parse(buf, n, &rec));
	CHECK(rec.truncated);
	CHECK_EQ_U64(strlen(rec.text), KMSG_TEXT_MAX - 1);
	CHECK_EQ_U64(kmsg_parse(&p, &rec, out), 0);
	/* An empty buffer, and a header alone. */
	CHECK(!kmsg_record_parse("", 0, &rec));
	CHECK(kmsg_record_parse("0,9,9,-;", 8, &rec));
	CHECK(rec.text[0] == '\0');
	CHECK_EQ_U64(kmsg_parse(&p, &rec, out), 0);
}

int main(void)
{
	RUN(fixtures_make_their_expected_reports);
	RUN(lab_lines_count_as_captured);
	RUN(junk_makes_no_report);
	CHECK_EXIT();
}
