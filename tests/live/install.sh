#!/bin/bash
# make install / uninstall: DESTDIR and PREFIX honoured, file modes, a unit
# that systemd accepts and that starts the installed binary, nothing left
# behind by uninstall.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

# Staged, default PREFIX.
make -s install DESTDIR="$WORK/stage" >"$WORK/i1" 2>&1; st=$?
check "make install DESTDIR=... exits 0 ($st)" test $st -eq 0
for f in usr/local/sbin/migtrace:755 usr/local/share/man/man8/migtrace.8:644 \
	 usr/local/lib/systemd/system/migtrace.service:644; do
	p=$WORK/stage/${f%%:*}
	check "installed $p mode ${f##*:} ($(stat -c %a "$p" 2>/dev/null))" \
		test "$(stat -c %a "$p" 2>/dev/null)" = "${f##*:}"
done
check "the unit starts the installed binary (/usr/local/sbin)" \
	grep -q '^ExecStart=/usr/local/sbin/migtrace daemon' "$WORK/stage/usr/local/lib/systemd/system/migtrace.service"
check "nothing outside DESTDIR" test ! -e /usr/local/sbin/migtrace -o -n "${MIGTRACE_INSTALLED:-}"
check "installed binary runs" "$WORK/stage/usr/local/sbin/migtrace" daemon --usage
make -s uninstall DESTDIR="$WORK/stage" >"$WORK/u1" 2>&1; st=$?
check "make uninstall exits 0 ($st)" test $st -eq 0
check "uninstall removes every file ($(find "$WORK/stage" -type f | wc -l) left)" \
	test "$(find "$WORK/stage" -type f | wc -l)" -eq 0

# PREFIX without DESTDIR: the unit names PREFIX's binary, and systemd accepts it.
make -s install PREFIX="$WORK/usr" >"$WORK/i2" 2>&1
unit=$WORK/usr/lib/systemd/system/migtrace.service
check "PREFIX honoured in the unit" grep -q "^ExecStart=$WORK/usr/sbin/migtrace daemon" "$unit"
if command -v systemd-analyze >/dev/null; then
	MANPATH=$WORK/usr/share/man systemd-analyze verify "$unit" >"$WORK/verify" 2>&1; st=$?
	check "systemd-analyze verify accepts the unit ($st: $(head -c 200 "$WORK/verify"))" test $st -eq 0
	score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level.*: \([0-9.]*\) .*/\1/p')
	if [ -n "$score" ]; then
		check "unit hardening exposure is low ($score, at most 3.0)" awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'
	else
		skip "systemd-analyze security --offline unsupported: exposure not scored"
	fi
else
	skip "systemd-analyze not installed: the unit is not verified"
fi
check "the unit's hardening: capabilities bounded" grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$unit"
check "the unit's hardening: no new privileges, read-only system" \
	grep -q '^NoNewPrivileges=yes' "$unit"
make -s uninstall PREFIX="$WORK/usr" >/dev/null 2>&1
check "uninstall with PREFIX removes every file" test "$(find "$WORK/usr" -type f | wc -l)" -eq 0

# The unit's capabilities are enough: the daemon runs with only those.
if command -v setpriv >/dev/null; then
	setpriv --inh-caps=-all --bounding-set=-all,+bpf,+perfmon,+syslog \
		"$MIGTRACE" daemon -d 2 -i 1 --json-out "$WORK/caps.jsonl" 2>"$WORK/caps.err"; st=$?
	check "daemon runs with CAP_BPF CAP_PERFMON CAP_SYSLOG only ($st: $(tail -c 200 "$WORK/caps.err"))" test $st -eq 0
	check "and traces drain work with them" \
		test "$(jq -s '[.[] | select(.type=="caps" and .hook=="lru_add_drain_per_cpu") | .mechanism] | first' "$WORK/caps.jsonl")" = '"tracepoint"'
fi
