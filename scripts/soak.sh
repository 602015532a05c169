#!/bin/bash
# Soak: migtrace daemon under a high, changing event rate for a long time,
# printing its resident memory and CPU use every few seconds. After the
# warm-up, RSS must stay flat (grow by at most the tolerance); the daemon
# must still answer SIGHUP and exit 0 on SIGTERM.
#
#   scripts/soak.sh [-d SECONDS] [-s SAMPLE_S] [-w WARMUP_S] [-t TOLERANCE_KB]
#                   [-r MAX_EVENT_RATE] [-o DIR]
#
# Defaults: one hour, a sample every 10 s, the first 10% (at least 30 s) as
# warm-up, 512 KiB tolerance, --max-event-rate 50000 (below the storm: the
# daemon sheds and recovers). tests/live/soak.sh runs a 2-minute version.
# Load, in cycles: a fault storm (one record every three faults, about 100k
# records/s per thread here) on and off, so that the daemon sheds load and
# recovers; lru_add_drain_all() every 2 s (compaction) with fresh pages on
# every CPU; short-lived processes, so that the kernel's per-task tables
# churn. Prints PASS/FAIL lines and exits non-zero on failure.
set -u
cd "$(dirname "$0")/.."
DURATION=3600 SAMPLE=10 WARMUP= TOL_KB=512 RATE=50000 DIR=
while getopts "d:s:w:t:r:o:" o; do
	case $o in
	d) DURATION=$OPTARG ;;
	s) SAMPLE=$OPTARG ;;
	w) WARMUP=$OPTARG ;;
	t) TOL_KB=$OPTARG ;;
	r) RATE=$OPTARG ;;
	o) DIR=$OPTARG ;;
	*) sed -n '/^#   scripts/,/^#  *\[-r/p' "$0" >&2; exit 2 ;;
	esac
done
for v in "$DURATION" "$SAMPLE" "$TOL_KB" "$RATE" ${WARMUP:+"$WARMUP"}; do
	case $v in '' | *[!0-9]*) echo "soak: not a number: $v" >&2; exit 2 ;; esac
done
[ -n "$WARMUP" ] || WARMUP=$(( DURATION / 10 > 30 ? DURATION / 10 : 30 ))
if [ "$WARMUP" -ge "$DURATION" ] || [ "$SAMPLE" -lt 1 ]; then
	echo "soak: the warm-up ($WARMUP s) must be shorter than the run ($DURATION s)" >&2; exit 2
