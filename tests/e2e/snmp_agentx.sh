#!/bin/bash
# SNMP end to end: a real snmpd as AgentX master on a unix socket in $T (UDP on a
# high loopback port), ixwatchd as its subagent, snmpget/snmpwalk through snmpd
# compared with "ixwatchctl --json show status" and the replies of test-alert and
# the "snmp test-source" hook; a single column walked (GETNEXT on a column OID); a
# real snmptrapd receiving SNMPv2c traps and SNMPv3 authPriv (SHA/AES) informs for
# a source going up and down and a test alert raised and cleared (OIDs and values
# checked); snmpd restarted: the subagent registers again and the walk comes back.
# snmp_scenario.sh does the same with real sources and detection.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_snmp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 33

if [ ! -x "$SNMPD" ] || [ ! -x "$TRAPD" ] || ! command -v snmpwalk > /dev/null; then
	not_ok "snmpd, snmptrapd and snmpwalk are installed (scripts/install-deps.sh)"
	done_testing
fi

read -r SP TP <<< "$(free_ports 2)"	# snmpd, snmptrapd (UDP)
snmp_state
snmpd_conf 1
trapd_conf v3
# and a v2c sink by host name (resolved off the loop), community viaName; the
# state directory keeps snmpEngineBoots (a last start's value there, above the
# clock's: as on a router that starts before NTP)
echo 2000000000 > "$T/snmp-engine-boots"
{ ixw_yml_daemon; echo "  state-dir: $T"; snmp_yml_outputs 1s v3trap; cat <<EOF; } > "$T/ixwatch.yml"
      - address: localhost
        port: $TP
        version: 2c
        community: viaName
EOF

start_snmpd() {
	rm -f "$T/agentx.sock"
	snmpd_start
	snmpd_pid=$SNMPD_PID
	wait_for 10 test -S "$T/agentx.sock"
}
jget() { # jget KEY.SUB < json
	python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[k]
print(str(v).lower() if isinstance(v, bool) else v)' "$1"
}
# get OID: the value alone (-Oqv), numeric OIDs and enums
get() { snmpget -v2c -c public -On -Oqv -Oe -Ot -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }
walk() { snmpwalk -v2c -c public -On -Oq -Oe -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }
cell() { # cell WALKFILE OID: the value of one line of a walk
	awk -v o="$2" '$1 == o { $1 = ""; sub(/^ /, ""); print; exit }' "$1"
}

check "snmpd runs as AgentX master on $T/agentx.sock" start_snmpd
trapd_start
check "snmptrapd listens on 127.0.0.1:$TP" wait_for 10 test -s "$T/state/trapd.pid"

start_ixwatchd
dpid=$IXWD
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"
snmp_status() { test "$(ctl --json show status | jget "snmp.$1")" = "$2"; }
check "the subagent connects to the master" wait_for 10 snmp_status agentx_connected true
check "snmpEngineBoots is one more than the last start's, kept in the state directory" \
	test "$(cat "$T/snmp-engine-boots")" = 2000000001
ctl reload > /dev/null
ctl --json show status > "$T/status.json"

v=$(get $O.1.1.0)
check "ixwatchVersion.0 is show status' version ($v)" \
	test "$v" = "\"$(jget version < "$T/status.json")\""
check "ixwatchConfigReloads.0 = show status' reloads + failures (1)" \
	test "$(get $O.1.4.0)" = "$(( $(jget reloads < "$T/status.json") + $(jget reload_failures < "$T/status.json") ))"
s0=$(ctl --json show status | jget uptime_seconds)
up=$(get $O.1.2.0)
s1=$(ctl --json show status | jget uptime_seconds)
check "ixwatchUptime.0 ($up) agrees with show status' uptime ($s0..$s1 s)" \
	test "$up" -ge $(( (s0 - 1) * 100 )) -a "$up" -le $(( (s1 + 1) * 100 ))
check "ixwatchSourceTable is empty without sources" test -z "$(walk $O.3 | grep "^$O.3.1.")"

sid=$(ctl --json snmp test-source up | jget id)
walk $O.3 > "$T/src.walk"
check "the source table has the test source (id $sid): name, type bgpSession(3), state up(4)" \
	test "$(cell "$T/src.walk" $O.3.1.3.$sid)/$(cell "$T/src.walk" $O.3.1.2.$sid)/$(cell "$T/src.walk" $O.3.1.11.$sid)" = '"snmp-test"/3/4'
