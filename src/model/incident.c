// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/incident.h"

/*
 * One row per kind. rank: how specific a kind about stalled drain work is
 * (drain_stall < stuck_rt = stuck_kernel < suspected_livelock < livelock). Conditions: migtrace(8), INCIDENTS; detection: core/detect.c.
 */
static const struct {
	const char *name;
	int rank;
} kinds[INC_KIND_MAX] = {
	[INC_LIVELOCK] = { "livelock", 3 },
	[INC_STUCK_RT] = { "stuck_rt", 1 },
	[INC_FAULT_STORM] = { "fault_storm", 0 },
	[INC_DRAIN_STALL] = { "drain_stall", 0 },
	[INC_SUSPECTED_LIVELOCK] = { "suspected_livelock", 2 },
	[INC_STUCK_KERNEL] = { "stuck_kernel", 1 },
};

const char *const incident_state_names[] = {
	[INC_START] = "start", [INC_UPDATE] = "update", [INC_END] = "end",
};

const char *const evidence_names[] = {
	[EV_UNKNOWN] = "unknown", [EV_YES] = "yes", [EV_NO] = "no",
};

const char *const evidence_source_names[] = {
	[SRC_NONE] = "-", [SRC_HOOKS] = "hooks", [SRC_STACK] = "stack", [SRC_MEASURED] = "measured",
};

const char *const task_context_names[] = {
	[CTX_UNKNOWN] = "unknown", [CTX_USER] = "user", [CTX_KERNEL] = "kernel",
	[CTX_KWORKER] = "kworker",
};

const char *const incident_link_names[] = {
	[LINK_WAITER_HOLDS] = "waiter_holds_locks", [LINK_NEVER_YIELDS] = "never_yields",
	[LINK_RETRYING] = "spinner_retrying", [LINK_COVERED] = "address_covered",
};

const char *incident_kind_name(enum incident_kind k)
{
	return k < INC_KIND_MAX ? kinds[k].name : "?";
}

int incident_kind_rank(enum incident_kind k)
{
	return k < INC_KIND_MAX ? kinds[k].rank : 0;
}

int incident_kind_parse(const char *name)
{
	for (int k = 0; k < INC_KIND_MAX; k++)
		if (!strcmp(name, kinds[k].name))
			return k;
	return -1;
}
