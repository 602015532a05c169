// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kernel/kmsg.h"
#include "kernel/kmsg_writer.h"

/*
 * devkmsg_open(): EPERM when printk_devkmsg is off; a write-only open
 * needs no syslog permission, only the file's mode (root's, usually).
 */
bool kmsg_writer_open(struct kmsg_writer *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	kmsg_proc_line("/proc/sys/kernel/printk_devkmsg", w->devkmsg, sizeof(w->devkmsg));
	w->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd >= 0)
		return true;
	w->last_err = errno;
	if (errno == EPERM && !strcmp(w->devkmsg, "off"))
		snprintf(w->why, sizeof(w->why), "%s: %s: kernel.printk_devkmsg=off", path,
			 strerror(errno));
	else
		snprintf(w->why, sizeof(w->why), "%s: %s%s", path, strerror(errno),
			 errno == EACCES ? " (writing it needs root)" :
			 errno == EPERM ? " (a device policy, e.g. systemd's DeviceAllow=/dev/kmsg r, "
					  "or a security module)" : "");
	return false;
}

int kmsg_writer_put(struct kmsg_writer *w, const char *rec, size_t len)
{
	ssize_t n;

	if (w->fd < 0)
		return -EBADF;
	n = write(w->fd, rec, len);
	if (n == (ssize_t)len) {
		w->written++;
		return 0;
	}
	w->failed++;
	w->last_err = n < 0 ? errno : EIO;	/* /dev/kmsg takes a record whole or not at all */
	return -w->last_err;
}

void kmsg_writer_close(struct kmsg_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

const char *kmsg_writer_limit(const struct kmsg_writer *w)
{
	if (!strcmp(w->devkmsg, "on"))
		return "kernel.printk_devkmsg=on: no limit of the kernel's";
	if (!strcmp(w->devkmsg, "off"))
		return "kernel.printk_devkmsg=off: the kernel drops what is written";
	return "kernel.printk_devkmsg=ratelimit: the kernel keeps 10 records per 5 s of a writer";
}
