# shellcheck shell=bash
# migtrace lab: what lab, run and check share (sourced): settings, the
# variants and their cache keys, logging. See scripts/lab/README.md.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
CACHE=${MIGTRACE_LAB_CACHE:-/var/cache/migtrace-lab}
WORK=${MIGTRACE_LAB_WORK:-/var/tmp/migtrace-lab}
TREE=$WORK/linux
SRC_TAR=${MIGTRACE_LAB_SRC:-/usr/src/linux-source-6.12.tar.xz}
JOBS=${MIGTRACE_LAB_JOBS:-2}
QEMU_SMP=${MIGTRACE_LAB_SMP:-4}
QEMU_MEM=${MIGTRACE_LAB_MEM:-2G}
# multi: a host thread per vCPU. single: one for all, which also serialises
# code patching (fentry attach/detach) with the other vCPUs.
QEMU_TCG_THREAD=${MIGTRACE_LAB_TCG_THREAD:-multi}
# bump when the way a bzImage is produced changes (invalidates the cache)
BUILD_RECIPE=1
VARIANTS="stock baseline lru-cache-disable drain-backoff sleeping-lock wait-on-locked hmm-cond-resched shipped shipped-repro bare"
DEFAULT_MIGTRACE_CMD='migtrace --json -d 600'
DEPS="linux-source-6.12 qemu-system-x86 busybox-static dwarves flex bison bc libssl-dev
libelf-dev cpio gcc make libc6-dev xz-utils git gawk coreutils linux-config-6.12 quilt socat"

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }
gitq() { git -C "$TREE" -c user.name=migtrace-lab -c user.email=lab@localhost "$@"; }


src_version() {
	local dv
	dv=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	echo "linux-source-6.12=$dv $(stat -c %s "$SRC_TAR" 2>/dev/null)"
}

# What lab-base of the lab tree was unpacked from (src_version at the time),
# recorded next to the tag; empty for a tree made before it was recorded.
BASE_SOURCE_FILE=.git/lab-base-source
base_source() { cat "$TREE/$BASE_SOURCE_FILE" 2>/dev/null || true; }

variant_series() {
	local v=$1 f=$LAB_DIR/series/$1
	[ -f "$f" ] || die "unknown variant '$v' (have: $VARIANTS)"
	grep -v '^\s*\(#\|$\)' "$f"
}

# A variant without the lab's test driver (0001) and compat events (0002,
# 0011), such as shipped (the series alone): it boots and runs hmm-tests,
# but neither smoke (it checks the migtrace_lab events) nor the reproducer.
variant_hmm_only() { ! variant_series "$1" | grep -q '^0001-'; }

# The events a variant's kernel has: lab (the lab-only compat events,
# 0002 or 0011: migtrace_lab), else series (0101-0105: migrate_device,
# such as shipped-repro), else none (bare).
variant_events() {
	if variant_series "$1" | grep -q '^00\(02\|11\)-'; then echo lab
	elif variant_series "$1" | grep -q '^0101-'; then echo series
	else echo none; fi
}

variant_key() {
	local v=$1 p
	{
		echo "recipe=$BUILD_RECIPE"
		src_version
		cat "$LAB_DIR/config.fragment"
		for p in $(variant_series "$v"); do
			echo "patch $p"
			cat "$LAB_DIR/patches/$p"
		done
	} | sha256sum | cut -c1-16
}

cache_dir() { echo "$CACHE/$1-$(variant_key "$1")"; }

# expectation VARIANT SCENARIO MODEL: "EXPECT why..." (first matching line of
# scripts/lab/expectations; SCENARIO may carry the cell's migrepro
# arguments, SCENARIO:ARGS)
expectation() {
	awk -v v="$1" -v s="$2" -v m="$3" '
	function has(list, x,   a, i, n) {
		if (list == "*") return 1
		n = split(list, a, ",")
		for (i = 1; i <= n; i++) if (a[i] == x) return 1
		return 0
	}
	/^#/ || NF < 4 { next }
	has($1, v) && has($2, s) && has($3, m) {
		$1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit
	}' "$LAB_DIR/expectations"
}

# judge EXPECT FILE: 0 when a cell's TRUTH lines (lab check's cell file)
# meet the expectation (scripts/lab/expectations)
judge() {
	local n k st
	n=$(grep -c '^TRUTH ' "$2" || true)
	k=$(grep -c '^TRUTH .*outcome=livelock' "$2" || true)
	st=$(grep -c '^TRUTH .*outcome=stuck_' "$2" || true)
	[ "$n" -gt 0 ] || return 1
	case $1 in
	livelock) [ $((k * 10)) -ge $((n * 9)) ] ;;
	progress) [ "$k" = 0 ] ;;
	stall) [ "$st" = "$n" ] ;;
	no-stall) [ "$st" = 0 ] ;;
	*) return 0 ;;
	esac
}

# The lab tree at tag lab-base is the installed tarball as unpacked. A tree
# unpacked from another tarball (the package was upgraded) or one that does
# not record its source is re-made: variant keys hash src_version, so a
# stale base would build the old source under the new key.
ensure_tree() {
	local was
	if gitq rev-parse -q --verify lab-base >/dev/null 2>&1; then
		was=$(base_source)
		[ "$was" = "$(src_version)" ] && return 0
		log "lab-base was unpacked from ${was:-an unrecorded source}, installed is $(src_version): re-making it"
	fi
	[ -f "$SRC_TAR" ] || die "$SRC_TAR missing (apt-get install linux-source-6.12)"
	log "unpacking $SRC_TAR into $TREE"
	rm -rf "$TREE" "$WORK/unpack"
	mkdir -p "$WORK/unpack"
	tar -C "$WORK/unpack" -xf "$SRC_TAR"
	mv "$WORK/unpack"/linux-source-* "$TREE"
	rmdir "$WORK/unpack"
	# Debian's .gitignore ignores every top-level path: drop that block so
	# the tree itself can be tracked (build outputs stay ignored).
	awk '/^# Debian packaging/ {exit} {print}' "$TREE/.gitignore" | sed '$d' > "$TREE/.gitignore.new"
	mv "$TREE/.gitignore.new" "$TREE/.gitignore"
	gitq init -q
	# scratch tree: no background `gc --auto` competing with the first build
	gitq config gc.auto 0
	gitq add -A
	gitq commit -q -m "linux-source-6.12 $(make -s -C "$TREE" kernelversion) (Debian, unpatched)"
	gitq tag lab-base
	src_version > "$TREE/$BASE_SOURCE_FILE"
	log "tree ready: $(gitq log --oneline -1) ($(base_source))"
}
