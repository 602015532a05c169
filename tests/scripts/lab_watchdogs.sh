#!/bin/bash
# scripts/lab/watchdogs and check-table on hand-made boot logs (no boot):
# which watchdog report belongs to which run, its delay from the stalled
# iteration's release, and the Wilson interval of a cell, each worked out
# by hand below.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, skip, $WORK
command -v gawk >/dev/null || { skip "lab watchdogs: no gawk (scripts/setup.sh)"; exit 0; }

# run 3 stalls (released 5 s before its livelock line at 16 s: at 11 s);
# run 4 progresses, its delays count from its start (50 s)
cat > "$WORK/results.log" <<'EOF'
MLAB: booted
TRUTH run=3 scenario=kspin variant=baseline outcome=livelock holder_tid=88 spinner_tids=90 requester_tid=- work_fn=- preempt=none
TRUTH run=4 scenario=kworker variant=baseline outcome=progress holder_tid=7 spinner_tids=8 requester_tid=9 work_fn=dmirror_fault_work preempt=full
EOF
cat > "$WORK/console.log" <<'EOF'
[    1.000000] Linux version
[    5.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 99s! [early:1]
[   10.000000] mlab: run=3 start scenario=kspin variant=baseline preempt=none
[   16.000000] mlab: run=3 livelock iteration=0 release_ago_ms=5000.0 spinner=90
[   31.500000] watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [migrepro:90]
TRUTH run=3 [   32.000000] rcu: INFO: rcu_preempt self-detected stall on CPU
[   33.000000] INFO: task sh:77 blocked for more than 20 seconds.
[   34.000000] INFO: task migrepro:88 blocked for more than 20 seconds.
[   40.000000] watchdog: BUG: soft lockup - CPU#3 stuck for 30s! [migrepro:91]
[   42.000000] workqueue: vmstat_update hogged CPU for >10000us 1 times, consider switching to WQ_UNBOUND
[   50.000000] mlab: run=4 start scenario=kworker variant=baseline preempt=full
[   50.500000] workqueue: vmstat_update hogged CPU for >10000us 2 times, consider switching to WQ_UNBOUND
[   50.750000] workqueue: dmirror_fault_work hogged CPU for >10000us 1 times, consider switching to WQ_UNBOUND
[   51.000000] BUG: workqueue lockup - pool cpus=3 node=0 flags=0x0 nice=0 stuck for 31s!
[   60.000000] reboot: Power down
EOF
out=$(scripts/lab/watchdogs "$WORK/results.log" "$WORK/console.log")
want3="wd_soft_lockup_ms=20500 wd_rcu_stall_ms=21000 wd_hung_task_ms=23000 wd_wq_lockup_ms=- wd_wq_hog_ms=- wd_soft_lockup_task=migrepro:90 wd_observed_ms=39000"
want4="wd_soft_lockup_ms=- wd_rcu_stall_ms=- wd_hung_task_ms=- wd_wq_lockup_ms=1000 wd_wq_hog_ms=750 wd_soft_lockup_task=- wd_observed_ms=10000"
check "watchdogs: a stalled run's reports from its release (boot noise, others' tasks and functions left out)" \
	test "$(echo "$out" | sed -n 1p)" = "$(sed -n 2p "$WORK/results.log") $want3"
check "watchdogs: a run that progressed counts from its start" \
	test "$(echo "$out" | sed -n 2p)" = "$(sed -n 3p "$WORK/results.log") $want4"
: > "$WORK/empty.log"
check "watchdogs: no TRUTH line, no output" test -z "$(scripts/lab/watchdogs "$WORK/empty.log" "$WORK/console.log")"

# Wilson 95%: 10 of 10 -> [0.72, 1.00]; 0 of 2 -> [0.00, 0.66]; 1 of 4 ->
# p = .25, centre (.25 + .4802) / 1.9604 = .3727, half-width
# 1.96 sqrt(.046875 + .060025) / 1.9604 = .3268: [0.05, 0.70]
mkdir -p "$WORK/check/cells"
cell() {	# NAME VARIANT SCENARIO MODEL STUCK RUNS
	{
		echo "# cell variant=$2 scenario=$3 preempt=$4 runs=$6 repro_args=- seconds=$((6 * 10)) exit=3"
		for i in $(seq "$6"); do
			o=progress
			[ "$i" -le "$5" ] && o=livelock
			echo "TRUTH run=$i scenario=$3 variant=$2 outcome=$o wd_soft_lockup_ms=$((i * 1000)) wd_hung_task_ms=-"
			echo "RESULT scenario=$3 max_stall_ms=$((i * 100)).0"
		done
	} > "$WORK/check/cells/$1.txt"
}
cell a baseline kspin none 10 10
cell b wait-on-locked kspin none 0 2
cell c stock kworker full 1 4
tab=$(scripts/lab/check-table "$WORK/check")
check "check-table: 10/10 livelocked, Wilson [0.72, 1.00], expectation met, soft lockup median 5.5 s" \
	grep -qF '| kspin | baseline | none | 10 / 10 | [0.72, 1.00] | livelock (met) | 1000 | 10 / 10, 5.5 s | 0 / 10 |' <<< "$tab"
check "check-table: 0/2, Wilson [0.00, 0.66], progress met" \
	grep -qF '| kspin | wait-on-locked | none | 0 / 2 | [0.00, 0.66] | progress (met) |' <<< "$tab"
check "check-table: 1/4, Wilson [0.05, 0.70], no expectation (record)" \
	grep -qF '| kworker | stock | full | 1 / 4 | [0.05, 0.70] | record |' <<< "$tab"
check "check-table: rows in scenario, variant order" \
	test "$(grep -o '^| k[a-z]* | [a-z-]* ' <<< "$tab" | tr -d '|' | xargs)" = "kspin baseline kspin wait-on-locked kworker stock"
cell d baseline kspin voluntary 1 2
check "check-table: an expectation not met is marked" \
	grep -qF '| kspin | baseline | voluntary | 1 / 2 | [0.09, 0.91] | livelock (**not met**) |' <<< "$(scripts/lab/check-table "$WORK/check")"
