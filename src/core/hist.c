// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "core/hist.h"
#include "core/util.h"

uint64_t hist_slot_low(unsigned int s)
{
	return s == 0 ? 0 : 1ULL << s;
}

static uint64_t slot_high(unsigned int s)
{
	return s >= 63 ? UINT64_MAX : 1ULL << (s + 1);
}

unsigned int hist_slot_of(uint64_t ns)
{
	unsigned int s = ns ? 63 - __builtin_clzll(ns) : 0;

	return s < MT_HIST_SLOTS ? s : MT_HIST_SLOTS - 1;
}

void hist_add_value(struct mt_hist *h, uint64_t ns)
{
	h->slots[hist_slot_of(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

void hist_merge(struct mt_hist *dst, const struct mt_hist *src)
{
	for (int i = 0; i < MT_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

uint64_t hist_percentile(const struct mt_hist *h, double p)
{
	uint64_t total = 0, seen = 0;
	double rank;

	for (int i = 0; i < MT_HIST_SLOTS; i++)
		total += h->slots[i];
	if (!total)
		return 0;
	rank = p / 100.0 * total;
	/* The last sample is known exactly: it is the maximum. */
	if (rank > total - 1 && h->max_ns)
		return h->max_ns;
	for (unsigned int s = 0; s < MT_HIST_SLOTS; s++) {
		uint64_t n = h->slots[s], lo, hi, v;

		if (!n || seen + n < rank) {
			seen += n;
			continue;
		}
		lo = hist_slot_low(s);
		hi = slot_high(s) - 1;	/* inclusive */
		if (h->max_ns && hi > h->max_ns)
			hi = h->max_ns;
		if (hi <= lo)
			return lo;
		v = lo + (uint64_t)((hi - lo) * ((rank - seen) / n));
		return v;
	}
	return h->max_ns;
}

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
		fmt_ns(hi, sizeof(hi), slot_high(i) - 1);
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
		json_u64(j, "high", slot_high(i) - 1);
		json_u64(j, "count", h->slots[i]);
		json_close(j);
	}
	json_close_arr(j);
}
