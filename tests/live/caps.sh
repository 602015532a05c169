#!/bin/bash
# migtrace caps on this kernel: every hook reported, tracepoint hooks live,
# and every blind hook says why.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

"$MIGTRACE" caps --json >"$WORK/caps.json" 2>"$WORK/caps.err"
check "caps exits 0" test $? -eq 0
nhooks=$(jq -s '[.[] | select(.type=="caps")] | length' "$WORK/caps.json")
check "caps lists 19 hooks" test "$nhooks" -eq 19
check "caps reports the stack sampler and the task discovery, each usable or with a reason" \
	test "$(jq -s '[.[] | select(.type=="caps_source") | select(.available or (.why | length) > 0)] | length' "$WORK/caps.json")" -eq 2
check "per-CPU drain work attached (workqueue tracepoints)" \
	test "$(jq -rs '.[] | select(.hook=="lru_add_drain_per_cpu") | .mechanism' "$WORK/caps.json")" != none
check "sched_switch attached" \
	test "$(jq -rs '.[] | select(.hook=="sched_switch") | .mechanism' "$WORK/caps.json")" = tracepoint
check "every blind hook gives a reason for each mechanism" \
	test "$(jq -s '[.[] | select(.mechanism=="none") | select((.not_used | length) == 0)] | length' "$WORK/caps.json")" -eq 0
check "caps says whether --kmsg can write the kernel log, with the limit or why not" \
	test "$(jq -s '[.[] | select(.type=="kernel_log_write") | select(.writable and (.limit | length) > 0 or (.why | length) > 0)] | length' "$WORK/caps.json")" -eq 1
check "approximations are labelled" \
	test "$(jq -s '[.[] | select(.approximate) | select(.approximation == null)] | length' "$WORK/caps.json")" -eq 0

"$MIGTRACE" caps >"$WORK/caps.txt"
check "text caps has a header, a line per hook and per source, then the host section" \
	test "$(sed '/^$/q' "$WORK/caps.txt" | grep -c .)" -eq $((nhooks + 3)) -a -n "$(grep '^HOST EXPOSURE' "$WORK/caps.txt")"
# Which mechanism each hook and source got on this kernel, for the log.
jq -rs '.[] | select(.type=="caps" or .type=="caps_source") | "    \(.hook // .source): \(.mechanism)"' "$WORK/caps.json"
"$MIGTRACE" caps --json --no-events timer >"$WORK/noev.json" 2>&1
check "--no-events rules a tracepoint group out, and says so" \
	test "$(jq -rs '.[] | select(.hook=="occupant_at_attach") | .not_used.tracepoint' "$WORK/noev.json")" = "tracepoint timer/hrtimer_expire_entry disabled by --no-events"
