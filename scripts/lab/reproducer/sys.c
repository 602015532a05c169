// SPDX-License-Identifier: GPL-2.0
/* migrepro: clocks, futexes, pinning, sysfs/proc knobs, the kernel log */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "migrepro.h"

#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define FAIR_SERVER "/sys/kernel/debug/sched/fair_server"
#define PREEMPT_MODEL "/sys/kernel/debug/sched/preempt"

int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0);
}

void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, 1 << 30, NULL, NULL, 0);
}

int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	int n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

long read_minflt(pid_t pid)
{
	char path[64], buf[1024], *p;
	long v = -1;
	int fd, n, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');	/* comm may contain spaces */
	if (!p)
		return -1;
	/* field 3 (state) follows ") "; minflt is field 10 */
	for (field = 2; field < 10 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtol(p + 1, NULL, 10);
	return v;
}

int read_fault_worker(void)
{
	char buf[32];

	return read_str(LAB_FAULT_WORKER, buf, sizeof(buf)) ? 0 : atoi(buf);
}

/* the model this kernel runs: "none (voluntary) full" names it in brackets */
const char *preempt_model(void)
{
	static char model[16];
	char buf[64], *a, *b;

	if (model[0])
		return model;
	strcpy(model, "unknown");
	if (!read_str(PREEMPT_MODEL, buf, sizeof(buf)) && (a = strchr(buf, '(')) &&
	    (b = strchr(a, ')')) && b - a - 1 < (int)sizeof(model)) {
		memcpy(model, a + 1, b - a - 1);
		model[b - a - 1] = 0;
	}
	return model;
}

/*
 * A line in the kernel log (warning level, so on the console, timestamped
 * like the watchdogs' reports: the host measures their delay from it).
 * Needs printk.devkmsg=on, or /dev/kmsg rate-limits user lines.
 */
void kmsg(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int fd, n;

	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<4>mlab: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(fd, line, n) < 0)
		perror("/dev/kmsg");
	close(fd);
}

static char saved_rt[32];
static char fs_saved[64][24];
static int knob_cpus;

/* 6.12: disable (runtime 0) or restore the per-CPU fair deadline server */
static int fair_server(int disable, int ncpu)
{
	char path[128];
	int cpu, err = 0;

	for (cpu = 0; cpu < ncpu && cpu < 64; cpu++) {
		snprintf(path, sizeof(path), FAIR_SERVER "/cpu%d/runtime", cpu);
		if (disable) {
			if (read_str(path, fs_saved[cpu], sizeof(fs_saved[cpu])) ||
			    write_str(path, "0")) {
				fprintf(stderr, "cannot disable %s: %s\n", path,
					strerror(errno));
				err = -1;
			}
		} else if (fs_saved[cpu][0]) {
			write_str(path, fs_saved[cpu]);
			fs_saved[cpu][0] = 0;
		}
	}
	return err;
}

/* the scenario's RT throttling and fair server settings; undone at exit */
int apply_knobs(int ncpu)
{
	read_str(RT_RUNTIME, saved_rt, sizeof(saved_rt));
	knob_cpus = ncpu;
	atexit(restore_knobs);
	if (opt.sc->rt_runtime && write_str(RT_RUNTIME, opt.sc->rt_runtime))
		perror("write " RT_RUNTIME);
	if (opt.sc->fair_server_off && fair_server(1, ncpu))
		fprintf(stderr, "warning: fair server still active (mount debugfs, CONFIG_SCHED_DEBUG)\n");
	return 0;
}

/* put sched_rt_runtime_us and the fair servers back (idempotent) */
void restore_knobs(void)
{
	if (saved_rt[0])
		write_str(RT_RUNTIME, saved_rt);
	saved_rt[0] = 0;
	if (knob_cpus)
		fair_server(0, knob_cpus);
	knob_cpus = 0;
}

/* On a livelock: where is everybody? (stderr; needs CONFIG_STACKTRACE) */
void dump_tasks(pid_t pid, const char *who)
{
	char path[96], buf[4096];
	struct dirent *de;
	DIR *dir;
	int t, n;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		int fd;

		t = atoi(de->d_name);
		if (t <= 0)
			continue;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, t);
		if (read_str(path, buf, 256))
			continue;
		{
			/* after "comm) ": state(3) ... minflt(10) ... prio(18) */
			char st = '?', *q = strrchr(buf, ')');
			long f[20] = { 0 };
			int k;

			if (q && q[1]) {
				st = q[2];
				q += 3;
				for (k = 4; k < 20 && q; k++) {
					f[k] = strtol(q, NULL, 10);
					q = strchr(q + 1, ' ');
				}
			}
			fprintf(stderr, "  %s task %d: state=%c minflt=%ld prio=%ld\n",
				who, t, st, f[10], f[18]);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, t);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			char *line, *save = NULL;

			buf[n] = 0;
			for (line = strtok_r(buf, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				fprintf(stderr, "      %s\n", line);
		}
	}
	closedir(dir);
}
