#!/bin/bash
# The source tree's shape (ARCHITECTURE.md): includes only down the room
# order, no circles between source files through includes or calls, no
# source file over 500 lines, the daemon under 400, the pure rooms free of
# libbpf, every module's tests named in tests/README.md. Needs a build
# (make) for the calls.
cd "$(dirname "$0")/.."
check() { local name=$1; shift; if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fi; }

out=$(scripts/room-order 2>&1); st=$?
check "includes only down the room order ($(echo "$out" | tail -n 1))" test $st -eq 0
[ $st -eq 0 ] || echo "$out"
out=$(scripts/dep-cycles build 2>&1); st=$?
check "no circles between source files ($(echo "$out" | tail -n 1))" test $st -eq 0
[ $st -eq 0 ] || echo "$out"
long=$(wc -l src/*/*.[ch] bpf/*.bpf.[ch] | awk '$2 != "total" && $1 > 500 {print $2 " (" $1 ")"}')
check "no source file over 500 lines${long:+: $long}" test -z "$long"
n=$(wc -l < src/cmd/daemon.c)
check "the daemon is under 400 lines ($n)" test "$n" -lt 400
bpf=$(grep -l 'bpf/libbpf.h\|bpf/bpf.h\|skel.h' src/{model,core,record,output,compare}/* 2>/dev/null)
check "model, core, record, output and compare use no libbpf${bpf:+: $bpf}" test -z "$bpf"
# The test index: every module has a row, every test it names exists, every unit test is named.
index=$(sed -n '/^| module | tests |$/,$p' tests/README.md)
unlisted=$(for f in src/*/*.c; do m=${f#src/}; grep -q "\(| \|, \)$m\( |\|,\)" <<<"$index" || echo "$m"; done)
check "every module's tests are in tests/README.md${unlisted:+: missing $(echo $unlisted)}" test -z "$unlisted"
missing=$(grep -o '\(unit\|live\|scripts\|fuzz\)/[a-z_]*\.\(c\|sh\)' <<<"$index" | sort -u |
	while read -r t; do [ -f "tests/$t" ] || echo "$t"; done)
check "every test tests/README.md names exists${missing:+: not found $(echo $missing)}" test -z "$missing"
unnamed=$(for t in tests/unit/test_*.c; do grep -q "unit/$(basename "$t")" <<<"$index" || echo "${t#tests/}"; done)
check "every unit test is in tests/README.md's index${unnamed:+: $(echo $unnamed)}" test -z "$unnamed"
