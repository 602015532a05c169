// SPDX-License-Identifier: GPL-2.0
/*
 * compare on synthetic variants: conditions that must match (and those that
 * may differ between patch variants); run-level tests that mark only the
 * differences built in, Holm across them, and the test named; one run a side
 * tested within the run and labelled so; censored pending work; changes
 * beyond 1000 % as ratios; an A/A control (many comparisons of two sets of
 * runs from one distribution) whose false-positive rate stays within alpha;
 * and the table against a golden file.
 */
#include <math.h>
#include <unistd.h>
#include "check.h"
#include "compare/compare.h"
#include "model/metrics.h"
#include "record/snapshot_codec.h"

#define MS 1000000ULL

#define RUNS 6
#define VARIANTS 3

static struct run_samples runs[VARIANTS][RUNS];
static struct variant v[VARIANTS];

static void header(struct rec_header *h, const char *kernel, const char *label)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->kernel, sizeof(h->kernel), "%s", kernel);
	snprintf(h->label, sizeof(h->label), "%s", label);
	snprintf(h->virt, sizeof(h->virt), "kvm");
	snprintf(h->cpu_model, sizeof(h->cpu_model), "Test CPU");
	h->ncpus = 4;
	h->detect = true;
	h->hooks[HOOK_DRAIN_WORK].mech = MECH_TRACEPOINT;
}

/*
 * Variant i, run r: 40 drain waits around wait_us on CPUs 0 and 1 (ns
 * samples), one call in 4 waiting for its straggler on CPU 1, fault runs
 * all with 3 retries, 4 migrations, a throughput per run. Seeded: the same
 * every time.
 */
static void fill_seeded(int i, const char *label, const char *kernel, double wait_us,
			double tput, uint64_t seed, size_t nruns)
{
	struct stats_rng rng;

	stats_rng_seed(&rng, seed);
	v[i].runs = runs[i];
	v[i].nruns = nruns;
	for (size_t r = 0; r < RUNS; r++) {
		struct run_samples *rs = &runs[i][r];

		run_samples_free(rs);
		memset(rs, 0, sizeof(*rs));
		snprintf(rs->path, sizeof(rs->path), "%s-%zu.mtr", label, r + 1);
		header(&rs->run.hdr, kernel, label);
		rs->has_livelock_info = true;
		for (int k = 0; k < 40; k++) {
			double w = 1000 * wait_us * (1 + 0.1 * stats_rng_normal(&rng));

			samples_push(&rs->m[M_DRAIN_WAIT], w);
			samples_push(&rs->cpu_wait[k % 2], w);
			if (k % 4 == 3)
				samples_push(&rs->m[M_STRAGGLER_WAIT], w);
			samples_push(&rs->m[M_FAULT_RETRIES], 3);
		}
		rs->retries = 120;
		rs->migrations = 4;
		samples_push(&rs->m[M_THROUGHPUT], tput * (1 + 0.02 * stats_rng_normal(&rng)));
	}
	snprintf(v[i].name, sizeof(v[i].name), "%s", label);
}

static void fill(int i, const char *label, const char *kernel, double wait_us, double tput)
{
	fill_seeded(i, label, kernel, wait_us, tput, 100 + i, RUNS);
}

static void conditions_must_match(void)
{
	struct conditions c;

	fill(0, "base", "6.1.0-lab-base", 50, 100);
	fill(1, "fix", "6.1.0-lab-fix", 50, 100);
	compare_conditions(v, 2, &c);
	CHECK(!c.differ);	/* patch variants: same version, other local version */
	CHECK(!strcmp(c.kernel, "per variant"));
	runs[1][2].run.hdr.ncpus = 8;
	snprintf(runs[1][1].run.hdr.virt, sizeof(runs[1][1].run.hdr.virt), "none");
	compare_conditions(v, 2, &c);
	CHECK(c.differ);
	CHECK(strstr(c.differences, "CPU count: base-1.mtr has 4, fix-3.mtr has 8") != NULL);
	CHECK(strstr(c.differences, "virtualization: base-1.mtr has kvm, fix-2.mtr has none") != NULL);
	fill(1, "fix", "6.2.0-lab-fix", 50, 100);
	runs[1][0].run.hdr.hooks[HOOK_DRAIN_WORK].mech = MECH_NONE;
	compare_conditions(v, 2, &c);
	CHECK(strstr(c.differences, "kernel version: base-1.mtr has 6.1.0-lab-base") != NULL);
	CHECK(strstr(c.differences, "hook mechanisms: base-1.mtr") != NULL);
}

