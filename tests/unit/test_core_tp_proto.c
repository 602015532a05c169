// SPDX-License-Identifier: GPL-2.0
/* Tracepoint prototypes: an event of the same name with another shape is refused. */
#include <string.h>
#include "check.h"
#include "core/tp_proto.h"

static void series_event_accepted_posted_v1_refused(void)
{
	char why[160];

	/* The series' event, as the BPF program reads it. */
	CHECK(tp_proto_match("struct migrate_vma *,unsigned long,unsigned long,"
			     "enum migrate_vma_walk_reason",
			     "struct migrate_vma *,unsigned long,unsigned long,"
			     "enum migrate_vma_walk_reason", why, sizeof(why)));
	/*
	 * Balbir Singh's posted migrate_vma_collect_skip(start, end): same
	 * name, two unsigned longs. Read by position it would make start a
	 * struct pointer: refused, naming the first argument that differs.
	 */
	CHECK(!tp_proto_match("struct migrate_vma *,unsigned long,unsigned long,"
			      "enum migrate_vma_walk_reason",
			      "unsigned long,unsigned long", why, sizeof(why)));
	CHECK(strstr(why, "argument 1 is unsigned long, not struct migrate_vma *") != NULL);
	/* Fewer arguments than the program reads. */
	CHECK(!tp_proto_match("unsigned long,unsigned long,int", "unsigned long,unsigned long",
			      why, sizeof(why)));
	CHECK(strstr(why, "no argument 3 (int)") != NULL);
}

static void appended_arguments_and_blanks(void)
{
	char why[160];

	/* Arguments a later kernel appends are not read: accepted. */
	CHECK(tp_proto_match("bool,struct task_struct *,struct task_struct *",
			     "bool,struct task_struct *,struct task_struct *,unsigned int",
			     why, sizeof(why)));
	/* Blanks around commas do not matter; nothing expected accepts anything. */
	CHECK(tp_proto_match("unsigned long, int", "unsigned long,int", why, sizeof(why)));
	CHECK(tp_proto_match("", "int", why, sizeof(why)));
}

int main(void)
{
	RUN(series_event_accepted_posted_v1_refused);
	RUN(appended_arguments_and_blanks);
	CHECK_EXIT();
}
