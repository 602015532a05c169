// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/stack_syms.h"
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
#define RANGES_FILE	CACHE_DIR "/stack-ranges"

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

static bool cache_read(const char *path, const char *key, uint64_t *addrs, int n)
{
	char line[4096];
	FILE *f = fopen(path, "r");
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

static void cache_write(const char *path, const char *key, const uint64_t *addrs, int n)
{
	char tmp[64];
	struct stat st;
	FILE *f;
	int fd;

	if (mkdir(CACHE_DIR, 0700) && errno != EEXIST)
		return;
	if (stat(CACHE_DIR, &st) || st.st_uid != 0 || (st.st_mode & 077))
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
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
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
}

/*
 * Call fn for every symbol of the file, "ffffffff81000000 T name\t[module]"
 * split without sscanf (it is hot: ~120k lines), until fn returns false.
 * Returns 0, -ENOENT, or -EPERM when every address read as zero.
 */
typedef bool (*symbol_fn)(void *ctx, uint64_t addr, char type, const char *name);

static int for_each_symbol(const char *path, symbol_fn fn, void *ctx)
{
	static char iobuf[1 << 20];	/* the file is ~10 MB */
	bool any_nonzero = false;
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return -ENOENT;
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	while (fgets(line, sizeof(line), f)) {
		char *type = strchr(line, ' '), *name;
		uint64_t addr;

		if (!type || !(name = strchr(type + 1, ' ')))
			continue;
		name++;
		name[strcspn(name, " \t\n")] = '\0';
		addr = strtoull(line, NULL, 16);
		any_nonzero |= addr != 0;
		if (!fn(ctx, addr, type[1], name))
			break;
	}
	fclose(f);
	return any_nonzero ? 0 : -EPERM;
}

struct wanted_names {
	const char *const *names;
	uint64_t *addrs;
	int n, missing;
};

static bool find_names(void *ctx, uint64_t addr, char type, const char *name)
{
	struct wanted_names *w = ctx;

	(void)type;
	for (int i = 0; i < w->n; i++)
		if (!w->addrs[i] && w->names[i][0] == name[0] && !strcmp(name, w->names[i]) &&
		    addr) {
			w->addrs[i] = addr;
			w->missing--;
		}
	/*
	 * Done once every name has its first address: the kernel formats
	 * each line as it is read, and the core kernel's symbols come
	 * first (about a third of the file for the hooks' functions).
	 */
	return w->missing > 0;
}

static int resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	struct wanted_names w = { names, addrs, n, 0 };

	for (int i = 0; i < n; i++) {
		addrs[i] = 0;
		w.missing += names[i][0] != '\0';
	}
	return for_each_symbol(path, find_names, &w);
}

int kallsyms_resolve(const char *path, const char *const *names, uint64_t *addrs, int n)
{
	char key[2048];
	bool keyed = !strcmp(path, "/proc/kallsyms") && geteuid() == 0 &&
		     may_see_addresses() && cache_key(names, n, key, sizeof(key));
	int ret;

	if (keyed && cache_read(CACHE_FILE, key, addrs, n))
		return 0;
	ret = resolve(path, names, addrs, n);
	if (keyed && !ret)
		cache_write(CACHE_FILE, key, addrs, n);
	return ret;
}

/* FNV-1a of /proc/modules: module symbols move when modules come and go. */
static uint64_t modules_hash(void)
{
	uint64_t h = 1469598103934665603ULL;
	char buf[4096];
	size_t n;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return h;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	fclose(f);
	return h;
}

/* The ranges as the cache keeps them: n, found, over, then start, end, bits each. */
#define RANGES_WORDS (3 + 3 * MT_STACK_RANGES)

static void ranges_pack(const struct stack_syms *s, uint64_t *w)
{
	memset(w, 0, RANGES_WORDS * sizeof(*w));
	w[0] = s->n;
	w[1] = s->found;
	w[2] = s->over;
	for (uint32_t i = 0; i < s->n; i++) {
		w[3 + 3 * i] = s->r[i].start;
		w[4 + 3 * i] = s->r[i].end;
		w[5 + 3 * i] = s->r[i].bits;
	}
}

static bool ranges_unpack(struct stack_syms *s, const uint64_t *w)
{
	stack_syms_init(s);
	if (w[0] > MT_STACK_RANGES)
		return false;
	s->n = w[0];
	s->found = w[1];
	s->over = w[2];
	for (uint32_t i = 0; i < s->n; i++)
		s->r[i] = (struct mt_sym_range){ .start = w[3 + 3 * i], .end = w[4 + 3 * i],
						 .bits = w[5 + 3 * i] };
	return true;
}

static bool add_stack_sym(void *ctx, uint64_t addr, char type, const char *name)
{
	stack_syms_add(ctx, addr, type, name);
	return true;
}

int kallsyms_stack_syms(const char *path, struct stack_syms *s)
{
	uint64_t words[RANGES_WORDS];
	char key[512], hash[24];
	const char *key_names[] = { "stack-ranges-1", hash };
	bool keyed;
	int err;

	snprintf(hash, sizeof(hash), "%llx", (unsigned long long)modules_hash());
	keyed = !strcmp(path, "/proc/kallsyms") && geteuid() == 0 && may_see_addresses() &&
		cache_key(key_names, 2, key, sizeof(key));
	if (keyed && cache_read(RANGES_FILE, key, words, RANGES_WORDS) &&
	    ranges_unpack(s, words))
		return 0;
	stack_syms_init(s);
	/* Every line: a function ends where the next symbol starts, modules included. */
	err = for_each_symbol(path, add_stack_sym, s);
	stack_syms_finish(s);
	if (err)
		return err;
	if (keyed && !s->nomem) {
		ranges_pack(s, words);
		cache_write(RANGES_FILE, key, words, RANGES_WORDS);
	}
	return 0;
}

struct symbolize {
	const uint64_t *addrs;
	uint64_t *best;
	char (*names)[64];
	int n;
};

static bool nearest_below(void *ctx, uint64_t addr, char type, const char *name)
{
	struct symbolize *z = ctx;

	if (!addr || (type != 't' && type != 'T' && type != 'w' && type != 'W'))
		return true;
	for (int i = 0; i < z->n; i++)
		if (addr <= z->addrs[i] && addr > z->best[i]) {
			z->best[i] = addr;
			snprintf(z->names[i], 64, "%.40s+0x%llx", name,
				 (unsigned long long)(z->addrs[i] - addr));
		}
	return true;
}

int kallsyms_symbolize(const char *path, const uint64_t *addrs, int n, char (*names)[64])
{
	uint64_t best[n > 0 ? n : 1];
	struct symbolize z = { addrs, best, names, n };
	int err;

	for (int i = 0; i < n; i++) {
		best[i] = 0;
		names[i][0] = '\0';
	}
	err = for_each_symbol(path, nearest_below, &z);
	return err == -ENOENT ? err : 0;
}
