// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "kallsyms.h"

int kallsyms_resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	char line[512], name[256], type;
	bool any_nonzero = false;
	uint64_t addr;
	FILE *f;

	for (int i = 0; i < n; i++)
		addrs[i] = 0;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		/* Module symbols carry a trailing "[mod]": the name still parses. */
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			continue;
		if (addr)
			any_nonzero = true;
		for (int i = 0; i < n; i++)
			if (!addrs[i] && !strcmp(name, names[i]))
				addrs[i] = addr;
	}
	fclose(f);
	return any_nonzero ? 0 : -EPERM;
}
