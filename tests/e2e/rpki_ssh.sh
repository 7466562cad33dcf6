#!/bin/bash
# RTR over SSH (RFC 6810 section 7): StayRTR serves a VRP file over SSH on loopback
# with public-key authentication; ixwatchd's cache (transport: ssh) logs in with
# its own key, checks the server's host key against a known_hosts file, syncs and
# validates the routes of a small MRT file. A second daemon whose key StayRTR does
# not authorise, and a third that expects another host key, never sync and say why
# in show rpki. Keys are made by the test with ssh-keygen.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/lib_rpki.sh"
D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 8
if ! command -v stayrtr > /dev/null || ! command -v jq > /dev/null ||
    ! command -v python3 > /dev/null || ! command -v ssh-keygen > /dev/null; then
	for i in $(seq 8); do skip "rtr over ssh" "stayrtr, jq, python3 or ssh-keygen absent"; done
	exit 0
fi
PORT=$(( 34000 + ($$ % 1500) * 4 ))
SSHPORT=$(( PORT + 2 ))

rpki_mrt "$T/feed.mrt" 65010:203.0.113.0/24 65020:192.0.2.0/24 65030:198.51.100.0/24
cat > "$T/served.json" <<EOF
{ "metadata": { "buildtime": "2026-11-23T00:00:00Z" },
  "roas": [
    { "asn": 65010, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "test" },
    { "asn": 65099, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test" }
  ] }
EOF

mkdir -p "$T/keys"
ssh-keygen -q -t ed25519 -N '' -C host -f "$T/keys/host" &&
ssh-keygen -q -t ed25519 -N '' -C ixwatch -f "$T/keys/client" &&
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/keys/stranger" &&
ssh-keygen -q -t ed25519 -N '' -C otherhost -f "$T/keys/otherhost" ||
	diag "ssh-keygen failed"
cp "$T/keys/client.pub" "$T/keys/authorized_keys"
echo "[127.0.0.1]:$SSHPORT $(cut -d' ' -f1-2 "$T/keys/host.pub")" > "$T/keys/known_hosts"
echo "[127.0.0.1]:$SSHPORT $(cut -d' ' -f1-2 "$T/keys/otherhost.pub")" > "$T/keys/known_hosts.wrong"

stayrtr -bind "127.0.0.1:$PORT" -ssh.bind "127.0.0.1:$SSHPORT" -ssh.key "$T/keys/host" \
    -ssh.method.key -ssh.auth.user rpki -ssh.auth.key.file "$T/keys/authorized_keys" \
    -cache "$T/served.json" -checktime=false -refresh 1 -rtr.refresh 1 -rtr.retry 1 \
    -rtr.expire 600 -metrics.addr "127.0.0.1:$(( PORT + 1 ))" >> "$T/stayrtr.log" 2>&1 &
track_pid $!
check "stayrtr serves RTR over SSH on 127.0.0.1:$SSHPORT" \
    wait_t 30 bash -c "echo > /dev/tcp/127.0.0.1/$SSHPORT"

# conf NAME KEY KNOWN_HOSTS: a daemon in $T/NAME with an SSH cache
conf() {
	mkdir -p "$T/$1"
	cat > "$T/$1/ixwatch.yml" <<EOF
daemon:
  pidfile: $T/$1/ixwatchd.pid
  control-socket:
    path: $T/$1/ixwatchd.sock
sources:
  mrt:
    - name: feed
      file: $T/feed.mrt
rpki:
  refresh: 1s
  retry: 1s
  groups:
    - preference: 1
      caches:
        - address: 127.0.0.1
          port: $SSHPORT
          transport: ssh
          ssh-user: rpki
          ssh-host-key: $3
          ssh-private-key: $2
EOF
	"$D" -d -f "$T/$1/ixwatch.yml" 2> "$T/$1/daemon.log" &
	track_pid $!
}
conf good "$T/keys/client" "$T/keys/known_hosts"
conf stranger "$T/keys/stranger" "$T/keys/known_hosts"
conf spoofed "$T/keys/client" "$T/keys/known_hosts.wrong"
c() { local d=$1; shift; "$C" -s "$T/$d/ixwatchd.sock" --json "$@" 2>/dev/null; }
state() { c good show routes "$1" exact | jq -r '[.. | objects | select(has("rpki")) | .rpki][0]'; }
export -f c state
export C T

check "over SSH: the cache is up and in sync, 2 VRPs" \
    wait_t 40 bash -c "c good show rpki | jq -e '.caches[0].state == \"up\" and .vrps_ipv4 == 2' > /dev/null"
check "routes validated with the VRPs from the SSH cache (valid, invalid, not-found)" \
    wait_t 20 bash -c '[ "$(state 203.0.113.0/24) $(state 192.0.2.0/24) $(state 198.51.100.0/24)" = "valid invalid not-found" ]'
check "show rpki names the transport" bash -c "c good show rpki | jq -e '.caches[0].transport == \"ssh\"' > /dev/null"
# the other two had as long as the good one, and more: neither may have synced
sleep 2
check "a key the server does not authorise: never in sync, no VRPs" \
    bash -c "c stranger show rpki | jq -e '.caches[0].state != \"up\" and .vrps_ipv4 == 0' > /dev/null"
check "a server whose host key is not the known one: never in sync, no VRPs" \
    bash -c "c spoofed show rpki | jq -e '.caches[0].state != \"up\" and .vrps_ipv4 == 0' > /dev/null"
check "StayRTR refused the stranger's key, never the daemon's own" \
    bash -c "grep -q 'No key for rpki/.* $(cut -d' ' -f2 "$T/keys/stranger.pub")' '$T/stayrtr.log' &&
    ! grep -q 'No key for rpki/.* $(cut -d' ' -f2 "$T/keys/client.pub")' '$T/stayrtr.log'"
pid=$(cat "$T/good/ixwatchd.pid")
kill "$pid"
check "the daemon exits cleanly" wait_t 10 bash -c "! kill -0 $pid 2>/dev/null"
for d in good stranger spoofed; do
	c $d show rpki | jq -c '.caches[]' | sed "s/^/# $d: /"
	grep -iE "rpki|rtr|ssh" "$T/$d/daemon.log" | tail -4 | sed "s/^/# $d: /"
done
tail -5 "$T/stayrtr.log" | sed 's/^/# stayrtr: /'
done_testing
