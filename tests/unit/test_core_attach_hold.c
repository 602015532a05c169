// SPDX-License-Identifier: GPL-2.0
/* Which hooks wait for a stalled CPU to end: the hold at attach and its end. */
#include "check.h"
#include "core/attach_hold.h"

static struct mt_disc_rec recs[3];

/* CPU 3 occupied by spinner[77], drain work pending there; its pool idle for 1 s. */
static struct discovery stalled(void)
{
	memset(recs, 0, sizeof(recs));
	recs[0] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .cpu = 3, .flags = MT_DF_ON_CPU,
					.task = { .pid = 77, .comm = "spinner" } };
	recs[1] = (struct mt_disc_rec){ .type = MT_DISC_TASK, .cpu = 0, .task = { .pid = 10 } };
	recs[2] = (struct mt_disc_rec){ .type = MT_DISC_WORK, .cpu = 3, .jiffies = 10250,
					.pool_watchdog_ts = 10000 };
	return (struct discovery){ .ran = true, .hz = 250, .recs = recs, .nrecs = 3 };
}

static void mechanisms(void)
{
	CHECK(mech_waits_on_every_cpu(MECH_FENTRY));
	CHECK(mech_waits_on_every_cpu(MECH_KPROBE));
	CHECK(!mech_waits_on_every_cpu(MECH_TRACEPOINT));
	CHECK(!mech_waits_on_every_cpu(MECH_NONE));
}

static void held_by_pending_work(void)
{
	struct discovery d = stalled();
	struct attach_hold h;

	attach_hold_from_discovery(&d, &h);
	CHECK(h.held && h.checked);
	CHECK_EQ_U64(h.cpu, 3);
	CHECK(strstr(h.why, "CPU 3") != NULL);
	CHECK(strstr(h.why, "idle for 1000 ms") != NULL);
	CHECK(strstr(h.why, "spinner[77]") != NULL);
	/* HZ unknown: no age claimed, still held. */
	d.hz = 0;
	attach_hold_from_discovery(&d, &h);
	CHECK(h.held && !strstr(h.why, "idle for"));
}

static void not_held(void)
{
	struct discovery d = stalled();
	struct attach_hold h;

	/* Nothing pending: attach at once. */
	d.nrecs = 2;
	attach_hold_from_discovery(&d, &h);
	CHECK(!h.held && h.checked && !h.why[0]);
	/* A pool unbound from an offline CPU runs its work elsewhere. */
	d.nrecs = 3;
	recs[2].flags = MT_DF_DISASSOCIATED;
	attach_hold_from_discovery(&d, &h);
	CHECK(!h.held);
	/* No discovery: not held, and said so (unknown, not "no stall"). */
	d = (struct discovery){ .ran = false };
	snprintf(d.why, sizeof(d.why), "the discovery program is not loaded");
	attach_hold_from_discovery(&d, &h);
	CHECK(!h.held && !h.checked);
	CHECK(strstr(h.why, "not checked") && strstr(h.why, "not loaded"));
}

static void hold_ends(void)
{
	struct mt_cpu_drain rows[4] = {};
	const uint64_t now = 10 * NSEC_PER_SEC;
	uint32_t cpu = 99;

	CHECK(!attach_hold_goes_on(rows, 4, now, &cpu));
	/* Found at attach, not started: on, however young. */
	rows[2] = (struct mt_cpu_drain){ .work = 1, .queue_ts = now, .flags = MT_DRAIN_DISCOVERED };
	CHECK(attach_hold_goes_on(rows, 4, now, &cpu));
	CHECK_EQ_U64(cpu, 2);
	/* It started: over. */
	rows[2].start_ts = now + 1;
	CHECK(!attach_hold_goes_on(rows, 4, now + 2, &cpu));
	/* Queued after attach: young work is a drain at work, old work a stall. */
	rows[1] = (struct mt_cpu_drain){ .work = 2, .queue_ts = now - ATTACH_HOLD_STALL_NS + 1 };
	CHECK(!attach_hold_goes_on(rows, 4, now, &cpu));
	CHECK(attach_hold_goes_on(rows, 4, now + 1, &cpu));
	CHECK_EQ_U64(cpu, 1);
	/* A queue time after now (clock read before the map): not a stall. */
	rows[1].queue_ts = now + 5;
	CHECK(!attach_hold_goes_on(rows, 4, now, &cpu));
}

static void hooks_held_and_back(void)
{
	struct hook_status st[HOOK_MAX] = {};
	enum mechanism planned[HOOK_MAX];
	char list[256];
	unsigned int n;

	st[HOOK_DO_SWAP_PAGE].mech = MECH_FENTRY;
	st[HOOK_FOLIO_LOCK].mech = MECH_KPROBE;
	st[HOOK_DRAIN_WORK].mech = MECH_TRACEPOINT;
	CHECK_EQ_U64(attach_hold_apply(st, planned, "CPU 3 stalled"), 2);
	CHECK(st[HOOK_DO_SWAP_PAGE].held && st[HOOK_DO_SWAP_PAGE].mech == MECH_NONE);
	CHECK(planned[HOOK_DO_SWAP_PAGE] == MECH_FENTRY && planned[HOOK_FOLIO_LOCK] == MECH_KPROBE);
	CHECK(!strcmp(st[HOOK_FOLIO_LOCK].why[MECH_KPROBE], "held: CPU 3 stalled"));
	/* Tracepoints stay attached; held hooks are not blind. */
	CHECK(!st[HOOK_DRAIN_WORK].held && st[HOOK_DRAIN_WORK].mech == MECH_TRACEPOINT);
	hooks_blind_list(st, list, sizeof(list));
	CHECK(!strstr(list, "do_swap_page") && !strstr(list, "__folio_lock"));
	hooks_held_list(st, list, sizeof(list), &n);
	CHECK_EQ_U64(n, 2);
	CHECK(strstr(list, "do_swap_page") != NULL);
	/* The reason follows the hold's state. */
	attach_hold_why(st, planned, "attaching since 2000 ms");
	CHECK(!strcmp(st[HOOK_DO_SWAP_PAGE].why[MECH_FENTRY], "held: attaching since 2000 ms"));
	/* Attached: the planned mechanism back; failed: none, and why. */
	attach_hold_done(st, planned, HOOK_DO_SWAP_PAGE, 0, "fentry_do_swap_page");
	CHECK(st[HOOK_DO_SWAP_PAGE].mech == MECH_FENTRY && !st[HOOK_DO_SWAP_PAGE].held);
	CHECK(!st[HOOK_DO_SWAP_PAGE].why[MECH_FENTRY][0]);
	attach_hold_done(st, planned, HOOK_FOLIO_LOCK, 2, "kprobe___folio_lock");
	CHECK(st[HOOK_FOLIO_LOCK].mech == MECH_NONE && !st[HOOK_FOLIO_LOCK].held);
	CHECK(strstr(st[HOOK_FOLIO_LOCK].why[MECH_KPROBE], "kprobe___folio_lock failed") != NULL);
	hooks_held_list(st, list, sizeof(list), &n);
	CHECK_EQ_U64(n, 0);
	/* A second result for the same hook changes nothing. */
	attach_hold_done(st, planned, HOOK_DO_SWAP_PAGE, 5, "x");
	CHECK(st[HOOK_DO_SWAP_PAGE].mech == MECH_FENTRY);
}

int main(void)
{
	RUN(hooks_held_and_back);
	RUN(mechanisms);
	RUN(held_by_pending_work);
	RUN(not_held);
	RUN(hold_ends);
	CHECK_EXIT();
}
