#!/bin/bash
# Evidence from kernel state on this kernel (migtrace evidence), each source
# checked against what the test made happen:
#   the stack sampler, on the CPU where drain work waits behind an RT task
#     that refaults one page: samples only there and only while the work
#     pends, on that task, with handle_mm_fault stacks; the queuer's stack
#     shows __lru_add_drain_all;
#   the attach-time discovery of a stall begun before migtrace started: the
#     drain work pending on that CPU (then followed like queued work), the
#     task waiting in __flush_work <- __lru_add_drain_all as its queuer, the
#     RT task on that CPU;
#   the per-CPU record of work items started: lru_add_drain_per_cpu named,
#     run by a kworker of that CPU.
# Every wait is for a condition, bounded; drains are triggered until it holds.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

if [ "$NCPU" -lt 2 ]; then skip "needs two CPUs"; exit 0; fi
k=$((NCPU - 1))

# drain_from_0: one lru_add_drain_all() (compaction starts with one) from CPU 0.
drain_from_0() { taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'; }

# drains_until FILE JQ: drains every 0.2 s until a JSON line of FILE matches JQ (20 s at most).
drains_until() {
	for _ in $(seq 100); do
		[ "$(jq -c "select($2)" "$1" 2>/dev/null | head -n 1)" ] && return 0
		drain_from_0
		sleep 0.2
	done
	return 1
}

# start_hog CPU ARGS...: cpu_hog on CPU with ARGS; sets HOG_TID once it is set up.
start_hog() {
	local cpu=$1; shift
	$HOG -c "$cpu" "$@" >"$WORK/hog.out" &
	PIDS+=($!)
	HOG_TID=
	for _ in $(seq 100); do
		HOG_TID=$(sed -n 's/^tid=//p' "$WORK/hog.out")
		[ -n "$HOG_TID" ] && return 0
		sleep 0.02
	done
	return 1
}

# ---- the sampler -------------------------------------------------------------
start_hog "$k" -d 60 -r 50 -s 900 -z 20 -f
hog=$HOG_TID
start_migtrace s.json evidence --json --no-discover -d 60
out=$WORK/s.json
drains_until "$out" ".type==\"cpu_evidence\" and .cpu==$k and .ended and .samples.total >= 20"
kill -INT "$MT_PID"; wait "$MT_PID"
kill "$hog" 2>/dev/null
ended=$(jq -c "select(.type==\"cpu_evidence\" and .cpu==$k and .ended and .samples.total >= 20)" "$out" | head -n 1)
check "sampler counted samples on CPU $k while its drain work pended" test -n "$ended"
check "samples on CPU $k only (none on CPU 0, whose drain work runs at once)" \
	test "$(jq -s '[.[] | select(.type=="cpu_evidence" and .cpu!='"$k"')] | length' "$out")" -eq 0
# The RT task sleeps 20 ms between spins: another task may get a sample then.
pid=$(jq -r '.samples.task.pid' <<<"$ended")
check "samples on the RT task ($pid, want $hog; only it: $(jq -r '.samples.one_pid' <<<"$ended"))" \
	test "$pid" = "$hog"
mm=$(jq -r '.samples.handle_mm_fault' <<<"$ended")
kern=$(jq -r '.samples.kernel' <<<"$ended")
check "its refaults seen in kernel stacks: handle_mm_fault in $mm of $kern kernel samples" \
	test "$mm" -gt 0 -a "$kern" -ge "$mm"
# One sample per ms of pending time (cpu-clock): the count matches the span.
total=$(jq -r '.samples.total' <<<"$ended")
span=$(jq -r '.samples.span_ns' <<<"$ended")
check "about one sample per ms ($total samples over $((span / 1000000)) ms)" \
	test "$total" -ge $((span / 2000000)) -a "$total" -le $((span / 500000 + 2))
check "sampler off once the work started" test "$(jq -r '.sampling' <<<"$ended")" = false
frames_ok=$(jq -s "[.[] | select(.type==\"cpu_evidence\" and .cpu==$k) | .samples.last_stack
	| select((.classes | test(\"handle_mm_fault\")) != ((.frames | map(test(\"^handle_mm_fault[+]\")) | any)))] | length" "$out")
check "a last stack's classes match its frames' names (handle_mm_fault)" test "$frames_ok" -eq 0
q=$(jq -r "select(.type==\"cpu_evidence\" and .cpu==$k and .ended==false) | .queuer_stack
	| select((.classes | test(\"lru_add_drain_all\")) and (.frames | map(test(\"^__lru_add_drain_all[+]\")) | any)) | .classes" "$out" | head -n 1)
check "the queuer's stack shows __lru_add_drain_all ($q)" test -n "$q"

# ---- discovery of a stall already in progress ----------------------------------
# The RT task spins 3 s at a time; RT throttling (or the fair server) lets the
# kworker run within about a second, so an attempt is conclusive only if the
# writer still waited in __flush_work after migtrace had read the tasks.
start_hog "$k" -d 60 -r 50 -s 3000 -z 20
hog=$HOG_TID
conclusive=0 task_read=0 task_st=none
for attempt in 1 2 3 4 5 6; do
	sleep 0.1	# the hog touches a fresh page (into CPU k's batch) every 5 ms
	taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory' &
	w=$!
	waiting=
	for _ in $(seq 100); do
		grep -q __flush_work "/proc/$w/stack" 2>/dev/null && { waiting=1; break; }
		kill -0 "$w" 2>/dev/null || break
		sleep 0.02
	done
	if [ -z "$waiting" ]; then wait "$w"; continue; fi
	# "Tracing..." comes after the discovery: the writer must still wait then.
	start_migtrace d.json evidence --json -d 60 &&
		grep -q __flush_work "/proc/$w/stack" 2>/dev/null && conclusive=1
	# The same task read alone (per-tid iterator), while it still waits.
	"$MIGTRACE" evidence --task "$w" --json >"$WORK/t.json" 2>"$WORK/t.err"
	task_st=$?
	grep -q __flush_work "/proc/$w/stack" 2>/dev/null && task_read=1
	# The work, followed from discovery, is sampled until it runs.
	wait "$w"
	for _ in $(seq 50); do
		grep -q '"type":"cpu_evidence".*"ended":true' "$WORK/d.json" && break
		sleep 0.1
	done
	kill -INT "$MT_PID"; wait "$MT_PID"
	[ "$conclusive" = 1 ] && break
done
echo "    discovery: conclusive after $attempt attempts"
check "a stall spanned migtrace's start (in $attempt attempts)" test "$conclusive" = 1
out=$WORK/d.json
check "discovery found the drain work pending on CPU $k and followed it" \
	test "$(jq -s "[.[] | select(.type==\"discovered_work\" and .cpu==$k and .seeded)] | length" "$out")" -eq 1
wt=$(jq -c "select(.type==\"discovered_task\" and .task.pid==$w)" "$out")
check "the waiter ($w) found in __flush_work <- __lru_add_drain_all" \
	test "$(jq -r '.stack.classes | test("lru_add_drain_all") and test("__flush_work")' <<<"$wt")" = true
check "... its frames read (it sleeps: not stale)" \
	test "$(jq -r '.stack.stale == false and (.stack.frames | map(test("^__flush_work[+]")) | any)' <<<"$wt")" = true
on=$(jq -c "select(.type==\"discovered_task\" and .task.pid==$hog)" "$out")
check "the RT task found on CPU $k, its stack marked stale" \
	test "$(jq -r ".on_cpu and .cpu==$k and .stack.stale" <<<"$on")" = true
check "evidence --task $w exits 0 ($(cat "$WORK/t.err"))" test "$task_st" = 0
if [ "$task_read" = 1 ]; then
	check "the waiter read alone by its tid: __flush_work <- __lru_add_drain_all" \
		test "$(jq -r 'select(.type=="discovered_task") | .stack.classes | test("lru_add_drain_all") and test("__flush_work")' "$WORK/t.json")" = true
else
	skip "the waiter stopped waiting before it was read alone"
fi
ce=$(jq -c "select(.type==\"cpu_evidence\" and .cpu==$k and .discovered)" "$out" | head -n 1)
check "the discovered work sampled like queued work, the waiter as its queuer" \
	test "$(jq -r '.samples.total > 0 and (.queuer_stack.classes | test("__flush_work"))' <<<"$ce")" = true
kill "$hog" 2>/dev/null

# ---- a kworker's function ------------------------------------------------------
start_hog "$k" -d 60 -z 50
start_migtrace w.json evidence --json --no-discover --no-sample --works -d 60
drains_until "$WORK/w.json" ".type==\"cpu_work\" and .cpu==$k and (.func | test(\"^lru_add_drain_per_cpu[+]0x0$\"))"
kill -INT "$MT_PID"; wait "$MT_PID"
line=$(jq -c "select(.type==\"cpu_work\" and .cpu==$k and (.func | test(\"^lru_add_drain_per_cpu[+]\")))" "$WORK/w.json" | head -n 1)
kw=$(jq -r '.pid // 0' <<<"$line")
comm=$(cat "/proc/$kw/comm" 2>/dev/null)
check "CPU $k's drain work named as its last work item (${line:-none})" test -n "$line"
check "... started by a kworker of CPU $k ($kw: $comm)" test "${comm#kworker/$k:}" != "$comm"
