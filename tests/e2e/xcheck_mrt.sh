#!/bin/sh
# Cross-check: every route event ixwatch-dump decodes from each MRT file in the shared
# data (BGP4MP, BGP4MP_ET, TABLE_DUMP_V2 incl. ADD-PATH and the >64 KiB record; gzip
# and bzip2) must equal what bgpdump -m prints: prefix, AS path, origin, next hop,
# LOCAL_PREF, MED, communities, atomic aggregate, aggregator, path id, peer, time.
# Compared as multisets by tests/e2e/xcheck_compare.py (bgpdump quirks documented there).
. "$top_srcdir/tests/e2e/lib.sh"
DUMP="$top_builddir/ixwatch-dump"
DATA="$IXW_SHARED/data/mrt"
files=$(ls "$DATA"/*.gz "$DATA"/*.bz2 2>/dev/null | grep -v pyasn)
if [ -z "$files" ] || ! command -v bgpdump >/dev/null || ! command -v python3 >/dev/null; then
	plan 1; skip "MRT cross-check" "no shared data, bgpdump or python3"; exit 0
fi
plan $(echo "$files" | wc -l)
for f in $files; do
	n=$(basename "$f")
	bgpdump -m "$f" >"$T/$n.ref" 2>/dev/null
	# firstMB files end in a cut record: ixwatch-dump reports it on stderr.
	"$DUMP" -m "$f" >"$T/$n.ours" 2>"$T/$n.err"
	if out=$(python3 "$top_srcdir/tests/e2e/xcheck_compare.py" "$T/$n.ours" "$T/$n.ref"); then
		ok "$n: $(echo "$out" | head -1)"
	else
		echo "$out" | sed 's/^/# /'
		sed 's/^/# /' "$T/$n.err" | head -5
		not_ok "$n: $(echo "$out" | head -1)"
	fi
done
done_testing