/*
 * 6 runs a side: the permutation test's smallest two-sided p is 2 / C(12, 6)
 * = 2/924 = 0.0022; the family here is the straggler's max and p99, the
 * drain wait's max, retries per migration and throughput that vary (stalls:
 * none anywhere, livelocked: no everywhere: constant, left out), so Holm
 * multiplies by 4 at most before the rows that differ are done.
 */
static void marks_only_built_in_differences(void)
{
	static struct comparison cmp;
	struct compare_opts o;
	const struct infer_cell *x;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "slow", "6.1.0", 150, 100);	/* drain waits x3, throughput the same */
	fill(2, "same", "6.1.0", 50, 100);
	compare_compute(&cmp, v, 3, &o);
	CHECK(!cmp.cond.differ);
	x = &cmp.inf[INF_DRAIN_MAX][1];
	CHECK(x->test == TEST_PERMUTATION && x->t.exact && x->t.perms == 924);
	CHECK(fabs(x->t.p - 2.0 / 924) < 1e-12);
	CHECK(x->significant && x->p_holm < 0.05 && x->p_holm >= x->t.p);
	CHECK(x->has_change && fabs(x->change - 200) < 20);
	CHECK(x->has_ci && x->ci_lo > 100 && x->ci_hi < 300);
	CHECK(cmp.inf[INF_STRAGGLER_MAX][1].significant);
	CHECK(cmp.inf[INF_STRAGGLER_P99][1].significant);
	CHECK(!cmp.inf[INF_STALLS][1].in_family && !cmp.inf[INF_STALLS][1].significant);
	CHECK(cmp.inf[INF_STALLS][1].t.constant);
	CHECK(!cmp.inf[INF_LIVELOCKED][1].in_family);
	CHECK(!cmp.inf[INF_THROUGHPUT][1].significant);
	CHECK(!cmp.inf[INF_RETRIES_PER_MIG][1].significant);	/* 30 everywhere: constant */
	CHECK(cmp.family[1] == 4);
	for (int id = 0; id < INF_MAX; id++)
		CHECK(!cmp.inf[id][2].significant);
	CHECK(!cmp.inf[INF_HOLD_MAX][0].present);
	/* Per CPU: CPU 1's waits, pooled over 6 runs. */
	CHECK(cmp.cpu[1][1].present && cmp.cpu[1][1].s.n == 120 && !cmp.cpu[2][1].present);

	/* Livelocked in every slow run, none in base: Fisher, 2/924. */
	for (int r = 0; r < RUNS; r++)
		runs[1][r].livelocked = true;
	compare_compute(&cmp, v, 2, &o);
	x = &cmp.inf[INF_LIVELOCKED][1];
	CHECK(x->test == TEST_FISHER && fabs(x->t.p - 2.0 / 924) < 1e-9 && x->significant);
	CHECK(x->yes == 6 && cmp.inf[INF_LIVELOCKED][0].yes == 0);

	/* Two runs a side: nothing can reach p < 0.05 (2/6 at best); nothing is marked. */
	v[0].nruns = v[1].nruns = 2;
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].test == TEST_PERMUTATION);
	CHECK(fabs(cmp.inf[INF_DRAIN_MAX][1].t.p - 2.0 / 6) < 1e-12);
	for (int id = 0; id < INF_MAX; id++)
		CHECK(!cmp.inf[id][1].significant);
}

/* One run a side: within-run tests, named so, never a run-level p. */
static void one_run_is_within_run(void)
{
	static struct comparison cmp;
	struct compare_opts o;
	const struct infer_cell *x;

	compare_opts_defaults(&o);
	fill_seeded(0, "calm", "6.1.0", 50, 100, 100, 1);
	fill_seeded(1, "rt", "6.1.0", 50, 100, 101, 1);
	/*
	 * The RT run: every one of its 10 calls waited 600 ms for its straggler
	 * (so 10 of its 40 work items did); calm's waits stay near 50 us.
	 */
	for (int k = 0; k < 10; k++) {
		runs[1][0].m[M_STRAGGLER_WAIT].v[k] = 600e6;
		runs[1][0].m[M_DRAIN_WAIT].v[4 * k + 3] = 600e6;
	}
	compare_compute(&cmp, v, 2, &o);
	x = &cmp.inf[INF_STRAGGLER_MAX][1];
	CHECK(x->test == TEST_EXCEEDANCE && compare_test_within_run(x->test));
	/* All 10 of rt's above all 10 of calm's: 2 C(10,10) / C(20,10) = 2/184756. */
	CHECK(fabs(x->t.p - 2.0 / 184756) < 1e-15);
	CHECK(x->significant);
	CHECK(cmp.inf[INF_STRAGGLER_P99][1].test == TEST_NONE);	/* the same test: not twice */
	x = &cmp.inf[INF_STALLS][1];
	CHECK(x->test == TEST_FISHER_WITHIN);
	/* 10 stalls of 40 work items against 0 of 40: 2 C(40,10) / C(80,10) = 0.00103. */
	CHECK(fabs(x->t.p - 2 * 847660528.0 / 1646492110120.0) < 1e-9);
	CHECK(x->significant);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].test == TEST_EXCEEDANCE);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].significant);
	CHECK(cmp.family[1] == 3);	/* straggler, drain wait, stalls: Holm x3 at most */
	CHECK(cmp.inf[INF_THROUGHPUT][1].test == TEST_NONE);	/* one value a side */
	CHECK(!strcmp(compare_test_name(TEST_EXCEEDANCE), "exceedance(within-run)"));
}

