#!/bin/bash
# BMP from a real router: FRR 8.4 bgpd -M bmp exports pre- and post-policy Route
# Monitoring for its peer gobgpd (AS 65002) to ixwatchd. Routes injected into gobgpd
# appear in ixwatchd under the right sources with their attributes, ixwatchd's view
# equals FRR's own (vtysh json), withdrawals and the peer going down remove them,
# statistics and the router's Initiation are shown. Loopback only, non-179 ports.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/bmp_lib.sh"

BGPD=/usr/lib/frr/bgpd
if [ ! -x "$BGPD" ] || ! command -v gobgpd > /dev/null || ! command -v vtysh > /dev/null ||
    [ "$(id -u)" -ne 0 ]; then
	plan 1; skip "FRR BMP" "needs root, FRR bgpd and gobgpd"; exit 0
fi
plan 19

P_BMP=21019 P_FRR=21179 P_GO=21180 P_API=52151
FRR_IP=127.0.3.1 GO_IP=127.0.3.2

mkdir -p "$T/frr/run" "$T/frr/log" "$T/gobgp"
cat > "$T/frr/frr.conf" <<EOF
frr defaults traditional
hostname frr-bmp
log file $T/frr/log/bgpd.log informational
router bgp 65001
 bgp router-id $FRR_IP
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp allow-martian-nexthop
 neighbor $GO_IP remote-as 65002
 neighbor $GO_IP port $P_GO
 neighbor $GO_IP update-source $FRR_IP
 neighbor $GO_IP timers connect 1
 address-family ipv4 unicast
  network 192.0.2.0/24
  neighbor $GO_IP soft-reconfiguration inbound
 exit-address-family
 address-family ipv6 unicast
  neighbor $GO_IP activate
  neighbor $GO_IP soft-reconfiguration inbound
 exit-address-family
 bmp targets collector
  bmp stats interval 1000
  bmp monitor ipv4 unicast pre-policy
  bmp monitor ipv4 unicast post-policy
  bmp monitor ipv6 unicast pre-policy
  bmp monitor ipv6 unicast post-policy
  bmp connect 127.0.0.1 port $P_BMP min-retry 100 max-retry 1000
 exit
