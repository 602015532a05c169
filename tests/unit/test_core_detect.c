// SPDX-License-Identifier: GPL-2.0
/* The detectors, fed synthetic snapshots of kernel state. */
#include "check.h"
#include "core/detect.h"

#include "detect_fixture.h"

static void livelock_named_within_a_second(void)
{
	static struct detector d;
	static struct snapshot r;
	uint64_t onset = 10000 * MS, now;
	const struct incident *inc;

	start(&d, true, true);
	for (now = onset; now <= onset + 2000 * MS; now += 100 * MS) {
		snapshot(&r, onset, now, (now - onset) / 1000, 1, EV_YES);
		if (now == onset + 1200 * MS) {	/* a kthread preempts the spinner for a tick */
			r.pending[0].occupant = task(3, 0, 0, 120, "ksoftirqd/1");
			r.pending[0].occupant_ns = MS;
			r.pending[0].occupant_run_seen = false;
		}
		detect_tick(&d, &r, now, DETECT_ALL);
	}
	/* An RT task on the CPU for 100 ms: stuck_rt first, the same incident. */
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL);
	inc = reached(INC_LIVELOCK);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK(inc->state == INC_UPDATE && inc->previous_kind == INC_STUCK_RT);
	CHECK(inc->start_ts == onset);
	CHECK(inc->last_ts - onset < 1000 * MS);	/* named within a second of onset */
	CHECK_EQ_U64(inc->cpu, 1);
	CHECK_EQ_U64(inc->waiter.pid, HOLDER);
	CHECK_EQ_U64(inc->spinner.pid, SPINNER);
	CHECK_EQ_U64(inc->spinner.policy, 1);
	CHECK_EQ_U64(inc->links[LINK_WAITER_HOLDS], EV_YES);
	CHECK_EQ_U64(inc->held_pages, 512);
	CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_YES);
	CHECK_EQ_U64(inc->links[LINK_COVERED], EV_YES);
	CHECK_EQ_U64(inc->address, RANGE_START + 0x1000);
	CHECK(inc->missing[0] == '\0');
	/* One stalled work item, one incident: no second start, no drain_stall. */
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START) + count(INC_LIVELOCK, INC_START), 1);
	CHECK_EQ_U64(count(INC_DRAIN_STALL, INC_START), 0);
	/* The drain runs: the incident ends after the grace period, with its duration. */
	memset(&r, 0, sizeof(r));
	detect_tick(&d, &r, now, DETECT_ALL);
	CHECK(find(INC_LIVELOCK, INC_END) == NULL);
	detect_tick(&d, &r, now + 400 * MS, DETECT_ALL);
	inc = find(INC_LIVELOCK, INC_END);
	CHECK(inc != NULL);
	if (inc)
		CHECK(inc->last_ts - inc->start_ts >= 1900 * MS);
	/* Counted once, under the kind it reached. */
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].count, 1);
	CHECK_EQ_U64(d.totals[INC_STUCK_RT].count, 0);
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].open, 0);
}

/* Each link of the cycle seen to be absent rules the livelock out. */
static void every_link_is_needed(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	/* The waiter holds nothing (lru_cache_disable drains before collecting). */
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_NO);
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL);
	if (inc)
		CHECK_EQ_U64(inc->fault_loop, EV_YES);
	/* The RT task does not fault: a stuck RT task, no fault loop. */
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 0, 1, EV_YES);
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL);
	if (inc)
		CHECK_EQ_U64(inc->fault_loop, EV_NO);
	/* It faults outside the waiter's migration. */
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_YES);
	r.pending[0].occupant_run.address = RANGE_END + 0x1000;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	CHECK(reached(INC_STUCK_RT) != NULL);
}

/* Part of the cycle seen, none of it absent: suspected, with what is unproven. */
static void unseen_links_make_a_suspicion(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	/* Lock holders blind; the RT task retries a device-private (swap) fault. */
	start(&d, false, true);
	snapshot(&r, 0, 400 * MS, 5000, 1, EV_UNKNOWN);
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (inc) {
		CHECK(!strcmp(inc->unproven, "waiter_holds_locks,address_covered"));
		CHECK(strstr(inc->missing, "folio_locks") != NULL);
	}
	/* The waiter holds locks; faults blind. */
	start(&d, true, false);
	snapshot(&r, 0, 400 * MS, 0, 1, EV_YES);
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (inc)
		CHECK(!strcmp(inc->unproven, "spinner_retrying,address_covered"));
	/* The fault table refused entries: the spinner's missing run is unknown, not no. */
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 0, 1, EV_YES);
	r.pending[0].runs_lost = true;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	inc = reached(INC_SUSPECTED_LIVELOCK);
	CHECK(inc != NULL);
	if (inc)
		CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_UNKNOWN);
}

