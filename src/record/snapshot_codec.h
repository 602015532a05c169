/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_SNAPSHOT_CODEC_H
#define MIGTRACE_SNAPSHOT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/snapshot.h"

/*
 * 2: a pending drain carries its queuer's held folios and its occupant's
 * fault run (kernel state the detectors judge by).
 * 3: and its stack evidence (queuer's stack, the CPU's samples, a kworker's
 * work function, found at attach); tasks waiting in lru_add_drain_all.
 * 4: and the pages its queuer's and occupant's migrations found locked.
 * Layouts 1 to 3 are still read.
 */
#define REC_SNAPSHOT_LAYOUT 4

/* Snapshot payloads: snap as session_snapshot fills it, at monotonic time now_ns. */
void *rec_snapshot_encode(const struct snapshot *snap, uint64_t now_ns, size_t *len);
/* Into snap (hists, pending, open runs, losses, ncpus, duration); false + why on junk. */
bool rec_snapshot_decode(const uint8_t *p, size_t len, struct snapshot *snap, uint64_t *now_ns,
			 char *why, size_t wlen);

#endif
