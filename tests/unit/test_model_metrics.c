// SPDX-License-Identifier: GPL-2.0
/*
 * The metric table (model/metrics.c), the per-CPU drain rows derived from it
 * (model/drain_rows.c) and the running total of a daemon's intervals
 * (snapshot_accumulate in model/snapshot.c).
 */
#include "check.h"
#include "model/drain_rows.h"
#include "model/hist.h"
#include "model/metrics.h"

#define MS 1000000ULL

static const struct mt_task hog = { 777, 777, 50, 1, "rt_hog" };

/* Every row is complete, and every name the renderers look up exists once. */
static void table_is_consistent(void)
{
	const struct metric_def *cols[DRAIN_COLUMNS_MAX];
	size_t ncols = drain_columns(cols);

	for (size_t i = 0; i < metric_count; i++) {
		const struct metric_def *m = &metric_defs[i];

		CHECK(m->help && m->help[0]);
		CHECK(m->name || m->json || m->column);
		CHECK(m->type == METRIC_HISTOGRAM ? m->hist != NULL && m->unit == UNIT_NS
						  : m->value != NULL);
		CHECK(!m->column || (m->label == LABEL_CPU && m->width > 0));
		for (size_t k = 0; k < i && m->name; k++)
			CHECK(!metric_defs[k].name || strcmp(metric_defs[k].name, m->name));
		if (check_failed_in_test) {
			fprintf(stderr, "  at row %zu (%s)\n", i, m->name ? m->name : m->json);
			return;
		}
	}
	/* Reports title and name every kernel histogram from the table. */
	for (int id = 0; id < MT_H_MAX; id++)
		CHECK(metric_by_hist(id) != NULL && metric_by_hist(id)->hist_id == id);
	CHECK(ncols > 0 && ncols < DRAIN_COLUMNS_MAX);
	CHECK(metric_by_name("drain_wait") == metric_by_hist(MT_H_DRAIN_WAIT));
	CHECK(metric_by_name("no_such_metric") == NULL);
}

/* The value of the per-CPU column keyed json in row r. */
static uint64_t column(const struct drain_row *r, const char *json)
{
	const struct metric_def *cols[DRAIN_COLUMNS_MAX];
	size_t n = drain_columns(cols);

	for (size_t k = 0; k < n; k++)
		if (cols[k]->json && !strcmp(cols[k]->json, json))
			return r->value[k];
	CHECK(!"no such column");
	return 0;
}

/* CPUs with work started, completed or pending are rows; the others are not. */
static void drain_rows_are_the_cpus_with_drain_work(void)
{
	static struct snapshot s;
	static struct drain_row rows[MT_MAX_CPUS];
	uint32_t n;

	memset(&s, 0, sizeof(s));
	s.ncpus = 4;
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][0], 20000);
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][0], 300 * MS);
	hist_add_value(&s.cpu[MT_H_DRAIN_EXEC][0], 4000);
	s.events.cpu[0].straggled = 2;
	s.events.cpu[0].blocker = hog;
	s.events.cpu[0].blocker_ns = 299 * MS;
	s.events.cpu[1].works = 1;	/* completed; its wait is in another interval */
	s.npending = 1;
	s.pending[0] = (struct pending_drain){ .cpu = 3, .age_ns = 2000 * MS };
	n = drain_rows(&s, rows);
	CHECK_EQ_U64(n, 3);
	CHECK_EQ_U64(rows[0].cpu, 0);
	CHECK_EQ_U64(rows[1].cpu, 1);
	CHECK_EQ_U64(rows[2].cpu, 3);
	CHECK_EQ_U64(column(&rows[0], "works"), 2);
	CHECK_EQ_U64(column(&rows[0], "wait_max_ns"), 300 * MS);
	CHECK_EQ_U64(column(&rows[0], "exec_max_ns"), 4000);
	CHECK_EQ_U64(column(&rows[0], "straggled"), 2);
	CHECK_EQ_U64(rows[0].blocker.pid, 777);
	CHECK_EQ_U64(rows[0].blocker_ns, 299 * MS);
	CHECK_EQ_U64(column(&rows[2], "works"), 0);
	CHECK(!snapshot_drain_cpu(&s, 2));
	CHECK(!snapshot_drain_cpu(&s, MT_MAX_CPUS));
}

