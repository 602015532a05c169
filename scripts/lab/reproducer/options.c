// SPDX-License-Identifier: GPL-2.0
/* migrepro: the scenarios (one row each), the options and their defaults */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrepro.h"

const char *const ctx_names[] = { "user", "kernel", "kworker" };
const char *const loop_names[] = { "auto", "busy", "refault" };
/*
 * rt-nothrottle: SCHED_FIFO spinner, sched_rt_runtime_us=-1 and the 6.12
 *                fair deadline server disabled (runtime 0 on every CPU), i.e.
 *                nothing left that lets a CFS kworker run on CPU k;
 * rt-fairserver: SCHED_FIFO spinner, sched_rt_runtime_us=-1, fair server left
 *                at its default (50 ms every 1 s on 6.12);
 * rt-throttle:   SCHED_FIFO spinner, sched_rt_runtime_us=950000 (default);
 * nonrt:         SCHED_OTHER spinner;
 * kspin:         SCHED_OTHER spinner in hmm_range_fault() (kernel mode);
 * kworker:       the same read in a work item on CPU k;
 * rt-nolocks, kernel-hog: the negative controls (controls.c);
 * rt-busy, rt-elsewhere, rt-won, rt-serialised: rt-nothrottle's holder with
 *                spinner 0 in another shape (links.c), one iteration.
 */
const struct scenario scenarios[] = {
	{ "rt-nothrottle", CTX_USER, 1, "-1", 1, 0, SHAPE_SPIN },
	{ "rt-fairserver", CTX_USER, 1, "-1", 0, 0, SHAPE_SPIN },
	{ "rt-throttle", CTX_USER, 1, "950000", 0, 0, SHAPE_SPIN },
	{ "nonrt", CTX_USER, 0, NULL, 0, 0, SHAPE_SPIN },
	{ "rt-nolocks", CTX_USER, 1, "-1", 1, 1, SHAPE_SPIN },
	{ "kspin", CTX_KERNEL, 0, NULL, 0, 0, SHAPE_SPIN },
	{ "kworker", CTX_KWORKER, 0, NULL, 0, 0, SHAPE_SPIN },
	{ "kernel-hog", CTX_KERNEL, 0, NULL, 0, 1, SHAPE_SPIN },
	{ "rt-busy", CTX_USER, 1, "-1", 1, 0, SHAPE_BUSY },
	{ "rt-elsewhere", CTX_USER, 1, "-1", 1, 0, SHAPE_ELSEWHERE },
	{ "rt-won", CTX_USER, 1, "-1", 1, 0, SHAPE_WON },
	{ "rt-serialised", CTX_USER, 1, "-1", 1, 0, SHAPE_SERIALISED },
};
const int nr_scenarios = sizeof(scenarios) / sizeof(scenarios[0]);

struct options opt = {
	.sc = &scenarios[0], .variant = "unknown",
	.device = "/dev/hmm_dmirror0", .mirror = "/dev/hmm_dmirror1",
	.iterations = 8, .deadline_ms = 5000, .observe_ms = 40000,
	.cpu_k = -1, .cpu_h = 0, .cpu_main = 1, .spinners = -1,
	.spin_delay_us = 20000, .rt_prio = 10, .trigger_pagemap = 1,
	.run = 1, .hold_ms = 1500, .stall_ms = 500, .loop = LOOP_AUTO,
};

static void usage(const char *argv0)
{
	fprintf(stderr,
"usage: %s [options]\n"
"  -s, --scenario S      rt-nothrottle (default) | rt-fairserver | rt-throttle | nonrt\n"
"                        | kspin | kworker (the spinner on CPU k in hmm_range_fault(),\n"
"                        in kernel mode, itself or in a work item)\n"
"                        | rt-nolocks | kernel-hog (controls: no migration; an RT loop,\n"
"                        or a kernel-mode loop, on CPU k stalls a drain)\n"
"                        | rt-busy | rt-elsewhere | rt-won | rt-serialised (controls that\n"
"                        keep the holder: spinner 0 busy-loops, refaults a page outside\n"
"                        the holder's range, gets D_i then busy-loops (drain-backoff), or\n"
"                        spins behind a second, lock-free drain caller; one iteration)\n"
"  -V, --variant NAME    label printed in RESULT\n"
"  -r, --run N           run number printed in TRUTH (default 1)\n"
"      --hold-ms MS      controls: loop length (default 1500)\n"
"      --stall-ms MS     controls: a drain this slow counts as stalled; rt-fairserver,\n"
"                        rt-throttle: an iteration this slow is a bounded livelock\n"
"                        (outcome bounded; default 500)\n"
"      --rt-loop L       rt-nolocks: busy | refault | auto (odd runs refault, default)\n"
"  -n, --iterations N    page pairs / holder migrations (default 8)\n"
"  -D, --deadline-ms MS  per-iteration progress deadline (default 5000)\n"
"      --observe-ms MS   kspin/kworker: after a livelock, wait this long for the\n"
"                        holder once the child is killed (default 40000)\n"
"  -k, --cpu-k K         CPU of the toucher and the spinner (default: last)\n"
"  -H, --cpu-h H         CPU of the holder (default 0)\n"
"  -p, --spinners N      spinner threads, first one on CPU k (default 2; kspin,\n"
"                        kworker 1); 0: none (a benchmark: per iteration the\n"
"                        holder's migration and the fault that brings S_i back)\n"
"  -d, --spin-delay-us U spinners busy-wait on their CPU until the holder has\n"
"                        collected D_i (P's pagemap entry changes), at most U us\n"
"                        (default 20000); with --no-pagemap always U us\n"
"      --no-pagemap      do not watch P's pagemap\n"
"  -f, --device PATH     default /dev/hmm_dmirror0\n"
"      --mirror PATH     kspin/kworker: the device C reads through (default\n"
"                        /dev/hmm_dmirror1)\n"
"  -q, --quiet\n"
"example: %s -s kspin -V baseline -n 8 -D 5000\n", argv0, argv0);
}

