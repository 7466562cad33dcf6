#!/bin/bash
# SNMP end to end with real sources and a real detection: exabgp peers with
# ixwatchd's BGP listener, StayRTR serves a small VRP file, prefixes.yml monitors
# 10.14.0.0/23 (AS64514); snmpd is the AgentX master on a unix socket in $T and
# snmptrapd receives SNMPv2c traps and SNMPv3 authPriv (SHA/AES) informs.
# A sub-prefix hijack (10.14.0.0/24 from AS64666) raised by the detection arrives
# as ixwatchAlertRaised with the alert's rule, severity, state, prefix and
# offending AS, its withdrawal as ixwatchAlertCleared, both as v2c traps and as v3
# informs that are acknowledged; the BGP session coming up is ixwatchSourceUp; the
# RTR cache reaching sync and later dying are ixwatchRtrCacheStateChange. A walk of
# every table (sources, RTR caches, alerts, counters) equals, value by value, what
# ixwatchctl --json show sources|rpki|alerts --all|status reports.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"
. "$top_srcdir/tests/e2e/lib_rpki.sh"
. "$top_srcdir/tests/e2e/lib_snmp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
CMP=$top_srcdir/tests/e2e/snmp_compare.py
plan 21

for tool in "$SNMPD" "$TRAPD" snmpwalk exabgp stayrtr jq python3; do
	command -v "$tool" > /dev/null || {
		for i in $(seq 21); do skip "snmp scenario" "$tool not installed"; done
		exit 0
	}
done

# ports free now, addresses from the PID so parallel runs do not collide
# snmpd UDP, snmptrapd, StayRTR, its metrics, ixwatchd's BGP listener
read -r SP TP RP MP BP <<< "$(free_ports 5)"
n=$(( ($$ % 200) + 20 ))
AG=127.0.$n.1				# the agent
EX=127.0.$n.4				# exabgp
snmp_state

cat > "$T/vrps.json" <<EOF
{
  "metadata": { "buildtime": "2026-11-23T00:00:00Z" },
  "roas": [
    { "asn": 64514, "prefix": "10.14.0.0/23", "maxLength": 24, "ta": "test" },
    { "asn": 64999, "prefix": "10.77.0.0/24", "maxLength": 24, "ta": "test" },
    { "asn": 64514, "prefix": "2001:db8:114::/48", "maxLength": 48, "ta": "test" }
  ]
}
EOF
snmpd_conf 5
trapd_conf v3
cat > "$T/prefixes.yml" <<EOF
10.14.0.0/23:
  description: AS64514 customer space
  asn: 64514
  ignoreMorespecifics: false
  group: test
EOF
{
	ixw_yml_daemon
	bgp_yml_listen 65011 $AG $BP
	cat <<EOF
    neighbors:
      - name: exa
        address: $EX
        remote-as: 65004
        passive: true
        hold-time: 30s
EOF
	rpki_yml "1:$RP"
	cat <<EOF
detection:
  rules:
    bogon: { enabled: false }
    hijack: { raise-after: 0s, clear-after: 1s }
    sub-prefix-hijack: { raise-after: 0s, clear-after: 1s }
    rpki-invalid: { raise-after: 0s, clear-after: 1s }
EOF
	snmp_yml_outputs 2s
	echo "prefixes-file: $T/prefixes.yml"
} > "$T/ixwatch.yml"
exa_setup "$T/exa" $AG $EX $BP 65004 65011 "ipv4 unicast;" 0.5
echo "announce route 10.14.0.0/23 next-hop 192.0.2.44 as-path [ 65004 64514 ] origin igp" > "$T/exa/initial.cmds"

jq_is() { [ "$(ctl --json $1 2> /dev/null | jq -r "$2")" = "$3" ]; }
walk() { snmpwalk -v2c -c public -On -Oq -Oe -Ot -Ox -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }
send() { exa_send "$T/exa" "$@"; }
trap_has() { # trap_has WHO NOTIFICATION REGEX: one line from WHO (community or user)
	grep "$1|" "$T/traps.log" | grep "= OID: $M.0.$2	" | grep -q -- "$3"
}

snmpd_start
check "snmpd runs as AgentX master on $T/agentx.sock" wait_for 10 test -S "$T/agentx.sock"
trapd_start
check "snmptrapd listens" wait_for 10 test -s "$T/state/trapd.pid"

start_ixwatchd
dpid=$IXWD
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"
check "the subagent connects to the master" \
	wait_for 10 jq_is "show status" .snmp.agentx_connected true
# the cache comes after the daemon: its way to sync is a state change
stayrtr -bind "127.0.0.1:$RP" -cache "$T/vrps.json" -checktime=false -refresh 1 \
	-metrics.addr "127.0.0.1:$MP" > "$T/stayrtr.log" 2>&1 &
rtr_pid=$!
track_pid $rtr_pid
check "the RTR cache is in sync with 3 VRPs" \
	wait_for 20 jq_is "show rpki" '.caches[0].state + "/" + (.vrps_ipv4 + .vrps_ipv6 | tostring)' up/3
check "ixwatchRtrCacheStateChange (v2c): cache 1 inSync(3), 3 VRPs" \
	wait_for 10 trap_has "TRAP2, SNMP v2c, community public" 5 "$O.4.1.8.1 = INTEGER: 3.*$O.4.1.17.1 = Gauge32: 3"

exa_start "$T/exa"
check "the BGP session with exabgp is up with its route" \
	wait_for 30 jq_is "show sources" '.sources[] | select(.name == "exa") | .state + "/" + (.prefixes | tostring)' up/1
