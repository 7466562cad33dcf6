#!/bin/bash
# Graceful restart family by family (RFC 4724 §4.2): exabgp (graceful restart
# capability, End-of-RIB sent by hand) announces an IPv4 and an IPv6 route and
# dies without a NOTIFICATION; ixwatchd keeps both stale. Back, exabgp sends the
# IPv4 End-of-RIB only: the IPv4 stale route goes at once while the IPv6 one
# stays, until the IPv6 End-of-RIB ends the restart. The session-health alert
# raised when it died clears as soon as the session is back, before any
# End-of-RIB (a peer still syncing is up).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
N=10
plan $N

if ! command -v exabgp >/dev/null || ! command -v jq >/dev/null; then
	for i in $(seq $N); do skip "graceful restart by family" "exabgp or jq not installed"; done
	exit 0
fi

AG=127.0.72.1		# the agent
EX=127.0.72.4		# exabgp
PORT=$((20000 + ($$ + 7000) % 10000))

{ ixw_yml_daemon; bgp_yml_listen 65011 $AG $PORT; cat <<EOF; } > "$T/ixwatch.yml"
    neighbors:
      - name: exa
        address: $EX
        remote-as: 65072
        passive: true
        graceful-restart: true
        restart-time: 60s
detection:
  rules:
    session: { raise-after: 0s, clear-after: 0s }
alerts:
  json-file: $T/alerts.json
  group-window: 0s
outputs:
  syslog: { enabled: false }
EOF

start_ixwatchd
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"

# one speaker directory per life of exabgp: its FIFO driver ends with it
speaker() {
	exa_setup "$T/exa$1" $AG $EX $PORT 65072 65011 "ipv4 unicast; ipv6 unicast;" 0 \
	    "capability { graceful-restart 60; } manual-eor true;"
	exa_start "$T/exa$1"
}
nb() { bgp_nb exa "$1"; }
has() { ctl show routes "$1" exact 2>/dev/null | grep -q 65072; }
health() { grep '"rule":"session-health"' "$T/alerts.json" 2>/dev/null | grep -q "\"state\":\"$1\""; }

speaker 1
wait_t 30 eval '[ "$(nb state)" = Established ]'
exa_send "$T/exa1" "announce route 10.72.1.0/24 next-hop 192.0.2.72 as-path [ 65072 64572 ]"
exa_send "$T/exa1" "announce route 2001:db8:72::/48 next-hop 2001:db8::72 as-path [ 65072 64572 ]"
exa_send "$T/exa1" "announce eor ipv4 unicast"
exa_send "$T/exa1" "announce eor ipv6 unicast"
check "both routes arrive and graceful restart is negotiated" wait_t 20 eval \
    'has 10.72.1.0/24 && has 2001:db8:72::/48 && [ "$(nb capabilities.graceful_restart)" = true ]'

kill -9 "$EXA_PID"
check "exabgp killed: both routes kept stale" wait_t 15 eval \
    '[ "$(nb graceful_restart_active)" = true ] && [ "$(nb stale_routes)" = 2 ] &&
    has 10.72.1.0/24 && has 2001:db8:72::/48'

speaker 2
check "session-health raised when exabgp died" health raised
check "exabgp is back" wait_t 30 eval '[ "$(nb state)" = Established ]'
check "... session-health cleared before any End-of-RIB" wait_t 10 health cleared
exa_send "$T/exa2" "announce eor ipv4 unicast"
check "IPv4 End-of-RIB: the IPv4 stale route goes at once" wait_t 10 eval \
    '! has 10.72.1.0/24'
check "... the IPv6 one stays, still stale" eval \
    'has 2001:db8:72::/48 && [ "$(nb graceful_restart_active)" = true ] &&
    [ "$(nb stale_routes)" = 1 ]'
exa_send "$T/exa2" "announce eor ipv6 unicast"
check "IPv6 End-of-RIB: the restart ends, the IPv6 stale route goes" wait_t 10 eval \
    '! has 2001:db8:72::/48 && [ "$(nb graceful_restart_active)" = false ]'
check "the daemon logs the per-family sweep" \
    grep -q "End-of-RIB for IPv4 during graceful restart: 1 stale" "$T/daemon.log"
[ "$_failed" -eq 0 ] || { tail -30 "$T/daemon.log" | sed 's/^/# /'; ctl --json show neighbors exa | sed 's/^/# /'; }
done_testing