int parse_options(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "scenario", 1, 0, 's' }, { "variant", 1, 0, 'V' },
		{ "iterations", 1, 0, 'n' }, { "deadline-ms", 1, 0, 'D' },
		{ "cpu-k", 1, 0, 'k' }, { "cpu-h", 1, 0, 'H' },
		{ "spinners", 1, 0, 'p' }, { "spin-delay-us", 1, 0, 'd' },
		{ "device", 1, 0, 'f' }, { "quiet", 0, 0, 'q' },
		{ "no-pagemap", 0, 0, 'P' }, { "run", 1, 0, 'r' },
		{ "hold-ms", 1, 0, 'M' }, { "stall-ms", 1, 0, 'S' },
		{ "rt-loop", 1, 0, 'L' }, { "observe-ms", 1, 0, 'O' },
		{ "mirror", 1, 0, 'm' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	int c, i, ncpu;

	while ((c = getopt_long(argc, argv, "s:V:n:D:k:H:p:d:f:r:qh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			for (i = 0; i < nr_scenarios; i++)
				if (!strcmp(optarg, scenarios[i].name))
					break;
			if (i == nr_scenarios) {
				fprintf(stderr, "unknown scenario %s\n", optarg);
				return -1;
			}
			opt.sc = &scenarios[i];
			break;
		case 'V': opt.variant = optarg; break;
		case 'n': opt.iterations = atoi(optarg); break;
		case 'D': opt.deadline_ms = atoi(optarg); break;
		case 'O': opt.observe_ms = atoi(optarg); break;
		case 'k': opt.cpu_k = atoi(optarg); break;
		case 'H': opt.cpu_h = atoi(optarg); break;
		case 'p': opt.spinners = atoi(optarg); break;
		case 'd': opt.spin_delay_us = atoi(optarg); break;
		case 'f': opt.device = optarg; break;
		case 'm': opt.mirror = optarg; break;
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
				return -1;
			}
			opt.loop = i;
			break;
		default: usage(argv[0]); return c == 'h' ? 0 : -1;
		}
	}
	if (opt.spinners < 0)
		opt.spinners = opt.sc->ctx == CTX_USER ? 2 : 1;
	/* links.c: one stall per run (a looping shape tries up to 4
	 * iterations for it); rt-serialised's spinners wait for the collect
	 * however long the drainer takes to stall */
	if (opt.sc->shape != SHAPE_SPIN)
		opt.iterations = opt.sc->shape == SHAPE_SERIALISED ? 1 : 4;
	if (opt.sc->shape == SHAPE_SERIALISED)
		opt.spin_delay_us = opt.deadline_ms * 1000;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (opt.cpu_k < 0)
		opt.cpu_k = ncpu - 1;
	opt.cpu_main = (opt.cpu_h + 1) % ncpu == opt.cpu_k ?
		(opt.cpu_h + 2) % ncpu : (opt.cpu_h + 1) % ncpu;
	if (ncpu < 3 || opt.cpu_k == opt.cpu_h || opt.cpu_k >= ncpu ||
	    opt.iterations < 1 || opt.iterations > 100000 ||
	    opt.spinners < 0 || opt.spinners > MAX_SPINNERS ||
	    (opt.sc->ctx != CTX_USER && !opt.sc->control && opt.spinners < 1) ||
	    opt.deadline_ms < 10 || opt.observe_ms < 0) {
		fprintf(stderr, "bad options (need >= 3 CPUs, k != h, 0..%d spinners, "
			"kspin/kworker at least 1)\n", MAX_SPINNERS);
		return -1;
	}
	return ncpu;
}
