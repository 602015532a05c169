// SPDX-License-Identifier: GPL-2.0
/*
 * The exposure report's logic (core/exposure*.c, core/facts_file.c) on
 * recorded and constructed host facts: every .facts file in tests/data/exposure
 * file is judged, and each of its "expect" lines, with the reasoning written
 * above it in the file, must hold:
 *
 *   expect fact NAME = VALUE          a derived fact's value
 *   expect fact NAME ~ TEXT           ... its source contains TEXT
 *   expect verdict SHAPE = VERDICT    this host's verdict
 *   expect kernel_verdict SHAPE = V   the kernel's (with an HMM user loaded)
 *   expect reason|assumed|reported SHAPE ~ TEXT   one such line contains TEXT
 *   expect assumed_count|reported_count SHAPE = N
 *
 * A fixture must state a verdict for every shape.
 */
#include <dirent.h>
#include <stdlib.h>
#include "check.h"
#include "core/exposure.h"
#include "core/facts_file.h"

#define DIR_FIXTURES "tests/data/exposure"

static int index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

static bool any_contains(const char (*lines)[EX_LINE], int n, const char *text)
{
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], text))
			return true;
	return false;
}

/* One "expect" line against the judged facts; false with a message when it fails. */
static bool expect(const struct exposure *e, char *line, char *msg, size_t len)
{
	char kind[32], name[64], op[4];
	int used = 0, id;
	const char *want;
	const struct ex_verdict *v;
	char got[EX_LINE * 2];

	if (sscanf(line, "expect %31s %63s %3s %n", kind, name, op, &used) != 3 || !used) {
		snprintf(msg, len, "malformed: %s", line);
		return false;
	}
	want = line + used;
	if (!strcmp(kind, "fact")) {
		if ((id = index_of(ex_names, EX_MAX, name)) < 0)
			return snprintf(msg, len, "no fact %s", name), false;
		if (!strcmp(op, "="))
			snprintf(got, sizeof(got), "%s", e->d.f[id].value);
		else
			snprintf(got, sizeof(got), "%s", e->d.f[id].source);
		if (!strcmp(op, "=") ? !strcmp(got, want) : !!strstr(got, want))
			return true;
		snprintf(msg, len, "fact %s %s \"%s\", got \"%s\"", name, op, want, got);
		return false;
	}
	if ((id = index_of(shape_names, SHAPE_MAX, name)) < 0)
		return snprintf(msg, len, "no shape %s", name), false;
	v = &e->v[id];
	if (!strcmp(kind, "verdict") || !strcmp(kind, "kernel_verdict")) {
		const char *g = verdict_names[!strcmp(kind, "verdict") ? v->host : v->kernel];

		if (!strcmp(g, want))
			return true;
		snprintf(msg, len, "%s %s = \"%s\", got \"%s\" (%s)", kind, name, want, g,
			 v->nreasons ? v->reasons[0] : "");
		return false;
	}
	if (!strcmp(kind, "assumed_count") || !strcmp(kind, "reported_count")) {
		int g = kind[0] == 'a' ? v->nassumed : v->nreported;

		if (g == atoi(want))
			return true;
		snprintf(msg, len, "%s %s = %s, got %d", kind, name, want, g);
		return false;
	}
	if (!strcmp(kind, "reason") && any_contains(v->reasons, v->nreasons, want))
		return true;
	if (!strcmp(kind, "assumed") && any_contains(v->assumed, v->nassumed, want))
		return true;
	if (!strcmp(kind, "reported") && any_contains(v->reported_by, v->nreported, want))
		return true;
	snprintf(msg, len, "%s %s ~ \"%s\": no such line", kind, name, want);
	return false;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Judge one fixture; one PASS or FAIL line for it. */
static void fixture(const char *file)
{
	static struct host_facts h;
	static struct exposure e;
	char path[512], err[256], msg[1024], *text, *save = NULL;
	int n = 0, failed = 0, shapes[SHAPE_MAX] = { 0 };

	snprintf(path, sizeof(path), DIR_FIXTURES "/%s", file);
	text = slurp(path);
	if (!text || facts_file_parse(text, &h, err, sizeof(err))) {
		printf("FAIL exposure fixture %s: %s\n", file, text ? err : "cannot read");
		check_failures++;
		free(text);
		return;
	}
	exposure_evaluate(&h, &e);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char shape[64];

		if (strncmp(l, "expect ", 7))
			continue;
		n++;
		if (sscanf(l, "expect verdict %63s", shape) == 1 &&
		    index_of(shape_names, SHAPE_MAX, shape) >= 0)
			shapes[index_of(shape_names, SHAPE_MAX, shape)]++;
		if (!expect(&e, l, msg, sizeof(msg))) {
			fprintf(stderr, "  %s: %s\n", file, msg);
			failed++;
		}
	}
	for (int s = 0; s < SHAPE_MAX; s++)
		if (!shapes[s]) {
			fprintf(stderr, "  %s: no \"expect verdict %s\"\n", file, shape_names[s]);
			failed++;
		}
	printf("%s exposure fixture %s (%d expectations)\n", failed ? "FAIL" : "PASS", file, n);
	check_failures += !!failed;
	free(text);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_facts(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".facts");
}

