#!/bin/bash
# The variant table of scripts/lab/README.md is what 'lab compare' makes of
# the records and cost runs kept beside it: recomputed with --from (no
# lab boot, fixed seeds), the tables and the README block must come out the
# same. Fails when compare's output changes without the table being
# regenerated, or when someone edits the generated block by hand.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, need, $WORK

kept=scripts/lab/results/compare-2026-12-06
need "lab compare --from" gawk jq
readme=$WORK/README.md
cp scripts/lab/README.md "$readme"
scripts/lab/lab compare --from "$kept" --out "$WORK/out" --readme "$readme" >"$WORK/log" 2>&1
check "lab compare --from the kept records exits 0" test $? -eq 0 || tail -20 "$WORK/log"
check "lab compare --from: cost.md is the one kept" cmp -s "$kept/cost.md" "$WORK/out/cost.md" ||
	diff "$kept/cost.md" "$WORK/out/cost.md" | head -20
# One comparison per cell (scenario+model), or the directory itself for one.
cells=$(cd "$kept" && for d in */records; do [ -d "$d" ] && echo "${d%/records}"; done)
[ -d "$kept/records" ] && cells=.
check "lab compare --from: the kept results have cells" test -n "$cells"
for c in $cells; do
	for f in compare.md compare.txt results.txt $( [ -f "$kept/$c/aa.md" ] && echo aa.md); do
		check "lab compare --from: $c/$f is the one kept" cmp -s "$kept/$c/$f" "$WORK/out/$c/$f" ||
			diff "$kept/$c/$f" "$WORK/out/$c/$f" | head -20
	done
done
# Each cell's first line names its output directory (and the first, the date): compare the rest.
block() { sed -n '/^<!-- lab compare: begin -->$/,/^<!-- lab compare: end -->$/p' "$1" |
	sed '/; records and outputs in `/d'; }
check "the README's generated block is what the command writes" \
	cmp -s <(block scripts/lab/README.md) <(block "$readme")
