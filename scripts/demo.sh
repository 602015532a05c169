#!/bin/bash
# A short real run: migtrace traces for 5 s while this script leaves fresh
# pages on every CPU and asks for compaction, which calls lru_add_drain_all().
set -u
cd "$(dirname "$0")/.."
ncpu=$(nproc)
for c in $(seq 0 $((ncpu - 1))); do
	build/tests/cpu_hog -c "$c" -d 6 -z 50 >/dev/null &
done
build/migtrace -d 5 "$@" &
mt=$!
sleep 1
for _ in 1 2 3 4 5 6; do
	echo 1 > /proc/sys/vm/compact_memory
	sleep 0.5
done
wait $mt
status=$?
wait
exit $status
