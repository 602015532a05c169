// SPDX-License-Identifier: GPL-2.0
/*
 * The detectors on streams recorded from real runs (the .mtr files in tests/data): the
 * events and snapshots of a record are replayed in time order through a
 * fresh detector, which must find what the live run found.
 */
#include "check.h"
#include "core/detect.h"
#include "record/recording.h"

#define MAX_EVENTS	100000
#define MAX_SNAPS	4096

struct light_snap {
	uint64_t now;
	uint32_t npending;
	struct pending_drain pending[8];
	struct agg_run open_runs[AGG_TOP];
};

static struct replay_data {
	struct mt_event *events;
	uint32_t nevents;
	struct light_snap *snaps;
	uint32_t nsnaps;
	uint32_t live_starts[INC_KIND_MAX];	/* incidents the live run printed */
	int32_t live_cpu;
	uint32_t live_pid;
} rec;

static void on_event(void *ctx, const struct mt_event *e)
{
	(void)ctx;
	if (rec.nevents < MAX_EVENTS)
		rec.events[rec.nevents++] = *e;
}

static void on_snapshot(void *ctx, const struct snapshot *r, uint64_t now)
{
	(void)ctx;
	struct light_snap *s;

	if (rec.nsnaps >= MAX_SNAPS)
		return;
	s = &rec.snaps[rec.nsnaps++];
	s->now = now;
	s->npending = r->npending < 8 ? r->npending : 8;
	memcpy(s->pending, r->pending, sizeof(s->pending[0]) * s->npending);
	memcpy(s->open_runs, r->open_runs, sizeof(s->open_runs));
}

static void on_incident(void *ctx, const struct rec_incident *i)
{
	(void)ctx;
	int k = incident_kind_parse(i->kind);

	if (k < 0 || i->end)
		return;
	rec.live_starts[k]++;
	rec.live_cpu = i->cpu;
	rec.live_pid = i->pid;
}

static struct incident found[256];
static int nfound;

static void collect(void *ctx, const struct incident *inc)
{
	(void)ctx;
	if (inc->state == INC_START && nfound < 256)
		found[nfound++] = *inc;
}

static int starts(enum incident_kind k)
{
	int n = 0;

	for (int i = 0; i < nfound; i++)
		n += found[i].kind == k;
	return n;
}

/* Load path and replay it; false if it cannot be read. */
static bool replay(const char *path)
{
	static struct snapshot snap, tick;
	static struct detector d;
	struct rec_visitor v = { .event = on_event, .incident = on_incident,
				 .snapshot = on_snapshot };
	struct detect_config cfg;
	struct recording run;
	char err[256];
	uint32_t ev = 0;

	free(rec.events);
	free(rec.snaps);
	memset(&rec, 0, sizeof(rec));
	rec.events = calloc(MAX_EVENTS, sizeof(*rec.events));
	rec.snaps = calloc(MAX_SNAPS, sizeof(*rec.snaps));
	if (!rec.events || !rec.snaps)
		return false;
	if (rec_load_path(path, &run, &snap, &v, NULL, NULL, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return false;
	}
	detect_config_defaults(&cfg);
	cfg.migrate_visible = hook_migrate_seen(run.hdr.hooks);
	cfg.faults_visible = hook_seen(run.hdr.hooks, HOOK_DO_SWAP_PAGE);
	nfound = 0;
	detect_init(&d, &cfg, collect, NULL);
	/* Events are flushed in batches: feed those up to each snapshot's time first. */
	for (uint32_t s = 0; s < rec.nsnaps; s++) {
		while (ev < rec.nevents && rec.events[ev].ts <= rec.snaps[s].now)
			detect_event(&d, &rec.events[ev++]);
		memset(&tick, 0, sizeof(tick));
		tick.npending = rec.snaps[s].npending;
		memcpy(tick.pending, rec.snaps[s].pending, sizeof(tick.pending[0]) * tick.npending);
		memcpy(tick.open_runs, rec.snaps[s].open_runs, sizeof(tick.open_runs));
		detect_tick(&d, &tick, rec.snaps[s].now);
	}
	detect_finish(&d);
	return true;
}

/* This host (tracepoints only): an RT spinner on CPU 1 stalls drains from CPU 0. */
static void host_rt_spinner_replays_as_stuck_rt(void)
{
	CHECK(replay("tests/data/host-stuck-rt.mtr"));
	CHECK(rec.nsnaps >= 10);
	CHECK(rec.live_starts[INC_STUCK_RT] >= 1);
	CHECK(starts(INC_STUCK_RT) >= 1);
	CHECK(starts(INC_LIVELOCK) == 0);
	for (int i = 0; i < nfound; i++) {
		if (found[i].kind != INC_STUCK_RT)
			continue;
		CHECK_EQ_U64(found[i].cpu, (uint32_t)rec.live_cpu);
		CHECK(!strcmp(found[i].spinner.comm, "cpu_hog"));
		CHECK_EQ_U64(found[i].spinner.policy, 1);
	}
}

/* The lab's baseline kernel, every hook: the reproducer's livelock. */
static void lab_baseline_replays_as_livelock(void)
{
	const struct incident *inc = NULL;

	CHECK(replay("tests/data/lab-baseline-livelock.mtr"));
	CHECK(rec.live_starts[INC_LIVELOCK] >= 1);
	CHECK(starts(INC_LIVELOCK) >= 1);
	for (int i = 0; i < nfound && !inc; i++)
		if (found[i].kind == INC_LIVELOCK)
			inc = &found[i];
	if (!inc)
		return;
	CHECK_EQ_U64(inc->waiter_holds_locks, EV_YES);
	CHECK_EQ_U64(inc->spinner_retrying, EV_YES);
	CHECK_EQ_U64(inc->address_covered, EV_YES);
	CHECK_EQ_U64(inc->spinner.policy, 1);
	CHECK(!strcmp(inc->waiter.comm, "migrepro"));
	CHECK(inc->missing[0] == '\0');
}

int main(void)
{
	RUN(host_rt_spinner_replays_as_stuck_rt);
	RUN(lab_baseline_replays_as_livelock);
	CHECK_EXIT();
}
