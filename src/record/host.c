// SPDX-License-Identifier: GPL-2.0
/* What a record says about the machine it was made on. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "record/meta.h"
#include "record/sanitize.h"

static void first_line_value(const char *path, const char *key, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		colon[strcspn(colon, "\n")] = 0;
		snprintf(out, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void read_small(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = 0;
	if (!f)
		return;
	if (!fgets(out, len, f))
		out[0] = 0;
	out[strcspn(out, "\n")] = 0;
	fclose(f);
}

/* "none" on bare metal; the hypervisor otherwise, as far as it says. */
static void detect_virt(char *out, size_t len)
{
	char flags[8192] = "", vendor[128];

	first_line_value("/proc/cpuinfo", "flags", flags, sizeof(flags));
	snprintf(out, len, "none");
	if (!strstr(flags, " hypervisor"))
		return;
	read_small("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	if (strstr(vendor, "QEMU")) {
		snprintf(out, len, "qemu");
		return;
	}
	snprintf(out, len, "vm");
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d;
		char sig[13];

		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		sig[12] = 0;
		if (!strcmp(sig, "KVMKVMKVM"))
			snprintf(out, len, "kvm");
		else if (!strncmp(sig, "TCGTCGTCG", 9))
			snprintf(out, len, "qemu-tcg");
		else if (!strcmp(sig, "Microsoft Hv"))
			snprintf(out, len, "hyperv");
		else if (!strcmp(sig, "VMwareVMware"))
			snprintf(out, len, "vmware");
	}
#endif
}

void rec_header_fill_host(struct rec_header *h)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
		snprintf(h->hostname, sizeof(h->hostname), "%.63s", u.nodename);
	}
	/* Runs of one boot share its state (caches, placement): compare groups them. */
	read_small("/proc/sys/kernel/random/boot_id", h->boot_id, sizeof(h->boot_id));
	first_line_value("/proc/cpuinfo", "model name", h->cpu_model, sizeof(h->cpu_model));
	if (!h->cpu_model[0])
		snprintf(h->cpu_model, sizeof(h->cpu_model), "unknown");
	detect_virt(h->virt, sizeof(h->virt));
}
