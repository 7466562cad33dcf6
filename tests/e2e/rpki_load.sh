#!/bin/bash
# agent/rpkid at full scale: the 577k-route real feed is in the RIB when StayRTR
# serves the full 424,223-VRP set; the sync runs through the loop (revalidation in
# slices) and every route ends with the state a fresh table gives it. Then a reload
# switches to a second StayRTR serving the set with every 50th ROA dropped and every
# 97th given another AS: while the new cache syncs the old states hold, after the
# swap the routes have the new set's states and only the differing VRPs changed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 5
mrt=$IXW_SHARED/data/mrt/updates.et-header.2015.gz
{ need_data && [ -r "$mrt" ] && command -v python3 > /dev/null; } ||
    skip_all 5 "stayrtr, python3 or shared data absent"
tool=$top_builddir/tests/e2e/rpkid_tool
port=$(( base + 7 )) port2=$(( base + 4 ))

gzip -dc "$full" | unexpire > "$T/full.json"
python3 - "$T/full.json" "$T/full2.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
roas = [r for i, r in enumerate(d["roas"]) if i % 50 != 49]
for i, r in enumerate(roas):
    if i % 97 == 0:
        r["asn"] = 64496
d["roas"] = roas
json.dump(d, open(sys.argv[2], "w"))
EOF
check "stayrtr serving the full set" start_stayrtr "$T/full.json" "$port"
check "a second stayrtr serving the edited set" start_stayrtr "$T/full2.json" "$port2"
out=$("$tool" load "$port" "$T/full.json" "$mrt" 300 "$port2" "$T/full2.json" \
    2> "$T/tool.err"); rc=$?
echo "$out" | sed 's/^/# /'
grep -v '^(20' "$T/tool.err" | grep -v " info: " | sed 's/^/# stderr: /' | tail -20
grep -h "switched to" "$T/tool.err" | sed "s/^/# /"
check "424,223 VRPs synced over 577k routes, every state right" \
    grep -q "^load=ok vrps=424223 file=424223 routes=5[0-9]\{5\} .* wrong=0 " <<< "$out"
check "reload to the second cache: old states while it syncs, then the new set's, only the differing VRPs changed" \
    grep -qE "^switch=ok .* vrp_changes=([0-9]+) expected=\1 wrong=0 pending_checks=1 pending_wrong=0 " <<< "$out"
check "clean exit" test "$rc" -eq 0
done_testing
