// SPDX-License-Identifier: GPL-2.0
/* The names and titles that reports, Prometheus and records show. */
#include "migtrace.h"
#include "output/names.h"

const char *hist_name(enum mt_hist_id id)
{
	static const char *const names[] = {
		[MT_H_DRAIN_WAIT] = "drain_wait", [MT_H_DRAIN_EXEC] = "drain_exec",
		[MT_H_DRAIN_ALL] = "drain_all", [MT_H_SWAP_PAGE] = "do_swap_page",
		[MT_H_FOLIO_WAIT] = "folio_lock_wait", [MT_H_MIGRATE_SETUP] = "migrate_setup",
		[MT_H_MIGRATE_HOLD] = "migrate_hold",
	};

	return id < MT_H_MAX ? names[id] : "?";
}

const char *hist_title(enum mt_hist_id id)
{
	static const char *const titles[] = {
		[MT_H_DRAIN_WAIT] = "lru_add_drain_per_cpu queued -> started",
		[MT_H_DRAIN_EXEC] = "lru_add_drain_per_cpu started -> ended",
		[MT_H_DRAIN_ALL] = "lru_add_drain_all latency",
		[MT_H_SWAP_PAGE] = "do_swap_page latency",
		[MT_H_FOLIO_WAIT] = "__folio_lock sleep (folio lock contention)",
		[MT_H_MIGRATE_SETUP] = "migrate setup (collect + lock + unmap)",
		[MT_H_MIGRATE_HOLD] = "folio locks held: collected -> finalize",
	};

	return id < MT_H_MAX ? titles[id] : "?";
}

const char *event_type_name(uint32_t type)
{
	static const char *const names[] = {
		[MT_EV_MIGRATE_SETUP] = "migrate_setup", [MT_EV_MIGRATE_PAGES] = "migrate_pages",
		[MT_EV_MIGRATE_FINALIZE] = "migrate_finalize", [MT_EV_DRAIN_ALL] = "drain_all",
		[MT_EV_DRAIN_QUEUE] = "drain_queue", [MT_EV_DRAIN_WORK] = "drain_work",
		[MT_EV_FAULT_RUN] = "fault_run", [MT_EV_FOLIO_WAIT] = "folio_wait",
		[MT_EV_FOLIO_UNLOCK] = "folio_unlock", [MT_EV_TRYLOCK] = "trylock",
		[MT_EV_MIGRATE_ENTER] = "migrate_enter",
	};

	return type < MT_EV_TYPE_MAX && names[type] ? names[type] : "?";
}

const char *fault_source_name(uint32_t source)
{
	return source == MT_FAULT_PAGE_FAULT_USER ? "page_fault_user" : "do_swap_page";
}
