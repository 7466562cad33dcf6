#!/bin/bash
# The agent's BGP session against OpenBGPD 7 as a border router, on loopback:
# ixwatchd dials OpenBGPD (an active neighbor with an explicit port); OpenBGPD has
# its own networks and an upstream (exabgp) and sends every path (ADD-PATH send all).
# After every step ixwatchd's RIB must agree with `bgpctl -j show rib out neighbor
# agent detail` (prefixes, AS paths, next hops, origin, MED, communities, large
# communities and the very ADD-PATH ids OpenBGPD sent): session up; `bgpctl network
# add/delete` and upstream changes; Cease by `bgpctl neighbor agent clear` (6/4,
# counted) and by stopping bgpd (6/2 "bgpd shutting down"), routes withdrawn and
# re-synced after ixwatchd reconnects. Graceful restart: OpenBGPD 7.7 advertises the
# capability without any address family (it is only a receiving speaker, it cannot
# restart gracefully), so a crashed session engine (no NOTIFICATION) must NOT leave
# stale routes behind (RFC 4724 §4.2): they are withdrawn at once. The restarting
# speaker side is tested with BIRD (bgp_bird.sh).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
N=23
plan $N

if ! command -v bgpd >/dev/null || ! command -v bgpctl >/dev/null ||
    ! command -v exabgp >/dev/null || ! command -v jq >/dev/null; then
	for i in $(seq $N); do skip "bgp openbgpd e2e" "openbgpd, exabgp or jq not installed"; done
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	# OpenBGPD refuses to run unprivileged ("need root privileges")
	for i in $(seq $N); do skip "bgp openbgpd e2e" "OpenBGPD needs root"; done
	exit 0
fi

AG=127.0.44.12		# the agent
OB=127.0.44.6		# OpenBGPD
UP=127.0.44.16		# upstream (exabgp)
PO=$((20000 + $$ % 10000))	# OpenBGPD's listener

{ ixw_yml_daemon; cat <<EOF; } > "$T/ixwatch.yml"
sources:
  bgp:
    local-as: 65012
    router-id: $AG
    neighbors:
      - name: border
        address: $OB
        remote-as: 65006
        port: $PO
        local-address: $AG
        hold-time: 30s
        add-path-receive: true
        graceful-restart: true
EOF

cat > "$T/bgpd.conf" <<EOF
AS 65006
router-id $OB
listen on $OB port $PO
socket "$T/bgpd.sock"
fib-update no
nexthop qualify via default
network 10.66.0.0/24 set { community 65006:1 nexthop 192.0.2.66 }
neighbor $UP {
    remote-as 65016
    passive
    local-address $OB
    multihop 2
    announce IPv6 unicast
    descr "upstream"
}
neighbor $AG {
    remote-as 65012
    passive
    local-address $OB
    multihop 2
    announce IPv4 unicast
    announce IPv6 unicast
    announce add-path send all
    descr "agent"
}
allow from any
allow to any
match to any set nexthop no-modify
EOF

exa_setup "$T/exa" $OB $UP $PO 65016 65006 "ipv4 unicast; ipv6 unicast;" 0.3
cat > "$T/exa/initial.cmds" <<EOF
announce route 10.66.0.0/24 next-hop 192.0.2.16 as-path [ 65016 64600 ] origin egp community [ 65016:1 ]
announce route 10.16.0.0/24 next-hop 192.0.2.16 as-path [ 65016 4200000016 ] med 7 large-community [ 65016:1:1 ]
announce route 2001:db8:116::/48 next-hop 2001:db8::16 as-path [ 65016 ( 64601 64602 ) ]
EOF

bctl() { bgpctl -s "$T/bgpd.sock" "$@"; }
nb() { bgp_nb border "$1"; }
nb_is() { [ "$(nb "$1")" = "$2" ]; }
start_bgpd() {
	mkdir -p /run/openbgpd	# privsep chroot (systemd's RuntimeDirectory elsewhere)
	bgpd -d -f "$T/bgpd.conf" >> "$T/bgpd.out" 2>&1 &
	BGPD=$!
	track_pid $BGPD
}
agree() {
	bctl -j show rib out neighbor agent detail > "$T/obgpd.json" 2>/dev/null || return 1
	rib_agree openbgpd "$T/obgpd.json" border
}
agree_n() { agree && rib_count_is openbgpd "$1"; }
cease_count() { bgp_cease_count border "$1"; }

