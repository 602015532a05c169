// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include "kernel/sampler.h"

static int cpu_clock_open(uint32_t cpu, uint64_t period_ns)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = period_ns,	/* cpu-clock counts nanoseconds */
		.disabled = 1,
	};

	return syscall(SYS_perf_event_open, &attr, -1, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void refused(char *why, size_t len, int err)
{
	int paranoid = -9;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");

	if (f) {
		if (fscanf(f, "%d", &paranoid) != 1)
			paranoid = -9;
		fclose(f);
	}
	if (err == EACCES || err == EPERM)
		snprintf(why, len, "perf_event_open of a CPU-wide cpu-clock event refused (%s; "
			 "needs CAP_PERFMON, perf_event_paranoid=%d)", strerror(err), paranoid);
	else if (err == ENOENT || err == EOPNOTSUPP)
		snprintf(why, len, "no software cpu-clock event (%s)", strerror(err));
	else if (err == ENOSYS)
		snprintf(why, len, "kernel without perf events (CONFIG_PERF_EVENTS)");
	else
		snprintf(why, len, "perf_event_open of a cpu-clock event failed: %s",
			 strerror(err));
}

bool sampler_probe(char *why, size_t len)
{
	int fd = cpu_clock_open(0, SAMPLER_PERIOD_NS);

	if (fd < 0) {
		refused(why, len, errno);
		return false;
	}
	close(fd);
	why[0] = '\0';
	return true;
}

void sampler_init(struct sampler *sm)
{
	memset(sm, 0, sizeof(*sm));
	for (int i = 0; i < MT_MAX_CPUS; i++)
		sm->pfd[i] = sm->link[i] = -1;
}

/* The BPF link (kernel 5.15+), else the older ioctl. */
static int attach(int pfd, int prog_fd, int *link)
{
	*link = bpf_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	if (*link >= 0)
		return 0;
	*link = -1;
	return ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) ? -errno : 0;
}

int sampler_open(struct sampler *sm, int prog_fd, uint32_t ncpus, uint64_t period_ns)
{
	int first_err = 0, offline = 0;

	sampler_init(sm);
	sm->ncpus = ncpus < MT_MAX_CPUS ? ncpus : MT_MAX_CPUS;
	for (uint32_t c = 0; c < sm->ncpus; c++) {
		int fd = cpu_clock_open(c, period_ns), err;

		if (fd < 0) {
			if (errno == ENODEV || errno == EINVAL)
				offline++;	/* a possible CPU that is not online */
			else if (!first_err)
				first_err = errno;
			continue;
		}
		err = attach(fd, prog_fd, &sm->link[c]);
		if (err) {
			close(fd);
			if (!first_err)
				first_err = -err;
			continue;
		}
		sm->pfd[c] = fd;
		sm->opened++;
	}
	if (!sm->opened) {
		refused(sm->why, sizeof(sm->why), first_err ? first_err : ENODEV);
		return -(first_err ? first_err : ENODEV);
	}
	if (offline)
		snprintf(sm->why, sizeof(sm->why), "%d CPUs offline at start: not sampled", offline);
	return 0;
}

void sampler_follow(struct sampler *sm, const uint32_t *cpus, uint32_t n)
{
	bool want[MT_MAX_CPUS] = {};

	for (uint32_t i = 0; i < n; i++)
		if (cpus[i] < sm->ncpus)
			want[cpus[i]] = true;
	for (uint32_t c = 0; c < sm->ncpus; c++) {
		if (sm->pfd[c] < 0 || want[c] == sm->on[c])
			continue;
		if (!ioctl(sm->pfd[c], want[c] ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0))
			sm->on[c] = want[c];
	}
}

bool sampler_on(const struct sampler *sm, uint32_t cpu)
{
	return cpu < sm->ncpus && sm->on[cpu];
}

bool sampler_covers(const struct sampler *sm, uint32_t cpu)
{
	return cpu < sm->ncpus && sm->pfd[cpu] >= 0;
}

/* Only the CPUs open covered: a zeroed sampler closes nothing (not fd 0). */
void sampler_close(struct sampler *sm)
{
	for (uint32_t c = 0; c < sm->ncpus; c++) {
		if (sm->link[c] >= 0)
			close(sm->link[c]);
		if (sm->pfd[c] >= 0)
			close(sm->pfd[c]);
		sm->link[c] = sm->pfd[c] = -1;
		sm->on[c] = false;
	}
	sm->opened = 0;
	sm->ncpus = 0;
}