static void test_fixtures(void)
{
	struct dirent **list;
	int n = scandir(DIR_FIXTURES, &list, is_facts, by_name);

	CHECK(n >= 8);	/* the fixtures issue 20 asks for, and the recorded host */
	for (int i = 0; i < n; i++) {
		fixture(list[i]->d_name);
		free(list[i]);
	}
	if (n > 0)
		free(list);
}

static void test_release_kv(void)
{
	CHECK_EQ_U64(release_kv("6.18.44-fc-v1272"), KV(6, 18, 44));
	CHECK_EQ_U64(release_kv("6.8.0-45-generic"), KV(6, 8, 0));
	CHECK_EQ_U64(release_kv("5.14.0-570.12.1.el9_6.x86_64"), KV(5, 14, 0));
	CHECK_EQ_U64(release_kv("6.12.118+deb12-amd64"), KV(6, 12, 118));
	CHECK_EQ_U64(release_kv("7.0"), KV(7, 0, 0));
	CHECK_EQ_U64(release_kv("7.0-rc3"), KV(7, 0, 0));
	CHECK_EQ_U64(release_kv("6.12.300"), KV(6, 12, 255));
	CHECK_EQ_U64(release_kv("6"), 0);
	CHECK_EQ_U64(release_kv("linux"), 0);
	CHECK_EQ_U64(release_kv(""), 0);
}

static void test_preempt_debugfs(void)
{
	CHECK(preempt_from_debugfs("none (voluntary) full") == PM_VOLUNTARY);
	CHECK(preempt_from_debugfs("(none) voluntary full") == PM_NONE);
	CHECK(preempt_from_debugfs("none voluntary full (lazy)") == PM_LAZY);
	CHECK(preempt_from_debugfs("none voluntary (full) lazy") == PM_FULL);
	CHECK(preempt_from_debugfs("none voluntary full") == PM_UNKNOWN);
	CHECK(preempt_from_debugfs("(bogus) full") == PM_UNKNOWN);
}

/* The release table at its edges, with symbols that cannot tell. */
static const char *fix_for(const char *release, const char *softleaf, const char *mig)
{
	static struct host_facts h;
	static struct ex_facts e;

	hf_init(&h);
	hf_set(&h, HF_RELEASE, release, "test");
	if (softleaf)
		hf_set(&h, HF_SYM_SOFTLEAF_WAIT, softleaf, "test");
	if (mig)
		hf_set(&h, HF_SYM_MIGRATION_WAIT, mig, "test");
	exposure_derive(&h, &e);
	return e.f[EX_FIX].value;
}

static void test_fix_table(void)
{
	CHECK(!strcmp(fix_for("6.18.18", "absent", "present"), "no"));
	CHECK(!strcmp(fix_for("6.18.19", "absent", "present"), "yes"));
	CHECK(!strcmp(fix_for("6.19.8", "absent", "present"), "no"));
	/* 6.19.9 renames: the old name alone says this build lacks it */
	CHECK(!strcmp(fix_for("6.19.9", "absent", "present"), "no"));
	CHECK(!strcmp(fix_for("6.19.9", NULL, NULL), "yes"));
	CHECK(!strcmp(fix_for("7.1.0", "absent", "absent"), "unknown"));
	CHECK(!strcmp(fix_for("6.17.5", "present", "absent"), "yes"));
	CHECK(!strcmp(fix_for("6.16.3", "absent", "present"), "no"));
	CHECK(!strcmp(fix_for("garbage", "absent", "present"), "unknown"));
}

static void test_facts_file(void)
{
	static struct host_facts a, b;
	char line[1024], err[256];

	hf_init(&a);
	hf_set(&a, HF_RELEASE, "6.1.0 [x]", "a [bracketed] source");
	hf_unknown(&a, HF_STALLD, "/proc: Permission denied");
	facts_file_line(line, sizeof(line), &a, HF_RELEASE);
	CHECK(!strcmp(line, "release: 6.1.0 [x] [a (bracketed) source]\n"));
	facts_file_line(line + strlen(line), sizeof(line) - strlen(line), &a, HF_STALLD);
	CHECK(!facts_file_parse(line, &b, err, sizeof(err)));
	CHECK(b.f[HF_RELEASE].known && !strcmp(b.f[HF_RELEASE].value, "6.1.0 [x]"));
	CHECK(!strcmp(b.f[HF_RELEASE].source, "a (bracketed) source"));
	CHECK(!b.f[HF_STALLD].known);
	CHECK(!strcmp(b.f[HF_STALLD].source, "/proc: Permission denied"));
	CHECK(!strcmp(b.f[HF_WATCHDOG].source, "not in the facts file"));
	CHECK(facts_file_parse("bogus: 1 [x]\n", &b, err, sizeof(err)) == -1);
	CHECK(strstr(err, "line 1: unknown fact \"bogus\""));
	CHECK(facts_file_parse("# c\nrelease 6.1 [x]\n", &b, err, sizeof(err)) == -1);
	CHECK(strstr(err, "line 2"));
	CHECK(facts_file_parse("release: 6.1 [x\n", &b, err, sizeof(err)) == -1);
	CHECK(!facts_file_parse("expect anything at all\n\n  # indented\n", &b, err, sizeof(err)));
}

int main(void)
{
	RUN(test_release_kv);
	RUN(test_preempt_debugfs);
	RUN(test_fix_table);
	RUN(test_facts_file);
	RUN(test_fixtures);
	CHECK_EXIT();
}
