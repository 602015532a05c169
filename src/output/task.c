// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "model/sched.h"
#include "output/task.h"

/* A task name fit for a terminal: tasks choose their names, escapes included. */
static void comm_printable(char out[MT_COMM_LEN + 1], const char *comm)
{
	int i;

	for (i = 0; i < MT_COMM_LEN && comm[i]; i++)
		out[i] = comm[i] >= 0x20 && comm[i] < 0x7f ? comm[i] : '?';
	out[i] = '\0';
}

const char *task_str(char *buf, size_t len, const struct mt_task *t)
{
	char comm[MT_COMM_LEN + 1];

	if (!t->pid && !t->comm[0]) {
		snprintf(buf, len, "-");
		return buf;
	}
	comm_printable(comm, t->comm);
	if (sched_policy_is_rt(t->policy))
		snprintf(buf, len, "%s/%u %s:%d", comm, t->pid,
			 sched_policy_name(t->policy), rt_priority_of(t->prio));
	else
		snprintf(buf, len, "%s/%u %s", comm, t->pid, sched_policy_name(t->policy));
	return buf;
}

void json_task(struct json *j, const char *key, const struct mt_task *t)
{
	json_key_obj(j, key);
	json_u64(j, "pid", t->pid);
	json_u64(j, "tgid", t->tgid);
	json_str(j, "comm", t->comm);
	json_str(j, "policy", sched_policy_name(t->policy));
	json_i64(j, "prio", t->prio);
	json_i64(j, "rt_priority", rt_priority_of(t->prio));
	json_close(j);
}
