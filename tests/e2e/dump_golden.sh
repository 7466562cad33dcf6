#!/bin/sh
# ixwatch-dump on hand-built fixtures (tests/e2e/make_dump_fixtures.py writes them; the
# expected outputs were checked by hand, and against bgpdump for the MRT one):
# every attribute form, AS_SET/confederation rendering, the AS4_PATH merge, an IPv6
# next hop with link-local, BMP ADD-PATH from the Peer Up OPENs (both ways, and
# one way with Adj-RIB-Out) and the A flag.
. "$top_srcdir/tests/e2e/lib.sh"
DUMP="$top_builddir/ixwatch-dump"
F="$top_srcdir/tests/fixtures"
plan 7
"$DUMP" "$F/mrt/attrs.mrt" >"$T/mrt" 2>"$T/err"
check "MRT fixture: canonical lines as expected" diff -u "$F/mrt/attrs.expected" "$T/mrt"
if command -v bgpdump >/dev/null; then
	bgpdump -m "$F/mrt/attrs.mrt" 2>/dev/null >"$T/ref"
	"$DUMP" -m "$F/mrt/attrs.mrt" >"$T/m"
	check "MRT fixture: -m identical to bgpdump -m ($(wc -l <"$T/ref") lines)" cmp -s "$T/ref" "$T/m"
else
	skip "MRT fixture vs bgpdump" "bgpdump not installed"
fi
for c in 1 5 65536; do
	"$DUMP" -M -c $c -b "$F/bmp/session.bmp" >"$T/bmp.$c" 2>"$T/err"
	check "BMP fixture, framer chunk $c: lines as expected" diff -u "$F/bmp/session.expected" "$T/bmp.$c"
done
"$DUMP" -J -b "$F/bmp/session.bmp" >"$T/json"
check "BMP fixture: -J is JSON with the path ids" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ids = sorted(e["path_id"] for e in ev)
sys.exit(0 if ids == [0, 7, 8, 9] else 1)' "$T/json"
# ADD-PATH one way: the router sends path ids (Adj-RIB-Out, O flag), the peer not
"$DUMP" -J -b "$F/bmp/adjout.bmp" >"$T/adjout" 2>"$T/err"
check "BMP ADD-PATH one way: path ids read on Adj-RIB-Out only" python3 -c '
import json, sys
ev = [(e["prefix"], e["path_id"]) for e in map(json.loads, open(sys.argv[1]))]
sys.exit(0 if ev == [("203.0.113.0/24", 5), ("203.0.113.0/24", 6),
    ("198.51.100.0/24", 0), ("198.51.101.0/24", 0)] else 1)' "$T/adjout"
done_testing
