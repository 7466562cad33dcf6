#!/bin/bash
# agent/rpkid against real RTR caches: two StayRTR instances on loopback serve the
# 19-VRP test file as preference 1 and 2; tests/e2e/rpkid_tool runs the daemon's loop
# with the rpki module and routes for every VRP (own and foreign origin), and checks
# the RIB states after the sync, after the served file is edited (only the routes
# under the changed VRPs are revalidated), after preference 1 is killed (preference 2
# takes over, nothing changes) and after both are killed (health: no cache in sync,
# the VRPs are kept until they expire).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/rtr_lib.sh"
plan 6
need_data || skip_all 6 "stayrtr or shared data absent"
base=$(( base + 5 ))
tool=$top_builddir/tests/e2e/rpkid_tool

unexpire < "$small" > "$T/small.json"
sed -e '/"1.0.4.0\/24"/d' -e 's/"192.0.2.0\/24"/"198.51.100.0\/24"/' \
    "$T/small.json" > "$T/small2.json"
cp "$T/small.json" "$T/served.json"
p1=$base p2=$(( base + 2 ))
stayrtr -bind "127.0.0.1:$p1" -cache "$T/served.json" -checktime=false -refresh 1 \
    -metrics.addr "127.0.0.1:$(( p1 + 1 ))" > "$T/stayrtr-1.log" 2>&1 &
pid1=$!; track_pid $pid1
stayrtr -bind "127.0.0.1:$p2" -cache "$T/served.json" -checktime=false -refresh 1 \
    -metrics.addr "127.0.0.1:$(( p2 + 1 ))" > "$T/stayrtr-2.log" 2>&1 &
pid2=$!; track_pid $pid2
check "two stayrtr instances listening" \
    wait_for 30 bash -c "echo > /dev/tcp/127.0.0.1/$p1 && echo > /dev/tcp/127.0.0.1/$p2"

out=$("$tool" "$p1" "$p2" "$pid1" "$pid2" "$T/small.json" "$T/small2.json" \
    "$T/served.json" 40 2> "$T/tool.err"); rc=$?
echo "$out" | sed 's/^/# /'
grep -v '^(20' "$T/tool.err" | grep -v " info: " | sed 's/^/# stderr: /' | tail -20
check "sync: every route has the state the served VRPs give it" \
    grep -q "^sync=ok vrps=19 file=19 .* wrong=0 " <<< "$out"
check "reload: new states; only the routes under the changed VRPs revalidated" \
    grep -qE "^reload=ok vrps=18 file=18 changed_vrps=3 touched=([0-9]+) expected=\1 " <<< "$out"
check "fallback: preference 2 takes over when 1 is killed, states right" \
    grep -q "^fallback=ok preferred_up=0 second_up=1 vrps=18 wrong=0 " <<< "$out"
check "down: health reports no cache in sync, VRPs and states kept" \
    grep -q "^down=ok health=[0-9]* vrps=18 wrong=0" <<< "$out"
check "clean exit (sanitizers included)" test "$rc" -eq 0
done_testing
