#!/bin/sh
# ixwatch-dump's three output forms agree: for MRT files with IPv4/IPv6 updates and
# RIBs (with ADD-PATH), every -J line is valid JSON, and JSON, canonical and bgpdump
# (-m) lines carry the same events with the same prefix, path id, AS path, origin,
# next hop, communities, large communities and aggregator.
. "$top_srcdir/tests/e2e/lib.sh"
DUMP="$top_builddir/ixwatch-dump"
D="$IXW_SHARED/data/mrt"
set -- bgpkit.updates.2024-09-14.bz2 updates.20070211.0141.gz bview.ipv6_unicast_add_path.gz
if [ ! -d "$D" ] || ! command -v python3 >/dev/null; then
	plan 1; skip "output forms" "no shared data or python3"; exit 0
fi
plan $#
for n in "$@"; do
	"$DUMP" "$D/$n" >"$T/c" 2>/dev/null
	"$DUMP" -J "$D/$n" >"$T/j" 2>/dev/null
	"$DUMP" -m "$D/$n" >"$T/m" 2>/dev/null
	if out=$(python3 - "$T/c" "$T/j" "$T/m" <<'PY'
import json, sys
canon = [l.rstrip('\n').split('|') for l in open(sys.argv[1]) if '|STATE|' not in l]
js = [json.loads(l) for l in open(sys.argv[2])]
mb = [l.rstrip('\n').split('|') for l in open(sys.argv[3]) if '|STATE|' not in l]
assert len(canon) == len(js) == len(mb), (len(canon), len(js), len(mb))
bad = 0
for c, j, m in zip(canon, js, mb):
    ap = m[0].endswith('_AP')
    want = [j['type'], j['peer'], str(j['peer_as']), j['prefix'], str(j['path_id'])]
    ok = c[1:6] == want and m[3:6] == [j['peer'], str(j['peer_as']), j['prefix']]
    if j['type'] == 'A':
        ok = ok and c[6:9] == [j['as_path'], j['origin'], j['next_hop']]
        ok = ok and c[11] == ' '.join(j['communities']) and c[12] == ' '.join(j['large_communities'])
        ok = ok and c[14] == j.get('aggregator', '')
        o = 7 if ap else 6
        ok = ok and m[o:o + 3] == [j['as_path'], j['origin'], j['next_hop']]
        ok = ok and m[o + 3] == str(j.get('local_pref', 0)) and m[o + 4] == str(j.get('med', 0))
    if not ok:
        bad += 1
        if bad < 4:
            print('# differ: %s | %s | %s' % ('|'.join(c), j, '|'.join(m)))
print('events=%d mismatches=%d' % (len(js), bad))
sys.exit(1 if bad or not js else 0)
PY
	); then
		ok "$n: $out"
	else
		echo "$out" | sed 's/^/# /'
		not_ok "$n: $(echo "$out" | tail -1)"
	fi
done
done_testing
