// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/kallsyms.h"

int kallsyms_resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	static char iobuf[1 << 20];
	char line[512];
	bool any_nonzero = false;
	FILE *f;

	for (int i = 0; i < n; i++)
		addrs[i] = 0;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));	/* the file is ~10 MB */
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff81000000 T name [module]": split without sscanf, it is hot. */
		char *type = strchr(line, ' '), *name, *end;
		uint64_t addr;

		if (!type || !(name = strchr(type + 1, ' ')))
			continue;
		name++;
		end = name + strcspn(name, " \t\n");
		*end = '\0';
		addr = strtoull(line, NULL, 16);
		if (addr)
			any_nonzero = true;
		for (int i = 0; i < n; i++)
			if (!addrs[i] && names[i][0] == name[0] && !strcmp(name, names[i]))
				addrs[i] = addr;
	}
	fclose(f);
	return any_nonzero ? 0 : -EPERM;
}
