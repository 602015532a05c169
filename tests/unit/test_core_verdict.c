// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict on a stalled work item: evidence must be current (the audit's
 * cases: a fault run older than the queueing, an RT task on the CPU for
 * 1 ms, links that go away), filtered evidence is unknown, stacks prove
 * links where hooks are blind, a kernel-mode occupant is named as such, and
 * a holder serialised behind another caller's drain is the waiter.
 */
#include "check.h"
#include "detect_fixture.h"

/* Ticks every 100 ms from..to (inclusive) over the fixture's snapshot. */
static void run_ticks(struct detector *d, struct snapshot *r, uint64_t onset, uint64_t from,
		      uint64_t to, uint64_t retries, uint32_t policy, enum evidence holds)
{
	for (uint64_t now = from; now <= to; now += 100 * MS) {
		snapshot(r, onset, now, retries, policy, holds);
		detect_tick(d, r, now, DETECT_ALL);
	}
}

/* The spinner's whole run came before the work was queued: not retrying now. */
static void fault_run_older_than_the_queueing(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, true, true);
	snapshot(&r, 1000 * MS, 1400 * MS, 5000, 1, EV_YES);
	r.pending[0].occupant_run.first_ts = 100 * MS;
	r.pending[0].occupant_run.last_ts = 900 * MS;	/* before the queueing at 1000 ms */
	detect_tick(&d, &r, 1400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_NO);
		CHECK_EQ_U64(inc->fault_loop, EV_NO);
	}
	/* Still faulting after the queueing, but every retry counted is from before. */
	start(&d, true, true);
	snapshot(&r, 1000 * MS, 1400 * MS, 5000, 1, EV_YES);
	r.pending[0].occupant_run.first_ts = 100 * MS;
	detect_tick(&d, &r, 1400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL);
	/* The same run retrying on after first sight: now it is. */
	r.pending[0].occupant_run.retries += 100;
	r.pending[0].occupant_run.attempts += 100;
	r.pending[0].age_ns += 100 * MS;
	r.pending[0].occupant_ns += 100 * MS;
	r.pending[0].occupant_run.last_ts = 1499 * MS;
	detect_tick(&d, &r, 1500 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) != NULL);
}

/* Never-yields is measured: an RT task on the CPU for 1 ms of a 400 ms wait does not count. */
static void rt_task_on_the_cpu_for_1ms(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_YES);
	r.pending[0].occupant_ns = 1 * MS;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	CHECK(reached(INC_STUCK_RT) == NULL);
	inc = find(INC_DRAIN_STALL, INC_START);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->links[LINK_NEVER_YIELDS], EV_NO);
		CHECK_EQ_U64(inc->sources[LINK_NEVER_YIELDS], SRC_MEASURED);
	}
}

/*
 * A livelock whose waiter lets go and whose spinner stops retrying for 5 s
 * (the RT task got its page and busy-loops): the kind goes down, once the
 * weaker verdict has held for the grace period, saying which links went;
 * counted once under the most specific kind it reached.
 */
static void holds_and_spins_gone_for_5s(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc = NULL;
	uint64_t gone = 1000 * MS;

	start(&d, true, true);
	run_ticks(&d, &r, 0, 100 * MS, gone - 100 * MS, 50000, 1, EV_YES);
	CHECK(reached(INC_LIVELOCK) != NULL);
	for (uint64_t now = gone; now <= gone + 5000 * MS; now += 100 * MS) {
		snapshot(&r, 0, now, 50000, 1, EV_NO);
		r.pending[0].occupant_run.last_ts = gone - 100 * MS;	/* no fault since */
		detect_tick(&d, &r, now, DETECT_ALL);
		if (now == gone + 200 * MS)	/* inside the grace period: still the livelock */
			CHECK_EQ_U64(d.open[0].kind, INC_LIVELOCK);
	}
	for (int i = 0; i < nseen; i++)
		if (seen[i].kind_changed && seen[i].previous_kind == INC_LIVELOCK)
			inc = &seen[i];
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->kind, INC_STUCK_RT);
	CHECK_EQ_U64(inc->links[LINK_WAITER_HOLDS], EV_NO);
	CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_NO);
	CHECK(strstr(inc->change_reason, "waiter_holds_locks yes->no") != NULL);
	CHECK(strstr(inc->change_reason, "spinner_retrying yes->no") != NULL);
	CHECK(inc->last_ts - gone >= d.cfg.end_grace_ns);
	CHECK(inc->last_ts - gone < d.cfg.end_grace_ns + d.cfg.retry_window_ns + 200 * MS);
	/* Every later update says what holds now: stuck_rt, not yes/yes. */
	CHECK_EQ_U64(d.open[0].kind, INC_STUCK_RT);
	CHECK_EQ_U64(d.open[0].links[LINK_RETRYING], EV_NO);
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].count, 1);
	CHECK_EQ_U64(d.totals[INC_STUCK_RT].count, 0);
	CHECK_EQ_U64(d.totals[INC_STUCK_RT].open, 1);
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].open, 0);
}

