#!/bin/bash
# Remote syslog end to end with real rsyslogd receivers on 127.0.0.1: every alert
# transition from "ixwatchctl test-alert" arrives once, in order, with the RFC 5424
# structured data, over UDP (RFC 5426), TCP with octet counting (RFC 6587) and TLS
# (RFC 5425, a test CA made here with openssl); a TLS receiver whose certificate
# names another host is refused and counted; the TCP receiver is killed and
# restarted mid-scenario and nothing sent meanwhile is lost; the JSON-lines file
# gets one object per transition and is reopened on SIGHUP (logrotate). A TLS
# receiver that accepts and never answers the ClientHello is given up after the
# handshake deadline; a reload naming a missing ca-file for the working TLS remote
# is refused and that remote keeps its connection and its queued messages.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_syslog.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 32

syslog_need

read -r P_UDP P_TCP P_TLS P_BAD P_MUTE <<< "$(free_ports 5)"

# --- a test CA, the receiver's certificate and one for the wrong name ---------
test_ca && mk_cert good syslog.ixwatch.test && mk_cert wrong other.example.net
check "test CA and receiver certificates made with openssl" test -s "$T/wrong.pem"

# --- rsyslog receivers ---------------------------------------------------------
RAW='%inputname% %rawmsg%'	# the receivers' lines
rs_conf plain "$RAW" 'module(load="imudp")' 'module(load="imtcp")' \
	"input(type=\"imudp\" address=\"127.0.0.1\" port=\"$P_UDP\")" \
	"input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$P_TCP\")"
for n in good wrong; do
	p=$P_TLS; [ $n = wrong ] && p=$P_BAD
	rs_conf $n "$RAW" "global(defaultNetstreamDriverCAFile=\"$T/ca.pem\" defaultNetstreamDriverCertFile=\"$T/$n.pem\" defaultNetstreamDriverKeyFile=\"$T/$n.key\")" \
		'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")' \
		"input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$p\")"
done
rs_start plain; rs_start good; rs_start wrong
check "three rsyslogd receivers listen (udp $P_UDP, tcp $P_TCP, tls $P_TLS, wrong-name tls $P_BAD)" \
	wait_for 10 sh -c "$(declare -f listening); listening $P_TCP && listening $P_TLS && listening $P_BAD"

# --- a TLS receiver that accepts and then says nothing -------------------------
python3 - "$P_MUTE" <<'EOP' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])	# never read, never answer
EOP
track_pid $!
# listening before the daemon starts: a refused connect would count as a failure
wait_for 10 listening $P_MUTE

# --- ixwatchd -------------------------------------------------------------------
# conf CA-FILE: the daemon's configuration, CA-FILE for the working TLS remote
conf() { { ixw_yml_daemon; cat <<EOC; } > "$T/ixwatch.yml"
  state-dir: $T
alerts:
  json-file: $T/alerts.json
outputs:
  syslog:
    enabled: false
    remote:
      - transport: udp
        address: 127.0.0.1
        port: $P_UDP
      - transport: tcp
        address: localhost
        port: $P_TCP
      - transport: tls
        address: 127.0.0.1
        port: $P_TLS
        ca-file: $1
        server-name: syslog.ixwatch.test
      - transport: tls
        address: 127.0.0.1
        port: $P_BAD
        ca-file: $T/ca.pem
        server-name: syslog.ixwatch.test
      - transport: tls
        address: 127.0.0.1
        port: $P_MUTE
        ca-file: $T/ca.pem
        server-name: syslog.ixwatch.test
EOC
}
conf "$T/ca.pem"
start_ixwatchd
DPID=$IXWD
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"
check "TCP and TLS outputs connect" wait_for 10 sh -c "$(declare -f ctl remote); C='$C' T='$T';
	test \"\$(remote 1 state)\" = up && test \"\$(remote 2 state)\" = up"

# --- three test alerts: 6 transitions ------------------------------------------
ids=""
for i in 1 2 3; do
	id=$(test_alert)
	ids="$ids $id"
done
check "test-alert returns increasing ids ($ids)" sh -c "set -- $ids; test \$1 -lt \$2 -a \$2 -lt \$3"
# expected "id state" sequence
expect=$(for id in $ids; do echo "$id raised"; echo "$id cleared"; done)
# got FILE INPUT: the "id state" sequence of the ixwatch SD in lines from INPUT
got() { python3 - "$1" "$2" <<'EOP'
import re, sys
for line in open(sys.argv[1], errors="replace"):
    if not line.startswith(sys.argv[2] + " "):
        continue
    m = re.search(r'\[ixwatch@32473 ([^\]]*)\]', line)
    if not m:
        print("NO-SD " + line.strip()); continue
    sd = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
    print(sd.get("id"), sd.get("state"))
EOP
}
n_lines() { test "$(got "$1" "$2" | wc -l)" -ge "$3"; }
wait_for 10 n_lines "$T/plain.log" imtcp 6
wait_for 10 n_lines "$T/plain.log" imudp 6
wait_for 10 n_lines "$T/good.log" imtcp 6
check "UDP: 6 transitions, once each, in order" test "$(got "$T/plain.log" imudp)" = "$expect"
check "TCP: 6 transitions, once each, in order" test "$(got "$T/plain.log" imtcp)" = "$expect"
check "TLS: 6 transitions, once each, in order" test "$(got "$T/good.log" imtcp)" = "$expect"
first=$(grep -m1 '^imtcp ' "$T/good.log")
diag "$first"
check "structured data carries rule, prefix, origin, state, severity, key, id" sh -c "echo '$first' | grep -q 'rule=\"test\" prefix=\"192.0.2.0/24\" origin=\"AS64496\" state=\"raised\" severity=\"info\" key=\"rule=test '"
check "RFC 5424 header: version 1, app ixwatch, MSGID TEST, local4.info (PRI 166)" \
	sh -c "echo '$first' | grep -q '^imtcp <166>1 [0-9T:.-]*Z [^ ]* ixwatch - TEST \['"
