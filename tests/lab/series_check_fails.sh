#!/bin/bash
# scripts/lab/series-check fails where it must (issue 19), each fault on a
# throwaway copy: a lab tree whose base records another tarball (a tiny git
# repository, nothing unpacked), and copies of scripts/lab whose tracepoints
# series gets one extra patch: trailing whitespace (checkpatch), an event
# removed with its call (tracepoint count), an unused static const (a W=1
# warning only). The copies reuse the lab's series-check tree and builds
# ($MIGTRACE_LAB_WORK/series-check; run after series-check, under the
# lab's lock like it): each build case recompiles the touched objects of one
# configuration (debian+dp, the W=1 one).
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, skip, $WORK
LAB_WORK=${MIGTRACE_LAB_WORK:-/var/tmp/migtrace-lab}
TREE=$LAB_WORK/linux
git -C "$TREE" rev-parse -q --verify lab-base >/dev/null 2>&1 ||
	{ skip "series-check failures: no lab tree ($TREE): run scripts/lab/series-check first"; exit 0; }

# run NAME ARGS...: series-check's output in $WORK/NAME.out, its status in $WORK/NAME.rc
run() {
	local name=$1
	shift
	"$@" > "$WORK/$name.out" 2>&1
	echo $? > "$WORK/$name.rc"
}
failed_with() {	# NAME PATTERN: exit 1, and the only FAIL lines match PATTERN
	[ "$(cat "$WORK/$1.rc")" = 1 ] && grep -q '^SERIES-CHECK FAIL' "$WORK/$1.out" &&
		grep -q "^FAIL $2" "$WORK/$1.out" && ! grep '^FAIL ' "$WORK/$1.out" | grep -qv "^FAIL $2"
}

# 1. a changed tarball: the base records 6.12.117, the installed one differs
mkdir -p "$WORK/stale/linux"
git -C "$WORK/stale/linux" init -q
git -C "$WORK/stale/linux" -c user.name=t -c user.email=t@t commit -q --allow-empty -m base
git -C "$WORK/stale/linux" tag lab-base
echo "linux-source-6.12=6.12.117-1~deb12u1 151000000" > "$WORK/stale/linux/.git/lab-base-source"
MIGTRACE_LAB_WORK=$WORK/stale run stale scripts/lab/series-check --configs "" tracepoints
check "series-check fails when lab-base was unpacked from another tarball" \
	failed_with stale 'source: lab-base .* was unpacked from linux-source-6.12=6.12.117'

# A copy of scripts/lab whose tracepoints series ends with patch 9999, made
# from the exported series' files, each changed by a sed expression.
with_patch() {	# NAME FILE SED-EXPRESSION [FILE SED-EXPRESSION...]
	local d=$WORK/$1 f
	shift
	mkdir -p "$d"
	cp -r scripts/lab "$d/lab"
	printf 'test: %s\n\nThrowaway patch of tests/lab/series_check_fails.sh.\n---\n' \
		"$(basename "$d")" > "$d/lab/patches/9999-test.patch"
	while [ $# -ge 2 ]; do
		f=$1
		mkdir -p "$d/tree/a/$(dirname "$f")" "$d/tree/b/$(dirname "$f")"
		git -C "$TREE" show "export/tracepoints:$f" > "$d/tree/a/$f"
		sed "$2" "$d/tree/a/$f" > "$d/tree/b/$f"
		(cd "$d/tree" && diff -u "a/$f" "b/$f") >> "$d/lab/patches/9999-test.patch"
		shift 2
	done
	echo 9999-test.patch >> "$d/lab/series/tracepoints"
}
# the real export first: export/tracepoints holds the series' files
scripts/lab/lab export-series tracepoints "$WORK/export" >/dev/null 2>&1 ||
	{ fail "series-check failures: lab export-series tracepoints failed"; exit 0; }

# 2. checkpatch: trailing whitespace after a statement (no build)
with_patch checkpatch mm/migrate_device.c 's/^\(\ttrace_migrate_vma_collect_start(migrate);\)$/\1 /'
run checkpatch "$WORK/checkpatch/lab/series-check" --configs "" tracepoints
check "series-check fails on a checkpatch --strict error (TRAILING_WHITESPACE)" \
	failed_with checkpatch 'checkpatch \[tracepoints\]: .*TRAILING_WHITESPACE'

# 3. a missing tracepoint: migrate_vma_pages_done and its call removed
with_patch missing \
	include/trace/events/migrate_device.h '/^DEFINE_MIGRATE_VMA_RANGE_EVENT(migrate_vma_pages_done);$/d' \
	mm/migrate_device.c '/^\ttrace_migrate_vma_pages_done(migrate);$/d'
run missing "$WORK/missing/lab/series-check" --configs debian+dp tracepoints
check "series-check fails on a missing tracepoint (defines 23, must define 24)" \
	failed_with missing 'build \[tracepoints debian+dp\]: mm/migrate_device.o defines 23 migrate_device tracepoints, must define 24'

# 4. a W=1 warning in a touched file: an unused static const
# (-Wunused-const-variable is only on with W=1)
with_patch w1 mm/migrate_device.c 's/^\(#include "internal.h"\)$/\1\n\nstatic const int migrate_device_w1_probe = 1;/'
run w1 "$WORK/w1/lab/series-check" --configs debian+dp tracepoints
check "series-check fails on a W=1 warning in a touched file" \
	failed_with w1 'build \[tracepoints debian+dp\]: warnings (W=1) in files the series touches'
grep -q "migrate_device.c:.*warning: .migrate_device_w1_probe. defined but not used" "$WORK/w1.out" &&
	pass "the W=1 case failed on that warning (-Wunused-const-variable)" ||
	fail "the W=1 case failed on that warning (-Wunused-const-variable)"
for n in stale checkpatch missing w1; do
	grep -q '^SERIES-CHECK FAIL' "$WORK/$n.out" || { echo "--- $n:"; tail -n 20 "$WORK/$n.out"; }
done
