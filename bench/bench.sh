#!/bin/bash
# make bench: the cost per traced event of migtrace's handlers on its two
# hottest hooks (page_fault_user, sched_switch), against an empty BPF program
# on the same hook and bpftrace doing the same aggregation, measured in one
# run with the tracers interleaved (none, empty, migtrace, bpftrace; again):
#   - headline: time inside the BPF program per run, from
#     kernel.bpf_stats_enabled (run_time_ns / run_cnt over the workload, read
#     from /proc/PID/fdinfo of each tracer's program fds): median and spread;
#   - sanity check: wall-clock ns per event added to a workload pinned to
#     CPU 0, median and spread (the spread is the noise of this machine);
# then lost events and loader CPU under a storm of fault runs (one
# ring-buffer record each) on every CPU, start to attached, minutes of
# healthy load without a livelock or stuck_rt incident, and the stack
# sampler's cost (bench/sampler.sh).
# Prints the numbers even when a target is missed. Needs bpftrace for its
# column (skipped without it) and python3; bench/host-bench.sh is the variant
# for a host with only the static binary.
#   BENCH_ROUNDS (5) BENCH_FAULTS (200000) BENCH_SWITCHES (200000)
#   BENCH_RUNS (200000) BENCH_FP_SECONDS (180; 0 skips)
#   BENCH_MODES ("faults switches"; "" skips) BENCH_STORM=0, BENCH_START=0,
#   BENCH_SAMPLER=0 skip those
#   BENCH_MT (build/migtrace) BENCH_BIN (build/bench: workload, empty)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
B=${BENCH_BIN:-build/bench}
MT=${BENCH_MT:-build/migtrace}
PY="python3 $HERE/bpfstats.py"
ROUNDS=${BENCH_ROUNDS:-5}
FAULTS=${BENCH_FAULTS:-200000}
SWITCHES=${BENCH_SWITCHES:-200000}
RUNS=${BENCH_RUNS:-200000}
TMP=$(mktemp -d)
TRACERS="none empty migtrace bpftrace"
command -v bpftrace >/dev/null || { TRACERS="none empty migtrace"; echo "bench: no bpftrace: its column is skipped" >&2; }

fp=${BENCH_FP_SECONDS:-180}
for f in $MT $B/empty $B/workload $([ "$fp" -gt 0 ] && echo build/tests/cpu_hog); do
	[ -x "$f" ] || { echo "bench: $f missing: run make bench" >&2; exit 1; }
done

declare -A BT_SCRIPT=(
	[faults]='tracepoint:exceptions:page_fault_user { $p = args->address >> 12;
		if (@last[tid] == $p) { @attempts[tid] = @attempts[tid] + 1; }
		else { @last[tid] = $p; @attempts[tid] = 1; @first[tid] = nsecs; } }'
	[switches]='tracepoint:sched:sched_switch { @since[cpu] = nsecs;
		@occ[cpu] = args->next_pid; @prio[cpu] = args->next_prio; }'
)
# The program of each tracer on each hook (a name prefix; "*": the busiest).
declare -A PROG=(
	[faults.empty]=empty_page_faul [faults.migtrace]=tp_page_fault_u [faults.bpftrace]='*'
	[switches.empty]=empty_sched_sw [switches.migtrace]=raw_tp_sched_sw [switches.bpftrace]='*'
)

. "$HERE/lib.bash"

# CPU time of a process in ns, all its threads (schedstat: ns; else clock ticks).
if [ -r /proc/self/schedstat ]; then
	CPU_HZ=1000000000
	cpu_ticks() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
else
	CPU_HZ=$(getconf CLK_TCK)
	cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
fi

bench_stats_on

# start TRACER MODE: run it in the background (pid in $pid), wait until attached.
start() {
	pid=
	case $1 in
	none) return 0 ;;
	empty) $B/empty 2>"$TMP/t.err" & pid=$!; wait_for "$TMP/t.err" attached ;;
	migtrace) $MT --json >"$TMP/mt.json" 2>"$TMP/t.err" & pid=$!; wait_for "$TMP/t.err" Tracing ;;
	bpftrace) bpftrace -e "${BT_SCRIPT[$2]}" >"$TMP/t.err" 2>&1 & pid=$!
		wait_for "$TMP/t.err" Attaching && sleep 0.5 ;;
	esac
}
stop() { [ -n "$pid" ] && kill -INT "$pid" && wait "$pid" 2>/dev/null; pid=; }

