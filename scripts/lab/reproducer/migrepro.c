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
 *   - spinners (threads of C, one of them on CPU k): fault D_i through C's
 *     still device-private PTE, so do_swap_page() fails its trylock and the
 *     fault is retried at once; the one on CPU k does so in the scenario's
 *     context (child.c): from user space (SCHED_FIFO in the rt-* scenarios),
 *     in hmm_range_fault()'s loop in kernel mode (kspin) or in a kworker
 *     (kworker).
 * When nothing else ever runs on CPU k (RT throttling off; or no preemption
 * of the kernel-mode spinner): livelock.
 *
 * Output: two lines
 *   TRUTH run=N outcome=livelock|progress|bounded (rt-fairserver,
 *         rt-throttle: iterations that stalled >= --stall-ms, then the kernel
 *         ran the drain work)|stuck_rt|no_stall|no_progress (links.c's
 *         controls) holder_tid=... spinner_tids=a,b
 *         spinner_cpus=k,c address=0x... holder_locked=yes|no|-
 *         t_release_ns=... ctx=user|kernel|kworker spinner_tid=... work_fn=...
 *         requester_tid=... preempt=none|voluntary|full (what this run knows
 *         about itself: the parties a detector should name; holder_locked:
 *         the holder had collected, i.e. locked, D_i when the deadline
 *         passed; lock_holder_tid: who held the spun-on page's lock at
 *         the deadline (the holder, or lru-cache-disable's faulter waiting
 *         in a drain, from the kernel stacks); clocks are CLOCK_MONOTONIC, the clock of
 *         bpf_ktime_get_ns()). A livelock prints it at the deadline, before
 *         trying to recover: a kernel-mode livelock may never let go.
 *   RESULT scenario=... variant=... progress=yes|no iterations=a/b ...
 * and in the kernel log (so beside the watchdogs' reports, timestamped
 * alike) "mlab: run=N start ..." and "mlab: run=N livelock ...
 * release_ago_ms=X".
 * Exit status: 0 progress in every iteration, 2 livelock (an iteration missed
 * its deadline; the child was killed to recover), 3 livelock and no recovery
 * (within --observe-ms for a kernel-mode spinner), 1 setup error.
 *
 * With --spinners 0 (lab compare's cost benchmark) nothing contends: per
 * iteration the holder migrates S_i (in CPU k's lru_add batch) and D_i, and
 * the main thread then reads S_i, now device-private, back through the
 * fault path; migrations_per_s is then iterations per second.
 *
 * Scenarios rt-nolocks and kernel-hog are negative controls (controls.c);
 * rt-busy, rt-elsewhere, rt-won and rt-serialised keep the holder (links.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migrepro.h"

long pagesz;
struct ctl *ctl;
char *region;
static int pagemap_fd = -1;	/* P's own */
static int dmirror_fd;

void print_truth_context(int spinner_tid, const char *work_fn, int requester_tid)
{
	printf(" ctx=%s spinner_tid=%d work_fn=%s requester_tid=", ctx_names[opt.sc->ctx],
	       spinner_tid, work_fn ? work_fn : "-");
	if (requester_tid > 0)
		printf("%d", requester_tid);
	else
		printf("-");
	printf(" preempt=%s\n", preempt_model());
}

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
		memset(page_S(it - 1), 0x5a, pagesz);
		atomic_store(&ctl->touched, it);
		futex_wake(&ctl->touched);
	}
	return NULL;
}

static void *holder(void *p)
{
	uint32_t it = 0;
	uint64_t t;

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
		cmd.addr = (uintptr_t)page_S(it - 1);
		cmd.npages = 2;
		t = now_ns();
		if (ioctl(dmirror_fd, HMM_DMIRROR_MIGRATE_MIXED, &cmd))
			atomic_store(&ctl->held_err, errno);
		else
			atomic_fetch_add(&ctl->held_cpages, cmd.cpages);
		atomic_store(&ctl->holder_ns, now_ns() - t);
		atomic_store(&ctl->held, it);
		futex_wake(&ctl->held);
	}
	return NULL;
}

/* spinner i's tid; for kworker spinner 0 is the kworker (0: never seen) */
static int spinner_tid(int i, int worker)
{
	if (i == 0 && opt.sc->ctx == CTX_KWORKER)
		return worker;
	return atomic_load(&ctl->spin_tid[i]);
}