/* -p PID: the other process's faults are not traced: unknown, never no. */
static void filtered_party_is_unknown(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, true, true);
	d.cfg.filter_tgid = HOLDER;
	snapshot(&r, 0, 400 * MS, 0, 1, EV_YES);
	r.pending[0].occupant.tgid = SPINNER;	/* another process: its faults were filtered */
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_UNKNOWN);
	CHECK(strstr(inc->unproven, "spinner_retrying") != NULL);
	CHECK(strstr(inc->missing, "filtered_by_-p") != NULL);
	/* The waiter filtered out: its holders-table miss is unknown too. */
	start(&d, true, true);
	d.cfg.filter_tgid = SPINNER;
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_NO);
	r.pending[0].occupant.tgid = SPINNER;
	r.pending[0].occupant_run.task.tgid = SPINNER;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (inc)
		CHECK_EQ_U64(inc->links[LINK_WAITER_HOLDS], EV_UNKNOWN);
}

/* Tracepoints only, no series (a stock host): the stacks prove two links. */
static void stacks_prove_holder_and_spinner(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, false, false);
	snapshot(&r, 0, 400 * MS, 0, 0, EV_UNKNOWN);
	r.pending[0].queuer_stack_holds = EV_YES;
	r.pending[0].samples = 40;
	r.pending[0].samples_fault = 38;	/* in hmm_range_fault: a kernel-mode spinner */
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL);	/* no address: one link unseen */
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->sources[LINK_WAITER_HOLDS], SRC_STACK);
	CHECK_EQ_U64(inc->sources[LINK_RETRYING], SRC_STACK);
	CHECK_EQ_U64(inc->context, CTX_KERNEL);
	CHECK(!strcmp(inc->unproven, "address_covered"));
	/* A kworker is named with its work function. */
	start(&d, false, false);
	snapshot(&r, 0, 400 * MS, 0, 0, EV_UNKNOWN);
	r.pending[0].queuer_stack_holds = EV_YES;
	r.pending[0].samples = 40;
	r.pending[0].samples_fault = 40;
	r.pending[0].occupant_kworker = true;
	snprintf(r.pending[0].occupant_work_func, 48, "dmirror_read_work");
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->context, CTX_KWORKER);
		CHECK(!strcmp(inc->work_func, "dmirror_read_work"));
	}
}

/*
 * A non-RT task spinning in the kernel with no folio lock and no fault (the
 * kernel-hog control): stuck_kernel, never a livelock of either kind.
 */
static void kernel_hog_is_stuck_kernel(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;
	bool tracepoints_only;

	for (int mode = 0; mode < 2; mode++) {
		tracepoints_only = mode == 1;
		start(&d, !tracepoints_only, !tracepoints_only);
		for (uint64_t now = 100 * MS; now <= 3000 * MS; now += 100 * MS) {
			snapshot(&r, 0, now, 0, 0, tracepoints_only ? EV_UNKNOWN : EV_NO);
			r.pending[0].samples = now / MS;	/* 1 kHz, none in a fault */
			detect_tick(&d, &r, now, DETECT_ALL);
		}
		CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
		inc = find(INC_STUCK_KERNEL, INC_START);
		CHECK(inc != NULL);
		if (inc) {
			CHECK_EQ_U64(inc->context, CTX_KERNEL);
			CHECK_EQ_U64(inc->fault_loop, EV_NO);
		}
	}
	/* A user-space CFS task never gets a stuck kind: it is preempted, or it is a plain stall. */
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 0, 0, EV_NO);
	r.pending[0].samples = 400;
	r.pending[0].samples_user = 400;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(find(INC_STUCK_KERNEL, INC_START) == NULL);
	CHECK(find(INC_DRAIN_STALL, INC_START) != NULL);
}

/*
 * Samples count over the last window only: a spinner that faulted, then
 * busy-loops in user space, is not retrying now.
 */
static void samples_of_the_last_window(void)
{
	static struct detector d;
	static struct snapshot r;
	uint32_t fault = 0, user = 0;

	start(&d, false, false);
	for (uint64_t now = 100 * MS; now <= 2000 * MS; now += 100 * MS) {
		snapshot(&r, 0, now, 0, 1, EV_UNKNOWN);
		if (now <= 800 * MS)
			fault += 100;
		else
			user += 100;
		r.pending[0].queuer_stack_holds = EV_YES;
		r.pending[0].samples = fault + user;
		r.pending[0].samples_fault = fault;
		r.pending[0].samples_user = user;
		detect_tick(&d, &r, now, DETECT_ALL);
	}
	CHECK(reached(INC_SUSPECTED_LIVELOCK) != NULL);
	CHECK_EQ_U64(d.open[0].kind, INC_STUCK_RT);
	CHECK_EQ_U64(d.open[0].links[LINK_RETRYING], EV_NO);
	CHECK_EQ_U64(d.open[0].sources[LINK_RETRYING], SRC_STACK);
}

