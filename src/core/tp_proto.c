// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "core/tp_proto.h"

/* The next argument of a list: its type without surrounding blanks. */
static const char *next_arg(const char *s, char *out, size_t len)
{
	size_t n;

	while (*s == ' ' || *s == ',')
		s++;
	n = strcspn(s, ",");
	while (n && s[n - 1] == ' ')
		n--;
	snprintf(out, len, "%.*s", (int)n, s);
	s += n;
	while (*s == ' ')
		s++;
	return s;
}

bool tp_proto_match(const char *expected, const char *actual, char *why, size_t len)
{
	const char *e = expected, *a = actual;
	char te[96], ta[96];

	for (unsigned int i = 1; *e; i++) {
		while (*e == ' ' || *e == ',')
			e++;
		if (!*e)
			break;
		e = next_arg(e, te, sizeof(te));
		while (*a == ' ' || *a == ',')
			a++;
		if (!*a) {
			snprintf(why, len, "no argument %u (%s) in (%s)", i, te, actual);
			return false;
		}
		a = next_arg(a, ta, sizeof(ta));
		if (strcmp(te, ta)) {
			snprintf(why, len, "argument %u is %s, not %s", i, ta, te);
			return false;
		}
	}
	return true;
}