check "... peer ipv4(1) C0 00 02 01, AS 64496, BGP id 3221225985" \
	test "$(cell "$T/src.walk" $O.3.1.7.$sid)/$(cell "$T/src.walk" $O.3.1.8.$sid | tr -d '"' | xargs)/$(cell "$T/src.walk" $O.3.1.9.$sid)/$(cell "$T/src.walk" $O.3.1.10.$sid)" = "1/C0 00 02 01/64496/3221225985"
check "... 16 columns, End-of-RIB false(2), updates 0 (Counter64)" \
	test "$(grep -c "^$O.3.1.[0-9]*.$sid " "$T/src.walk")/$(cell "$T/src.walk" $O.3.1.14.$sid)/$(cell "$T/src.walk" $O.3.1.15.$sid)" = "16/2/0"
check "ixwatchSourceUp (v2c trap) arrived with the source's name and AS" \
	wait_for 5 grep -q "community public|.*$M.0.3.*$O.3.1.3.$sid = STRING: \"snmp-test\".*$O.3.1.9.$sid = Gauge32: 64496" "$T/traps.log"

tt=$(ctl --json test-alert)
aid=$(echo "$tt" | jget id)
check "test-alert raised and cleared alert $aid through the daemon's alert engine" test "$aid" -ge 1
walk $O.5 > "$T/alert.walk"
check "the alert table: rule test(18), severity info(5)... state cleared(3)" \
	test "$(cell "$T/alert.walk" $O.5.1.3.$aid)/$(cell "$T/alert.walk" $O.5.1.4.$aid)/$(cell "$T/alert.walk" $O.5.1.5.$aid)" = "18/5/3"
check "... prefix ipv4(1) C0 00 02 00 /24, offending AS 64496, path \"64511 64496\"" \
	test "$(cell "$T/alert.walk" $O.5.1.6.$aid)/$(cell "$T/alert.walk" $O.5.1.7.$aid | tr -d '"' | xargs)/$(cell "$T/alert.walk" $O.5.1.8.$aid)/$(cell "$T/alert.walk" $O.5.1.9.$aid)/$(cell "$T/alert.walk" $O.5.1.14.$aid)" = '1/C0 00 02 00/24/64496/"64511 64496"'
check "... key names the rule and the victim" \
	grep -q "^$O.5.1.2.$aid \".*192.0.2.0/24" "$T/alert.walk"
# a walk of one column starts with a GETNEXT on the column's own OID
check "snmpwalk of the ixwatchAlertRule column alone: the alert's row, rule 18" \
	test "$(walk $O.5.1.3)" = "$O.5.1.3.$aid 18"
check "GETNEXT after the largest possible row id moves on to the next column" \
	eval 'snmpgetnext -v2c -c public -On -Oq -t 2 -r 1 "127.0.0.1:$SP" $O.5.1.3.4294967295 | grep -q "^$O.5.1.4.$aid "'
check "GETNEXT from a scalar group's OID gives its first scalar (ixwatchVersion.0)" \
	eval 'snmpgetnext -v2c -c public -On -Oq -t 2 -r 1 "127.0.0.1:$SP" $O.1 | grep -q "^$O.1.1.0 "'
check "counters: ixwatchAlertsRaised.0 = 1, ixwatchAlertsCleared.0 = 1" \
	test "$(get $O.2.6.0)/$(get $O.2.7.0)" = "1/1"
check "ixwatchAlertRaised (v2c trap): rule 18, prefix length 24, offender 64496" \
	wait_for 5 grep -q "community public|.*$M.0.1.*$O.5.1.3.$aid = INTEGER: 18.*$O.5.1.8.$aid = Gauge32: 24.*$O.5.1.9.$aid = Gauge32: 64496" "$T/traps.log"
check "ixwatchAlertCleared (v2c trap) with lifecycle cleared(3)" \
	wait_for 5 grep -q "community public|.*$M.0.2.*$O.5.1.5.$aid = INTEGER: 3" "$T/traps.log"
