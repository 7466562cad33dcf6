#!/bin/bash
# The agent's BGP sessions against exabgp 4.2 (a scripted speaker) on loopback:
# exabgp dials ixwatchd's listener; the session comes up with ADD-PATH receive,
# 4-octet AS and extended messages; announced routes (ADD-PATH ids, IPv6, AS_SET,
# 4-octet ASNs, a 1,500-hop path in an extended message) reach the RIB; withdrawals
# remove them; RFC 7606 attribute discard and treat-as-withdraw keep the session up;
# an unconfigured peer gets Cease/Connection Rejected; the agent's routes go when the
# peer goes; a reload removing the neighbor drops it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 20

if ! command -v exabgp >/dev/null || ! command -v jq >/dev/null; then
	for i in $(seq 19); do skip "bgp e2e" "exabgp or jq not installed"; done
	exit 0
fi

AG=127.0.41.1		# the agent
EX=127.0.41.4		# exabgp
PORT=$((20000 + $$ % 10000))

write_conf() { # write_conf FILE [with-neighbor]
	{
		ixw_yml_daemon
		bgp_yml_listen 65011 $AG $PORT
		if [ "${2:-1}" = 1 ]; then
			echo "    neighbors:"
			echo "      - name: exa"
			echo "        address: $EX"
			echo "        remote-as: 65004"
			echo "        passive: true"
			echo "        hold-time: 30s"
			echo "        add-path-receive: true"
		fi
	} > "$1"
}

nb() { # nb KEY: a field of the first neighbor in show neighbors --json ("none": none)
	ctl --json show neighbors 2>/dev/null |
	    jq -r "if .neighbors[0] == null then \"none\" else .neighbors[0].$1 end"
}
nb_is() { [ "$(nb "$1")" = "$2" ]; }
send() { exa_send "$T/exa" "$@"; }
hold_ok() { [ "$(nb hold_time)" = 30 ] && [ "$(nb keepalive)" = 10 ]; }
counts_are() { [ "$(nb routes)" = "$1" ] && [ "$(nb "$2")" -gt 0 ]; }
not_established() { ! nb_is state Established; }
has_error() { [ -n "$(nb last_error)" ]; }

write_conf "$T/ixwatch.yml"
start_ixwatchd
check "ixwatchd starts with a BGP listener" wait_for 10 test -S "$T/ixwatchd.sock"

exa_setup "$T/exa" $AG $EX $PORT 65004 65011 "ipv4 unicast; ipv6 unicast;" 0.5 \
    "capability { route-refresh; add-path send/receive; }"
cat > "$T/exa/initial.cmds" <<EOF
announce route 10.4.0.0/24 next-hop 192.0.2.44 as-path [ 65004 64501 ] origin igp community [ 65004:100 ]
announce route 10.4.1.0/24 next-hop 192.0.2.44 as-path [ 65004 64502 64503 ] origin egp med 50
announce route 2001:db8:104::/48 next-hop 2001:db8::44 as-path [ 65004 ] origin igp large-community [ 65004:1:1 ]
announce route 10.4.2.0/24 path-information 1 next-hop 192.0.2.45 as-path [ 65004 64510 ]
announce route 10.4.2.0/24 path-information 2 next-hop 192.0.2.46 as-path [ 65004 64520 64521 ]
announce route 10.4.5.0/24 next-hop 192.0.2.45 as-path [ 65004 4200000001 ]
announce route 10.4.6.0/24 next-hop 192.0.2.45 as-path [ 65004 ( 64512 64513 ) ]
EOF
exa_start "$T/exa"
EXA=$EXA_PID

check "the session with exabgp is Established" wait_for 20 nb_is state Established
check "all 7 announced routes are in the RIB (ADD-PATH, IPv6, AS_SET, AS4)" \
	wait_for 10 nb_is routes 7
check "ADD-PATH receive negotiated for IPv4" nb_is capabilities.add_path_rx_ipv4 true
as4_ext() { nb_is capabilities.as4 true && nb_is capabilities.extended_message true; }
check "4-octet AS and extended messages negotiated" as4_ext
check "hold time negotiated to 30 s, keepalive 10 s" hold_ok
# passive: exabgp dialled in, so the connection's local end is our listener's port
# and the remote end exabgp's own (not the configured default 179)
ports_ok() {
	[ "$(nb local_port)" = "$PORT" ] && [ "$(nb outgoing)" = false ] &&
	    [ "$(nb remote_port)" -gt 0 ] && [ "$(nb remote_port)" != 179 ]
}
check "show neighbors: the connection's ports, incoming on the listener" ports_ok
check "the source reached UP (End-of-RIB seen for both families)" wait_for 5 nb_is source_state up

send "withdraw route 10.4.1.0/24"
check "a withdrawal removes the route" wait_for 5 nb_is routes 6
send "withdraw route 10.4.2.0/24 path-information 1"
check "withdrawing one ADD-PATH path keeps the other" wait_for 5 nb_is routes 5

path=$(python3 -c 'print(" ".join(["65004"] + [str(4200000000 + i) for i in range(1, 1500)]))')
send "announce route 10.4.10.0/24 next-hop 192.0.2.45 as-path [ $path ]"
check "a 1,500-hop AS path in an extended message (> 4 KB) is installed" \
	wait_for 10 nb_is routes 6
check "... and the session stays up" nb_is state Established

# RFC 7606 §7.6: ATOMIC_AGGREGATE with a non-zero length -> attribute discard
send "announce route 10.4.20.0/24 next-hop 192.0.2.45 as-path [ 65004 ] attribute [ 0x06 0x40 0x01 ]"
check "RFC 7606 attribute discard: the route is installed, counted" \
	wait_for 10 counts_are 7 attr_discards
# RFC 7606 §7.8: COMMUNITIES length not a multiple of 4 -> treat-as-withdraw
send "announce route 10.4.0.0/24 next-hop 192.0.2.44 as-path [ 65004 64501 ] attribute [ 0x08 0xc0 0x010203 ]"
check "RFC 7606 treat-as-withdraw: the earlier route for the prefix is withdrawn" \
	wait_for 10 counts_are 6 treat_as_withdraw
check "... and the session stays up" nb_is state Established

# an address that is not a configured neighbor: NOTIFICATION Cease/5, closed
python3 - "$AG" "$PORT" > "$T/reject.out" 2>&1 <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.41.9", 0))
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
d = b""
while len(d) < 21:
    c = s.recv(100)
    if not c: break
    d += c
print(d[18], d[19], d[20])
EOF
check "an unconfigured peer gets NOTIFICATION Cease/Connection Rejected" \
	grep -qx "3 6 5" "$T/reject.out"

kill "$EXA"
check "exabgp gone: the session goes down" wait_for 10 not_established
check "... and its routes are withdrawn" wait_for 10 nb_is routes 0
check "... with the reason recorded" has_error

write_conf "$T/ixwatch.yml" 0
ctl reload > /dev/null 2>&1
check "a reload without the neighbor removes it" wait_for 5 nb_is name none
done_testing