sid=$(ctl --json show sources | jq -r '.sources[] | select(.name == "exa") | .id')
check "ixwatchSourceUp (v2c) for the session: bgpSession(3), \"exa\", AS 65004" \
	wait_for 5 trap_has "TRAP2, SNMP v2c, community public" 3 "$O.3.1.2.$sid = INTEGER: 3.*$O.3.1.3.$sid = STRING: \"exa\".*$O.3.1.9.$sid = Gauge32: 65004"
check "no alert for the legitimate announcement" jq_is "show alerts" .count 0

# the hijack
send "announce route 10.14.0.0/24 next-hop 192.0.2.44 as-path [ 65004 64666 ] origin igp"
hj='.alerts[] | select(.rule == "subprefix-hijack")'
check "detection raises a sub-prefix hijack by AS64666" \
	wait_for 15 jq_is "show alerts" "[$hj | .state + \"/\" + .offender] | first" raised/AS64666
ctl --json show alerts > "$T/alerts.json"
aid=$(jq -r "[$hj | .id] | first" "$T/alerts.json")
sev=$(jq -r "[$hj | .severity] | first" "$T/alerts.json")
sevn=$(python3 -c 'import sys; print(["critical","error","warning","notice","info"].index(sys.argv[1]) + 1)' "$sev")
pfx=$(jq -r "[$hj | .prefix] | first" "$T/alerts.json")
hex=$(python3 -c 'import ipaddress,sys; print(" ".join("%02X" % b for b in ipaddress.ip_network(sys.argv[1]).network_address.packed))' "$pfx")
plen=${pfx#*/}
diag "alert $aid: severity $sev ($sevn), prefix $pfx ($hex)"
raised_re="$O.5.1.2.$aid = STRING: \"[^\"]*subprefix-hijack.*$O.5.1.3.$aid = INTEGER: 2	$O.5.1.4.$aid = INTEGER: $sevn	$O.5.1.5.$aid = INTEGER: 1	$O.5.1.6.$aid = INTEGER: 1	$O.5.1.7.$aid = Hex-STRING: $hex *	$O.5.1.8.$aid = Gauge32: $plen	$O.5.1.9.$aid = Gauge32: 64666	"
check "ixwatchAlertRaised (v2c trap): key, rule subPrefixHijack(2), severity $sev, raised(1), $pfx, AS64666" \
	wait_for 10 trap_has "TRAP2, SNMP v2c, community public" 1 "$raised_re"
check "ixwatchAlertRaised (v3 authPriv inform from trapUser) with the same varbinds" \
	wait_for 10 trap_has "INFORM, SNMP v3, user trapUser, context " 1 "$raised_re"

# the withdrawal clears it
send "withdraw route 10.14.0.0/24 next-hop 192.0.2.44"
check "the withdrawal clears the alert" \
	wait_for 15 jq_is "show alerts --all" "[.alerts[] | select(.id == $aid) | .state] | first" cleared
cleared_re="$O.5.1.3.$aid = INTEGER: 2	$O.5.1.4.$aid = INTEGER: $sevn	$O.5.1.5.$aid = INTEGER: 3	.*$O.5.1.9.$aid = Gauge32: 64666	"
check "ixwatchAlertCleared (v2c trap): rule 2, cleared(3), AS64666" \
	wait_for 10 trap_has "TRAP2, SNMP v2c, community public" 2 "$cleared_re"
check "ixwatchAlertCleared (v3 inform) with the same varbinds" \
	wait_for 10 trap_has "INFORM, SNMP v3, user trapUser, context " 2 "$cleared_re"
check "every inform acknowledged: none pending or dropped" \
	wait_for 15 jq_is "show status" '"\(.snmp.informs_pending)/\(.snmp.notifications_dropped)"' 0/0

# every table against ixwatchctl --json, value by value
cmp_table() { # cmp_table KIND SUBTREE SHOW-COMMAND...
	local kind=$1 sub=$2
	shift 2
	walk "$O.$sub" > "$T/$kind.walk"
	ctl --json "$@" > "$T/$kind.json"
	python3 "$CMP" "$kind" "$T/$kind.walk" "$T/$kind.json" "$O" > "$T/$kind.cmp"
	local rc=$?
	sed 's/^/# /' "$T/$kind.cmp"
	return $rc
}
check "ixwatchSourceTable = show sources" cmp_table sources 3 show sources
check "ixwatchRtrCacheTable = show rpki" cmp_table rpki 4 show rpki
check "ixwatchAlertTable = show alerts --all" cmp_table alerts 5 show alerts --all
walk "$O.2" > "$T/counters.walk"
ctl --json show status > "$T/counters.json"
walk "$O.2" > "$T/counters2.walk"
check "ixwatchCounters = show status counters (updates, routes, alerts, notifications, syslog)" \
	eval 'cmp -s "$T/counters.walk" "$T/counters2.walk" &&
	    python3 "$CMP" counters "$T/counters.walk" "$T/counters.json" "$O" | tee "$T/counters.cmp" | sed "s/^/# /"; [ "${PIPESTATUS[0]}" = 0 ]'

# the cache dies
kill "$rtr_pid"
check "ixwatchRtrCacheStateChange (v2c) when StayRTR dies: cache 1 leaves inSync(3)" \
	wait_for 20 trap_has "TRAP2, SNMP v2c, community public" 5 "$O.4.1.8.1 = INTEGER: [^3]"
[ "$_failed" -eq 0 ] || { diag "daemon log:"; tail -30 "$T/daemon.log" | sed 's/^/# /'; tail -8 "$T/traps.log" | sed 's/^/# /'; }
done_testing
