#!/bin/bash
# The stuck-RT detector on this kernel: an RT task pinned to the last CPU,
# keeping fresh pages in its LRU batch and spinning, makes lru_add_drain_all()
# from CPU 0 wait. migtrace must flag a stuck RT task naming that CPU and pid
# while the stall lasts, and --exit-on must stop the run with status 3.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

if [ "$NCPU" -lt 2 ]; then skip "needs two CPUs"; exit 0; fi
rt_cpu=$((NCPU - 1))
start_rt_hog "$rt_cpu" 900 8
hog_tid=$HOG_TID
run_migtrace_with_drains inc.json 10 -d 5 --json
out=$WORK/inc.json
starts=$(jq -s "[.[] | select(.type==\"incident\" and .kind==\"stuck_rt\" and .state==\"start\" and .cpu==$rt_cpu and .spinner.pid==$hog_tid)] | length" "$out")
check "stuck_rt on CPU $rt_cpu naming pid $hog_tid ($starts incidents)" test "$starts" -ge 1
ends=$(jq -s '[.[] | select(.type=="incident" and .kind=="stuck_rt" and .state=="end")] | length' "$out")
check "every stuck_rt incident ends ($ends of $starts)" test "$ends" -eq "$starts"
dur=$(jq -s '[.[] | select(.type=="incident" and .kind=="stuck_rt" and .state=="end") | .duration_ns] | max // 0' "$out")
# Stalls less than the end grace (300 ms) apart are one incident: bounded by the run.
check "stuck_rt lasts as long as the stalls (${dur}ns, spins of 900 ms)" test "$dur" -ge 100000000 -a "$dur" -le 5000000000
waiter=$(jq -rs '[.[] | select(.type=="incident" and .kind=="stuck_rt") | .waiter.comm] | first' "$out")
check "the waiter is the task that asked for the drain ($waiter)" test "$waiter" = sh
ll=$(jq -s '[.[] | select(.type=="incident" and .kind=="livelock")] | length' "$out")
check "no livelock claimed: the spinner does not retry faults ($ll)" test "$ll" -eq 0
check "report totals count the incidents" \
	test "$(jq -s '[.[] | select(.type=="incidents") | .stuck_rt.count] | add' "$out")" -eq "$starts"

kill "$hog_tid" 2>/dev/null
start_rt_hog "$rt_cpu" 900 6
t0=$(date +%s%N)
run_migtrace_with_drains exit.txt 10 -d 20 --exit-on stuck_rt; st=$?
check "--exit-on stuck_rt exits with status 3 ($st)" test $st -eq 3
check "--exit-on stops early ($(( ($(date +%s%N) - t0) / 1000000 )) ms)" \
	test $(( $(date +%s%N) - t0 )) -lt 10000000000
check "text incident line names the CPU" grep -q "INCIDENT start #[0-9]* stuck_rt cpu=$rt_cpu" "$WORK/exit.txt"
