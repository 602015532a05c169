// SPDX-License-Identifier: GPL-2.0
/* What a record says besides events and snapshots (record/meta.c, record/host.c). */
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

/*
 * The boot a run was recorded in goes out with the header and comes back
 * (compare groups runs by it); a record without one, written before it
 * existed, reads back with none.
 */
static void header_keeps_the_boot(void)
{
	struct rec_header h = { .ncpus = 2 }, back;
	char buf[4096], why[128];
	int n;

	snprintf(h.boot_id, sizeof(h.boot_id), "0f2d4c1e-8a8b-4bb5-9a3e-2c4ad1e9b7f1");
	n = rec_header_format(&h, buf, sizeof(buf));
	CHECK(n > 0 && strstr(buf, "\nboot_id=0f2d4c1e-8a8b-4bb5-9a3e-2c4ad1e9b7f1\n") != NULL);
	memset(&back, 0, sizeof(back));
	CHECK(rec_header_parse(buf, n, &back, why, sizeof(why)));
	CHECK(!strcmp(back.boot_id, h.boot_id));
	h.boot_id[0] = 0;
	n = rec_header_format(&h, buf, sizeof(buf));
	CHECK(n > 0 && !strstr(buf, "boot_id"));
	memset(&back, 0, sizeof(back));
	CHECK(rec_header_parse(buf, n, &back, why, sizeof(why)) && !back.boot_id[0]);
	/* This machine: a boot id, as the kernel gives it (36 characters). */
	rec_header_fill_host(&h);
	CHECK(strlen(h.boot_id) == 36);
}

int main(void)
{
	RUN(result_line_throughput);
	RUN(header_keeps_the_boot);
	CHECK_EXIT();
}
