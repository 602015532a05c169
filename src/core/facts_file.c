// SPDX-License-Identifier: GPL-2.0
/* Host facts as text (format in facts_file.h). */
#include <stdio.h>
#include <string.h>
#include "core/facts_file.h"

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s + strspn(s, " \t");

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	memmove(s, p, strlen(p) + 1);
}

static int parse_line(char *line, int lineno, struct host_facts *h, char *err, size_t errlen)
{
	char *colon, *open, *value;
	int id;

	trim(line);
	if (!line[0] || line[0] == '#' || !strncmp(line, "expect ", 7))
		return 0;
	colon = strchr(line, ':');
	open = strrchr(line, '[');
	if (!colon || !open || open < colon || line[strlen(line) - 1] != ']') {
		snprintf(err, errlen, "line %d: not \"name: value [source]\"", lineno);
		return -1;
	}
	*colon = '\0';
	trim(line);
	if ((id = hf_lookup(line)) < 0) {
		snprintf(err, errlen, "line %d: unknown fact \"%s\"", lineno, line);
		return -1;
	}
	*open = '\0';
	open[strlen(open + 1)] = '\0';	/* the closing bracket */
	value = colon + 1;
	trim(value);
	if (!strcmp(value, "unknown"))
		hf_unknown(h, id, "%s", open + 1);
	else
		hf_set(h, id, value, "%s", open + 1);
	return 0;
}

int facts_file_parse(const char *text, struct host_facts *h, char *err, size_t errlen)
{
	const char *p = text;
	int lineno = 0;

	hf_init(h);
	for (int i = 0; i < HF_MAX; i++)
		hf_unknown(h, i, "not in the facts file");
	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[1024];

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "line %d: longer than %zu bytes", lineno,
				 sizeof(line) - 1);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (parse_line(line, lineno, h, err, errlen))
			return -1;
		p += n + (p[n] == '\n');
	}
	return 0;
}

void facts_file_line(char *buf, size_t len, const struct host_facts *h, enum hf_id id)
{
	const struct hf_value *v = &h->f[id];
	char src[sizeof(v->source)];

	snprintf(src, sizeof(src), "%s", v->source);
	for (char *c = src; *c; c++)
		*c = *c == '[' ? '(' : *c == ']' ? ')' : *c;
	snprintf(buf, len, "%s: %s [%s]\n", hf_names[id], v->known ? v->value : "unknown", src);
}
