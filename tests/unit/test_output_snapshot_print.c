// SPDX-License-Identifier: GPL-2.0
/* The report renderers (output/snapshot_text.c, snapshot_json.c, task.c) on a fixed snapshot. */
#include "check.h"
#include "core/aggregate.h"
#include "drain_events.h"
#include "model/hist.h"
#include "output/snapshot_print.h"
#include "output/task.h"

/* Task names are chosen by tasks: no terminal escape reaches a text report. */
static void task_names_are_printable(void)
{
	struct mt_task t = task(7, "x\x1b[2J\x07y", 0, 120);
	char buf[64];

	CHECK(!strcmp(task_str(buf, sizeof(buf), &t), "x?[2J?y/7 OTHER"));
}

/* The whole report, text and JSON, for a fixed input. */
static void report_matches_golden(void)
{
	static struct agg a;
	static struct snapshot s;
	static struct hook_status hooks[HOOK_MAX];
	const char *got = "build/tests/report.out";
	FILE *f = fopen(got, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	agg_init(&a, false);
	feed_rt_delayed_drain(&a, 1000 * MS);
	agg_event(&a, &(struct mt_event){ .type = MT_EV_FAULT_RUN, .ts = 60 * MS,
		  .task = { 9, 9, 0, 1, "spin" },
		  .fault_run = { .address = 0x7f0000002000, .first_ts = 10 * MS,
				 .attempts = 40, .source = MT_FAULT_PAGE_FAULT_USER } });
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		hooks[i].mech = MECH_TRACEPOINT;
	hooks[HOOK_LRU_ADD_DRAIN_ALL].approximate = true;
	hooks[HOOK_DO_SWAP_PAGE].approximate = true;
	hooks[HOOK_MIGRATE_VMA_SETUP].mech = MECH_NONE;
	snprintf(hooks[HOOK_MIGRATE_VMA_SETUP].why[MECH_FENTRY], 160, "EPERM");
	s.events = a.s;
	memcpy(s.hooks, hooks, sizeof(s.hooks));
	s.hooks_known = true;
	s.ncpus = 2;
	s.duration_ns = 5 * 1000 * MS;
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][0], 20000);
	hist_add_value(&s.cpu[MT_H_DRAIN_WAIT][1], 300 * MS);
	hist_add_value(&s.cpu[MT_H_DRAIN_EXEC][1], 4000);
	s.npending = 1;
	s.pending[0] = (struct pending_drain){ .cpu = 1, .age_ns = 2 * 1000 * MS,
		.queuer = caller, .occupant = task(777, "rt_hog", 1, 49),
		.occupant_ns = 3 * 1000 * MS };
	s.dropped[MT_EV_FAULT_RUN] = 3;
	s.dropped_total = 3;
	snapshot_print_text(f, &s);
	snapshot_print_json(f, &s);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/report.out"));
}

int main(void)
{
	RUN(task_names_are_printable);
	RUN(report_matches_golden);
	CHECK_EXIT();
}
