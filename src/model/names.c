// SPDX-License-Identifier: GPL-2.0
/* The names of the kernel side's enums, as reports, Prometheus and records show them. */
#include "migtrace.h"
#include "model/names.h"

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
