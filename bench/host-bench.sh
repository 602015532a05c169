#!/bin/bash
# The bench on a production-like host (a 16-CPU GPU host: tracepoints only,
# no compiler, no bpftool, bpftrace or jq; python3 and bash): in-program cost
# of migtrace against an empty program on page_fault_user and sched_switch
# (interleaved rounds, medians and spread; kernel.bpf_stats_enabled read from
# /proc/PID/fdinfo of each tracer's program fds), lost records and loader CPU
# with every CPU busy (page faults at full speed; a storm of fault runs, one
# ring-buffer record each; under the trace command and the daemon), start to
# attached. Ends with a summary; under 5 minutes (a guard stops it at 280 s).
#
# Needs, in one directory (the host bundle) or in a checkout after
# `make bench-host`:
#   migtrace    workload  empty            (static: build/migtrace, build/bench/*)
#   bench.sh    bpfstats.py  host-bench.sh (bench/)
# Run as root:  bash host-bench.sh [DIR]     (DIR: the bundle; default: its own
# directory if migtrace is there, else the checkout holding it)
#
# Leaves the host as it found it: kernel.bpf_stats_enabled restored, no
# process or BPF program left, tracefs unmounted if it was not mounted,
# /run/migtrace removed if it was not there.
#   HOST_BENCH_ROUNDS (5) HOST_BENCH_SECONDS (280)
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here}
if [ -x "$dir/migtrace" ]; then
	mt=$dir/migtrace bin=$dir scripts=$dir hog=$dir/cpu_hog
else
	root=$(cd "$here/.." && pwd)
	mt=$root/build/migtrace bin=$root/build/bench scripts=$root/bench hog=$root/build/tests/cpu_hog
fi
missing=
for f in "$mt" "$bin/workload" "$bin/empty" "$scripts/bench.sh" "$scripts/lib.bash" "$scripts/bpfstats.py"; do
	[ -e "$f" ] || missing="$missing $f"
done
[ -n "$missing" ] && { echo "host-bench: missing:$missing (make bench-host; carry them)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "host-bench: run as root" >&2; exit 2; }
command -v python3 >/dev/null || { echo "host-bench: needs python3" >&2; exit 2; }
[ -r /proc/sys/kernel/bpf_stats_enabled ] || { echo "host-bench: no kernel.bpf_stats_enabled" >&2; exit 2; }

# What is put back at the end.
stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled)
tracefs_was=$(grep -c ' /sys/kernel/tracing tracefs ' /proc/mounts)
run_was=$([ -e /run/migtrace ] && echo 1 || echo 0)
out=$(mktemp)
restore() {
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	[ "$tracefs_was" = 0 ] && grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts &&
		umount /sys/kernel/tracing 2>/dev/null
	[ "$run_was" = 0 ] && rm -rf /run/migtrace
	rm -f "$out"
}
trap restore EXIT

# The bench in its own process group, stopped by the guard if it overruns.
echo "host-bench: $(nproc) CPUs, kernel $(uname -r); up to ${HOST_BENCH_SECONDS:-280} s"
BENCH_MT=$mt BENCH_BIN=$bin BENCH_HOG=$hog BENCH_ROUNDS=${HOST_BENCH_ROUNDS:-5} \
	BENCH_FP_SECONDS=0 BENCH_SAMPLER_SECONDS=2 \
	timeout -s TERM -k 10 "${HOST_BENCH_SECONDS:-280}" bash "$scripts/bench.sh" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
[ "$rc" = 124 ] && echo "host-bench: stopped by the guard after ${HOST_BENCH_SECONDS:-280} s"

echo
echo "summary ($(nproc) CPUs, $(uname -r), $(date -u +%FT%TZ)):"
grep -E 'target|not measured|records/s|start to attached' "$out" | sed 's/^ */  /'
met=$(grep -c ': met' "$out"); missed=$(grep -c 'MISSED' "$out")
echo "  $met targets met, $missed missed"
[ "$rc" = 0 ] || exit "$rc"
exit 0
