#!/bin/busybox sh
# /init of the migtrace lab initramfs (busybox). Reads /lab/run.conf written
# by scripts/lab/lab, runs one workload, brings results back through the 9p
# share "results" (or, failing that, a base64 tarball between MLAB-B64-BEGIN
# and MLAB-B64-END on the serial console), then powers off.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin:/sbin
mount -t devtmpfs dev /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmp /tmp
. /lab/run.conf

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
	echo "MLAB-DONE rc=$1"
	dump_results
	sync
	poweroff -f
}

echo "MLAB: booted $(uname -r) variant=$VARIANT workload=$WORKLOAD cpus=$(nproc) results=$([ $SERIAL_RESULTS = 1 ] && echo serial || echo 9p)"
{
	uname -a
	cat /proc/cmdline
	echo "sched_rt_runtime_us=$(cat /proc/sys/kernel/sched_rt_runtime_us 2>/dev/null)"
} > /results/guest-info.txt

# in-guest watchdog: a livelocked workload must not hang the caller
(
	sleep "$GUEST_TIMEOUT"
	echo "MLAB-WATCHDOG: workload still running after ${GUEST_TIMEOUT}s"
	echo "MLAB-WATCHDOG: sched_rt_runtime_us=$(cat /proc/sys/kernel/sched_rt_runtime_us)"
	echo l > /proc/sysrq-trigger 2>/dev/null
	echo w > /proc/sysrq-trigger 2>/dev/null
	dmesg | tail -n 80 > /results/dmesg-watchdog.txt
	finish 124
) &

MT_PID=""
MT_OUT=migtrace
# start_migtrace [NAME]: migtrace into /results/NAME.jsonl (stderr NAME.err)
start_migtrace() {
	MT_OUT=${1:-migtrace}
	MT_PID=""
	[ "$USE_MIGTRACE" = yes ] && [ -x /usr/bin/migtrace ] || return 0
	sh -c "$MIGTRACE_CMD" > /results/$MT_OUT.jsonl 2> /results/$MT_OUT.err &
	MT_PID=$!
	# Start the workload only once every hook is attached: patching a function
	# (fentry) while other vCPUs run it can oops under TCG, and the workload's
	# start would be missed. migtrace says "Tracing..." when attached.
	i=0
	while [ $i -lt 300 ] && ! grep -qE '^(Tracing|Recording)' /results/$MT_OUT.err 2>/dev/null &&
	      kill -0 "$MT_PID" 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
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
	killed=no
	kill -9 "$MT_PID" 2>/dev/null && killed=yes
	wait "$MT_PID" 2>/dev/null
	mrc=$?
	echo "MLAB-MIGTRACE ${MT_RUN:+run=$MT_RUN }alive_at_end=$alive exit=$mrc sigkill=$killed lines=$(wc -l < /results/$MT_OUT.jsonl) stderr_lines=$(wc -l < /results/$MT_OUT.err)"
	tail -n 5 /results/$MT_OUT.err | sed 's/^/MLAB: migtrace stderr: /'
	MT_PID=""
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
	for e in swap_page_trylock collect_trylock drain_all_begin drain_all_end; do
		if [ -d /sys/kernel/tracing/events/migtrace_lab/$e ]; then
			echo "MLAB: tracepoint migtrace_lab:$e: $(cat /sys/kernel/tracing/events/migtrace_lab/$e/format | grep -c field:) fields"
		else
			echo "MLAB: tracepoint migtrace_lab:$e MISSING"; ok=0
		fi
	done
	[ -e /sys/kernel/btf/vmlinux ] && echo "MLAB: BTF present" || { echo "MLAB: BTF MISSING"; ok=0; }
	[ -c /dev/hmm_dmirror0 ] && echo "MLAB: /dev/hmm_dmirror0 present" || { echo "MLAB: hmm_dmirror MISSING"; ok=0; }
	[ -e /proc/sys/kernel/sched_rt_runtime_us ] || ok=0
	for e in workqueue/workqueue_queue_work sched/sched_switch; do
		[ -d /sys/kernel/tracing/events/$e ] || { echo "MLAB: $e MISSING"; ok=0; }
	done
	[ $ok = 1 ] && echo "MLAB-SMOKE ok" || { echo "MLAB-SMOKE fail"; rc=1; }
	;;
hmm-tests)
	r=1
	while [ $r -le "$RUNS" ]; do
		echo "MLAB: hmm-tests run $r/$RUNS $HMM_ARGS"
		t0=$(cut -d' ' -f1 /proc/uptime)
		(cd /tmp && hmm-tests $HMM_ARGS; echo $? > /tmp/hmm.rc) 2>&1 | tee -a /results/hmm-tests.log
		t=$(awk -v t0="$t0" '{ printf "%.2f", $1 - t0 }' /proc/uptime)
		st=$(cat /tmp/hmm.rc)
		# one line per run for lab compare's cost table (uptime: 10 ms steps)
		echo "MLAB-HMM run=$r seconds=$t exit=$st args=$HMM_ARGS" | tee -a /results/hmm-times.txt
		r=$((r + 1))
	done
	;;
repro)
	# SCENARIO: one scenario, or a comma-separated list taken in turn by
	# the runs (run r: element (r-1) mod n), e.g. rt-nothrottle,rt-nolocks
	nsc=$(echo "$SCENARIO" | tr ',' '\n' | grep -c .)
	r=1
	while [ $r -le "$RUNS" ]; do
		sc=$(echo "$SCENARIO" | tr ',' '\n' | grep . | sed -n "$(( (r - 1) % nsc + 1 ))p")
		# an element may name rt-nolocks' loop: rt-nolocks:busy, rt-nolocks:refault
		scargs=""
		case $sc in *:*) scargs="--rt-loop ${sc#*:}"; sc=${sc%%:*} ;; esac
		echo "MLAB: repro run $r/$RUNS scenario=$sc $scargs"
		if [ -z "$MT_PID" ] && [ "${MIGTRACE_PER_RUN:-yes}" = yes ]; then
			MT_RUN=$r
			start_migtrace "migtrace-$r"
		fi
		migrepro -s "$sc" $scargs -V "$VARIANT" -r "$r" -n "$ITERATIONS" -D "$DEADLINE_MS" -q $REPRO_ARGS \
			> /tmp/repro.out 2> /tmp/repro.err
		st=$?
		[ -n "$MT_RUN" ] && stop_migtrace
		MT_RUN=""
		echo "MLAB-REPRO run=$r scenario=$sc exit=$st"
		cat /tmp/repro.out
		cat /tmp/repro.out >> /results/repro.log
		sed 's/^/  migrepro: /' /tmp/repro.err
		cat /tmp/repro.err >> /results/repro.err
		[ $st = 0 ] || [ $rc = 3 ] || rc=$st
		if [ $st = 3 ] || [ $st = 1 ]; then
			echo "MLAB: migrepro exit $st, stopping runs"
			rc=$st
			break
		fi
		r=$((r + 1))
	done
	;;
*)
	echo "MLAB: unknown workload $WORKLOAD"
	rc=2
	;;
esac
stop_migtrace
dmesg > /results/dmesg.txt
finish $rc
