#!/bin/sh
# No false positives on real data: the real full feed (577k prefixes, one peer) and
# a 31-peer RIS update file are replayed through the daemon's route path into the
# RIB with the detection engine on every change. prefixes.yml is built from the
# data's own origins for a sample of 1,000 prefixes (and their more-specifics):
# no hijack / sub-prefix / squatting / new-prefix alert may be raised. The bogon
# and MOAS alerts must be exactly what an independent python3 pass over
# ixwatch-dump's output finds in the data.
. "$top_srcdir/tests/e2e/lib.sh"
DUMP="$top_builddir/ixwatch-dump"
REPLAY="$top_builddir/tests/unit/detect_replay"
DATA="$IXW_SHARED/data/mrt"
files="updates.et-header.2015.gz updates.20070211.0141.gz"
if [ ! -r "$DATA/updates.et-header.2015.gz" ] || ! command -v python3 >/dev/null; then
	plan 1; skip "detection on real data" "no shared data or python3"; exit 0
fi
plan 6
for f in $files; do
	"$DUMP" -m "$DATA/$f" >"$T/$f.dump" 2>/dev/null
	info=$(python3 "$top_srcdir/tests/e2e/detect_expect.py" "$T/$f.dump" \
	    "$T/prefixes.yml" "$T/$f.expect" 1000)
	diag "$f: $info"
	cat >"$T/ixwatch.yml" <<EOC
sources:
  mrt:
    - name: feed
      file: $DATA/$f
alerts:
  group-window: 0s
  rate-limit: 0
detection:
  bogons:
    prefixes: true
    asns: true
  rules:
    hijack: { clear-after: 0s }
    sub-prefix-hijack: { clear-after: 0s }
    squatting: { clear-after: 0s }
    new-prefix: { clear-after: 0s }
    bogon: { clear-after: 0s }
    moas: { enabled: true, clear-after: 0s }
prefixes-file: prefixes.yml
EOC
	"$REPLAY" "$T/ixwatch.yml" "$DATA/$f" >"$T/$f.got" 2>"$T/$f.err"
	check "$f: replay ran" test $? -eq 0
	fp=$(grep -cE '^(exact-prefix-hijack|subprefix-hijack|squatting|new-prefix)\|' \
	    "$T/$f.got")
	[ "$fp" -eq 0 ] || grep -E '^(exact|subprefix|squat|new-prefix)' "$T/$f.got" |
	    head -5 | sed 's/^/# /'
	check "$f: no hijack or new-prefix alert on the data's own origins ($fp)" \
	    test "$fp" -eq 0
	grep -E '^(bogon|moas)\|' "$T/$f.got" >"$T/$f.bm"
	if cmp -s "$T/$f.bm" "$T/$f.expect"; then
		ok "$f: bogon and MOAS alerts equal the data ($(grep -c '^bogon' \
		    "$T/$f.bm") bogon, $(grep -c '^moas' "$T/$f.bm") MOAS)"
	else
		diff "$T/$f.expect" "$T/$f.bm" | head -10 | sed 's/^/# /'
		not_ok "$f: bogon and MOAS alerts equal the data"
	fi
done
done_testing
