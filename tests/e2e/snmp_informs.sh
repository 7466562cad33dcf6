#!/bin/bash
# SNMP informs to a sink that never answers (a UDP socket on loopback that reads
# and counts datagrams but never acknowledges): each inform is sent, retried once
# and dropped when it expires; the per-sink bound of 256 unacknowledged informs
# holds (what comes beyond it is dropped at once and never sent); every drop is
# counted in ixwatchNotificationsDropped (snmpget through a real snmpd AgentX
# master), in show status' counters and in the snmp module's status, which agree;
# informs still waiting when a reload rebuilds the sinks are counted as dropped.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
SNMPD=/usr/sbin/snmpd
plan 11

for tool in "$SNMPD" snmpget jq python3; do
	command -v "$tool" > /dev/null || {
		for i in $(seq 11); do skip "snmp informs" "$tool not installed"; done
		exit 0
	}
done

SP=$((20000 + ($$ * 13) % 20000))	# snmpd UDP
DP=$((SP + 1))				# the silent sink
CALLS=150				# test-alert: 2 notifications each
QMAX=256				# SNMP_INFORM_QUEUE in snmp/snmp.c
M=.1.3.6.1.4.1.32473.1
O=$M.1
export SNMP_PERSISTENT_DIR=$T/state MIBS=""
mkdir -p "$T/state"

cat > "$T/snmpd.conf" <<EOF
master agentx
agentXSocket unix:$T/agentx.sock
agentXTimeout 1
agentXRetries 1
rocommunity public 127.0.0.1
EOF
cat > "$T/ixwatch.yml" <<EOF
daemon:
  pidfile: $T/ixwatchd.pid
  control-socket:
    path: $T/ixwatchd.sock
outputs:
  snmp:
    enabled: true
    agentx-socket: $T/agentx.sock
    traps:
      - address: 127.0.0.1
        port: $DP
        version: 2c
        community: public
        inform: true
        retries: 1
        timeout: 10s
EOF
cat > "$T/silent.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
n = 0
open(sys.argv[2] + ".tmp", "w").write("0\n")
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
while True:
    s.recv(65536)
    n += 1
    open(sys.argv[2] + ".tmp", "w").write("%d\n" % n)
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
EOF

ctl() { "$C" -s "$T/ixwatchd.sock" "$@"; }
st() { ctl --json show status | jq -r "$1"; }
st_is() { [ "$(st "$1")" = "$2" ]; }
get() { snmpget -v2c -c public -On -Oqv -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }

"$SNMPD" -f -Lf "$T/snmpd.log" -C -c "$T/snmpd.conf" -p "$T/state/snmpd.pid" \
	"udp:127.0.0.1:$SP" &
track_pid $!
python3 "$T/silent.py" "$DP" "$T/received" &
track_pid $!
check "snmpd (AgentX master) and the silent sink run" \
	wait_for 10 test -S "$T/agentx.sock" -a -s "$T/received"
"$D" -d -f "$T/ixwatch.yml" 2> "$T/daemon.log" &
track_pid $!
check "ixwatchd starts and its subagent connects" \
	wait_for 10 st_is .snmp.agentx_connected true

t0=$(date +%s)
fails=0
for i in $(seq $CALLS); do
	ctl test-alert > /dev/null 2>&1 || fails=$((fails + 1))
done
t1=$(date +%s)
N=$((2 * CALLS - 2 * fails))
over=$((N - QMAX))
diag "$CALLS test alerts ($fails refused) in $((t1 - t0)) s: $N informs"
st '"\(.snmp.informs_pending) \(.snmp.notifications_dropped) \(.snmp.notifications_sent)"' > "$T/early"
read -r pend drop sent < "$T/early"
# the first informs expire 20 s (timeout 10 s, one retry) after they were sent
if [ $((t1 - t0)) -lt 15 ]; then
	check "the queue bound holds: $QMAX informs pending, $over dropped at once, none sent (got $pend $drop $sent)" \
		test "$pend $drop $sent" = "$QMAX $over 0"
else
	not_ok "the alerts took $((t1 - t0)) s: too slow to see the queue full before expiry"
fi
check "every inform is retried then expires unacknowledged: none pending, $N dropped" \
	wait_for 40 st_is '"\(.snmp.informs_pending)/\(.snmp.notifications_dropped)"' "0/$N"
check "the sink got each queued inform twice (sent + 1 retry), nothing beyond the bound" \
	test "$(cat "$T/received")" = "$((2 * QMAX))"
check "ixwatchNotificationsDropped.0 = $N, ixwatchNotificationsSent.0 = 0" \
	test "$(get $O.2.11.0)/$(get $O.2.10.0)" = "$N/0"
check "show status counters say the same (notifications sent 0, dropped $N)" \
	st_is '"\(.counters.notifications_sent)/\(.counters.notifications_dropped)"' "0/$N"
check "ixwatchAlertsRaised.0 = ixwatchAlertsCleared.0 = show status = $((CALLS - fails))" \
	test "$(get $O.2.6.0)/$(get $O.2.7.0)/$(st .counters.alerts_raised)/$(st .counters.alerts_cleared)" = \
	    "$((CALLS - fails))/$((CALLS - fails))/$((CALLS - fails))/$((CALLS - fails))"
check "the silent sink is logged once for the overflow and once for the expiries" \
	eval '[ "$(grep -c "informs unacknowledged, dropping new ones" "$T/daemon.log")" = 1 ] &&
	    [ "$(grep -c "expired unacknowledged" "$T/daemon.log")" = 1 ]'
# a reload rebuilds the sink sessions: informs still waiting are lost and counted
for i in 1 2 3 4 5; do ctl test-alert > /dev/null; done
check "10 new informs wait for the silent sink" st_is .snmp.informs_pending 10
ctl reload > /dev/null
check "after a reload they count as dropped: none pending, $((N + 10)) dropped, MIB agrees" \
	eval 'st_is "\"\(.snmp.informs_pending)/\(.snmp.notifications_dropped)\"" "0/$((N + 10))" &&
	    test "$(get $O.2.11.0)" = $((N + 10))'
[ "$_failed" -eq 0 ] || { diag "daemon log:"; tail -20 "$T/daemon.log" | sed 's/^/# /'; }
done_testing
