#!/bin/bash
# Alert delivery end to end, the parts syslog_remote.sh does not cover: local syslog
# (RFC 3164 to the log socket, rsyslog imuxsock on a private socket) with the
# configured facility, ident and a BGPalerter-style template; TLS with a client
# certificate to an rsyslog that requires one; the bounded queue overflowing while a
# TCP receiver is absent (drops counted, the newest kept and delivered in order once
# it appears); the alert id counter persisted in the state file across a restart.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_syslog.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 14

syslog_need

read -r P_MTLS P_LATE <<< "$(free_ports 2)"

test_ca && mk_cert server syslog.ixwatch.test &&
	mk_cert client ixwatchd.ixwatch.test
check "test CA, server and client certificates" test -s "$T/client.pem"

rs_conf local '%syslogfacility-text%.%syslogseverity-text% %programname% %msg%' \
	'module(load="imuxsock" SysSock.Use="off")' "input(type=\"imuxsock\" Socket=\"$T/log.sock\")"
rs_conf mtls '%rawmsg%' \
	"global(defaultNetstreamDriverCAFile=\"$T/ca.pem\" defaultNetstreamDriverCertFile=\"$T/server.pem\" defaultNetstreamDriverKeyFile=\"$T/server.key\")" \
	'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")' \
	"input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$P_MTLS\")"
rs_conf late '%rawmsg%' 'module(load="imtcp")' "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"$P_LATE\")"
rs_start local; rs_start mtls
check "rsyslog receivers up (log socket, mutual TLS on $P_MTLS)" \
	wait_for 10 sh -c "$(declare -f listening); test -S '$T/log.sock' && listening $P_MTLS"

{ ixw_yml_daemon; cat <<EOC; } > "$T/ixwatch.yml"
  state-dir: $T
outputs:
  syslog:
    enabled: true
    facility: local5
    ident: ixw-test
    template: "\${type}|\${prefix}|\${neworigin}|\${state}|\${description}"
    remote:
      - transport: tls
        address: 127.0.0.1
        port: $P_MTLS
        ca-file: $T/ca.pem
        cert-file: $T/client.pem
        key-file: $T/client.key
        server-name: syslog.ixwatch.test
        template: "id=\${id} \${state}"
      - transport: tcp
        address: 127.0.0.1
        port: $P_LATE
        queue-size: 4
EOC
start_daemon() {
	IXWATCH_LOG_SOCKET=$T/log.sock "$D" -d -f "$T/ixwatch.yml" 2>> "$T/daemon.log" &
	DPID=$!
	track_pid $DPID
	wait_for 10 test -S "$T/ixwatchd.sock"
}
start_daemon
check "ixwatchd starts" test -S "$T/ixwatchd.sock"
check "TLS with a client certificate connects" wait_for 10 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 0 state)\" = up"

ids=""
for i in 1 2 3 4 5; do ids="$ids $(test_alert)"; done
set -- $ids
nlines() { test "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3"; }
wait_for 10 nlines "$T/local.log" ixw-test 10
check "local syslog: 10 lines with facility local5, ident ixw-test, info and notice" \
	sh -c "test \$(grep -c '^local5.info ixw-test ' '$T/local.log') -eq 5 -a \$(grep -c '^local5.notice ixw-test ' '$T/local.log') -eq 5"
check "local syslog: the template is rendered" \
	grep -q "^local5.info ixw-test  *test|192.0.2.0/24|AS64496|raised|ixwatch test alert$" "$T/local.log"
wait_for 10 nlines "$T/mtls.log" ixwatch 10
want=$(for id in $ids; do echo "id=$id raised"; echo "id=$id cleared"; done)
check "mutual TLS: 10 transitions in order, with the remote's own template" \
	test "$(sed -n 's/.*\] //p' "$T/mtls.log")" = "$want"

check "queue-size 4 with no receiver: 4 kept" test "$(remote 1 queued)" -eq 4
check "... 6 drops counted" test "$(remote 1 dropped)" -eq 6
rs_start late
wait_for 20 nlines "$T/late.log" ixwatch 4
check "the receiver appears: the 4 newest arrive in order" \
	test "$(grep -o 'id="[0-9]*"' "$T/late.log" | tr '\n' ' ')" = \
	"$(for id in $4 $4 $5 $5; do printf 'id="%s" ' $id; done)"
check "... and the queue is empty" wait_for 5 sh -c "$(declare -f ctl remote); C='$C' T='$T'; test \"\$(remote 1 queued)\" -eq 0"

kill $DPID; wait $DPID 2>/dev/null
check "state file written at shutdown" test -s "$T/alerts.state"
start_daemon
next=$(test_alert)
check "after a restart the next id ($next) continues after $5" test "$next" -gt "$5"
kill $DPID; wait $DPID 2>/dev/null
check "no warnings but the expected ones in the daemon log" \
	sh -c "! grep 'warning' '$T/daemon.log' | grep -v '127.0.0.1:$P_LATE'"
done_testing
