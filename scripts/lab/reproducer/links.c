// SPDX-License-Identifier: GPL-2.0
/*
 * migrepro: controls that keep the real holder (P's migration, stalled in
 * lru_add_drain_all() on CPU k) and break one other link of the cycle
 * through what spinner 0 does on CPU k (enum shape), each for one iteration:
 *   rt-busy        never yields, never faults: stuck_rt, not livelock;
 *   rt-elsewhere   never yields and retries a fault, on an ordinary page
 *                  outside the holder's range (covered: no): stuck_rt;
 *   rt-won         (drain-backoff) retries D_i until it gets it: the holder
 *                  backs off (unlocks what it collected, then drains holding
 *                  nothing), the fault wins, and the spinner busy-loops:
 *                  the holder holds nothing, nobody retries: stuck_rt;
 * BUSY, ELSEWHERE and WON end their loop after --hold-ms and sleep, so the
 * run progresses after a stall of about --hold-ms: outcome stuck_rt. The
 * run ends at the first iteration whose drain was held up for --stall-ms
 * (at most 4: outcome no_stall when none was).
 *   rt-serialised  every link kept, the queueing moved: a thread of P that
 *                  holds nothing writes compact_memory (lru_add_drain_all())
 *                  first, its work on CPU k stalls behind spinner 0 (which
 *                  busy-waits for the collect), then the holder collects and
 *                  waits for the drain mutex behind it: a livelock whose
 *                  waiter is the holder, not the queuer of the pending work.
 * The holder's drain is read from its kernel stack while the loop runs (or
 * at the deadline): called from migrate_device_unmap() it holds the
 * collected folios locked; drain-backoff's, from migrate_vma_setup(), none.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "migrepro.h"

static struct {
	pthread_t th;
	int started;		/* rt-serialised: the drainer thread exists */
	_Atomic int tid;	/* the drainer (queuer of the pending work) */
	int in_drain;		/* its stack showed lru_add_drain_all() */
	int sampled;		/* the holder's stack was read */
	const char *drain_from;	/* who called the holder's drain */
	const char *waits_on;	/* mutex (serialised), flush (its own work), - */
	int iteration;		/* the last one started */
} ln = { .drain_from = "-", .waits_on = "-" };

static bool looping_shape(void)
{
	enum shape s = opt.sc->shape;

	return s == SHAPE_BUSY || s == SHAPE_ELSEWHERE || s == SHAPE_WON;
}

/* ---- spinner 0, in C --------------------------------------------------- */

static void busy_until(uint64_t end)
{
	while (now_ns() < end)
		;
}

static long minflt_self(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_minflt;
}

/*
 * Before the stall: rt-elsewhere's page. An mmap() during it would take C's
 * mmap lock for writing, wait for the other spinner's faults and leave CPU
 * k idle (seen: the drain work ran 9 ms into the loop).
 */
void links_prepare(void)
{
	volatile char *x;

	if (opt.sc->shape != SHAPE_ELSEWHERE)
		return;
	x = mmap(NULL, pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x == MAP_FAILED)
		return;
	madvise((void *)x, pagesz, MADV_NOHUGEPAGE);
	x[0] = 1;
	atomic_store(&ctl->other_addr, (uintptr_t)x);
}

