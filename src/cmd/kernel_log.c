// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "cmd/kernel_log.h"
#include "kernel/clock.h"

static unsigned int read_log(void *ctx, bool final, struct kernel_report *out, unsigned int max,
			     struct kernel_log_state *st)
{
	struct kernel_log *kl = ctx;
	const struct kernel_log_state *rs = &kl->reader.state;
	uint64_t now = mono_ns();
	unsigned int n = 0;

	if (final || now >= kl->next_read) {
		n = kmsg_read(&kl->reader, out, max, KERNEL_LOG_RECORDS, final);
		kl->next_read = now + KERNEL_LOG_READ_NS;
	}
	/* The reader's part of the state; the loop counts the reports. */
	st->known = rs->known;
	st->readable = rs->readable;
	memcpy(st->why, rs->why, sizeof(st->why));
	st->records = rs->records;
	st->last_seq = rs->last_seq;
	st->lost = rs->lost;
	return n;
}

int kernel_log_add(struct kernel_log *kl, struct session_loop *l)
{
	struct loop_callbacks cb = { .ctx = kl, .read_kernel_log = read_log };

	kmsg_open(&kl->reader, KMSG_PATH);
	kl->next_read = 0;
	if (!kl->reader.state.readable)
		fprintf(stderr, "migtrace: the kernel's own stall reports will not be seen: %s\n",
			kl->reader.state.why);
	return session_loop_add(l, &cb);
}

const struct kernel_log_state *kernel_log_state(const struct kernel_log *kl)
{
	return &kl->reader.state;
}

void kernel_log_close(struct kernel_log *kl)
{
	kmsg_close(&kl->reader);
}
