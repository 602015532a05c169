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

static void quiet(void *ctx, const char *msg)
{
	(void)strlen(msg);	/* messages must be valid strings */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct replay rp;
	static struct trace_export trace;
	static FILE *null;
	struct replay_visitor v;
	struct rec_reader rd;
	char err[512];

	if (!null)
		null = fopen("/dev/null", "w");
	trace_export_visitor(&trace, null, NULL, &v);
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
	trace_export_end(&trace);
	rec_reader_free(&rd);
	return 0;
}
