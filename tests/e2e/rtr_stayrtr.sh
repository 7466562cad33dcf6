#!/bin/bash
# The rtrlib glue against a real RTR cache: StayRTR serves a JSON file on loopback;
# tests/e2e/rtr_tool syncs it through rtr_glue_fd()/rtr_glue_drain() into the VRP
# table, checks the table equals the file, replaces the file, and checks that exactly
# the delta arrives. First the 19-VRP StayRTR test file, then the 424,223-VRP set.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
plan 10
tool=$top_builddir/tests/e2e/rtr_tool
small=$IXW_SHARED/data/vrp/stayrtr.test.rpki.json
full=$IXW_SHARED/data/vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz
base=$(( 20000 + ($$ % 2000) * 10 ))

# Per-ROA "expires" in the past makes StayRTR drop the ROA: move them far ahead.
unexpire() { sed -E 's/"expires": *[0-9]+/"expires": 4102444800/'; }

# start_stayrtr FILE PORT: serve FILE on 127.0.0.1:PORT, re-read every second.
start_stayrtr() {
	stayrtr -bind "127.0.0.1:$2" -cache "$1" -checktime=false -refresh 1 \
	    -metrics.addr "127.0.0.1:$(( $2 + 1 ))" > "$T/stayrtr-$2.log" 2>&1 &
	track_pid $!
	wait_for 30 bash -c "echo > /dev/tcp/127.0.0.1/$2"
}

# run_case NAME FILE NEWFILE PORT TIMEOUT VRPS ADDED REMOVED
run_case() {
	local out
	if ! start_stayrtr "$2" "$4"; then
		not_ok "$1: stayrtr listening"; not_ok "$1: sync"; not_ok "$1: delta"
		not_ok "$1: shutdown"
		tail -5 "$T/stayrtr-$4.log" | sed 's/^/# /'
		return
	fi
	ok "$1: stayrtr listening on 127.0.0.1:$4"
	out=$("$tool" "$4" "$2" "$3" "$5" 2>&1); rc=$?
	echo "$out" | sed 's/^/# /'
	check "$1: initial sync holds exactly the file's $6 VRPs" \
	    grep -q "^sync=ok vrps=$6 file=$6 .*state=up bad=0" <<< "$out"
	check "$1: reload delivers exactly +$7 -$8" \
	    grep -q "^delta=ok added=$7 removed=$8 expected_added=$7 expected_removed=$8 " <<< "$out"
	check "$1: the removal flood at shutdown is ignored" \
	    grep -q "^shutdown=ok .*delivered=0 state=down" <<< "$out"
	[ $rc -eq 0 ] || diag "rtr_tool exit $rc"
}

if [ ! -r "$small" ] || [ ! -r "$full" ] || ! command -v stayrtr > /dev/null; then
	for i in 1 2 3 4 5 6 7 8 9 10; do skip "rtr e2e" "stayrtr or shared data absent"; done
	exit 0
fi

# 1: the StayRTR test file; the edit drops one ROA and renumbers another.
unexpire < "$small" > "$T/small.json"
sed -e '/"1.0.4.0\/24"/d' -e 's/"192.0.2.0\/24"/"198.51.100.0\/24"/' \
    "$T/small.json" > "$T/small2.json"
cp "$T/small.json" "$T/served-small.json"
run_case small "$T/served-small.json" "$T/small2.json" "$base" 30 19 1 2

# 2: the full set; the edit changes one maxLength and one origin AS.
gzip -dc "$full" | unexpire > "$T/full.json"
sed -E -e '0,/"maxLength": 20,/s//"maxLength": 21,/' -e '0,/"asn": 702,/s//"asn": 64999,/' \
    "$T/full.json" > "$T/full2.json"
cp "$T/full.json" "$T/served-full.json"
run_case full "$T/served-full.json" "$T/full2.json" "$(( base + 5 ))" 240 424223 2 2

# StayRTR saw our client (rtrlib 0.8 speaks RTR v1 at most).
check "stayrtr logged the rtrlib client" grep -qi "client" "$T/stayrtr-$base.log"
check "stayrtr re-read the edited file and bumped the serial" \
    grep -qiE "new serial|serial [0-9]+" "$T/stayrtr-$base.log"
done_testing
