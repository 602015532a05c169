#!/bin/bash
# The kernel-mode matrix of scripts/lab/README.md ("Results: lab check --full
# --runs 10") is what 'lab check --from' makes of the cells kept beside it:
# recomputed without a boot, the README block must come out the same. Fails
# when check-table or the expectations change without the table being
# regenerated, or when someone edits the generated block by hand.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, skip, $WORK

kept=scripts/lab/results/check-2026-12-06
command -v gawk >/dev/null || { skip "lab check --from: no gawk (scripts/setup.sh)"; exit 0; }
readme=$WORK/README.md
cp scripts/lab/README.md "$readme"
scripts/lab/lab check --from "$kept" --readme "$readme" >"$WORK/log" 2>&1
check "lab check --from the kept cells exits 0" test $? -eq 0 || tail -20 "$WORK/log"
block() { sed -n '/^<!-- lab check: begin -->$/,/^<!-- lab check: end -->$/p' "$1"; }
check "the README's lab check block is what the command writes" \
	cmp -s <(block scripts/lab/README.md) <(block "$readme")
n=$(ls "$kept"/cells/*.txt | wc -l)
rows=$(block "$readme" | grep -cE '^\| [a-z].*\| [0-9]+ / [0-9]+ \| \[')
check "one table row a kept cell ($n)" test "$rows" = "$n"
check "every kept cell has runs (TRUTH lines)" \
	test "$(grep -L '^TRUTH ' "$kept"/cells/*.txt | wc -l)" = 0
