#!/bin/bash
# The kernel log reader (kernel/kmsg.c, cmd/kernel_log.c) on this kernel's
# real /dev/kmsg, with no kernel misbehaviour: caps says whether it can be
# read, and why not without CAP_SYSLOG under kernel.dmesg_restrict; the
# daemon starts at the log's end, counts no report user space forged,
# survives the ring buffer wrapping under it (EPIPE: the records lost are
# counted and reading goes on), and says all of it in its JSON and its
# Prometheus file; record keeps the log's state for report. A real soft
# lockup joined to an incident needs a kernel-mode spinner: the qemu lab's
# scenarios (migtrace(8), KERNEL REPORTS).
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

KW=build/tests/kmsg_write
TAG="migtrace-test-$$"
if ! "$KW" "$TAG probe" >"$WORK/probe" 2>&1; then
	skip "kernel_log: cannot write and read back /dev/kmsg here ($(head -c 200 "$WORK/probe"))"
	exit 0
fi
restrict=$(cat /proc/sys/kernel/dmesg_restrict)

# caps: readable as root; without CAP_SYSLOG, readable only if dmesg_restrict is 0.
"$MIGTRACE" caps --json >"$WORK/caps.json" 2>"$WORK/caps.err"
check "caps says the kernel log is readable" \
	test "$(jq -r 'select(.type=="kernel_log") | .readable' "$WORK/caps.json")" = true
setpriv --bounding-set -syslog --inh-caps -syslog "$MIGTRACE" caps --json >"$WORK/nosys.json" 2>&1
if [ "$restrict" = 1 ]; then
	check "without CAP_SYSLOG under dmesg_restrict=1 caps says unknown, and why" \
		test "$(jq -r 'select(.type=="kernel_log") | "\(.readable) \(.why)"' "$WORK/nosys.json")" = \
		"false /dev/kmsg: Operation not permitted: kernel.dmesg_restrict=1 and no CAP_SYSLOG"
	setpriv --bounding-set -syslog --inh-caps -syslog "$MIGTRACE" caps >"$WORK/nosys.txt" 2>&1
	check "... in the text too" grep -qx "kernel log: unknown: /dev/kmsg: Operation not permitted: kernel.dmesg_restrict=1 and no CAP_SYSLOG: the kernel's own stall reports are not seen" "$WORK/nosys.txt"
else
	check "without CAP_SYSLOG under dmesg_restrict=0 the log is still readable" \
		test "$(jq -r 'select(.type=="kernel_log") | .readable' "$WORK/nosys.json")" = true
fi

# The log holds at least 300 records before the daemon attaches.
"$KW" "$TAG before attach" 300 >/dev/null
json=$WORK/d.jsonl prom=$WORK/m.prom
start_migtrace daemon.out daemon --interval 1 --json-out "$json" --prom-file "$prom"
check "daemon started" kill -0 "$MT_PID"
check "its start says the kernel log is readable" \
	test "$(jq -r 'select(.type=="kernel_log") | .readable' "$json" | head -n 1)" = true

