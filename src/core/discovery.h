/* SPDX-License-Identifier: GPL-2.0 */
/* Reading what the attach-time discovery found (model/kevidence.h's struct discovery). */
#ifndef MIGTRACE_DISCOVERY_H
#define MIGTRACE_DISCOVERY_H

#include <stdbool.h>
#include <stdint.h>
#include "model/kevidence.h"

/* The first task sleeping in __flush_work <- __lru_add_drain_all, NULL if none. */
const struct mt_disc_rec *disc_waiter(const struct discovery *d);
/* The task found running on cpu, NULL if none (idle, or not recorded). */
const struct mt_disc_rec *disc_on_cpu(const struct discovery *d, uint32_t cpu);
/* The drain work found pending for cpu, NULL if none. */
const struct mt_disc_rec *disc_work(const struct discovery *d, uint32_t cpu);
/*
 * How long cpu's worker pool had started no work when read (its
 * watchdog_ts): a bound on how long that CPU's workqueue has been stuck,
 * not the drain work's own age. False when unknown (HZ not found).
 */
bool disc_pool_stalled_ns(const struct discovery *d, const struct mt_disc_rec *work,
			  uint64_t *ns);
void discovery_free(struct discovery *d);

#endif
