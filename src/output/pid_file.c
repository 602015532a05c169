// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "output/files.h"
#include "output/pid_file.h"

int pid_file_open(const char *path, char *err, size_t len)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0) {
		snprintf(err, len, "%s: %s", path, errno == ELOOP ?
			 "a symbolic link: refusing to follow it" : strerror(errno));
		return -1;
	}
	if (!output_fd_safe(fd, path, err, len)) {
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, len, "%s: another migtrace daemon holds it (pid %s)", path,
			 buf[0] ? buf : "?");
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, buf, n, 0) != n) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
