#!/bin/bash
# The Debian package (make deb): built by debhelper, lintian-clean (overrides
# carry their reasons), then installed with dpkg -i in a throwaway root (an
# overlay on / in a private mount namespace: nothing reaches this machine),
# migtrace caps run, the unit's service started, its textfile seen, stopped,
# the package purged, and nothing left behind. Root; make check-all runs it.
cd "$(dirname "$0")/.." && . tests/live/lib.bash

for tool in dpkg-buildpackage dh lintian setpriv unshare; do
	command -v $tool >/dev/null || { skip "package: no $tool (scripts/setup.sh installs it)"; exit 0; }
done
[ "$(id -u)" -eq 0 ] || { skip "package: needs root (overlay root, dpkg, BPF)"; exit 0; }

version=$(sed -n 's/.*MIGTRACE_VERSION "migtrace \([^"]*\)".*/\1/p' src/cmd/version.h)
deb=build/deb/migtrace_${version}_amd64.deb
make -s deb >"$WORK/deb.log" 2>&1; st=$?
check "make deb builds $deb ($st: $(tail -n 3 "$WORK/deb.log" | tr '\n' ' '))" test $st -eq 0 -a -f "$deb"
[ -f "$deb" ] || exit 1
check "the package's version is migtrace --version's ($version)" \
	test "$(dpkg-deb -f "$deb" Version)" = "$version"
dpkg-deb -c "$deb" | awk '{print $1, $6}' >"$WORK/contents"
for f in -rwxr-xr-x:./usr/sbin/migtrace -rw-r--r--:./usr/share/man/man8/migtrace.8.gz \
	 -rw-r--r--:./lib/systemd/system/migtrace.service -rw-r--r--:./etc/default/migtrace \
	 -rw-r--r--:./etc/logrotate.d/migtrace \
	 -rw-r--r--:./usr/share/doc/migtrace/examples/migtrace.rules.yml \
	 -rw-r--r--:./usr/share/doc/migtrace/examples/migtrace.json; do
	check "the package has ${f#*:} (${f%%:*})" grep -qxF -- "${f%%:*} ${f#*:}" "$WORK/contents"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/sbin/migtrace >"$WORK/bin"
check "the binary is static (no program interpreter) and the package depends on nothing" \
	test -s "$WORK/bin" -a -z "$(readelf -l "$WORK/bin" | grep INTERP)" -a -z "$(dpkg-deb -f "$deb" Depends)"
lintian -I -E --pedantic --fail-on error,warning,info,pedantic build/deb/migtrace_*.changes \
	>"$WORK/lintian" 2>&1; st=$?
check "lintian: no tag but the overridden ones, each with its reason ($st: $(grep -v '^running with root' "$WORK/lintian" | head -c 300))" \
	test $st -eq 0 -a -z "$(grep -v '^running with root' "$WORK/lintian")"
check "every lintian override has a reason" \
	awk '/^#/ {c = 1; next} /^migtrace:/ {if (!c) exit 1; c = 0} END {exit 0}' debian/migtrace.lintian-overrides

