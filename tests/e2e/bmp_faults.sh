#!/bin/bash
# Faulty BMP routers against one ixwatchd (under valgrind when installed: no memory
# error, no definite leak): a router sending garbage is closed with a log line naming
# it and the reason; a router stalling mid-message does not hold up another one;
# 50 routers connecting and dropping, three rounds, leave nothing behind; a router
# outside the allow list is refused; a well-behaved router is unaffected throughout.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/bmp_lib.sh"

plan 16
P_BMP=21022
VG=
if command -v valgrind > /dev/null; then
	VG="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99
	    --log-file=$T/valgrind.log"
fi

"$FEED" -o "$T/a.bin" -S 2000 -P 1
"$FEED" -o "$T/c.bin" -S 1000 -P 1
"$FEED" -o "$T/d.bin" -S 500 -P 1
"$FEED" -o "$T/small.bin" -S 100 -P 2 -w
start_ixwatchd "  bmp:
    listen:
      - address: 127.0.0.1
        port: $P_BMP
    allow: [ 127.0.0.0/9 ]
    max-routers: 60
    reconnect-grace: 0s" $VG
peer_routes() { # peer_routes ROUTER-ADDRESS: routes of the router's peer sources
	q 'sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:'$1'")' show sources
}
"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.7.1 -H 600 "$T/a.bin" &
A_PID=$!
track_pid "$A_PID"
check "a well-behaved router's 2000 routes arrive" wait_until 60 eq 2000 '
sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.1")' show sources

"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.7.2 -g 3000
check "a router sending garbage is closed, the log names it and the reason" \
	wait_until 20 grep -q "router bmp:127.0.7.2 (bmp_feed-garbage): closing the connection: " \
	"$T/ixwatchd.log"
check "... and it is counted as an error" eq 1 'j["bmp"]["errors"]' show summary
check "the well-behaved router is still connected with its routes" \
	eq "1 2000" 'str(j["bmp"]["routers"])+" "+str(j["rib"]["routes"])' show summary

# C stops in the middle of a message and stays connected; D sends everything.
half=$(( $(stat -c %s "$T/c.bin") / 2 + 3 ))
"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.7.3 -t "$half" -H 600 "$T/c.bin" &
C_PID=$!
track_pid "$C_PID"
wait_until 30 eq True '0 < sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.3")' show sources
"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.7.4 -H 600 "$T/d.bin" &
D_PID=$!
track_pid "$D_PID"
check "a router stalled mid-message does not hold up another (500 routes arrive)" \
	wait_until 60 eq 500 '
sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.4")' show sources
c_routes=$(peer_routes 127.0.7.3)
check "the stalled router keeps what it sent whole ($c_routes of 1000 routes)" \
	test "$c_routes" -gt 0 -a "$c_routes" -lt 1000

# 50 routers that connect, send a small table with a Peer Down and drop; 3 rounds.
for round in 1 2 3; do
	for i in $(seq 1 50); do
		"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.8.$i "$T/small.bin" &
		pids="${pids:-} $!"
	done
	for p in $pids; do wait "$p"; done
	pids=
done
check "150 connections of 50 routers were accepted" \
	wait_until 60 eq 154 'j["bmp"]["accepted"]' show summary
check "... and all dropped (3 routers left connected)" \
	wait_until 60 eq 3 'j["bmp"]["routers"]' show summary
check "... leaving no route behind (grace 0)" \
	wait_until 30 eq $((2000 + c_routes + 500)) 'j["rib"]["routes"]' show summary
check "... nor a source (3 routers with one peer each)" \
	eq 6 'j["count"]' show sources
"$FEED" -c 127.0.0.1:$P_BMP -b 127.200.0.1 "$T/small.bin" 2> /dev/null
check "a router outside the allow list is refused" \
	wait_until 10 eq 1 'j["bmp"]["refused"]' show summary
check "... and logged" grep -q "refused router 127.200.0.1: not in the allow list" \
	"$T/ixwatchd.log"
check "the well-behaved router was never disturbed (2000 routes, up)" eq "2000 up" \
	'str(sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.1"))+" "+[s["state"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.1"][0]' \
	show sources
kill -9 "$A_PID"; wait "$A_PID" 2> /dev/null
check "a router killed: its routes are withdrawn" \
	wait_until 30 eq 0 '
sum(s["prefixes"] for s in j["sources"] if s.get("router")=="bmp:127.0.7.1")' show sources
kill "$C_PID" "$D_PID"
wait_until 30 eq 0 'j["rib"]["routes"]' show summary
kill "$IXW_PID"; wait "$IXW_PID"; rc=$?
check "ixwatchd exits cleanly (status $rc${VG:+, valgrind: 99 on errors or leaks})" \
	test "$rc" -eq 0
if [ -n "$VG" ]; then
	grep -E "ERROR SUMMARY|definitely lost" "$T/valgrind.log" | sed 's/^/# /'
	check "valgrind: no memory errors" grep -q "ERROR SUMMARY: 0 errors" "$T/valgrind.log"
else
	skip "valgrind: no memory errors" "valgrind not installed"
fi
done_testing
