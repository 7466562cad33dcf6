#!/bin/bash
# TCP-MD5 (RFC 2385) on the agent's BGP sessions against BIRD 2, on loopback:
# the same password on both ends establishes; a wrong password and no password at
# all on the peer's side never get through (Linux drops the segments: TCPMD5Failure /
# TCPMD5NotFound in /proc/net/netstat grow); ixwatchd dialing BIRD with a wrong
# password gets no answer and records it. A reload takes the listener's keys
# along: a neighbor whose password went is heard unsigned, one added with a
# password is heard signed. If this kernel refuses TCP_MD5SIG, the
# probe says so (setsockopt error) and the test checks that ixwatchd refuses the
# neighbor with that error instead of running an unsigned session.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
N=10
plan $N

if ! command -v bird >/dev/null || ! command -v jq >/dev/null; then
	for i in $(seq $N); do skip "bgp md5 e2e" "bird2 or jq not installed"; done
	exit 0
fi

AG=127.0.46.12
PA=$((20000 + $$ % 10000))	# the agent's listener
PB=$((PA + 1))			# BIRD's listeners (one per local address)
PW=s3cret-ok

# Does this kernel take a TCP_MD5SIG key? (struct tcp_md5sig, linux/tcp.h)
probe=$(python3 - <<'EOF'
import socket, struct
s = socket.socket()
sa = struct.pack("=HH4s", socket.AF_INET, 0, socket.inet_aton("127.0.46.5")) + b"\0" * 120
md = sa + struct.pack("=BBHI", 0, 0, 4, 0) + b"test" + b"\0" * 76
try:
    s.setsockopt(socket.IPPROTO_TCP, 14, md)
    print("ok")
except OSError as e:
    print("refused: setsockopt TCP_MD5SIG: %s" % e.strerror)
EOF
)
diag "TCP_MD5SIG probe: $probe"

{ ixw_yml_daemon; bgp_yml_listen 65012 $AG $PA; cat <<EOF; } > "$T/ixwatch.yml"
    neighbors:
      - name: good
        address: 127.0.46.5
        remote-as: 65005
        passive: true
        password: "$PW"
      - name: wrong
        address: 127.0.46.6
        remote-as: 65006
        passive: true
        password: "$PW"
      - name: unsigned
        address: 127.0.46.7
        remote-as: 65007
        passive: true
        password: "$PW"
      - name: dialer
        address: 127.0.46.8
        remote-as: 65008
        port: $PB
        local-address: $AG
        password: "not-$PW"
EOF
cat > "$T/bird.conf" <<EOF
log "$T/bird.log" all;
router id 127.0.46.5;
protocol device { scan time 60; }
protocol static lo4 { ipv4; route 0.0.0.0/0 via "lo"; }
template bgp agent {
  strict bind on;
  multihop 2;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 10;
  ipv4 { import none; export none; };
}
protocol bgp good from agent {
  local 127.0.46.5 port $PB as 65005;
  neighbor $AG port $PA as 65012;
  password "$PW";
}
protocol bgp wrong from agent {
  local 127.0.46.6 port $PB as 65006;
  neighbor $AG port $PA as 65012;
  password "not-$PW";
}
protocol bgp dialer from agent {
  local 127.0.46.8 port $PB as 65008;
  neighbor $AG as 65012;
  passive on;
  password "$PW";
}
EOF

nb() { bgp_nb "$@"; }
netstat_ctr() { awk -v k="$1" '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 }
	else for (i = 1; i <= NF; i++) if (n[i] == k) print $i }' /proc/net/netstat; }
grew() { [ "$(netstat_ctr "$1")" -gt "$2" ]; }

fail0=$(netstat_ctr TCPMD5Failure)
nf0=$(netstat_ctr TCPMD5NotFound)
start_ixwatchd
check "ixwatchd starts with passwords on its neighbors" wait_t 10 test -S "$T/ixwatchd.sock"
bird_start

if [ "$probe" != ok ]; then
	# the kernel refuses TCP-MD5: ixwatchd must say so and never go unsigned
	diag "TCP-MD5 not available here ($probe)"
	check "ixwatchd reports the refused TCP_MD5SIG for the neighbor" \
		wait_t 15 eval '[[ "$(nb good last_error)" == *TCP_MD5SIG* ]]'
	check "... and the session is not established unsigned" \
		test "$(nb good state)" != Established
	for i in $(seq $((N - 3))); do skip "TCP-MD5 session" "$probe"; done
	done_testing
fi

check "same password on both ends: Established" \
	wait_t 20 eval '[ "$(nb good state)" = Established ]'
check "wrong password: the kernel drops the segments (TCPMD5Failure grows)" \
	wait_t 10 grew TCPMD5Failure "$fail0"
# dial FROM [KEY]: a TCP connect to the agent's listener from FROM, signed with
# KEY when given; prints "connected" or "no answer: ..."
dial() {
	python3 - "$AG" "$PA" "$@" <<'EOF2'
import socket, struct, sys
c = socket.socket()
c.bind((sys.argv[3], 0))
if len(sys.argv) > 4:
    key = sys.argv[4].encode()
    sa = struct.pack("=HH4s", socket.AF_INET, 0, socket.inet_aton(sys.argv[1])) + b"\0" * 120
    c.setsockopt(socket.IPPROTO_TCP, 14, sa + struct.pack("=BBHI", 0, 0, len(key), 0) +
                 key + b"\0" * (80 - len(key)))
c.settimeout(3)
try:
    c.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except OSError as e:
    print("no answer: %s" % e)
EOF2
}
# a peer with no password at all (a plain TCP connect from the neighbor's address)
unsigned=$(dial 127.0.46.7)
diag "unsigned connect: $unsigned"
check "no password on the peer's side: no answer, dropped as unsigned (TCPMD5NotFound grows)" \
	eval '[[ "$unsigned" == "no answer"* ]] && grew TCPMD5NotFound "$nf0"'
sleep 3
check "... neither session comes up in ixwatchd" \
	test "$(nb wrong state)" != Established -a "$(nb unsigned state)" != Established
check "... nor in BIRD" eval '! birdc_ show protocols wrong |
	grep -q Established'
check "ixwatchd dialing with a wrong password gets no answer and records why" \
	wait_t 20 eval '[[ "$(nb dialer last_error)" == *"TCP-MD5 password mismatch"* ]]'
diag "TCPMD5Failure $fail0 -> $(netstat_ctr TCPMD5Failure), TCPMD5NotFound $nf0 -> $(netstat_ctr TCPMD5NotFound)"
check "the good session is still Established" test "$(nb good state)" = Established
# reload: "unsigned" loses its password, "late" comes with one
sed -i -e '/name: unsigned/,/password/{/password/d}' "$T/ixwatch.yml"
cat >> "$T/ixwatch.yml" <<EOF
      - name: late
        address: 127.0.46.9
        remote-as: 65009
        passive: true
        password: "$PW"
EOF
timeout 20 "$C" -s "$T/ixwatchd.sock" reload > /dev/null 2>&1
wait_t 10 eval '[ -n "$(nb late state)" ]'
u2=$(dial 127.0.46.7)
s2=$(dial 127.0.46.9 "$PW")
diag "after the reload: unsigned connect $u2, signed connect $s2"
check "after a reload dropping its password, the neighbor is heard unsigned" \
	test "$u2" = connected
check "after a reload adding a neighbor with a password, its signed SYN is heard" \
	test "$s2" = connected
done_testing
