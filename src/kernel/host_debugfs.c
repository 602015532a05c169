// SPDX-License-Identifier: GPL-2.0
/* sched/preempt and the fair server's runtime, from debugfs. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/facts_file.h"
#include "kernel/host_debugfs.h"

#define DEBUGFS "/sys/kernel/debug"

/* debugfs answers EPERM to an open under kernel lockdown (or an LSM's veto). */
static const char *why(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s%s", strerror(err),
		 err == EPERM ? " (kernel lockdown restricts debugfs, or an LSM)" : "");
	return buf;
}

static int read_ull(const char *path, unsigned long long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return errno;
	ok = fscanf(f, "%llu", v) == 1;
	fclose(f);
	return ok ? 0 : EINVAL;
}

static void read_preempt(struct host_facts *h, const char *how)
{
	char line[160] = "";
	FILE *f = fopen(DEBUGFS "/sched/preempt", "r");

	if (!f) {
		hf_unknown(h, HF_DEBUGFS_PREEMPT, DEBUGFS "/sched/preempt%s: %s%s", how, why(errno),
			   errno == ENOENT ? " (kernel without PREEMPT_DYNAMIC)" : "");
		return;
	}
	if (fgets(line, sizeof(line), f))
		line[strcspn(line, "\n")] = '\0';
	fclose(f);
	while (line[0] && line[strlen(line) - 1] == ' ')
		line[strlen(line) - 1] = '\0';
	hf_set(h, HF_DEBUGFS_PREEMPT, line, DEBUGFS "/sched/preempt%s", how);
}

/* "cpu0=RUNTIME/PERIOD cpu1=..." in ns; "absent" without sched/fair_server. */
static void read_fair_server(struct host_facts *h, const char *how)
{
	DIR *d = opendir(DEBUGFS "/sched/fair_server");
	char list[160] = "", path[300];
	struct dirent *de;
	size_t off = 0;
	int cpus = 0, err = 0;

	if (!d) {
		if (errno == ENOENT)
			hf_set(h, HF_FAIR_SERVER, "absent", DEBUGFS "/sched%s", how);
		else
			hf_unknown(h, HF_FAIR_SERVER, DEBUGFS "/sched/fair_server%s: %s", how,
				   why(errno));
		return;
	}
	while ((de = readdir(d))) {
		unsigned long long rt, per;
		int cpu;

		if (sscanf(de->d_name, "cpu%d", &cpu) != 1)
			continue;
		snprintf(path, sizeof(path), DEBUGFS "/sched/fair_server/%s/runtime", de->d_name);
		if ((err = read_ull(path, &rt)))
			break;
		snprintf(path, sizeof(path), DEBUGFS "/sched/fair_server/%s/period", de->d_name);
		if (read_ull(path, &per))
			per = 0;
		if (off < sizeof(list))
			off += snprintf(list + off, sizeof(list) - off, "%scpu%d=%llu/%llu",
					off ? " " : "", cpu, rt, per);
		cpus++;
	}
	closedir(d);
	if (off >= sizeof(list))	/* many CPUs: keep whole entries only */
		*strrchr(list, ' ') = '\0';
	if (err)
		hf_unknown(h, HF_FAIR_SERVER, "%s%s: %s", path, how, why(err));
	else if (cpus)
		hf_set(h, HF_FAIR_SERVER, list, DEBUGFS "/sched/fair_server/cpu*/runtime%s%s",
		       how, off >= sizeof(list) ? ", first CPUs only" : "");
	else
		hf_unknown(h, HF_FAIR_SERVER, DEBUGFS "/sched/fair_server%s: no cpuN", how);
}

/* In a child: private mount namespace, debugfs read-only, both facts as lines on fd. */
static void child(int fd)
{
	const char *how = " (debugfs mounted in a private mount namespace)";
	struct host_facts h;
	char buf[1024];
	size_t off = 0;

	/*
	 * Private before mounting, or the mount would propagate to the host's
	 * namespace through shared peers. "/" is not a mount point in a
	 * chroot: then /sys, the parent of DEBUGFS, is enough.
	 */
	if (unshare(CLONE_NEWNS) ||
	    (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
	     mount(NULL, "/sys", NULL, MS_REC | MS_PRIVATE, NULL)) ||
	    mount("debugfs", DEBUGFS, "debugfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
		  NULL)) {
		off = snprintf(buf, sizeof(buf), "error: %s", strerror(errno));
	} else {
		hf_init(&h);
		read_preempt(&h, how);
		read_fair_server(&h, how);
		facts_file_line(buf, sizeof(buf), &h, HF_DEBUGFS_PREEMPT);
		off = strlen(buf);
		facts_file_line(buf + off, sizeof(buf) - off, &h, HF_FAIR_SERVER);
		off += strlen(buf + off);
	}
	if (write(fd, buf, off) != (ssize_t)off)
		_exit(1);
	_exit(0);
}

static void private_mount(struct host_facts *h)
{
	char buf[1024] = "", err[200];
	struct host_facts got;
	int fds[2], status;
	ssize_t n, off = 0;
	pid_t pid;

	if (pipe(fds) || (pid = fork()) < 0) {
		hf_unknown(h, HF_DEBUGFS_PREEMPT, "debugfs not mounted; fork: %s", strerror(errno));
		hf_unknown(h, HF_FAIR_SERVER, "debugfs not mounted; fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		close(fds[0]);
		child(fds[1]);
	}
	close(fds[1]);
	while (off < (ssize_t)sizeof(buf) - 1 &&
	       ((n = read(fds[0], buf + off, sizeof(buf) - 1 - off)) > 0 || (n < 0 && errno == EINTR)))
		off += n > 0 ? n : 0;
	buf[off] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!strncmp(buf, "error: ", 7) || facts_file_parse(buf, &got, err, sizeof(err))) {
		hf_unknown(h, HF_DEBUGFS_PREEMPT, "debugfs not mounted at " DEBUGFS
			   "; mounting it privately failed: %s", buf[0] ? buf + 7 : "no answer");
		h->f[HF_FAIR_SERVER] = h->f[HF_DEBUGFS_PREEMPT];
		return;
	}
	h->f[HF_DEBUGFS_PREEMPT] = got.f[HF_DEBUGFS_PREEMPT];
	h->f[HF_FAIR_SERVER] = got.f[HF_FAIR_SERVER];
}

void host_debugfs(struct host_facts *h)
{
	struct stat st;

	if (!stat(DEBUGFS "/sched", &st)) {	/* mounted (and readable) */
		read_preempt(h, "");
		read_fair_server(h, "");
	} else if (stat(DEBUGFS, &st)) {
		hf_unknown(h, HF_DEBUGFS_PREEMPT, "no " DEBUGFS ": kernel without debugfs");
		h->f[HF_FAIR_SERVER] = h->f[HF_DEBUGFS_PREEMPT];
	} else if (geteuid()) {
		hf_unknown(h, HF_DEBUGFS_PREEMPT, "debugfs not mounted at " DEBUGFS ", and "
			   "mounting it needs root");
		h->f[HF_FAIR_SERVER] = h->f[HF_DEBUGFS_PREEMPT];
	} else {
		private_mount(h);
	}
}
