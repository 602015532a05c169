#!/bin/bash
# migtrace on a production-like host (a GPU host: tracepoints only, no
# kprobes, fentry refused, no bpftool/bpftrace/jq), from the static bundle
# that `make host-bundle` puts in build/host/:
#   1. caps: what this kernel lets migtrace see;
#   2. verdicts: an RT task on the last CPU stalls lru_add_drain_all() from
#      CPU 0, (a) spinning, (b) refaulting one ordinary page in a loop; both
#      must be stuck_rt (fault_loop no / yes), never livelock or
#      suspected_livelock: there is no migration and no folio lock;
#   3. bench/host-bench.sh when the bundle has it (handler cost, drops,
#      loader CPU at this host's CPU count).
# Writes everything under OUT (default ./host-out) and prints a summary with
# PASS/FAIL lines; leaves no task or BPF program behind.
#   build/host/host-check.sh [BUNDLE_DIR] [OUT]     (make host-bundle first)
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=$(cd "${1:-$here}" && pwd)	# the bundle: this script sits in it
OUT=${2:-${OUT:-./host-out}}
mkdir -p "$OUT"
MT=$B/migtrace
HOG=$B/cpu_hog
pass=0 fail=0
check() { local name=$1; shift; if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
# SCHED_FIFO is refused in a child cgroup without an RT budget: the root one has it.
[ -w /sys/fs/cgroup/cgroup.procs ] && echo $$ > /sys/fs/cgroup/cgroup.procs 2>/dev/null
ncpu=$(nproc)
last=$((ncpu - 1))
{ uname -a; echo "cpus=$ncpu"; } > "$OUT/host.txt"

"$MT" caps > "$OUT/caps.txt" 2>&1
"$MT" caps --json > "$OUT/caps.json" 2>&1
check "caps runs" test -s "$OUT/caps.json"

# stall RUN_NAME HOG_ARGS...: the RT task on the last CPU, migtrace --json,
# drains from CPU 0 until an incident comes (30 s at most), then 1.5 s more.
stall() {
	local name=$1; shift
	"$HOG" -c "$last" -d 60 -r 50 -s 900 -z 20 "$@" > "$OUT/$name.hog" 2>&1 &
	local hog=$!; PIDS+=($hog)
	"$MT" --json -d 90 > "$OUT/$name.json" 2> "$OUT/$name.err" &
	local mt=$!; PIDS+=($mt)
	for _ in $(seq 200); do grep -qs '^Tracing' "$OUT/$name.err" && break; sleep 0.05; done
	for _ in $(seq 150); do
		grep -q '"type":"incident"' "$OUT/$name.json" && break
		taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'
		sleep 0.2
	done
	for _ in $(seq 7); do taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'; sleep 0.2; done
	kill -INT "$mt"; wait "$mt"
	kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null
	HOG_TID=$(sed -n 's/^tid=//p' "$OUT/$name.hog")
}

# first_field FILE KIND FIELD: FIELD ("x" or x) of the first incident of KIND.
first_field() {
	grep "\"type\":\"incident\"" "$1" | grep "\"kind\":\"$2\"" | head -n 1 |
		sed -n "s/.*\"$3\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

for mode in spin refault; do
	if [ $mode = refault ]; then stall $mode -f; want=yes; else stall $mode; want=no; fi
	f=$OUT/$mode.json
	if grep -q 'sched_setscheduler' "$OUT/$mode.hog"; then
		echo "SKIP $mode: SCHED_FIFO refused here: $(cat "$OUT/$mode.hog")"
		continue
	fi
	check "$mode: stuck_rt on CPU $last" test "$(first_field "$f" stuck_rt cpu)" = "$last"
	check "$mode: stuck_rt names the RT task ($HOG_TID)" \
		grep -q "\"kind\":\"stuck_rt\".*\"spinner\":{\"pid\":$HOG_TID," "$f"
	check "$mode: fault_loop $want" test "$(first_field "$f" stuck_rt fault_loop)" = "$want"
	check "$mode: no livelock of any kind" \
		test "$(grep -c '"kind":"\(suspected_\)\{0,1\}livelock"' "$f")" -eq 0
done

if [ -x "$B/host-bench.sh" ]; then
	"$B/host-bench.sh" "$B" > "$OUT/bench.txt" 2>&1
	check "host bench ran" test $? -eq 0
	tail -n 30 "$OUT/bench.txt"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
