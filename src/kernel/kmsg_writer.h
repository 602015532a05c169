/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel log as an output: /dev/kmsg opened for writing, one record per
 * write(2) (the reader is kernel/kmsg.c). Writing never blocks; a failure
 * is said once by the caller and counted here.
 */
#ifndef MIGTRACE_KMSG_WRITER_H
#define MIGTRACE_KMSG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * /dev/kmsg's own limit when kernel.printk_devkmsg=ratelimit (the default):
 * 10 records per 5 s per open file, the rest dropped without an error.
 */
#define KMSG_KERNEL_BURST	10
#define KMSG_KERNEL_PERIOD_S	5

struct kmsg_writer {
	int fd;			/* -1: not writable (why says why) */
	char why[160];
	char devkmsg[16];	/* kernel.printk_devkmsg: "on", "off", "ratelimit" or "" */
	uint64_t written, failed;
	int last_err;
};

/* Open path (KMSG_PATH but for tests) for writing. false: w->why says why. */
bool kmsg_writer_open(struct kmsg_writer *w, const char *path);
/* One record (len bytes, its newline included). 0 or -errno (counted in failed). */
int kmsg_writer_put(struct kmsg_writer *w, const char *rec, size_t len);
void kmsg_writer_close(struct kmsg_writer *w);
/* What printk_devkmsg does to what is written, for caps and warnings. */
const char *kmsg_writer_limit(const struct kmsg_writer *w);

#endif