/* As on this host: no migrate hooks, every user fault approximates do_swap_page. */
static void rt_refault_loop_without_migration_is_stuck_rt(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, false, true);
	for (uint64_t now = 100 * MS; now <= 3000 * MS; now += 100 * MS) {
		snapshot(&r, 0, now, now / MS * 100, 1, EV_UNKNOWN);
		r.pending[0].occupant_run.source = MT_FAULT_PAGE_FAULT_USER;
		detect_tick(&d, &r, now, DETECT_ALL);
	}
	CHECK(reached(INC_LIVELOCK) == NULL);
	CHECK(reached(INC_SUSPECTED_LIVELOCK) == NULL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->spinner.pid, SPINNER);
		CHECK_EQ_U64(inc->fault_loop, EV_YES);
	}
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 1);
	CHECK_EQ_U64(count(INC_DRAIN_STALL, INC_START), 0);
}

/* The spinner is looked up by the occupant's pid, not among the busiest runs. */
static void spinner_found_outside_the_top_runs(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 50, 1, EV_YES);
	for (int k = 0; k < STATS_TOP; k++)
		r.open_runs[k] = (struct fault_run){ .task = task(500 + k, 500, 0, 120, "busy"),
			.address = 0x1000, .attempts = 900, .retries = 898, .last_ts = 399 * MS };
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) != NULL);
}

/* A CFS task that keeps the CPU (90 % of the wait) also never yields; one that shares it does. */
static void never_yielding_cfs_task(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 0, EV_YES);
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) != NULL);
	start(&d, true, true);
	snapshot(&r, 0, 400 * MS, 5000, 0, EV_YES);
	r.pending[0].occupant_ns = 200 * MS;
	detect_tick(&d, &r, 400 * MS, DETECT_ALL);
	CHECK(reached(INC_LIVELOCK) == NULL && reached(INC_SUSPECTED_LIVELOCK) == NULL);
	CHECK_EQ_U64(count(INC_DRAIN_STALL, INC_START), 1);
}

static void healthy_machine_raises_nothing(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, true, true);
	/* Drain work pending 30 ms behind a busy CFS task: normal under load. */
	snapshot(&r, 0, 30 * MS, 0, 0, EV_NO);
	detect_tick(&d, &r, 30 * MS, DETECT_ALL);
	/* An RT task that sleeps: on the CPU 2 ms when the drain has waited 150 ms. */
	snapshot(&r, 0, 150 * MS, 0, 1, EV_NO);
	r.pending[0].occupant_ns = 2 * MS;
	detect_tick(&d, &r, 150 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_START), 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 0);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 0);
	/* Only the plain stall is reported for the 150 ms wait. */
	CHECK_EQ_U64(count(INC_DRAIN_STALL, INC_START), 1);
}

static void fault_storm_needs_a_live_run(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	memset(&r, 0, sizeof(r));
	r.open_runs[0] = (struct fault_run){ .task = task(30, 30, 0, 120, "faulter"),
		.address = 0x1000, .attempts = 2500, .retries = 2498, .first_ts = 0,
		.last_ts = 5000 * MS };
	detect_tick(&d, &r, 5200 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 1);
	/* Read after now was taken: its last fault is newer than now. Still going. */
	r.open_runs[0].last_ts = 5300 * MS;
	detect_tick(&d, &r, 5250 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 0);
	r.open_runs[0].last_ts = 5000 * MS;
	/* The same run, stale for over a second: the storm is over. */
	detect_tick(&d, &r, 6500 * MS, DETECT_ALL);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 1);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 1);
}

