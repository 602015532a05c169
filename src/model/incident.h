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
#include "model/kernel_report.h"

/* Exact conditions: migtrace(8), INCIDENTS. Numbers are kept; names go in records. */
enum incident_kind {
	INC_LIVELOCK = 0,	/* the whole cycle seen: holder waits, CPU k's occupant retries */
	INC_STUCK_RT,		/* an RT task keeps drain work on its CPU from running */
	INC_FAULT_STORM,	/* one task faults on one page again and again */
	INC_DRAIN_STALL,	/* drain work pending on a CPU too long */
	INC_SUSPECTED_LIVELOCK,	/* part of the cycle seen, none of it seen absent */
	INC_STUCK_KERNEL,	/* a non-RT task in the kernel keeps drain work from running */
	INC_KIND_MAX,
};

enum incident_state { INC_START = 0, INC_UPDATE, INC_END };

/* Evidence for a livelock: seen, seen to be absent, or not visible here. */
enum evidence { EV_UNKNOWN = 0, EV_YES, EV_NO };

/*
 * What settled a link: the kernel's tables (fed by hooks: fentry, kprobes,
 * tracepoints), kernel stacks (the queuer's at queueing or attach, samples
 * of the CPU's task), or run-time measurement (occupancy).
 */
enum evidence_source { SRC_NONE = 0, SRC_HOOKS, SRC_STACK, SRC_MEASURED };

/* Where the task on a CPU runs: it returns to user space, or never leaves the kernel. */
enum task_context { CTX_UNKNOWN = 0, CTX_USER, CTX_KERNEL, CTX_KWORKER };

/* The links of a livelock, in the order incidents name them. */
enum incident_link {
	LINK_WAITER_HOLDS = 0,	/* the waiter holds locked folios (waiter_holds_locks) */
	LINK_NEVER_YIELDS,	/* the task on CPU k does not leave it (never_yields) */
	LINK_RETRYING,		/* it keeps retrying a fault (spinner_retrying) */
	LINK_COVERED,		/* at an address inside the waiter's migration (address_covered) */
	LINK_MAX,
};

/*
 * Pages a task's migration in progress left out because their folios were
 * locked (collect_contended table; hook collect_trylock): how many, the
 * first one's address, how long ago the latest. Whose lock: not known.
 */
struct contended_skips {
	uint64_t pages;			/* 0: none seen */
	uint64_t first_address;
	uint64_t ago_ns;
};

#define INC_MAX_KREPORTS 4

struct incident {
	uint64_t id;
	enum incident_kind kind;
	enum incident_state state;
	uint64_t start_ts, last_ts;	/* first and latest time the condition held */
	uint32_t cpu;			/* MT_MAX_CPUS when not about a CPU */
	uint64_t pending_ns;		/* age of the pending drain work */
	bool pending_at_attach;		/* pending when migtrace attached: its age is a lower bound */
	bool has_waiter, has_spinner;
	struct mt_task waiter;		/* waits in lru_add_drain_all for the work */
	struct mt_task queuer;		/* queued the work, when not the waiter (serialised drain) */
	uint64_t held_ns, held_start, held_end, held_pages;	/* waiter's migration */
	struct mt_task spinner;		/* on the CPU (livelock, stuck_*) or faulting (storm) */
	uint64_t spinner_on_cpu_ns;
	enum task_context context;	/* where the spinner runs */
	char work_func[48];		/* a kworker spinner's work function */
	uint64_t retries, address;
	enum evidence links[LINK_MAX];
	enum evidence_source sources[LINK_MAX];	/* what settled each link */
	enum evidence fault_loop;	/* stuck_*: the task keeps refaulting one page */
	/*
	 * Pages the waiter's migration in progress, and the spinner's since the
	 * work was queued, left out because their folios were locked (hook
	 * collect_trylock). Shown, not a link: whose lock is not known.
	 */
	struct contended_skips waiter_contended, spinner_contended;
	char unproven[96];		/* suspected_livelock: the links not seen, comma-separated */
	char missing[160];		/* evidence that could not be seen here, and why */
	bool kind_changed;		/* this update changed the kind (one incident per stall) */
	enum incident_kind previous_kind;
	char change_reason[96];		/* why the kind changed: the links that came or went */
	enum incident_kind top_kind;	/* the most specific kind it reached: counted under it */
	uint32_t nkreports;		/* the kernel's reports joined to it (core/detect.c) */
	struct kernel_report kreports[INC_MAX_KREPORTS];	/* the first of them */
};

struct incident_totals {
	uint64_t count, open, total_ns, max_ns;
};

const char *incident_kind_name(enum incident_kind k);
/* "livelock" -> INC_LIVELOCK; -1 if unknown. */
int incident_kind_parse(const char *name);
/*
 * How specific a kind about stalled drain work is: drain_stall <
 * stuck_rt = stuck_kernel < suspected_livelock < livelock. An incident
 * moves to whatever its evidence proves at each tick, up or down.
 */
int incident_kind_rank(enum incident_kind k);

extern const char *const incident_state_names[];	/* "start", "update", "end" */
extern const char *const evidence_names[];		/* "unknown", "yes", "no" */
extern const char *const evidence_source_names[];	/* "-", "hooks", "stack", "measured" */
extern const char *const task_context_names[];		/* "unknown", "user", "kernel", "kworker" */
extern const char *const incident_link_names[];		/* "waiter_holds_locks", ... */

#endif
