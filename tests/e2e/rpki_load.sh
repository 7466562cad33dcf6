#!/bin/bash
# agent/rpkid at full scale: the 577k-route real feed is in the RIB when StayRTR
# serves the full 424,223-VRP set; the sync runs through the loop (revalidation in
# slices) and every route ends with the state a fresh table gives it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 3
mrt=$IXW_SHARED/data/mrt/updates.et-header.2015.gz
{ need_data && [ -r "$mrt" ]; } || skip_all 3 "stayrtr or shared data absent"
tool=$top_builddir/tests/e2e/rpkid_tool
port=$(( base + 7 ))

gzip -dc "$full" | unexpire > "$T/full.json"
check "stayrtr serving the full set" start_stayrtr "$T/full.json" "$port"
out=$("$tool" load "$port" "$T/full.json" "$mrt" 300 2> "$T/tool.err"); rc=$?
echo "$out" | sed 's/^/# /'
grep -v '^(20' "$T/tool.err" | grep -v " info: " | sed 's/^/# stderr: /' | tail -20
check "424,223 VRPs synced over 577k routes, every state right" \
    grep -q "^load=ok vrps=424223 file=424223 routes=5[0-9]\{5\} .* wrong=0 " <<< "$out"
check "clean exit" test "$rc" -eq 0
done_testing