/*
 * __lru_add_drain_all() is serialised: the holder that waits behind another
 * caller's stalled work is the waiter of the livelock, the queuer named.
 */
static void holder_serialised_behind_another_drain(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_NO);	/* the queuer (compaction) holds nothing */
	r.pending[0].queuer = task(7, 7, 0, 120, "kcompactd0");
	r.ndrain_waiters = 1;
	r.drain_waiters[0] = (struct drain_waiter){
		.task = task(HOLDER, HOLDER, 0, 120, "gpu_migrate"), .waiting_ns = 300 * MS,
		.holds = EV_YES, .held_ns = 310 * MS, .held_start = RANGE_START,
		.held_end = RANGE_END, .held_pages = 2,
	};
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_LIVELOCK);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->waiter.pid, HOLDER);
	CHECK_EQ_U64(inc->queuer.pid, 7);
	CHECK_EQ_U64(inc->held_pages, 2);
	/* One that holds nothing is no waiter of the cycle. */
	start(&d, true, true);
	r.drain_waiters[0].holds = EV_NO;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
}

/*
 * Pages the parties' migrations found locked (collect_contended): the
 * waiter's are its migration in progress, so they count from before the
 * queueing; the spinner's only from after it. Shown, no link moved by them.
 */
static void contended_skips_current_only(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, true, true);
	snapshot(&r, 1000 * MS, 1400 * MS, 5000, 1, EV_YES);
	r.pending[0].queuer_contended = (struct contended_skips){ 1, RANGE_START + 0x3000, 402 * MS };
	r.pending[0].occupant_contended = (struct contended_skips){ 517, RANGE_START + 0x1000, 5 * MS };
	detect_tick(&d, &r, 1400 * MS, DETECT_ALL);
	inc = reached(INC_LIVELOCK);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->waiter_contended.pages, 1);
	CHECK_EQ_U64(inc->waiter_contended.first_address, RANGE_START + 0x3000);
	CHECK_EQ_U64(inc->spinner_contended.pages, 517);
	CHECK_EQ_U64(inc->spinner_contended.first_address, RANGE_START + 0x1000);
	/* The spinner's latest skip came before the work was queued: not this stall's. */
	start(&d, true, true);
	r.pending[0].occupant_contended.ago_ns = 401 * MS;
	detect_tick(&d, &r, 1400 * MS, DETECT_ALL);
	inc = reached(INC_LIVELOCK);
	CHECK(inc != NULL && inc->spinner_contended.pages == 0 && inc->waiter_contended.pages == 1);
	/* Skips prove no link: a holder that holds nothing stays one, skips or not. */
	start(&d, true, true);
	snapshot(&r, 1000 * MS, 1400 * MS, 5000, 1, EV_NO);
	r.pending[0].queuer_contended = (struct contended_skips){ 2, RANGE_START, MS };
	detect_tick(&d, &r, 1400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL && inc->links[LINK_WAITER_HOLDS] == EV_NO && inc->waiter_contended.pages == 2);
}

/* The daemon's drain verdicts tick alone; storms are judged only when their runs were read. */
static void drain_ticks_leave_storms_alone(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	memset(&r, 0, sizeof(r));
	r.open_runs[0] = (struct fault_run){ .task = task(30, 30, 0, 120, "faulter"),
		.address = 0x1000, .attempts = 2500, .retries = 2498, .last_ts = 100 * MS };
	detect_tick(&d, &r, 100 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 1);
	memset(&r, 0, sizeof(r));	/* a drains-only tick reads no runs */
	for (uint64_t now = 200 * MS; now <= 2000 * MS; now += 100 * MS)
		detect_tick(&d, &r, now, DETECT_DRAINS);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 0);
	detect_tick(&d, &r, 2100 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 1);
}

int main(void)
{
	RUN(fault_run_older_than_the_queueing);
	RUN(rt_task_on_the_cpu_for_1ms);
	RUN(holds_and_spins_gone_for_5s);
	RUN(filtered_party_is_unknown);
	RUN(stacks_prove_holder_and_spinner);
	RUN(kernel_hog_is_stuck_kernel);
	RUN(samples_of_the_last_window);
	RUN(holder_serialised_behind_another_drain);
	RUN(drain_ticks_leave_storms_alone);
	RUN(contended_skips_current_only);
	CHECK_EXIT();
}
