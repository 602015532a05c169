# Shared by the live tests: verdict lines, the binaries, drain triggers.
MIGTRACE=${MIGTRACE:-build/migtrace}
HOG=build/tests/cpu_hog
NCPU=$(nproc)
WORK=$(mktemp -d /tmp/migtrace-test.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
skip() { echo "SKIP $*"; }
# check NAME CONDITION-COMMAND...: one verdict line
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# need WHAT TOOL...: skip the whole test unless build/migtrace and every TOOL are there
need() {
	local what=$1 t
	shift
	[ -x build/migtrace ] || { skip "$what: build/migtrace not built"; exit 0; }
	for t; do
		command -v "$t" >/dev/null || { skip "$what: no $t (scripts/setup.sh)"; exit 0; }
	done
}

# lru_add_drain_all() from CPU $1, $2 times: compaction starts with one.
trigger_drains() {
	local cpu=$1 n=$2
	for _ in $(seq "$n"); do
		taskset -c "$cpu" sh -c 'echo 1 > /proc/sys/vm/compact_memory'
		sleep 0.2
	done
}

# Keep fresh pages in every CPU's LRU batch for $1 seconds.
fill_all_cpus() {
	for c in $(seq 0 $((NCPU - 1))); do
		$HOG -c "$c" -d "$1" -z 50 >/dev/null &
		PIDS+=($!)
	done
}

# Start migtrace in the background with output to $WORK/$1; waits until attached.
start_migtrace() {
	local out=$1; shift
	"$MIGTRACE" "$@" >"$WORK/$out" 2>"$WORK/$out.err" &
	MT_PID=$!
	PIDS+=($MT_PID)
	wait_attached "$WORK/$out.err"
}

# wait_attached FILE: until migtrace says it is attached there (or has exited), 10 s at most.
wait_attached() {
	for _ in $(seq 200); do
		grep -qE '^(Tracing|Recording to)|daemon started' "$1" 2>/dev/null && return 0
		kill -0 "$MT_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# drains_until_exit N: lru_add_drain_all() from CPU 0 every 0.2 s until
# migtrace exits (an incident it waits for came) or N tries are spent.
drains_until_exit() {
	for _ in $(seq "$1"); do
		kill -0 "$MT_PID" 2>/dev/null || break
		taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'
		sleep 0.2
	done
}

# start_rt_hog CPU SPIN_MS SECONDS: a SCHED_FIFO 50 task on CPU that keeps
# pages in its LRU batch and spins SPIN_MS at a time; sets HOG_TID.
start_rt_hog() {
	rm -f "$WORK/hog.$1.out"	# a former hog's tid must not be read before the new one's
	$HOG -c "$1" -d "$3" -r 50 -s "$2" -z 20 >"$WORK/hog.$1.out" &
	PIDS+=($!)
	for _ in $(seq 50); do
		HOG_TID=$(sed -n 's/^tid=//p' "$WORK/hog.$1.out" 2>/dev/null)
		[ -n "$HOG_TID" ] && break
		sleep 0.02
	done
	sleep 0.2
}

# run_migtrace_with_drains OUT DRAINS ARGS...: migtrace in the background,
# DRAINS lru_add_drain_all() calls from CPU 0, then wait for it.
run_migtrace_with_drains() {
	local out=$1 n=$2; shift 2
	start_migtrace "$out" "$@"
	trigger_drains 0 "$n"
	wait "$MT_PID"
}