/* Interval counts add up; the kernel's running totals and "now" are the latest. */
static void accumulate_adds_counts_and_keeps_the_latest(void)
{
	static struct snapshot total, a, b;

	memset(&total, 0, sizeof(total));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.ncpus = 2;
	a.events.events[MT_EV_DRAIN_WORK] = 3;
	a.events.cpu[1].straggled = 1;
	a.events.drain_all.calls = 1;
	hist_add_value(&a.events.drain_all.latency, 5 * MS);
	hist_add_value(&a.cpu[MT_H_DRAIN_WAIT][1], 10 * MS);
	a.dropped[MT_EV_FAULT_RUN] = 4;
	a.npending = 1;
	a.detecting = true;
	a.incidents[INC_STUCK_RT].count = 1;
	b = a;
	b.ncpus = 4;
	b.dropped[MT_EV_FAULT_RUN] = 9;
	b.npending = 0;
	b.incidents[INC_STUCK_RT].count = 2;
	snapshot_accumulate(&total, &a);
	snapshot_accumulate(&total, &b);
	CHECK_EQ_U64(total.ncpus, 4);
	CHECK_EQ_U64(total.events.events[MT_EV_DRAIN_WORK], 6);
	CHECK_EQ_U64(total.events.cpu[1].straggled, 2);
	CHECK_EQ_U64(total.events.drain_all.calls, 2);
	CHECK_EQ_U64(snapshot_hist(&total, MT_H_DRAIN_ALL)->count, 2);
	CHECK_EQ_U64(total.cpu[MT_H_DRAIN_WAIT][1].count, 2);
	CHECK_EQ_U64(total.dropped[MT_EV_FAULT_RUN], 9);
	CHECK_EQ_U64(total.npending, 0);
	CHECK(total.detecting);
	CHECK_EQ_U64(total.incidents[INC_STUCK_RT].count, 2);
}

/*
 * The longest wait in the window: the kernel's maximum of work started in
 * it, or older work still pending (a livelocked CPU starts none).
 */
static void window_max_counts_pending_work(void)
{
	static struct snapshot s;
	const struct metric_def *m = metric_by_name("drain_wait_max");

	CHECK(m != NULL && m->type == METRIC_GAUGE && m->label == LABEL_CPU);
	if (!m)
		return;
	memset(&s, 0, sizeof(s));
	s.ncpus = 4;
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][1], 20000);
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][1], 300 * MS);
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][2], 40 * MS);
	s.npending = 2;
	s.pending[0] = (struct pending_drain){ .cpu = 2, .age_ns = 900 * MS };
	s.pending[1] = (struct pending_drain){ .cpu = 1, .age_ns = 5 * MS };
	CHECK_EQ_U64(m->value(&s, 0), 0);		/* no drain work */
	CHECK_EQ_U64(m->value(&s, 1), 300 * MS);	/* started work waited longer */
	CHECK_EQ_U64(m->value(&s, 2), 900 * MS);	/* still pending, older */
	/* A reset interval (the daemon's next write) forgets the old maximum. */
	memset(&s.cpu, 0, sizeof(s.cpu));
	s.npending = 0;
	CHECK_EQ_U64(m->value(&s, 1), 0);
}

int main(void)
{
	RUN(table_is_consistent);
	RUN(drain_rows_are_the_cpus_with_drain_work);
	RUN(accumulate_adds_counts_and_keeps_the_latest);
	RUN(window_max_counts_pending_work);
	CHECK_EXIT();
}
