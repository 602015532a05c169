/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migrepro: what its files share (migrepro.c says what it reproduces).
 *   migrepro.c  the livelock geometry (P: toucher, holder), RESULT and TRUTH
 *   options.c   the scenarios, the options
 *   child.c     the child C: its spinners, the one on CPU k in its context
 *               (user, kernel, kworker)
 *   controls.c  the negative controls: an RT or kernel-mode loop on CPU k
 *               that holds nothing while a drain waits
 *   links.c     the controls that keep the holder and break one other link
 *               (spinner 0's shape), and the serialised second drain caller
 *   sys.c       clocks, futexes, pinning, sysfs/proc knobs, the kernel log
 */
#ifndef MIGREPRO_H
#define MIGREPRO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

/* lib/test_hmm_uapi.h (plus the lab's 0001 and 0003 patches) */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};
#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_MIXED	_IOWR('H', 0x40, struct hmm_dmirror_cmd)
/* 0003: HMM_DMIRROR_READ that, holding the mmap lock, busy-waits in kernel
 * mode until *gate != 0, then faults; LAB_READ_WORK: all in a kworker on
 * this CPU */
struct hmm_dmirror_lab_read {
	struct hmm_dmirror_cmd cmd;
	uint64_t gate;
	uint32_t flags;
	uint32_t pad;
};
#define HMM_DMIRROR_LAB_READ_WORK	1
#define HMM_DMIRROR_LAB_READ		_IOWR('H', 0x41, struct hmm_dmirror_lab_read)
#define HMM_DMIRROR_KERNEL_HOG		_IOWR('H', 0x42, struct hmm_dmirror_cmd)
/* pid of the kworker running a LAB_READ_WORK item (0003), 0 when none */
#define LAB_FAULT_WORKER "/sys/module/test_hmm/parameters/lab_fault_worker"
/* the work function that item runs: TRUTH's work_fn */
#define LAB_WORK_FN "dmirror_fault_work"

#define MAX_SPINNERS 8

/* Where the spinner on CPU k runs while it retries the fault. */
enum ctx { CTX_USER, CTX_KERNEL, CTX_KWORKER };
extern const char *const ctx_names[];

/*
 * What spinner 0 (on CPU k) does once the holder has collected D_i (links.c):
 *   SPIN        retry the fault of D_i (the livelock)
 *   BUSY        busy-loop without faulting for --hold-ms, then sleep
 *   ELSEWHERE   refault an ordinary page outside the holder's range for
 *               --hold-ms (from 50 ms on), then sleep
 *   WON         retry the fault of D_i until it gets the page (only a holder
 *               that lets go of its locks lets it: drain-backoff), then
 *               busy-loop for --hold-ms, then sleep
 *   SERIALISED  SPIN, with another lru_add_drain_all() caller (no lock held)
 *               stalled on CPU k before the holder is released, so that the
 *               holder waits for the drain mutex, not for its own work item
 */
enum shape { SHAPE_SPIN, SHAPE_BUSY, SHAPE_ELSEWHERE, SHAPE_WON, SHAPE_SERIALISED };

/* One row per scenario: everything a scenario changes. */
struct scenario {
	const char *name;
	enum ctx ctx;
	int fifo;		/* the spinner on CPU k is SCHED_FIFO */
	const char *rt_runtime;	/* sched_rt_runtime_us to set; NULL: leave */
	int fair_server_off;	/* the 6.12 fair server off on every CPU */
	int control;		/* no migration, no folio lock (controls.c) */
	enum shape shape;	/* spinner 0's part (links.c) */
};
extern const struct scenario scenarios[];
extern const int nr_scenarios;

/* rt-nolocks: what the RT thread does on CPU k */
enum rt_loop { LOOP_AUTO, LOOP_BUSY, LOOP_REFAULT };
extern const char *const loop_names[];

struct options {
	const struct scenario *sc;
	const char *variant;
	const char *device;	/* the holder's: P's D_i live there */
	const char *mirror;	/* kernel/kworker spinners read through it */
	int iterations;
	int deadline_ms;
	int observe_ms;		/* kernel-mode livelock: wait this long for recovery */
	int cpu_k, cpu_h, cpu_main;
	int spinners;		/* total, the first one is pinned on cpu_k */
	int spin_delay_us;
	int trigger_pagemap;
	int rt_prio;
	int quiet;
	int run;		/* run number, printed in TRUTH */
	int hold_ms;		/* controls: how long the loop on CPU k runs */
	int stall_ms;		/* controls: a drain this slow is the stall */
	enum rt_loop loop;
};
extern struct options opt;
extern long pagesz;

/* options.c: the number of CPUs; 0 after --help, -1 on bad options */
int parse_options(int argc, char **argv);

/* sys.c */
int gettid_(void);
uint64_t now_ns(void);
void futex_wait(_Atomic uint32_t *w, uint32_t val);
void futex_wake(_Atomic uint32_t *w);
int pin(int cpu);
int write_str(const char *path, const char *s);
int read_str(const char *path, char *buf, size_t len);
long read_minflt(pid_t pid);
int read_fault_worker(void);
const char *preempt_model(void);
void kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int apply_knobs(int ncpu);
void restore_knobs(void);
void dump_tasks(pid_t pid, const char *who);

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
	_Atomic uint32_t gate;		/* kernel/kworker: 1 once the holder collected D_i */
	_Atomic int64_t busy;		/* kernel/kworker: READs that returned EBUSY */
	_Atomic int read_err;		/* kernel/kworker: a READ failed otherwise */
	/* ground truth */
	_Atomic int holder_tid;
	_Atomic int toucher_tid;
	_Atomic int spin_tid[MAX_SPINNERS];
	_Atomic int spin_cpu[MAX_SPINNERS];	/* CPU of the last read of D_i */
	/* links.c: spinner 0's shape */
	_Atomic uint32_t won;		/* WON: spinner 0 got D_i */
	_Atomic int64_t spin_faults;	/* WON: its faults before it got it; ELSEWHERE: refaults */
	_Atomic uint64_t other_addr;	/* ELSEWHERE: the page it refaults (C's) */
	_Atomic uint64_t loop_start_ns;	/* its busy or refault loop */
	_Atomic uint64_t loop_end_ns;
	_Atomic uint64_t holder_ns;	/* the holder's last migration ioctl */
};
extern struct ctl *ctl;
extern char *region;
static inline char *page_S(int i) { return region + (size_t)(2 * i) * pagesz; }
static inline char *page_D(int i) { return region + (size_t)(2 * i + 1) * pagesz; }

/* child.c: the child's main (never returns) */
void child_main(void);

/* controls.c */
int run_control(void);

/* links.c: spinner 0's shape (in C); the parent's part: the serialised
 * drain caller (before the holder is released), the holder's drain seen in
 * its kernel stack, the TRUTH keys */
void links_prepare(void);
void links_next(int iteration);
bool links_stalled(void);
void links_spinner(volatile char *d);
int links_serialise(void);
void links_poll(int holder_tid, bool at_deadline);
void links_result(bool deadline_missed, const char **outcome,
		  const char **loop, const char **holder_locked, uint64_t *address);
void links_truth(int holder_tid, const char *holder_locked, bool livelock, pid_t child);
void links_finish(void);

/* migrepro.c: the TRUTH keys every scenario ends its line with (and "\n"):
 * the spinner on CPU k (its tid, context, work function), the thread that
 * waits for a kworker spinner, and the preemption model */
void print_truth_context(int spinner_tid, const char *work_fn, int requester_tid);

#endif
