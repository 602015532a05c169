#!/bin/bash
# Refusals and signals: clear one-line errors with non-zero status; Ctrl-C and
# SIGTERM end a run with a report; nothing stays attached afterwards.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

# migtrace's programs, by id: another migtrace (a daemon on this host) may hold its own.
mt_prog_ids() {
	bpftool -j prog show 2>/dev/null | jq -r '.[] | select(.name | test("^(tp_workqueue_|raw_tp_sched_sw|raw_tp_sched_pr|tp_page_fault_u)")) | .id' | sort
}
ids_before=$(mt_prog_ids)

"$MIGTRACE" --bogus >/dev/null 2>"$WORK/e1"; st=$?
check "unknown option exits 2 ($st)" test $st -eq 2
check "unknown option is named" grep -q "bogus" "$WORK/e1"
"$MIGTRACE" -C 99999 >/dev/null 2>"$WORK/e2"; st=$?
check "invalid CPU refused ($st)" test $st -eq 2
"$MIGTRACE" -C $((NCPU + 1)) -d 1 >/dev/null 2>"$WORK/e3"; st=$?
check "absent CPU refused ($st: $(cat "$WORK/e3"))" test $st -eq 1 -a -s "$WORK/e3"
"$MIGTRACE" 0 >/dev/null 2>&1; st=$?
check "zero interval refused ($st)" test $st -eq 2

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MIGTRACE" -d 1 >/dev/null 2>"$WORK/e4"; st=$?
	check "unprivileged run refused ($st: $(head -c 200 "$WORK/e4"))" test $st -eq 1
	check "refusal names the missing privilege" grep -qiE "root|CAP_BPF" "$WORK/e4"
else
	skip "setpriv not installed: unprivileged refusal not tested"
fi

for sig in INT TERM; do
	"$MIGTRACE" >"$WORK/sig.out" 2>&1 &
	pid=$!
	sleep 1.5
	kill -s $sig $pid
	wait $pid; st=$?
	check "SIG$sig ends the run with status 0 ($st)" test $st -eq 0
	check "SIG$sig run still prints its report" grep -q "Per-CPU drain work" "$WORK/sig.out"
done
# Programs are freed after an RCU grace period: allow a moment.
for _ in $(seq 20); do
	left=$(comm -13 <(echo "$ids_before") <(mt_prog_ids) | grep -c .)
	[ "$left" -eq 0 ] && break
	sleep 0.1
done
check "no migtrace program left attached ($left)" test "$left" -eq 0
