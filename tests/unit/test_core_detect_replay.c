// SPDX-License-Identifier: GPL-2.0
/*
 * The detectors on runs recorded for real (the .mtr files in tests/data):
 * the snapshots of a record are replayed in time order through a fresh
 * detector. The detectors judge by kernel state in the snapshots; records
 * made before that state was kept (snapshot layout 1) cannot prove who holds
 * folio locks, and their verdicts say so.
 */
#include "check.h"
#include "core/detect.h"
#include "model/units.h"
#include "record/replay.h"

#define MAX_SNAPS	4096

struct light_snap {
	uint64_t now;
	uint32_t npending;
	struct pending_drain pending[8];
	struct fault_run open_runs[STATS_TOP];
};

static struct replay_data {
	struct light_snap *snaps;
	uint32_t nsnaps;
	uint32_t live_starts[INC_KIND_MAX];	/* incidents the live run printed */
	int32_t live_cpu;
	uint32_t live_pid;
} rec;

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

/* Starts, and updates that raise an incident's kind. */
static void collect(void *ctx, const struct incident *inc)
{
	(void)ctx;
	if ((inc->state == INC_START || inc->kind_changed) && nfound < 256)
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
	static struct snapshot tick;
	static struct replay rp;
	static struct detector d;
	struct replay_visitor v = { .incident = on_incident, .snapshot = on_snapshot };
	struct detect_config cfg;
	char err[256];

	free(rec.snaps);
	memset(&rec, 0, sizeof(rec));
	rec.snaps = calloc(MAX_SNAPS, sizeof(*rec.snaps));
	if (!rec.snaps)
		return false;
	if (replay_record_path(path, &rp, &v, NULL, NULL, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return false;
	}
	detect_config_defaults(&cfg);
	cfg.holders_visible = hook_holders_known(rp.run.hdr.hooks);
	cfg.faults_visible = hook_seen(rp.run.hdr.hooks, HOOK_DO_SWAP_PAGE);
	nfound = 0;
	detect_init(&d, &cfg, collect, NULL);
	for (uint32_t s = 0; s < rec.nsnaps; s++) {
		memset(&tick, 0, sizeof(tick));
		tick.npending = rec.snaps[s].npending;
		memcpy(tick.pending, rec.snaps[s].pending, sizeof(tick.pending[0]) * tick.npending);
		memcpy(tick.open_runs, rec.snaps[s].open_runs, sizeof(tick.open_runs));
		detect_tick(&d, &tick, rec.snaps[s].now, DETECT_ALL);
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

/*
 * The lab's baseline kernel, every hook, recorded before holder state was
 * kept (layout 1): the RT spinner retries a device-private fault, but who
 * holds folio locks is not in the record. A suspicion, never a livelock.
 */
static void old_lab_baseline_record_is_a_suspicion(void)
{
	const struct incident *inc = NULL;

	CHECK(replay("tests/data/lab-baseline-livelock.mtr"));
	CHECK(rec.live_starts[INC_LIVELOCK] >= 1);	/* what the old build claimed */
	CHECK_EQ_U64(starts(INC_LIVELOCK), 0);
	for (int i = 0; i < nfound && !inc; i++)
		if (found[i].kind == INC_SUSPECTED_LIVELOCK)
			inc = &found[i];
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->links[LINK_WAITER_HOLDS], EV_UNKNOWN);
	CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_YES);
	CHECK(!strcmp(inc->unproven, "waiter_holds_locks,address_covered"));
	CHECK_EQ_U64(inc->spinner.policy, 1);
	CHECK(!strcmp(inc->waiter.comm, "migrepro"));
}

/* The value of key in a TRUTH line ("holder_tid=108 ..."), 0 if absent. */
static unsigned long long truth_value(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	return p ? strtoull(p + strlen(pat), NULL, 0) : 0;
}

/*
 * The lab's baseline kernel, every hook, recorded with the kernel's holder
 * state (layout 2). lab-baseline-livelock-2.truth is the reproducer's TRUTH
 * line for that run (holder tid, spinner tids with spinner 0 on cpu_k, D_i).
 * The replay must name the livelock with exactly those parties, within a
 * second of the stall's onset, every link seen.
 */
static void lab_baseline_record_is_a_livelock_with_its_parties(void)
{
	const struct incident *inc = NULL;
	char truth[1024] = "";
	FILE *f = fopen("tests/data/lab-baseline-livelock-2.truth", "r");

	CHECK(f && fgets(truth, sizeof(truth), f));
	if (f)
		fclose(f);
	CHECK(truth_value(truth, "holder_tid") && truth_value(truth, "spinner_tids"));
	CHECK(replay("tests/data/lab-baseline-livelock-2.mtr"));
	for (int i = 0; i < nfound && !inc; i++)
		if (found[i].kind == INC_LIVELOCK)
			inc = &found[i];
	CHECK(inc != NULL);
	if (!inc)
		return;
	CHECK_EQ_U64(inc->cpu, truth_value(truth, "cpu_k"));
	CHECK_EQ_U64(inc->spinner.pid, truth_value(truth, "spinner_tids"));	/* spinner 0 */
	CHECK_EQ_U64(inc->waiter.pid, truth_value(truth, "holder_tid"));
	CHECK_EQ_U64(inc->address, truth_value(truth, "address"));
	CHECK_EQ_U64(inc->links[LINK_WAITER_HOLDS], EV_YES);
	CHECK_EQ_U64(inc->links[LINK_RETRYING], EV_YES);
	CHECK_EQ_U64(inc->links[LINK_COVERED], EV_YES);
	CHECK(inc->last_ts - inc->start_ts < NSEC_PER_SEC);
	/* Every hook was there; only the sampler postdates the record. */
	CHECK(!strcmp(inc->missing, "stack_samples"));
	/* One stall, one incident: no suspicion beside the livelock. */
	CHECK_EQ_U64(starts(INC_SUSPECTED_LIVELOCK), 0);
}

int main(void)
{
	RUN(host_rt_spinner_replays_as_stuck_rt);
	RUN(old_lab_baseline_record_is_a_suspicion);
	RUN(lab_baseline_record_is_a_livelock_with_its_parties);
	CHECK_EXIT();
}
