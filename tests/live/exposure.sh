#!/bin/bash
# migtrace exposure on this machine: facts checked against the machine by
# other means, recorded facts judged the same elsewhere (--facts, --from),
# without root, in a bare root like the lab guest's (static binary, no /boot,
# debugfs not mounted), no mount left behind; caps prints the same host section.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

"$MIGTRACE" exposure --json >"$WORK/e.json" 2>"$WORK/e.err"; st=$?
check "exposure --json exits 0 ($st: $(head -c 200 "$WORK/e.err"))" test $st -eq 0
check "14 host facts, 1 release table, 3 verdicts" \
	test "$(jq -r .type "$WORK/e.json" | sort | uniq -c | tr -s ' ' | tr '\n' ,)" = \
	" 3 exposure, 1 exposure_versions, 14 host_fact,"
check "every verdict is exposed, mitigated or not applicable, with a reason" \
	test "$(jq -s '[.[] | select(.type=="exposure") | select((.verdict | IN("exposed","mitigated","not applicable")) and (.reasons | length) > 0)] | length' "$WORK/e.json")" -eq 3
check "every known fact has a source, every unknown one a reason" \
	test "$(jq -s '[.[] | select(.type=="host_fact") | select((.source // .unknown_reason // "") == "")] | length' "$WORK/e.json")" -eq 0
fact() { jq -r --arg n "$1" 'select(.type=="host_fact" and .name==$n) | .value' "$WORK/e.json"; }

# The facts against the machine, read another way.
check "release is uname -r ($(fact release))" test "$(fact release)" = "$(uname -r)"
"$MIGTRACE" exposure --facts >"$WORK/facts" 2>&1
raw() { sed -n "s/^$1: \([^[]*\) \[.*/\1/p" "$WORK/facts"; }
if [ -r /proc/config.gz ]; then
	want=$(zcat /proc/config.gz | grep -q '^CONFIG_DEVICE_PRIVATE=y' && echo yes || echo no)
	check "device_private is /proc/config.gz's ($want)" test "$(fact device_private)" = "$want"
	want=$(zcat /proc/config.gz | sed -n 's/^CONFIG_PREEMPT_\(NONE\|VOLUNTARY\)=y/\1/p' | tr A-Z a-z)
	[ -n "$want" ] && ! grep -q '^cmdline.preempt: [a-z]' <(grep -v 'unset' "$WORK/facts") &&
		check "config.PREEMPT is the config's ($want)" test "$(raw config.PREEMPT)" = "$want"
else
	skip "no /proc/config.gz: config facts not cross-checked"
fi
for s in migration_entry_wait_on_locked softleaf_entry_wait_on_locked __migrate_device_finalize; do
	want=$(grep -qE " $s(\.[a-z]+\.[0-9]+)?( |$)" /proc/kallsyms && echo present || echo absent)
	check "sym.$s is kallsyms' ($want)" test "$(raw "sym.$s")" = "$want"
done
want=$(pgrep -x stalld >/dev/null && echo running || echo "not running")
check "stalld is $want (pgrep)" test "$(fact stalld)" = "$want"
want=$(cat /proc/sys/kernel/sched_rt_runtime_us)
check "sched_rt_runtime_us is the sysctl's ($want)" test "$(raw sysctl.sched_rt_runtime_us)" = "$want"

# Recorded facts judged elsewhere give the same report.
"$MIGTRACE" exposure --from "$WORK/facts" --json >"$WORK/from.json" 2>&1; st=$?
check "--from the --facts output exits 0 ($st)" test $st -eq 0
check "--from the --facts output gives the same facts and verdicts" \
	cmp -s <(jq -S . "$WORK/e.json") <(jq -S . "$WORK/from.json")
printf 'release: 6.1 [x]\nnot a fact line\n' >"$WORK/bad.facts"
"$MIGTRACE" exposure --from "$WORK/bad.facts" >"$WORK/bad.out" 2>&1; st=$?
check "a malformed facts file: exit 1 and the line named ($(head -c 120 "$WORK/bad.out"))" \
	test $st -eq 1 -a -n "$(grep -F "$WORK/bad.facts: line 2" "$WORK/bad.out")"