check "SNMPv3 authPriv informs from trapUser: source up, alert raised and cleared" \
	wait_for 5 sh -c "grep 'trapUser' '$T/traps.log' | grep -q '$M.0.3' &&
	    grep 'trapUser' '$T/traps.log' | grep -q '$M.0.1.*$O.5.1.3.$aid = INTEGER: 18' &&
	    grep 'trapUser' '$T/traps.log' | grep -q '$M.0.2.*$O.5.1.2.$aid = STRING'"
check "SNMPv3 authPriv traps from trapUser under our engine id: source up, alert raised and cleared" \
	wait_for 5 sh -c "grep 'TRAP2, SNMP v3, user trapUser' '$T/traps.log' | grep -q '$M.0.3' &&
	    grep 'TRAP2, SNMP v3, user trapUser' '$T/traps.log' | grep -q '$M.0.1.*$O.5.1.3.$aid = INTEGER: 18' &&
	    grep 'TRAP2, SNMP v3, user trapUser' '$T/traps.log' | grep -q '$M.0.2.*$O.5.1.2.$aid = STRING'"
check "the sink named localhost gets them too (community viaName)" \
	wait_for 5 sh -c "grep 'community viaName|' '$T/traps.log' | grep -q '$M.0.1.*$O.5.1.3.$aid = INTEGER: 18' &&
	    grep 'community viaName|' '$T/traps.log' | grep -q '$M.0.2'"
check "informs acknowledged: 12 sent, none dropped or pending (status and MIB agree)" \
	eval 'wait_for 5 snmp_status informs_pending 0 && snmp_status notifications_sent 12 &&
	    snmp_status notifications_dropped 0 && test "$(get $O.2.10.0)/$(get $O.2.11.0)" = 12/0'
ctl snmp test-source down > /dev/null
check "ixwatchSourceDown (v2c trap): state down(1) and the reason as last error" \
	wait_for 5 grep -q "community public|.*$M.0.4	.*$O.3.1.11.$sid = INTEGER: 1	$O.3.1.17.$sid = STRING: \"test: administratively down\"" "$T/traps.log"

# snmpd restart: the subagent reconnects and registers again
walk $M > "$T/before.walk"
kill "$snmpd_pid"; wait "$snmpd_pid" 2> /dev/null
check "snmpd restarted" start_snmpd
check "the subagent reconnects (agentx_connects = 2)" \
	wait_for 15 snmp_status agentx_connects 2
# the subagent counts the connection before its registrations reach the master:
# walk again until they did (or the wait ends and the last walk is compared)
same_walk() {
	walk $M > "$T/after.walk"
	grep -v -e "^$O.1.2.0 " -e "^$O.3.1.12." "$T/before.walk" > "$T/b"
	grep -v -e "^$O.1.2.0 " -e "^$O.3.1.12." "$T/after.walk" > "$T/a"
	test -s "$T/a" && cmp -s "$T/a" "$T/b"
}
check "after the restart the walk has the same rows (uptimes aside)" wait_for 10 same_walk
check "ixwatchd still runs" kill -0 "$dpid"

# a reload that changes the v3 trap sink's passphrase signs with the new key:
# snmptrapd, which knows the old one, logs none of its traps any more
python3 - "$T/ixwatch.yml" <<'EOP'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.rindex("auth-passphrase: trapUserAuthPass")	# the last v3 sink: the trap one
s = s[:i] + "auth-passphrase: otherAuthPass1" + s[i + len("auth-passphrase: trapUserAuthPass"):]
open(p, "w").write(s)
EOP
ctl reload > /dev/null
aid2=$(ctl --json test-alert | jget id)
wait_for 5 grep -q "community public|.*$M.0.2.*$O.5.1.2.$aid2 = STRING" "$T/traps.log"
sleep 1
check "a reload changing the v3 trap passphrase takes effect: no v3 trap of alert $aid2 under the old key" \
	eval '[ -n "$aid2" ] && grep -q "community public|.*$O.5.1.3.$aid2 = INTEGER: 18" "$T/traps.log" &&
	    ! grep "TRAP2, SNMP v3, user trapUser" "$T/traps.log" | grep -q "$O.5.1.3.$aid2 = INTEGER"'
[ "$_failed" -eq 0 ] || { diag "daemon log:"; sed 's/^/# /' "$T/daemon.log" | tail -30; sed 's/^/# /' "$T/traps.log" | tail -10; }
done_testing
