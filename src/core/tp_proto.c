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

/*
 * One spelling per integer type: BTF names them as the compiler does
 * ("long unsigned int"), C code as people write them ("unsigned long").
 * A pointer's stars stay on the end.
 */
static void canon(char *type, size_t len)
{
	static const char *const same[][2] = {
		{ "long long unsigned int", "unsigned long long" },
		{ "long long int", "long long" },
		{ "long unsigned int", "unsigned long" },
		{ "long int", "long" },
		{ "short unsigned int", "unsigned short" },
		{ "short int", "short" },
		{ "_Bool", "bool" },
	};
	char out[96];

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		size_t n = strlen(same[i][0]);

		if (!strncmp(type, same[i][0], n) && (type[n] == '\0' || type[n] == ' ')) {
			snprintf(out, sizeof(out), "%s%s", same[i][1], type + n);
			snprintf(type, len, "%s", out);
			return;
		}
	}
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
		canon(te, sizeof(te));
		canon(ta, sizeof(ta));
		if (strcmp(te, ta)) {
			snprintf(why, len, "argument %u is %s, not %s", i, ta, te);
			return false;
		}
	}
	return true;
}
