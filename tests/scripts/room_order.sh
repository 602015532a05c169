#!/bin/bash
# structure.sh's room-order check fails on an include that points back up
# (ARCHITECTURE.md's "Room order"): shown on a throwaway copy of the tree,
# clean, then with a model file including output/ and an output file
# including kernel/.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash	# check, $WORK

copy=$WORK/tree
mkdir -p "$copy" && cp -r src ARCHITECTURE.md "$copy"/
scripts/room-order "$copy" >"$WORK/clean.out" 2>&1
check "the tree as it is: no back-pointing include" test $? -eq 0 || cat "$WORK/clean.out"

sed -i '0,/#include "model\/hooks.h"/s//#include "model\/hooks.h"\n#include "output\/json.h"/' "$copy/src/model/hooks.c"
scripts/room-order "$copy" >"$WORK/model.out" 2>&1
check "model including output/ fails" test $? -eq 1
check "and names the file and the include" \
	grep -q 'back-pointing include: src/model/hooks.c:[0-9]* includes output/' "$WORK/model.out"

cp src/model/hooks.c "$copy/src/model/hooks.c"
echo '#include "kernel/session.h"' >> "$copy/src/output/json.h"
scripts/room-order "$copy" >"$WORK/output.out" 2>&1
check "output including kernel/ fails" test $? -eq 1
check "exactly that one is named ($(tail -n 1 "$WORK/output.out"))" \
	grep -q '^1 back-pointing includes' "$WORK/output.out"

cp src/output/json.h "$copy/src/output/json.h"
sed -i '/^Room order:/d' "$copy/ARCHITECTURE.md"
scripts/room-order "$copy" >"$WORK/noorder.out" 2>&1
check "no stated order: the check refuses (status 2), it does not pass" test $? -eq 2
