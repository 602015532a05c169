// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the record reader: any bytes go through the chunk
 * reader, the payload decoders, the aggregation and both report renderers,
 * as 'migtrace report' would take them. Build and run: make fuzz
 * (FUZZ_SECONDS=N for longer), or by hand:
 *   build/fuzz/fuzz_record -max_total_time=600 /tmp/corpus tests/fuzz/corpus
 */
#include <stdio.h>
#include <string.h>
#include "output/report.h"
#include "core/aggregate.h"
#include "record/recording.h"
#include "model/snapshot.h"
#include "record/trace_export.h"

struct ctx {
	struct agg agg;
	bool started;
	const struct recording *run;	/* its header is read before any event */
	struct trace_export trace;
	FILE *null;
};

static void start(struct ctx *c)
{
	if (c->started)
		return;
	c->started = true;
	trace_export_begin(&c->trace, c->null, &c->run->hdr);
}

static void on_event(void *p, const struct mt_event *e)
{
	struct ctx *c = p;

	start(c);
	agg_event(&c->agg, e);
	trace_export_event(&c->trace, e);
}

static void on_incident(void *p, const struct rec_incident *i)
{
	struct ctx *c = p;

	start(c);
	trace_export_incident(&c->trace, i);
}

static void quiet(void *ctx, const char *msg)
{
	(void)strlen(msg);	/* messages must be valid strings */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot snap;
	static struct ctx c;
	static FILE *null;
	struct rec_visitor v = { .event = on_event, .incident = on_incident, .ctx = &c };
	struct rec_reader rd;
	struct recording run;
	char err[512];

	if (!null)
		null = fopen("/dev/null", "w");
	memset(&snap, 0, sizeof(snap));
	memset(&c, 0, sizeof(c));
	agg_init(&c.agg, false);
	c.run = &run;
	c.null = null;
	if (rec_reader_init(&rd, "fuzz", data, size, err, sizeof(err)))
		return 0;
	rd.warn = quiet;
	if (!rec_load(&rd, &run, &snap, &v, err, sizeof(err))) {
		snap.events = c.agg.s;
		memcpy(snap.hooks, run.hdr.hooks, sizeof(snap.hooks));
		snap.hooks_known = true;
		if (!run.snapshots)
			snap.ncpus = run.hdr.ncpus;
		report_text(null, &snap);
		report_json(null, &snap);
	}
	if (c.started)
		trace_export_end(&c.trace);
	rec_reader_free(&rd);
	return 0;
}
