// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/incident.h"

static const char *const kind_names[INC_KIND_MAX] = {
	[INC_LIVELOCK] = "livelock", [INC_STUCK_RT] = "stuck_rt",
	[INC_FAULT_STORM] = "fault_storm", [INC_DRAIN_STALL] = "drain_stall",
	[INC_SUSPECTED_LIVELOCK] = "suspected_livelock",
};

const char *const incident_state_names[] = {
	[INC_START] = "start", [INC_UPDATE] = "update", [INC_END] = "end",
};

const char *const evidence_names[] = {
	[EV_UNKNOWN] = "unknown", [EV_YES] = "yes", [EV_NO] = "no",
};

const char *incident_kind_name(enum incident_kind k)
{
	return k < INC_KIND_MAX ? kind_names[k] : "?";
}

int incident_kind_rank(enum incident_kind k)
{
	switch (k) {
	case INC_LIVELOCK:
		return 3;
	case INC_SUSPECTED_LIVELOCK:
		return 2;
	case INC_STUCK_RT:
		return 1;
	default:
		return 0;
	}
}

int incident_kind_parse(const char *name)
{
	for (int k = 0; k < INC_KIND_MAX; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}
