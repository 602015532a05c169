#!/bin/busybox sh
# /init of the migtrace lab initramfs (busybox). Reads /lab/run.conf written
# by scripts/lab/lab, runs one workload, brings results back through the 9p
# share "results" (or, failing that, a base64 tarball between MLAB-B64-BEGIN
# and MLAB-B64-END on the serial console), then powers off.
# Every line the host scores (MLAB-*, RESULT, TRUTH, hmm-tests' summary) also
# leaves at once through the results channel, the second serial port
# (/dev/ttyS1, the host's results.log), as it is produced: a guest whose CPUs
# all stop (a kernel-mode livelock) still has its lines out up to the stop.
# migtrace's JSON goes there too, a line at a time, as "MLAB-JSON NAME LINE".
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin:/sbin
mount -t devtmpfs dev /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmp /tmp
. /lab/run.conf
# this boot's number and the runs before it (lab run boots again after a
# livelock that did not let go): kernel parameters passed on to init
BOOT=${MLAB_BOOT:-1}
RUN_BASE=${MLAB_RUN_BASE:-0}

# the results channel on fd 7: raw (no echo, no CR), held open (a close
# waits for the port to drain)
if stty -F /dev/ttyS1 raw -echo 2>/dev/null && exec 7>/dev/ttyS1; then
	CHANNEL=ttyS1
else
	exec 7>/dev/null
	CHANNEL=none
fi
# emit LINE: to the console and the results channel
emit() {
	echo "$*"
	echo "$*" >&7
}

SERIAL_RESULTS=0
if ! mount -t 9p -o trans=virtio,version=9p2000.L results /results 2>/dev/null; then
	mount -t tmpfs results /results
	SERIAL_RESULTS=1
fi

dump_results() {
	sync
	if [ "$SERIAL_RESULTS" = 1 ]; then
		echo 1 > /proc/sys/kernel/printk
		echo "MLAB-B64-BEGIN"
		tar czf - -C /results . | base64
		echo "MLAB-B64-END"
	fi
}

finish() {
	emit "MLAB-DONE rc=$1"
	dump_results
	sync
	poweroff -f
}

