// SPDX-License-Identifier: GPL-2.0
/* What a record file may not smuggle into reports (record/sanitize.c). */
#include "check.h"
#include "drain_events.h"
#include "record/sanitize.h"

static void hostile_text_becomes_valid_utf8(void)
{
	struct mt_event e = ev_queue(5, 1);
	char s[] = "caf\xc3\xa9 \xff\xfe x\xe2\x82";

	memcpy(e.task.comm, "\xff\xfe" "ab\xc3\xa9", 7);
	CHECK(rec_event_sanitize(&e));
	CHECK(!strcmp(e.task.comm, "??ab\xc3\xa9"));
	rec_text_sanitize(s);
	CHECK(!strcmp(s, "caf\xc3\xa9 ?? x??"));
}

int main(void)
{
	RUN(hostile_text_becomes_valid_utf8);
	CHECK_EXIT();
}