/*
 * Faults retried by the spinners: C's minor faults. A kworker's are its own:
 * those of the last kworker seen running the read, since it was first seen.
 */
static int worker_seen;
static long worker_flt0;

static void see_worker(int w)
{
	if (w <= 0 || w == worker_seen)
		return;
	worker_seen = w;
	worker_flt0 = read_minflt(w);
}

static long fault_count(pid_t child)
{
	if (opt.sc->ctx != CTX_KWORKER)
		return read_minflt(child);
	return worker_seen ? read_minflt(worker_seen) : -1;
}

/* D_i: write, then migrate to device memory, one page at a time */
static int setup_pages(void)
{
	char *buf = malloc(pagesz);
	int i;

	region = mmap(NULL, (size_t)2 * opt.iterations * pagesz,
		      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || ctl == MAP_FAILED || !buf) {
		perror("mmap");
		return -1;
	}
	madvise(region, (size_t)2 * opt.iterations * pagesz, MADV_NOHUGEPAGE);
	memset(ctl, 0, sizeof(*ctl));
	for (i = 0; i < opt.iterations; i++) {
		struct hmm_dmirror_cmd cmd = { 0 };

		memset(page_D(i), 0x40 + (i & 0x3f), pagesz);
		cmd.addr = (uintptr_t)page_D(i);
		cmd.ptr = (uintptr_t)buf;
		cmd.npages = 1;
		if (ioctl(dmirror_fd, HMM_DMIRROR_MIGRATE_TO_DEV, &cmd) ||
		    cmd.cpages != 1) {
			fprintf(stderr, "MIGRATE_TO_DEV page %d failed: %s cpages=%llu\n",
				i, strerror(errno), (unsigned long long)cmd.cpages);
			return -1;
		}
	}
	free(buf);
	return 0;
}

static uint64_t pagemap_entry(int i)
{
	uint64_t e = 0;

	if (pagemap_fd < 0 || pread(pagemap_fd, &e, sizeof(e),
		  (off_t)((uintptr_t)page_D(i) / pagesz) * sizeof(e)) != sizeof(e))
		return 0;
	return e;
}

