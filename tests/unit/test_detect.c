// SPDX-License-Identifier: GPL-2.0
/* The detectors, fed synthetic event streams and snapshots. */
#include "check.h"
#include "core/detect.h"

#define MS 1000000ULL

static struct incident seen[64];
static int nseen;

static void collect(void *ctx, const struct incident *inc)
{
	(void)ctx;
	if (nseen < 64)
		seen[nseen++] = *inc;
}

static int count(enum incident_kind k, enum incident_state st)
{
	int n = 0;

	for (int i = 0; i < nseen; i++)
		n += seen[i].kind == k && seen[i].state == st;
	return n;
}

static const struct incident *find(enum incident_kind k, enum incident_state st)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].kind == k && seen[i].state == st)
			return &seen[i];
	return NULL;
}

static struct mt_task task(uint32_t pid, uint32_t tgid, uint32_t policy, int32_t prio,
			   const char *comm)
{
	struct mt_task t = { .pid = pid, .tgid = tgid, .policy = policy, .prio = prio };

	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	return t;
}

static const uint32_t HOLDER = 10, SPINNER = 20;

static void start(struct detector *d, bool migrate_visible, bool faults_visible)
{
	struct detect_config c;

	detect_config_defaults(&c);
	c.migrate_visible = migrate_visible;
	c.faults_visible = faults_visible;
	nseen = 0;
	detect_init(d, &c, collect, NULL);
}

static void migrate_setup(struct detector *d, uint64_t ts)
{
	struct mt_event e = { .type = MT_EV_MIGRATE_SETUP, .ts = ts,
			      .task = task(HOLDER, HOLDER, 0, 120, "gpu_migrate") };

	e.migrate.enter_ts = ts - MS;
	e.migrate.start = 0x7f0000000000;
	e.migrate.end = 0x7f0000200000;
	e.migrate.cpages = 512;
	detect_event(d, &e);
}

/* Drain work queued by HOLDER at onset on CPU 1, an RT spinner on it since before. */
static void snapshot(struct snapshot *r, uint64_t onset, uint64_t now, uint64_t spin_retries,
		     uint32_t policy)
{
	memset(r, 0, sizeof(*r));
	r->npending = 1;
	r->pending[0] = (struct pending_drain){
		.cpu = 1, .age_ns = now - onset,
		.queuer = task(HOLDER, HOLDER, 0, 120, "gpu_migrate"),
		.occupant = task(SPINNER, HOLDER, policy, policy ? 49 : 120, "spinner"),
		.occupant_ns = now - onset + 50 * MS,
	};
	if (spin_retries)
		r->open_runs[0] = (struct agg_run){
			.task = r->pending[0].occupant, .address = 0x7f0000001000,
			.attempts = spin_retries + 1, .retries = spin_retries,
			.first_ts = onset, .last_ts = now - MS,
		};
}

