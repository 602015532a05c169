// SPDX-License-Identifier: GPL-2.0
/* compare/stats.c against known values: summaries, percentiles (R type 7). */
#include "check.h"
#include "compare/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void summary_values(void)
{
	static const double x[] = { 4, 1, 3, 2, 10 };
	struct stats_summary s;

	stats_summarize(x, N(x), &s);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 10, 0);
	CHECK_NEAR(s.amean, 4, 1e-12);
	CHECK_NEAR(s.hmean, 5 / (1 / 4.0 + 1 + 1 / 3.0 + 0.5 + 0.1), 1e-12);
	/* A run that did nothing (a livelocked one: 0 migrations/s) makes the rate 0, its limit. */
	CHECK_NEAR(stats_hmean((const double[]){ 4, 0, 3 }, 3), 0, 0);
	CHECK(isnan(stats_hmean((const double[]){ 4, -1 }, 2)));
	CHECK_NEAR(s.stddev, sqrt(12.5), 1e-12);
	CHECK_NEAR(s.cov, sqrt(12.5) / 4, 1e-12);
	CHECK_NEAR(s.p50, 3, 1e-12);
	CHECK_NEAR(s.p99, 9.76, 1e-9);	/* R: quantile(x, .99) */
	stats_summarize(x, 0, &s);
	CHECK(isnan(s.amean) && s.n == 0);
}

int main(void)
{
	RUN(summary_values);
	CHECK_EXIT();
}