"$MIGTRACE" exposure --from "$WORK/none.facts" >"$WORK/none.out" 2>&1; st=$?
check "a missing facts file: exit 1 ($(head -c 120 "$WORK/none.out"))" test $st -eq 1

# debugfs read through a private mount leaves no mount behind.
before=$(grep -c ' debugfs ' /proc/self/mountinfo)
"$MIGTRACE" exposure --facts >/dev/null 2>&1
check "no debugfs mount left behind ($before before, $(grep -c ' debugfs ' /proc/self/mountinfo) after)" \
	test "$(grep -c ' debugfs ' /proc/self/mountinfo)" -eq "$before"
if [ "$before" -eq 0 ]; then
	check "debugfs facts say how they were read or why not" \
		grep -qE '^debugfs.sched_preempt: .*(private mount namespace|mounting it privately failed)' "$WORK/facts"
fi

# caps ends with the same host section.
"$MIGTRACE" caps --json >"$WORK/caps.json" 2>/dev/null
check "caps --json carries the 3 verdicts" \
	cmp -s <(jq -c 'select(.type=="exposure")' "$WORK/e.json") <(jq -c 'select(.type=="exposure")' "$WORK/caps.json")
"$MIGTRACE" caps >"$WORK/caps.txt" 2>/dev/null
check "caps text has the host section" grep -q '^HOST EXPOSURE' "$WORK/caps.txt"

# The sanitizer build (make sanitize-check) is dynamic, and its reports go
# to a directory only root may write: the runs below need the static binary.
if [ -n "${MIGTRACE_SANITIZED:-}" ]; then
	skip "without root, in a bare root: the sanitized binary is dynamic and logs where only root writes"
	exit 0
fi

# Without root: still a report; what needs root is unknown and says so.
setpriv --reuid=65534 --regid=65534 --clear-groups "$MIGTRACE" exposure --json \
	>"$WORK/user.json" 2>"$WORK/user.err"; st=$?
check "exposure without root exits 0 ($st: $(head -c 200 "$WORK/user.err"))" test $st -eq 0
check "without root: every unknown fact has a reason" \
	test "$(jq -s '[.[] | select(.type=="host_fact" and .known==false and (.unknown_reason // "") == "")] | length' "$WORK/user.json")" -eq 0
check "without root: the same verdicts here" \
	cmp -s <(jq -c 'select(.type=="exposure") | [.shape, .verdict]' "$WORK/e.json") \
	       <(jq -c 'select(.type=="exposure") | [.shape, .verdict]' "$WORK/user.json")

# The lab guest's situation: the static binary alone in a root with /proc and
# /sys, no /boot, debugfs not mounted, no libraries.
root=$WORK/root
mkdir -p "$root/proc" "$root/sys"
cp "$MIGTRACE" "$root/migtrace"
unshare -m sh -c "mount -t proc proc '$root/proc' && mount -t sysfs sys '$root/sys' &&
	chroot '$root' /migtrace exposure --facts" >"$WORK/chroot.facts" 2>"$WORK/chroot.err"; st=$?
check "in a bare root (static binary, no /boot, no libraries): exits 0 ($st: $(head -c 200 "$WORK/chroot.err"))" \
	test $st -eq 0
check "in a bare root: release, config and symbols are read" \
	test -n "$(grep -E '^release: [0-9]' "$WORK/chroot.facts")" -a \
	     -n "$(grep -E '^config.DEVICE_PRIVATE: [ynm] ' "$WORK/chroot.facts")" -a \
	     -n "$(grep -E '^sym.migration_entry_wait_on_locked: (present|absent) ' "$WORK/chroot.facts")"
check "in a bare root: the same facts as here, source for source" \
	cmp -s <(grep -v '^process.stalld' "$WORK/facts") <(grep -v '^process.stalld' "$WORK/chroot.facts")

# For the log: this machine's report.
"$MIGTRACE" exposure | sed 's/^/    /'