/* A run that began after now was taken (read later): its incident lasts 0, never -1 ns. */
static void a_run_newer_than_now_never_wraps(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	start(&d, false, true);
	memset(&r, 0, sizeof(r));
	r.open_runs[0] = (struct fault_run){ .task = task(30, 30, 0, 120, "faulter"),
		.address = 0x1000, .attempts = 2500, .retries = 2498, .first_ts = 5300 * MS,
		.last_ts = 5400 * MS };
	detect_tick(&d, &r, 5200 * MS, DETECT_ALL);
	inc = find(INC_FAULT_STORM, INC_START);
	CHECK(inc != NULL);
	if (inc)
		CHECK(inc->last_ts >= inc->start_ts);
	detect_tick(&d, &r, 5250 * MS, DETECT_ALL);
	inc = find(INC_FAULT_STORM, INC_UPDATE);
	if (inc)
		CHECK(inc->last_ts >= inc->start_ts);
	detect_finish(&d);
	inc = find(INC_FAULT_STORM, INC_END);
	CHECK(inc != NULL);
	if (inc)
		CHECK(inc->last_ts >= inc->start_ts);
}

static void full_tables_count_what_they_drop(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	for (int i = 0; i < DETECT_MAX_OPEN + 5; i++) {
		memset(&r, 0, sizeof(r));
		r.open_runs[0] = (struct fault_run){ .task = task(100 + i, 100 + i, 0, 120, "f"),
			.address = 0x1000, .attempts = 5000, .retries = 5000, .last_ts = 10 };
		/* Keep the earlier ones alive: a tick evaluates only this snapshot. */
		for (int k = 1; k < STATS_TOP; k++)
			r.open_runs[k] = r.open_runs[0];
		detect_tick(&d, &r, 20, DETECT_ALL);
	}
	CHECK(d.nopen <= DETECT_MAX_OPEN);
	CHECK(d.dropped_incidents > 0);
}

static void finish_ends_everything(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	snapshot(&r, 0, 300 * MS, 0, 1, EV_UNKNOWN);
	detect_tick(&d, &r, 300 * MS, DETECT_ALL);
	detect_finish(&d);
	CHECK_EQ_U64(d.nopen, 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_END), 1);
	CHECK_EQ_U64(d.totals[INC_STUCK_RT].open, 0);
}

static struct kernel_report kreport(enum kreport_kind k, uint32_t cpu, uint32_t pid)
{
	struct kernel_report kr = { .kind = k, .cpu = cpu, .pid = pid, .seconds = 26 };

	snprintf(kr.text, sizeof(kr.text), "report %d", (int)k);
	return kr;
}

/*
 * The kernel's reports join the open incident they are about (its CPU, its
 * spinner, waiter or queuer, its kworker's function), are said at once, stay
 * with it through later ticks and its end; the others join nothing.
 */