# x86 registers the TSC clocksource about a second after device initcalls
# (tsc_refine_calibration_work(): TCG's CPU model does not enumerate the TSC
# frequency) and switches to it from tsc-early with stop_machine(). A
# workload started before that which spins in kernel mode on one CPU
# leaves the other CPUs stuck in the stopper for good: the whole guest
# stops (README, "stop_machine"). Wait for the switch (at most 10 s).
i=0
while [ "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)" = tsc-early ] &&
      [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
CLOCKSOURCE=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
PREEMPT_NOW=$(sed -n 's/.*(\(.*\)).*/\1/p' /sys/kernel/debug/sched/preempt 2>/dev/null)
emit "MLAB: booted $(uname -r) variant=$VARIANT workload=$WORKLOAD cpus=$(nproc) results=$([ $SERIAL_RESULTS = 1 ] && echo serial || echo 9p) channel=$CHANNEL preempt=${PREEMPT_NOW:-unknown} clocksource=$CLOCKSOURCE boot=$BOOT"
{
	uname -a
	cat /proc/cmdline
	echo "sched_rt_runtime_us=$(cat /proc/sys/kernel/sched_rt_runtime_us 2>/dev/null)"
	echo "preempt=$(cat /sys/kernel/debug/sched/preempt 2>/dev/null)"
	echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
	echo "cpu_intensive_thresh_us=$(cat /sys/module/workqueue/parameters/cpu_intensive_thresh_us 2>/dev/null)"
} > /results/guest-info-$BOOT.txt

# in-guest watchdog: a livelocked workload must not hang the caller
(
	sleep "$GUEST_TIMEOUT"
	emit "MLAB-WATCHDOG: workload still running after ${GUEST_TIMEOUT}s"
	emit "MLAB-WATCHDOG: sched_rt_runtime_us=$(cat /proc/sys/kernel/sched_rt_runtime_us)"
	echo l > /proc/sysrq-trigger 2>/dev/null
	echo w > /proc/sysrq-trigger 2>/dev/null
	dmesg | tail -n 80 > /results/dmesg-watchdog-$BOOT.txt
	finish 124
) &

MT_PID=""
MT_OUT=migtrace
# start_migtrace [NAME]: migtrace into /results/NAME.jsonl (stderr NAME.err),
# each line also on the results channel as "MLAB-JSON NAME LINE" (through a
# fifo, so that $MT_PID is migtrace itself)
start_migtrace() {
	MT_OUT=${1:-migtrace}
	MT_PID=""
	[ "$USE_MIGTRACE" = yes ] && [ -x /usr/bin/migtrace ] || return 0
	rm -f /tmp/$MT_OUT.fifo
	mkfifo /tmp/$MT_OUT.fifo
	tee /results/$MT_OUT.jsonl < /tmp/$MT_OUT.fifo |
		awk -v p="MLAB-JSON $MT_OUT " '{ print p $0; fflush() }' >&7 &
	MT_PUMP=$!
	sh -c "exec $MIGTRACE_CMD" > /tmp/$MT_OUT.fifo 2> /results/$MT_OUT.err &
	MT_PID=$!
	# Start the workload only once every hook is attached: patching a function
	# (fentry) while other vCPUs run it can oops under TCG, and the workload's
	# start would be missed. migtrace says "Tracing..." when attached.
	i=0
	while [ $i -lt 300 ] && ! grep -qE '^(Tracing|Recording)' /results/$MT_OUT.err 2>/dev/null &&
	      kill -0 "$MT_PID" 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	MT_ATTACH_MS=${i}00
	echo "MLAB: migtrace started: $MIGTRACE_CMD (pid $MT_PID, ${MT_RUN:+run $MT_RUN, }attached after ${i}00 ms)"
}

stop_migtrace() {
	[ -n "$MT_PID" ] || return 0
	alive=no
	kill -0 "$MT_PID" 2>/dev/null && alive=yes
	kill -INT "$MT_PID" 2>/dev/null
	i=0
	while kill -0 "$MT_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	MT_STOP_MS=${i}00
	killed=no
	kill -9 "$MT_PID" 2>/dev/null && killed=yes
	# a migtrace stuck closing its links (a starved CPU) would block `wait`
	mrc=stuck
	if gone "$MT_PID" 20; then
		wait "$MT_PID" 2>/dev/null
		mrc=$?
		wait "$MT_PUMP" 2>/dev/null
	fi
	emit "MLAB-MIGTRACE ${MT_RUN:+run=$MT_RUN }alive_at_end=$alive exit=$mrc sigkill=$killed lines=$(wc -l < /results/$MT_OUT.jsonl) stderr_lines=$(wc -l < /results/$MT_OUT.err)"
	tail -n 5 /results/$MT_OUT.err | sed 's/^/MLAB: migtrace stderr: /'
	MT_PID=""
}

# gone PID TENTHS: wait until PID has exited, at most TENTHS tenths of a
# second; 1 if it has not (a task stuck in the kernel never exits, and
# `wait` would block this script for good)
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $i -lt "$2" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 0
}

