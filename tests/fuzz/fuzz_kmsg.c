// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel log records (core/kmsg_parse.c): the input is
 * records, one a line (a line starting with a space is the dictionary of
 * the one before; "R " before a record is skipped, so the files of
 * tests/data/kmsg are seeds), each parsed and fed to the report parser,
 * every report printed as the tracer prints it. make fuzz runs it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "core/kmsg_parse.h"
#include "output/kreport_print.h"

static void reports(FILE *null, const struct kernel_report *kr, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (kr[i].kind >= KR_KIND_MAX || strnlen(kr[i].text, sizeof(kr[i].text)) ==
		    sizeof(kr[i].text))
			__builtin_trap();	/* a report this build cannot name, or unterminated */
		kreport_print(null, &kr[i], false);
		kreport_print(null, &kr[i], true);
		kreport_print_brief(null, &kr[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kmsg_parser p;
	static struct kmsg_record rec;
	static FILE *null;
	struct kernel_report out[KMSG_REPORTS_PER_RECORD];
	const char *s = (const char *)data, *end = s + size;

	if (!null)
		null = fopen("/dev/null", "w");
	kmsg_parser_init(&p);
	while (s < end) {
		const char *e = s;

		/* One record: up to a newline that no dictionary line follows. */
		while (e < end && !(*e == '\n' && (e + 1 == end || e[1] != ' ')))
			e++;
		if (e - s >= 2 && s[0] == 'R' && s[1] == ' ')
			s += 2;
		if (kmsg_record_parse(s, e - s, &rec)) {
			if (strnlen(rec.text, sizeof(rec.text)) == sizeof(rec.text))
				__builtin_trap();
			reports(null, out, kmsg_parse(&p, &rec, out));
		}
		s = e + 1;
	}
	reports(null, out, kmsg_parse_flush(&p, out));
	return 0;
}
