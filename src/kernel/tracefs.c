// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/tracefs.h"

static bool has_events(const char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events", root);
	return access(path, F_OK) == 0;
}

const char *tracefs_root(char *why, size_t why_len)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (has_events(roots[i]))
			return roots[i];
	if (mount("tracefs", roots[0], "tracefs", 0, NULL) == 0 && has_events(roots[0]))
		return roots[0];
	snprintf(why, why_len, "tracefs is not mounted and mounting it at %s failed: %s",
		 roots[0], strerror(errno));
	return NULL;
}

bool tracefs_event_exists(const char *root, const char *group_event)
{
	char path[512];

	if (!root)
		return false;
	snprintf(path, sizeof(path), "%s/events/%s", root, group_event);
	return access(path, F_OK) == 0;
}