static void livelock_named_within_a_second(void)
{
	static struct detector d;
	static struct snapshot r;
	uint64_t onset = 10000 * MS, now;
	const struct incident *inc;

	start(&d, true, true);
	migrate_setup(&d, onset - 5 * MS);
	for (now = onset; now <= onset + 2000 * MS; now += 100 * MS) {
		snapshot(&r, onset, now, (now - onset) / 1000, 1);
		if (now == onset + 1200 * MS) {	/* a kthread preempts the spinner for a tick */
			r.pending[0].occupant = task(3, 0, 0, 120, "ksoftirqd/1");
			r.pending[0].occupant_ns = MS;
		}
		detect_tick(&d, &r, now);
	}
	inc = find(INC_LIVELOCK, INC_START);
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK(inc->start_ts == onset);
	CHECK(inc->last_ts - onset < 1000 * MS);	/* named within a second of onset */
	CHECK_EQ_U64(inc->cpu, 1);
	CHECK_EQ_U64(inc->waiter.pid, HOLDER);
	CHECK_EQ_U64(inc->spinner.pid, SPINNER);
	CHECK_EQ_U64(inc->spinner.policy, 1);
	CHECK_EQ_U64(inc->waiter_holds_locks, EV_YES);
	CHECK_EQ_U64(inc->held_pages, 512);
	CHECK_EQ_U64(inc->spinner_retrying, EV_YES);
	CHECK_EQ_U64(inc->address_covered, EV_YES);
	CHECK(inc->missing[0] == '\0');
	/* One update a second while it lasts, no second start. */
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_START), 1);
	CHECK(count(INC_LIVELOCK, INC_UPDATE) >= 1 && count(INC_LIVELOCK, INC_UPDATE) <= 2);
	/* The drain runs: the incident ends after the grace period, with its duration. */
	memset(&r, 0, sizeof(r));
	detect_tick(&d, &r, now);
	CHECK(find(INC_LIVELOCK, INC_END) == NULL);
	detect_tick(&d, &r, now + 400 * MS);
	inc = find(INC_LIVELOCK, INC_END);
	CHECK(inc != NULL);
	if (inc)
		CHECK(inc->last_ts - inc->start_ts >= 1900 * MS);
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].count, 1);
	CHECK_EQ_U64(d.totals[INC_LIVELOCK].open, 0);
	/* The same stall also counts as a stuck RT task and a drain stall. */
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 1);
	CHECK_EQ_U64(count(INC_DRAIN_STALL, INC_START), 1);
}

/* The drain inside migrate_vma_setup: the holder has not returned from setup yet. */
static void holder_waiting_inside_setup(void)
{
	static struct detector d;
	static struct snapshot r;
	struct mt_event enter = { .type = MT_EV_MIGRATE_ENTER, .ts = MS,
				  .task = task(HOLDER, HOLDER, 0, 120, "gpu_migrate") };
	struct mt_event failed = { .type = MT_EV_MIGRATE_SETUP, .ts = 500 * MS,
				   .task = enter.task };
	const struct incident *inc;

	start(&d, true, true);
	enter.migrate.enter_ts = MS;
	enter.migrate.start = 0x7f0000000000;
	enter.migrate.end = 0x7f0000002000;
	detect_event(&d, &enter);
	snapshot(&r, 0, 400 * MS, 5000, 1);
	detect_tick(&d, &r, 400 * MS);
	inc = find(INC_LIVELOCK, INC_START);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->waiter_holds_locks, EV_YES);
		CHECK_EQ_U64(inc->address_covered, EV_YES);
		CHECK_EQ_U64(inc->held_ns, 399 * MS);
	}
	/* Setup gives up: its locks are gone, so is the livelock. */
	failed.migrate.ret = -16;
	detect_event(&d, &failed);
	CHECK_EQ_U64(d.nholders, 0);
	detect_tick(&d, &r, 800 * MS);
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_END), 1);
}

static void no_livelock_once_locks_are_released(void)
{
	static struct detector d;
	static struct snapshot r;
	struct mt_event fin = { .type = MT_EV_MIGRATE_FINALIZE, .ts = 1,
				.task = task(HOLDER, HOLDER, 0, 120, "gpu_migrate") };

	start(&d, true, true);
	migrate_setup(&d, 5 * MS);
	detect_event(&d, &fin);
	snapshot(&r, 0, 400 * MS, 5000, 1);
	detect_tick(&d, &r, 400 * MS);
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_START), 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 1);
}

static void blind_hooks_are_named(void)
{
	static struct detector d;
	static struct snapshot r;
	const struct incident *inc;

	/* Migrate hooks blind: the spinner's retries alone make a livelock, marked so. */
	start(&d, false, true);
	snapshot(&r, 0, 400 * MS, 5000, 1);
	detect_tick(&d, &r, 400 * MS);
	inc = find(INC_LIVELOCK, INC_START);
	CHECK(inc != NULL);
	if (inc) {
		CHECK_EQ_U64(inc->waiter_holds_locks, EV_UNKNOWN);
		CHECK(strstr(inc->missing, "folio_locks") != NULL);
	}
	/* Nothing of the lock chain visible: only stuck_rt, never a livelock. */
	start(&d, false, false);
	snapshot(&r, 0, 400 * MS, 0, 1);
	detect_tick(&d, &r, 400 * MS);
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_START), 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 1);
}

