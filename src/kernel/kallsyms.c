// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/kallsyms.h"

/*
 * Reading /proc/kallsyms is most of migtrace's start (the kernel formats
 * every line read). Within one boot the kernel's own symbols do not move:
 * the answer is kept in a root-only file under /run (gone at reboot), keyed
 * by the boot, the kernel release and the names asked for, and used only
 * if root owns it and nobody else can write it, by root with CAP_SYSLOG.
 */
#define CACHE_DIR	"/run/migtrace"
#define CACHE_FILE	CACHE_DIR "/kallsyms"

static bool cache_key(const char *const *names, int n, char *key, size_t len)
{
	char boot[64] = "", rel[128] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	size_t off;

	if (!f)
		return false;
	if (!fgets(boot, sizeof(boot), f))
		boot[0] = '\0';
	fclose(f);
	f = fopen("/proc/sys/kernel/osrelease", "r");
	if (f) {
		if (!fgets(rel, sizeof(rel), f))
			rel[0] = '\0';
		fclose(f);
	}
	boot[strcspn(boot, "\n")] = rel[strcspn(rel, "\n")] = '\0';
	if (!boot[0])
		return false;
	off = snprintf(key, len, "%s %s", boot, rel);
	for (int i = 0; i < n && off < len; i++)
		off += snprintf(key + off, len - off, " %s", names[i][0] ? names[i] : "-");
	return off < len;
}

/* Only a process that may see the addresses anyway: CAP_SYSLOG (34) in effect. */
static bool may_see_addresses(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ULL << 34);
}

static bool trusted(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_uid == 0 && !(st.st_mode & 022);
}

static bool cache_read(const char *key, uint64_t *addrs, int n)
{
	char line[4096];
	FILE *f = fopen(CACHE_FILE, "r");
	bool ok = false;
	int i = 0;

	if (!f)
		return false;
	if (trusted(fileno(f)) && fgets(line, sizeof(line), f) &&
	    !strncmp(line, key, strlen(key)) && line[strlen(key)] == '\n') {
		while (i < n && fgets(line, sizeof(line), f))
			addrs[i++] = strtoull(line, NULL, 16);
		ok = i == n;
	}
	fclose(f);
	return ok;
}

static void cache_write(const char *key, const uint64_t *addrs, int n)
{
	char tmp[64];
	struct stat st;
	FILE *f;
	int fd;

	if (mkdir(CACHE_DIR, 0700) && errno != EEXIST)
		return;
	if (stat(CACHE_DIR, &st) || st.st_uid != 0 || (st.st_mode & 077))
		return;
	snprintf(tmp, sizeof(tmp), CACHE_FILE ".%d", (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return;
	}
	fprintf(f, "%s\n", key);
	for (int i = 0; i < n; i++)
		fprintf(f, "%llx\n", (unsigned long long)addrs[i]);
	if (fclose(f) || rename(tmp, CACHE_FILE))
		unlink(tmp);
}

static int resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	static char iobuf[1 << 20];
	char line[512];
	bool any_nonzero = false;
	int missing = 0;
	FILE *f;

	for (int i = 0; i < n; i++) {
		addrs[i] = 0;
		missing += names[i][0] != '\0';
	}
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));	/* the file is ~10 MB */
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff81000000 T name [module]": split without sscanf, it is hot. */
		char *type = strchr(line, ' '), *name, *end;
		uint64_t addr;

		if (!type || !(name = strchr(type + 1, ' ')))
			continue;
		name++;
		end = name + strcspn(name, " \t\n");
		*end = '\0';
		addr = strtoull(line, NULL, 16);
		if (addr)
			any_nonzero = true;
		for (int i = 0; i < n; i++)
			if (!addrs[i] && names[i][0] == name[0] && !strcmp(name, names[i]) && addr) {
				addrs[i] = addr;
				missing--;
			}
		/*
		 * Done once every name has its first address: the kernel formats
		 * each line as it is read, and the core kernel's symbols come
		 * first (about a third of the file for the hooks' functions).
		 */
		if (!missing)
			break;
	}
	fclose(f);
	return any_nonzero ? 0 : -EPERM;
}

int kallsyms_resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	char key[2048];
	bool keyed = !strcmp(path, "/proc/kallsyms") && geteuid() == 0 &&
		     may_see_addresses() && cache_key(names, n, key, sizeof(key));
	int ret;

	if (keyed && cache_read(key, addrs, n))
		return 0;
	ret = resolve(path, names, addrs, n);
	if (keyed && !ret)
		cache_write(key, addrs, n);
	return ret;
}
