// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/attach_hold.h"
#include "core/discovery.h"

bool mech_waits_on_every_cpu(enum mechanism m)
{
	return m == MECH_FENTRY || m == MECH_KPROBE;
}

void attach_hold_from_discovery(const struct discovery *d, struct attach_hold *h)
{
	const struct mt_disc_rec *w = NULL, *on;
	char age[48] = "", who[64] = "";
	uint64_t ns;

	*h = (struct attach_hold){ .checked = d->ran };
	if (!d->ran) {
		snprintf(h->why, sizeof(h->why), "not checked for a stalled CPU: %s", d->why);
		return;
	}
	/* A pool unbound from its CPU (offline) runs its work elsewhere: no stall. */
	for (uint32_t i = 0; i < d->nrecs && !w; i++)
		if (d->recs[i].type == MT_DISC_WORK && !(d->recs[i].flags & MT_DF_DISASSOCIATED))
			w = &d->recs[i];
	if (!w)
		return;
	h->held = true;
	h->cpu = w->cpu;
	if (disc_pool_stalled_ns(d, w, &ns))
		snprintf(age, sizeof(age), ", its pool idle for %llu ms",
			 (unsigned long long)(ns / NSEC_PER_MSEC));
	on = disc_on_cpu(d, w->cpu);
	if (on)
		snprintf(who, sizeof(who), ", %.16s[%u] on it", on->task.comm, on->task.pid);
	snprintf(h->why, sizeof(h->why),
		 "drain work pending on CPU %u at attach%s%s: fentry and kprobe links wait "
		 "for every CPU to attach or detach; held until no CPU stalls",
		 w->cpu, age, who);
}

bool attach_hold_goes_on(const struct mt_cpu_drain *rows, uint32_t n, uint64_t now,
			 uint32_t *cpu)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct mt_cpu_drain *r = &rows[i];

		if (!r->work || !r->queue_ts || r->start_ts)
			continue;	/* none pending, or it started */
		if ((r->flags & MT_DRAIN_DISCOVERED) ||
		    (now > r->queue_ts && now - r->queue_ts >= ATTACH_HOLD_STALL_NS)) {
			*cpu = i;
			return true;
		}
	}
	return false;
}

unsigned int attach_hold_apply(struct hook_status *st, enum mechanism planned[HOOK_MAX],
			       const char *why)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		planned[i] = MECH_NONE;
		if (!mech_waits_on_every_cpu(st[i].mech))
			continue;
		planned[i] = st[i].mech;
		st[i].mech = MECH_NONE;
		st[i].approximate = false;
		st[i].held = true;
		n++;
	}
	attach_hold_why(st, planned, why);
	return n;
}

void attach_hold_why(struct hook_status *st, const enum mechanism planned[HOOK_MAX],
		     const char *why)
{
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		if (st[i].held)
			snprintf(st[i].why[planned[i]], sizeof(st[i].why[0]), "held: %s", why);
}

void attach_hold_done(struct hook_status *st, enum mechanism planned[HOOK_MAX], unsigned int hook,
		      int err, const char *prog)
{
	struct hook_status *s = &st[hook];

	if (hook >= HOOK_MAX || !s->held)
		return;
	s->held = false;
	if (err) {
		snprintf(s->why[planned[hook]], sizeof(s->why[0]), "attaching %s failed: %s",
			 prog, strerror(err));
	} else {
		s->mech = planned[hook];
		s->why[planned[hook]][0] = '\0';
	}
	planned[hook] = MECH_NONE;
}