/* after the holder collected D_i (child.c's wait_collected) */
void links_spinner(volatile char *d)
{
	uint64_t hold = (uint64_t)opt.hold_ms * 1000000ull, t;
	volatile char *x = (volatile char *)(uintptr_t)atomic_load(&ctl->other_addr);
	long f0;

	switch (opt.sc->shape) {
	case SHAPE_WON:
		f0 = minflt_self();
		(void)d[0];	/* returns once the fault got D_i */
		atomic_store(&ctl->spin_faults, minflt_self() - f0);
		atomic_store(&ctl->won, 1);
		/* fall through */
	case SHAPE_BUSY:
		t = now_ns();
		atomic_store(&ctl->loop_start_ns, t);
		busy_until(t + hold);
		break;
	case SHAPE_ELSEWHERE:
		if (!x)
			return;
		t = now_ns();
		atomic_store(&ctl->loop_start_ns, t);
		/*
		 * MADV_DONTNEED drains this CPU's lru_add batch locally: refault
		 * only once the holder's drain has sampled the batch and queued
		 * its work here (controls.c: 50 ms is far past it)
		 */
		busy_until(t + 50000000ull);
		while (now_ns() < t + hold) {
			madvise((void *)x, pagesz, MADV_DONTNEED);
			x[0] = 1;
			atomic_fetch_add(&ctl->spin_faults, 1);
		}
		break;
	default:
		return;
	}
	atomic_store(&ctl->loop_end_ns, now_ns());
}

/* ---- the parent -------------------------------------------------------- */

/* a task's kernel stack as one string ("" when unreadable) */
static void task_stack(pid_t pid, int tid, char *buf, size_t len)
{
	char path[64];
	int fd, n;

	buf[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", pid, tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
}

static void *drainer(void *p)
{
	(void)p;
	pin(opt.cpu_main);
	atomic_store(&ln.tid, gettid_());
	write_str("/proc/sys/vm/compact_memory", "1");	/* lru_add_drain_all() first */
	return NULL;
}

/*
 * rt-serialised, after the spinners were released (spinner 0 occupies CPU
 * k) and before the holder is: the drainer's work on k is queued and stalls.
 */
int links_serialise(void)
{
	char st[4096];
	uint64_t end;

	if (opt.sc->shape != SHAPE_SERIALISED)
		return 0;
	if (pthread_create(&ln.th, NULL, drainer, NULL)) {
		perror("pthread_create");
		return -1;
	}
	ln.started = 1;
	end = now_ns() + 2000000000ull;
	while (!ln.in_drain && now_ns() < end) {
		int t = atomic_load(&ln.tid);

		if (t) {
			task_stack(getpid(), t, st, sizeof(st));
			ln.in_drain = strstr(st, "lru_add_drain_all") && strstr(st, "flush_work");
		}
		usleep(1000);
	}
	return 0;
}

/* the holder's stack: where its drain was called from, what it waits on */
static void sample_holder(int holder_tid)
{
	char st[4096];

	task_stack(getpid(), holder_tid, st, sizeof(st));
	ln.sampled = 1;
	if (!strstr(st, "lru_add_drain_all"))
		return;
	ln.drain_from = strstr(st, "migrate_device_unmap") ? "migrate_device_unmap" :
			strstr(st, "migrate_vma_setup") ? "migrate_vma_setup" : "other";
	/* inside the drain and not flushing: on the mutex (its slow path is
	 * not in the stack here: "__lru_add_drain_all+0x36", state D) */
	ln.waits_on = strstr(st, "flush_work") ? "flush" : "mutex";
}

/*
 * A looping shape's iteration did not stall when spinner 0 slept in its
 * fault before its loop (rt-won: 1 run of 4 in the lab, the drain work ran
 * then and the holder took 8 ms): the next iteration tries again; each
 * starts with a clean slate.
 */
void links_next(int iteration)
{
	ln.iteration = iteration;
	ln.sampled = 0;
	ln.drain_from = ln.waits_on = "-";
	atomic_store(&ctl->loop_start_ns, 0);
	atomic_store(&ctl->loop_end_ns, 0);
	atomic_store(&ctl->won, 0);
	atomic_store(&ctl->spin_faults, 0);
	atomic_store(&ctl->holder_ns, 0);
}

/* this iteration held the holder's drain up for --stall-ms: the run's stall */
bool links_stalled(void)
{
	return looping_shape() && strcmp(ln.drain_from, "-") &&
	       atomic_load(&ctl->holder_ns) >= (uint64_t)opt.stall_ms * 1000000ull;
}

/* the parent's poll loop (at_deadline: once more when the deadline passed) */
void links_poll(int holder_tid, bool at_deadline)
{
	uint64_t t = atomic_load(&ctl->loop_start_ns);

	if (ln.sampled || opt.sc->shape == SHAPE_SPIN)
		return;
	if (at_deadline || (looping_shape() && t && now_ns() > t + 100000000ull &&
			    !atomic_load(&ctl->loop_end_ns)))
		sample_holder(holder_tid);
}

void links_result(bool deadline_missed, const char **outcome,
		  const char **loop, const char **holder_locked, uint64_t *address)
{
	static const char *const loops[] = { "-", "busy", "refault", "won", "-" };

	*loop = loops[opt.sc->shape];
	if (!looping_shape())
		return;
	/*
	 * The iteration lasts as long as the loop whatever the holder did: the
	 * stall is the holder's migration, seen inside its drain mid-loop
	 */
	if (deadline_missed)
		*outcome = opt.sc->shape == SHAPE_WON && !atomic_load(&ctl->won) ?
			   "livelock" : "no_progress";
	else
		*outcome = links_stalled() ? "stuck_rt" : "no_stall";
	/* the holder's stack, not P's pagemap: drain-backoff restores the PTE */
	*holder_locked = !strcmp(ln.drain_from, "migrate_device_unmap") ? "yes" :
			 !strcmp(ln.drain_from, "migrate_vma_setup") ? "no" : "-";
	*address = opt.sc->shape == SHAPE_ELSEWHERE ? atomic_load(&ctl->other_addr) :
		   opt.sc->shape == SHAPE_WON ? (uintptr_t)page_D(ln.iteration) : 0;
}

/*
 * Who holds the lock of the page the spinner on CPU k retries: the holder
 * when it collected it; else (lru-cache-disable) the thread of C whose
 * do_swap_page() took it and then waits in a drain.
 */
static int lock_holder(int holder_tid, const char *holder_locked, pid_t child)
{
	char path[64], st[4096];
	struct dirent *de;
	DIR *dir;
	int t, found = 0;

	if (!strcmp(holder_locked, "yes"))
		return holder_tid;
	snprintf(path, sizeof(path), "/proc/%d/task", child);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		t = atoi(de->d_name);
		if (t <= 0)
			continue;
		task_stack(child, t, st, sizeof(st));
		if (strstr(st, "do_swap_page") && strstr(st, "lru_add_drain_all"))
			found = t;
	}
	closedir(dir);
	return found;
}

