#!/bin/bash
# Source notifications from a BMP router: a BMP stream (Initiation, Peer Up for 3
# peers, routes, End-of-RIB, a Peer Down for the first peer; tests/tools/bmp_feed)
# sent to ixwatchd's BMP listener from a loopback address. snmptrapd receives
# ixwatchSourceUp for the router (bmpRouter(1)) and for each peer (bmpPeer(2)),
# ixwatchSourceDown for the peer that went down and, when the connection closes,
# for the router, each with the reason ixwatchctl shows; the source table walked
# through a real snmpd (AgentX master) equals show sources value by value.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_snmp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
FEED=$top_builddir/tests/tools/bmp_feed
CMP=$top_srcdir/tests/e2e/snmp_compare.py
plan 10

for tool in "$SNMPD" "$TRAPD" snmpwalk jq python3 "$FEED"; do
	command -v "$tool" > /dev/null || {
		for i in $(seq 10); do skip "snmp bmp" "$tool not available"; done
		exit 0
	}
done

read -r SP TP BP <<< "$(free_ports 3)"	# snmpd UDP, snmptrapd, BMP listener
RA=127.0.$(( ($$ % 200) + 20 )).7	# the router's address
snmp_state
snmpd_conf 5
trapd_conf
{ ixw_yml_daemon; cat <<EOF; snmp_yml_outputs; } > "$T/ixwatch.yml"
sources:
  bmp:
    listen:
      - address: 127.0.0.1
        port: $BP
    allow: [127.0.0.0/8]
EOF

srcs() { ctl --json show sources | jq -r "$1"; }
# traps NOTIFICATION TYPE: the source ids in the traps of that kind for that type
traps() {
	grep "= OID: $M.0.$1	" "$T/traps.log" |
	    grep -o "$O.3.1.2.[0-9]* = INTEGER: $2	" | cut -d' ' -f1 | sed 's/.*\.//' | sort -n | xargs
}
traps_are() { [ "$(traps "$1" "$2")" = "$3" ]; }

snmpd_start
trapd_start
check "snmpd and snmptrapd run" \
	wait_for 10 test -S "$T/agentx.sock" -a -s "$T/state/trapd.pid"
start_ixwatchd
check "ixwatchd starts with a BMP listener and its subagent connects" \
	wait_for 10 eval '[ "$(ctl --json show status 2>/dev/null | jq -r .snmp.agentx_connected)" = true ]'

"$FEED" -o "$T/feed.bmp" -S 10 -P 3 -w > /dev/null
"$FEED" -c "127.0.0.1:$BP" -b "$RA" -H 4 "$T/feed.bmp" > "$T/feed.out" 2>&1 &
feed=$!
track_pid $feed
check "the router and its 3 peers are sources, one peer down" \
	wait_for 20 eval '[ "$(srcs "[.sources[] | select(.type == \"bmp-peer\") | .state] | sort | join(\",\")")" = down,up,up ]'
rid=$(srcs '.sources[] | select(.type == "bmp-router") | .id')
pids=$(srcs '[.sources[] | select(.type == "bmp-peer") | .id] | sort | map(tostring) | join(" ")')
down=$(srcs '.sources[] | select(.type == "bmp-peer" and .state == "down") | .id')
check "ixwatchSourceUp for the router ($rid, bmpRouter(1)) and each peer ($pids, bmpPeer(2))" \
	wait_for 10 eval 'traps_are 3 1 "$rid" && traps_are 3 2 "$pids"'
reason=$(srcs ".sources[] | select(.id == $down) | .last_error")
diag "peer $down down: $reason"
check "ixwatchSourceDown for peer $down: down(1), its reason as last error" \
	wait_for 10 eval 'traps_are 4 2 "$down" &&
	    grep "= OID: $M.0.4	" "$T/traps.log" | grep -qF "$O.3.1.11.$down = INTEGER: 1	$O.3.1.17.$down = STRING: \"$reason\""'
walk() { snmpwalk -v2c -c public -On -Oq -Oe -Ot -Ox -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }
walk "$O.3" > "$T/sources.walk"
ctl --json show sources > "$T/sources.json"
check "ixwatchSourceTable = show sources (router and peers)" \
	eval 'python3 "$CMP" sources "$T/sources.walk" "$T/sources.json" "$O" | tee "$T/cmp" | sed "s/^/# /"; [ "${PIPESTATUS[0]}" = 0 ]'
check "the feeder closes the connection" wait_for 20 eval '! kill -0 $feed 2>/dev/null'
check "ixwatchSourceDown for the router when its connection closes" \
	wait_for 10 traps_are 4 1 "$rid"
check "the router's trap carries the reason show sources gives" \
	eval 'r=$(srcs ".sources[] | select(.id == $rid) | .last_error"); [ -n "$r" ] &&
	    grep "= OID: $M.0.4	" "$T/traps.log" | grep -qF "$O.3.1.17.$rid = STRING: \"$r\""'
up1=$(echo "$pids" | tr ' ' '\n' | grep -vx "$down" | head -1)
check "ixwatchSourceDown for the peers that were up too, connecting(2) within the grace: every Up has its Down" \
	eval 'wait_for 10 traps_are 4 2 "$pids" &&
	    grep "= OID: $M.0.4	" "$T/traps.log" | grep -qF "$O.3.1.11.$up1 = INTEGER: 2	"'
[ "$_failed" -eq 0 ] || { diag "daemon log:"; tail -20 "$T/daemon.log" | sed 's/^/# /'; tail -5 "$T/traps.log" | sed 's/^/# /'; }
done_testing
