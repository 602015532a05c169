// SPDX-License-Identifier: GPL-2.0
/*
 * Attach the empty programs, say so, and wait for a signal.
 *   empty                   the hooks' floors (page faults, sched_switch)
 *   empty perf CPU PERIOD   also the sampler's floor: a cpu-clock event on
 *                           CPU, one sample per PERIOD ns, reading the stack
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include "empty.skel.h"

static void on_signal(int sig __attribute__((unused)))
{
}

static struct bpf_link *attach_sampler(struct empty_bpf *skel, int cpu, unsigned long period)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK, .sample_period = period,
	};
	int fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? NULL : bpf_program__attach_perf_event(skel->progs.empty_stack_sample, fd);
}

int main(int argc, char **argv)
{
	struct empty_bpf *skel = empty_bpf__open_and_load();
	struct bpf_link *sampler = NULL;

	if (!skel || empty_bpf__attach(skel)) {
		fprintf(stderr, "empty: load/attach failed\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "perf") &&
	    !(sampler = attach_sampler(skel, atoi(argv[2]), strtoul(argv[3], NULL, 10)))) {
		fprintf(stderr, "empty: the cpu-clock sampler failed\n");
		empty_bpf__destroy(skel);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "attached\n");
	pause();
	bpf_link__destroy(sampler);	/* closes the event too */
	empty_bpf__destroy(skel);
	return 0;
}