/* Pending at the end: counted at its age in max/run and stalls, and said so. */
static void censored_pending_work(void)
{
	static struct comparison cmp;
	struct compare_opts o;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "fix", "6.1.0", 50, 100);
	runs[1][2].censored_cpu[0] = 1;
	samples_push(&runs[1][2].censored, 250e6);	/* 250 ms and still waiting */
	compare_compute(&cmp, v, 2, &o);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].censored_runs == 1);
	CHECK(cmp.inf[INF_DRAIN_MAX][1].run[2] == 250e3);
	CHECK(cmp.inf[INF_STALLS][1].run[2] == 1);
	CHECK(cmp.cpu[1][1].censored == 1 && cmp.cpu[1][1].stalls == 1);
	CHECK(fabs(cmp.cpu[1][1].censored_max - 250e3) < 1e-6);
}

static struct mt_event ev_queue(uint64_t ts, uint32_t pid, uint32_t cpu)
{
	struct mt_event e = { .type = MT_EV_DRAIN_QUEUE, .ts = ts };

	e.task.pid = e.task.tgid = pid;
	e.drain_queue.target_cpu = cpu;
	return e;
}

static struct mt_event ev_work(uint32_t pid, uint32_t cpu, uint64_t queued, uint64_t started)
{
	struct mt_event e = { .type = MT_EV_DRAIN_WORK, .cpu = cpu, .ts = started + 5000 };

	e.task.pid = 50 + cpu;
	e.drain_work.queue_ts = queued;
	e.drain_work.start_ts = started;
	e.drain_work.target_cpu = cpu;
	e.drain_work.queuer.pid = e.drain_work.queuer.tgid = pid;
	return e;
}

/*
 * A record read back by samples_load: two lru_add_drain_all calls by pid
 * 100 over CPUs 0 and 1, whose stragglers (the items ending last) waited
 * 5 ms and 40 us; a third call by pid 200 interleaved with the first; one
 * work item still pending on CPU 1 at the last snapshot (censored at 7 ms);
 * 3 records lost; a livelock incident; the RESULT line; a migrate-hold
 * histogram with a lone 900 ms tail bucket among 100000 short holds.
 */
