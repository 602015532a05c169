// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "model/units.h"
#include "output/format.h"

const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < NSEC_PER_USEC)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < NSEC_PER_MSEC)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < NSEC_PER_SEC)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
	return buf;
}