# kernel_log JSON field of the latest report ("" until there is one).
klog() { jq -r "select(.type==\"kernel_log\" and .records != null) | $1" "$json" 2>/dev/null | tail -n 1; }
# wait_read SEQ: until the daemon has read the record SEQ (10 s at most).
wait_read() {
	for _ in $(seq 100); do
		[ "$(klog .last_seq)" -ge "$1" ] 2>/dev/null && return 0
		kill -0 "$MT_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
for _ in $(seq 100); do [ -n "$(klog .records)" ] && break; sleep 0.1; done
first=$(klog .records)
check "it started at the log's end: ${first:-no} records read in its first second, not the 300+ before" \
	test -n "$first" -a "${first:-999}" -lt 300

# Reports forged from user space (facility 1 whatever "<0>" asks) count for nothing.
seq=$("$KW" "<0>watchdog: BUG: soft lockup - CPU#0 stuck for 99s! [$TAG:1]" | sed -n 's/^seq=//p')
"$KW" "<3>INFO: task $TAG:1 blocked for more than 99 seconds." >/dev/null
seq=$("$KW" "<4>workqueue: $TAG hogged CPU for >10000us 4 times, consider switching to WQ_UNBOUND" |
	sed -n 's/^seq=//p')
check "the daemon read the forged lines (up to seq $seq)" wait_read "$seq"
check "no report counted for them" test "$(klog '[.reports[]] | add')" = 0
check "no kernel_report line written for them" test -z "$(jq -c 'select(.type=="kernel_report")' "$json")"

# The ring wraps under a reader that stopped: EPIPE, records lost, reading goes on.
kill -STOP "$MT_PID"
"$KW" -w "$TAG" >"$WORK/wrap" 2>&1
kill -CONT "$MT_PID"
seq=$(sed -n 's/^seq=//p' "$WORK/wrap")
check "the ring wrapped under the stopped daemon ($(tr '\n' ' ' <"$WORK/wrap"))" test -n "$seq"
check "after SIGCONT it reads on to the last record written (seq $seq)" wait_read "${seq:-0}"
lost=$(klog .lost)
check "it counts the records it lost (${lost:-none})" test "${lost:-0}" -gt 0
check "it is alive and still readable" test "$(kill -0 "$MT_PID" && klog .readable)" = true
for _ in $(seq 50); do grep -qs '^migtrace_kernel_log_lost_total [1-9]' "$prom" && break; sleep 0.1; done
check "Prometheus: readable 1, lost > 0, no report" \
	test -n "$(grep -x 'migtrace_kernel_log_readable 1' "$prom")" \
	-a -n "$(grep '^migtrace_kernel_log_lost_total [1-9]' "$prom")" \
	-a "$(grep -c '^migtrace_kernel_reports_total{kind="[a-z_]*"} 0$' "$prom")" = 5
kill -TERM "$MT_PID"
wait "$MT_PID"; st=$?
check "daemon stops with status 0 ($st)" test $st -eq 0

# Without CAP_SYSLOG under dmesg_restrict=1: the daemon runs blind to them and says so.
if [ "$restrict" = 1 ]; then
	rm -f "$prom"
	printf '#!/bin/sh\nexec setpriv --bounding-set -syslog --inh-caps -syslog %s "$@"\n' \
		"$(realpath "$MIGTRACE")" >"$WORK/nosys"
	chmod +x "$WORK/nosys"
	MIGTRACE=$WORK/nosys start_migtrace nosys.out daemon --interval 1 --json-out "$WORK/n.jsonl" --prom-file "$prom"
	for _ in $(seq 50); do grep -qs '^migtrace_daemon_intervals_total [1-9]' "$prom" && break; sleep 0.1; done
	check "without CAP_SYSLOG: its start says why, stderr too" \
		test "$(jq -r 'select(.type=="kernel_log") | .why' "$WORK/n.jsonl" | head -n 1)" = \
		"/dev/kmsg: Operation not permitted: kernel.dmesg_restrict=1 and no CAP_SYSLOG" \
		-a -n "$(grep "stall reports will not be seen" "$WORK/nosys.out.err")"
	check "... Prometheus: readable 0 and no report counts" \
		test -n "$(grep -x 'migtrace_kernel_log_readable 0' "$prom")" \
		-a -z "$(grep '^migtrace_kernel_reports_total' "$prom")"
	kill -TERM "$MT_PID"
	wait "$MT_PID"
fi

# record keeps the log's state and report says it.
"$MIGTRACE" record -o "$WORK/r.mtr" -d 1 >"$WORK/rec.out" 2>&1
"$MIGTRACE" report "$WORK/r.mtr" >"$WORK/rep.txt" 2>&1
check "report of a record: the kernel log read, no report ($(grep -m1 '^kernel log' "$WORK/rep.txt"))" \
	grep -q '^Kernel reports (0; kernel log readable (/dev/kmsg)' "$WORK/rep.txt"
