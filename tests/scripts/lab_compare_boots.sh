#!/bin/bash
# lab compare's orchestration, with a recorder in the lab's place (no qemu:
# what it would boot, in which order, and where each run's record lands):
# runs spread over boots interleaved across the variants (round 2 in
# reverse), the A/A copy booting its variant's kernel under its own label,
# the preemption models in boots of their own and passed to lab run, the
# records sorted into cells by their RESULT line's scenario (by their run
# number without one), cost lines carrying their boot. The records it hands
# back are the kept lab records (scenario rt-nothrottle) and one without a
# RESULT line (tests/data). A real boot checks the lab itself: scripts/lab/README.md.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, need, $WORK

kept=scripts/lab/results/compare-2026-11-30
need "lab compare boots" gawk jq

# The recorder: logs "run VARIANT WORKLOAD ARGS", writes what lab run would.
cat > "$WORK/lab" <<'EOF'
#!/bin/bash
echo "$*" >> "$LOG"
[ "$1" = run ] || exit 2
v=$2 wl=$3; shift 3
runs=1 out="" sc="" mt=yes
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift ;;
	--out) out=$2; shift ;;
	--scenario) sc=$2; shift ;;
	--no-migtrace) mt=no ;;
	--preempt|--iterations|--deadline-ms|--repro-args|--hmm-args|--migtrace-cmd) shift ;;
	esac
	shift
done
mkdir -p "$out/share"
IFS=, read -r -a scs <<<"$sc"
for r in $(seq "$runs"); do
	if [ "$wl" = hmm-tests ]; then
		echo "MLAB-HMM run=$r seconds=0.$r exit=0 args=x" >> "$out/console.log"
	elif [ $mt = no ]; then
		echo "RESULT scenario=nonrt variant=$v progress=yes migrations_per_s=${r}00.0" >> "$out/share/repro.log"
	elif [ "${scs[$(( (r - 1) % ${#scs[@]} ))]}" = rt-nothrottle ]; then
		cp "$KEPT/records/$v/run-0$r.mtr" "$out/share/run-0$r.mtr"
	else
		cp tests/data/lab-baseline-livelock.mtr "$out/share/run-0$r.mtr"	# no RESULT line
	fi
done
[ "$v" = baseline ] && exit 3	# it livelocked: a result, not a failure
exit 0
EOF
chmod +x "$WORK/lab"
export LOG=$WORK/lab.log KEPT=$kept MIGTRACE_LAB_CMD=$WORK/lab

cp scripts/lab/README.md "$WORK/README1.md"
scripts/lab/lab compare --runs 4 --boots 2 --variants "baseline wait-on-locked" --aa wait-on-locked \
	--cost-runs 2 --cost-boots 2 --out "$WORK/one" --readme "$WORK/README1.md" >"$WORK/one.log" 2>&1
check "lab compare (recorded lab) exits 0" test $? -eq 0 || tail -20 "$WORK/one.log"
boots=$(awk '{ print $2, $3 }' "$WORK/one/boots.txt" | xargs)
check "boots interleaved, round 2 reversed ($boots)" test "$boots" = \
	"1 baseline 1 wait-on-locked 1 wait-on-locked-aa 2 wait-on-locked-aa 2 wait-on-locked 2 baseline"
check "a boot's runs: 4 runs over 2 boots, 2 each" \
	test "$(grep -c 'repro --runs 2 --scenario rt-nothrottle --iterations 8' "$LOG")" = 6
check "the A/A copy boots its variant's kernel under its own label" \
	grep -q '^run wait-on-locked repro .*--label wait-on-locked-aa ' "$LOG"
