#!/bin/bash
# Real BMP captures ($IXW_SHARED/data/bmp: Cisco IOS-XR, Huawei, 6WIND/FRR; the 208-*
# set is one session of 14 exporters split over four captures) replayed into
# ixwatchd as TCP streams, every router at once from its own loopback address: every
# message is taken, every route event lands in the RIB (the final table equals the one
# computed from "ixwatch-dump -M -b" on the same streams, bmp_expect.py), Peer Downs
# included.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/bmp_lib.sh"

B=$IXW_SHARED/data/bmp
if [ ! -r "$B/204-BMP-CISCO-peer_down__traffic-00.pcap" ]; then
	plan 1; skip "BMP captures" "no shared data"; exit 0
fi
plan 9

P_BMP=21021
for c in 201-BMP-CISCO-rd_instance__traffic-00 204-BMP-CISCO-peer_down__traffic-00 \
    205-BMP-6wind-FRR-peer_down__traffic-00; do
	$PY "$TOOLS/pcap_streams.py" "$B/$c.pcap" "$T/s/$c" > /dev/null
done
M=$B/208-BMP-mem-leak-test__bmp-multi-sources
$PY "$TOOLS/pcap_streams.py" "$M-init.pcap" "$M-peer-up.pcap" "$M-route-monitoring.pcap" \
	"$M-stats.pcap" "$T/s/208" > /dev/null
streams=$(ls "$T"/s/*/stream-*.bin)
nstreams=$(echo "$streams" | wc -l)
for s in $streams; do "$DUMP" -M -b "$s" > "$s.dump"; done
read -r exp_routes exp_msgs exp_events < <($PY "$top_srcdir/tests/e2e/bmp_expect.py" "$T"/s/*/*.dump)
exp_rm=$(cat "$T"/s/*/*.dump | grep -c '^BMP|route-monitoring|')
diag "$nstreams streams: $exp_msgs messages, $exp_rm route monitoring, $exp_events route events, $exp_routes routes at the end"
check "the captures hold 17 router connections and route events" \
	test "$nstreams" -eq 17 -a "$exp_events" -gt 4000

start_ixwatchd "  bmp:
    listen:
      - address: 127.0.0.1
        port: $P_BMP
    max-routers: 64
    reconnect-grace: 10m"
i=0
for s in $streams; do
	i=$((i + 1))
	"$FEED" -c 127.0.0.1:$P_BMP -b 127.0.4.$i -k 1400 "$s" &
	track_pid $!
done
wait_until 60 eq "$exp_msgs" 'j["bmp"]["messages"]' show summary
check "every BMP message of the $nstreams streams is taken ($exp_msgs)" \
	eq "$exp_msgs" 'j["bmp"]["messages"]' show summary
check "no stream was refused or closed for an error" \
	eq "0 0" 'str(j["bmp"]["refused"])+" "+str(j["bmp"]["errors"])' show summary
check "every router is a source ($nstreams)" \
	eq "$nstreams" 'len([s for s in j["sources"] if s["type"]=="bmp-router"])' show sources
check "every Route Monitoring reached a peer source ($exp_rm)" \
	eq "$exp_rm" 'sum(s["updates"] for s in j["sources"] if s["type"]=="bmp-peer")' show sources
check "the RIB holds what ixwatch-dump's events leave ($exp_routes routes)" \
	eq "$exp_routes" 'j["rib"]["routes"]' show summary
check "Initiation sysNames are kept (IOS-XR capture)" \
	eq "True" 'any(s.get("sys_name") for s in j["sources"] if s["type"]=="bmp-router")' \
	show sources
check "Peer Down reasons are kept (204: remote close without NOTIFICATION)" \
	eq "True" 'any("remote close" in s["last_error"] for s in j["sources"])' \
	show sources
kill "$IXW_PID"; wait "$IXW_PID"; rc=$?
check "ixwatchd exits cleanly (status $rc)" test "$rc" -eq 0
done_testing
