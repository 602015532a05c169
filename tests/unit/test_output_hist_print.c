// SPDX-License-Identifier: GPL-2.0
/* Log2 histograms rendered as bars and JSON fields (output/hist_print.c). */
#include "check.h"
#include "model/hist.h"
#include "output/hist_print.h"

static void rendering_matches_golden(void)
{
	struct mt_hist h = {};
	const char *got = "build/tests/hist.out";
	struct json j;
	FILE *f = fopen(got, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	for (uint64_t v = 1; v < 100000000; v *= 3)
		hist_add_value(&h, v);
	hist_add_value(&h, 1500);
	hist_print(f, &h, "test latency");
	json_begin(&j, f, "hist");
	json_str(&j, "name", "test");
	hist_json_fields(&j, &h);
	json_end(&j);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/hist.out"));
}

int main(void)
{
	RUN(rendering_matches_golden);
	CHECK_EXIT();
}
