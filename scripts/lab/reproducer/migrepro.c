// SPDX-License-Identifier: GPL-2.0
/*
 * migrepro - reproducer for the device-private migration livelock of the
 * linux-mm thread "lru_add_drain_all() under folio locks vs. trylock spin in
 * do_swap_page()" (see scripts/lab/README.md).
 *
 * Geometry, per iteration i (one page pair S_i, D_i in one anonymous VMA):
 *   - D_i: a device-private page of /dev/hmm_dmirror0, shared with a forked
 *     child C (fork copies the device-private entry: mapcount 2);
 *   - S_i: a fresh system page, faulted by a "toucher" thread of P pinned on
 *     CPU k that stays alive, so S_i sits in CPU k's lru_add batch;
 *   - holder (P, pinned on CPU h): HMM_DMIRROR_MIGRATE_MIXED on [S_i, D_i]:
 *     migrate_vma_collect() locks S_i and D_i (P's PTEs become migration
 *     entries), migrate_device_unmap() meets S_i off the LRU and calls
 *     lru_add_drain_all(), which needs a work item to run on CPU k;
 *   - spinners (threads of C, one of them pinned on CPU k, SCHED_FIFO in the
 *     rt-* scenarios): read D_i through C's still device-private PTE, so
 *     do_swap_page() fails its trylock and the fault is retried at once.
 * With RT throttling off nothing else ever runs on CPU k: livelock.
 *
 * Output: two lines
 *   RESULT scenario=... variant=... progress=yes|no iterations=a/b ...
 *   TRUTH run=N outcome=livelock|progress holder_tid=... spinner_tids=a,b
 *         spinner_cpus=k,c address=0x... holder_locked=yes|no|-
 *         t_release_ns=... (what this run knows about itself: the parties a
 *         detector should name; holder_locked: the holder had collected, i.e.
 *         locked, D_i when the deadline passed; clocks are CLOCK_MONOTONIC,
 *         the clock of bpf_ktime_get_ns())
 * Exit status: 0 progress in every iteration, 2 livelock (an iteration missed
 * its deadline; the child was killed to recover), 3 livelock and no recovery,
 * 1 setup error.
 *
 * With --spinners 0 (lab compare's cost benchmark) nothing contends: per
 * iteration the holder migrates S_i (in CPU k's lru_add batch) and D_i, and
 * the main thread then reads S_i, now device-private, back through the
 * fault path; migrations_per_s is then iterations per second.
 *
 * Scenario rt-nolocks (a negative control): no migration and no folio lock.
 * An RT thread on CPU k puts a fresh page into k's lru_add batch, then either
 * busy-loops or refaults one ordinary anonymous page (MADV_DONTNEED + write;
 * from 50 ms after the drain started) for --hold-ms, while a thread on CPU h
 * calls lru_add_drain_all() (through /proc/sys/vm/compact_memory). The drain waits for CPU k: a stuck RT task
 * that holds nothing, outcome=stuck_rt_no_locks.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* lib/test_hmm_uapi.h (plus the lab's 0001 patch) */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_MIXED	_IOWR('H', 0x40, struct hmm_dmirror_cmd)

#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define MAX_SPINNERS 8

/*
 * rt-nothrottle: SCHED_FIFO spinner, sched_rt_runtime_us=-1 and the 6.12
 *                fair deadline server disabled (runtime 0 on every CPU), i.e.
 *                nothing left that lets a CFS kworker run on CPU k;
 * rt-fairserver: SCHED_FIFO spinner, sched_rt_runtime_us=-1, fair server left
 *                at its default (50 ms every 1 s on 6.12);
 * rt-throttle:   SCHED_FIFO spinner, sched_rt_runtime_us=950000 (default);
 * nonrt:         SCHED_OTHER spinner.
 */
enum scenario { SC_RT_NOTHROTTLE, SC_RT_FAIRSERVER, SC_RT_THROTTLE, SC_NONRT,
		SC_RT_NOLOCKS, SC_NR };
static const char *const sc_names[] = { "rt-nothrottle", "rt-fairserver",
					"rt-throttle", "nonrt", "rt-nolocks" };

/* rt-nolocks: what the RT thread does on CPU k */
enum rt_loop { LOOP_AUTO, LOOP_BUSY, LOOP_REFAULT };
static const char *const loop_names[] = { "auto", "busy", "refault" };

