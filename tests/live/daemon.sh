#!/bin/bash
# Daemon mode: every refusal (options, files, privileges, a held PID file),
# the outputs (JSON lines; the Prometheus textfile parsed back and checked
# against the JSON of the same run; file modes; no kernel addresses), SIGHUP
# rotation, a clean exit on SIGINT and SIGTERM, nothing of migtrace left in
# the kernel after SIGKILL, and load shed visibly under an event storm.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash
STORM=build/tests/fault_storm
jqs() { jq -s "$@"; }

# BPF objects (programs, links, maps) the process PID holds, from its fdinfo.
owned_ids() {
	grep -h -E '^(prog_id|link_id|map_id):' /proc/"$1"/fdinfo/* 2>/dev/null |
		tr -d '\t' | sort -u
}
# Objects of a list still alive in the kernel.
still_alive() {
	local n=0 kind id
	while IFS=: read -r kind id; do
		case $kind in
		prog_id) bpftool prog show id "$id" >/dev/null 2>&1 && n=$((n + 1)) ;;
		link_id) bpftool link show id "$id" >/dev/null 2>&1 && n=$((n + 1)) ;;
		map_id) bpftool map show id "$id" >/dev/null 2>&1 && n=$((n + 1)) ;;
		esac
	done < "$1"
	echo "$n"
}
# Programs, links and maps are freed after an RCU grace period: allow 3 s.
check_released() {
	local name=$1 ids=$2 left
	for _ in $(seq 30); do
		left=$(still_alive "$ids")
		[ "$left" -eq 0 ] && break
		sleep 0.1
	done
	check "$name: all $(wc -l < "$ids") BPF objects released ($left left)" test "$left" -eq 0
}
# start_daemon NAME ARGS...: in the background, attached when it returns.
start_daemon() {
	local name=$1; shift
	"$MIGTRACE" daemon "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	MT_PID=$!
	PIDS+=($MT_PID)
	for _ in $(seq 100); do
		grep -q "daemon started" "$WORK/$name.err" 2>/dev/null && return 0
		kill -0 $MT_PID 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
mode_of() { stat -c %a "$1"; }

# ---- refusals ----------------------------------------------------------------
usage_status() { "$MIGTRACE" daemon "$@" >/dev/null 2>"$WORK/usage.err"; echo $?; }
for args in "--bogus" "--interval 0" "--interval 86401" "--interval x" "extra" \
	"--prom-file $WORK/m.txt" "--prom-file $WORK/.prom" "--json-mode 0666" \
	"--prom-mode 0755" "--json-mode 4600" "--max-event-rate 5" "--max-event-rate -1" \
	"--json-out /nonexistent/dir/x" "--json-out $WORK/" "--pid-file /nonexistent/p" \
	"--json-out $WORK/same.prom --prom-file $WORK/same.prom" "-C 100000" "-p 0"; do
	# shellcheck disable=SC2086
	st=$(usage_status $args)
	check "refused with status 2: daemon $args ($st: $(head -n 1 "$WORK/usage.err" | cut -c 1-100))" \
		test "$st" -eq 2
done
st=$(usage_status --json-out "$(printf '%s/a\tb' "$WORK")")
check "control character in a file name refused ($st)" test "$st" -eq 2

ln -s "$WORK/target" "$WORK/link.jsonl"
"$MIGTRACE" daemon --json-out "$WORK/link.jsonl" -d 1 >/dev/null 2>"$WORK/e1"; st=$?
check "symbolic link as output refused ($st: $(cat "$WORK/e1"))" test $st -eq 1
check "refusal names the symbolic link" grep -q "symbolic link" "$WORK/e1"
check "nothing written through the link" test ! -e "$WORK/target"
touch "$WORK/victim" && ln "$WORK/victim" "$WORK/hard.pid"
"$MIGTRACE" daemon --pid-file "$WORK/hard.pid" -d 1 >/dev/null 2>"$WORK/e0"; st=$?
check "hard-linked pid file refused ($st: $(cat "$WORK/e0"))" test $st -eq 1
check "the linked file is untouched" test ! -s "$WORK/victim"
ln -s "$WORK/victim" "$WORK/sym.pid"
"$MIGTRACE" daemon --pid-file "$WORK/sym.pid" -d 1 >/dev/null 2>"$WORK/e0"; st=$?
check "symbolic link as pid file refused ($st)" test $st -eq 1
touch "$WORK/theirs.jsonl" && chown 65534 "$WORK/theirs.jsonl"
"$MIGTRACE" daemon --json-out "$WORK/theirs.jsonl" -d 1 >/dev/null 2>"$WORK/e2"; st=$?
check "another user's file refused ($st: $(cat "$WORK/e2"))" test $st -eq 1

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MIGTRACE" daemon -d 1 \
		--json-out /dev/null/x >/dev/null 2>"$WORK/e3"; st=$?
	check "bad path refused before privileges ($st)" test $st -eq 2
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MIGTRACE" daemon -d 1 \
		>/dev/null 2>"$WORK/e4"; st=$?
	check "unprivileged daemon refused ($st: $(cat "$WORK/e4"))" test $st -eq 1
	check "refusal names CAP_BPF and CAP_PERFMON" grep -q "CAP_BPF CAP_PERFMON" "$WORK/e4"
	setpriv --inh-caps=-all --bounding-set=-all "$MIGTRACE" daemon -d 1 \
		>/dev/null 2>"$WORK/e5"; st=$?
	check "root without capabilities refused ($st: $(cat "$WORK/e5"))" test $st -eq 1
	setpriv --inh-caps=-all --bounding-set=-all,+perfmon "$MIGTRACE" daemon -d 1 \
		>/dev/null 2>"$WORK/e6"; st=$?
	check "CAP_PERFMON alone refused, CAP_BPF named ($st)" \
		grep -q "missing capabilities: CAP_BPF (" "$WORK/e6"
else
	skip "setpriv not installed: privilege refusals not tested"
fi

# ---- a run: outputs, rotation, SIGTERM -------------------------------------
J=$WORK/m.jsonl P=$WORK/m.prom
fill_all_cpus 6
start_daemon run -i 1 --json-out "$J" --prom-file "$P" --pid-file "$WORK/m.pid"
check "daemon starts" kill -0 "$MT_PID"
owned_ids "$MT_PID" > "$WORK/run.ids"
check "pid file names the daemon" test "$(cat "$WORK/m.pid")" = "$MT_PID"
"$MIGTRACE" daemon -d 1 --pid-file "$WORK/m.pid" >/dev/null 2>"$WORK/e7"; st=$?
check "second daemon on a held pid file refused ($st: $(cat "$WORK/e7"))" test $st -eq 1
check "refusal names the holder" grep -q "pid $MT_PID" "$WORK/e7"
trigger_drains 0 5
sleep 1.2
check "JSON file created 0600 ($(mode_of "$J"))" test "$(mode_of "$J")" = 600
check "Prometheus file created 0600 ($(mode_of "$P"))" test "$(mode_of "$P")" = 600
mv "$J" "$J.1"
kill -HUP "$MT_PID"
trigger_drains 1 3
sleep 1.5
check "SIGHUP: a new JSON file is opened" test -s "$J"
check "SIGHUP: the daemon is still running" kill -0 "$MT_PID"
check "SIGHUP: the new file is 0600 too ($(mode_of "$J"))" test "$(mode_of "$J")" = 600
kill -TERM "$MT_PID"
wait "$MT_PID"; st=$?
check "SIGTERM: exit status 0 ($st)" test $st -eq 0
check_released SIGTERM "$WORK/run.ids"
check "SIGTERM: pid file removed" test ! -e "$WORK/m.pid"
check "no temporary file left next to the Prometheus file" \
	test "$(find "$WORK" -name '.m.prom.*' | wc -l)" -eq 0
cat "$J.1" "$J" > "$WORK/all.jsonl"
check "every JSON line parses" jq -e . "$WORK/all.jsonl" >/dev/null
check "the final report is marked" \
	test "$(jqs '[.[] | select(.type=="interval" and .final)] | length' "$WORK/all.jsonl")" -eq 1
check "reopen counted in the Prometheus file" grep -q '^migtrace_daemon_reopens_total 1$' "$P"

# The Prometheus file against the JSON of the same run: every interval's
# report is in both, so the sums must match exactly.
prom() { awk -v k="$1" '$1 == k { print $2 }' "$P"; }
promsum() { awk -v k="$1" 'index($1, k) == 1 { s += $2 } END { print s + 0 }' "$P"; }
for t in drain_queue drain_work fault_run; do
	js=$(jqs "[.[] | select(.type==\"summary\") | .events.$t] | add // 0" "$WORK/all.jsonl")
	pr=$(prom "migtrace_events_total{type=\"$t\"}")
	check "events $t: Prometheus $pr = JSON $js" test "$pr" = "$js"
done
for c in $(seq 0 $((NCPU - 1))); do
	js=$(jqs "[.[] | select(.type==\"hist\" and .name==\"drain_wait\" and .cpu==$c) | .count] | add // 0" "$WORK/all.jsonl")
	pr=$(prom "migtrace_drain_wait_seconds_count{cpu=\"$c\"}")
	check "CPU $c drain_wait count: Prometheus ${pr:-absent} = JSON $js (>0)" test "${pr:-x}" = "$js" -a "$js" -gt 0
	inf=$(prom "migtrace_drain_wait_seconds_bucket{cpu=\"$c\",le=\"+Inf\"}")
	check "CPU $c +Inf bucket = count" test "$inf" = "$pr"
	sum_js=$(jqs "[.[] | select(.type==\"hist\" and .name==\"drain_wait\" and .cpu==$c) | .sum] | add // 0" "$WORK/all.jsonl")
	sum_pr=$(prom "migtrace_drain_wait_seconds_sum{cpu=\"$c\"}" | tr -d .)
	check "CPU $c drain_wait sum: Prometheus ${sum_pr}ns = JSON ${sum_js}ns" test "$((10#$sum_pr))" -eq "$sum_js"
done
calls_js=$(jqs '[.[] | select(.type=="drain_all") | .calls] | add // 0' "$WORK/all.jsonl")
check "drain_all calls: Prometheus = JSON ($calls_js)" test "$(prom migtrace_drain_all_calls_total)" = "$calls_js"
drops_js=$(jqs '[.[] | select(.type=="drops") | .total] | last' "$WORK/all.jsonl")
check "drops: Prometheus = JSON ($drops_js)" test "$(promsum migtrace_records_dropped_total)" = "$drops_js"
ivals=$(jqs '[.[] | select(.type=="interval")] | length' "$WORK/all.jsonl")
check "intervals: Prometheus = JSON ($ivals)" test "$(prom migtrace_daemon_intervals_total)" = "$ivals"
# Histogram rules: le ascending, buckets cumulative, one HELP and TYPE per family.
check "Prometheus histograms are cumulative" awk '
	/_bucket\{/ { split($1, a, "le=\""); series = a[1]; le = a[2]; sub(/"}$/, "", le)
		v = (le == "+Inf") ? 1e300 : le + 0
		if (series == last && (v <= lastle || $2 < lastn)) bad = 1
		last = series; lastle = v; lastn = $2 }
	END { exit bad }' "$P"
check "one TYPE line per family" test "$(grep '^# TYPE' "$P" | awk '{print $3}' | sort | uniq -d | wc -l)" -eq 0
check "no kernel address in the outputs" \
	test "$(cat "$J.1" "$J" "$P" | grep -cE '(0x)?ffff[89a-f][0-9a-f]{11}')" -eq 0

# ---- SIGINT and --prom-mode ----------------------------------------------------
start_daemon int -i 1 --prom-file "$WORK/pub.prom" --prom-mode 0644
owned_ids "$MT_PID" > "$WORK/int.ids"
kill -INT "$MT_PID"
wait "$MT_PID"; st=$?
check "SIGINT: exit status 0 ($st)" test $st -eq 0
check_released SIGINT "$WORK/int.ids"
check "--prom-mode 0644 honoured ($(mode_of "$WORK/pub.prom"))" test "$(mode_of "$WORK/pub.prom")" = 644

# ---- SIGPIPE: a reader that goes away is an error to count, not a death -----------
"$MIGTRACE" daemon -i 1 --json-out - --prom-file "$WORK/pipe.prom" > >(head -c 10 >/dev/null) 2>"$WORK/pipe.err" &
MT_PID=$!
PIDS+=($MT_PID)
sleep 3.5
check "closed standard output: the daemon keeps running" kill -0 "$MT_PID"
check "closed standard output: failed writes counted" \
	awk '/^migtrace_daemon_output_errors_total/ { exit !($2 >= 1) }' "$WORK/pipe.prom"
check "closed standard output: said once on standard error" grep -q "writing - failed" "$WORK/pipe.err"
kill -TERM "$MT_PID"
wait "$MT_PID"; st=$?
check "closed standard output: SIGTERM still exits 0 ($st)" test $st -eq 0

# ---- SIGKILL: the kernel detaches what a dead loader held ------------------------
start_daemon kill -i 1
check "without outputs named, JSON lines go to standard output" \
	grep -q '^{"type":"daemon"' "$WORK/kill.out"
owned_ids "$MT_PID" > "$WORK/kill.ids"
check "the daemon holds programs and links ($(grep -c prog_id "$WORK/kill.ids") programs, $(grep -c link_id "$WORK/kill.ids") links)" \
	test "$(grep -c prog_id "$WORK/kill.ids")" -ge 1
kill -KILL "$MT_PID"
wait "$MT_PID" 2>/dev/null
check_released SIGKILL "$WORK/kill.ids"

# ---- overload: an event storm is shed visibly, then the daemon recovers --------
# Only the storm's process (-p): other load on this machine must not count.
( sleep 2; exec $STORM -d 3 ) > "$WORK/storm.out" &
storm=$!
start_daemon storm -i 1 -p "$storm" --max-event-rate 1000 --json-out "$WORK/s.jsonl" \
	--prom-file "$WORK/s.prom"
wait "$storm"; st=$?
check "the storm's workload runs to its end ($st, $(cat "$WORK/storm.out"))" test $st -eq 0
sleep 1.5
check "overload reported in JSON" \
	test "$(jqs '[.[] | select(.type=="overload" and .state=="shedding")] | length' "$WORK/s.jsonl")" -ge 1
check "shedding flagged in the Prometheus file" grep -q '^migtrace_daemon_shedding 1$' "$WORK/s.prom"
check "shed episodes counted" grep -q '^migtrace_daemon_shed_episodes_total 1$' "$WORK/s.prom"
dropped=$(awk '/^migtrace_records_dropped_total\{type="fault_run"\}/ { print $2 }' "$WORK/s.prom")
check "records shed are counted as dropped ($dropped)" test "${dropped:-0}" -gt 0
rec=$(awk '/^migtrace_daemon_records_total/ { print $2 }' "$WORK/s.prom")
secs=$(jqs '[.[] | select(.type=="interval")] | length' "$WORK/s.jsonl")
check "records consumed stay near the limit ($rec in ${secs}s, limit 1000/s)" \
	test "$rec" -le $(( (secs + 2) * 1000 + 1000 ))
sleep 11
check "back to normal after the storm" \
	test "$(jqs '[.[] | select(.type=="overload" and .state=="normal")] | length' "$WORK/s.jsonl")" -ge 1
kill -TERM "$MT_PID"
wait "$MT_PID"; st=$?
check "storm run ends with status 0 ($st)" test $st -eq 0
check "shed time counted" awk '/^migtrace_daemon_shed_seconds_total/ { exit !($2 > 1) }' "$WORK/s.prom"

# ---- incidents as they happen: an RT task keeps drain work off its CPU ----------
if [ "$NCPU" -ge 2 ]; then
	rt_cpu=$((NCPU - 1))
	start_rt_hog "$rt_cpu" 900 8
	start_daemon inc -i 60 --json-out "$WORK/inc.jsonl" --prom-file "$WORK/inc.prom" \
		--exit-on stuck_rt
	trigger_drains 0 10
	wait "$MT_PID"; st=$?
	check "--exit-on stuck_rt stops the daemon with status 3 ($st)" test $st -eq 3
	n=$(jqs "[.[] | select(.type==\"incident\" and .kind==\"stuck_rt\" and .state==\"start\" and .cpu==$rt_cpu)] | length" "$WORK/inc.jsonl")
	check "the incident is in the JSON file before any interval report ($n)" test "$n" -ge 1
	first_inc=$(grep -n '"type":"incident"' "$WORK/inc.jsonl" | head -1 | cut -d: -f1)
	first_rep=$(grep -n '"type":"interval"' "$WORK/inc.jsonl" | head -1 | cut -d: -f1)
	check "incident line $first_inc precedes the (final) report line $first_rep" test "${first_inc:-0}" -gt 0 -a "${first_inc:-0}" -lt "${first_rep:-0}"
	check "incidents counted in the Prometheus file" \
		awk '/^migtrace_incidents_total\{kind="stuck_rt"\}/ { found = $2 >= 1 } END { exit !found }' "$WORK/inc.prom"
	# The stall is pending at the last write: the CPU's longest wait in the window is >= 0.1 s.
	check "the delayed CPU's longest wait in the window is in the Prometheus file (>= 0.1 s)" \
		awk -v k="migtrace_drain_wait_max_seconds{cpu=\"$rt_cpu\"}" '$1 == k { found = $2 >= 0.1 } END { exit !found }' "$WORK/inc.prom"
else
	skip "one CPU: no stuck RT incident to provoke"
fi
