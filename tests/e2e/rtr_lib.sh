# Helpers for the RTR end-to-end tests (sourced after lib.sh): StayRTR on loopback
# serving a JSON file, and tests/e2e/rtr_tool driving the rtrlib glue against it.
tool=$top_builddir/tests/e2e/rtr_tool
small=$IXW_SHARED/data/vrp/stayrtr.test.rpki.json
full=$IXW_SHARED/data/vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz
base=$(( 20000 + ($$ % 2000) * 10 ))

# skip_all N REASON
skip_all() { local i; for i in $(seq "$1"); do skip "rtr e2e" "$2"; done; exit 0; }
need_data() {
	[ -r "$small" ] && [ -r "$full" ] && command -v stayrtr > /dev/null
}

# Per-ROA "expires" in the past makes StayRTR drop the ROA: move them far ahead.
unexpire() { sed -E 's/"expires": *[0-9]+/"expires": 4102444800/'; }

# start_stayrtr FILE PORT: serve FILE on 127.0.0.1:PORT, re-read every second.
start_stayrtr() {
	stayrtr -bind "127.0.0.1:$2" -cache "$1" -checktime=false -refresh 1 \
	    -metrics.addr "127.0.0.1:$(( $2 + 1 ))" > "$T/stayrtr-$2.log" 2>&1 &
	track_pid $!
	wait_for 30 bash -c "echo > /dev/tcp/127.0.0.1/$2"
}

# run_case NAME FILE NEWFILE PORT TIMEOUT VRPS ADDED REMOVED [QUEUE]: 4 TAP results
run_case() {
	local out rc
	if ! start_stayrtr "$2" "$4"; then
		not_ok "$1: stayrtr listening"; not_ok "$1: sync"; not_ok "$1: delta"
		not_ok "$1: shutdown"
		tail -5 "$T/stayrtr-$4.log" | sed 's/^/# /'
		return
	fi
	ok "$1: stayrtr listening on 127.0.0.1:$4"
	# rtrlib logs to stderr: keep it apart from the tool's result lines
	out=$("$tool" "$4" "$2" "$3" "$5" ${9:-} 2> "$T/rtr_tool-$4.err"); rc=$?
	echo "$out" | sed 's/^/# /'
	grep -v '^(20' "$T/rtr_tool-$4.err" | sed 's/^/# stderr: /'
	check "$1: initial sync holds exactly the file's $6 VRPs" \
	    grep -q "^sync=ok vrps=$6 file=$6 .*state=up bad=0" <<< "$out"
	check "$1: reload delivers exactly +$7 -$8" \
	    grep -q "^delta=ok added=$7 removed=$8 expected_added=$7 expected_removed=$8 " <<< "$out"
	# the exit status also carries sanitizer findings (leaks, races)
	if [ $rc -eq 0 ] && grep -q "^shutdown=ok .*delivered=0 state=down" <<< "$out"; then
		ok "$1: the removal flood at shutdown is ignored, clean exit"
	else
		not_ok "$1: the removal flood at shutdown is ignored, clean exit (rc $rc)"
		tail -30 "$T/rtr_tool-$4.err" | sed 's/^/# /'
	fi
}
