// SPDX-License-Identifier: GPL-2.0
/* Log2 histograms (model/hist.c): bucketing, percentiles, merging. */
#include "check.h"
#include "model/hist.h"

static void slot_boundaries(void)
{
	CHECK_EQ_U64(hist_slot_of(0), 0);
	CHECK_EQ_U64(hist_slot_of(1), 0);
	CHECK_EQ_U64(hist_slot_of(2), 1);
	CHECK_EQ_U64(hist_slot_of(3), 1);
	CHECK_EQ_U64(hist_slot_of(4), 2);
	CHECK_EQ_U64(hist_slot_of(1023), 9);
	CHECK_EQ_U64(hist_slot_of(1024), 10);
	CHECK_EQ_U64(hist_slot_of(UINT64_MAX), MT_HIST_SLOTS - 1);
	for (unsigned int s = 1; s < MT_HIST_SLOTS - 1; s++) {
		CHECK_EQ_U64(hist_slot_of(hist_slot_low(s)), s);
		CHECK_EQ_U64(hist_slot_of(hist_slot_low(s) - 1), s - 1);
	}
}

static void percentiles_of_uniform_bucket(void)
{
	struct mt_hist h = {};

	/* 100 values all in [1024, 2047]: interpolation spreads them over the bucket. */
	for (int i = 0; i < 100; i++)
		hist_add_value(&h, 1024 + i * 10);
	CHECK_EQ_U64(h.count, 100);
	CHECK_EQ_U64(h.max_ns, 1024 + 990);
	CHECK(hist_percentile(&h, 50) >= 1024 && hist_percentile(&h, 50) <= 2047);
	CHECK(hist_percentile(&h, 50) < hist_percentile(&h, 99));
	CHECK(hist_percentile(&h, 100) <= h.max_ns);
}

static void percentiles_pick_the_right_bucket(void)
{
	struct mt_hist h = {};

	for (int i = 0; i < 90; i++)
		hist_add_value(&h, 1000);		/* slot 9 */
	for (int i = 0; i < 10; i++)
		hist_add_value(&h, 1000000);		/* slot 19 */
	CHECK(hist_percentile(&h, 50) >= 512 && hist_percentile(&h, 50) < 1024);
	CHECK(hist_percentile(&h, 90) < 1024);
	CHECK(hist_percentile(&h, 99) >= 524288 && hist_percentile(&h, 99) <= 1000000);
	CHECK_EQ_U64(hist_percentile(&h, 100), 1000000);
}

static void empty_histogram(void)
{
	struct mt_hist h = {};

	CHECK_EQ_U64(hist_percentile(&h, 50), 0);
	CHECK_EQ_U64(hist_percentile(&h, 99), 0);
}

static void merge_adds_and_keeps_max(void)
{
	struct mt_hist a = {}, b = {};

	hist_add_value(&a, 10);
	hist_add_value(&a, 5000);
	hist_add_value(&b, 70000);
	hist_merge(&a, &b);
	CHECK_EQ_U64(a.count, 3);
	CHECK_EQ_U64(a.sum_ns, 75010);
	CHECK_EQ_U64(a.max_ns, 70000);
	CHECK_EQ_U64(a.slots[hist_slot_of(70000)], 1);
}

int main(void)
{
	RUN(slot_boundaries);
	RUN(percentiles_of_uniform_bucket);
	RUN(percentiles_pick_the_right_bucket);
	RUN(empty_histogram);
	RUN(merge_adds_and_keeps_max);
	CHECK_EXIT();
}
