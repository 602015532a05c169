// SPDX-License-Identifier: GPL-2.0
/* Attach the empty programs, say so, and wait for a signal. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "empty.skel.h"

static void on_signal(int sig __attribute__((unused)))
{
}

int main(void)
{
	struct empty_bpf *skel = empty_bpf__open_and_load();

	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "empty: load/attach failed\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "attached\n");
	pause();
	empty_bpf__destroy(skel);
	return 0;
}
