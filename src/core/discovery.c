// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include "model/units.h"
#include "core/discovery.h"

const struct mt_disc_rec *disc_waiter(const struct discovery *d)
{
	const uint32_t want = MT_SB(MT_SB_FLUSH_WORK) | MT_SB(MT_SB_DRAIN_ALL);

	for (uint32_t i = 0; i < d->nrecs; i++) {
		const struct mt_disc_rec *r = &d->recs[i];

		if (r->type == MT_DISC_TASK && (r->stack.bits & want) == want &&
		    !(r->stack.flags & MT_SF_STALE))
			return r;
	}
	return NULL;
}

const struct mt_disc_rec *disc_on_cpu(const struct discovery *d, uint32_t cpu)
{
	for (uint32_t i = 0; i < d->nrecs; i++) {
		const struct mt_disc_rec *r = &d->recs[i];

		if (r->type == MT_DISC_TASK && (r->flags & MT_DF_ON_CPU) && r->cpu == cpu)
			return r;
	}
	return NULL;
}

const struct mt_disc_rec *disc_work(const struct discovery *d, uint32_t cpu)
{
	for (uint32_t i = 0; i < d->nrecs; i++)
		if (d->recs[i].type == MT_DISC_WORK && d->recs[i].cpu == cpu)
			return &d->recs[i];
	return NULL;
}

bool disc_pool_stalled_ns(const struct discovery *d, const struct mt_disc_rec *work,
			  uint64_t *ns)
{
	if (!d->hz || work->jiffies < work->pool_watchdog_ts)
		return false;
	*ns = (work->jiffies - work->pool_watchdog_ts) * (NSEC_PER_SEC / d->hz);
	return true;
}

void discovery_free(struct discovery *d)
{
	free(d->recs);
	d->recs = NULL;
	d->nrecs = 0;
}
