#!/bin/bash
# BMP with Loc-RIB (RFC 9069) from gobgpd 3.10 (route-monitoring-policy "all"): routes
# injected with "gobgp global rib add" appear in ixwatchd's Loc-RIB source with path
# and attributes, ixwatchd's view equals "gobgp global rib -j", withdrawals remove
# them; gobgpd restarted within reconnect-grace keeps the routes, re-syncs them and
# the route not re-announced is swept; gone past the grace, everything is withdrawn.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/bmp_lib.sh"

if ! command -v gobgpd > /dev/null || ! command -v gobgp > /dev/null; then
	plan 1; skip "gobgp BMP" "needs gobgpd"; exit 0
fi
plan 16

P_BMP=21020 P_GO=21181 P_API=52152 GO_IP=127.0.3.3
GRACE=10

start_ixwatchd "  bmp:
    listen:
      - address: 127.0.0.1
        port: $P_BMP
      - address: ::1
        port: $P_BMP
    reconnect-grace: ${GRACE}s"
check "ixwatchd listens for BMP on IPv4 and IPv6" wait_until 10 sh -c \
	"grep -q 'listening on 127.0.0.1 port $P_BMP' '$T/ixwatchd.log' &&
	grep -q 'listening on ::1 port $P_BMP' '$T/ixwatchd.log'"

cat > "$T/gobgpd.toml" <<EOF
[global.config]
  as = 65003
  router-id = "$GO_IP"
  port = $P_GO
  local-address-list = ["$GO_IP"]
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = $P_BMP
    route-monitoring-policy = "all"
    sys-name = "gobgp-test"
    sys-descr = "gobgpd under ixwatch e2e"
EOF
start_gobgp() {
	gobgpd -f "$T/gobgpd.toml" --api-hosts 127.0.0.1:$P_API --pprof-disable -p \
		>> "$T/gobgpd.log" 2>&1 &
	GO_PID=$!
	track_pid "$GO_PID"
	wait_until 10 sh -c "gobgp -p $P_API global > /dev/null"
}
add() { gobgp -p $P_API global rib add "$@"; }
start_gobgp
add 10.1.0.0/24 -a ipv4 aspath 64600,64601 origin igp nexthop 192.0.2.33 community 65003:1 \
	large-community 65003:2:3 med 7
add 10.1.1.0/24 -a ipv4 aspath 64600 origin egp nexthop 192.0.2.34
add -a ipv6 2001:db8:103::/48 aspath 64600 origin igp nexthop 2001:db8::33

LOC="bmp:127.0.0.1/loc"
check "gobgpd's router appears with sysName gobgp-test" \
	wait_until 20 eq "gobgp-test" \
	'[s["sys_name"] for s in j["sources"] if s["type"]=="bmp-router"][0]' show sources
check "a Loc-RIB source (rib type loc-rib) carries the injected routes" \
	wait_until 20 eq "3" \
	'[s["prefixes"] for s in j["sources"] if s["rib_type"]=="loc-rib"][0]' show sources
check "10.1.0.0/24 in the Loc-RIB with path, origin, next hop, MED, communities" \
	wait_until 10 eq "64600 64601|igp|192.0.2.33|7|65003:1|65003:2:3" \
	'[r["as_path"]+"|"+r["origin"]+"|"+r["next_hop"]+"|"+str(r.get("med"))+"|"+",".join(r["communities"])+"|"+",".join(r["large_communities"]) for r in j["routes"] if r["rib_type"]=="loc-rib"][0]' \
	show routes 10.1.0.0/24
check "the IPv6 route is in the Loc-RIB with its next hop" \
	wait_until 10 eq "2001:db8::33" \
	'[r["next_hop"] for r in j["routes"] if r["rib_type"]=="loc-rib"][0]' \
	show routes 2001:db8:103::/48 exact

go_view() {
	{ gobgp -p $P_API global rib -a ipv4 -j; echo; gobgp -p $P_API global rib -a ipv6 -j; } |
	$PY -c 'import json,sys
out=set()
for doc in sys.stdin.read().split("\n\n"):
    if doc.strip(): out|=set(json.loads(doc).keys())
print(" ".join(sorted(out)))'
}
loc_view() {
	for p in 0.0.0.0/0 ::/0; do ctl --json show routes $p longer; echo; done |
	$PY -c 'import json,sys
out=set()
for doc in sys.stdin.read().split("\n\n"):
    if doc.strip():
        out|={r["prefix"] for r in json.loads(doc)["routes"] if r["rib_type"]=="loc-rib"}
print(" ".join(sorted(out)))'
}
go=$(go_view) ixw=$(loc_view)
diag "gobgp: $go / ixwatchd: $ixw"
check "ixwatchd's Loc-RIB equals gobgp global rib -j (3 prefixes)" \
	test "$go" = "$ixw" -a "$(echo "$go" | wc -w)" -eq 3

gobgp -p $P_API global rib del 10.1.1.0/24 -a ipv4
check "a withdrawal removes the route" \
	wait_until 10 eq "0" 'j["count"]' show routes 10.1.1.0/24 exact

# Restart within the grace: the routes stay, re-announced ones are kept, the one
# not re-announced is swept after the re-sync.
before=$(rib_routes)
kill "$GO_PID"; wait "$GO_PID" 2> /dev/null
waiting() {
	[ "$(q '[s["state"] for s in j["sources"] if s["name"]=="'$LOC'"][0]' show sources)" = \
	    connecting ] && [ "$(rib_routes)" = "$before" ]
}
check "router gone: its sources wait (connecting), routes kept ($before)" wait_until 5 waiting
start_gobgp
add 10.1.0.0/24 -a ipv4 aspath 64600,64601 origin igp nexthop 192.0.2.33 community 65003:1 \
	large-community 65003:2:3 med 7
check "back within the grace: counted as a re-sync" \
	wait_until 10 eq "1" 'j["bmp"]["resyncs"]' show summary
check "the re-announced route is kept" eq "True" \
	'any(r["rib_type"]=="loc-rib" for r in j["routes"])' show routes 10.1.0.0/24 exact
check "the route not re-announced is swept (at End-of-RIB or after the grace)" \
	wait_until $((GRACE + 6)) eq "0" \
	'len([r for r in j["routes"] if r["rib_type"]=="loc-rib"])' show routes 2001:db8:103::/48 exact
check "... and the re-announced one is still there" eq "True" \
	'any(r["rib_type"]=="loc-rib" for r in j["routes"])' show routes 10.1.0.0/24 exact

kill "$GO_PID"; wait "$GO_PID" 2> /dev/null
check "gone past the grace: all its routes are withdrawn" \
	wait_until $((GRACE + 6)) eq "0" 'j["rib"]["routes"]' show summary
check "... the expiry is logged" grep -q "did not come back within ${GRACE}s" "$T/ixwatchd.log"
check "... and counted" eq 1 'j["bmp"]["expired"]' show summary
kill "$IXW_PID"; wait "$IXW_PID"; rc=$?
check "ixwatchd exits cleanly (status $rc)" test "$rc" -eq 0
done_testing
