#!/bin/bash
# RPKI wired into detection, with the real daemon: ixwatchd replays a small MRT
# file (a monitored prefix from its own origin, another prefix from an AS nobody
# monitors) and takes VRPs from a StayRTR cache on loopback. The served VRP file is
# edited so the monitored route turns RPKI-invalid: an rpki-invalid alert is raised
# (rule 8, through the revalidation of the changed subtree); restored: it clears.
# StayRTR is killed: an rtr-health "no-sync" alert is raised (rule 10), the VRPs
# and states are kept (the clearing is covered by tests/unit/test_rpkid; a StayRTR
# restarted on the port has a new session id that rtrlib 0.8 keeps asking for with
# serial queries, so it does not resync). Also checks the control commands: "show
# rpki validate PREFIX ASN" with the matching VRPs, "show rpki routes
# invalid|notfound|valid [PREFIX] [LIMIT]", and "show rpki" naming the cache.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_rpki.sh"
D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 14
if ! command -v stayrtr > /dev/null || ! command -v jq > /dev/null ||
    ! command -v python3 > /dev/null; then
	for i in $(seq 14); do skip "rpki detection e2e" "stayrtr, jq or python3 absent"; done
	exit 0
fi
PORT=$(( 30000 + ($$ % 2000) * 10 ))
ctl() { "$C" -s "$T/ixwatchd.sock" --json "$@" 2>/dev/null; }

# the MRT file: peer AS64511 announces 203.0.113.0/24 from AS65010 (monitored) and
# 198.51.100.0/24 from AS65020 (not monitored, and no VRP covers it)
rpki_mrt "$T/feed.mrt" 65010:203.0.113.0/24 65020:198.51.100.0/24

vrps() { # vrps ASN: the served file, 203.0.113.0/24 authorised for ASN
	cat > "$T/served.tmp" <<EOF
{ "metadata": { "buildtime": "2026-11-23T00:00:00Z" },
  "roas": [
    { "asn": $1, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "test" },
    { "asn": 65030, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test" }
  ] }
EOF
	mv "$T/served.tmp" "$T/served.json"
}
vrps 65010
stayrtr_start "$T/served.json" "$PORT" "$T/stayrtr.log" ||
	diag "stayrtr did not start: $(tail -3 "$T/stayrtr.log")"
cache=$STAYRTR_PID

{
	rpki_yml_mrt "1:$PORT"
	cat <<EOF
detection:
  rules:
    bogon: { enabled: false }
    rpki-invalid: { raise-after: 0s, clear-after: 0s }
    rtr-health: { raise-after: 0s, clear-after: 0s }
alerts:
  group-window: 0s
prefixes-file: prefixes.yml
EOF
} > "$T/ixwatch.yml"
cat > "$T/prefixes.yml" <<EOF
203.0.113.0/24:
  description: monitored
  asn: 65010
  ignoreMorespecifics: false
EOF

start_ixwatchd
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"

alerts() { ctl show alerts --all | jq -c '.alerts[]'; }
# alert_is RULE STATE [DISC]: the newest alert of RULE is in STATE
alert_is() {
	local a
	a=$(ctl show alerts --all | jq -r --arg r "$1" '[.alerts[] | select(.rule == $r)] |
	    sort_by(.id) | last | .state // "none"')
	[ "$a" = "$2" ]
}
export C T
export -f ctl route_state alert_is
check "cache in sync, the monitored route is valid" \
    wait_for 20 bash -c "[ \"\$(route_state 203.0.113.0/24)\" = valid ]"
check "the other route is not-found" test "$(route_state 198.51.100.0/24)" = not-found
check "show rpki names the cache, in sync" bash -c "ctl show rpki | jq -e '.caches[0].cache == \"127.0.0.1:$PORT\" and .caches[0].state == \"up\"' > /dev/null"
check "no rpki-invalid alert yet" bash -c "! ctl show alerts --all | jq -e '.alerts[] | select(.rule == \"rpki-invalid\")' > /dev/null"

vrps 65099	# the ROA now authorises another AS: the monitored route is invalid
check "edited VRP file: the route turns invalid" \
    wait_for 20 bash -c "[ \"\$(route_state 203.0.113.0/24)\" = invalid ]"
check "an rpki-invalid alert is raised for the monitored prefix" \
    wait_for 10 bash -c "alert_is rpki-invalid raised"
check "show rpki validate: invalid, with the matching VRP" bash -c "ctl show rpki validate 203.0.113.0/24 AS65010 | jq -e '.state == \"invalid-origin\" and
    (.matching_vrps | length) == 1 and .matching_vrps[0].asn == \"AS65099\" and
    .matching_vrps[0].max_length == 24' > /dev/null"
check "show rpki routes invalid lists exactly the monitored route" bash -c "ctl show rpki routes invalid | jq -e '(.routes | length) == 1 and
    .routes[0].prefix == \"203.0.113.0/24\" and .routes[0].origin == \"AS65010\"' > /dev/null"
check "show rpki routes notfound 198.51.100.0/22: the uncovered route only" bash -c "ctl show rpki routes notfound 198.51.100.0/22 | jq -e '(.routes | length) == 1 and
    .routes[0].prefix == \"198.51.100.0/24\"' > /dev/null &&
    ctl show rpki routes notfound 203.0.113.0/24 | jq -e '(.routes | length) == 0' > /dev/null"

vrps 65010	# restored
check "restored VRP file: the rpki-invalid alert clears" \
    wait_for 20 bash -c "alert_is rpki-invalid cleared"

kill "$cache"; wait "$cache" 2>/dev/null
check "cache killed: an rtr-health alert is raised" \
    wait_for 20 bash -c "alert_is rtr-health raised"
check "the alert says no cache is in sync; the route keeps its state" bash -c "ctl show alerts | jq -e '[.alerts[] | select(.rule == \"rtr-health\")] | length == 1' > /dev/null &&
    grep -q 'no-sync' '$T/daemon.log'"
check "the cache gone: VRPs and route states are kept until they expire" bash -c "
    ctl show rpki | jq -e '.vrps_ipv4 == 2 and .health.no_sync' > /dev/null &&
    [ \"\$(route_state 203.0.113.0/24)\" = valid ]"
alerts | sed 's/^/# /'
ctl show rpki | jq -c '.caches[]' | sed 's/^/# /'
tail -5 "$T/stayrtr.log" | sed 's/^/# stayrtr: /'
grep -E "warn|rpki" "$T/daemon.log" | tail -15 | sed 's/^/# /'
done_testing
