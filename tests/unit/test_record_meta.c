// SPDX-License-Identifier: GPL-2.0
/* What a record says besides events and snapshots (record/meta.c). */
#include "check.h"
#include "record/meta.h"

static void result_line_throughput(void)
{
	double d = 0;

	CHECK(rec_result_throughput("RESULT scenario=x migrations=4 migrations_per_s=12.5 x=1", &d));
	CHECK(d == 12.5);
	CHECK(!rec_result_throughput("RESULT scenario=x migrations_per_s=...", &d));
	CHECK(!rec_result_throughput("NOTRESULT migrations_per_s=1", &d));
}

int main(void)
{
	RUN(result_line_throughput);
	CHECK_EXIT();
}