fi
MIGTRACE=${MIGTRACE:-build/migtrace}
STORM=build/tests/fault_storm HOG=build/tests/cpu_hog
for b in "$MIGTRACE" "$STORM" "$HOG"; do
	[ -x "$b" ] || { echo "soak: $b missing: make all build/tests/fault_storm build/tests/cpu_hog" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root" >&2; exit 2; }
KEEP=${DIR:+1}
DIR=${DIR:-$(mktemp -d /tmp/migtrace-soak.XXXXXX)}
mkdir -p "$DIR"
NCPU=$(nproc)
LOAD=()
cleanup() {
	for p in "${LOAD[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "${MT:-}" ] && kill "$MT" 2>/dev/null
	wait 2>/dev/null
	[ -n "$KEEP" ] || rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$MIGTRACE" daemon -i 10 --max-event-rate "$RATE" --json-out "$DIR/soak.jsonl" \
	--prom-file "$DIR/soak.prom" 2>"$DIR/daemon.err" &
MT=$!
for _ in $(seq 100); do grep -q "daemon started" "$DIR/daemon.err" && break; sleep 0.1; done
grep -q "daemon started" "$DIR/daemon.err" || { echo "FAIL daemon did not start: $(cat "$DIR/daemon.err")"; exit 1; }

# The load: each kind in a loop of its own until SIGTERM, which ends the
# loop and what it runs.
background() {
	( trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM
	  while :; do "$@"; done ) &
	LOAD+=($!)
}
# Niced: the storm is there for its event rate, not to starve the host.
storm_cycle() { nice -n 19 $STORM -d 20 -t 1 >/dev/null & wait $!; sleep 10 & wait $!; }
drain_cycle() { echo 1 > /proc/sys/vm/compact_memory; sleep 2 & wait $!; }
hog_cycle() {
	for c in $(seq 0 $((NCPU - 1))); do $HOG -c "$c" -d 5 -z 50 >/dev/null & done
	wait
}
churn_cycle() { for _ in $(seq 50); do /bin/true; done; sleep 1 & wait $!; }
background storm_cycle
background drain_cycle
background hog_cycle
background churn_cycle

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$MT/status"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$MT/stat"; }
prom() { awk -v k="$1" '$1 == k { print $2 }' "$DIR/soak.prom" 2>/dev/null; }
HZ=$(getconf CLK_TCK)
printf '%7s %9s %6s %12s %9s %10s\n' T_S RSS_KB CPU_% RECORDS SHEDDING DROPPED
start=$(date +%s) last_t=$start last_ticks=$(ticks)
warm_rss= max_rss=0 cpu_sum=0 cpu_max=0 n=0 hup_done=
while :; do
	sleep "$SAMPLE" & wait $!
	kill -0 "$MT" 2>/dev/null || { echo "FAIL the daemon died: $(tail -3 "$DIR/daemon.err")"; exit 1; }
	now=$(date +%s) tk=$(ticks) rss=$(rss_kb)
	el=$(( now - start ))
	cpu=$(awk -v d="$(( tk - last_ticks ))" -v t="$(( now - last_t ))" -v hz="$HZ" \
		'BEGIN { printf "%.1f", (t > 0 ? 100 * d / hz / t : 0) }')
	last_t=$now last_ticks=$tk
	dropped=$(awk '/^migtrace_records_dropped_total/ { s += $2 } END { print s + 0 }' "$DIR/soak.prom" 2>/dev/null)
	printf '%7d %9d %6s %12s %9s %10s\n' "$el" "$rss" "$cpu" "$(prom migtrace_daemon_records_total)" \
		"$(prom migtrace_daemon_shedding)" "$dropped"
	if [ "$el" -ge "$WARMUP" ]; then
		[ -n "$warm_rss" ] || warm_rss=$rss
		[ "$rss" -gt "$max_rss" ] && max_rss=$rss
		cpu_sum=$(awk -v a="$cpu_sum" -v b="$cpu" 'BEGIN { print a + b }')
		cpu_max=$(awk -v a="$cpu_max" -v b="$cpu" 'BEGIN { print (b > a) ? b : a }')
		n=$((n + 1))
	fi
	# Once, half-way: rotate the JSON file as logrotate would.
	if [ -z "$hup_done" ] && [ "$el" -ge $(( DURATION / 2 )) ]; then
		mv "$DIR/soak.jsonl" "$DIR/soak.jsonl.1" && kill -HUP "$MT"
		hup_done=1
	fi
	[ "$el" -ge "$DURATION" ] && break
done
for p in "${LOAD[@]}"; do kill "$p" 2>/dev/null; done
kill -TERM "$MT"
wait "$MT"; st=$?
MT=

echo
growth=$(( max_rss - warm_rss ))
echo "RSS after warm-up: first ${warm_rss} KiB, max ${max_rss} KiB, growth ${growth} KiB (tolerance ${TOL_KB} KiB)"
echo "daemon CPU after warm-up: mean $(awk -v s="$cpu_sum" -v n="$n" 'BEGIN { printf "%.1f", n ? s / n : 0 }')%, max ${cpu_max}% of one CPU"
echo "shed episodes $(prom migtrace_daemon_shed_episodes_total), shed for $(prom migtrace_daemon_shed_seconds_total) s, records $(prom migtrace_daemon_records_total)"
fail=0
verdict() { if [ "$2" = 0 ]; then echo "PASS $1"; else echo "FAIL $1"; fail=1; fi; }
[ "$growth" -le "$TOL_KB" ]; verdict "RSS flat after warm-up (+${growth} KiB <= ${TOL_KB} KiB)" $?
[ "$st" -eq 0 ]; verdict "daemon exits 0 on SIGTERM ($st)" $?
[ -s "$DIR/soak.jsonl" ] && [ -s "$DIR/soak.jsonl.1" ]; verdict "SIGHUP rotation: both JSON files written" $?
[ "$(prom migtrace_daemon_output_errors_total)" = 0 ]; verdict "no output errors" $?
[ -n "$KEEP" ] && echo "outputs kept in $DIR"
exit $fail
