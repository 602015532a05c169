// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "cmd/incident_log.h"
#include "kernel/clock.h"
#include "kernel/kmsg.h"
#include "output/incident_kmsg.h"

static void on_incident(void *ctx, const struct incident *inc)
{
	struct incident_log *il = ctx;
	char rec[KMSG_RECORD_MAX];
	uint64_t unlogged = 0;
	size_t len;
	int err;

	if (il->w.fd < 0 || !incident_kmsg_wanted(inc) ||
	    !rate_limit_take(&il->limit, mono_ns(), &unlogged))
		return;
	len = incident_kmsg_line(inc, unlogged, rec, sizeof(rec));
	err = kmsg_writer_put(&il->w, rec, len);
	if (err && !il->warned) {
		il->warned = true;
		fprintf(stderr, "migtrace: --kmsg: writing incident #%llu to the kernel log failed: "
			"%s (tracing goes on; failures are counted)\n", (unsigned long long)inc->id,
			strerror(-err));
	}
}

int incident_log_add(struct incident_log *il, struct session_loop *l)
{
	struct loop_callbacks cb = { .ctx = il, .incident = on_incident };

	rate_limit_init(&il->limit, INCIDENT_LOG_BURST, KMSG_KERNEL_PERIOD_S * NSEC_PER_SEC);
	il->warned = false;
	il->added = true;
	if (!kmsg_writer_open(&il->w, KMSG_PATH)) {
		il->warned = true;
		fprintf(stderr, "migtrace: --kmsg: incidents will not be written to the kernel log: "
			"%s (tracing goes on)\n", il->w.why);
	}
	return session_loop_add(l, &cb);
}

void incident_log_close(struct incident_log *il)
{
	if (!il->added)
		return;
	il->added = false;
	if (il->w.fd >= 0 && (il->limit.refused_total || il->w.failed))
		fprintf(stderr, "migtrace: --kmsg: %llu incident lines written to the kernel log, "
			"%llu not (rate limit), %llu failed\n", (unsigned long long)il->w.written,
			(unsigned long long)il->limit.refused_total, (unsigned long long)il->w.failed);
	kmsg_writer_close(&il->w);
}