# Inside the throwaway root, as root; prints PASS/FAIL/SKIP lines.
inside() {
	local deb=$1 unit=/lib/systemd/system/migtrace.service pid st
	# man-db's trigger reindexes every man page (minutes here): its cache is
	# man-db's, not the package's. Debian's switch for it, in this root only.
	rm -f /var/lib/man-db/auto-update
	dpkg -i "/root/$deb" >/root/dpkg-i.log 2>&1; st=$?
	check "dpkg -i exits 0 ($st: $(tail -n 2 /root/dpkg-i.log | tr '\n' ' '))" test $st -eq 0
	check "dpkg says installed" test "$(dpkg-query -W -f '${Status}' migtrace)" = "install ok installed"
	check "the unit is installed, not enabled" \
		test -f $unit -a ! -e /etc/systemd/system/multi-user.target.wants/migtrace.service
	check "the man page is migtrace(8)" sh -c 'zcat /usr/share/man/man8/migtrace.8.gz | grep -q "^\.TH MIGTRACE 8"'
	/usr/sbin/migtrace caps >/root/caps.txt 2>&1; st=$?
	check "migtrace caps exits 0, hooks and host section ($st)" \
		test $st -eq 0 -a -n "$(grep '^lru_add_drain_per_cpu' /root/caps.txt)" -a -n "$(grep '^HOST EXPOSURE' /root/caps.txt)"

	# The service, started as the unit starts it (see the SKIP line for why).
	skip "PID 1 is $(ps -p 1 -o comm=), and the package sits in a root systemd cannot see: the unit's ExecStart runs as the unit would (EnvironmentFile, LogsDirectory, StateDirectory, UMask, CapabilityBoundingSet, NoNewPrivileges, KillSignal)"
	echo 'ARGS="--interval 1"' >>/etc/default/migtrace	# a later option wins: 1 s reports
	local exec umask caps ARGS=
	exec=$(sed -n '/^ExecStart=/,/[^\\]$/p' $unit | sed 's/^ExecStart=//; s/\\$//' | tr -s ' \t\n' '   ')
	. /etc/default/migtrace
	exec=${exec//\$ARGS/$ARGS}
	umask=$(sed -n 's/^UMask=//p' $unit)
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' $unit | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	install -d -m "$(sed -n 's/^LogsDirectoryMode=//p' $unit)" /var/log/migtrace
	install -d -m "$(sed -n 's/^StateDirectoryMode=//p' $unit)" /var/lib/migtrace
	check "ExecStart is /usr/sbin/migtrace daemon, with ARGS last ($exec)" \
		test -n "$(echo "$exec" | grep '^/usr/sbin/migtrace daemon .* --interval 1 *$')"
	# shellcheck disable=SC2086 # ExecStart's words, split as systemd splits them
	(umask "$umask"; exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,"$caps" $exec) \
		>/root/daemon.out 2>&1 &
	pid=$!
	for _ in $(seq 300); do
		grep -qs '^migtrace_daemon_intervals_total [1-9]' /var/lib/migtrace/migtrace.prom && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	check "the service writes its textfile (migtrace.prom, mode 644)" \
		test "$(stat -c %a /var/lib/migtrace/migtrace.prom 2>/dev/null)" = 644
	check "and its JSON lines (mode 600, an interval line)" \
		test "$(stat -c %a /var/log/migtrace/migtrace.jsonl 2>/dev/null)" = 600 -a \
		     -n "$(grep -s '"type":"interval"' /var/log/migtrace/migtrace.jsonl)"
	kill -TERM $pid 2>/dev/null
	for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	wait $pid; st=$?
	check "SIGTERM (KillSignal) stops it with status 0 within TimeoutStopSec ($st: $(tail -c 200 /root/daemon.out))" \
		test $st -eq 0
	if command -v logrotate >/dev/null; then
		check "logrotate accepts /etc/logrotate.d/migtrace" logrotate -d /etc/logrotate.d/migtrace
	fi

	dpkg --purge migtrace >/root/dpkg-p.log 2>&1; st=$?
	check "dpkg --purge exits 0 ($st)" test $st -eq 0
	local left=
	for p in /usr/sbin/migtrace /lib/systemd/system/migtrace.service /etc/default/migtrace \
		 /etc/logrotate.d/migtrace /usr/share/man/man8/migtrace.8.gz /usr/share/doc/migtrace \
		 /var/log/migtrace /var/lib/migtrace /run/migtrace; do
		[ -e $p ] && left="$left $p"
	done
	check "purge leaves none of the package's paths or the daemon's data${left:+:$left}" test -z "$left"
}

root=$WORK/root ovl=$WORK/ovl
mkdir -p "$root" "$ovl"
declare -f inside check pass fail skip >"$WORK/inside.sh"
# A private mount namespace: the overlay, proc, sys, dev, a fresh /run and
# /tmp exist for this shell alone and vanish with it.
unshare -m --propagation private bash -c "
	set -e
	mount -t tmpfs tmpfs '$ovl' && mkdir '$ovl/upper' '$ovl/work'
	mount -t overlay overlay -o lowerdir=/,upperdir='$ovl/upper',workdir='$ovl/work' '$root'
	mount -t proc proc '$root/proc'
	mount --rbind /sys '$root/sys'
	mount --rbind /dev '$root/dev'
	mount -t tmpfs tmpfs '$root/run'
	mount -t tmpfs tmpfs '$root/tmp'
	cp '$deb' '$WORK/inside.sh' '$root/root/'
	set +e
	chroot '$root' /bin/bash -c '. /root/inside.sh; inside ${deb##*/}'
	# What the install, the run and the purge left in the root: anything
	# new or changed but dpkg's own records and this test's files.
	cd '$ovl/upper' && find . -mindepth 1 ! -type c | while read -r p; do
		case \$p in ./var/lib/dpkg|./var/lib/dpkg/*|./var/log/dpkg.log|./root|./root/*) continue ;; esac
		[ -d \"\$p\" ] && [ -d \"/\$p\" ] && continue	# a parent copied up
		echo \"\$p\"
	done >'$WORK/left'
" 2>"$WORK/root.err"
check "nothing else left in the throwaway root ($(tr '\n' ' ' <"$WORK/left" | head -c 300)$(head -c 200 "$WORK/root.err"))" \
	test ! -s "$WORK/left" -a -f "$WORK/left"
check "nothing reached this machine" test ! -e /usr/sbin/migtrace -o -n "$(dpkg-query -W migtrace 2>/dev/null)"
