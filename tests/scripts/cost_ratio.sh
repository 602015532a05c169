#!/bin/bash
# scripts/lab/cost-ratio (lab compare's cost table) on inputs whose answers
# follow by hand; no root, no lab.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, pass, fail, skip
if ! command -v gawk >/dev/null; then skip "cost-ratio: no gawk (scripts/setup.sh installs it)"; exit 0; fi

ratio() { scripts/lab/cost-ratio -v name=t -v unit=s "$@"; }
row() { grep "^| $1 |" <<<"$2"; }

# Times, arithmetic mean, no boots given: every run its own. base {1 x4}:
# mean 1. x {2 x4}: for theta != 2, x / theta and base are two constants
# and only the 2 splits of C(8, 4) = 70 that keep them apart are as far
# apart: p = 0.029 < 0.05, rejected; so the interval is 2 alone. y: 3 runs
# against 4, the smallest p 1 / C(7, 3) = 0.029: an interval exists;
# w: 1 run, 1 / C(5, 1) = 0.2 at best: none. z: a timed-out run, a bound.
out=$(printf 'base 1\nbase 1\nbase 1\nbase 1\nx 2\nx 2\nx 2\nx 2\nz 5 failed\nz 5\nw 4\n' | ratio)
check "cost-ratio: the first variant is the base (ratio 1)" \
	test "$(row base "$out")" = "| base | 4 (4) | 1 | - | 1 | |"
check "cost-ratio: constant runs give the exact ratio and a point CI" \
	test "$(row x "$out")" = "| x | 4 (4) | 2 | - | 2 | [2, 2] over runs |"
check "cost-ratio: a timed-out run makes mean and ratio lower bounds, and no CI" \
	test "$(row z "$out")" = "| z | 2 (2), 1 failed | >= 5 | - | >= 5 | n/a (timed-out runs: bounds) |"
check "cost-ratio: no CI from a single run" \
	test "$(row w "$out")" = "| w | 1 (1) | 4 | - | 4 | n/a (4 and 1 runs: none exists) |"

# Boots: runs of one boot are one unit (their mean). Two boots a side: 6
# splits, p >= 1/3: no interval, however far apart, and the boot means are
# shown. Four boots a side of constant means: the point again, over boots.
out=$(printf 'base 1 boot=a\nbase 3 boot=a\nbase 2 boot=b\nx 4 boot=1\nx 4 boot=2\n' | ratio)
check "cost-ratio: runs of a boot are averaged (base: boots 2 and 2)" \
	test "$(row base "$out")" = "| base | 3 (2) | 2 | 2, 2 | 1 | |"
check "cost-ratio: two boots a side give no interval" \
	test "$(row x "$out")" = "| x | 2 (2) | 4 | 4, 4 | 2 | n/a (2 and 2 boots: none exists) |"
out=$(for b in 1 2 3 4; do echo "base 1 boot=$b"; echo "base 1 boot=$b"; echo "x 3 boot=$b"; done | ratio)
check "cost-ratio: the interval is over boots where both ran in several" \
	test "$(row x "$out")" = "| x | 4 (4) | 3 | 3, 3, 3, 3 | 3 | [3, 3] over boots |"

# The same interval as migtrace compare's (src/compare/interval.c, whose
# coverage tests/unit/test_compare_interval.c measures): 4 against 4 runs,
# it gives [1.727, 2.444]; 5 against 3, [1.583, 2.333].
out=$(printf 'base 1\nbase 1.1\nbase 0.9\nbase 1.05\nx 2\nx 2.1\nx 1.9\nx 2.2\n' | ratio)
check "cost-ratio: the interval is compare's (equal sizes)" grep -q '^| x | .* | \[1.73, 2.44\] over runs |$' <<<"$out"
out=$(printf 'base 1\nbase 1.1\nbase 0.9\nbase 1.05\nbase 1.2\nx 2\nx 2.1\nx 1.9\n' | ratio)
check "cost-ratio: the interval is compare's (Welch, unequal sizes)" grep -q '^| x | .* | \[1.58, 2.33\] over runs |$' <<<"$out"

# Rates, harmonic mean: {2,2,100} is 3 / (1/2 + 1/2 + 1/100) = 2.97 against
# 8; a run with rate 0 makes its side's mean 0, and no interval (a 0 does
# not scale); a base of 0 has no ratio.
out=$(printf 'base 8\nbase 8\nbase 8\nx 2\nx 2\nx 100\nz 0\nz 4\n' | ratio -v mean=hmean)
check "cost-ratio: rates use the harmonic mean (total work over total time)" \
	grep -q '^| x | 3 (3) | 2.97 | - | 0.371 |' <<<"$out"
check "cost-ratio: a rate of 0 in a run makes the harmonic mean 0, and no CI" \
	grep -q '^| z | 2 (2) | 0 | - | 0 | n/a (a value of 0) |' <<<"$out"
out=$(printf 'base 0\nbase 0\nx 3\nx 4\n' | ratio -v mean=hmean)
check "cost-ratio: no ratio against a base mean of 0" \
	grep -q '^| x | 2 (2) | 3.43 | - | n/a (base mean 0) |' <<<"$out"
check "cost-ratio: refuses to run without a metric name" \
	bash -c '! scripts/lab/cost-ratio -v unit=s </dev/null 2>/dev/null'
