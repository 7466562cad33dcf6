#!/bin/bash
# Changing the RTR cache list on reload, with the real daemon: two StayRTR caches on
# loopback serve different VRP files (A and B); ixwatchd replays a small MRT file.
# An unchanged list keeps the running RTR connection (same client socket). A reload
# from A to B changes the route states as B's VRPs say, and while it happens no
# route ever shows not-found (polled through "show rpki routes notfound"); only the
# VRPs that differ count as changes. Adding a second cache and removing it keep the
# states; a reload to an unreachable cache keeps B's VRPs, reports the failure in
# "show rpki" and raises an rtr-health alert. Also "show routes PREFIX [MODE]
# valid|invalid|notfound" (the RPKI state filter of agent/source_ctl.c).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_rpki.sh"
D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 14
if ! command -v stayrtr > /dev/null || ! command -v jq > /dev/null ||
    ! command -v python3 > /dev/null || ! command -v ss > /dev/null; then
	for i in $(seq 14); do skip "rpki reload e2e" "stayrtr, jq, ss or python3 absent"; done
	exit 0
fi
PA=$(( 40000 + ($$ % 2000) * 10 )) PB=$(( 40000 + ($$ % 2000) * 10 + 3 ))
PC=$(( 40000 + ($$ % 2000) * 10 + 6 ))	# nothing listens there
ctl() { "$C" -s "$T/ixwatchd.sock" --json "$@" 2>/dev/null; }

# peer AS64511: 203.0.113.0/24 from AS65010, 198.51.100.0/24 from AS65020,
# 192.0.2.0/24 from AS65030
rpki_mrt "$T/feed.mrt" 65010:203.0.113.0/24 65020:198.51.100.0/24 65030:192.0.2.0/24

roa() { echo "{ \"asn\": $1, \"prefix\": \"$2\", \"maxLength\": ${2#*/}, \"ta\": \"test\" }"; }
# A: 203.0.113.0/24 valid, 192.0.2.0/24 valid, 198.51.100.0/24 not covered
cat > "$T/a.json" <<EOF
{ "metadata": { "buildtime": "2026-11-23T00:00:00Z" }, "roas": [
  $(roa 65010 203.0.113.0/24), $(roa 65030 192.0.2.0/24) ] }
EOF
# B: 203.0.113.0/24 invalid (another AS), 192.0.2.0/24 the same, 198.51.100.0/24 valid
cat > "$T/b.json" <<EOF
{ "metadata": { "buildtime": "2026-11-23T00:00:00Z" }, "roas": [
  $(roa 65099 203.0.113.0/24), $(roa 65030 192.0.2.0/24), $(roa 65020 198.51.100.0/24) ] }
EOF
start_cache() { stayrtr_start "$1" "$2" "$T/stayrtr-$2.log"; } # FILE PORT
start_cache "$T/a.json" $PA || diag "stayrtr A did not start"
start_cache "$T/b.json" $PB || diag "stayrtr B did not start"

config() { # config "PREF:PORT ..."
	{
		rpki_yml_mrt "$1" "reload-timeout: 4s"
		cat <<EOF
detection:
  rules:
    bogon: { enabled: false }
    rtr-health: { raise-after: 0s, clear-after: 0s }
alerts:
  group-window: 0s
EOF
	} > "$T/ixwatch.yml"
}
config "1:$PA"
start_ixwatchd
dpid=$IXWD
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"

# "S1 S2 S3": the RPKI states of 203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24
states() {
	local p
	for p in 203.0.113.0/24 198.51.100.0/24 192.0.2.0/24; do
		route_state "$p"
	done | tr '\n' ' '
}
# the client side of ixwatchd's RTR connection to PORT
conn() { ss -Htn state established "( dport = :$1 )" | awk '{ print $3 }' | sort | tr '\n' ' '; }
export C T
export -f ctl states conn route_state
check "cache A in sync: states as A says" \
    wait_for 20 bash -c '[ "$(states)" = "valid not-found valid " ]'
ca=$(conn $PA)
diag "connection to A: $ca"

ctl reload > /dev/null
sleep 2
same_list() {
	local c s
	c=$(conn $PA) s=$(states)
	if [ -n "$ca" ] && [ "$c" = "$ca" ] && [ "$s" = "valid not-found valid " ] &&
	    ctl show rpki | jq -e '.cache_switch.switches == 0 and
	    .cache_switch.pending == false and .caches[0].state == "up"' > /dev/null; then
		return 0
	fi
	diag "connection now: $c; states: $s"
	ctl show rpki | jq -c '.caches, .cache_switch' | sed 's/^/# /'
	return 1
}
check "unchanged list: same RTR connection, no switch, states kept" same_list

