#!/bin/bash
# The agent's BGP session against BIRD 2 as an IXP route server, on loopback:
# two exabgp route-server clients feed BIRD; BIRD (rs client, ADD-PATH tx, graceful
# restart on) dials ixwatchd's listener. After every step ixwatchd's RIB must agree
# with `birdc show route all export agent` (prefixes, AS paths, next hops, origin,
# MED, communities, large communities; one ADD-PATH id per BIRD route source):
# session up; announce/withdraw/attribute change; Cease by `birdc disable` (6/2,
# with a shutdown message) and `birdc restart` (6/4), counted per subcode, routes
# withdrawn and re-synced; `birdc graceful restart` + `bird -R`: routes kept stale
# while BIRD is away, refreshed ones kept, one not announced again swept at
# End-of-RIB; BIRD killed (-9): stale routes swept when its restart time runs out.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
N=33
plan $N

if ! command -v bird >/dev/null || ! command -v exabgp >/dev/null || ! command -v jq >/dev/null; then
	for i in $(seq $N); do skip "bgp bird e2e" "bird2, exabgp or jq not installed"; done
	exit 0
fi

AG=127.0.43.12		# the agent
RS=127.0.43.5		# BIRD
PA=$((20000 + $$ % 10000))	# the agent's listener
PR=$((PA + 1))			# BIRD's listener for its clients
GRT=8			# BIRD's graceful restart time (s)

{ ixw_yml_daemon; bgp_yml_listen 65012 $AG $PA; cat <<EOF; } > "$T/ixwatch.yml"
    neighbors:
      - name: rs
        address: $RS
        remote-as: 65005
        passive: true
        hold-time: 30s
        add-path-receive: true
        graceful-restart: true
        restart-time: 60s
EOF

cat > "$T/bird.conf" <<EOF
log "$T/bird.log" all;
router id $RS;
protocol device { scan time 60; }
# next hops of loopback clients resolve recursively through these (never exported)
protocol static lo4 { ipv4; route 0.0.0.0/0 via "lo"; }
protocol static lo6 { ipv6; route ::/0 via "lo"; }
# a route of BIRD's own: its route source (so its ADD-PATH id) is the same after a
# restart, so it comes back as the very route ixwatchd holds stale
protocol static st55 { ipv4; route 10.55.0.0/24 via "lo" { bgp_origin = ORIGIN_IGP;
  bgp_path.prepend(65055); bgp_next_hop = 192.0.2.55; bgp_community.add((65055,1)); }; }
template bgp rsclient {
  local $RS port $PR as 65005;
  strict bind on;
  rs client;
  multihop 2;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 10;
  enable extended messages on;
  ipv4 { import all; export where source = RTS_BGP; next hop keep; };
  ipv6 { import all; export where source = RTS_BGP; next hop keep; };
}
protocol bgp c14 from rsclient { neighbor 127.0.43.14 as 65014; passive on; }
protocol bgp c15 from rsclient { neighbor 127.0.43.15 as 65015; passive on; }
protocol bgp agent from rsclient {
  neighbor $AG port $PA as 65012;
  graceful restart on;
  graceful restart time $GRT;
  ipv4 { import none; export where source = RTS_BGP || proto = "st55"; next hop keep;
    add paths tx; };
  ipv6 { import none; export where source = RTS_BGP; next hop keep; add paths tx; };
}
EOF

for c in 14 15; do
	exa_setup "$T/exa$c" $RS 127.0.43.$c $PR 650$c 65005 "ipv4 unicast; ipv6 unicast;" 0.3 \
	    "$([ $c = 15 ] && echo "capability { graceful-restart 60; }")"
