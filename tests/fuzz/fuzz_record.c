// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the record reader: any bytes go through the chunk
 * reader, the payload decoders, the replay, the report renderers and the
 * Chrome trace export, as 'migtrace report' would take them. Build and run:
 * make fuzz (FUZZ_SECONDS=N for longer), or by hand:
 *   build/fuzz/fuzz_record -max_total_time=600 /tmp/corpus tests/fuzz/corpus
 */
#include <stdio.h>
#include <string.h>
#include "output/record_print.h"
#include "output/snapshot_print.h"
#include "output/trace_export.h"
#include "record/replay.h"

struct ctx {
	struct trace_export trace;
	bool started;
	FILE *null;
};

static void on_header(void *p, const struct rec_header *h)
{
	struct ctx *c = p;

	c->started = true;
	trace_export_begin(&c->trace, c->null, h);
}

static void on_event(void *p, const struct mt_event *e, const struct agg *a)
{
	struct ctx *c = p;

	if (c->started)
		trace_export_event(&c->trace, e, a);
}

static void on_incident(void *p, const struct rec_incident *i)
{
	struct ctx *c = p;

	if (c->started)
		trace_export_incident(&c->trace, i);
}

static void quiet(void *ctx, const char *msg)
{
	(void)strlen(msg);	/* messages must be valid strings */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct replay rp;
	static struct ctx c;
	static FILE *null;
	struct replay_visitor v = { .header = on_header, .event = on_event,
				    .incident = on_incident, .ctx = &c };
	struct rec_reader rd;
	char err[512];

	if (!null)
		null = fopen("/dev/null", "w");
	memset(&c, 0, sizeof(c));
	c.null = null;
	if (rec_reader_init(&rd, "fuzz", data, size, err, sizeof(err)))
		return 0;
	rd.warn = quiet;
	if (!replay_record(&rd, &rp, &v, err, sizeof(err))) {
		record_print_text(null, &rp);
		snapshot_print_text(null, &rp.snap);
		record_print_incidents(null, &rp);
		record_print_json(null, &rp);
		snapshot_print_json(null, &rp.snap);
	}
	if (c.started)
		trace_export_end(&c.trace);
	rec_reader_free(&rd);
	return 0;
}
