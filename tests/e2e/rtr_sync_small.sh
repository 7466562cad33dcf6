#!/bin/bash
# The rtrlib glue against a real RTR cache: StayRTR serves its 19-VRP test file on
# loopback; tests/e2e/rtr_tool syncs it through rtr_glue_fd()/rtr_glue_drain() into
# the VRP table with a 4-entry queue (so rtrlib's thread must wait for the loop),
# checks the table equals the file, replaces the file (one ROA dropped, one moved),
# checks that exactly that delta arrives, and that the shutdown removals are ignored.
# Also run under ThreadSanitizer (CONCURRENCY_TESTS).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 9
need_data || skip_all 9 "stayrtr or shared data absent"

unexpire < "$small" > "$T/small.json"
sed -e '/"1.0.4.0\/24"/d' -e 's/"192.0.2.0\/24"/"198.51.100.0\/24"/' \
    "$T/small.json" > "$T/small2.json"
cp "$T/small.json" "$T/served.json"
run_case small "$T/served.json" "$T/small2.json" "$base" 30 19 1 2 4

# Fallback between preference groups: preference 1 is a closed port, StayRTR is 2.
dead=$(( base + 8 )) port2=$(( base + 4 ))
sed -e '/"2800:40::\/32", "maxLength": 48/d' "$T/small.json" > "$T/small3.json"
cp "$T/small.json" "$T/served2.json"
out=""
if start_stayrtr "$T/served2.json" "$port2"; then
	out=$(RTR_TOOL_DEAD_PORT=$dead "$tool" "$port2" "$T/served2.json" "$T/small3.json" 30 \
	    2> "$T/fallback.err") || out="$out rc=$?"
	echo "$out" | sed 's/^/# /'
fi
check "fallback: the preference-2 cache is used while preference 1 is down" \
    grep -q "^fallback=ok preferred=127.0.0.1:$dead state=[a-z]* used=127.0.0.1:$port2 pref=2" <<< "$out"
check "fallback: sync and reload delta (-1) through it" \
    grep -q "^delta=ok added=0 removed=1 expected_added=0 expected_removed=1 " <<< "$out"
check "fallback: clean exit" bash -c "! grep -q 'rc=' <<< \"\$1\"" _ "$out"

# StayRTR saw our client and re-read the edited file.
check "stayrtr logged the rtrlib client" grep -qi "client" "$T/stayrtr-$base.log"
check "stayrtr re-read the edited file and bumped the serial" \
    grep -qiE "new serial|serial [0-9]+" "$T/stayrtr-$base.log"
done_testing
