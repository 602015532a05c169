#!/bin/bash
# The alert rules (packaging/prometheus/migtrace.rules.yml): promtool checks
# them and runs their tests, and the tests catch the rules going wrong: a
# rule that loses its hold, fires on another kind, or waits to page a
# livelock fails them.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

command -v promtool >/dev/null || { skip "no promtool (scripts/setup.sh installs prometheus)"; exit 0; }
rules=packaging/prometheus/migtrace.rules.yml
tests=tests/prometheus/migtrace.rules.test.yml
check "promtool check rules" promtool check rules "$rules"
promtool test rules "$tests" >"$WORK/out" 2>&1; st=$?
check "promtool test rules ($st: $(grep -v '^Unit Testing' "$WORK/out" | head -c 300))" test $st -eq 0

# Each rule broken on purpose must fail the tests (same layout under $WORK).
mkdir -p "$WORK/packaging/prometheus" "$WORK/tests/prometheus"
cp "$tests" "$WORK/tests/prometheus/"
mutant() {	# mutant NAME SED-SCRIPT: the tests must fail on the rules so edited
	sed "$2" "$rules" >"$WORK/$rules"
	check "the tests catch $1" test -n "$(cmp -s "$rules" "$WORK/$rules" || echo changed)" -a \
		-n "$(promtool test rules "$WORK/$tests" >/dev/null 2>&1 || echo failed)"
}
mutant "stuck_rt without its hold" '/alert: MigtraceStuckRT/,/for:/ s/for: 1m/for: 0m/'
mutant "a livelock paged only after a hold" '/alert: MigtraceLivelock/,/labels:/ s/^\(        labels:\)/        for: 1m\n\1/'
mutant "livelock alerting on any kind" 's/kind="livelock"/kind=~".+"/g'
mutant "a livelock between two writes missed" 's/ or increase(migtrace_incidents_total{kind="livelock"}\[5m\]) > 0//; /^ *or increase/d'
mutant "a stale textfile missed" 's/> 300/> 3000/'
check "the place for issue 23's kernel-spinner kind is marked in the rules and their tests" \
	test -n "$(grep '>>> issue 23' "$rules")" -a -n "$(grep '>>> issue 23' "$tests")"
