// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cmd/record_child.h"
#include "kernel/clock.h"

/*
 * Fork the command, held before exec until release(): its pid must be known
 * to filter on it before tracing starts, and it must not run untraced.
 */
int child_spawn(struct child *c, char **argv, char *err, size_t len)
{
	int out[2], go[2];
	char b;

	if (pipe2(out, O_CLOEXEC)) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(go, O_CLOEXEC)) {
		snprintf(err, len, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid < 0) {
		snprintf(err, len, "fork: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	if (c->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(go[1]);
		if (read(go[0], &b, 1) != 1)	/* recording never started */
			_exit(125);
		dup2(out[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "migtrace record: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(go[0]);
	c->out_fd = out[0];
	c->go_fd = go[1];
	fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

void child_release(struct child *c)
{
	c->start_ns = mono_ns();
	if (c->go_fd >= 0 && write(c->go_fd, "g", 1) != 1)
		fprintf(stderr, "migtrace record: starting the command failed\n");
	close(c->go_fd);
	c->go_fd = -1;
}

void child_line_done(struct child *c, struct rec_end *end)
{
	c->line[c->line_len] = 0;
	if (!strncmp(c->line, "RESULT ", 7)) {
		snprintf(end->result, sizeof(end->result), "%s", c->line);
		end->has_throughput = rec_result_throughput(c->line, &end->throughput);
	}
	c->line_len = 0;
}

void child_result_from_file(const char *path, struct rec_end *end)
{
	struct child c = { .line_len = 0 };
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "migtrace record: --result-from %s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(c.line, sizeof(c.line), f)) {
		c.line[strcspn(c.line, "\n")] = 0;
		c.line_len = strlen(c.line);
		child_line_done(&c, end);
	}
	fclose(f);
}

/* Relay what the workload printed; keep its last RESULT line. */
void child_relay(struct child *c, struct rec_end *end)
{
	char buf[4096];
	ssize_t n;

	while (c->out_fd >= 0 && (n = read(c->out_fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, stdout);
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (c->line_len < sizeof(c->line) - 1)
					c->line[c->line_len++] = buf[i];
				continue;
			}
			child_line_done(c, end);
		}
	}
	fflush(stdout);
}

void child_reap(struct child *c, int options)
{
	if (c->pid > 0 && !c->exited && waitpid(c->pid, &c->status, options) == c->pid) {
		c->exited = true;
		c->end_ns = mono_ns();
	}
}

/* Asked to stop while the workload runs: TERM it, then KILL after 2 s. */
void child_stop(struct child *c)
{
	if (c->pid <= 0 || c->exited)
		return;
	kill(c->pid, SIGTERM);
	for (int i = 0; i < 200 && !c->exited; i++) {
		usleep(10000);
		child_reap(c, WNOHANG);
	}
	if (!c->exited) {
		kill(c->pid, SIGKILL);
		child_reap(c, 0);
	}
}

