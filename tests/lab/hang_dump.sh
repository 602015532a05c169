#!/bin/bash
# lab run's silent-guest path (scripts/lab/README.md, "silent guests"): a
# guest that writes nothing is dumped through the qemu monitor before it is
# killed, its unfinished run is booted again once (--hang-retries 1), and a
# second hang is exit 4. The silent guest: baseline's kernel-hog control
# held for 100 s (one CPU busy in HMM_DMIRROR_KERNEL_HOG, the run writes
# nothing until it ends) with --observe-ms 1000, so the host gives up after
# 46 s. Two boots, about 2 minutes; run under the lab's lock. The results
# path is longer than a unix socket path may be (the first CI run of the
# dump failed on lab check's).
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, skip, $WORK
CACHE=${MIGTRACE_LAB_CACHE:-/var/cache/migtrace-lab}
ls -d "$CACHE"/baseline-* >/dev/null 2>&1 ||
	{ skip "hang dump: no baseline kernel in $CACHE: run scripts/lab/lab build baseline first"; exit 0; }

# a results path longer than a unix socket's 108 bytes, as lab check's are
R=$WORK/a-results-directory-named-like-lab-check-cells.rt-nothrottle.none.__spinners_1/hang
mkdir -p "${R%/hang}"
scripts/lab/lab run baseline repro --scenario kernel-hog --repro-args "--hold-ms 100000" \
	--observe-ms 1000 --runs 1 --hang-retries 1 --no-migtrace --out "$R" > "$WORK/hang.out" 2>&1
rc=$?
grep '^VERDICT\|^INFO\|hang dump' "$WORK/hang.out"

check "a guest silent twice: exit 4 (guest hang)" [ "$rc" = 4 ]
check "boot 1 hung, was dumped and its run booted again" \
	grep -q "^INFO guest-hang-retried: $R/boot-1: .*; vCPUs: $R/boot-1/hang-cpus.txt" "$WORK/hang.out"
check "boot 2 hung again: the verdict, with its dump" \
	grep -q "^VERDICT guest-hang: $R/boot-2: .*; vCPUs: $R/boot-2/hang-cpus.txt" "$WORK/hang.out"
# 4 vCPUs named from System.map, one busy (the hog or what it calls: its
# stack is in the backtraces below), the others idle
check "the dump names every vCPU's RIP, one of them busy" \
	bash -c "[ \$(grep -c '^CPU#[0-9] RIP ffffffff[0-9a-f]* [a-z_][a-z_0-9.]*+0x' '$R/boot-1/hang-cpus.txt') = 4 ] &&
		grep '^CPU#[0-9] RIP ' '$R/boot-1/hang-cpus.txt' | grep -qv ' default_idle+'"
grep '^CPU#[0-9] RIP ' "$R/boot-1/hang-cpus.txt"
check "sysrq l and w reached the guest: the hog's backtrace and the blocked tasks on its console" \
	bash -c "grep -q 'sysrq: Show backtrace of all active CPUs' '$R/boot-1/console.log' &&
		grep -q 'NMI backtrace for cpu' '$R/boot-1/console.log' &&
		sed -n '/sysrq: Show backtrace/,\$p' '$R/boot-1/console.log' | grep -q 'dmirror_fops_unlocked_ioctl' &&
		grep -q 'sysrq: Show Blocked State' '$R/boot-1/console.log'"
# the hung boot's lines from its unfinished run on stay in boot-1/
check "the retried run's lines appear once in the results, from the boot that ran it again" \
	bash -c "[ \$(grep -c '^MLAB: repro run 1/1 ' '$R/results.log') = 1 ] &&
		[ \$(grep -c '^MLAB: repro run 1/1 ' '$R/boot-1/results.log') = 1 ]"
check "no monitor socket left behind" bash -c "! ls /tmp/mlab-monitor.*.sock 2>/dev/null"
