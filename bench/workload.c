// SPDX-License-Identifier: GPL-2.0
/*
 * Generates traced events at the highest rate this machine can, pinned to
 * CPU 0 (or one thread per CPU 0..T-1), and prints "events=N ns=T".
 *   workload faults N [T]   N user page faults on fresh anonymous pages
 *   workload switches N     N context switches (two threads ping-ponging)
 *   workload runs N [T]     N fault runs of 3 faults on one page each
 *                           (MADV_DONTNEED between them): one ring-buffer
 *                           record per run in migtrace, the storm case
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static long faults(long n)
{
	const long chunk = 16384, page = sysconf(_SC_PAGESIZE);
	long done = 0;

	while (done < n) {
		char *p = mmap(NULL, chunk * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return done;
		for (long i = 0; i < chunk && done < n; i++, done++)
			p[i * page] = 1;
		munmap(p, chunk * page);
	}
	return done;
}

/* Three faults on each page, then the next: a run of 3 ends per page. */
static long runs(long n)
{
	const long chunk = 4096, page = sysconf(_SC_PAGESIZE);
	long done = 0;
	char *p = mmap(NULL, chunk * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	while (done < n)
		for (long i = 0; i < chunk && done < n; i++, done++)
			for (int k = 0; k < 3; k++) {
				p[i * page] = 1;
				madvise(p + i * page, page, MADV_DONTNEED);
			}
	munmap(p, chunk * page);
	return done;
}

struct job {
	const char *mode;
	int cpu;
	long n, done;
};

static void *worker(void *arg)
{
	struct job *j = arg;

	pin(j->cpu);
	j->done = !strcmp(j->mode, "runs") ? runs(j->n) : faults(j->n);
	return NULL;
}

static int ping[2], pong[2];
static long rounds;

static void *ponger(void *arg __attribute__((unused)))
{
	char c;

	pin(0);
	for (long i = 0; i < rounds; i++) {
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static long switches(long n)
{
	pthread_t t;
	char c = 'x';

	rounds = n / 2;
	if (pipe(ping) || pipe(pong))
		return 0;
	pthread_create(&t, NULL, ponger, NULL);
	for (long i = 0; i < rounds; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	pthread_join(t, NULL);
	return rounds * 2;
}

int main(int argc, char **argv)
{
	unsigned long long t0;
	long n, events;

	int threads = argc == 4 ? atoi(argv[3]) : 1;

	if (argc < 3 || argc > 4 || (n = atol(argv[2])) <= 0 || threads < 1 || threads > 1024) {
		fprintf(stderr, "usage: workload faults|runs N [THREADS] | switches N\n");
		return 2;
	}
	pin(0);
	t0 = now_ns();
	if (!strcmp(argv[1], "faults") || !strcmp(argv[1], "runs")) {
		pthread_t t[1024];
		struct job jobs[1024];

		events = 0;
		for (int i = 0; i < threads; i++) {
			jobs[i] = (struct job){ argv[1], i, n / threads + (i < n % threads), 0 };
			pthread_create(&t[i], NULL, worker, &jobs[i]);
		}
		for (int i = 0; i < threads; i++) {
			pthread_join(t[i], NULL);
			events += jobs[i].done;
		}
	} else if (!strcmp(argv[1], "switches"))
		events = switches(n);
	else
		return 2;
	printf("events=%ld ns=%llu\n", events, now_ns() - t0);
	return 0;
}
