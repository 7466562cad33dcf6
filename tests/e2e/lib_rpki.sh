# Helpers for the RPKI tests with the real daemon (sourced after lib.sh): a small
# MRT feed, StayRTR caches on loopback and the rpki: section of an ixwatch.yml.

# rpki_mrt FILE ORIGIN:PREFIX...: an MRT file (BGP4MP_MESSAGE_AS4, one second
# apart from 1700000000) where peer AS64511 (192.0.2.1) announces each IPv4 PREFIX
# with the AS path "64511 ORIGIN", origin IGP, next hop 192.0.2.1
rpki_mrt() {
	python3 - "$@" <<'PY'
import struct, sys
def attr(f, t, v): return struct.pack('>BBB', f, t, len(v)) + v
def seg(asns): return struct.pack('>BB', 2, len(asns)) + b''.join(struct.pack('>I', a) for a in asns)
def pfx(s):
    a, l = s.split('/'); l = int(l)
    return bytes([l]) + bytes(int(x) for x in a.split('.'))[:(l + 7) // 8]
def update(path, nlri):
    at = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(path)) + attr(0x40, 3, bytes([192, 0, 2, 1]))
    body = struct.pack('>H', 0) + struct.pack('>H', len(at)) + at + nlri
    return b'\xff' * 16 + struct.pack('>HB', 19 + len(body), 2) + body
def rec(ts, msg):
    hdr = struct.pack('>IIHH', 64511, 65000, 0, 1) + bytes([192, 0, 2, 1, 192, 0, 2, 254])
    body = hdr + msg
    return struct.pack('>IHHI', ts, 16, 4, len(body)) + body
with open(sys.argv[1], 'wb') as f:
    for i, a in enumerate(sys.argv[2:]):
        origin, prefix = a.split(':', 1)
        f.write(rec(1700000000 + i, update([64511, int(origin)], pfx(prefix))))
PY
}

# stayrtr_start FILE PORT LOG: StayRTR serving FILE on 127.0.0.1:PORT (metrics on
# PORT + 1), re-reading it and asking its clients to refresh every second, output
# appended to LOG; tracked, its PID in $STAYRTR_PID; true once it listens
stayrtr_start() {
	stayrtr -bind "127.0.0.1:$2" -cache "$1" -checktime=false \
	    -refresh 1 -rtr.refresh 1 -rtr.retry 1 -rtr.expire 600 \
	    -metrics.addr "127.0.0.1:$(( $2 + 1 ))" >> "$3" 2>&1 &
	STAYRTR_PID=$!
	track_pid $STAYRTR_PID
	wait_for 30 bash -c "echo > /dev/tcp/127.0.0.1/$2"
}

# rpki_yml "PREF:PORT ..." [LINE]: the rpki: section of an ixwatch.yml, refresh and
# retry 1 s, LINE (e.g. "reload-timeout: 4s") if given, and one group of
# preference PREF per word with its cache on 127.0.0.1:PORT
rpki_yml() {
	local g
	printf 'rpki:\n  refresh: 1s\n  retry: 1s\n'
	[ -z "${2:-}" ] || printf '  %s\n' "$2"
	printf '  groups:\n'
	for g in $1; do
		printf '    - preference: %s\n      caches:\n        - address: 127.0.0.1\n          port: %s\n' \
		    "${g%%:*}" "${g#*:}"
	done
}

# rpki_yml_mrt "PREF:PORT ..." [LINE]: an ixwatch.yml up to its rpki: section
# (rpki_yml's arguments) with one MRT source, "feed", replaying $T/feed.mrt
rpki_yml_mrt() {
	ixw_yml_daemon
	printf 'sources:\n  mrt:\n    - name: feed\n      file: %s\n' "$T/feed.mrt"
	rpki_yml "$@"
}

# route_state PREFIX: the RPKI state of the route for exactly PREFIX
# (ctl must print JSON: the rpki tests define it with --json)
route_state() {
	ctl show routes "$1" exact | jq -r '[.. | objects | select(has("rpki")) | .rpki][0]'
}
