// SPDX-License-Identifier: GPL-2.0
/*
 * An incident as a kernel log record (output/incident_kmsg.c, --kmsg): the
 * level by kind, which states are logged, every field of the line, names
 * that would break a field, and the cut that keeps a record under
 * /dev/kmsg's limit (EINVAL past it) with its head intact.
 */
#include "check.h"
#include "output/incident_kmsg.h"

static void livelock(struct incident *inc)
{
	memset(inc, 0, sizeof(*inc));
	inc->id = 12;
	inc->kind = INC_LIVELOCK;
	inc->state = INC_START;
	inc->cpu = 3;
	inc->start_ts = 1000000000;
	inc->last_ts = 1250000000;		/* 250 ms */
	inc->has_waiter = true;
	inc->waiter = (struct mt_task){ .pid = 101, .tgid = 100, .comm = "migrepro" };
	inc->pending_ns = 312000000;
	inc->held_pages = 2;
	inc->held_start = 0x7f0000000000;
	inc->held_end = 0x7f0000002000;
	inc->has_spinner = true;
	inc->spinner = (struct mt_task){ .pid = 104, .tgid = 100, .comm = "migrepro" };
	inc->context = CTX_KWORKER;
	snprintf(inc->work_func, sizeof(inc->work_func), "dmirror_fault_work");
	inc->retries = 5000;
	inc->address = 0x7f0000001000;
	for (int k = 0; k < LINK_MAX; k++)
		inc->links[k] = EV_YES;
	inc->sources[LINK_WAITER_HOLDS] = SRC_STACK;
	inc->sources[LINK_NEVER_YIELDS] = SRC_MEASURED;
	inc->sources[LINK_RETRYING] = SRC_HOOKS;
	inc->sources[LINK_COVERED] = SRC_HOOKS;
}

static void a_livelock_start(void)
{
	struct incident inc;
	char buf[KMSG_RECORD_MAX];
	size_t n;

	livelock(&inc);
	n = incident_kmsg_line(&inc, 0, buf, sizeof(buf));
	/* err (3): a livelock; each link with what proved it; the record ends in its newline. */
	CHECK(!strcmp(buf, "<3>migtrace: incident #12 livelock start cpu=3 duration=250.0ms "
		      "waiter=migrepro/101 pending=312.0ms holds=2-pages@0x7f0000000000-0x7f0000002000 "
		      "spinner=migrepro/104 ctx=kworker work=dmirror_fault_work retries=5000 "
		      "addr=0x7f0000001000 links=waiter_holds_locks:yes/stack,never_yields:yes/measured,"
		      "spinner_retrying:yes/hooks,address_covered:yes/hooks\n"));
	CHECK_EQ_U64(n, strlen(buf));
}

static void a_suspected_livelock_says_what_is_unproven(void)
{
	struct incident inc;
	char buf[KMSG_RECORD_MAX];

	livelock(&inc);
	inc.kind = INC_SUSPECTED_LIVELOCK;
	inc.state = INC_UPDATE;
	inc.kind_changed = true;
	inc.previous_kind = INC_STUCK_KERNEL;
	inc.links[LINK_COVERED] = EV_UNKNOWN;	/* its source is not said: nothing proved it */
	inc.links[LINK_WAITER_HOLDS] = EV_NO;
	inc.retries = 0;
	inc.held_pages = 0;
	inc.pending_at_attach = true;
	snprintf(inc.unproven, sizeof(inc.unproven), "address_covered");
	snprintf(inc.missing, sizeof(inc.missing), "folio_locks,faults");
	inc.nkreports = 2;
	inc.spinner_contended = (struct contended_skips){ 517, 0x7f0000001000, 1000 };
	incident_kmsg_line(&inc, 4, buf, sizeof(buf));
	CHECK(!strcmp(buf, "<3>migtrace: incident #12 suspected_livelock update was=stuck_kernel "
		      "unlogged=4 cpu=3 duration=250.0ms waiter=migrepro/101 pending=>=312.0ms "
		      "spinner=migrepro/104 ctx=kworker work=dmirror_fault_work "
		      "links=waiter_holds_locks:no/stack,never_yields:yes/measured,"
		      "spinner_retrying:yes/hooks,address_covered:unknown "
		      "contended=spinner:517@0x7f0000001000 unproven=address_covered "
		      "blind=folio_locks,faults kernel_reports=2\n"));
}

