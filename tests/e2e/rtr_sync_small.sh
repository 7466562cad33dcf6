#!/bin/bash
# The rtrlib glue against a real RTR cache: StayRTR serves its 19-VRP test file on
# loopback; tests/e2e/rtr_tool syncs it through rtr_glue_fd()/rtr_glue_drain() into
# the VRP table with a 4-entry queue (so rtrlib's thread must wait for the loop),
# checks the table equals the file, replaces the file (one ROA dropped, one moved),
# checks that exactly that delta arrives, and that the shutdown removals are ignored.
# Also run under ThreadSanitizer (CONCURRENCY_TESTS).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 6
need_data || skip_all 6 "stayrtr or shared data absent"

unexpire < "$small" > "$T/small.json"
sed -e '/"1.0.4.0\/24"/d' -e 's/"192.0.2.0\/24"/"198.51.100.0\/24"/' \
    "$T/small.json" > "$T/small2.json"
cp "$T/small.json" "$T/served.json"
run_case small "$T/served.json" "$T/small2.json" "$base" 30 19 1 2 4

# StayRTR saw our client and re-read the edited file.
check "stayrtr logged the rtrlib client" grep -qi "client" "$T/stayrtr-$base.log"
check "stayrtr re-read the edited file and bumped the serial" \
    grep -qiE "new serial|serial [0-9]+" "$T/stayrtr-$base.log"
done_testing
