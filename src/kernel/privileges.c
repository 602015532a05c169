// SPDX-License-Identifier: GPL-2.0
/* The one privilege check, before anything is asked of the kernel. */
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel/privileges.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38	/* Linux 5.8 */
#endif
#ifndef CAP_BPF
#define CAP_BPF		39	/* Linux 5.8 */
#endif

static bool cap_effective(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

int privileges_check(char *err, size_t len, bool *warn_kallsyms)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	*warn_kallsyms = false;
	if (syscall(SYS_capget, &h, d)) {
		snprintf(err, len, "reading capabilities failed: %s", strerror(errno));
		return -EPERM;
	}
	if (cap_effective(d, CAP_SYS_ADMIN) ||
	    (cap_effective(d, CAP_BPF) && cap_effective(d, CAP_PERFMON))) {
		*warn_kallsyms = !cap_effective(d, CAP_SYSLOG) && !cap_effective(d, CAP_SYS_ADMIN);
		return 0;
	}
	snprintf(err, len, "missing capabilities:%s%s (or CAP_SYS_ADMIN): run as root or "
		 "grant them (see migtrace(8))",
		 cap_effective(d, CAP_BPF) ? "" : " CAP_BPF",
		 cap_effective(d, CAP_PERFMON) ? "" : " CAP_PERFMON");
	return -EPERM;
}
