// SPDX-License-Identifier: GPL-2.0
/* Text and events from a record file are hostile until made safe. */
#include "record/sanitize.h"

void rec_text_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;
		bool ok = n >= 0 && !(n == 1 && *p < 0xc2) && !(n == 3 && *p > 0xf4);

		for (int k = 1; ok && k <= n; k++)
			ok = (p[k] & 0xc0) == 0x80;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += n + 1;
	}
}

static void task_sanitize(struct mt_task *t)
{
	t->comm[MT_COMM_LEN - 1] = 0;
	rec_text_sanitize(t->comm);
}

bool rec_event_sanitize(struct mt_event *e)
{
	if (!e->type || e->type >= MT_EV_TYPE_MAX || e->cpu >= MT_MAX_CPUS)
		return false;
	task_sanitize(&e->task);
	switch (e->type) {
	case MT_EV_MIGRATE_SETUP:
	case MT_EV_MIGRATE_PAGES:
	case MT_EV_MIGRATE_FINALIZE:
		return e->migrate.kind <= MT_MIG_DEVICE_PFNS && e->migrate.enter_ts <= e->ts;
	case MT_EV_DRAIN_ALL:
		return e->drain_all.enter_ts <= e->ts;
	case MT_EV_DRAIN_QUEUE:
		return e->drain_queue.target_cpu < MT_MAX_CPUS;
	case MT_EV_DRAIN_WORK:
		task_sanitize(&e->drain_work.queuer);
		task_sanitize(&e->drain_work.blocker);
		return e->drain_work.target_cpu < MT_MAX_CPUS &&
		       e->drain_work.queue_ts <= e->drain_work.start_ts &&
		       e->drain_work.start_ts <= e->ts;
	case MT_EV_FAULT_RUN:
		return e->fault_run.first_ts <= e->ts && e->fault_run.source <= MT_FAULT_PAGE_FAULT_USER &&
		       e->fault_run.vma_lock_attempts <= e->fault_run.attempts;
	case MT_EV_FOLIO_WAIT:
	case MT_EV_FOLIO_UNLOCK:
		return e->folio.enter_ts <= e->ts;
	case MT_EV_TRYLOCK:
		return e->trylock.site <= MT_TRY_COLLECT;
	}
	return true;
}
