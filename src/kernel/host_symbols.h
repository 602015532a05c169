/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of the symbols that tell the trylock, the fix and config options
 * apart this kernel has: by name in /proc/kallsyms (readable without
 * privileges, addresses or not), else in BTF (/sys/kernel/btf/vmlinux).
 */
#ifndef MIGTRACE_HOST_SYMBOLS_H
#define MIGTRACE_HOST_SYMBOLS_H

#include "model/host_facts.h"

void host_symbols(struct host_facts *h);

#endif
