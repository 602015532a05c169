// SPDX-License-Identifier: GPL-2.0
#include "model/snapshot.h"

const struct mt_hist *snapshot_hist(const struct snapshot *s, enum mt_hist_id id)
{
	if (id == MT_H_DRAIN_ALL && !s->global[id].count)
		return &s->events.drain_all.latency;
	return &s->global[id];
}