# Interleaved rounds; one TSV row per (mode, tracer, round):
# mode tracer round prog_ns prog_runs wall_ns events
for mode in ${BENCH_MODES-faults switches}; do
	n=$FAULTS; [ "$mode" = switches ] && n=$SWITCHES
	for round in $(seq "$ROUNDS"); do
		for t in $TRACERS; do
			start "$t" "$mode" || { stop; continue; }
			[ -n "$pid" ] && $PY snap "$pid" >"$TMP/a"
			out=$($B/workload "$mode" "$n")
			prog="0 0"
			[ -n "$pid" ] && $PY snap "$pid" >"$TMP/b" &&
				prog=$($PY delta "$TMP/a" "$TMP/b" "${PROG[$mode.$t]}")
			stop
			ev=${out#events=}; ev=${ev%% *}
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$t" "$round" \
				${prog% *} ${prog#* } "${out##*ns=}" "$ev" >>"$TMP/samples.tsv"
		done
	done
done
[ -s "$TMP/samples.tsv" ] && $PY summary "$TMP/samples.tsv"

# Every CPU busy: page faults at full speed (traced events, no ring-buffer
# record) and fault runs of 3 faults (one record each, the storm), under the
# trace command (woken by the ring buffer) and the daemon (reads in batches):
# lost records and the loader's CPU.
ncpu=$(nproc)
# start_loader trace|daemon: attached once it says so.
start_loader() {
	if [ "$1" = trace ]; then
		$MT --json >"$TMP/mt.json" 2>"$TMP/t.err" & pid=$!
		wait_for "$TMP/t.err" Tracing
	else
		$MT daemon --interval 3600 --json-out "$TMP/mt.json" 2>"$TMP/t.err" & pid=$!
		wait_for "$TMP/mt.json" '"type":"daemon"'
	fi
}
if [ "${BENCH_STORM:-1}" != 0 ]; then
	printf '\nloader and lost records, %d CPUs busy\n' "$ncpu"
	for load in faults runs; do
		n=$((FAULTS * ncpu)); [ "$load" = runs ] && n=$RUNS
		for loader in trace daemon; do
			: >"$TMP/mt.json"
			start_loader $loader || { stop; continue; }
			$PY snap "$pid" >"$TMP/a"
			t0=$(cpu_ticks "$pid"); w0=$(date +%s%N)
			$B/workload $load "$n" "$ncpu" >/dev/null
			t1=$(cpu_ticks "$pid"); w1=$(date +%s%N)
			$PY snap "$pid" >"$TMP/b"
			stop
			$PY loader $loader $load "$ncpu" "$t0" "$t1" "$w0" "$w1" "$CPU_HZ" \
				"$TMP/a" "$TMP/b" "$TMP/mt.json"
		done
	done
fi

# Start to attached: until "Tracing..." (printed once every hook is attached).
starts=()
[ "${BENCH_START:-1}" != 0 ] && for _ in $(seq 7); do
	t0=$(date +%s%N)
	$MT >/dev/null 2>"$TMP/start.err" & pid=$!
	wait_for "$TMP/start.err" Tracing
	starts+=($(( $(date +%s%N) - t0 )))
	stop
done
[ ${#starts[@]} -gt 0 ] && printf '%s\n' "${starts[@]}" | sort -n | awk '{ v[NR] = $1 / 1e9 } END {
	printf "\nstart to attached: %.3f s median of %d [%.3f-%.3f] (target < 0.2 s): %s\n",
		v[4], NR, v[1], v[NR], v[4] < 0.2 ? "met" : "MISSED" }'
echo "(machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), $(date -u +%F); other load on the machine skews these numbers)"

# No false alarms on a busy but healthy machine, for minutes (the suite runs
# the same check for 20 s): BENCH_FP_SECONDS=0 skips it.
if [ "$fp" -gt 0 ]; then
	printf '\nfalse alarms: %d s of compilation, compaction and sleeping RT tasks\n' "$fp"
	FP_SECONDS=$fp bash tests/live/no_false_alarms.sh | sed 's/^/  /'
fi

[ "${BENCH_SAMPLER:-1}" != 0 ] && bash "$HERE/sampler.sh"
exit 0
