#!/bin/bash
# The record reader under libFuzzer (ASan + UBSan, checksums off so that
# mutations reach the decoders) for a short while; 'make fuzz' runs longer.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

fuzzer=build/fuzz/fuzz_record
secs=${MIGTRACE_FUZZ_SECONDS:-15}
if [ ! -x "$fuzzer" ]; then skip "fuzz target not built (make $fuzzer)"; exit 0; fi
mkdir -p "$WORK/corpus"
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -artifact_prefix=build/fuzz/ \
	"$WORK/corpus" tests/fuzz/corpus \
	>"$WORK/fuzz.log" 2>&1
status=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$WORK/fuzz.log")
check "record reader: ${runs:-0} fuzzed inputs in ${secs}s, no crash or sanitizer report (status $status)" \
	test "$status" -eq 0
[ "$status" -eq 0 ] || grep -E -A20 'ERROR|SUMMARY' "$WORK/fuzz.log" | head -40
