#!/bin/bash
# Installs what migtrace needs to build, test and benchmark on Debian 12
# (root). The kernel lab installs its own packages: scripts/lab/lab.
set -euo pipefail

packages=(
	make gcc clang libbpf-dev bpftool libelf-dev zlib1g-dev	# build
	jq util-linux procps gawk					# tests (gawk: the lab's cost table)
	libclang-rt-14-dev gnuplot-nox					# record fuzzing, compare plots
	bpftrace							# benchmark peer
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Tracepoints live in tracefs; migtrace mounts it itself, but tests read it too.
if [ ! -d /sys/kernel/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
echo "setup: ready"