static void rt_spinner_without_faults_is_stuck_rt_only(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);	/* as on the development hosts */
	snapshot(&r, 0, 300 * MS, 0, 1);
	detect_tick(&d, &r, 300 * MS);
	CHECK_EQ_U64(count(INC_LIVELOCK, INC_START), 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_START), 1);
	CHECK_EQ_U64(find(INC_STUCK_RT, INC_START)->spinner.pid, SPINNER);
}

static void healthy_machine_raises_nothing(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, true, true);
	migrate_setup(&d, 5 * MS);
	/* Drain work pending 30 ms behind a busy CFS task: normal under load. */
	snapshot(&r, 0, 30 * MS, 0, 0);
	detect_tick(&d, &r, 30 * MS);
	/* An RT task that sleeps: on the CPU 2 ms when the drain has waited 150 ms. */
	snapshot(&r, 0, 150 * MS, 0, 1);
	r.pending[0].occupant_ns = 2 * MS;
	detect_tick(&d, &r, 150 * MS);
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
	r.open_runs[0] = (struct agg_run){ .task = task(30, 30, 0, 120, "faulter"),
		.address = 0x1000, .attempts = 2500, .retries = 2498, .first_ts = 0,
		.last_ts = 5000 * MS };
	detect_tick(&d, &r, 5200 * MS);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 1);
	/* Read after now was taken: its last fault is newer than now. Still going. */
	r.open_runs[0].last_ts = 5300 * MS;
	detect_tick(&d, &r, 5250 * MS);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 0);
	r.open_runs[0].last_ts = 5000 * MS;
	/* The same run, stale for over a second: the storm is over. */
	detect_tick(&d, &r, 6500 * MS);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_END), 1);
	CHECK_EQ_U64(count(INC_FAULT_STORM, INC_START), 1);
}

static void full_tables_count_what_they_drop(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	for (int i = 0; i < DETECT_MAX_OPEN + 5; i++) {
		memset(&r, 0, sizeof(r));
		r.open_runs[0] = (struct agg_run){ .task = task(100 + i, 100 + i, 0, 120, "f"),
			.address = 0x1000, .attempts = 5000, .retries = 5000, .last_ts = 10 };
		/* Keep the earlier ones alive: a tick evaluates only this snapshot. */
		for (int k = 1; k < AGG_TOP; k++)
			r.open_runs[k] = r.open_runs[0];
		detect_tick(&d, &r, 20);
	}
	CHECK(d.nopen <= DETECT_MAX_OPEN);
	for (int i = 0; i < DETECT_MAX_HOLDERS + 3; i++) {
		struct mt_event e = { .type = MT_EV_MIGRATE_SETUP, .ts = i + 1,
				      .task = task(1000 + i, 1000 + i, 0, 120, "m") };

		e.migrate.enter_ts = i + 1;
		detect_event(&d, &e);
	}
	CHECK_EQ_U64(d.nholders, DETECT_MAX_HOLDERS);
	CHECK_EQ_U64(d.holders_evicted, 3);
}

static void finish_ends_everything(void)
{
	static struct detector d;
	static struct snapshot r;

	start(&d, false, true);
	snapshot(&r, 0, 300 * MS, 0, 1);
	detect_tick(&d, &r, 300 * MS);
	detect_finish(&d);
	CHECK_EQ_U64(d.nopen, 0);
	CHECK_EQ_U64(count(INC_STUCK_RT, INC_END), 1);
	CHECK_EQ_U64(d.totals[INC_STUCK_RT].open, 0);
}

int main(void)
{
	RUN(livelock_named_within_a_second);
	RUN(holder_waiting_inside_setup);
	RUN(no_livelock_once_locks_are_released);
	RUN(blind_hooks_are_named);
	RUN(rt_spinner_without_faults_is_stuck_rt_only);
	RUN(healthy_machine_raises_nothing);
	RUN(fault_storm_needs_a_live_run);
	RUN(full_tables_count_what_they_drop);
	RUN(finish_ends_everything);
	CHECK_EXIT();
}