# run_migrepro SCENARIO RUN EXTRA-ARGS: REPRO_RC its exit status. Its lines
# leave as it prints them. An unrecovered livelock leaves a thread of it in
# the kernel for good, so its process (and the pipe) may never end: once
# its RESULT line is out and it has not exited within 3 s, that run is over
# (exit 3).
run_migrepro() {
	: > /tmp/repro.out
	rm -f /tmp/repro.rc
	( migrepro -s "$1" $3 -V "$VARIANT" -r "$2" -n "$ITERATIONS" -D "$DEADLINE_MS" \
		--observe-ms "${OBSERVE_MS:-40000}" -q $REPRO_ARGS 2> /tmp/repro.err
	  echo $? > /tmp/repro.rc ) | tee -a /tmp/repro.out /results/repro.log /proc/self/fd/7 &
	while [ ! -s /tmp/repro.rc ] && ! grep -q '^RESULT ' /tmp/repro.out; do
		sleep 0.2
	done
	i=0
	while [ ! -s /tmp/repro.rc ] && [ $i -lt 15 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	REPRO_RC=$(cat /tmp/repro.rc 2>/dev/null)
	[ -n "$REPRO_RC" ] || REPRO_RC=3
}

# late_run SCENARIO RUN EXTRA-ARGS: migtrace started into the stall
# (LATE_ATTACH=MS:HOLD: MS after migrepro) and interrupted HOLD ms after it
# attached, while the stall goes on: an operator reaching for the tool on a
# livelocked host. MLAB-LATE gives the attach time (CLOCK_MONOTONIC ns, from
# /proc/uptime: 10 ms steps; the guest never suspends) and how long the
# SIGINT took to end it.
late_run() {
	local ms=${LATE_ATTACH%%:*} hold=${LATE_ATTACH#*:} t_start t_att t_int
	rm -f /tmp/late.rc
	( run_migrepro "$1" "$2" "$3"; echo "$REPRO_RC" > /tmp/late.rc ) &
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	MT_RUN=$2
	t_start=$(cut -d' ' -f1 /proc/uptime)
	start_migtrace "migtrace-$2"
	t_att=$(cut -d' ' -f1 /proc/uptime)
	sleep "$(awk -v m="$hold" 'BEGIN { printf "%.3f", m / 1000 }')"
	t_int=$(cut -d' ' -f1 /proc/uptime)
	stop_migtrace
	emit "MLAB-LATE run=$2 start_ns=$(awk -v t="$t_start" 'BEGIN { printf "%.0f", t * 1e9 }') attach_ns=$(awk -v t="$t_att" 'BEGIN { printf "%.0f", t * 1e9 }') sigint_ns=$(awk -v t="$t_int" 'BEGIN { printf "%.0f", t * 1e9 }') attached_after_ms=${MT_ATTACH_MS:-?} stop_ms=${MT_STOP_MS:-?} stop_exit=$mrc"
	while [ ! -s /tmp/late.rc ]; do sleep 0.2; done
	REPRO_RC=$(cat /tmp/late.rc)
}

# repro: one migtrace per run (migtrace-N.jsonl) unless MIGTRACE_PER_RUN=no
MT_RUN=""
if [ "$WORKLOAD" != repro ] || [ "${MIGTRACE_PER_RUN:-yes}" != yes ]; then
	start_migtrace migtrace
fi

rc=0
case "$WORKLOAD" in
smoke)
	ok=1
	# the events the variant's kernel has (EVENTS): the lab's compat ones,
	# else the series' own (migtrace's proof on such a kernel), else none
	case ${EVENTS:-lab} in
	lab) evs="migtrace_lab/swap_page_trylock migtrace_lab/collect_trylock migtrace_lab/drain_all_begin migtrace_lab/drain_all_end"
		absent="" ;;
	series) evs="migrate_device/migrate_device_fault_trylock migrate_device/migrate_vma_collect_skip migrate_device/migrate_device_drain_all_start migrate_device/migrate_device_drain_all_done"
		absent=migtrace_lab ;;
	*) evs="" absent="migtrace_lab migrate_device" ;;
	esac
	for s in $absent; do
		[ ! -d /sys/kernel/tracing/events/$s ] || { emit "MLAB: $s events present, EVENTS=$EVENTS"; ok=0; }
	done
	for e in $evs; do
		if [ -d /sys/kernel/tracing/events/$e ]; then
			emit "MLAB: tracepoint ${e%%/*}:${e#*/}: $(grep -c field: /sys/kernel/tracing/events/$e/format) fields"
		else
			emit "MLAB: tracepoint ${e%%/*}:${e#*/} MISSING"; ok=0
		fi
	done
	[ -e /sys/kernel/btf/vmlinux ] && emit "MLAB: BTF present" || { emit "MLAB: BTF MISSING"; ok=0; }
	[ -c /dev/hmm_dmirror0 ] && emit "MLAB: /dev/hmm_dmirror0 present" || { emit "MLAB: hmm_dmirror MISSING"; ok=0; }
	[ -e /proc/sys/kernel/sched_rt_runtime_us ] || ok=0
	for e in workqueue/workqueue_queue_work sched/sched_switch; do
		[ -d /sys/kernel/tracing/events/$e ] || { emit "MLAB: $e MISSING"; ok=0; }
	done
	# the kernel-mode spinner scenarios: the model asked for, the 0003 ioctls' worker pid
	[ -z "$PREEMPT" ] || [ "$PREEMPT_NOW" = "$PREEMPT" ] ||
		{ emit "MLAB: preempt=$PREEMPT asked, kernel runs ${PREEMPT_NOW:-unknown}"; ok=0; }
	[ -r /sys/module/test_hmm/parameters/lab_fault_worker ] || { emit "MLAB: test_hmm lab_fault_worker MISSING"; ok=0; }
	[ $ok = 1 ] && emit "MLAB-SMOKE ok" || { emit "MLAB-SMOKE fail"; rc=1; }
	;;
