// SPDX-License-Identifier: GPL-2.0
/* Symbols present or absent, by name: kallsyms, else BTF. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/host_symbols.h"

/* Each fact is present when any of its names is (renamed across versions). */
static const struct { enum hf_id id; const char *names[2]; } wanted[] = {
	{ HF_SYM_SOFTLEAF_WAIT, { "softleaf_entry_wait_on_locked" } },
	{ HF_SYM_MIGRATION_WAIT, { "migration_entry_wait_on_locked" } },
	{ HF_SYM_FINALIZE, { "__migrate_device_finalize" } },
	{ HF_SYM_DEVICE_EXCLUSIVE, { "make_device_exclusive", "make_device_exclusive_range" } },
	{ HF_SYM_HMM_RANGE_FAULT, { "hmm_range_fault" } },
};
#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

/* name, or a compiler's copy of it: name.isra.0, name.constprop.0, name.part.0 */
static bool same(const char *sym, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len >= n && !strncmp(sym, name, n) && (len == n || sym[n] == '.');
}

static void mark(bool *found, const char *sym, size_t len)
{
	for (size_t i = 0; i < NWANTED; i++)
		for (int k = 0; k < 2 && wanted[i].names[k]; k++)
			if (same(sym, len, wanted[i].names[k]))
				found[i] = true;
}

/* Lines "ADDR TYPE NAME [MODULE]"; 0 when at least one line was read. */
static int from_kallsyms(const char *path, bool *found)
{
	static char iobuf[1 << 20];
	char line[512];
	long lines = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	while (fgets(line, sizeof(line), f)) {
		char *type = strchr(line, ' '), *name = type ? strchr(type + 1, ' ') : NULL;

		lines++;
		if (name) {
			name++;
			mark(found, name, strcspn(name, " \t\n"));
		}
	}
	fclose(f);
	return lines ? 0 : -ENODATA;
}

struct btf_header {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

/* The names in BTF's string section (functions, types, members). */
static int from_btf(const char *path, bool *found)
{
	FILE *f = fopen(path, "rb");
	struct btf_header hdr;
	char *strs;
	int err = 0;

	if (!f)
		return -errno;
	if (fread(&hdr, sizeof(hdr), 1, f) != 1 || hdr.magic != 0xeB9F ||
	    fseek(f, (long)hdr.hdr_len + hdr.str_off, SEEK_SET)) {
		fclose(f);
		return -EINVAL;
	}
	strs = malloc(hdr.str_len + 1);
	if (!strs || fread(strs, 1, hdr.str_len, f) != hdr.str_len) {
		err = strs ? -EIO : -ENOMEM;
	} else {
		strs[hdr.str_len] = '\0';
		for (uint32_t off = 0; off < hdr.str_len; off += strlen(strs + off) + 1)
			mark(found, strs + off, strlen(strs + off));
	}
	free(strs);
	fclose(f);
	return err;
}

void host_symbols(struct host_facts *h)
{
	const char *ks = "/proc/kallsyms", *btf = "/sys/kernel/btf/vmlinux";
	bool found[NWANTED] = { false };
	int err = from_kallsyms(ks, found), err2;
	char where[200];

	if (!err) {
		snprintf(where, sizeof(where), "%s", ks);
	} else if (!(err2 = from_btf(btf, found))) {
		snprintf(where, sizeof(where), "%s (names in BTF; %s: %s)", btf, ks,
			 strerror(-err));
	} else {
		for (size_t i = 0; i < NWANTED; i++)
			hf_unknown(h, wanted[i].id, "%s: %s; %s: %s", ks, strerror(-err), btf,
				   strerror(-err2));
		return;
	}
	for (size_t i = 0; i < NWANTED; i++)
		hf_set(h, wanted[i].id, found[i] ? "present" : "absent", "%s", where);
}