static void levels_and_states(void)
{
	struct incident inc;

	livelock(&inc);
	CHECK_EQ_U64(incident_kmsg_level(&inc), 3);
	inc.kind = INC_SUSPECTED_LIVELOCK;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 3);
	inc.kind = INC_STUCK_RT;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 4);
	inc.kind = INC_STUCK_KERNEL;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 4);
	inc.kind = INC_DRAIN_STALL;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 5);
	inc.kind = INC_FAULT_STORM;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 5);
	CHECK(incident_kmsg_wanted(&inc));		/* start */
	inc.state = INC_UPDATE;
	CHECK(!incident_kmsg_wanted(&inc));		/* a plain update: not logged */
	inc.kind_changed = true;
	CHECK(incident_kmsg_wanted(&inc));		/* a change of kind */
	inc.state = INC_END;
	inc.kind_changed = false;
	CHECK(incident_kmsg_wanted(&inc));
	inc.kind = INC_LIVELOCK;
	CHECK_EQ_U64(incident_kmsg_level(&inc), 6);	/* an end is info, whatever the kind */
}

static void names_cannot_forge_fields(void)
{
	struct incident inc;
	char buf[KMSG_RECORD_MAX];

	livelock(&inc);
	inc.kind = INC_FAULT_STORM;
	inc.has_waiter = false;
	memcpy(inc.spinner.comm, "a b=c,d\n\x1b", 10);
	incident_kmsg_line(&inc, 0, buf, sizeof(buf));
	/* No links for a storm: it is about one task's faults, not a stalled drain. */
	CHECK(!strcmp(buf, "<5>migtrace: incident #12 fault_storm start cpu=3 duration=250.0ms "
		      "spinner=a?b?c?d?" "?/104 ctx=kworker work=dmirror_fault_work retries=5000 "
		      "addr=0x7f0000001000\n"));
}

/* Cut at a space, " ..." said, never longer than asked; the head kept. */
static void long_lines_are_cut(void)
{
	struct incident inc;
	char buf[KMSG_RECORD_MAX + 64];
	size_t n;

	livelock(&inc);
	memset(inc.missing, 'x', sizeof(inc.missing) - 1);
	inc.missing[sizeof(inc.missing) - 1] = '\0';
	memset(inc.unproven, 'u', sizeof(inc.unproven) - 1);
	inc.unproven[sizeof(inc.unproven) - 1] = '\0';
	n = incident_kmsg_line(&inc, 0, buf, 200);
	CHECK(n < 200);
	CHECK_EQ_U64(n, strlen(buf));
	CHECK(!strncmp(buf, "<3>migtrace: incident #12 livelock start cpu=3 ", 46));
	CHECK(n > 5 && !strcmp(buf + n - 5, " ...\n"));
	CHECK(buf[n - 6] != ' ');	/* the field before the cut is whole */
	/* Asked for more than the kernel takes: KMSG_RECORD_MAX holds. */
	snprintf(inc.work_func, sizeof(inc.work_func), "%047d", 7);
	n = incident_kmsg_line(&inc, 123456789, buf, sizeof(buf));
	CHECK(n < KMSG_RECORD_MAX);
	CHECK(buf[n - 1] == '\n');
}

int main(void)
{
	RUN(a_livelock_start);
	RUN(a_suspected_livelock_says_what_is_unproven);
	RUN(levels_and_states);
	RUN(names_cannot_forge_fields);
	RUN(long_lines_are_cut);
	CHECK_EXIT();
}
