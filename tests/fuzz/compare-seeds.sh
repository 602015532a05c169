#!/bin/bash
# Rebuild the seeds of fuzz_compare (tests/fuzz/corpus-compare) from the
# small committed records: each is [u32 little-endian length of A][A][B].
# Pairs with snapshots, incidents and migrate events, so the inference runs.
cd "$(dirname "$0")/../.." || exit 1
out=tests/fuzz/corpus-compare
mkdir -p "$out"

le32() {
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

pair() {
	local name=$1 a=$2 b=$3
	{ le32 "$(stat -c %s "$a")"; cat "$a" "$b"; } >"$out/$name"
}

c=tests/fuzz/corpus d=tests/data
pair drains-incidents "$c/drains.mtr" "$c/incidents.mtr"
pair incidents-same "$c/incidents.mtr" "$c/incidents.mtr"
pair incidents-stuck "$c/incidents.mtr" "$d/host-stuck-rt.mtr"
pair livelock-drains "$d/lab-baseline-livelock-2.mtr" "$c/drains.mtr"
pair stuck-livelock "$d/host-stuck-rt.mtr" "$d/lab-baseline-livelock-2.mtr"