start_bgpd
check "OpenBGPD's control socket answers" wait_t 10 eval "bctl show summary > /dev/null"
exa_start "$T/exa"
start_ixwatchd
check "ixwatchd dials OpenBGPD on port $PO: Established" wait_t 20 nb_is state Established
check "ADD-PATH receive negotiated for IPv4 and IPv6" \
	test "$(nb capabilities.add_path_rx_ipv4)/$(nb capabilities.add_path_rx_ipv6)" = true/true
check "local network + 3 upstream routes (2 paths for 10.66.0.0/24) reach ixwatchd" \
	wait_t 20 nb_is routes 4
check "RIB agrees with bgpctl show rib out (up), path ids included" wait_t 5 agree_n 4
show_cmp

bctl network add 10.67.0.0/24 community 65006:7 large-community 65006:1:2 nexthop 192.0.2.67 med 30 > /dev/null
bctl network add 2001:db8:66::/48 nexthop 2001:db8::66 > /dev/null
exa_send "$T/exa" "withdraw route 10.16.0.0/24"
exa_send "$T/exa" "announce route 10.66.0.0/24 next-hop 192.0.2.17 as-path [ 65016 64600 64601 ] origin igp community [ 65016:2 ]"
check "after network add, upstream withdraw and attribute change: RIB agrees" \
	wait_t 10 eval 'agree_n 5 && has_route 10.16.0.0/24 0 && has_route 10.67.0.0/24'
show_cmp
bctl network delete 10.67.0.0/24 > /dev/null
check "after bgpctl network delete: RIB agrees" \
	wait_t 10 eval 'agree_n 4 && has_route 10.67.0.0/24 0'
changed() { ctl --json show routes 10.66.0.0/24 exact | jq -e '[.routes[] |
	select(.next_hop == "192.0.2.17" and .as_path == "65006 65016 64600 64601")] |
	length == 1' > /dev/null; }
check "the upstream path of 10.66.0.0/24 carries the changed attributes" changed

bctl neighbor agent clear > /dev/null
check "bgpctl neighbor clear: Cease/Administrative Reset (6/4) counted" \
	wait_t 5 test "$(cease_count 4)" = 1
check "... and logged" grep -q "received 6/4 Cease: Administrative Reset" "$T/daemon.log"
check "... the routes are withdrawn" wait_t 5 eval '! nb_is state Established'
check "ixwatchd reconnects; the RIB agrees again" \
	wait_t 30 eval 'nb_is state Established && agree_n 4'
check "a Cease is no graceful restart: nothing held stale" nb_is stale_routes 0

check "OpenBGPD sends graceful restart without any family (receiving speaker only)" \
	test "$(nb capabilities.graceful_restart)/$(nb 'peer_gr_families | length')" = true/0
SE=$(ps -o pid=,args= --ppid $BGPD | awk '$0 ~ / -S/ { print $1 }')
check "OpenBGPD's session engine found ($SE)" test -n "$SE"
kill -9 $SE 2>/dev/null
check "session engine crashed (no NOTIFICATION): the session drops" \
	wait_t 10 eval '! nb_is state Established'
check "... no family was kept: every route withdrawn at once, none stale" \
	eval 'nb_is routes 0 && nb_is graceful_restart_active false && nb_is stale_routes 0'
check "... logged without a NOTIFICATION" grep -q "bgp border: down: connection closed by peer" \
	"$T/daemon.log"
wait_t 10 eval '! kill -0 $BGPD'
start_bgpd
check "OpenBGPD restarted: ixwatchd reconnects and the RIB agrees" \
	wait_t 40 eval 'nb_is state Established && agree_n 3'
show_cmp

kill $BGPD
check "bgpd stopped: Cease/Administrative Shutdown (6/2) counted" \
	wait_t 10 test "$(cease_count 2)" = 1
check "... with its shutdown message logged" \
	grep -q 'received 6/2 Cease: Administrative Shutdown "bgpd shutting down"' "$T/daemon.log"
check "... and every route withdrawn" wait_t 5 nb_is routes 0
check "ixwatchd is still running" test -n "$(nb name)"
done_testing
