#!/bin/bash
# A SCHED_FIFO task pinned to the last CPU, holding fresh pages in that CPU's
# LRU batch and spinning 300 ms at a time, delays the drain work there:
# migtrace must put the extra latency on that CPU (its histogram and the
# window's longest wait) and name that task.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

if [ "$NCPU" -lt 2 ]; then skip "needs two CPUs"; exit 0; fi
rt_cpu=$((NCPU - 1))
$HOG -c 0 -d 10 -z 50 >/dev/null & PIDS+=($!)
start_rt_hog "$rt_cpu" 300 10
hog_tid=$HOG_TID
run_migtrace_with_drains rt.json 8 -d 6 --json
out=$WORK/rt.json
rt_wait=$(jq -s "[.[] | select(.type==\"drain_cpu\" and .cpu==$rt_cpu) | .wait_max_ns] | max // 0" "$out")
cpu0_wait=$(jq -s '[.[] | select(.type=="drain_cpu" and .cpu==0) | .wait_max_ns] | max // 0' "$out")
check "drain on RT CPU $rt_cpu delayed by the spinner (${rt_wait}ns >= 50ms)" test "$rt_wait" -ge 50000000
win=$(jq -s "[.[] | select(.type==\"drain_cpu\" and .cpu==$rt_cpu) | .wait_window_max_ns] | max // 0" "$out")
check "longest wait in the window on CPU $rt_cpu: the delay (${win}ns >= 50ms, >= ${rt_wait}ns)" \
	test "$win" -ge 50000000 -a "$win" -ge "$rt_wait"
check "CPU 0 drain not delayed like CPU $rt_cpu (${cpu0_wait}ns)" test "$cpu0_wait" -lt "$rt_wait"
blocker=$(jq -rs "[.[] | select(.type==\"drain_cpu\" and .cpu==$rt_cpu) | .blocker.pid] | first // 0" "$out")
check "blocker on CPU $rt_cpu is the RT task (pid $blocker, want $hog_tid)" test "$blocker" = "$hog_tid"
policy=$(jq -rs "[.[] | select(.type==\"drain_cpu\" and .cpu==$rt_cpu) | .blocker.policy] | first" "$out")
check "blocker policy is FIFO ($policy)" test "$policy" = FIFO
straggler=$(jq -s '[.[] | select(.type=="drain_all") | .worst_straggler_cpu] | first // -1' "$out")
check "slowest lru_add_drain_all waited on CPU $rt_cpu ($straggler)" test "$straggler" = "$rt_cpu"

# Pending work in a report: the run stops (--exit-on) as soon as the drain has
# waited 100 ms behind the RT task, so its last report is taken mid-stall.
kill "$hog_tid" 2>/dev/null
start_rt_hog "$rt_cpu" 900 30
start_migtrace pend.json --json -d 60 --exit-on stuck_rt
drains_until_exit 100
wait "$MT_PID"
pending=$(jq -s "[.[] | select(.type==\"pending\" and .cpu==$rt_cpu and .occupant.policy==\"FIFO\")] | length" "$WORK/pend.json")
check "pending drain work on CPU $rt_cpu reported with the RT task on CPU ($pending)" test "$pending" -ge 1
occ=$(jq -s "[.[] | select(.type==\"pending\" and .cpu==$rt_cpu) | .occupant.pid] | first // 0" "$WORK/pend.json")
check "the task on CPU $rt_cpu is the RT spinner ($occ, want $HOG_TID)" test "$occ" = "$HOG_TID"
age=$(jq -s "[.[] | select(.type==\"pending\" and .cpu==$rt_cpu) | .age_ns] | first // 0" "$WORK/pend.json")
check "pending work's age reported (${age}ns >= 100ms)" test "$age" -ge 100000000
# Work the spinner keeps from starting counts in the window's longest wait.
win=$(jq -s "[.[] | select(.type==\"drain_cpu\" and .cpu==$rt_cpu) | .wait_window_max_ns] | first // 0" "$WORK/pend.json")
check "longest wait in the window on CPU $rt_cpu counts the pending work (${win}ns >= ${age}ns)" test "$win" -ge "$age"
