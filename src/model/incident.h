/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Incidents the detectors open and close: their kinds (one row each in
 * incident.c), states and the evidence for each link of a livelock.
 */
#ifndef MIGTRACE_INCIDENT_H
#define MIGTRACE_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>
#include "migtrace.h"

/* Exact conditions: migtrace(8), INCIDENTS. Numbers are kept; names go in records. */
enum incident_kind {
	INC_LIVELOCK = 0,	/* the whole cycle seen: holder waits, CPU k's occupant retries */
	INC_STUCK_RT,		/* an RT task keeps drain work on its CPU from running */
	INC_FAULT_STORM,	/* one task faults on one page again and again */
	INC_DRAIN_STALL,	/* drain work pending on a CPU too long */
	INC_SUSPECTED_LIVELOCK,	/* part of the cycle seen, none of it seen absent */
	INC_KIND_MAX,
};

enum incident_state { INC_START = 0, INC_UPDATE, INC_END };

/* Evidence for a livelock: seen, seen to be absent, or not visible here. */
enum evidence { EV_UNKNOWN = 0, EV_YES, EV_NO };

struct incident {
	uint64_t id;
	enum incident_kind kind;
	enum incident_state state;
	uint64_t start_ts, last_ts;	/* first and latest time the condition held */
	uint32_t cpu;			/* MT_MAX_CPUS when not about a CPU */
	uint64_t pending_ns;		/* age of the pending drain work */
	bool has_waiter, has_spinner;
	struct mt_task waiter;		/* queued the drain work, waits in lru_add_drain_all */
	enum evidence waiter_holds_locks;
	uint64_t held_ns, held_start, held_end, held_pages;	/* waiter's migration */
	struct mt_task spinner;		/* on the CPU (livelock, stuck_rt) or faulting (storm) */
	uint64_t spinner_on_cpu_ns;
	enum evidence spinner_retrying;
	uint64_t retries, address;
	enum evidence address_covered;	/* spinner's address inside the waiter's migration */
	enum evidence fault_loop;	/* stuck_rt: the RT task keeps refaulting one page */
	char unproven[96];		/* suspected_livelock: the links not seen, comma-separated */
	char missing[160];		/* evidence that could not be seen on this kernel */
	bool kind_changed;		/* this update raised the kind (one incident per stall) */
	enum incident_kind previous_kind;
};

struct incident_totals {
	uint64_t count, open, total_ns, max_ns;
};

const char *incident_kind_name(enum incident_kind k);
/* "livelock" -> INC_LIVELOCK; -1 if unknown. */
int incident_kind_parse(const char *name);
/*
 * How specific a kind about stalled drain work is: drain_stall < stuck_rt <
 * suspected_livelock < livelock. An incident only ever moves up.
 */
int incident_kind_rank(enum incident_kind k);

extern const char *const incident_state_names[];	/* "start", "update", "end" */
extern const char *const evidence_names[];		/* "unknown", "yes", "no" */

#endif
