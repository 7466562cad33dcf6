#!/bin/bash
# The rtrlib glue against StayRTR serving the full 424,223-VRP rpki-client set:
# the initial sync must leave exactly the file's VRPs in the table, and an edit of
# one maxLength and one origin AS must arrive as exactly +2 -2.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 4
need_data || skip_all 4 "stayrtr or shared data absent"

gzip -dc "$full" | unexpire > "$T/full.json"
sed -E -e '0,/"maxLength": 20,/s//"maxLength": 21,/' -e '0,/"asn": 702,/s//"asn": 64999,/' \
    "$T/full.json" > "$T/full2.json"
cp "$T/full.json" "$T/served.json"
run_case full "$T/served.json" "$T/full2.json" "$(( base + 5 ))" 240 424223 2 2
done_testing
