// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/hist.h"

uint64_t hist_slot_low(unsigned int s)
{
	return s == 0 ? 0 : 1ULL << s;
}

uint64_t hist_slot_high(unsigned int s)
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
		hi = hist_slot_high(s) - 1;	/* inclusive */
		if (h->max_ns && hi > h->max_ns)
			hi = h->max_ns;
		if (hi <= lo)
			return lo;
		v = lo + (uint64_t)((hi - lo) * ((rank - seen) / n));
		return v;
	}
	return h->max_ns;
}