hmm-tests)
	r=1
	while [ $r -le "$RUNS" ]; do
		emit "MLAB: hmm-tests run $r/$RUNS $HMM_ARGS"
		t0=$(cut -d' ' -f1 /proc/uptime)
		(cd /tmp && hmm-tests $HMM_ARGS; echo $? > /tmp/hmm.rc) 2>&1 |
			tee -a /results/hmm-tests.log /proc/self/fd/7
		t=$(awk -v t0="$t0" '{ printf "%.2f", $1 - t0 }' /proc/uptime)
		st=$(cat /tmp/hmm.rc)
		# one line per run for lab compare's cost table (uptime: 10 ms steps)
		emit "MLAB-HMM run=$r seconds=$t exit=$st args=$HMM_ARGS"
		echo "MLAB-HMM run=$r seconds=$t exit=$st args=$HMM_ARGS" >> /results/hmm-times.txt
		r=$((r + 1))
	done
	;;
repro)
	# SCENARIO: one scenario, or a comma-separated list taken in turn by
	# the runs (run r: element (r-1) mod n), e.g. rt-nothrottle,rt-nolocks.
	# RUN_BASE: run numbers start after it (the lab boots once per run for
	# scenarios whose livelock cannot be undone)
	nsc=$(echo "$SCENARIO" | tr ',' '\n' | grep -c .)
	r=1
	while [ $r -le "$RUNS" ]; do
		rn=$(( $RUN_BASE + r ))
		sc=$(echo "$SCENARIO" | tr ',' '\n' | grep . | sed -n "$(( (rn - 1) % nsc + 1 ))p")
		# an element may name rt-nolocks' loop: rt-nolocks:busy, rt-nolocks:refault
		scargs=""
		case $sc in *:*) scargs="--rt-loop ${sc#*:}"; sc=${sc%%:*} ;; esac
		emit "MLAB: repro run $rn/$(( $RUN_BASE + RUNS )) scenario=$sc $scargs"
		if [ -n "$LATE_ATTACH" ] && [ "$USE_MIGTRACE" = yes ]; then
			late_run "$sc" "$rn" "$scargs"
		elif [ -z "$MT_PID" ] && [ "${MIGTRACE_PER_RUN:-yes}" = yes ]; then
			MT_RUN=$rn
			start_migtrace "migtrace-$rn"
			run_migrepro "$sc" "$rn" "$scargs"
		else
			run_migrepro "$sc" "$rn" "$scargs"
		fi
		st=$REPRO_RC
		[ -n "$MT_RUN" ] && stop_migtrace
		MT_RUN=""
		emit "MLAB-REPRO run=$rn scenario=$sc exit=$st"
		sed 's/^/  migrepro: /' /tmp/repro.err
		cat /tmp/repro.err >> /results/repro.err
		[ $st = 0 ] || [ $rc = 3 ] || rc=$st
		if [ $st = 3 ] || [ $st = 1 ]; then
			emit "MLAB: migrepro exit $st, stopping runs"
			rc=$st
			break
		fi
		r=$((r + 1))
	done
	;;
*)
	emit "MLAB: unknown workload $WORKLOAD"
	rc=2
	;;
esac
stop_migtrace
dmesg > /results/dmesg-$BOOT.txt
finish $rc