int main(int argc, char **argv)
{
	pthread_t th_touch, th_hold;
	uint64_t t_start, max_stall = 0, t_end, t_rel = 0;
	long flt0, flt1 = -1;
	int i, ncpu, done_it = 0, livelock = 0, recovered = 1, rc, worker = 0;
	const char *holder_locked = "-", *outcome, *loop;
	uint64_t address;
	pid_t child;

	ncpu = parse_options(argc, argv);
	if (ncpu <= 0)	/* 0: --help */
		return ncpu < 0;
	pin(opt.cpu_main);
	pagesz = sysconf(_SC_PAGESIZE);
	apply_knobs(ncpu);
	if (opt.sc->control)
		return run_control();

	dmirror_fd = open(opt.device, O_RDWR);
	if (dmirror_fd < 0) {
		perror(opt.device);
		return 1;
	}
	if (setup_pages())
		return 1;
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
	while (atomic_load(&ctl->ready) < (uint32_t)opt.spinners) {
		if (waitpid(child, NULL, WNOHANG) == child) {
			fprintf(stderr, "the child exited before its spinners were ready\n");
			return 1;
		}
		usleep(1000);
	}

	kmsg("run=%d start scenario=%s variant=%s preempt=%s\n", opt.run, opt.sc->name,
	     opt.variant, preempt_model());
	flt0 = fault_count(child);
	t_start = now_ns();
	for (i = 0; i < opt.iterations; i++) {
		uint32_t it = i + 1;
		uint64_t t0, deadline, stall;
		int s, all;

		links_next(i);
		/* 1. S_i into CPU k's lru_add batch */
		atomic_store(&ctl->touch, it);
		futex_wake(&ctl->touch);
		while (atomic_load(&ctl->touched) != it)
			futex_wait(&ctl->touched, atomic_load(&ctl->touched));

		/* 2. release spinners and holder together (rt-serialised: the
		 * spinners first, then a drain caller that stalls on CPU k) */
		atomic_store(&ctl->pm0, pagemap_entry(i));
		atomic_store(&ctl->gate, 0);
		if (opt.sc->shape == SHAPE_SERIALISED) {
			atomic_store(&ctl->go, it);
			futex_wake(&ctl->go);
			if (links_serialise())
				return 1;
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
		 * the benchmark); spinners are polled every 200 us (and a
		 * kworker spinner's pid read until seen).
		 */
		for (;;) {
			uint32_t h = atomic_load(&ctl->held);
			struct timespec poll = { 0, 200000 };
			int w;

			all = h == it;
			for (s = 0; s < opt.spinners && all; s++)
				all = atomic_load(&ctl->done[s]) == it;
			if (all || now_ns() > deadline)
				break;
			links_poll(atomic_load(&ctl->holder_tid), false);
			if (opt.sc->ctx == CTX_KWORKER && (w = read_fault_worker()) > 0)
				see_worker(worker = w);
			syscall(SYS_futex, &ctl->held, FUTEX_WAIT, h, &poll, NULL, 0);
		}
		/*
		 * No spinners (the benchmark): the CPU access that brings S_i,
		 * now device-private, back is a second migration, through the
		 * fault path (do_swap_page() -> migrate_to_ram()).
		 */
		if (all && !opt.spinners)
			(void)*(volatile char *)page_S(i);
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
		if (links_stalled())
			break;
	}
	t_end = now_ns();
	if (opt.sc->ctx == CTX_KWORKER && livelock && (i = read_fault_worker()) > 0)
		see_worker(worker = i);
	flt1 = fault_count(child);
	if (opt.sc->ctx == CTX_KWORKER)
		flt0 = worker_seen ? worker_flt0 : -1;

	outcome = livelock ? "livelock" : "progress";
	address = livelock ? (uintptr_t)page_D(done_it) : 0;
	if (livelock) {
		/*
		 * Does the holder hold D_i's folio lock? Its collect replaced P's
		 * device-private PTE of D_i by a migration entry (the folio is
		 * locked until the migration ends): P's pagemap entry changed.
		 * lru-cache-disable's holder is stuck in lru_cache_disable()
		 * before collecting anything: unchanged.
		 */
		if (pagemap_fd < 0)
			pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		if (pagemap_fd >= 0 && opt.trigger_pagemap)
			holder_locked = pagemap_entry(done_it) != atomic_load(&ctl->pm0) ?
					"yes" : "no";
		kmsg("run=%d livelock iteration=%d release_ago_ms=%.1f spinner=%d\n", opt.run,
		     done_it, (now_ns() - t_rel) / 1e6, spinner_tid(0, worker));
		links_poll(atomic_load(&ctl->holder_tid), true);
	}
	/*
	 * rt-fairserver, rt-throttle: every iteration made it, but the cycle
	 * held until the kernel gave CPU k's CFS tasks their share (the fair
	 * server, RT throttling: about 950 ms): a livelock the kernel bounds
	 */
	if (!livelock && opt.sc->fifo && !opt.sc->fair_server_off && opt.spinners &&
	    max_stall >= (uint64_t)opt.stall_ms * 1000000ull)
		outcome = "bounded";
	/* links.c's controls: their outcome, and the holder's lock from its stack */
	links_result(livelock, &outcome, &loop, &holder_locked, &address);

	/*
	 * Ground truth, at once: the recovery below may never end for a
	 * kernel-mode spinner. A livelock's parties: the holder (it queued
	 * the drain work and holds D_i's lock), the spinners (spinner 0 on
	 * cpu_k keeps the drain work from running; for kworker the kworker
	 * running the read, the thread of C that queued it waits for it) and
	 * D_i of the iteration that stalled. t_release_ns: when that
	 * iteration's holder and spinners were released.
	 */
	printf("TRUTH run=%d scenario=%s variant=%s outcome=%s loop=%s "
	       "holder_tid=%d holder_tgid=%d spinner_tgid=%d spinner_tids=",
	       opt.run, opt.sc->name, opt.variant, outcome, loop, atomic_load(&ctl->holder_tid),
	       (int)getpid(), (int)child);
	for (i = 0; i < opt.spinners; i++)
		printf("%s%d", i ? "," : "", spinner_tid(i, worker));
	printf(" spinner_cpus=");
	for (i = 0; i < opt.spinners; i++)
		printf("%s%d", i ? "," : "",
		       i == 0 ? opt.cpu_k : atomic_load(&ctl->spin_cpu[i]));
	printf(" cpu_k=%d cpu_h=%d address=", opt.cpu_k, opt.cpu_h);
	if (address)
		printf("0x%llx", (unsigned long long)address);
	else
		printf("-");
	printf(" holder_locked=%s iteration=%d t_start_ns=%llu t_release_ns=%llu "
	       "t_end_ns=%llu toucher_tid=%d max_stall_ms=%.1f region_start=%p region_end=%p",
	       holder_locked, done_it, (unsigned long long)t_start,
	       (unsigned long long)(strcmp(outcome, "progress") ? t_rel : 0),
	       (unsigned long long)t_end, atomic_load(&ctl->toucher_tid), max_stall / 1e6,
	       (void *)region, (void *)(region + (size_t)2 * opt.iterations * pagesz));
	links_truth(atomic_load(&ctl->holder_tid), holder_locked, livelock, child);
	print_truth_context(opt.spinners ? spinner_tid(0, worker) : 0,
			    opt.sc->ctx == CTX_KWORKER ? LAB_WORK_FN : NULL,
			    opt.sc->ctx == CTX_KWORKER ? atomic_load(&ctl->spin_tid[0]) : 0);
	fflush(stdout);

	if (livelock) {
		uint64_t t = now_ns() + (opt.sc->ctx == CTX_USER ? 20000ull :
					 (uint64_t)opt.observe_ms) * 1000000ull;

		fprintf(stderr, "no progress within %d ms in iteration %d: holder %s, "
			"killing the spinners' process to recover\n", opt.deadline_ms,
			done_it, atomic_load(&ctl->held) == (uint32_t)done_it + 1 ?
			"returned" : "stuck");
		dump_tasks(getpid(), "P");
		dump_tasks(child, "C");
		if (worker)
			dump_tasks(worker, "K");
		fflush(stderr);
		kill(child, SIGKILL);
		while (atomic_load(&ctl->held) != (uint32_t)done_it + 1 && now_ns() < t)
			usleep(1000);
		recovered = atomic_load(&ctl->held) == (uint32_t)done_it + 1;
	} else {
		atomic_store(&ctl->go, UINT32_MAX);
		futex_wake(&ctl->go);
	}
	if (recovered) {
		/* C leaves the kernel once D_i is unlocked; do not wait forever */
		uint64_t t = now_ns() + 5000000000ull;

		while (waitpid(child, NULL, WNOHANG) == 0 && now_ns() < t)
			usleep(1000);
		atomic_store(&ctl->touch, UINT32_MAX);
		futex_wake(&ctl->touch);
		atomic_store(&ctl->hold, UINT32_MAX);
		futex_wake(&ctl->hold);
		pthread_join(th_touch, NULL);
		pthread_join(th_hold, NULL);
		links_finish();
	}
	restore_knobs();

	{
		double el = (t_end - t_start) / 1e9;
		long faults = (flt0 >= 0 && flt1 >= 0) ? flt1 - flt0 : -1;

		printf("RESULT scenario=%s variant=%s progress=%s iterations=%d/%d "
		       "migrations=%d pages=%lld faults=%ld elapsed_ms=%.0f "
		       "migrations_per_s=%.1f faults_per_s=%.0f max_stall_ms=%.1f "
		       "deadline_ms=%d recovered=%s holder_err=%d spinners=%d "
		       "preempt=%s ctx=%s busy_returns=%lld read_err=%d\n",
		       opt.sc->name, opt.variant, livelock ? "no" : "yes",
		       done_it, opt.iterations, done_it,
		       (long long)atomic_load(&ctl->held_cpages), faults, el * 1e3,
		       el > 0 ? done_it / el : 0.0,
		       el > 0 && faults >= 0 ? faults / el : 0.0,
		       max_stall / 1e6, opt.deadline_ms,
		       livelock ? (recovered ? "yes" : "no") : "n/a",
		       atomic_load(&ctl->held_err), opt.spinners, preempt_model(),
		       ctx_names[opt.sc->ctx], (long long)atomic_load(&ctl->busy),
		       atomic_load(&ctl->read_err));
		fflush(stdout);
	}
	rc = !livelock ? 0 : recovered ? 2 : 3;
	if (!recovered)
		_exit(rc);	/* holder thread is stuck in the kernel */
	return rc;
}
