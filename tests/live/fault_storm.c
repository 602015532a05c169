// SPDX-License-Identifier: GPL-2.0
/*
 * An event storm for the daemon's overload tests and the soak: each thread
 * faults on one page three times (dropping it in between), then moves to
 * the next page, so that every three faults end a fault run and produce a
 * ring buffer record.
 *
 *   fault_storm -d SECONDS [-t THREADS]
 *
 * Prints "faults=N" at the end.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGES 256

static double seconds = 1;
static long page;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *storm(void *arg)
{
	long *faults = arg;
	char *p = mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	double end = now_s() + seconds;

	if (p == MAP_FAILED)
		return NULL;
	for (unsigned long i = 0; ; i++) {
		char *pg = p + (i % PAGES) * page;

		for (int k = 0; k < 3; k++) {
			madvise(pg, page, MADV_DONTNEED);
			*(volatile char *)pg = 1;
			(*faults)++;
		}
		if ((i & 255) == 0 && now_s() >= end)
			break;
	}
	munmap(p, PAGES * page);
	return NULL;
}

int main(int argc, char **argv)
{
	int opt, threads = 1;
	pthread_t t[64];
	long faults[64] = {}, total = 0;

	page = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "d:t:")) != -1) {
		switch (opt) {
		case 'd':
			seconds = atof(optarg);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: fault_storm -d SECONDS [-t THREADS]\n");
			return 2;
		}
	}
	if (seconds <= 0 || threads < 1 || threads > 64) {
		fprintf(stderr, "fault_storm: invalid arguments\n");
		return 2;
	}
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, storm, &faults[i]);
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += faults[i];
	}
	printf("faults=%ld\n", total);
	return 0;
}
