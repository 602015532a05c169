#!/bin/bash
# The record reader, the compare loader and pipeline, and facts files under libFuzzer
# (ASan + UBSan, checksums off so that mutations reach the decoders) for a
# short while each; 'make fuzz' runs longer.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

secs=${MIGTRACE_FUZZ_SECONDS:-15}

# fuzz TARGET SEEDS ARTIFACT-PREFIX WHAT: one verdict line; the sanitizer's report on failure.
fuzz() {
	local fuzzer=build/fuzz/$1 seeds=$2 prefix=$3 what=$4 status runs
	if [ ! -x "$fuzzer" ]; then skip "$what: fuzz target not built (make $fuzzer)"; return; fi
	mkdir -p "$WORK/$1"
	"$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -artifact_prefix="$prefix" \
		"$WORK/$1" "$seeds" >"$WORK/$1.log" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$WORK/$1.log")
	check "$what: ${runs:-0} fuzzed inputs in ${secs}s, no crash or sanitizer report (status $status)" \
		test "$status" -eq 0
	[ "$status" -eq 0 ] || grep -E -A20 'ERROR|SUMMARY' "$WORK/$1.log" | head -40
}

fuzz fuzz_record tests/fuzz/corpus build/fuzz/ "record reader"
fuzz fuzz_compare tests/fuzz/corpus-compare build/fuzz/compare- "compare loader"
fuzz fuzz_facts tests/data/exposure build/fuzz/facts- "facts files (exposure --from)"
