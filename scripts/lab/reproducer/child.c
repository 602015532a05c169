// SPDX-License-Identifier: GPL-2.0
/*
 * migrepro: the child C, which shares every D_i with P (fork copied the
 * device-private entries). Its spinner 0 sits on CPU k and retries the fault
 * of D_i while the holder keeps D_i locked; where it retries is the
 * scenario's context:
 *   user     it reads D_i: do_swap_page() fails its trylock (stock: its
 *            migrate_to_ram() fails to collect), the fault returns to user
 *            space and is taken again (SCHED_FIFO in the rt-* scenarios);
 *   kernel   HMM_DMIRROR_LAB_READ (0003: HMM_DMIRROR_READ) of D_i through
 *            the mirror device (/dev/hmm_dmirror1, another pagemap owner
 *            than the holder's dmirror0, so hmm_range_fault() must fault the
 *            page): the retry is hmm_range_fault()'s own loop, in kernel
 *            mode;
 *   kworker  the same read done by a work item the driver queues on the
 *            caller's CPU (k); the caller sleeps.
 * The other spinners read D_i from user space on the remaining CPUs.
 *
 * The user-space spinners busy-wait on their CPU until P's pagemap shows
 * that the holder has collected (locked) D_i. A kernel-mode spinner waits in
 * kernel mode instead, inside the fault with the mmap lock held (the ioctl's
 * gate), opened by a watcher thread of C on another CPU that watches the
 * pagemap: waiting in user space (or before mmap_read_lock()'s might_sleep()
 * under voluntary preemption), it would yield to the drain's kworker as soon
 * as the holder queues it, and whether it spins would be a race (seen: 1 of
 * 2 runs livelocked without the gate under none; 8 of 10 with the gate
 * before the mmap lock under voluntary).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "migrepro.h"

static int pagemap_fd = -1;	/* the parent's */
static int mirror_fd = -1;	/* C's own open: its notifier watches C's mm */

/* kernel/kworker: read D through the mirror device until it is mirrored */
static void mirror_read(char *d, char *buf)
{
	struct hmm_dmirror_lab_read lab = {
		.cmd = { .addr = (uintptr_t)d, .ptr = (uintptr_t)buf, .npages = 1 },
		.gate = (uintptr_t)&ctl->gate,
		.flags = opt.sc->ctx == CTX_KWORKER ? HMM_DMIRROR_LAB_READ_WORK : 0,
	};

	/* EBUSY: the driver gave up after its timeout (test_hmm: 1 s), as a
	 * GPU driver's fault handler would retry */
	while (ioctl(mirror_fd, HMM_DMIRROR_LAB_READ, &lab)) {
		if (errno != EBUSY && errno != EINTR) {
			atomic_store(&ctl->read_err, errno);
			return;
		}
		atomic_fetch_add(&ctl->busy, 1);
	}
}

/* off CPUs k and h: the other spinners and the watcher */
static void pin_elsewhere(void)
{
	cpu_set_t set;
	int c, n = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (c = 0; c < n; c++)
		if (c != opt.cpu_k && c != opt.cpu_h)
			CPU_SET(c, &set);
	if (CPU_COUNT(&set))
		sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Occupy the CPU until the holder has collected D_i: its PTE in P turns
 * from a device-private into a migration entry (seen in P's pagemap), or
 * at most spin_delay_us.
 */
static void wait_collected(volatile char *d)
{
	uint64_t t = now_ns() + (uint64_t)opt.spin_delay_us * 1000;

	while (now_ns() < t) {
		uint64_t e;

		if (pagemap_fd < 0)
			continue;
		if (pread(pagemap_fd, &e, sizeof(e),
			  (off_t)((uintptr_t)d / pagesz) * sizeof(e)) == sizeof(e) &&
		    e != atomic_load(&ctl->pm0))
			break;
	}
}

/* The parent's next go after *it (sleeping until it comes); false on stop. */
static bool next_go(uint32_t *it)
{
	for (;;) {
		uint32_t g = atomic_load(&ctl->go);

		if (g == *it) {
			futex_wait(&ctl->go, g);
			continue;
		}
		*it = g;
		return g != UINT32_MAX;
	}
}

/* kernel/kworker: opens the spinner's gate once D_i is collected */
static void *watcher(void *p)
{
	uint32_t it = 0;

	(void)p;
	pin_elsewhere();
	while (next_go(&it)) {
		wait_collected(page_D(it - 1));
		atomic_store(&ctl->gate, 1);
	}
	return NULL;
}

static void *spinner(void *p)
{
	int idx = (int)(intptr_t)p;
	uint32_t it = 0;
	char *buf = malloc(pagesz);

	atomic_store(&ctl->spin_tid[idx], gettid_());
	if (idx == 0) {
		pin(opt.cpu_k);
		if (opt.sc->fifo) {
			struct sched_param sp = { .sched_priority = opt.rt_prio };

			if (sched_setscheduler(0, SCHED_FIFO, &sp))
				perror("sched_setscheduler(SCHED_FIFO)");
		}
		links_prepare();
	} else {
		pin_elsewhere();
	}
	atomic_fetch_add(&ctl->ready, 1);
	while (next_go(&it)) {
		volatile char *d = (volatile char *)page_D(it - 1);

		atomic_store(&ctl->spin_cpu[idx], sched_getcpu());
		if (idx == 0 && opt.sc->ctx != CTX_USER) {
			mirror_read((char *)d, buf);
		} else {
			wait_collected(d);
			if (idx == 0 && opt.sc->shape != SHAPE_SPIN &&
			    opt.sc->shape != SHAPE_SERIALISED)
				links_spinner(d);	/* rt-busy, rt-elsewhere, rt-won */
			else
				(void)d[0];	/* device-private: do_swap_page() */
		}
		atomic_store(&ctl->done[idx], it);
	}
	free(buf);
	return NULL;
}

void child_main(void)
{
	pthread_t th[MAX_SPINNERS + 1];
	char path[64];
	int i;

	if (opt.trigger_pagemap) {
		snprintf(path, sizeof(path), "/proc/%d/pagemap", getppid());
		pagemap_fd = open(path, O_RDONLY);
		if (pagemap_fd < 0)
			perror(path);
	}
	if (opt.sc->ctx != CTX_USER) {
		mirror_fd = open(opt.mirror, O_RDWR);
		if (mirror_fd < 0) {
			perror(opt.mirror);
			_exit(1);
		}
	}
	for (i = 0; i < opt.spinners; i++) {
		if (pthread_create(&th[i], NULL, spinner, (void *)(intptr_t)i)) {
			perror("pthread_create");
			_exit(1);
		}
	}
	if (opt.sc->ctx != CTX_USER && pthread_create(&th[opt.spinners], NULL, watcher, NULL)) {
		perror("pthread_create");
		_exit(1);
	}
	for (i = 0; i < opt.spinners; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}
