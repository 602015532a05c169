#!/bin/bash
# The stack sampler's cost (make bench runs this after bench.sh's hooks):
#   - while no drain work pends, its events are disabled: runs and time
#     inside it over a quiet stretch (drains the system makes itself, e.g.
#     khugepaged's, may add a few);
#   - while drain work pends on a CPU (an RT task spinning there, drains
#     from CPU 0), the time inside the program per sample (bpf_stats
#     run_time_ns / run_cnt, as bench.sh measures hooks), against a floor
#     measured in the same run on the same CPU and event: a program that
#     only reads the kernel stack (bpf_get_stack), interleaved, BENCH_ROUNDS
#     rounds of BENCH_SAMPLER_SECONDS each.
#   BENCH_ROUNDS (5) BENCH_SAMPLER_SECONDS (3) BENCH_SAMPLER_QUIET (5)
#   BENCH_MT, BENCH_BIN (as bench.sh), BENCH_HOG (build/tests/cpu_hog)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
B=${BENCH_BIN:-build/bench}
MT=${BENCH_MT:-build/migtrace}
HOG=${BENCH_HOG:-build/tests/cpu_hog}
PY="python3 $HERE/bpfstats.py"
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SAMPLER_SECONDS:-3}
QUIET=${BENCH_SAMPLER_QUIET:-5}
PERIOD_NS=1000000	# SAMPLER_PERIOD_NS (src/kernel/sampler.h)
TMP=$(mktemp -d)
k=$(($(nproc) - 1))
[ "$k" -ge 1 ] || { echo "sampler bench: needs two CPUs" >&2; exit 0; }
for f in $MT $B/empty $HOG; do
	[ -x "$f" ] || { echo "sampler bench: $f missing: run make bench" >&2; exit 1; }
done

. "$HERE/lib.bash"
bench_stats_on

start() {	# start migtrace|floor: the sampler, or the stack-only floor on CPU k
	if [ "$1" = migtrace ]; then
		$MT evidence --no-discover >/dev/null 2>"$TMP/t.err" & pid=$!
		wait_for "$TMP/t.err" Tracing
	else
		$B/empty perf "$k" "$PERIOD_NS" 2>"$TMP/t.err" & pid=$!
		wait_for "$TMP/t.err" attached
	fi
}
stop() { kill -INT "$pid" && wait "$pid" 2>/dev/null; }
stall() {	# drains from CPU 0 for $1 seconds while an RT task spins on CPU k
	local end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'
		sleep 0.2
	done
}

printf '\nstack sampler (one sample per %d us of a CPU with drain work pending)\n' $((PERIOD_NS / 1000))
start migtrace || exit 1
$PY snap "$pid" >"$TMP/a"
sleep "$QUIET"
$PY snap "$pid" >"$TMP/b"
stop
q=$($PY delta "$TMP/a" "$TMP/b" perf_sample_sta)
printf '  quiet %d s (no drains of ours): %s runs\n' "$QUIET" "${q#* }"

$HOG -c "$k" -d $((ROUNDS * SECS * 2 + 30)) -r 50 -s 900 -z 20 -f >/dev/null & hog=$!
for round in $(seq "$ROUNDS"); do
	for t in migtrace floor; do
		prog=perf_sample_sta; [ $t = floor ] && prog=empty_stack_sam
		start $t || continue
		$PY snap "$pid" >"$TMP/a"
		stall "$SECS"
		$PY snap "$pid" >"$TMP/b"
		stop
		printf '%s\t%s\n' "$t" "$($PY delta "$TMP/a" "$TMP/b" $prog)" >>"$TMP/s.tsv"
	done
done
kill "$hog" 2>/dev/null
awk -v period="$PERIOD_NS" '
	{ ns[$1, ++n[$1]] = $2; runs[$1] += $3 }
	function med(t,   i, j, v, c, tmp) {
		c = n[t]; for (i = 1; i <= c; i++) v[i] = ns[t, i]
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
		lo[t] = v[1]; hi[t] = v[c]
		return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
	}
	END {
		m = med("migtrace"); f = med("floor")
		printf "  while pending: %.0f ns per sample, median of %d rounds [%.0f-%.0f], %d samples\n", m, n["migtrace"], lo["migtrace"], hi["migtrace"], runs["migtrace"]
		printf "  floor (bpf_get_stack only, same CPU and event): %.0f ns [%.0f-%.0f]; ratio %.2f\n", f, lo["floor"], hi["floor"], f ? m / f : 0
		printf "  cost while pending: %.2f%% of that CPU inside the program (%.0f ns each %d us)\n", m / period * 100, m, period / 1000
	}' "$TMP/s.tsv"
