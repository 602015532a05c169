#!/bin/bash
# --kmsg on this kernel's real /dev/kmsg: a real drain stall (an RT task
# pinned to the last CPU spins with a fresh page in its LRU batch while
# CPU 0 asks for lru_add_drain_all(), as in detect.sh) raises stuck_rt;
# the same incident, start and end, is read back from /dev/kmsg with
# its level (warning, info), its CPU and spinner, within a second of its
# JSON line. Without a writable log (a read-only file bound over /dev/kmsg
# in a mount namespace of its own) and with writes that fail (ENOSPC: a
# file of a full tmpfs bound there) migtrace says so once and goes on
# tracing: the incident is still in its JSON stream, and it exits 0. The
# daemon's start says whether it can write.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

need "--kmsg" jq dd unshare
if [ "$NCPU" -lt 2 ]; then skip "--kmsg: needs two CPUs"; exit 0; fi
if [ "$("$MIGTRACE" caps --json 2>/dev/null | jq -r 'select(.type=="kernel_log_write") | .writable')" != true ]; then
	skip "--kmsg: caps says /dev/kmsg cannot be written here"
	exit 0
fi
rt_cpu=$((NCPU - 1))

# drains_until FILE JQ-FILTER: drains from CPU 0 until a line of FILE matches (20 s at most).
drains_until() {
	for _ in $(seq 100); do
		[ -n "$(jq -c "select($2)" "$1" 2>/dev/null)" ] && return 0
		kill -0 "$MT_PID" 2>/dev/null || return 1
		taskset -c 0 sh -c 'echo 1 > /proc/sys/vm/compact_memory'
		sleep 0.2
	done
	return 1
}
# The kernel log as /dev/kmsg gives it: "PRIO,SEQ,US,-;TEXT", PRIO = facility * 8 + level.
# Only the records after SINCE (a sequence number): ids restart at 1 in every run.
klog() { dd if=/dev/kmsg iflag=nonblock bs=8192 2>/dev/null | awk -F, -v s="$SINCE" '$2 > s'; }
# in_log REGEX [TRIES]: until the kernel log has a matching record (TRIES * 20 ms at most).
in_log() {
	for _ in $(seq "${2:-50}"); do
		klog | grep -Eq "$1" && return 0
		sleep 0.02
	done
	return 1
}

SINCE=-1
SINCE=$(klog | tail -n 1 | cut -d, -f2)
start_rt_hog "$rt_cpu" 900 30
hog=$HOG_TID
start_migtrace k.json --json -d 60 --kmsg
rt='.type=="incident" and .kind=="stuck_rt" and .state=="start" and .cpu=='$rt_cpu' and .spinner.pid=='$hog
check "a real drain stall raises stuck_rt on CPU $rt_cpu (JSON)" drains_until "$WORK/k.json" "$rt"
id=$(jq -r "select($rt) | .id" "$WORK/k.json" | head -n 1)
# facility user (1), level warning (4): <12>.
re="^12,[0-9]+,[0-9]+,[^;]*;migtrace: incident #$id stuck_rt start cpu=$rt_cpu .* spinner=[^ ]*/$hog .*links=waiter_holds_locks:[a-z]+(/[a-z]+)?,never_yields:yes/measured,"
check "... and the same incident is in the kernel log, at warning level, by 1 s after the JSON line was seen" \
	in_log "$re" 50
klog | grep -E "migtrace: incident #$id " | head -n 2
check "one record per start: written once" test "$(klog | grep -cE "migtrace: incident #$id stuck_rt start cpu=$rt_cpu .*/$hog ")" -eq 1
kill "$hog" 2>/dev/null
check "its end is logged too, at info level" \
	drains_until "$WORK/k.json" '.type=="incident" and .state=="end" and .id=='"$id"
check "... (14,...;migtrace: ... end)" in_log "^14,[0-9]+,[0-9]+,[^;]*;migtrace: incident #$id [a-z_]+ end cpu=$rt_cpu "
kill -INT "$MT_PID"; wait "$MT_PID"; st=$?
check "migtrace --kmsg exits 0 ($st), nothing said on stderr but Tracing" \
	test $st -eq 0 -a -z "$(grep -v '^Tracing' "$WORK/k.json.err")"

# The daemon says at its start whether it can write the log.
start_migtrace d.out daemon --interval 1 --kmsg --json-out "$WORK/d.jsonl"
check "daemon --kmsg: its start says the kernel log is writable, with the kernel's limit" \
	test "$(jq -r 'select(.type=="kernel_log_write") | "\(.writable) \(.limit | length > 0)"' "$WORK/d.jsonl")" = "true true"
kill -TERM "$MT_PID"; wait "$MT_PID"

# The log cannot be written, or each write fails: said once, tracing goes on.
blind_run() {	# NAME SETUP: migtrace --kmsg in a mount namespace where SETUP binds something over /dev/kmsg
	printf '#!/bin/bash\nexec unshare -m --propagation private bash -c '"'"'%s && exec "$0" "$@"'"'"' %s "$@"\n' \
		"$2" "$(realpath "$MIGTRACE")" >"$WORK/$1.sh"
	chmod +x "$WORK/$1.sh"
	start_rt_hog "$rt_cpu" 900 30
	hog=$HOG_TID
	MIGTRACE=$WORK/$1.sh start_migtrace "$1.json" --json -d 60 --kmsg
	rt='.type=="incident" and .kind=="stuck_rt" and .state=="start" and .spinner.pid=='$hog
	check "$1: the stall is still raised in the JSON stream" drains_until "$WORK/$1.json" "$rt"
	kill "$hog" 2>/dev/null
	kill -INT "$MT_PID"; wait "$MT_PID"; st=$?
	check "$1: exits 0 ($st)" test $st -eq 0
}
touch "$WORK/ro"
blind_run ro "mount --bind $WORK/ro /dev/kmsg && mount -o remount,ro,bind /dev/kmsg"
check "ro: one warning, with the reason ($(grep -- --kmsg "$WORK/ro.json.err"))" \
	test "$(grep -c -- '--kmsg' "$WORK/ro.json.err")" -eq 1 \
	-a -n "$(grep -- '--kmsg: incidents will not be written to the kernel log: /dev/kmsg: Read-only file system (tracing goes on)' "$WORK/ro.json.err")"
mkdir "$WORK/full"
blind_run full "mount -t tmpfs -o size=4k none $WORK/full && touch $WORK/full/kmsg && (head -c 65536 /dev/zero >$WORK/full/fill 2>/dev/null; true) && mount --bind $WORK/full/kmsg /dev/kmsg"
check "full: one warning for the failed write ($(grep -- '--kmsg: writing' "$WORK/full.json.err"))" \
	test "$(grep -c -- '--kmsg: writing incident' "$WORK/full.json.err")" -eq 1 \
	-a -n "$(grep -- 'failed: No space left on device (tracing goes on' "$WORK/full.json.err")"
check "full: the failures counted at exit" grep -qE -- '--kmsg: 0 incident lines written to the kernel log, [0-9]+ not \(rate limit\), [1-9][0-9]* failed' "$WORK/full.json.err"
