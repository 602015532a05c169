// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: pinned to one CPU, keeps fresh anonymous pages in that
 * CPU's LRU batch (so lru_add_drain_all() must queue work there) and,
 * optionally as a SCHED_FIFO task, spins so that the work waits.
 *
 *   cpu_hog -c CPU -d SECONDS [-r RTPRIO] [-s SPIN_MS] [-z SLEEP_MS] [-f]
 *
 * -f: while spinning, refault one anonymous page again and again
 * (MADV_DONTNEED, then a write): a fault loop on an ordinary page, no
 * migration and no folio lock anywhere.
 *
 * Prints "tid=N" once pinned and set up.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGES_PER_ROUND 8	/* fewer than a folio_batch (31): they stay in the batch */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void touch_fresh_pages(int n)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < n; i++)
		p[i * page] = 1;	/* kept mapped: unmapping would drain them */
}

int main(int argc, char **argv)
{
	int cpu = -1, rtprio = 0, spin_ms = 0, sleep_ms = 100, opt;
	bool refault = false;
	char *page;
	double seconds = 0, end;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "c:d:r:s:z:f")) != -1) {
		switch (opt) {
		case 'c': cpu = atoi(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 'r': rtprio = atoi(optarg); break;
		case 's': spin_ms = atoi(optarg); break;
		case 'z': sleep_ms = atoi(optarg); break;
		case 'f': refault = true; break;
		default:
			fprintf(stderr, "usage: cpu_hog -c CPU -d SECONDS [-r RTPRIO] [-s SPIN_MS] [-z SLEEP_MS] [-f]\n");
			return 2;
		}
	}
	if (cpu < 0 || seconds <= 0) {
		fprintf(stderr, "cpu_hog: -c and -d are required\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("cpu_hog: sched_setaffinity");
		return 1;
	}
	if (rtprio) {
		struct sched_param sp = { .sched_priority = rtprio };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			perror("cpu_hog: sched_setscheduler");
			return 1;
		}
	}
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("cpu_hog: mmap");
		return 1;
	}
	printf("tid=%d\n", (int)getpid());
	fflush(stdout);
	end = now_s() + seconds;
	while (now_s() < end) {
		double spin_end = now_s() + spin_ms / 1e3;

		double next_touch = 0;

		touch_fresh_pages(PAGES_PER_ROUND);
		/* While spinning, keep a page in the batch so every drain needs this CPU. */
		while (now_s() < spin_end) {
			if (refault) {	/* every write faults in a fresh page, batch included */
				madvise(page, sysconf(_SC_PAGESIZE), MADV_DONTNEED);
				*(volatile char *)page = 1;
				continue;
			}
			if (now_s() >= next_touch) {
				touch_fresh_pages(1);
				next_touch = now_s() + 0.005;
			}
		}
		if (sleep_ms)
			usleep(sleep_ms * 1000);
	}
	return 0;
}