# poll the not-found routes while switching from A to B
( while [ ! -e "$T/stop-poll" ]; do
	ctl show rpki routes notfound | jq -r '[.routes[].prefix] | join(",")'
	ctl show routes 203.0.113.0/24 exact | jq -r '[.. | objects | select(has("rpki")) | .rpki][0]'
	sleep 0.05
  done > "$T/poll.log" ) &
poller=$!; track_pid $poller
wait_for 10 grep -qx valid "$T/poll.log" || diag "the poller saw nothing"
config "1:$PB"
ctl reload > /dev/null
check "reload A -> B: states as B says" \
    wait_for 20 bash -c '[ "$(states)" = "invalid valid valid " ]'
sleep 0.5; touch "$T/stop-poll"; wait $poller
sort "$T/poll.log" | uniq -c | sed 's/^/# poll: /'
check "while switching, no route went not-found (only the uncovered one, before)" \
    bash -c "! grep -v -x -e '' -e '198.51.100.0/24' -e valid -e invalid '$T/poll.log' &&
    grep -q -x invalid '$T/poll.log' && grep -q -x valid '$T/poll.log'"
check "one switch; only the 3 differing VRPs changed; one VRP table kept" bash -c "ctl show rpki | jq -e '
    .cache_switch.switches == 1 and .cache_switch.last_vrp_changes == 3 and
    .cache_vrp_memory == 0 and .vrp_memory > 0 and
    (.caches | length) == 1 and .caches[0].cache == \"127.0.0.1:$PB\" and
    .vrps_ipv4 == 3' > /dev/null"
check "the old manager is stopped: no connection to A left" \
    wait_for 5 bash -c "[ -z \"\$(conn $PA)\" ]"

pfxs() { ctl show routes "$@" | jq -r '[.routes[].prefix] | sort | join(",")'; }
export -f pfxs
check "show routes PREFIX longer valid|invalid|notfound filters by RPKI state" bash -c "
    [ \"\$(pfxs 0.0.0.0/0 longer invalid)\" = 203.0.113.0/24 ] &&
    [ \"\$(pfxs 0.0.0.0/0 longer valid)\" = 192.0.2.0/24,198.51.100.0/24 ] &&
    [ -z \"\$(pfxs 0.0.0.0/0 longer notfound)\" ] &&
    [ \"\$(pfxs 198.51.100.0/24 valid)\" = 198.51.100.0/24 ] &&
    [ -z \"\$(pfxs 198.51.100.0/24 exact invalid)\" ] &&
    [ \"\$(ctl show routes 0.0.0.0/0 longer invalid | jq -r .rpki)\" = invalid ]"

config "1:$PB 2:$PA"
ctl reload > /dev/null
check "adding a second cache: two caches, states kept" \
    wait_for 15 bash -c "ctl show rpki | jq -e '.cache_switch.switches == 2 and
    (.caches | length) == 2' > /dev/null && [ \"\$(states)\" = 'invalid valid valid ' ]"
config "1:$PB"
ctl reload > /dev/null
check "removing it again: one cache, states kept" \
    wait_for 15 bash -c "ctl show rpki | jq -e '.cache_switch.switches == 3 and
    (.caches | length) == 1 and .vrps_ipv4 == 3' > /dev/null &&
    [ \"\$(states)\" = 'invalid valid valid ' ]"

cb=$(conn $PB)
config "1:$PC"
ctl reload > /dev/null
check "an unreachable cache is pending, the old one still serves" bash -c "
    ctl show rpki | jq -e '.cache_switch.pending and .caches[0].cache == \"127.0.0.1:$PB\"' > /dev/null"
check "after the reload timeout: failure reported, B's VRPs and states kept" \
    wait_for 15 bash -c "ctl show rpki | jq -e '.cache_switch.pending == false and
    .cache_switch.failures == 1 and (.cache_switch.error | test(\"did not sync\")) and
    .caches[0].cache == \"127.0.0.1:$PB\" and .vrps_ipv4 == 3' > /dev/null &&
    [ \"\$(states)\" = 'invalid valid valid ' ] && [ \"\$(conn $PB)\" = '$cb' ] &&
    grep -q 'did not sync' '$T/daemon.log'"
check "the failed switch raises an rtr-health alert" \
    wait_for 5 bash -c "ctl show alerts --all | jq -e '[.alerts[] | select(.rule == \"rtr-health\")] | length >= 1' > /dev/null"
ctl show rpki | jq -c '.cache_switch' | sed 's/^/# /'
ctl show alerts --all | jq -c '.alerts[]' | sed 's/^/# /'
kill -TERM $dpid; wait $dpid; drc=$?
check "clean shutdown (sanitizers included: no finding in the log)" bash -c "
    [ $drc -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' '$T/daemon.log'"
grep -E "warn|rpki|Sanitizer" "$T/daemon.log" | tail -15 | sed 's/^/# /'
done_testing