static struct {
	enum scenario sc;
	const char *variant;
	const char *device;
	int iterations;
	int deadline_ms;
	int cpu_k, cpu_h, cpu_main;
	int spinners;		/* total, the first one is pinned on cpu_k */
	int spin_delay_us;
	int trigger_pagemap;
	int rt_prio;
	int quiet;
	int run;		/* run number, printed in TRUTH */
	int hold_ms;		/* rt-nolocks: how long the RT thread loops */
	int stall_ms;		/* rt-nolocks: a drain this slow is the stall */
	enum rt_loop loop;
} opt = {
	.sc = SC_RT_NOTHROTTLE, .variant = "unknown",
	.device = "/dev/hmm_dmirror0", .iterations = 8, .deadline_ms = 5000,
	.cpu_k = -1, .cpu_h = 0, .cpu_main = 1, .spinners = 2,
	.spin_delay_us = 20000, .rt_prio = 10, .trigger_pagemap = 1,
	.run = 1, .hold_ms = 1500, .stall_ms = 500, .loop = LOOP_AUTO,
};

/* Shared between P and C (MAP_SHARED). */
struct ctl {
	_Atomic uint64_t pm0;		/* P's pagemap entry of D_i before release */
	_Atomic uint32_t go;		/* iteration number + 1, futex word */
	_Atomic uint32_t done[MAX_SPINNERS]; /* last iteration read by spinner */
	_Atomic uint32_t ready;
	_Atomic uint32_t touch;		/* toucher futex word (P only) */
	_Atomic uint32_t touched;
	_Atomic uint32_t hold;		/* holder futex word (P only) */
	_Atomic uint32_t held;		/* last iteration the holder finished */
	_Atomic int64_t held_cpages;
	_Atomic int held_err;
	/* ground truth */
	_Atomic int holder_tid;
	_Atomic int toucher_tid;
	_Atomic int spin_tid[MAX_SPINNERS];
	_Atomic int spin_cpu[MAX_SPINNERS];	/* CPU of the last read of D_i */
};

static struct ctl *ctl;
static int pagemap_fd = -1;	/* P: own pagemap; C: the parent's */
static char *region;
static long pagesz;
static int dmirror_fd;

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, 1 << 30, NULL, NULL, 0);
}

static int pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static char *S(int i) { return region + (size_t)(2 * i) * pagesz; }
static char *D(int i) { return region + (size_t)(2 * i + 1) * pagesz; }

/* ---------------------------------------------------------------- child */

struct spin_arg { int idx; };

static void *spinner(void *p)
{
	struct spin_arg *a = p;
	uint32_t it = 0;

	atomic_store(&ctl->spin_tid[a->idx], gettid_());
	if (a->idx == 0) {
		pin(opt.cpu_k);
		if (opt.sc != SC_NONRT) {
			struct sched_param sp = { .sched_priority = opt.rt_prio };

			if (sched_setscheduler(0, SCHED_FIFO, &sp))
				perror("sched_setscheduler(SCHED_FIFO)");
		}
	} else {
		/* other spinners stay off cpu_k and cpu_h */
		cpu_set_t set;
		int c, n = sysconf(_SC_NPROCESSORS_ONLN);

		CPU_ZERO(&set);
		for (c = 0; c < n; c++)
			if (c != opt.cpu_k && c != opt.cpu_h)
				CPU_SET(c, &set);
		if (CPU_COUNT(&set))
			sched_setaffinity(0, sizeof(set), &set);
	}
	atomic_fetch_add(&ctl->ready, 1);
	for (;;) {
		uint32_t g = atomic_load(&ctl->go);
		volatile char *d;
		uint64_t t;

		if (g == it) {
			futex_wait(&ctl->go, g);
			continue;
		}
		it = g;
		if (it == UINT32_MAX)
			break;
		/*
		 * Occupy the CPU until the holder has collected D_i: its PTE in
		 * P turns from a device-private into a migration entry (seen in
		 * P's pagemap), or at most spin_delay_us.
		 */
		d = (volatile char *)D(it - 1);
		t = now_ns() + (uint64_t)opt.spin_delay_us * 1000;
		while (now_ns() < t) {
			uint64_t e;

			if (pagemap_fd < 0)
				continue;
			if (pread(pagemap_fd, &e, sizeof(e),
				  (off_t)((uintptr_t)d / pagesz) * sizeof(e)) == sizeof(e) &&
			    e != atomic_load(&ctl->pm0))
				break;
		}
		atomic_store(&ctl->spin_cpu[a->idx], sched_getcpu());
		(void)d[0];	/* device-private: do_swap_page() */
		atomic_store(&ctl->done[a->idx], it);
	}
	return NULL;
}

