#!/bin/bash
# SNMP informs to a sink that never answers (a UDP socket on loopback that reads
# and counts datagrams but never acknowledges). Short timeout: each inform is sent,
# retried once and dropped when it expires. Long timeout (after a reload): the
# per-sink bound of 256 unacknowledged informs holds (what comes beyond it is
# dropped at once and never sent), and the informs still waiting when a reload
# rebuilds the sinks are dropped too. Every drop is counted in
# ixwatchNotificationsDropped (snmpget through a real snmpd AgentX master), in show
# status' counters and in the snmp module's status, which agree.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_snmp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 15

for tool in "$SNMPD" snmpget jq python3; do
	command -v "$tool" > /dev/null || {
		for i in $(seq 11); do skip "snmp informs" "$tool not installed"; done
		exit 0
	}
done

SP=$(free_ports 1)			# snmpd UDP
DP=					# the silent sink's port: the kernel picks it
FEW=5					# test-alert: 2 notifications each
CALLS=150
QMAX=256				# SNMP_INFORM_QUEUE in snmp/snmp.c
snmp_state
snmpd_conf 5
write_conf() { # write_conf TIMEOUT RETRIES
	{ ixw_yml_daemon; snmp_yml_agentx; cat <<-EOF; } > "$T/ixwatch.yml"
	      - address: 127.0.0.1
	        port: $DP
	        version: 2c
	        community: public
	        inform: true
	        retries: $2
	        timeout: $1
	EOF
}
cat > "$T/silent.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))	# a fixed port could be another test's
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
n = 0
def count():
    open(sys.argv[2] + ".tmp", "w").write("%d\n" % n)
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
count()
while True:
    s.recv(65536)
    n += 1
    count()
EOF

st() { ctl --json show status | jq -r "$1"; }
st_is() { [ "$(st "$1")" = "$2" ]; }
get() { snmpget -v2c -c public -On -Oqv -t 2 -r 1 "127.0.0.1:$SP" "$1" 2>&1; }
alerts() { # alerts N: N test alerts (2 notifications each); sets fails
	local i
	fails=0
	for i in $(seq "$1"); do
		ctl test-alert > /dev/null 2>> "$T/ctl.err" || fails=$((fails + 1))
	done
	[ "$fails" -eq 0 ] || diag "refused: $(sort "$T/ctl.err" | uniq -c | head -3)"
}
counts_are() { # counts_are PENDING DROPPED SENT: module status, show status, MIB
	st_is '"\(.snmp.informs_pending)/\(.snmp.notifications_dropped)/\(.snmp.notifications_sent)"' "$1/$2/$3" &&
	    st_is '"\(.counters.notifications_dropped)/\(.counters.notifications_sent)"' "$2/$3" &&
	    [ "$(get $O.2.11.0)/$(get $O.2.10.0)" = "$2/$3" ]
}
received() { cat "$T/received"; }
show_counts() {
	diag "now: module $(st '"\(.snmp.informs_pending)/\(.snmp.notifications_dropped)/\(.snmp.notifications_sent)"'), show status $(st '"\(.counters.notifications_dropped)/\(.counters.notifications_sent)"'), MIB $(get $O.2.11.0)/$(get $O.2.10.0)"
}

snmpd_start
python3 "$T/silent.py" "$T/sink.port" "$T/received" &
track_pid $!
check "snmpd (AgentX master) and the silent sink run" \
	wait_for 10 test -S "$T/agentx.sock" -a -s "$T/received"
DP=$(cat "$T/sink.port" 2>/dev/null)
write_conf 1s 1
start_ixwatchd
check "ixwatchd starts and its subagent connects" \
	wait_for 20 st_is .snmp.agentx_connected true

# 1. timeout 1 s, one retry: sent, retried, expired
alerts $FEW
n1=$((2 * (FEW - fails)))
check "$n1 informs expire unacknowledged: none pending, $n1 dropped, none sent (module, show status, MIB)" \
	eval 'wait_for 60 counts_are 0 $n1 0 || { show_counts; false; }'
