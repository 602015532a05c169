#!/bin/bash
# make sanitize-check: the unit tests built with ASan and UBSan, then the
# whole suite (tests/run.sh) with the sanitized migtrace binary. Any
# sanitizer report (memory error, undefined behaviour, leak) fails the run:
# reports go to files, listed and printed at the end.
set -u
cd "$(dirname "$0")/.."
SAN=${1:-build-san}
REPORTS=$(mktemp -d /tmp/migtrace-san.XXXXXX)
trap 'rm -rf "$REPORTS"' EXIT
export ASAN_OPTIONS="log_path=$REPORTS/asan:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$REPORTS/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="log_path=$REPORTS/lsan"
export MIGTRACE_SANITIZED=1	# tests/live/soak.sh: no RSS bound under ASan

fail=0
echo "== unit tests (ASan + UBSan)"
for src in tests/unit/test_*.c; do	# the tests there are, not every old binary
	t=$SAN/tests/$(basename "$src" .c)
	if "$t" > "$REPORTS/unit.log" 2>&1; then
		echo "PASS $(basename "$t")"
	else
		echo "FAIL $(basename "$t")"; sed 's/^/    | /' "$REPORTS/unit.log"; fail=1
	fi
done
# Checks that measure timing or statistics and fail when an ASan binary
# runs two to three times slower; they run at full speed in make check.
# Their failures here are shown, not counted; sanitizer reports always are.
TIMING=(
	"no_false_alarms:"
	"record: drain latency difference marked significant"
	"record: significant mean marked in the table"
)
echo "== the suite with $SAN/migtrace"
MIGTRACE=$SAN/migtrace tests/run.sh > "$REPORTS/suite.log" 2>&1
cat "$REPORTS/suite.log"
while read -r line; do
	name=${line#FAIL }
	timing=
	for t in "${TIMING[@]}"; do [ "${name#"$t"}" != "$name" ] && timing=1; done
	if [ -n "$timing" ]; then
		echo "not counted (timing under ASan): $name"
	else
		fail=1
	fi
done < <(grep '^FAIL ' "$REPORTS/suite.log")
grep -q ' passed, ' "$REPORTS/suite.log" || { echo "FAIL the suite did not finish"; fail=1; }
if compgen -G "$REPORTS/*san*" > /dev/null; then
	echo "FAIL sanitizer reports:"
	for r in "$REPORTS"/*san*; do echo "--- $r"; head -60 "$r"; done
	fail=1
else
	echo "PASS no sanitizer report"
fi
exit $fail
