// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/jiffies.h"
#include "kernel/clock.h"
#include "kernel/discover.h"
#include "migtrace.skel.h"

/* Every record of one iterator run; tid 0: all tasks. */
static int read_iter(struct migtrace_bpf *skel, uint32_t tid, struct mt_disc_rec **recs,
		     uint32_t *n)
{
	union bpf_iter_link_info info = {};
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	struct bpf_link *link;
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int fd, err = 0;

	if (tid) {
		info.task.tid = tid;
		opts.link_info = &info;
		opts.link_info_len = sizeof(info);
	}
	link = bpf_program__attach_iter(skel->progs.iter_discover, &opts);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		ssize_t got;

		if (len + 65536 > cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

			if (!b) {
				err = -ENOMEM;
				break;
			}
			buf = b;
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (!got)
			break;
		len += got;
	}
	close(fd);
out:
	bpf_link__destroy(link);
	if (err) {
		free(buf);
		return err;
	}
	*recs = (struct mt_disc_rec *)buf;
	*n = len / sizeof(struct mt_disc_rec);
	return 0;
}

int discover_run(struct migtrace_bpf *skel, bool seed, bool all, struct discovery *d)
{
	int err;

	memset(d, 0, sizeof(*d));
	if (!skel || bpf_program__fd(skel->progs.iter_discover) < 0) {
		snprintf(d->why, sizeof(d->why), "the discovery program is not loaded");
		return -ENOENT;
	}
	skel->bss->disc_seed = seed;
	skel->bss->disc_all = all;
	skel->bss->disc_seeded = 0;
	skel->bss->disc_waiters = 0;
	d->at_ns = mono_ns();
	err = read_iter(skel, 0, &d->recs, &d->nrecs);
	skel->bss->disc_seed = 0;
	if (err) {
		snprintf(d->why, sizeof(d->why), "reading the task iterator failed: %s",
			 strerror(-err));
		return err;
	}
	d->ran = true;
	d->waiters = skel->bss->disc_waiters;
	for (uint32_t i = 0; i < d->nrecs; i++)
		d->seeded += d->recs[i].type == MT_DISC_WORK && (d->recs[i].flags & MT_DF_SEEDED);
	if (d->nrecs)
		d->hz = hz_from_jiffies(d->recs[0].jiffies, d->recs[0].ktime);
	return 0;
}

int discover_task(struct migtrace_bpf *skel, uint32_t tid, struct mt_disc_rec *out)
{
	struct mt_disc_rec *recs = NULL;
	uint32_t n = 0;
	int err;

	if (!skel || bpf_program__fd(skel->progs.iter_discover) < 0)
		return -ENOENT;
	skel->bss->disc_seed = 0;
	skel->bss->disc_all = 1;
	err = read_iter(skel, tid, &recs, &n);
	if (err == -EINVAL)	/* no per-task iterator before 6.1: read them all */
		err = read_iter(skel, 0, &recs, &n);
	skel->bss->disc_all = 0;
	if (err)
		return err;
	err = -ESRCH;
	for (uint32_t i = 0; i < n; i++)
		if (recs[i].type == MT_DISC_TASK && recs[i].task.pid == tid) {
			*out = recs[i];
			err = 0;
			break;
		}
	free(recs);
	return err;
}