check "the sink got each of them twice (sent + 1 retry): $((2 * n1)) datagrams" \
	test "$(received)" = "$((2 * n1))"
check "the silent sink is logged once for the expiries, not once per inform" \
	test "$(grep -c "expired unacknowledged" "$T/daemon.log")" = 1

# 2. timeout 60 s, no retry: the queue bound
write_conf 60s 0
ctl reload > /dev/null
base=$(received)
t0=$(date +%s)
alerts $CALLS
t1=$(date +%s)
n2=$((2 * (CALLS - fails)))
over=$((n2 - QMAX))
diag "$CALLS test alerts ($fails refused) in $((t1 - t0)) s: $n2 informs"
show_counts
if [ $((t1 - t0)) -lt 55 ]; then
	check "the bound holds: $QMAX informs pending, the $over beyond dropped at once" \
		eval 'wait_for 20 counts_are $QMAX $((n1 + over)) 0 || { show_counts; false; }'
else
	not_ok "the alerts took $((t1 - t0)) s, more than the 60 s timeout"
fi
check "only the $QMAX queued informs reached the sink" \
	wait_for 20 eval 'test $(( $(received) - base )) = $QMAX'
check "the overflow is logged once" \
	test "$(grep -c "informs unacknowledged, dropping new ones" "$T/daemon.log")" = 1
a=$((FEW + CALLS - fails))
check "ixwatchAlertsRaised.0 = ixwatchAlertsCleared.0 = show status = $a" \
	test "$(get $O.2.6.0)/$(get $O.2.7.0)/$(st .counters.alerts_raised)/$(st .counters.alerts_cleared)" = "$a/$a/$a/$a"

# 3. a reload that leaves the sinks as they are keeps them and what waits; one
# that changes a sink rebuilds them: the informs waiting are dropped and counted
ctl reload > /dev/null
check "a reload with the sinks unchanged keeps the $QMAX informs waiting" \
	eval 'sleep 1; counts_are $QMAX $((n1 + over)) 0 || { show_counts; false; }'
write_conf 59s 0
ctl reload > /dev/null
check "after a reload that changes the sink the $QMAX waiting informs count as dropped: $((n1 + n2)) in all" \
	eval 'wait_for 20 counts_are 0 $((n1 + n2)) 0 || { show_counts; false; }'
check "ixwatchd still runs" eval 'kill -0 $(cat "$T/ixwatchd.pid")'

# 4. an SNMPv3 inform sink that never answers: its engine id discovery would
# hold the loop for timeout x (retries + 1) per notification (here 5 s x 3); it
# gets one short try, then the sink rests and the notifications are dropped
{ ixw_yml_daemon; snmp_yml_agentx; cat <<-EOF; } > "$T/ixwatch.yml"
      - address: 127.0.0.1
        port: $DP
        version: 3
        user: trapUser
        auth: sha
        auth-passphrase: trapUserAuthPass
        inform: true
        retries: 2
        timeout: 5s
	EOF
ctl reload > /dev/null
d0=$(st .snmp.notifications_dropped)
t0=$(date +%s%N)
alerts $FEW
t1=$(date +%s%N)
diag "$FEW test alerts to a silent v3 inform sink took $(( (t1 - t0) / 1000000 )) ms"
check "$FEW alerts to a silent v3 inform sink: the loop answers on (under 5 s; 150 s held before)" \
	test $(( (t1 - t0) / 1000000 )) -lt 5000
check "... their $((2 * FEW)) informs dropped and counted once each, none pending" \
	eval 'wait_for 10 eval "test \$(st .snmp.notifications_dropped) = $((d0 + 2 * FEW)) && st_is .snmp.informs_pending 0" || { show_counts; false; }'
check "... the failed discovery logged once, not once per inform" \
	test "$(grep -c "no answer to the engine id discovery" "$T/daemon.log")" = 1
[ "$_failed" -eq 0 ] || { diag "daemon log:"; tail -20 "$T/daemon.log" | sed 's/^/# /'; }
done_testing
