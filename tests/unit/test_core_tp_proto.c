// SPDX-License-Identifier: GPL-2.0
/* Tracepoint prototypes: an event of the same name with another shape is refused. */
#include <string.h>
#include "check.h"
#include "core/tp_proto.h"
#include "model/hooks.h"

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

/*
 * What the kernel's BTF says (pahole names integers as gcc does): the
 * series' migrate_device_unmap_done and drain_all_start read from a 6.12
 * lab guest. Refused before this comparison knew the spellings.
 */
static void btf_spellings_of_integer_types(void)
{
	char why[160];

	CHECK(tp_proto_match("unsigned long *,unsigned long *,unsigned long",
			     "long unsigned int *,long unsigned int *,long unsigned int",
			     why, sizeof(why)));
	CHECK(tp_proto_match("unsigned long", "long unsigned int", why, sizeof(why)));
	CHECK(tp_proto_match("bool,long", "_Bool,long int", why, sizeof(why)));
	CHECK(tp_proto_match("unsigned long long,short", "long long unsigned int,short int",
			     why, sizeof(why)));
	/* Different types stay different under either spelling. */
	CHECK(!tp_proto_match("unsigned long", "long int", why, sizeof(why)));
	CHECK(strstr(why, "argument 1 is long, not unsigned long") != NULL);
	CHECK(!tp_proto_match("unsigned int", "long unsigned int", why, sizeof(why)));
	CHECK(!tp_proto_match("unsigned long *", "long unsigned int", why, sizeof(why)));
}

/*
 * migrate_device_fault_trylock changed shape: the series' first revision
 * took (pfn, address, int locked) and reported -1 where the kernel takes
 * no lock; the program would count each such fault as a failed trylock.
 * The current one takes a bool and is only emitted where a trylock
 * happened. The hook table accepts the new shape and refuses the old one,
 * as a 6.12 lab guest's BTF spells them.
 */
static void fault_trylock_int_refused_bool_accepted(void)
{
	const char *want = hook_defs[HOOK_SWAP_PAGE_TRYLOCK].exact_protos[0];
	char why[160];

	CHECK(!strcmp(hook_defs[HOOK_SWAP_PAGE_TRYLOCK].exact_tracepoints[0],
		      "migrate_device/migrate_device_fault_trylock"));
	CHECK(tp_proto_match(want, "long unsigned int,long unsigned int,_Bool",
			     why, sizeof(why)));
	CHECK(!tp_proto_match(want, "long unsigned int,long unsigned int,int",
			      why, sizeof(why)));
	CHECK(strstr(why, "argument 3 is int, not bool") != NULL);
	/* The lab's own event keeps its int (1, 0, and -1 on stock): still read. */
	CHECK(tp_proto_match(hook_defs[HOOK_SWAP_PAGE_TRYLOCK].tp_protos[0],
			     "long unsigned int,long unsigned int,int", why, sizeof(why)));
}

int main(void)
{
	RUN(series_event_accepted_posted_v1_refused);
	RUN(btf_spellings_of_integer_types);
	RUN(appended_arguments_and_blanks);
	RUN(fault_trylock_int_refused_bool_accepted);
	CHECK_EXIT();
}
