// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel/kmsg.h"

void kmsg_proc_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool have_cap_syslog(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[CAP_SYSLOG / 32].effective & (1U << (CAP_SYSLOG % 32));
}

/*
 * devkmsg_open(): EPERM when printk_devkmsg is off, or when dmesg_restrict
 * is set and the reader lacks CAP_SYSLOG; then security_syslog() (an LSM).
 */
void kmsg_why(int err, char *buf, size_t len)
{
	char devkmsg[32], restrict_[32];

	if (err != EPERM && err != EACCES) {
		snprintf(buf, len, "%s: %s%s", KMSG_PATH, strerror(err),
			 err == ENOENT ? " (no such device here: a container?)" : "");
		return;
	}
	kmsg_proc_line("/proc/sys/kernel/printk_devkmsg", devkmsg, sizeof(devkmsg));
	kmsg_proc_line("/proc/sys/kernel/dmesg_restrict", restrict_, sizeof(restrict_));
	if (err == EPERM && !strcmp(devkmsg, "off"))
		snprintf(buf, len, "%s: %s: kernel.printk_devkmsg=off", KMSG_PATH, strerror(err));
	else if (err == EPERM && !strcmp(restrict_, "1") && !have_cap_syslog())
		snprintf(buf, len, "%s: %s: kernel.dmesg_restrict=1 and no CAP_SYSLOG", KMSG_PATH,
			 strerror(err));
	else
		snprintf(buf, len, "%s: %s (dmesg_restrict=%s, CAP_SYSLOG %s: a security module "
			 "or the file's mode)", KMSG_PATH, strerror(err), restrict_[0] ? restrict_ : "?",
			 have_cap_syslog() ? "held" : "not held");
}

void kmsg_open(struct kmsg_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	kmsg_parser_init(&r->parser);
	r->state.known = true;
	r->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0) {
		kmsg_why(errno, r->state.why, sizeof(r->state.why));
		return;
	}
	/* From now on: what the log held before is not this run's. */
	if (lseek(r->fd, 0, SEEK_END) < 0) {
		snprintf(r->state.why, sizeof(r->state.why), "%s: seeking to its end: %s", path,
			 strerror(errno));
		close(r->fd);
		r->fd = -1;
		return;
	}
	r->state.readable = true;
}

/* The sequence numbers say how many records were overwritten unread. */
static void account(struct kmsg_reader *r, uint64_t seq)
{
	if (r->have_seq && seq > r->next_seq)
		r->state.lost += seq - r->next_seq;
	else if (!r->have_seq && r->overrun)
		r->state.lost++;	/* at least one; the first seq to expect was never known */
	r->overrun = false;
	r->have_seq = true;
	r->next_seq = seq + 1;
	r->state.last_seq = seq;
	r->state.records++;
}

unsigned int kmsg_read(struct kmsg_reader *r, struct kernel_report *out, unsigned int max,
		       unsigned int max_records, bool final)
{
	static char buf[KMSG_READ_MAX];
	static struct kmsg_record rec;
	unsigned int n = 0;

	for (unsigned int i = 0; r->fd >= 0 && i < max_records; i++) {
		ssize_t len;

		if (max - n < KMSG_REPORTS_PER_RECORD)
			break;
		len = read(r->fd, buf, sizeof(buf));
		if (len < 0 && errno == EPIPE) {	/* overwritten: on from the oldest left */
			r->overrun = true;
			continue;
		}
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EAGAIN)
			break;
		if (len <= 0) {		/* not the kernel log any more: say so, stop */
			snprintf(r->state.why, sizeof(r->state.why), "%s: read: %s", KMSG_PATH,
				 len ? strerror(errno) : "end of file");
			r->state.readable = false;
			close(r->fd);
			r->fd = -1;
			break;
		}
		if (!kmsg_record_parse(buf, len, &rec))
			continue;
		account(r, rec.seq);
		n += kmsg_parse(&r->parser, &rec, out + n);
	}
	if (final && max - n >= KMSG_REPORTS_PER_RECORD)
		n += kmsg_parse_flush(&r->parser, out + n);
	return n;
}

/* Safe on a zeroed reader that was never opened (its fd 0 is not the log's). */
void kmsg_close(struct kmsg_reader *r)
{
	if (r->state.known && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}
