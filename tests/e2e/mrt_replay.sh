#!/bin/bash
# MRT replay as a source (sources.mrt): TABLE_DUMP_V2 RIBs (ADD-PATH, a >64 KiB
# record, a cut bzip2 file) and BGP4MP update files (gzip, bzip2, a 4096-prefix
# withdrawal) replayed as fast as possible into one ixwatchd: each MRT peer becomes a
# source, the sources are up when the file is done, and every replay's routes equal
# the final table of "ixwatch-dump" on the same file. A paced replay (speed factor)
# takes the recorded time divided by the factor.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/bmp_lib.sh"

M=$IXW_SHARED/data/mrt
files="bview.ipv4_unicast_add_path.gz bview.ipv6_unicast_add_path.gz
bview.64k_stream_overflow.gz routeviews.rib6.20151101.0600_firstMB.bz2
updates.20070211.0141.gz bgpkit.updates.2024-09-14.bz2 updates.long_withdrawal.gz"
if [ ! -r "$M/updates.20070211.0141.gz" ]; then
	plan 1; skip "MRT replay" "no shared data"; exit 0
fi
nfiles=$(echo $files | wc -w)
plan $((nfiles * 2 + 7))

# Final table of ixwatch-dump's events: announce/withdraw per (peer, AS, prefix, path id).
final_count() {
	"$DUMP" "$1" 2> /dev/null | $PY -c 'import sys
rib=set()
for line in sys.stdin:
    f=line.rstrip("\n").split("|")
    if len(f) < 6: continue
    k=(f[2],f[3],f[4],f[5])
    if f[1]=="W": rib.discard(k)
    else: rib.add(k)
print(len(rib))'
}

conf="  mrt:"
n=0
for f in $files; do
	n=$((n + 1))
	conf="$conf
    - name: r$n
      file: $M/$f"
done
conf="$conf
    - name: paced
      file: $M/bgpkit.updates.2024-09-14.bz2
      speed: 200"
start_ixwatchd "$conf"
check "the paced replay is still running after the fast ones started" \
	wait_until 3 eq "False" '[m["done"] for m in j["mrt"] if m["replay"]=="paced"][0]' show summary
check "every fast replay finishes" wait_until 120 eq "$nfiles" \
	'len([m for m in j["mrt"] if m["done"] and m["replay"]!="paced"])' show summary
n=0
for f in $files; do
	n=$((n + 1))
	exp=$(final_count "$M/$f")
	check "$f: routes equal ixwatch-dump's final table ($exp)" eq "$exp" \
		'sum(s["prefixes"] for s in j["sources"] if s.get("replay")=="r'$n'")' show sources
	check "$f: its sources are mrt sources, up" eq "True" \
		'all(s["type"]=="mrt" and s["state"]=="up" for s in j["sources"] if s.get("replay")=="r'$n'") and any(s.get("replay")=="r'$n'" for s in j["sources"])' \
		show sources
done
check "one source per MRT peer (updates.20070211: 31 peers)" eq 31 \
	'len([s for s in j["sources"] if s.get("replay")=="r5"])' show sources
check "the cut RIB file reports its error on the replay" eq "True" \
	'bool([m for m in j["mrt"] if m["replay"]=="r4"][0].get("error"))' show summary
check "the paced replay finishes" wait_until 30 eq "True" \
	'[m["done"] for m in j["mrt"] if m["replay"]=="paced"][0]' show summary
check "... after the recorded 880 s / 200 (>= 4.2 s)" eq "True" \
	'float([m["seconds"] for m in j["mrt"] if m["replay"]=="paced"][0]) >= 4.2' show summary
kill "$IXW_PID"; wait "$IXW_PID"; rc=$?
check "ixwatchd exits cleanly (status $rc)" test "$rc" -eq 0
done_testing
