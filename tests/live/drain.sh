#!/bin/bash
# Real lru_add_drain_all() calls (compaction) with fresh pages on every CPU:
# migtrace reports drain work on every CPU with plausible latencies.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

fill_all_cpus 8
sleep 0.5
start_migtrace drain.json -d 5 --json
trigger_drains 0 10
wait "$MT_PID"
check "migtrace -d exits 0" test $? -eq 0
out=$WORK/drain.json
for c in $(seq 0 $((NCPU - 1))); do
	works=$(jq -s "[.[] | select(.type==\"drain_cpu\" and .cpu==$c) | .works] | add // 0" "$out")
	check "CPU $c ran drain work ($works items)" test "$works" -ge 1
	max=$(jq -s "[.[] | select(.type==\"drain_cpu\" and .cpu==$c) | .wait_max_ns] | add // -1" "$out")
	check "CPU $c drain wait plausible (${max}ns, under 1s)" test "$max" -ge 0 -a "$max" -lt 1000000000
done
calls=$(jq -s '[.[] | select(.type=="drain_all") | .calls] | add // 0' "$out")
check "lru_add_drain_all calls seen ($calls)" test "$calls" -ge 1
check "no records dropped" test "$(jq -s '[.[] | select(.type=="drops") | .total] | add' "$out")" -eq 0
check "per-CPU histograms carry cpu" \
	test "$(jq -s '[.[] | select(.type=="hist" and .name=="drain_wait" and (.cpu|type)=="number")] | length' "$out")" -ge 1