static void child_main(void)
{
	pthread_t th[MAX_SPINNERS];
	struct spin_arg args[MAX_SPINNERS];
	char path[64];
	int i;

	if (pagemap_fd >= 0)
		close(pagemap_fd);
	pagemap_fd = -1;
	if (opt.trigger_pagemap) {
		snprintf(path, sizeof(path), "/proc/%d/pagemap", getppid());
		pagemap_fd = open(path, O_RDONLY);
		if (pagemap_fd < 0)
			perror(path);
	}

	for (i = 0; i < opt.spinners; i++) {
		args[i].idx = i;
		if (pthread_create(&th[i], NULL, spinner, &args[i])) {
			perror("pthread_create");
			_exit(1);
		}
	}
	for (i = 0; i < opt.spinners; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

/* ------------------------------------------------------------- parent */

static void *toucher(void *p)
{
	uint32_t it = 0;

	(void)p;
	atomic_store(&ctl->toucher_tid, gettid_());
	pin(opt.cpu_k);
	for (;;) {
		uint32_t g = atomic_load(&ctl->touch);

		if (g == it) {
			futex_wait(&ctl->touch, g);
			continue;
		}
		it = g;
		if (it == UINT32_MAX)
			break;
		/* fresh anonymous fault on CPU k: the folio goes to k's lru_add batch */
		memset(S(it - 1), 0x5a, pagesz);
		atomic_store(&ctl->touched, it);
		futex_wake(&ctl->touched);
	}
	return NULL;
}

static void *holder(void *p)
{
	uint32_t it = 0;

	(void)p;
	atomic_store(&ctl->holder_tid, gettid_());
	pin(opt.cpu_h);
	for (;;) {
		uint32_t g = atomic_load(&ctl->hold);
		struct hmm_dmirror_cmd cmd = { 0 };

		if (g == it) {
			futex_wait(&ctl->hold, g);
			continue;
		}
		it = g;
		if (it == UINT32_MAX)
			break;
		cmd.addr = (uintptr_t)S(it - 1);
		cmd.npages = 2;
		if (ioctl(dmirror_fd, HMM_DMIRROR_MIGRATE_MIXED, &cmd))
			atomic_store(&ctl->held_err, errno);
		else
			atomic_fetch_add(&ctl->held_cpages, cmd.cpages);
		atomic_store(&ctl->held, it);
		futex_wake(&ctl->held);
	}
	return NULL;
}

static long read_minflt(pid_t pid)
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

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

static int read_str(const char *path, char *buf, size_t len)
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

#define FAIR_SERVER "/sys/kernel/debug/sched/fair_server"
static char fs_saved[64][24];

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

/* On a livelock: where is everybody? (stderr; needs CONFIG_STACKTRACE) */
static void dump_tasks(pid_t pid, const char *who)
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

static char saved_rt[32];
static int knob_cpus;

/* put sched_rt_runtime_us and the fair servers back (idempotent) */
static void restore_knobs(void)
{
	if (saved_rt[0])
		write_str(RT_RUNTIME, saved_rt);
	saved_rt[0] = 0;
	if (knob_cpus)
		fair_server(0, knob_cpus);
	knob_cpus = 0;
}

/* ------------------------------------------------------------ rt-nolocks */

static struct {
	_Atomic int rt_tid;
	_Atomic int rt_cpu;
	_Atomic int phase;	/* 0 starting, 1 looping, 2 done, -1 error */
	_Atomic int draining;	/* the drainer is inside a drain call */
	_Atomic int refault;	/* LOOP_REFAULT: start refaulting now */
	char *fresh;		/* goes into CPU k's lru_add batch */
	char *page;		/* refaulted (LOOP_REFAULT) */
	enum rt_loop loop;
	long refaults;
} nl;

static void *rt_looper(void *p)
{
	struct sched_param sp = { .sched_priority = opt.rt_prio };
	uint64_t end;

	(void)p;
	atomic_store(&nl.rt_tid, gettid_());
	if (pin(opt.cpu_k) || sched_setscheduler(0, SCHED_FIFO, &sp)) {
		perror("rt-nolocks: pin/SCHED_FIFO");
		atomic_store(&nl.phase, -1);
		return NULL;
	}
	memset(nl.fresh, 0x5a, pagesz);	/* fresh folio: k's lru_add batch */
	atomic_store(&nl.rt_cpu, sched_getcpu());
	end = now_ns() + (uint64_t)opt.hold_ms * 1000000ull;
	atomic_store(&nl.phase, 1);
	while (now_ns() < end) {
		if (atomic_load(&nl.refault)) {
			madvise(nl.page, pagesz, MADV_DONTNEED);
			((volatile char *)nl.page)[0] = 1;
			nl.refaults++;
		}
	}
	atomic_store(&nl.phase, 2);
	return NULL;
}

/*
 * LOOP_REFAULT: each MADV_DONTNEED drains CPU k's batch locally
 * (free_pages_and_swap_cache()), so a drain_all() that samples k's batch
 * while the loop runs rarely queues work there. The RT thread therefore
 * busy-waits with its fresh folio in k's batch until the drain call has
 * been going for 50 ms (its work is queued on k by then and cannot run),
 * then refaults for the rest of --hold-ms.
 */
static void *refault_signaller(void *p)
{
	(void)p;
	pin(opt.cpu_main);
	while (atomic_load(&nl.phase) <= 1 && !atomic_load(&nl.draining))
		usleep(1000);
	usleep(50000);
	atomic_store(&nl.refault, 1);
	return NULL;
}

/* lru_add_drain_all() from user space, no migration, no folio lock held */
static int drain_all(void)
{
	return write_str("/proc/sys/vm/compact_memory", "1");
}

static int run_nolocks(void)
{
	uint64_t t_start, t_end, t0, d, max_d = 0, t_rel = 0, calib;
	int drainer, attempts = 0, stalled = 0;
	pthread_t th, th_sig;

	region = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(region, 2 * pagesz, MADV_NOHUGEPAGE);
	nl.fresh = region;
	nl.page = region + pagesz;
	nl.loop = opt.loop != LOOP_AUTO ? opt.loop :
		  (opt.run % 2 ? LOOP_REFAULT : LOOP_BUSY);
	pin(opt.cpu_h);
	drainer = gettid_();
	/* what a drain (plus compaction) costs with nothing in the way */
	t0 = now_ns();
	if (drain_all()) {
		perror("/proc/sys/vm/compact_memory");
		return 1;
	}
	calib = now_ns() - t0;

	t_start = now_ns();
	if (pthread_create(&th, NULL, rt_looper, NULL)) {
		perror("pthread_create");
		return 1;
	}
	while (atomic_load(&nl.phase) == 0)
		usleep(1000);
	if (nl.loop == LOOP_REFAULT &&
	    pthread_create(&th_sig, NULL, refault_signaller, NULL)) {
		perror("pthread_create");
		return 1;
	}
	/* drain until one call waits for CPU k (the refault loop drains its
	 * own batch now and then, so a call may find nothing to queue there) */
	while (atomic_load(&nl.phase) == 1) {
		t0 = now_ns();
		atomic_store(&nl.draining, 1);
		drain_all();
		d = now_ns() - t0;
		attempts++;
		if (d > max_d) {
			max_d = d;
			t_rel = t0;
		}
		if (d >= (uint64_t)opt.stall_ms * 1000000ull) {
			stalled = 1;
			break;
		}
	}
	pthread_join(th, NULL);
	atomic_store(&nl.draining, 1);
	if (nl.loop == LOOP_REFAULT)
		pthread_join(th_sig, NULL);
	t_end = now_ns();
	restore_knobs();
	if (atomic_load(&nl.phase) < 0)
		return 1;
	{
		double el = (t_end - t_start) / 1e9;

		printf("RESULT scenario=%s variant=%s progress=yes iterations=1/1 "
		       "migrations=0 pages=0 faults=%ld elapsed_ms=%.0f "
		       "migrations_per_s=0.0 faults_per_s=%.0f max_stall_ms=%.1f "
		       "deadline_ms=%d recovered=n/a holder_err=0\n",
		       sc_names[opt.sc], opt.variant, nl.refaults, el * 1e3,
		       el > 0 ? nl.refaults / el : 0.0, max_d / 1e6, opt.hold_ms);
		printf("TRUTH run=%d scenario=%s variant=%s outcome=%s loop=%s "
		       "holder_tid=%d holder_tgid=%d spinner_tgid=%d spinner_tids=%d "
		       "spinner_cpus=%d cpu_k=%d cpu_h=%d address=",
		       opt.run, sc_names[opt.sc], opt.variant,
		       stalled ? "stuck_rt_no_locks" : "no_stall", loop_names[nl.loop],
		       drainer, (int)getpid(), (int)getpid(), atomic_load(&nl.rt_tid),
		       atomic_load(&nl.rt_cpu), opt.cpu_k, opt.cpu_h);
		if (nl.loop == LOOP_REFAULT)
			printf("0x%lx", (unsigned long)(uintptr_t)nl.page);
		else
			printf("-");
		printf(" holder_locked=no iteration=0 t_start_ns=%llu t_release_ns=%llu t_end_ns=%llu "
		       "drain_ms=%.1f calib_ms=%.1f attempts=%d hold_ms=%d\n",
		       (unsigned long long)t_start, (unsigned long long)t_rel,
		       (unsigned long long)t_end, max_d / 1e6, calib / 1e6, attempts,
		       opt.hold_ms);
		fflush(stdout);
	}
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
"usage: %s [options]\n"
"  -s, --scenario S      rt-nothrottle (default) | rt-fairserver | rt-throttle | nonrt\n"
"                        | rt-nolocks (no migration: an RT loop on CPU k stalls a drain)\n"
"  -V, --variant NAME    label printed in RESULT\n"
"  -r, --run N           run number printed in TRUTH (default 1)\n"
"      --hold-ms MS      rt-nolocks: RT loop length (default 1500)\n"
"      --stall-ms MS     rt-nolocks: a drain this slow counts as stalled (default 500)\n"
"      --rt-loop L       rt-nolocks: busy | refault | auto (odd runs refault, default)\n"
"  -n, --iterations N    page pairs / holder migrations (default 8)\n"
"  -D, --deadline-ms MS  per-iteration progress deadline (default 5000)\n"
"  -k, --cpu-k K         CPU of the toucher and the (RT) spinner (default: last)\n"
"  -H, --cpu-h H         CPU of the holder (default 0)\n"
"  -p, --spinners N      spinner threads, first one on CPU k (default 2); 0: none\n"
"                        (a benchmark: per iteration the holder's migration and\n"
"                        the fault that brings S_i back)\n"
"  -d, --spin-delay-us U spinners busy-wait on their CPU until the holder has\n"
"                        collected D_i (P's pagemap entry changes), at most U us\n"
"                        (default 20000); with --no-pagemap always U us\n"
"      --no-pagemap      do not watch P's pagemap\n"
"  -f, --device PATH     default /dev/hmm_dmirror0\n"
"  -q, --quiet\n"
"example: %s -s rt-nothrottle -V baseline -n 8 -D 5000\n", argv0, argv0);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "scenario", 1, 0, 's' }, { "variant", 1, 0, 'V' },
		{ "iterations", 1, 0, 'n' }, { "deadline-ms", 1, 0, 'D' },
		{ "cpu-k", 1, 0, 'k' }, { "cpu-h", 1, 0, 'H' },
		{ "spinners", 1, 0, 'p' }, { "spin-delay-us", 1, 0, 'd' },
		{ "device", 1, 0, 'f' }, { "quiet", 0, 0, 'q' },
		{ "no-pagemap", 0, 0, 'P' }, { "run", 1, 0, 'r' },
		{ "hold-ms", 1, 0, 'M' }, { "stall-ms", 1, 0, 'S' },
		{ "rt-loop", 1, 0, 'L' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	char *buf;
	pthread_t th_touch, th_hold;
	uint64_t t_start, max_stall = 0, t_end, t_rel = 0;
	long flt0, flt1 = -1;
	int c, i, ncpu, done_it = 0, livelock = 0, recovered = 1, rc;
	const char *holder_locked = "-";
	pid_t child;

	while ((c = getopt_long(argc, argv, "s:V:n:D:k:H:p:d:f:r:qh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			for (i = 0; i < SC_NR; i++)
				if (!strcmp(optarg, sc_names[i]))
					break;
			if (i == SC_NR) {
				fprintf(stderr, "unknown scenario %s\n", optarg);
				return 1;
			}
			opt.sc = i;
			break;
		case 'V': opt.variant = optarg; break;
		case 'n': opt.iterations = atoi(optarg); break;
		case 'D': opt.deadline_ms = atoi(optarg); break;
		case 'k': opt.cpu_k = atoi(optarg); break;
		case 'H': opt.cpu_h = atoi(optarg); break;
		case 'p': opt.spinners = atoi(optarg); break;
		case 'd': opt.spin_delay_us = atoi(optarg); break;
		case 'f': opt.device = optarg; break;
		case 'q': opt.quiet = 1; break;
		case 'P': opt.trigger_pagemap = 0; break;
		case 'r': opt.run = atoi(optarg); break;
		case 'M': opt.hold_ms = atoi(optarg); break;
		case 'S': opt.stall_ms = atoi(optarg); break;
		case 'L':
			for (i = 0; i < 3; i++)
				if (!strcmp(optarg, loop_names[i]))
					break;
			if (i == 3) {
				fprintf(stderr, "unknown --rt-loop %s\n", optarg);
				return 1;
			}
			opt.loop = i;
			break;
		default: usage(argv[0]); return c == 'h' ? 0 : 1;
		}
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (opt.cpu_k < 0)
		opt.cpu_k = ncpu - 1;
	opt.cpu_main = (opt.cpu_h + 1) % ncpu == opt.cpu_k ?
		(opt.cpu_h + 2) % ncpu : (opt.cpu_h + 1) % ncpu;
	if (ncpu < 3 || opt.cpu_k == opt.cpu_h || opt.cpu_k >= ncpu ||
	    opt.iterations < 1 || opt.iterations > 100000 ||
	    opt.spinners < 0 || opt.spinners > MAX_SPINNERS ||
	    opt.deadline_ms < 10) {
		fprintf(stderr, "bad options (need >= 3 CPUs, k != h, 0..%d spinners)\n",
			MAX_SPINNERS);
		return 1;
	}
	pin(opt.cpu_main);
	pagesz = sysconf(_SC_PAGESIZE);

	/* scenario: RT throttling knob */
	read_str(RT_RUNTIME, saved_rt, sizeof(saved_rt));
	knob_cpus = ncpu;
	atexit(restore_knobs);
	if (opt.sc == SC_RT_NOTHROTTLE || opt.sc == SC_RT_FAIRSERVER ||
	    opt.sc == SC_RT_NOLOCKS) {
		if (write_str(RT_RUNTIME, "-1"))
			perror("write " RT_RUNTIME);
	} else if (opt.sc == SC_RT_THROTTLE) {
		if (write_str(RT_RUNTIME, "950000"))
			perror("write " RT_RUNTIME);
	}

	if ((opt.sc == SC_RT_NOTHROTTLE || opt.sc == SC_RT_NOLOCKS) && fair_server(1, ncpu))
		fprintf(stderr, "warning: fair server still active (mount debugfs, CONFIG_SCHED_DEBUG)\n");
	if (opt.sc == SC_RT_NOLOCKS)
		return run_nolocks();

	dmirror_fd = open(opt.device, O_RDWR);
	if (dmirror_fd < 0) {
		perror(opt.device);
		return 1;
	}
	region = mmap(NULL, (size_t)2 * opt.iterations * pagesz,
		      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	buf = malloc(pagesz);
	if (region == MAP_FAILED || ctl == MAP_FAILED || !buf) {
		perror("mmap");
		return 1;
	}
	madvise(region, (size_t)2 * opt.iterations * pagesz, MADV_NOHUGEPAGE);
	memset(ctl, 0, sizeof(*ctl));

	/* D_i: write, then migrate to device memory, one page at a time */
	for (i = 0; i < opt.iterations; i++) {
		struct hmm_dmirror_cmd cmd = { 0 };

		memset(D(i), 0x40 + (i & 0x3f), pagesz);
		cmd.addr = (uintptr_t)D(i);
		cmd.ptr = (uintptr_t)buf;
		cmd.npages = 1;
		if (ioctl(dmirror_fd, HMM_DMIRROR_MIGRATE_TO_DEV, &cmd) ||
		    cmd.cpages != 1) {
			fprintf(stderr, "MIGRATE_TO_DEV page %d failed: %s cpages=%llu\n",
				i, strerror(errno), (unsigned long long)cmd.cpages);
			return 1;
		}
	}

	if (opt.trigger_pagemap) {
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		if (pagemap_fd < 0)
			perror("/proc/self/pagemap");
	}

	/* C shares every D_i (device-private entries copied by fork) */
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0)
		child_main();

	pthread_create(&th_touch, NULL, toucher, NULL);
	pthread_create(&th_hold, NULL, holder, NULL);
	while (atomic_load(&ctl->ready) < (uint32_t)opt.spinners)
		usleep(1000);

	flt0 = read_minflt(child);
	t_start = now_ns();
	for (i = 0; i < opt.iterations; i++) {
		uint32_t it = i + 1;
		uint64_t t0, deadline, stall;
		int s, all;

		/* 1. S_i into CPU k's lru_add batch */
		atomic_store(&ctl->touch, it);
		futex_wake(&ctl->touch);
		while (atomic_load(&ctl->touched) != it)
			futex_wait(&ctl->touched, atomic_load(&ctl->touched));

		/* 2. release spinners and holder together */
		if (pagemap_fd >= 0) {
			uint64_t e = 0;

			if (pread(pagemap_fd, &e, sizeof(e),
				  (off_t)((uintptr_t)D(i) / pagesz) * sizeof(e)) != sizeof(e))
				e = 0;
			atomic_store(&ctl->pm0, e);
		}
		t0 = now_ns();
		t_rel = t0;
		deadline = t0 + (uint64_t)opt.deadline_ms * 1000000ull;
		atomic_store(&ctl->hold, it);
		futex_wake(&ctl->hold);
		atomic_store(&ctl->go, it);
		futex_wake(&ctl->go);

		/*
		 * 3. wait for progress: holder returned and every spinner read
		 * D_i. The holder wakes this wait, so without spinners the
		 * iteration ends when the migration does (no polling slack in
		 * the benchmark); spinners are polled every 200 us.
		 */
		for (;;) {
			uint32_t h = atomic_load(&ctl->held);
			struct timespec poll = { 0, 200000 };

			all = h == it;
			for (s = 0; s < opt.spinners && all; s++)
				all = atomic_load(&ctl->done[s]) == it;
			if (all || now_ns() > deadline)
				break;
			syscall(SYS_futex, &ctl->held, FUTEX_WAIT, h, &poll, NULL, 0);
		}
		/*
		 * No spinners (the benchmark): the CPU access that brings S_i,
		 * now device-private, back is a second migration, through the
		 * fault path (do_swap_page() -> migrate_to_ram()).
		 */
		if (all && !opt.spinners)
			(void)*(volatile char *)S(i);
		stall = now_ns() - t0;
		if (stall > max_stall)
			max_stall = stall;
		if (!all) {
			livelock = 1;
			break;
		}
		done_it++;
		if (!opt.quiet)
			fprintf(stderr, "iteration %d: %.1f ms\n", i, stall / 1e6);
	}
	t_end = now_ns();
	flt1 = read_minflt(child);

	if (livelock) {
		uint64_t t, e;

		/*
		 * Does the holder hold D_i's folio lock? Its collect replaced P's
		 * device-private PTE of D_i by a migration entry (the folio is
		 * locked until the migration ends): P's pagemap entry changed.
		 * lru-cache-disable's holder is stuck in lru_cache_disable()
		 * before collecting anything: unchanged.
		 */
		if (pagemap_fd < 0)
			pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		if (pagemap_fd >= 0 && opt.trigger_pagemap &&
		    pread(pagemap_fd, &e, sizeof(e),
			  (off_t)((uintptr_t)D(done_it) / pagesz) * sizeof(e)) == sizeof(e))
			holder_locked = e != atomic_load(&ctl->pm0) ? "yes" : "no";

		fprintf(stderr, "no progress within %d ms in iteration %d: holder %s, "
			"killing the spinners' process to recover\n", opt.deadline_ms,
			done_it, atomic_load(&ctl->held) == (uint32_t)done_it + 1 ?
			"returned" : "stuck");
		dump_tasks(getpid(), "P");
		dump_tasks(child, "C");
		kill(child, SIGKILL);
		t = now_ns() + 20000000000ull;
		while (atomic_load(&ctl->held) != (uint32_t)done_it + 1 && now_ns() < t)
			usleep(1000);
		recovered = atomic_load(&ctl->held) == (uint32_t)done_it + 1;
	} else {
		atomic_store(&ctl->go, UINT32_MAX);
		futex_wake(&ctl->go);
	}
	waitpid(child, NULL, 0);

	if (recovered) {
		atomic_store(&ctl->touch, UINT32_MAX);
		futex_wake(&ctl->touch);
		atomic_store(&ctl->hold, UINT32_MAX);
		futex_wake(&ctl->hold);
		pthread_join(th_touch, NULL);
		pthread_join(th_hold, NULL);
	}
	restore_knobs();

	{
		double el = (t_end - t_start) / 1e9;
		long faults = (flt0 >= 0 && flt1 >= 0) ? flt1 - flt0 : -1;

		printf("RESULT scenario=%s variant=%s progress=%s iterations=%d/%d "
		       "migrations=%d pages=%lld faults=%ld elapsed_ms=%.0f "
		       "migrations_per_s=%.1f faults_per_s=%.0f max_stall_ms=%.1f "
		       "deadline_ms=%d recovered=%s holder_err=%d spinners=%d\n",
		       sc_names[opt.sc], opt.variant, livelock ? "no" : "yes",
		       done_it, opt.iterations, done_it,
		       (long long)atomic_load(&ctl->held_cpages), faults, el * 1e3,
		       el > 0 ? done_it / el : 0.0,
		       el > 0 && faults >= 0 ? faults / el : 0.0,
		       max_stall / 1e6, opt.deadline_ms,
		       livelock ? (recovered ? "yes" : "no") : "n/a",
		       atomic_load(&ctl->held_err), opt.spinners);
		/*
		 * Ground truth. A livelock's parties: the holder (it queued the
		 * drain work and holds D_i's lock), the spinners (spinner 0 on
		 * cpu_k keeps the drain work from running) and D_i of the
		 * iteration that stalled. t_release_ns: when that iteration's
		 * holder and spinners were released.
		 */
		printf("TRUTH run=%d scenario=%s variant=%s outcome=%s loop=- "
		       "holder_tid=%d holder_tgid=%d spinner_tgid=%d spinner_tids=",
		       opt.run, sc_names[opt.sc], opt.variant,
		       livelock ? "livelock" : "progress", atomic_load(&ctl->holder_tid),
		       (int)getpid(), (int)child);
		for (i = 0; i < opt.spinners; i++)
			printf("%s%d", i ? "," : "", atomic_load(&ctl->spin_tid[i]));
		printf(" spinner_cpus=");
		for (i = 0; i < opt.spinners; i++)
			printf("%s%d", i ? "," : "",
			       i == 0 ? opt.cpu_k : atomic_load(&ctl->spin_cpu[i]));
		printf(" cpu_k=%d cpu_h=%d address=", opt.cpu_k, opt.cpu_h);
		if (livelock)
			printf("0x%lx", (unsigned long)(uintptr_t)D(done_it));
		else
			printf("-");
		printf(" holder_locked=%s iteration=%d t_start_ns=%llu t_release_ns=%llu "
		       "t_end_ns=%llu toucher_tid=%d\n", holder_locked, done_it,
		       (unsigned long long)t_start,
		       (unsigned long long)(livelock ? t_rel : 0),
		       (unsigned long long)t_end, atomic_load(&ctl->toucher_tid));
		fflush(stdout);
	}
	rc = !livelock ? 0 : recovered ? 2 : 3;
	if (!recovered)
		_exit(rc);	/* holder thread is stuck in the kernel */
	return rc;
}
