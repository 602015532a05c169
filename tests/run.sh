#!/bin/bash
# Runs every test: unit binaries (no root needed), then live tests on this
# kernel (root). Each test prints PASS/FAIL/SKIP lines; this script counts
# them and ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."

pass=0 fail=0 skip=0
failed_names=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {	# count PASS/FAIL/SKIP lines of one test's output
	local name=$1 status=$2
	while read -r verdict rest; do
		case $verdict in
		PASS) pass=$((pass + 1)); echo "PASS $name: $rest" ;;
		FAIL) fail=$((fail + 1)); failed_names+=("$name: $rest"); echo "FAIL $name: $rest" ;;
		SKIP) skip=$((skip + 1)); echo "SKIP $name: $rest" ;;
		esac
	done < <(grep -E '^(PASS|FAIL|SKIP) ' "$log")
	if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		fail=$((fail + 1)); failed_names+=("$name: exited $status")
		echo "FAIL $name: exited with status $status"
	fi
	if grep -q '^FAIL ' "$log" || [ "$status" -ne 0 ]; then
		grep -vE '^(PASS|SKIP) ' "$log" | sed 's/^/    | /'
	fi
}

echo "== unit tests"
for src in tests/unit/test_*.c; do	# not build/tests/test_*: a renamed test's old binary stays there
	t=build/tests/$(basename "$src" .c)
	if [ ! -x "$t" ]; then
		echo "FAIL $(basename "$t"): not built (make check builds it)" >"$log"
	else
		"$t" >"$log" 2>&1
	fi
	count "$(basename "$t")" $?
done

echo "== source structure (ARCHITECTURE.md)"
bash tests/structure.sh >"$log" 2>&1
count structure $?

echo "== script logic (no root)"
for t in tests/scripts/*.sh; do
	bash "$t" >"$log" 2>&1
	count "$(basename "$t" .sh)" $?
done

echo "== live tests (real BPF on the running kernel)"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP live: not root: BPF programs cannot be loaded"
	skip=$((skip + 1))
else
	for t in tests/live/*.sh; do
		timeout 300 bash "$t" >"$log" 2>&1
		count "$(basename "$t" .sh)" $?
	done
fi

if [ "${MIGTRACE_LAB:-0}" = 1 ]; then
	echo "== package (make deb, installed and purged in a throwaway root)"
	timeout 900 bash tests/package.sh >"$log" 2>&1
	count package $?
	echo "== lab (patched kernels under qemu: make lab-check)"
	scripts/lab/lab check >"$log" 2>&1; st=$?
	tail -n 25 "$log"
	[ $st -eq 0 ] && echo "PASS every variant builds, boots, passes hmm-tests, livelocks or not as expected" >>"$log"
	count lab-check $st
	bash tests/lab/hang_dump.sh >"$log" 2>&1
	count lab-hang-dump $?
	scripts/lab/series-check >"$log" 2>&1; st=$?
	count series-check $st
	bash tests/lab/series_check_fails.sh >"$log" 2>&1
	count series-check-fails $?
	scripts/lab/detect-check >"$log" 2>&1; st=$?
	cat "$log"
	[ $st -eq 0 ] && echo "PASS verdicts run by run against the reproducer's truth (full hooks, tracepoints only, patched tracepoints)" >>"$log"
	count detect-check $st
fi

echo
for f in "${failed_names[@]}"; do echo "failed: $f"; done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
