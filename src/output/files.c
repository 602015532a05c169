// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/files.h"

/* Room for the temporary name output_replace() puts next to a file. */
#define TMP_SUFFIX_LEN	16

static void dir_of(const char *path, char *dir, size_t len)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(dir, len, "%s", dirname(copy));
}

bool output_path_valid(const char *path, char *err, size_t len)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t n = strlen(path);

	if (!n) {
		snprintf(err, len, "empty file name");
		return false;
	}
	if (n + TMP_SUFFIX_LEN >= PATH_MAX) {
		snprintf(err, len, "file name too long (%zu bytes)", n);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, len, "control character in file name");
			return false;
		}
	if (path[n - 1] == '/') {
		snprintf(err, len, "%s: a directory, not a file", path);
		return false;
	}
	dir_of(path, dir, sizeof(dir));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len, "%s: directory %s does not exist", path, dir);
		return false;
	}
	return true;
}

bool output_parse_mode(const char *s, mode_t *mode)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || (v & ~(unsigned long)OUTPUT_MAX_MODE) || (v & 0600) != 0600)
		return false;
	*mode = v;
	return true;
}

bool output_fd_safe(int fd, const char *path, char *err, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, len, "%s: not a regular file", path);
		return false;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, len, "%s: owned by uid %u, not by us: refusing to write to it",
			 path, (unsigned int)st.st_uid);
		return false;
	}
	if (st.st_nlink > 1) {
		snprintf(err, len, "%s: has %lu hard links: refusing to write to it", path,
			 (unsigned long)st.st_nlink);
		return false;
	}
	return true;
}

/* Open path for appending: no symbolic link, a regular file, ours; created with mode exactly. */
static FILE *open_append(const char *path, mode_t mode, char *err, size_t len)
{
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
	bool created = true;
	FILE *f;
	int fd;

	fd = open(path, flags | O_CREAT | O_EXCL, mode);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(path, flags | O_NONBLOCK);
	}
	if (fd < 0) {
		snprintf(err, len, "%s: %s", path, errno == ELOOP ?
			 "a symbolic link: refusing to follow it" : strerror(errno));
		return NULL;
	}
	if (!output_fd_safe(fd, path, err, len))
		goto fail;
	/* The umask must not widen or narrow what was asked for. */
	if (created && fchmod(fd, mode)) {
		snprintf(err, len, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
	f = fdopen(fd, "a");
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return f;
fail:
	close(fd);
	return NULL;
}

int out_file_open(struct out_file *o, const char *path, mode_t mode, char *err, size_t len)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	o->mode = mode;
	if (!strcmp(path, "-")) {
		o->is_stdout = true;
		o->f = stdout;
		return 0;
	}
	if (!output_path_valid(path, err, len))
		return -EINVAL;
	o->f = open_append(path, mode, err, len);
	return o->f ? 0 : -EIO;
}

int out_file_reopen(struct out_file *o, char *err, size_t len)
{
	FILE *f;

	if (o->is_stdout || !o->f)
		return 0;
	f = open_append(o->path, o->mode, err, len);
	if (!f)
		return -EIO;
	fclose(o->f);
	o->f = f;
	return 0;
}

bool out_file_flush(struct out_file *o)
{
	bool ok;

	if (!o->f)
		return true;
	ok = fflush(o->f) == 0 && !ferror(o->f);
	clearerr(o->f);
	return ok;
}

void out_file_close(struct out_file *o)
{
	if (o->f && !o->is_stdout)
		fclose(o->f);
	else if (o->f)
		fflush(o->f);
	o->f = NULL;
}

int output_replace(const char *path, mode_t mode, int (*write_fn)(FILE *f, void *ctx),
		   void *ctx, char *err, size_t len)
{
	char dir[PATH_MAX], base[PATH_MAX], copy[PATH_MAX], tmp[PATH_MAX + TMP_SUFFIX_LEN];
	FILE *f;
	int fd, ret;

	dir_of(path, dir, sizeof(dir));
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(base, sizeof(base), "%s", basename(copy));
	/* A dot file: the textfile collector reads only *.prom. */
	ret = snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	if (ret < 0 || (size_t)ret >= sizeof(tmp)) {
		snprintf(err, len, "%s: file name too long", path);
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);	/* O_EXCL, 0600: nobody else's file */
	if (fd < 0) {
		snprintf(err, len, "%s: creating a temporary file: %s", path, strerror(errno));
		return -errno;
	}
	if (fchmod(fd, mode)) {
		ret = -errno;
		snprintf(err, len, "%s: chmod: %s", tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		snprintf(err, len, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	ret = write_fn(f, ctx);
	if (fflush(f) || ferror(f))
		ret = ret ? ret : -(errno ? errno : EIO);
	if (!ret && fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -(errno ? errno : EIO);
	if (ret) {
		snprintf(err, len, "%s: writing: %s", tmp, strerror(-ret));
		goto fail;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		snprintf(err, len, "%s: rename: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return ret;
}
