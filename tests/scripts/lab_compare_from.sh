#!/bin/bash
# The variant table of scripts/lab/README.md is what 'lab compare' makes of
# the records and cost runs kept beside it: recomputed with --from (no
# lab boot, fixed seeds), the tables and the README block must come out the
# same. Fails when compare's output changes without the table being
# regenerated, or when someone edits the generated block by hand.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, need, $WORK

kept=scripts/lab/results/compare-2026-11-30
need "lab compare --from" gawk jq
readme=$WORK/README.md
cp scripts/lab/README.md "$readme"
scripts/lab/lab compare --from "$kept" --out "$WORK/out" --readme "$readme" >"$WORK/log" 2>&1
check "lab compare --from the kept records exits 0" test $? -eq 0 || tail -20 "$WORK/log"
for f in compare.md compare.txt cost.md results.txt; do
	check "lab compare --from: $f is the one kept" cmp -s "$kept/$f" "$WORK/out/$f" ||
		diff "$kept/$f" "$WORK/out/$f" | head -20
done
# The block names its output directory and date: compare the rest.
block() { sed -n '/^<!-- lab compare: begin -->$/,/^<!-- lab compare: end -->$/p' "$1" | sed 3d; }
check "the README's generated block is what the command writes" \
	cmp -s <(block scripts/lab/README.md) <(block "$readme")
