// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg_write TEXT [COUNT]: write TEXT to the kernel log COUNT times (from
 * user space: facility 1 whatever "<N>" TEXT starts with), then print
 * "seq=N", the sequence number the kernel gave the last one, found by
 * reading the log from where it ended before the first write.
 *
 * kmsg_write -w TEXT: write until that reader lost its place (EPIPE: the
 * ring buffer wrapped past it, as it does past any reader that stopped
 * reading), then TEXT once more; prints its seq and "written=N".
 *
 * /dev/kmsg limits each open file to 10 writes per 5 s: it is reopened
 * every 10. For tests/live/kernel_log.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int wfd = -1;
static unsigned long nwritten;

static void put(const char *line)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (nwritten % 10 == 0) {
		if (wfd >= 0)
			close(wfd);
		wfd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (wfd < 0) {
			perror("kmsg_write: /dev/kmsg");
			exit(2);
		}
	}
	/* With its newline: a line without one stays open for a continuation, unread. */
	if (write(wfd, buf, n) < 0) {
		perror("kmsg_write: write");
		exit(2);
	}
	nwritten++;
}

/* One record from r: 1 with its seq and text, 0 on EPIPE (records lost under it). */
static int next(int r, unsigned long long *seq, char *text, size_t len)
{
	static char buf[8192];
	ssize_t n;
	char *semi;

	for (;;) {
		n = read(r, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("kmsg_write: read /dev/kmsg");
			exit(2);
		}
		buf[n] = '\0';
		semi = strchr(buf, ';');
		if (!semi || sscanf(buf, "%*u,%llu,", seq) != 1)
			continue;
		snprintf(text, len, "%.*s", (int)strcspn(semi + 1, "\n"), semi + 1);
		return 1;
	}
}

int main(int argc, char **argv)
{
	bool wrap = argc > 1 && !strcmp(argv[1], "-w");
	const char *text = argv[1 + wrap];
	unsigned long count = argc > 2 + wrap ? strtoul(argv[2 + wrap], NULL, 10) : 1;
	const char *want;
	unsigned long long seq = 0;
	char line[1024], got[1024];
	int r;

	if (!text || !count) {
		fprintf(stderr, "usage: kmsg_write [-w] TEXT [COUNT]\n");
		return 2;
	}
	r = open("/dev/kmsg", O_RDONLY | O_CLOEXEC);	/* blocking: what we wrote comes */
	if (r < 0 || lseek(r, 0, SEEK_END) < 0) {
		perror("kmsg_write: /dev/kmsg for reading");
		return 2;
	}
	if (wrap) {
		/* Each round the reader takes one record, the writers add 100: it falls behind. */
		for (unsigned long i = 0;; i++) {
			snprintf(line, sizeof(line), "%s wrap %lu", text, i);
			put(line);
			if (i % 100 == 99 && !next(r, &seq, got, sizeof(got)))
				break;
		}
		count = 1;
	}
	for (unsigned long i = 0; i < count; i++) {
		snprintf(line, sizeof(line), count > 1 ? "%s %lu" : "%s", text, i);
		put(line);
	}
	/* The last line, as the log has it: without a "<N>" prefix. */
	want = line;
	if (want[0] == '<' && strchr(want, '>'))
		want = strchr(want, '>') + 1;
	while (!next(r, &seq, got, sizeof(got)) || strcmp(got, want))
		;
	printf("seq=%llu\nwritten=%lu\n", seq, nwritten);
	return 0;
}
