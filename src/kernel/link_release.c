// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "kernel/link_release.h"

/*
 * The child: out of the terminal's process group (Ctrl-C must not kill it
 * while it holds the last references), it waits for the parent to drop its
 * own, then exits; the kernel closes every descriptor it inherited, links
 * included, and the exit completes when their release does.
 */
static void __attribute__((noreturn)) holder_child(int pipe_rd)
{
	char c;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (read(pipe_rd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

pid_t links_release(struct bpf_link **links, unsigned int n, unsigned int timeout_ms)
{
	struct timespec nap = { 0, 2 * 1000 * 1000 };
	unsigned int any = 0, waited_ms = 0;
	int fds[2], status;
	pid_t child;

	for (unsigned int i = 0; i < n; i++)
		any += links[i] != NULL;
	if (!any)
		return 0;
	child = pipe2(fds, O_CLOEXEC) ? -1 : fork();
	if (child == 0) {
		close(fds[1]);
		holder_child(fds[0]);
	}
	if (child > 0)
		close(fds[0]);
	/* With the child holding a reference, none of these closes is the last. */
	for (unsigned int i = 0; i < n; i++) {
		bpf_link__destroy(links[i]);
		links[i] = NULL;
	}
	if (child < 0)
		return 0;	/* no child: the closes above were the last, and waited */
	close(fds[1]);	/* the child may go: its exit releases the links */
	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);

		if (r == child || (r < 0 && errno != EINTR))
			return 0;
		if (waited_ms >= timeout_ms)
			return child;
		nanosleep(&nap, NULL);
		waited_ms += 2;
	}
}
