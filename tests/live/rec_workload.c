// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for record/compare: pinned to one CPU, it faults on one
 * page exactly K times in a row (dropping it in between), then moves to the
 * next page, so every fault run has K attempts whatever else happens; and
 * every DRAIN_MS it asks for compaction, which calls lru_add_drain_all().
 *
 *   rec_workload -d SECONDS [-c CPU] [-k ATTEMPTS] [-D DRAIN_MS] [-p PAUSE_US]
 *
 * Ends with "RESULT runs=N drains=N ops_per_s=X" (fault runs per second).
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGES 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void compact(void)
{
	int fd = open("/proc/sys/vm/compact_memory", O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		perror("compact_memory");
	close(fd);
}

int main(int argc, char **argv)
{
	int cpu = 0, k = 5, drain_ms = 200, pause_us = 2000, opt;
	double seconds = 0, start, end, next_drain;
	long page = sysconf(_SC_PAGESIZE), runs = 0, drains = 0;
	volatile char *p;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "c:d:k:D:p:")) != -1) {
		switch (opt) {
		case 'c': cpu = atoi(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 'k': k = atoi(optarg); break;
		case 'D': drain_ms = atoi(optarg); break;
		case 'p': pause_us = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: rec_workload -d SECONDS [-c CPU] [-k ATTEMPTS] "
				"[-D DRAIN_MS] [-p PAUSE_US]\n");
			return 2;
		}
	}
	if (seconds <= 0 || k < 1) {
		fprintf(stderr, "rec_workload: -d SECONDS (> 0) is required\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	p = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	start = now_s();
	end = start + seconds;
	next_drain = start;
	for (long i = 0; now_s() < end; i++) {
		volatile char *pg = p + (i % PAGES) * page;

		for (int a = 0; a < k; a++) {
			pg[0] = 1;	/* fault: the page was dropped */
			madvise((void *)pg, page, MADV_DONTNEED);
		}
		runs++;
		if (now_s() >= next_drain) {
			compact();
			drains++;
			next_drain += drain_ms / 1e3;
		}
		usleep(pause_us);
	}
	printf("RESULT runs=%ld drains=%ld ops_per_s=%.3f\n", runs, drains,
	       runs / (now_s() - start));
	return 0;
}
