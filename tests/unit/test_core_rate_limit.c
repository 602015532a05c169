// SPDX-License-Identifier: GPL-2.0
/*
 * The token bucket of --kmsg (core/rate_limit.c): its burst, its refill,
 * the count of what it refused, and the bound that keeps migtrace under
 * /dev/kmsg's own limit (10 records per 5 s of a writer, dropped silently
 * beyond): with burst 8 and one every 5 s, no 5 s window lets through more
 * than 9, whatever the pattern of requests.
 */
#include "check.h"
#include "core/rate_limit.h"
#include "model/units.h"

#define PERIOD (5 * NSEC_PER_SEC)

static void burst_then_one_per_period(void)
{
	struct rate_limit r;
	uint64_t refused = 99, t = 1000 * NSEC_PER_SEC;

	rate_limit_init(&r, 8, PERIOD);
	for (int i = 0; i < 8; i++)
		CHECK(rate_limit_take(&r, t, &refused));
	CHECK_EQ_U64(refused, 0);
	CHECK(!rate_limit_take(&r, t, NULL));
	CHECK(!rate_limit_take(&r, t + PERIOD - 1, NULL));
	CHECK(rate_limit_take(&r, t + PERIOD, &refused));
	CHECK_EQ_U64(refused, 2);	/* said by the one let through */
	CHECK(!rate_limit_take(&r, t + PERIOD + 1, NULL));
	CHECK_EQ_U64(r.refused_total, 3);
	/* Two periods later: two tokens, not more. */
	CHECK(rate_limit_take(&r, t + 3 * PERIOD, &refused));
	CHECK_EQ_U64(refused, 1);
	CHECK(rate_limit_take(&r, t + 3 * PERIOD, NULL));
	CHECK(!rate_limit_take(&r, t + 3 * PERIOD, NULL));
}

static void refills_to_the_burst_only(void)
{
	struct rate_limit r;
	uint64_t t = 0;
	int n = 0;

	rate_limit_init(&r, 8, PERIOD);
	CHECK(rate_limit_take(&r, t, NULL));
	t += 1000 * PERIOD;	/* a long quiet spell */
	while (rate_limit_take(&r, t, NULL))
		n++;
	CHECK_EQ_U64(n, 8);
}

static void clock_going_back_grants_nothing(void)
{
	struct rate_limit r;

	rate_limit_init(&r, 1, PERIOD);
	CHECK(rate_limit_take(&r, 10 * PERIOD, NULL));
	CHECK(!rate_limit_take(&r, 2 * PERIOD, NULL));
	CHECK(!rate_limit_take(&r, 3 * PERIOD - 1, NULL));
	CHECK(rate_limit_take(&r, 3 * PERIOD, NULL));
}

/*
 * A request every 37 ms for 10 minutes (a flapping incident), then bursts
 * at odd times: in every 5 s window (the kernel's, which starts at any
 * write) at most 9 got through.
 */
static void never_past_the_kernels_limit(void)
{
	static uint64_t passed[20000];
	struct rate_limit r;
	unsigned int n = 0, worst = 0;
	uint64_t t = 0;

	rate_limit_init(&r, 8, PERIOD);
	for (int i = 0; i < 16000 && n < 20000; i++) {
		t += (i % 100 < 80) ? 37 * NSEC_PER_MSEC : 3 * NSEC_PER_SEC + 7;
		if (rate_limit_take(&r, t, NULL))
			passed[n++] = t;
	}
	for (unsigned int i = 0, j = 0; i < n; i++) {
		while (j < n && passed[j] <= passed[i] + PERIOD)
			j++;
		if (j - i > worst)
			worst = j - i;
	}
	CHECK(n > 100);
	CHECK(worst <= 9);
	/* The bound is reached: a full bucket at t, and the token of t + 5 s. */
	rate_limit_init(&r, 8, PERIOD);
	n = 0;
	for (t = 0; t <= PERIOD; t += NSEC_PER_SEC / 4)
		n += rate_limit_take(&r, t, NULL);
	CHECK_EQ_U64(n, 9);
}

int main(void)
{
	RUN(burst_then_one_per_period);
	RUN(refills_to_the_burst_only);
	RUN(clock_going_back_grants_nothing);
	RUN(never_past_the_kernels_limit);
	CHECK_EXIT();
}