static void samples_from_a_record(void)
{
	static struct snapshot snap;
	char path[] = "/tmp/migtrace-test-cmprec.XXXXXX", buf[8192], err[256];
	struct rec_incident inc = { .kind = "livelock", .id = 1, .start_ns = 1200 * MS, .cpu = 1 };
	struct rec_end end = { .reason = "command", .result = "RESULT progress=yes ops_per_s=4",
			       .has_throughput = true, .throughput = 4 };
	const uint64_t t = 1000 * MS;
	struct mt_event evs[] = {
		ev_queue(t, 100, 0), ev_queue(t + 1000, 100, 1),
		ev_queue(t + 2000, 200, 0),
		ev_work(100, 0, t, t + 20000),
		ev_work(200, 0, t + 2000, t + 30000),
		ev_work(100, 1, t + 1000, t + 1000 + 5 * MS),
		ev_queue(t + 100 * MS, 100, 0), ev_queue(t + 100 * MS, 100, 1),
		ev_work(100, 1, t + 100 * MS, t + 100 * MS + 10000),
		ev_work(100, 0, t + 100 * MS, t + 100 * MS + 40000),
	};
	struct run_samples rs;
	struct rec_writer w;
	struct rec_header h;
	size_t slen;
	void *p;
	int n;

	close(mkstemp(path));
	unlink(path);
	CHECK(rec_create(&w, path, false, err, sizeof(err)) == 0);
	header(&h, "6.1.0", "base");
	h.event_size = sizeof(struct mt_event);
	h.hooks[HOOK_LRU_ADD_DRAIN_ALL].mech = MECH_NONE;	/* rebuilt from work items */
	n = rec_header_format(&h, buf, sizeof(buf));
	rec_write_chunk(&w, REC_HEADER, buf, n);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		rec_add_event(&w, &evs[i]);
	rec_flush_events(&w);
	memset(&snap, 0, sizeof(snap));
	snap.ncpus = 4;
	snap.dropped[MT_EV_DRAIN_WORK] = 3;
	snap.npending = 1;
	snap.pending[0] = (struct pending_drain){ .cpu = 1, .age_ns = 7 * MS };
	snap.global[MT_H_MIGRATE_HOLD].slots[10] = 100000;	/* ~1-2 us */
	snap.global[MT_H_MIGRATE_HOLD].slots[29] = 1;		/* 537 ms - 1.07 s */
	snap.global[MT_H_MIGRATE_HOLD].count = 100001;
	snap.global[MT_H_MIGRATE_HOLD].max_ns = 900 * MS;
	p = rec_snapshot_encode(&snap, 2000 * MS, &slen);
	rec_write_chunk(&w, REC_SNAPSHOT, p, slen);
	free(p);
	n = rec_incident_format(&inc, buf, sizeof(buf));
	rec_write_chunk(&w, REC_INCIDENT, buf, n);
	n = rec_end_format(&end, buf, sizeof(buf));
	rec_write_chunk(&w, REC_END, buf, n);
	CHECK(rec_close(&w) == 0);

	CHECK(samples_load(path, &rs, NULL, NULL, err, sizeof(err)) == 0);
	CHECK_EQ_U64(rs.m[M_DRAIN_WAIT].n, 5);
	CHECK_EQ_U64(rs.m[M_STRAGGLER_WAIT].n, 3);
	if (rs.m[M_STRAGGLER_WAIT].n == 3) {
		CHECK(rs.m[M_STRAGGLER_WAIT].v[0] == 28000);	/* pid 200: its only item */
		CHECK(rs.m[M_STRAGGLER_WAIT].v[1] == 5 * MS);	/* CPU 1 ended last */
		CHECK(rs.m[M_STRAGGLER_WAIT].v[2] == 40000);	/* CPU 0 ended last */
	}
	CHECK_EQ_U64(rs.cpu_wait[1].n, 2);
	CHECK_EQ_U64(rs.cpu_wait[0].n, 3);
	CHECK_EQ_U64(rs.censored.n, 1);
	CHECK(rs.censored.n == 1 && rs.censored.v[0] == 7 * MS && rs.censored_cpu[0] == 1);
	CHECK_EQ_U64(rs.dropped, 3);
	CHECK(rs.livelocked && rs.has_livelock_info);
	/* The hold histogram: synthesised, capped, and its lone tail sample kept at the max. */
	CHECK(rs.synth[M_FOLIO_HOLD] && !rs.synth[M_DRAIN_WAIT]);
	CHECK(rs.m[M_FOLIO_HOLD].n > 1 && rs.m[M_FOLIO_HOLD].n < 20010);
	CHECK(rs.m[M_FOLIO_HOLD].n && rs.m[M_FOLIO_HOLD].v[rs.m[M_FOLIO_HOLD].n - 1] == 900 * MS);
	run_samples_free(&rs);
	unlink(path);
}

static void changes_beyond_1000_percent_are_ratios(void)
{
	char buf[32];

	compare_change_str(buf, sizeof(buf), 0.17, 677.0 * 1000 / 1000 * 1.0047);
	CHECK(!strcmp(buf, "(\u00d74001)"));
	compare_change_str(buf, sizeof(buf), 1, 11);
	CHECK(!strcmp(buf, "( 1000.00%)"));
	compare_change_str(buf, sizeof(buf), 1, 12);
	CHECK(!strcmp(buf, "(\u00d712)"));
	compare_change_str(buf, sizeof(buf), 100, 50);
	CHECK(!strcmp(buf, "(  -50.00%)"));
	compare_change_str(buf, sizeof(buf), 0, 5);
	CHECK(!strcmp(buf, "(    n/a )"));
}

/*
 * A/A control: 300 comparisons of two sets of runs, every run drawn from
 * one heavy-tailed distribution (log-normal waits, a stall now and then,
 * livelocked in 1 run of 5). No difference exists; Holm keeps the chance of
 * any mark per comparison (FWER) at most alpha, so at most 5 % of the
 * comparisons, and fewer of the metrics, may be marked. With 6 runs a side
 * the run-level tests; with 1, the within-run ones (here samples are
 * independent, which real runs' are not: that is why they are labelled).
 */
