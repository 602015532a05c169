// SPDX-License-Identifier: GPL-2.0
/* Log2 histograms as print_log2_hist-style bars and as JSON fields. */
#include <string.h>
#include "model/hist.h"
#include "output/format.h"
#include "output/hist_print.h"

void hist_print(FILE *out, const struct mt_hist *h, const char *title)
{
	int first = -1, last = -1;
	uint64_t peak = 0;
	char lo[16], hi[16], b1[16], b2[16], b3[16], b4[16];

	for (int i = 0; i < MT_HIST_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->slots[i] > peak)
			peak = h->slots[i];
	}
	fprintf(out, "%s\n", title);
	if (first < 0) {
		fprintf(out, "    (no samples)\n");
		return;
	}
	fprintf(out, "    %21s : %-10s |%-40s|\n", "range", "count", "distribution");
	for (int i = first; i <= last; i++) {
		int bar = (int)(h->slots[i] * 40 / peak);
		char stars[41];

		memset(stars, '*', bar);
		stars[bar] = '\0';
		fmt_ns(lo, sizeof(lo), hist_slot_low(i));
		fmt_ns(hi, sizeof(hi), hist_slot_high(i) - 1);
		fprintf(out, "    %9s -> %-8s : %-10llu |%-40s|\n", lo, hi,
			(unsigned long long)h->slots[i], stars);
	}
	fprintf(out, "    count %llu  mean %s  p50 %s  p99 %s  max %s\n",
		(unsigned long long)h->count,
		fmt_ns(b1, sizeof(b1), h->count ? h->sum_ns / h->count : 0),
		fmt_ns(b2, sizeof(b2), hist_percentile(h, 50)),
		fmt_ns(b3, sizeof(b3), hist_percentile(h, 99)),
		fmt_ns(b4, sizeof(b4), h->max_ns));
}

void hist_json_fields(struct json *j, const struct mt_hist *h)
{
	json_str(j, "unit", "ns");
	json_u64(j, "count", h->count);
	json_u64(j, "sum", h->sum_ns);
	json_u64(j, "max", h->max_ns);
	json_u64(j, "p50", hist_percentile(h, 50));
	json_u64(j, "p90", hist_percentile(h, 90));
	json_u64(j, "p99", hist_percentile(h, 99));
	json_key_arr(j, "buckets");
	for (unsigned int i = 0; i < MT_HIST_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		json_arr_obj(j);
		json_u64(j, "low", hist_slot_low(i));
		json_u64(j, "high", hist_slot_high(i) - 1);
		json_u64(j, "count", h->slots[i]);
		json_close(j);
	}
	json_close_arr(j);
}
