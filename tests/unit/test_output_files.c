// SPDX-License-Identifier: GPL-2.0
/* The daemon's output files (output/files.c): atomic replacement, modes, refusals. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "output/files.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/migtrace-unit.XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static int write_hello(FILE *f, void *ctx)
{
	fputs(ctx, f);
	return 0;
}

static int write_fails(FILE *f, void *ctx)
{
	(void)ctx;
	fputs("partial", f);
	return -ENOSPC;
}

static bool file_is(const char *path, const char *want)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return !strcmp(buf, want);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? 0 : st.st_mode & 07777;
}

static int entries_in(const char *d)
{
	char cmd[128];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", d);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void replace_is_atomic_and_private(void)
{
	char path[128], err[256];
	mode_t old = umask(0);

	snprintf(path, sizeof(path), "%s/m.prom", dir);
	CHECK(!output_replace(path, 0600, write_hello, "one\n", err, sizeof(err)));
	CHECK(file_is(path, "one\n"));
	CHECK(mode_of(path) == 0600);
	CHECK(!output_replace(path, 0644, write_hello, "two\n", err, sizeof(err)));
	CHECK(file_is(path, "two\n"));
	CHECK(mode_of(path) == 0644);
	/* A failed write leaves the old file whole and no temporary behind. */
	CHECK(output_replace(path, 0600, write_fails, NULL, err, sizeof(err)) == -ENOSPC);
	CHECK(file_is(path, "two\n"));
	CHECK(entries_in(dir) == 1);
	unlink(path);
	umask(old);
}

static void append_refusals_and_reopen(void)
{
	char path[128], lnk[128], rotated[128], err[512];
	struct out_file o;
	mode_t old = umask(0);

	snprintf(path, sizeof(path), "%s/out.jsonl", dir);
	snprintf(lnk, sizeof(lnk), "%s/link.jsonl", dir);
	snprintf(rotated, sizeof(rotated), "%s/out.jsonl.1", dir);
	CHECK(!out_file_open(&o, path, OUTPUT_DEFAULT_MODE, err, sizeof(err)));
	CHECK(mode_of(path) == 0600);	/* whatever the umask */
	fputs("a\n", o.f);
	CHECK(out_file_flush(&o));
	/* Rotation: renamed away, reopened under the old name. */
	CHECK(!rename(path, rotated));
	CHECK(!out_file_reopen(&o, err, sizeof(err)));
	fputs("b\n", o.f);
	out_file_close(&o);
	CHECK(file_is(rotated, "a\n"));
	CHECK(file_is(path, "b\n"));
	/* Never through a symbolic link, never into a directory. */
	CHECK(!symlink(path, lnk));
	CHECK(out_file_open(&o, lnk, OUTPUT_DEFAULT_MODE, err, sizeof(err)) != 0);
	CHECK(strstr(err, "symbolic link") != NULL);
	CHECK(out_file_open(&o, dir, OUTPUT_DEFAULT_MODE, err, sizeof(err)) != 0);
	/* Nor into a file with another hard link (someone else's, linked here). */
	unlink(lnk);
	CHECK(!link(path, lnk));
	CHECK(out_file_open(&o, lnk, OUTPUT_DEFAULT_MODE, err, sizeof(err)) != 0);
	CHECK(strstr(err, "hard links") != NULL);
	CHECK(file_is(path, "b\n"));
	unlink(lnk);
	unlink(path);
	unlink(rotated);
	umask(old);
}

static void paths_and_modes_validated(void)
{
	char err[256], long_path[PATH_MAX + 8];
	mode_t m = 0;

	CHECK(!output_path_valid("", err, sizeof(err)));
	CHECK(!output_path_valid("/tmp/a\nb", err, sizeof(err)));
	CHECK(!output_path_valid("/nonexistent-dir/x", err, sizeof(err)));
	CHECK(!output_path_valid("/tmp/", err, sizeof(err)));
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	CHECK(!output_path_valid(long_path, err, sizeof(err)));
	CHECK(output_path_valid("/tmp/x.prom", err, sizeof(err)));
	CHECK(output_parse_mode("0600", &m) && m == 0600);
	CHECK(output_parse_mode("644", &m) && m == 0644);
	CHECK(output_parse_mode("0640", &m) && m == 0640);
	CHECK(!output_parse_mode("0666", &m));	/* group/other write */
	CHECK(!output_parse_mode("0700", &m));	/* execute */
	CHECK(!output_parse_mode("4600", &m));	/* setuid */
	CHECK(!output_parse_mode("0400", &m));	/* the owner could not write it */
	CHECK(!output_parse_mode("0x180", &m));
	CHECK(!output_parse_mode("-600", &m));
	CHECK(!output_parse_mode("", &m));
	CHECK(!output_parse_mode("0600 ", &m));
}

int main(void)
{
	make_dir();
	RUN(replace_is_atomic_and_private);
	RUN(append_refusals_and_reopen);
	RUN(paths_and_modes_validated);
	if (dir[0])
		rmdir(dir);
	CHECK_EXIT();
}
