#!/bin/bash
# Detection end to end with a real BGP speaker: exabgp announces to ixwatchd over
# a BGP session on loopback. Rule 6 per upstream: 10.61.0.0/23 of AS64561 seen via
# its configured upstreams AS65061 and AS65062; when no path shows AS65061 next
# to the origin any more the alert raises naming AS65061, and clears when it is
# back. Then a reload: a hijack alert raised under the old prefixes.yml clears
# with reason "config" once the new file allows the origin (the sliced rescan).
# Last, the session goes down: a hijack seen only through it clears with reason
# "source-gone" (not "resolved": nobody withdrew it), the session-health alert
# raised by the same loss stays raised.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_bgp.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 12

if ! command -v exabgp >/dev/null; then
	for i in $(seq 12); do skip "detect exabgp e2e" "exabgp not installed"; done
	exit 0
fi

AG=127.0.61.1		# the agent
EX=127.0.61.4		# exabgp
PORT=$((20000 + ($$ + 5000) % 10000))
J=$T/alerts.json

{ ixw_yml_daemon; echo "  state-dir: $T"; bgp_yml_listen 65011 $AG $PORT; cat <<EOF; } > "$T/ixwatch.yml"
    neighbors:
      - name: exa
        address: $EX
        remote-as: 65061
        passive: true
        add-path-receive: true
detection:
  rules:
    bogon: { enabled: false }
    hijack: { raise-after: 0s, clear-after: 1s }
    visibility: { raise-after: 0s, clear-after: 1s }
    new-neighbor: { enabled: false }
    session: { raise-after: 0s, clear-after: 1s }
alerts:
  json-file: $J
  group-window: 0s
outputs:
  syslog: { enabled: false }
prefixes-file: prefixes.yml
EOF
cat > "$T/prefixes.yml" <<EOF
10.61.0.0/23:
  asn: 64561
10.62.0.0/24:
  asn: 64562
options:
  monitorASns:
    '64561':
      upstreams: [65061, 65062]
EOF

start_ixwatchd
check "ixwatchd starts" wait_for 10 test -S "$T/ixwatchd.sock"

exa_setup "$T/exa" $AG $EX $PORT 65061 65011 "ipv4 unicast;" 0 \
    "capability { add-path send/receive; }"
exa_start "$T/exa"
send() { exa_send "$T/exa" "$@"; }
has() { # field=value...: a JSON line of alerts.json with all of them
	[ -f "$J" ] && python3 - "$J" "$@" <<'PY'
import json, sys
want = [a.split("=", 1) for a in sys.argv[2:]]
for line in open(sys.argv[1]):
    a = json.loads(line)
    if all(str(a.get(k)) == v for k, v in want):
        sys.exit(0)
sys.exit(1)
PY
}
routes() { ctl show routes 10.61.0.0/23 2>/dev/null | grep -c "65061\|65062"; }

check "the session with exabgp comes up" wait_for 30 sh -c \
    "'$C' -s '$T/ixwatchd.sock' show sources | grep -q ' up '"
send "announce route 10.61.0.0/23 path-information 1 next-hop 192.0.2.61 as-path [ 65061 64561 ]"
send "announce route 10.61.0.0/23 path-information 2 next-hop 192.0.2.62 as-path [ 65061 65062 64561 ]"
wait_for 10 sh -c "[ \$('$C' -s '$T/ixwatchd.sock' show routes 10.61.0.0/23 | grep -c 64561) -ge 2 ]"
send "withdraw route 10.61.0.0/23 path-information 1 next-hop 192.0.2.61"
check "no longer seen via upstream AS65061: raised" wait_for 10 \
    has rule=visibility-loss state=raised victim=10.61.0.0/23 origin=65061 discriminator=upstream
check "AS65062 (still next to the origin) is not reported" \
    sh -c "! grep -q '\"origin\":65062' '$J'"
send "announce route 10.61.0.0/23 path-information 1 next-hop 192.0.2.61 as-path [ 65061 64561 ]"
check "seen via AS65061 again: cleared" wait_for 10 \
    has rule=visibility-loss state=cleared origin=65061 reason=resolved

send "announce route 10.62.0.0/24 next-hop 192.0.2.61 as-path [ 65061 64666 ]"
check "hijack of 10.62.0.0/24 by AS64666 raised" wait_for 10 \
    has rule=exact-prefix-hijack state=raised victim=AS64562 origin=64666
printf '10.61.0.0/23:\n  asn: 64561\n10.62.0.0/24:\n  asn: [64562, 64666]\n' \
    > "$T/prefixes.yml"
timeout 20 "$C" -s "$T/ixwatchd.sock" reload > /dev/null 2>&1
check "after the reload allowing AS64666 it clears with reason config" wait_for 10 \
    has rule=exact-prefix-hijack state=cleared origin=64666 reason=config
send "announce route 10.61.0.0/23 path-information 3 next-hop 192.0.2.61 as-path [ 65061 64666 ]"
check "hijack of 10.61.0.0/23 by AS64666 raised" wait_for 10 \
    has rule=exact-prefix-hijack state=raised victim=AS64561 origin=64666
kill "$EXA_PID" 2>/dev/null
check "exabgp gone: the hijack clears with reason source-gone" wait_for 15 \
    has rule=exact-prefix-hijack state=cleared victim=AS64561 reason=source-gone
check "the session-health alert for exa is raised" wait_for 10 \
    has rule=session-health state=raised victim=exa
sleep 2
check "... and stays raised (the flush keeps its evidence)" sh -c \
    "! grep '\"rule\":\"session-health\"' '$J' | grep -q '\"state\":\"cleared\"'"
check "the daemon logs no error" sh -c "! grep -qi 'fatal\|assert' '$T/daemon.log'"
[ "$_failed" -eq 0 ] || { diag "alerts:"; sed 's/^/# /' "$J" 2>/dev/null; tail -20 "$T/daemon.log" | sed 's/^/# /'; }
done_testing
