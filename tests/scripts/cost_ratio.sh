#!/bin/bash
# scripts/lab/cost-ratio (lab compare's cost table) on inputs whose answers
# follow by hand; no root, no lab.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, pass, fail, skip
if ! command -v gawk >/dev/null; then skip "cost-ratio: no gawk (scripts/setup.sh installs it)"; exit 0; fi

ratio() { scripts/lab/cost-ratio -v name=t -v unit=s "$@"; }
row() { grep "^| $1 |" <<<"$2"; }

# Times, arithmetic mean. base {1,1,1}: mean 1. x {2,2,2}: every resample
# has mean 2, so ratio and CI are 2 exactly. y {1,3}: resample means are 1,
# 2 or 3 (1 and 3 each with probability 1/4, far above 2.5 %), so the 95 %
# percentiles are 1 and 3. z: one timed-out run, a lower bound.
out=$(printf 'base 1\nbase 1\nbase 1\nx 2\nx 2\nx 2\ny 1\ny 3\nz 5 failed\nz 5\nw 4\n' | ratio)
check "cost-ratio: the first variant is the base (ratio 1)" \
	test "$(row base "$out")" = "| base | 3 | 1 | 1 | |"
check "cost-ratio: constant runs give the exact ratio and a point CI" \
	test "$(row x "$out")" = "| x | 3 | 2 | 2 | [2, 2] |"
check "cost-ratio: the CI spans the resample means' percentiles" \
	test "$(row y "$out")" = "| y | 2 | 2 | 2 | [1, 3] |"
check "cost-ratio: a timed-out run makes mean and ratio lower bounds" \
	test "$(row z "$out")" = "| z | 2 (1 failed) | >= 5 | >= 5 | [5, 5] |"
check "cost-ratio: no CI from a single run" \
	test "$(row w "$out")" = "| w | 1 | 4 | 4 | n/a (< 2 runs a side) |"

# Rates, harmonic mean: {2,2,100} is 3 / (1/2 + 1/2 + 1/100) = 2.97 against
# 8; a run with rate 0 makes its side's mean 0; a base of 0 has no ratio.
out=$(printf 'base 8\nbase 8\nbase 8\nx 2\nx 2\nx 100\nz 0\nz 4\n' | ratio -v mean=hmean)
check "cost-ratio: rates use the harmonic mean (total work over total time)" \
	grep -q '^| x | 3 | 2.97 | 0.371 |' <<<"$out"
check "cost-ratio: a rate of 0 in a run makes the harmonic mean 0" \
	grep -q '^| z | 2 | 0 | 0 |' <<<"$out"
out=$(printf 'base 0\nbase 0\nx 3\nx 4\n' | ratio -v mean=hmean)
check "cost-ratio: no ratio against a base mean of 0" \
	grep -q '^| x | 2 | 3.43 | n/a (base mean 0) |' <<<"$out"
check "cost-ratio: refuses to run without a metric name" \
	bash -c '! scripts/lab/cost-ratio -v unit=s </dev/null 2>/dev/null'