static void kernel_reports_join_their_incident(void)
{
	static struct detector d;
	static struct snapshot r;
	struct kernel_report kr;
	const struct incident *inc;
	uint64_t id;

	start(&d, false, true);
	snapshot(&r, 0, 300 * MS, 0, 1, EV_UNKNOWN);	/* stuck_rt on CPU 1: SPINNER, HOLDER waits */
	r.open_runs[0] = (struct fault_run){ .task = task(30, 30, 0, 120, "faulter"),
		.address = 0x1000, .attempts = 2500, .retries = 2498, .last_ts = 300 * MS };
	detect_tick(&d, &r, 300 * MS, DETECT_ALL);
	inc = find(INC_STUCK_RT, INC_START);
	CHECK(inc != NULL && count(INC_FAULT_STORM, INC_START) == 1);
	if (!inc)
		return;
	id = inc->id;
	/* The soft lockup of CPU 1 and its task: at once, an update carrying it. */
	nseen = 0;
	kr = kreport(KR_SOFT_LOCKUP, 1, SPINNER);
	CHECK(detect_kernel_report(&d, &kr));
	CHECK_EQ_U64(kr.incident_id, id);
	CHECK_EQ_U64(nseen, 1);
	CHECK(seen[0].id == id && seen[0].state == INC_UPDATE && !seen[0].kind_changed);
	CHECK_EQ_U64(seen[0].nkreports, 1);
	CHECK(seen[0].kreports[0].kind == KR_SOFT_LOCKUP && !strcmp(seen[0].kreports[0].text,
								    "report 0"));
	/* The hung waiter (no CPU named): the same incident. */
	kr = kreport(KR_HUNG_TASK, KR_NO_CPU, HOLDER);
	CHECK(detect_kernel_report(&d, &kr));
	CHECK_EQ_U64(kr.incident_id, id);
	/* A task on CPU 1 that is the storm's: CPU and task fit one each; the more specific kind wins. */
	kr = kreport(KR_SOFT_LOCKUP, 1, 30);
	CHECK(detect_kernel_report(&d, &kr));
	CHECK_EQ_U64(kr.incident_id, id);
	/* The storm's task on another CPU: the storm. */
	kr = kreport(KR_HUNG_TASK, KR_NO_CPU, 30);
	CHECK(detect_kernel_report(&d, &kr));
	CHECK(kr.incident_id != id && kr.incident_id != 0);
	/* Another CPU, another task, a hog of a function no spinner runs: nothing. */
	kr = kreport(KR_SOFT_LOCKUP, 5, 999);
	CHECK(!detect_kernel_report(&d, &kr) && kr.incident_id == 0);
	kr = kreport(KR_WQ_HOG, KR_NO_CPU, 0);
	snprintf(kr.work_func, sizeof(kr.work_func), "vmstat_update");
	CHECK(!detect_kernel_report(&d, &kr));
	/* Later ticks keep them; past INC_MAX_KREPORTS they are counted, not listed. */
	snapshot(&r, 0, 400 * MS, 0, 1, EV_UNKNOWN);
	detect_tick(&d, &r, 400 * MS, DETECT_DRAINS);
	for (int i = 0; i < 3; i++) {
		kr = kreport(KR_RCU_STALL, 1, 0);
		CHECK(detect_kernel_report(&d, &kr));
	}
	nseen = 0;
	detect_finish(&d);
	inc = find(INC_STUCK_RT, INC_END);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->nkreports, 6);
		CHECK(inc->kreports[0].kind == KR_SOFT_LOCKUP && inc->kreports[1].kind == KR_HUNG_TASK &&
		      inc->kreports[3].kind == KR_RCU_STALL);
	}
	/* No incident open: nothing to join. */
	kr = kreport(KR_SOFT_LOCKUP, 1, SPINNER);
	CHECK(!detect_kernel_report(&d, &kr));
}

/* A workqueue hog joins the kworker spinner that runs its function. */
static void workqueue_hog_joins_its_kworker(void)
{
	static struct detector d;
	static struct snapshot r;
	struct kernel_report kr = kreport(KR_WQ_HOG, KR_NO_CPU, 0);
	const struct incident *inc;

	start(&d, false, true);
	snapshot(&r, 0, 300 * MS, 0, 0, EV_UNKNOWN);
	r.pending[0].occupant = task(40, 2, 0, 120, "kworker/1:2");
	r.pending[0].occupant_kworker = true;
	snprintf(r.pending[0].occupant_work_func, sizeof(r.pending[0].occupant_work_func),
		 "dmirror_fault_work");
	detect_tick(&d, &r, 300 * MS, DETECT_ALL);
	inc = reached(INC_STUCK_KERNEL);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK(!strcmp(inc->work_func, "dmirror_fault_work"));
	snprintf(kr.work_func, sizeof(kr.work_func), "vmstat_update");
	CHECK(!detect_kernel_report(&d, &kr));
	snprintf(kr.work_func, sizeof(kr.work_func), "dmirror_fault_work");
	CHECK(detect_kernel_report(&d, &kr));
	CHECK_EQ_U64(kr.incident_id, inc->id);
}

int main(void)
{
	RUN(livelock_named_within_a_second);
	RUN(every_link_is_needed);
	RUN(unseen_links_make_a_suspicion);
	RUN(rt_refault_loop_without_migration_is_stuck_rt);
	RUN(spinner_found_outside_the_top_runs);
	RUN(never_yielding_cfs_task);
	RUN(healthy_machine_raises_nothing);
	RUN(fault_storm_needs_a_live_run);
	RUN(a_run_newer_than_now_never_wraps);
	RUN(full_tables_count_what_they_drop);
	RUN(finish_ends_everything);
	RUN(kernel_reports_join_their_incident);
	RUN(workqueue_hog_joins_its_kworker);
	CHECK_EXIT();
}