exit
EOF
cat > "$T/gobgp/gobgpd.toml" <<EOF
[global.config]
  as = 65002
  router-id = "$GO_IP"
  port = $P_GO
  local-address-list = ["$GO_IP"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$FRR_IP"
    peer-as = 65001
  [neighbors.transport.config]
    local-address = "$GO_IP"
    passive-mode = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
EOF
gobgpd -f "$T/gobgp/gobgpd.toml" --api-hosts 127.0.0.1:$P_API --pprof-disable -p \
	> "$T/gobgp/gobgpd.log" 2>&1 &
GO_PID=$!
track_pid "$GO_PID"
"$BGPD" -d -S -M bmp -Z -n -l $FRR_IP -p $P_FRR -f "$T/frr/frr.conf" \
	-i "$T/frr/run/bgpd.pid" --vty_socket "$T/frr/run" -P 0 \
	--log "file:$T/frr/log/bgpd-stdout.log"
wait_until 5 test -s "$T/frr/run/bgpd.pid"
FRR_PID=$(cat "$T/frr/run/bgpd.pid" 2>/dev/null)
[ -n "$FRR_PID" ] && track_pid "$FRR_PID"
wait_until 10 gobgp -p $P_API global > /dev/null
gobgp -p $P_API global rib add 10.0.0.0/24 -a ipv4 aspath 64500,64501 origin egp \
	nexthop 192.0.2.2 med 10 community 65002:100 large-community 65002:1:2
gobgp -p $P_API global rib add 10.0.1.0/24 -a ipv4 aspath 64500 origin igp nexthop 192.0.2.2
gobgp -p $P_API global rib add -a ipv6 2001:db8:99::/48 aspath 64500,64502 origin igp \
	nexthop 2001:db8::2
vt() { vtysh --vty_socket "$T/frr/run" -c "$1"; }
# The collector connects once FRR holds the peer's routes: FRR then sends the peer's
# table followed by End-of-RIB (initial sync).
wait_until 30 sh -c "vtysh --vty_socket '$T/frr/run' -c 'show bgp ipv4 unicast 10.0.1.0/24' | grep -q 64500"
start_ixwatchd "  bmp:
    listen:
      - address: 127.0.0.1
        port: $P_BMP
    allow: [ 127.0.0.0/8 ]
    reconnect-grace: 0s"
check "ixwatchd listens for BMP" wait_until 10 grep -q "listening on 127.0.0.1 port $P_BMP" \
	"$T/ixwatchd.log"


check "FRR's router appears with its Initiation (sysName frr-bmp, FRRouting)" \
	wait_until 20 eq "frr-bmp FRRouting" \
	'[s["sys_name"]+" "+s["sys_descr"].split()[0] for s in j["sources"] if s["type"]=="bmp-router"][0]' \
	show sources
PRE="bmp:127.0.0.1/$GO_IP/pre" POST="bmp:127.0.0.1/$GO_IP/post"
route_q='sorted(r["source"]+"|"+r["as_path"].split(" ",1)[-1]+"|"+r["origin"]+"|"+r["next_hop"]+"|"+str(r.get("med"))+"|"+",".join(r["communities"])+"|"+",".join(r["large_communities"]) for r in j["routes"])'
check "10.0.0.0/24 arrives pre- and post-policy from peer $GO_IP" \
	wait_until 20 eq "['$POST|65002 64500 64501|egp|192.0.2.2|10|65002:100|65002:1:2', '$PRE|65002 64500 64501|egp|192.0.2.2|10|65002:100|65002:1:2']" \
	"$route_q" show routes 10.0.0.0/24
ctl --json show routes 10.0.0.0/24 > "$T/r1.json"
check "... from sources of type bmp-peer with RIB types adj-rib-in-pre/-post" \
	$PY -c 'import json,sys
j=json.load(open(sys.argv[1]))
assert sorted(r["rib_type"] for r in j["routes"])==["adj-rib-in-post","adj-rib-in-pre"]
assert all(r["source_type"]=="bmp-peer" for r in j["routes"])' "$T/r1.json"
check "the IPv6 route arrives with its next hop" \
	wait_until 10 eq "['2001:db8::2', '2001:db8::2']" \
	'sorted(r["next_hop"] for r in j["routes"])' show routes 2001:db8:99::/48
check "a locally originated route (all-zero peer header) is accepted" \
	wait_until 10 eq "True" 'j["count"]>=1' show routes 192.0.2.0/24 exact
check "show routes longer lists the more specifics" \
	wait_until 10 eq "['10.0.0.0/24', '10.0.1.0/24']" \
	'sorted(set(r["prefix"] for r in j["routes"]))' show routes 10.0.0.0/16 longer
ctl show sources | sed 's/^/# /'
check "the peer's sources reach End-of-RIB after the initial sync (state up)" \
	wait_until 20 eq "['up', 'up']" \
	'sorted(s["state"] for s in j["sources"] if s["name"] in ("'$PRE'","'$POST'"))' show sources
check "statistics reports are kept per peer" \
	wait_until 10 eq "True" \
	'any("statistics" in s for s in j["sources"] if s["name"]=="'$PRE'")' show sources

# ixwatchd's post-policy view of the peer equals FRR's table of routes from it
frr_view() {
	{ vt "show bgp ipv4 unicast json"; echo; vt "show bgp ipv6 unicast json"; } |
	$PY -c 'import json,sys
out=set()
for doc in sys.stdin.read().split("\n\n"):
    if not doc.strip(): continue
    for p,paths in json.loads(doc).get("routes",{}).items():
        for r in paths:
            if r.get("peerId")=="'$GO_IP'": out.add(p)
print(" ".join(sorted(out)))'
}
ixw_view() {
	for p in 10.0.0.0/8 2001:db8::/32; do
		ctl --json show routes $p longer
		echo
	done | $PY -c 'import json,sys
out=set()
for doc in sys.stdin.read().split("\n\n"):
    if not doc.strip(): continue
    out|={r["prefix"] for r in json.loads(doc)["routes"] if r["source"]=="'$POST'"}
print(" ".join(sorted(out)))'
}
frr=$(frr_view) ixw=$(ixw_view)
diag "FRR: $frr"
diag "ixwatchd: $ixw"
check "ixwatchd's post-policy view equals FRR's routes from the peer (3 prefixes)" \
	test "$frr" = "$ixw" -a "$(echo "$ixw" | wc -w)" -eq 3

gobgp -p $P_API global rib del 10.0.1.0/24 -a ipv4
check "a withdrawal removes the route from both sources" \
	wait_until 10 eq "0" 'j["count"]' show routes 10.0.1.0/24 exact
check "... and the other routes stay" eq "2" 'j["count"]' show routes 10.0.0.0/24 exact

kill "$GO_PID"
check "peer down: the peer's routes are withdrawn at once" \
	wait_until 20 eq "0" 'j["count"]' show routes 10.0.0.0/8 longer
check "... its sources are down with the reason" \
	wait_until 5 eq "True" \
	'all(s["state"]=="down" and s["last_error"] for s in j["sources"] if s["name"] in ("'$PRE'","'$POST'"))' \
	show sources
check "... FRR's own route is still there" eq "True" 'j["count"]>=1' show routes 192.0.2.0/24

kill "$FRR_PID"
check "the router going away is logged once" \
	wait_until 10 sh -c "test \$(grep -c 'router bmp:127.0.0.1 disconnected' '$T/ixwatchd.log') -eq 1"
check "with no grace every route of the router is withdrawn" wait_until 10 eq 0 'j["rib"]["routes"]' show summary
check "show summary counts the disconnect" eq "1" 'j["bmp"]["disconnects"]' show summary
kill "$IXW_PID"; wait "$IXW_PID"; rc=$?
check "ixwatchd exits cleanly (status $rc)" test "$rc" -eq 0
done_testing