check "no model asked for, none passed to lab run" bash -c "! grep -q -- --preempt '$LOG'"
recs=$(cd "$WORK/one/records" && ls */*.mtr | xargs)
check "records named by boot and run ($recs)" test "$recs" = \
	"baseline/b01-run-01.mtr baseline/b01-run-02.mtr baseline/b02-run-01.mtr baseline/b02-run-02.mtr wait-on-locked-aa/b01-run-01.mtr wait-on-locked-aa/b01-run-02.mtr wait-on-locked-aa/b02-run-01.mtr wait-on-locked-aa/b02-run-02.mtr wait-on-locked/b01-run-01.mtr wait-on-locked/b01-run-02.mtr wait-on-locked/b02-run-01.mtr wait-on-locked/b02-run-02.mtr"
check "each variant's RESULT lines come from its records" \
	test "$(grep -c 'progress=yes' "$WORK/one/records/wait-on-locked-aa/results.txt")" = 4
check "the A/A compares the variant with its copy (named by the kept records' label here)" \
	grep -q '^| run-level | metric | wait-on-locked (4 runs) | wait-on-locked#2 (4 runs) | test |$' "$WORK/one/aa.md"
check "the README block states what the A/A marked" grep -qE '^Lab A/A: wait-on-locked against wait-on-locked booted again \(1 and 1 boots, interleaved with the variants; unit: run\): 0 of [0-9]+ tested rows marked' "$WORK/README1.md"
check "cost lines carry their boot" test "$(cat "$WORK/one/cost/throughput.txt" | xargs)" = \
	"baseline 100.0 boot=1 baseline 100.0 boot=2 wait-on-locked 100.0 boot=1 wait-on-locked 100.0 boot=2"
check "cost boots interleaved too" test "$(grep -o '^run [a-z-]* hmm-tests' "$LOG" | awk '{ print $2 }' | xargs)" = \
	"baseline wait-on-locked wait-on-locked baseline"

# Two scenarios under two models: a cell each, the models in boots of their
# own and passed on; the records without a RESULT line go by run number,
# and are kept apart there (unfinished/), not compared.
: > "$LOG"
scripts/lab/lab compare --runs 2 --boots 1 --variants "baseline wait-on-locked" --no-cost \
	--scenarios "rt-nothrottle nonrt" --preempt "none full" --out "$WORK/cells" >"$WORK/cells.log" 2>&1
# The nonrt runs' records have no RESULT line: kept apart, so those cells
# have nothing to compare and lab compare says so (exit 1).
check "cells: lab compare exits 1 (two cells have no record with a RESULT line)" test $? -eq 1 ||
	tail -20 "$WORK/cells.log"
check "cells: each model in boots of its own, passed to lab run" test \
	"$(grep -o -- '--scenario rt-nothrottle,nonrt --preempt [a-z]*' "$LOG" | awk '{ print $4 }' | xargs)" = "none none full full"
check "cells: a boot runs both scenarios in turn, 2 runs each" \
	test "$(grep -c -- 'repro --runs 4 ' "$LOG")" = 4
cells=$(cd "$WORK/cells" && ls -d */records | xargs)
check "cells: one a scenario and model ($cells)" test "$cells" = \
	"nonrt+full/records nonrt+none/records rt-nothrottle+full/records rt-nothrottle+none/records"
check "cells: records with RESULT scenario=rt-nothrottle in its cell, the others by run number, apart" \
	test "$(ls "$WORK/cells/rt-nothrottle+full/records/wait-on-locked" | xargs)" = "b01-run-01.mtr b01-run-03.mtr results.txt" -a \
	"$(ls "$WORK/cells/nonrt+none/unfinished/baseline" | xargs)" = "b01-run-02.mtr b01-run-04.mtr" -a \
	-z "$(ls "$WORK/cells/nonrt+none/records/baseline")"
check "cells: the log names each record kept apart" \
	test "$(grep -c 'has no RESULT line: kept in unfinished/, not compared' "$WORK/cells.log")" = 8
cp scripts/lab/README.md "$WORK/README.md"
scripts/lab/lab compare --from "$WORK/cells" --readme "$WORK/README.md" >"$WORK/from.log" 2>&1
check "cells: --from finds them again and writes a block a compared cell" \
	test "$(grep -c '^#### ' "$WORK/README.md")" = 2
check "cells: the block names scenario and model" grep -q '^#### rt-nothrottle, preempt=full$' "$WORK/README.md"
check "cells: the legend once, the notes per cell" test \
	"$(grep -c '^Change: against ' "$WORK/README.md") $(grep -c '^Holm.s families' "$WORK/README.md")" = "1 2"
