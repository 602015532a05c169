#!/bin/bash
# Installs what migtrace needs to build, test and benchmark on Debian 12
# (root). The kernel lab installs its own packages: scripts/lab/lab.
set -euo pipefail

packages=(
	make gcc clang libbpf-dev bpftool libelf-dev zlib1g-dev	# build
	jq util-linux procps gawk					# tests (gawk: the lab's cost table)
	libclang-rt-14-dev gnuplot-nox					# record fuzzing, compare plots
	bpftrace							# benchmark peer
	debhelper lintian fakeroot					# make deb, its package test
	prometheus prometheus-node-exporter				# promtool, the textfile collector (tests)
)
# These ship daemons that must not start here (the tests run their own on
# 127.0.0.1): policy-rc.d answering 101 is Debian's way to forbid starting
# services while packages are installed; boot-time units they enable are
# disabled again below.
daemons=(prometheus prometheus-node-exporter)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	policy=/usr/sbin/policy-rc.d
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\n# scripts/setup.sh: no daemon starts while it installs\nexit 101\n' >$policy
		chmod 0755 $policy
		trap 'rm -f $policy' EXIT
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	for d in "${daemons[@]}"; do
		[[ " ${missing[*]} " == *" $d "* ]] || continue
		if [ -d /run/systemd/system ]; then
			systemctl disable --now "$d.service" >/dev/null 2>&1 || true
		else
			deb-systemd-helper disable "$d.service" >/dev/null 2>&1 || true
			update-rc.d "$d" disable >/dev/null 2>&1 || true
		fi
	done
fi
# Tracepoints live in tracefs; migtrace mounts it itself, but tests read it too.
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
echo "setup: ready"