/* TRUTH keys (before print_truth_context) */
void links_truth(int holder_tid, const char *holder_locked, bool livelock, pid_t child)
{
	uint64_t s = atomic_load(&ctl->loop_start_ns), e = atomic_load(&ctl->loop_end_ns);
	int lh = livelock ? lock_holder(holder_tid, holder_locked, child) : 0;

	printf(" lock_holder_tid=");
	if (lh > 0)
		printf("%d", lh);
	else
		printf("-");
	if (opt.sc->shape == SHAPE_SPIN)
		return;
	printf(" holder_drain_from=%s holder_waits_on=%s", ln.drain_from, ln.waits_on);
	if (looping_shape())
		printf(" attempts=%d won=%s spin_faults=%lld hold_ms=%d loop_ms=%.1f holder_ms=%.1f",
		       ln.iteration + 1,
		       atomic_load(&ctl->won) ? "yes" : "no",
		       (long long)atomic_load(&ctl->spin_faults), opt.hold_ms,
		       s && e > s ? (e - s) / 1e6 : 0.0, atomic_load(&ctl->holder_ns) / 1e6);
	if (opt.sc->shape == SHAPE_SERIALISED)
		printf(" queuer_tid=%d queuer_in_drain=%s", atomic_load(&ln.tid),
		       ln.in_drain ? "yes" : "no");
}

void links_finish(void)
{
	if (ln.started)
		pthread_join(ln.th, NULL);
	ln.started = 0;
}
