// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/kernel_report.h"

const char *const kreport_kind_names[KR_KIND_MAX] = {
	[KR_SOFT_LOCKUP] = "soft_lockup", [KR_HUNG_TASK] = "hung_task",
	[KR_WQ_LOCKUP] = "workqueue_lockup", [KR_WQ_HOG] = "workqueue_hog",
	[KR_RCU_STALL] = "rcu_stall",
};

int kreport_kind_parse(const char *name)
{
	for (int k = 0; k < KR_KIND_MAX; k++)
		if (!strcmp(name, kreport_kind_names[k]))
			return k;
	return -1;
}