check "readable message after the structured data" sh -c "echo '$first' | grep -q '\] raised info test 192.0.2.0/24 by AS64496'"

# --- the wrong-name TLS receiver ------------------------------------------------
check "TLS receiver with a certificate for another name is refused" \
	wait_for 10 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 3 verify_failures)\" -ge 1"
check "... nothing reached it" sh -c "! grep -q ixwatch '$T/wrong.log' 2>/dev/null"
check "... the error names the certificate check" sh -c "$(declare -f ctl remote); C='$C' T='$T'; remote 3 last_error | grep -qi 'certificate verification failed'"
check "... and it is not connected" sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 3 state)\" != up"

# --- rsyslog restart: nothing lost within the queue bound ----------------------
kill "$RS_plain"; wait "$RS_plain" 2>/dev/null
check "TCP output notices the receiver is gone" wait_for 10 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 1 state)\" != up"
ids2=""
for i in 1 2 3 4 5; do
	ids2="$ids2 $(ctl --json test-alert | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
done
check "10 transitions queued while the receiver is down" test "$(remote 1 queued)" -eq 10
rs_start plain
expect2=$(for id in $ids $ids2; do echo "$id raised"; echo "$id cleared"; done)
wait_for 20 n_lines "$T/plain.log" imtcp 16
check "after the restart all 16 arrived over TCP, once, in order" test "$(got "$T/plain.log" imtcp)" = "$expect2"
check "... none dropped, the queue is empty" sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 1 dropped)\" = 0 -a \"\$(remote 1 queued)\" = 0"

# --- JSON lines, reopened on SIGHUP ---------------------------------------------
check "JSON-lines file: 16 valid objects, raised/cleared in order" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ids = sys.argv[2].split()
want = [(int(i), s) for i in ids for s in ("raised", "cleared")]
sys.exit(0 if [(r["id"], r["state"]) for r in rows] == want else 1)' "$T/alerts.json" "$ids $ids2"
mv "$T/alerts.json" "$T/alerts.json.1"
kill -HUP $DPID
sleep 0.5
ctl test-alert > /dev/null
check "after logrotate + SIGHUP the next alert goes to a new file" sh -c "test \$(wc -l < '$T/alerts.json') -eq 2 -a \$(wc -l < '$T/alerts.json.1') -eq 16"
check "show alerts --all lists the 9 cleared test alerts" sh -c "test \$('$C' -s '$T/ixwatchd.sock' --json show alerts --all | python3 -c 'import json,sys; a=json.load(sys.stdin)[\"alerts\"]; print(sum(1 for x in a if x[\"rule\"]==\"test\" and x[\"state\"]==\"cleared\"))') -eq 9"

# --- a TLS receiver that never answers: the handshake deadline (10 s) -----------
check "silent TLS receiver: the handshake is given up (TLS handshake timed out)" \
	wait_t 20 sh -c "$(declare -f ctl remote); C='$C' T='$T'; remote 4 last_error | grep -q 'TLS handshake timed out'"
check "... counted as a failure, and it is retried" \
	wait_t 15 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 4 failures)\" -ge 2"
check "... never up" test "$(remote 4 connects)" = 0

# --- a reload with a missing ca-file keeps the working TLS remote ---------------
# config_error: the syslog output's reason for refusing its configuration
config_error() { ctl --json show status | python3 -c 'import json,sys
print(json.load(sys.stdin)["alerts"]["outputs"]["syslog"]["config_error"])'; }
connects=$(remote 2 connects)
kill "$RS_good"; wait "$RS_good" 2>/dev/null
wait_for 10 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 2 state)\" != up"
ids3=""
for i in 1 2; do ids3="$ids3 $(test_alert)"; done
check "TLS receiver down: 4 transitions queued" test "$(remote 2 queued)" -eq 4
conf "$T/missing-ca.pem"
ctl reload > "$T/reload.out" 2>&1
check "reload naming a missing ca-file: refused, the reason in syslog.config_error" \
	sh -c "echo '$(config_error)' | grep -q missing-ca.pem"
check "... and the reload says it was partly applied (reply, show status' last_reload)" \
	eval 'grep -q "reload partly applied" "$T/reload.out" &&
	    test "$(ctl --json show status | python3 -c "import json,sys
s = json.load(sys.stdin); print(s[\"last_reload\"][\"result\"], s[\"reload_failures\"])")" = "partial 1"'
check "... the TLS remote and its 4 queued messages are kept" test "$(remote 2 queued)" -eq 4
n_good=$(got "$T/good.log" imtcp | wc -l)
rs_start good
expect3=$(for id in $ids3; do echo "$id raised"; echo "$id cleared"; done)
wait_for 20 n_lines "$T/good.log" imtcp $((n_good + 4))
check "... and delivered, once, in order, when the receiver is back" \
	test "$(got "$T/good.log" imtcp | tail -n +$((n_good + 1)))" = "$expect3"
check "... by the same remote (connects $connects -> $((connects + 1))), queue empty" \
	wait_for 5 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 2 connects)\" -eq $((connects + 1)) -a \"\$(remote 2 queued)\" -eq 0"
conf "$T/ca.pem"
ctl reload > /dev/null
check "a reload with the ca-file back clears the error" test -z "$(config_error)"
done_testing