done
cat > "$T/exa14/initial.cmds" <<EOF
announce route 10.14.0.0/24 next-hop 192.0.2.14 as-path [ 65014 64514 ] origin igp community [ 65014:1 ]
announce route 10.77.0.0/24 next-hop 192.0.2.14 as-path [ 65014 64999 ] origin egp med 20 large-community [ 65014:7:7 ]
announce route 10.78.0.0/24 next-hop 192.0.2.14 as-path [ 65014 ( 64512 64513 ) ] origin incomplete
announce route 2001:db8:114::/48 next-hop 2001:db8::14 as-path [ 65014 ]
EOF
cat > "$T/exa15/initial.cmds" <<EOF
announce route 10.15.0.0/24 next-hop 192.0.2.15 as-path [ 65015 4200000015 ]
announce route 10.77.0.0/24 next-hop 192.0.2.15 as-path [ 65015 64998 64999 ] community [ 65015:2 65015:3 ]
announce route 2001:db8:114::/48 next-hop 2001:db8::15 as-path [ 65015 64516 ] community [ 65015:6 ]
EOF

nb() { bgp_nb rs "$1"; }
nb_is() { [ "$(nb "$1")" = "$2" ]; }
start_exa() { exa_start "$T/exa$1"; eval "EXA$1=$EXA_PID"; }
send() { local c=$1; shift; exa_send "$T/exa$c" "$@"; }
# agree: ixwatchd's RIB for source rs equals BIRD's export to the agent
agree() {
	birdc_ show route all export agent > "$T/bird.routes" 2>&1 || return 1
	rib_agree bird "$T/bird.routes" rs "$@"
}
agree_n() { # agree_n ROUTES: agreement with ROUTES routes on both sides
	agree && rib_count_is bird "$1"
}
path_of() { # path_of PREFIX FIRST_AS: the path id of the route whose path starts with it
	ctl --json show routes "$1" exact | jq -r ".routes[] | select(.as_path |
	    startswith(\"$2\")) | .path_id"
}
cease_count() { bgp_cease_count rs "$1"; } # Cease NOTIFICATIONs received with SUBCODE

start_ixwatchd
check "ixwatchd starts with a BGP listener" wait_t 10 test -S "$T/ixwatchd.sock"
bird_start
start_exa 14
start_exa 15
check "BIRD route server dials ixwatchd: Established" wait_t 20 nb_is state Established
check "ADD-PATH receive and graceful restart negotiated with BIRD" \
	test "$(nb capabilities.add_path_rx_ipv4)/$(nb capabilities.add_path_rx_ipv6)/$(nb capabilities.graceful_restart)" = true/true/true
check "all 8 routes (7 from clients, 2 paths for 2 prefixes, 1 of BIRD's) reach ixwatchd" wait_t 20 nb_is routes 8
check "the source is up (End-of-RIB for both families)" wait_t 10 nb_is source_state up
check "RIB agrees with birdc show route all export agent (up)" wait_t 5 agree_n 8
show_cmp
p14=$(path_of 10.77.0.0/24 65014)
p15=$(path_of 10.77.0.0/24 65015)
check "two distinct non-zero ADD-PATH ids for 10.77.0.0/24" \
	test -n "$p14" -a -n "$p15" -a "$p14" != "$p15" -a "${p14:-0}" != 0

# changes: a new prefix, a withdrawal, an attribute change on one path
send 14 "announce route 10.14.1.0/24 next-hop 192.0.2.14 as-path [ 65014 64514 64520 ] large-community [ 65014:1:2 ]"
send 15 "withdraw route 10.15.0.0/24"
send 14 "announce route 10.77.0.0/24 next-hop 192.0.2.41 as-path [ 65014 64514 64999 ] origin igp community [ 65014:99 ]"
check "after announce/withdraw/attribute change: RIB agrees with BIRD" wait_t 10 agree_n 8
show_cmp
check "the announced prefix is there, the withdrawn one gone" \
	eval 'has_route 10.14.1.0/24 && has_route 10.15.0.0/24 0'
check "the changed path keeps its ADD-PATH id, the other path untouched" \
	test "$(path_of 10.77.0.0/24 65014)/$(path_of 10.77.0.0/24 65015)" = "$p14/$p15"
nh_changed() { ctl --json show routes 10.77.0.0/24 exact | jq -e '[.routes[] |
	select(.next_hop == "192.0.2.41" and .communities == ["65014:99"])] | length == 1' \
	>/dev/null; }
check "... with the new next hop and communities" nh_changed

# Cease: administrative shutdown with a message, then administrative reset
birdc_ disable agent '"maintenance window"' > /dev/null
check "birdc disable: ixwatchd counts Cease/Administrative Shutdown (6/2)" \
	wait_t 5 test "$(cease_count 2)" = 1
check "... logs it with the shutdown message" \
	grep -q 'received 6/2 Cease: Administrative Shutdown "maintenance window"' "$T/daemon.log"
check "... and withdraws every route of the session" wait_t 5 nb_is routes 0
birdc_ enable agent > /dev/null
check "birdc enable: the session comes back and re-syncs; RIB agrees" \
	wait_t 20 agree_n 8
birdc_ restart agent > /dev/null
check "birdc restart: Cease/Administrative Reset (6/4) counted" \
	wait_t 5 test "$(cease_count 4)" = 1
check "... logged" grep -q 'received 6/4 Cease: Administrative Reset' "$T/daemon.log"
check "... re-synced; RIB agrees with BIRD" wait_t 20 eval 'nb_is source_state up && agree_n 8'
check "a Cease is no graceful restart: nothing was held stale" nb_is stale_routes 0

# graceful restart: BIRD leaves without NOTIFICATION, comes back with -R
notif_before=$(nb notifications_in)
birdc_ graceful restart > /dev/null
check "birdc graceful restart: the session drops" wait_t 10 eval '! nb_is state Established'
check "... all 8 routes kept (stale) in ixwatchd" \
	eval 'nb_is graceful_restart_active true && nb_is stale_routes 8 && nb_is routes 8'
check "... no NOTIFICATION was received" nb_is notifications_in "$notif_before"
wait_t 10 eval '! kill -0 $BIRD'
t_drop=$SECONDS
# While BIRD is away client c15 (graceful restart capable) goes away too and
# comes back later without 10.77.0.0/24: BIRD's recovery waits for it, so BIRD's
# End-of-RIB to ixwatchd comes after BIRD's restart time. The restart timer must
# stop when the session is back (RFC 4724 §4.2); only End-of-RIB ends the restart.
kill $EXA15
cat > "$T/exa15/initial.cmds" <<EOF
announce route 2001:db8:114::/48 next-hop 2001:db8::15 as-path [ 65015 64516 ] community [ 65015:6 ]
EOF
bird_start -R
check "BIRD back (recovery): Established again" wait_t 15 nb_is state Established
sleep $((GRT + 2 - (SECONDS - t_drop)))
check "past BIRD's restart time, the session back, no End-of-RIB yet: routes still held" \
	eval 'nb_is graceful_restart_active true && nb_is stale_routes 8 && nb_is routes 8'
start_exa 15
check "restart ends at End-of-RIB: nothing stale left" \
	wait_t 30 eval 'nb_is graceful_restart_active false && nb_is stale_routes 0'
check "... the route not announced again was swept" has_route 10.77.0.0/24 1
check "... the route re-announced unchanged (same path id) was kept" has_route 10.55.0.0/24 1
check "... and the RIB agrees with BIRD (refreshed routes kept)" wait_t 5 agree_n 7
show_cmp
grep -q "graceful restart ended (End-of-RIB)" "$T/daemon.log"
check "... ended by End-of-RIB, not by a timer" test $? = 0
diag "$(grep -E 'peer restarting|established|graceful restart ended' "$T/daemon.log" | tail -3 | tr '\n' '|')"

# BIRD killed: routes stale for its restart time, then swept by the timer
kill -9 $BIRD
check "BIRD killed: routes kept stale" \
	wait_t 5 eval 'nb_is graceful_restart_active true && nb_is routes 7'
check "... swept when BIRD's restart time (${GRT}s) runs out" \
	wait_t $((GRT + 5)) eval 'nb_is routes 0 && nb_is graceful_restart_active false'
check "... logged as restart time over" grep -q "graceful restart ended (restart time over)" \
	"$T/daemon.log"
check "ixwatchd is still running" test -S "$T/ixwatchd.sock" -a -n "$(nb name)"
done_testing
