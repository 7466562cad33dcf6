#!/bin/bash
# BGP messages exabgp will not send, from a bare speaker (bgp_speaker.py) on
# loopback: a peer that did not offer extended messages still gets its UPDATE of
# over 4,096 bytes taken (RFC 8654 §3: we offered them, so we must take them;
# the peer's offer only limits what we send), and a header with a length below
# 19 is answered with NOTIFICATION 1/2 (Bad Message Length) carrying the length
# (RFC 4271 §6.1), the session closed, the reason recorded.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
SPK=$top_srcdir/tests/e2e/bgp_speaker.py
N=7
plan $N

if ! command -v jq >/dev/null || ! command -v python3 >/dev/null; then
	for i in $(seq $N); do skip "bgp raw e2e" "jq or python3 not installed"; done
	exit 0
fi

n=$(( ($$ % 200) + 20 ))
AG=127.0.$n.61		# the agent
BIG=127.0.$n.62		# the speaker of the big UPDATE
BAD=127.0.$n.63		# the speaker of the bad header
read -r PA <<< "$(free_ports 1)"

{ ixw_yml_daemon; bgp_yml_listen 65060 $AG $PA; cat <<EOF2; } > "$T/ixwatch.yml"
    neighbors:
      - name: big
        address: $BIG
        remote-as: 4200000062
        passive: true
      - name: bad
        address: $BAD
        remote-as: 65063
        passive: true
EOF2

nbf() { # nbf NAME KEY
	ctl --json show neighbors "$1" 2>/dev/null | jq -r ".neighbors[0].$2"
}
nbf_is() { [ "$(nbf "$1" "$2")" = "$3" ]; }
hops_are() { # hops_are N: 10.77.0.0/24's AS path has N hops
	[ "$(ctl --json show routes 10.77.0.0/24 exact 2>/dev/null |
	    jq '[.. | objects | select(has("as_path")) | .as_path | if type == "string" then (split(" ") | length) else length end] | max')" = "$1" ]
}

start_ixwatchd
check "ixwatchd starts with a BGP listener" wait_for 10 test -S "$T/ixwatchd.sock"

python3 "$SPK" $BIG $AG $PA 4200000062 big 1200 30 > "$T/big.out" 2>&1 &
track_pid $!
check "the speaker without extended messages sends its UPDATE" \
	wait_for 10 grep -q "^sent [0-9]" "$T/big.out"
big_sent=$(sed -n 's/^sent \([0-9]*\) bytes/\1/p' "$T/big.out")
check "... which is over 4,096 bytes ($big_sent)" test "${big_sent:-0}" -gt 4096
check "ixwatchd takes it: the route is installed with its 1,200 hops" \
	wait_for 10 hops_are 1200
check "... and the session stays Established, extended messages not negotiated" \
	eval 'nbf_is big state Established && nbf_is big capabilities.extended_message false'

python3 "$SPK" $BAD $AG $PA 65063 badlen > "$T/bad.out" 2>&1
check "a header length of 18 gets NOTIFICATION 1/2 with the length (0012)" \
	grep -qx "notification 1 2 0012" "$T/bad.out"
check "... the session is down with the reason recorded" \
	eval 'wait_for 5 eval "! nbf_is bad state Established" && nbf bad last_error | grep -qi length'
[ "$_failed" -eq 0 ] || { diag "big: $(cat "$T/big.out")"; diag "bad: $(cat "$T/bad.out")";
	ctl --json show neighbors | head -c 2000 | sed 's/^/# /'; }
done_testing
