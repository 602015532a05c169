// SPDX-License-Identifier: GPL-2.0
/*
 * migrepro: the negative controls. No migration and no folio lock: a thread
 * on CPU k puts a fresh page into k's lru_add batch, then loops for
 * --hold-ms while a thread on CPU h calls lru_add_drain_all() (through
 * /proc/sys/vm/compact_memory), whose work on CPU k has to wait for it:
 *   rt-nolocks  an RT (SCHED_FIFO) thread busy-loops or refaults one ordinary
 *               anonymous page (MADV_DONTNEED + write; from 50 ms after the
 *               drain started) in user space: outcome=stuck_rt_no_locks;
 *   kernel-hog  a SCHED_OTHER thread busy-loops in kernel mode
 *               (HMM_DMIRROR_KERNEL_HOG, no cond_resched()): under no or
 *               voluntary preemption the drain waits, outcome=
 *               stuck_kernel_no_locks; under full preemption it need not.
 * A drain slower than --stall-ms is the stall; outcome=no_stall otherwise.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "migrepro.h"

static struct {
	_Atomic int tid;
	_Atomic int cpu;
	_Atomic int phase;	/* 0 starting, 1 looping, 2 done, -1 error */
	_Atomic int draining;	/* the drainer is inside a drain call */
	_Atomic int refault;	/* LOOP_REFAULT: start refaulting now */
	char *fresh;		/* goes into CPU k's lru_add batch */
	char *page;		/* refaulted (LOOP_REFAULT) */
	enum rt_loop loop;
	long refaults;
	int hog_fd;		/* kernel-hog: a test_hmm device */
} nl;

static void *looper(void *p)
{
	struct sched_param sp = { .sched_priority = opt.rt_prio };
	uint64_t end;

	(void)p;
	atomic_store(&nl.tid, gettid_());
	if (pin(opt.cpu_k) || (opt.sc->fifo && sched_setscheduler(0, SCHED_FIFO, &sp))) {
		perror("control: pin/SCHED_FIFO");
		atomic_store(&nl.phase, -1);
		return NULL;
	}
	memset(nl.fresh, 0x5a, pagesz);	/* fresh folio: k's lru_add batch */
	atomic_store(&nl.cpu, sched_getcpu());
	end = now_ns() + (uint64_t)opt.hold_ms * 1000000ull;
	atomic_store(&nl.phase, 1);
	if (opt.sc->ctx == CTX_KERNEL) {
		struct hmm_dmirror_cmd cmd = { .npages = opt.hold_ms };

		if (ioctl(nl.hog_fd, HMM_DMIRROR_KERNEL_HOG, &cmd)) {
			perror("HMM_DMIRROR_KERNEL_HOG");
			atomic_store(&nl.phase, -1);
			return NULL;
		}
	}
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

int run_control(void)
{
	uint64_t t_start, t_end, t0, d, max_d = 0, t_rel = 0, calib;
	int drainer, attempts = 0, stalled = 0;
	pthread_t th, th_sig;
	char *region2;

	region2 = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region2 == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(region2, 2 * pagesz, MADV_NOHUGEPAGE);
	nl.fresh = region2;
	nl.page = region2 + pagesz;
	if (opt.sc->ctx == CTX_KERNEL) {
		nl.loop = LOOP_BUSY;
		nl.hog_fd = open(opt.device, O_RDWR);
		if (nl.hog_fd < 0) {
			perror(opt.device);
			return 1;
		}
	} else {
		nl.loop = opt.loop != LOOP_AUTO ? opt.loop :
			  (opt.run % 2 ? LOOP_REFAULT : LOOP_BUSY);
	}
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
	kmsg("run=%d start scenario=%s variant=%s\n", opt.run, opt.sc->name, opt.variant);
	if (pthread_create(&th, NULL, looper, NULL)) {
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
		const char *stuck = opt.sc->ctx == CTX_KERNEL ? "stuck_kernel_no_locks" :
								 "stuck_rt_no_locks";

		printf("RESULT scenario=%s variant=%s progress=yes iterations=1/1 "
		       "migrations=0 pages=0 faults=%ld elapsed_ms=%.0f "
		       "migrations_per_s=0.0 faults_per_s=%.0f max_stall_ms=%.1f "
		       "deadline_ms=%d recovered=n/a holder_err=0 preempt=%s\n",
		       opt.sc->name, opt.variant, nl.refaults, el * 1e3,
		       el > 0 ? nl.refaults / el : 0.0, max_d / 1e6, opt.hold_ms,
		       preempt_model());
		printf("TRUTH run=%d scenario=%s variant=%s outcome=%s loop=%s "
		       "holder_tid=%d holder_tgid=%d spinner_tgid=%d spinner_tids=%d "
		       "spinner_cpus=%d cpu_k=%d cpu_h=%d address=",
		       opt.run, opt.sc->name, opt.variant,
		       stalled ? stuck : "no_stall", loop_names[nl.loop],
		       drainer, (int)getpid(), (int)getpid(), atomic_load(&nl.tid),
		       atomic_load(&nl.cpu), opt.cpu_k, opt.cpu_h);
		if (nl.loop == LOOP_REFAULT)
			printf("0x%lx", (unsigned long)(uintptr_t)nl.page);
		else
			printf("-");
		printf(" holder_locked=no iteration=0 t_start_ns=%llu t_release_ns=%llu t_end_ns=%llu "
		       "drain_ms=%.1f calib_ms=%.1f attempts=%d hold_ms=%d",
		       (unsigned long long)t_start, (unsigned long long)t_rel,
		       (unsigned long long)t_end, max_d / 1e6, calib / 1e6, attempts,
		       opt.hold_ms);
		print_truth_context(atomic_load(&nl.tid), NULL, 0);
		fflush(stdout);
	}
	return 0;
}