static void aa_control(size_t nruns)
{
	static struct comparison cmp;
	struct compare_opts o;
	struct stats_rng rng;
	int any = 0, marked = 0, tested = 0;
	const int trials = 300;

	compare_opts_defaults(&o);
	o.reps = 200;
	stats_rng_seed(&rng, 2026);
	for (int t = 0; t < trials; t++) {
		bool flagged = false;

		for (int i = 0; i < 2; i++) {
			fill_seeded(i, i ? "a2" : "a1", "6.1.0", 50, 100, stats_rng_next(&rng), nruns);
			for (int r = 0; r < RUNS; r++) {
				struct run_samples *rs = &runs[i][r];

				for (size_t k = 0; k < rs->m[M_DRAIN_WAIT].n; k++) {
					double w = 50e3 * exp(1.5 * stats_rng_normal(&rng));

					rs->m[M_DRAIN_WAIT].v[k] = w;
					if (k % 4 == 3)
						rs->m[M_STRAGGLER_WAIT].v[k / 4] = w;
				}
				rs->livelocked = stats_rng_below(&rng, 5) == 0;
				rs->retries = 100 + stats_rng_below(&rng, 50);
			}
		}
		compare_compute(&cmp, v, 2, &o);
		for (int id = 0; id < INF_MAX; id++) {
			tested += cmp.inf[id][1].in_family;
			marked += cmp.inf[id][1].significant;
			flagged |= cmp.inf[id][1].significant;
		}
		any += flagged;
	}
	printf("  A/A, %zu run(s) a side: %d of %d comparisons marked something (FWER %.3f), "
	       "%d of %d tests (%.3f)\n", nruns, any, trials, (double)any / trials, marked, tested,
	       (double)marked / tested);
	CHECK((double)any / trials <= 0.05);
	CHECK((double)marked / tested <= 0.05);
	CHECK(tested >= trials * 2);	/* most rows vary, and are tested */
}

static void aa_control_false_positive_rate(void)
{
	aa_control(RUNS);
	aa_control(1);
}

static void table_matches_golden(void)
{
	static struct comparison cmp;
	struct compare_opts o;
	char got[] = "/tmp/migtrace-test-cmp.XXXXXX";
	FILE *f;

	compare_opts_defaults(&o);
	fill(0, "base", "6.1.0", 50, 100);
	fill(1, "slow", "6.1.0", 150, 100);
	runs[1][0].censored_cpu[0] = 1;
	samples_push(&runs[1][0].censored, 4e9);	/* x4000 the base's max wait */
	runs[1][0].dropped = 12;
	runs[0][1].synth[M_SWAP_PAGE] = true;
	samples_push(&runs[0][1].m[M_SWAP_PAGE], 2000);
	compare_compute(&cmp, v, 2, &o);
	f = fdopen(mkstemp(got), "w");
	compare_print_text(f, &cmp);
	compare_print_markdown(f, &cmp);
	compare_print_json(f, &cmp);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/compare.out"));
	unlink(got);
}

/* Compare's metrics that sample a metric of the table take what it is from there. */
static void metrics_name_their_table_rows(void)
{
	char title[160];

	for (int m = 0; m < M_MAX; m++) {
		const struct compare_metric *d = &compare_metrics[m];

		CHECK(d->metric ? metric_by_name(d->metric) != NULL : d->title != NULL);
	}
	compare_metric_title(&compare_metrics[M_SWAP_PAGE], title, sizeof(title));
	CHECK(!strcmp(title, "do_swap_page latency (us, from histogram)"));
	compare_metric_title(&compare_metrics[M_INCIDENT_NS], title, sizeof(title));
	CHECK(!strcmp(title, "incident duration (ms)"));
}

int main(void)
{
	RUN(metrics_name_their_table_rows);
	RUN(conditions_must_match);
	RUN(marks_only_built_in_differences);
	RUN(one_run_is_within_run);
	RUN(censored_pending_work);
	RUN(samples_from_a_record);
	RUN(changes_beyond_1000_percent_are_ratios);
	RUN(aa_control_false_positive_rate);
	RUN(table_matches_golden);
	for (int i = 0; i < VARIANTS; i++)
		for (int r = 0; r < RUNS; r++)
			run_samples_free(&runs[i][r]);
	CHECK_EXIT();
}
