// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "kernel/link_release.h"

/*
 * A child may outlive migtrace: not its terminal's signals, and not its
 * output (a reader waiting for the end of migtrace's output would wait for
 * the kernel too).
 */
static void detach_from_terminal(void)
{
	int null = open("/dev/null", O_RDWR);

	for (int fd = 0; fd <= 2 && null >= 0; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

static void __attribute__((noreturn)) exit_at_eof(int pipe_rd)
{
	char c;

	while (read(pipe_rd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/*
 * The child: out of the terminal's process group (Ctrl-C must not kill it
 * while it holds the last references), it waits for the parent to drop its
 * own, then exits; the kernel closes every descriptor it inherited, links
 * included, and the exit completes when their release does.
 */
static void __attribute__((noreturn)) holder_child(int pipe_rd)
{
	detach_from_terminal();
	exit_at_eof(pipe_rd);
}

/* Wait at most timeout_ms for child to end: 0, or its pid while it lives. */
static pid_t wait_child(pid_t child, unsigned int timeout_ms)
{
	struct timespec nap = { 0, 2 * 1000 * 1000 };
	unsigned int waited_ms = 0;
	int status;

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

pid_t links_release(struct bpf_link **links, unsigned int n, unsigned int timeout_ms)
{
	unsigned int any = 0;
	int fds[2];
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
	return wait_child(child, timeout_ms);
}

/*
 * The attaching child keeps only what it needs: the parent's links, maps
 * and events stay the parent's to release (a copy here would keep them
 * alive as long as this child waits on the kernel).
 */
static void close_all_but(const int *keep, unsigned int n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		bool kept = fd <= 2 || fd == dirfd(d) || e->d_name[0] == '.';

		for (unsigned int i = 0; i < n && !kept; i++)
			kept = keep[i] == fd;
		if (!kept)
			close(fd);
	}
	closedir(d);
}

static void __attribute__((noreturn)) attach_child(int ctl, int res,
						   struct bpf_program *const *progs,
						   const int *group, unsigned int n)
{
	struct bpf_link **links = calloc(n ? n : 1, sizeof(*links));
	int *keep = calloc(n + 2, sizeof(*keep));

	detach_from_terminal();
	if (keep) {
		keep[0] = ctl;
		keep[1] = res;
		for (unsigned int i = 0; i < n; i++)
			keep[i + 2] = bpf_program__fd(progs[i]);
		close_all_but(keep, n + 2);
	}
	for (unsigned int i = 0; i < n && links;) {
		struct link_result r = { .group = group[i] };
		unsigned int first = i;

		for (; i < n && group[i] == r.group; i++) {
			if (r.err)
				continue;
			links[i] = bpf_program__attach(progs[i]);
			if (!links[i]) {
				r.err = errno ? errno : EINVAL;
				r.prog = i;
			}
		}
		if (r.err)	/* the group is all or nothing */
			for (unsigned int k = first; k < i; k++) {
				bpf_link__destroy(links[k]);
				links[k] = NULL;
			}
		if (write(res, &r, sizeof(r)) != sizeof(r))
			break;
	}
	if (write(res, &(struct link_result){ .group = -1 }, sizeof(struct link_result)) < 0)
		_exit(1);
	close(res);
	exit_at_eof(ctl);	/* its exit releases the links */
}

int link_child_attach(struct link_child *c, struct bpf_program *const *progs, const int *group,
		      unsigned int n)
{
	int ctl[2], res[2];

	*c = (struct link_child){ .ctl = -1, .res = -1 };
	if (pipe2(ctl, O_CLOEXEC))
		return -errno;
	if (pipe2(res, O_CLOEXEC)) {
		int err = -errno;

		close(ctl[0]);
		close(ctl[1]);
		return err;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	c->pid = fork();
	if (c->pid == 0) {
		close(ctl[1]);
		close(res[0]);
		attach_child(ctl[0], res[1], progs, group, n);
	}
	close(ctl[0]);
	close(res[1]);
	if (c->pid < 0) {
		int err = -errno;

		close(ctl[1]);
		close(res[0]);
		*c = (struct link_child){ .ctl = -1, .res = -1 };
		return err;
	}
	c->ctl = ctl[1];
	c->res = res[0];
	return 0;
}

int link_child_results(struct link_child *c, struct link_result *out, unsigned int max,
		       int timeout_ms)
{
	struct pollfd p = { .fd = c->res, .events = POLLIN };
	ssize_t got;

	if (c->res < 0)
		return -1;
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	/* Each result is one write of under PIPE_BUF bytes: reads get whole ones. */
	got = read(c->res, out, max * sizeof(*out));
	if (got < 0 && errno == EINTR)
		return 0;
	if (got <= 0) {		/* the child is gone without its last result */
		close(c->res);
		c->res = -1;
		return -1;
	}
	for (ssize_t i = 0; i < got / (ssize_t)sizeof(*out); i++)
		if (out[i].group < 0) {
			close(c->res);
			c->res = -1;
			return i;
		}
	return got / sizeof(*out);
}

pid_t link_child_release(struct link_child *c, unsigned int timeout_ms)
{
	pid_t pid = c->pid;

	if (pid <= 0)
		return 0;	/* never started (its descriptors are not set either) */
	if (c->res >= 0)
		close(c->res);
	if (c->ctl >= 0)
		close(c->ctl);
	*c = (struct link_child){ .ctl = -1, .res = -1 };
	return pid > 0 ? wait_child(pid, timeout_ms) : 0;
}

pid_t link_child_wait(pid_t pid, unsigned int timeout_ms)
{
	return pid > 0 ? wait_child(pid, timeout_ms) : 0;
}
