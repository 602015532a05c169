#!/bin/bash
# The source tree's shape (ARCHITECTURE.md): no circles between source files
# through includes or calls, no source file over 500 lines, the daemon under
# 400, the pure rooms free of libbpf. Needs a build (make) for the calls.
cd "$(dirname "$0")/.."
check() { local name=$1; shift; if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fi; }

out=$(scripts/dep-cycles build 2>&1); st=$?
check "no circles between source files ($(echo "$out" | tail -n 1))" test $st -eq 0
[ $st -eq 0 ] || echo "$out"
long=$(wc -l src/*/*.[ch] bpf/*.bpf.[ch] | awk '$2 != "total" && $1 > 500 {print $2 " (" $1 ")"}')
check "no source file over 500 lines${long:+: $long}" test -z "$long"
n=$(wc -l < src/cmd/daemon.c)
check "the daemon is under 400 lines ($n)" test "$n" -lt 400
bpf=$(grep -l 'bpf/libbpf.h\|bpf/bpf.h\|skel.h' src/{model,core,record,output,compare}/* 2>/dev/null)
check "model, core, record, output and compare use no libbpf${bpf:+: $bpf}" test -z "$bpf"
