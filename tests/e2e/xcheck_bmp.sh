#!/bin/sh
# Cross-check the BMP framer and decoder (and the raw BGP path) against tshark on every
# capture in the shared data: per TCP connection, the sequence of BMP messages (type,
# peer type, flags, address, AS, BGP ID) or BGP message types, one summary per UPDATE
# (MP AFI/SAFI, AS path, origin) and the multiset of unicast route events (A/W, prefix,
# path id, AS path). The streams are fed to the framer byte by byte and in chunk sizes
# drawn from a fixed seed. Details and the documented differences: xcheck_pcap.py.
. "$top_srcdir/tests/e2e/lib.sh"
DUMP="$top_builddir/ixwatch-dump"
files=$(ls "$IXW_SHARED"/data/bmp/*.pcap 2>/dev/null)
if [ -z "$files" ] || ! command -v tshark >/dev/null || ! command -v python3 >/dev/null; then
	plan 1; skip "pcap cross-check" "no shared data, tshark or python3"; exit 0
fi
plan $(echo "$files" | wc -l)
for f in $files; do
	n=$(basename "$f")
	case $n in
	30[0-9]-*) port=179 mode=bgp ;;	# raw BGP sessions
	*) port=1790 mode=bmp ;;
	esac
	mkdir -p "$T/$n"
	if out=$(python3 "$top_srcdir/tests/e2e/xcheck_pcap.py" "$DUMP" "$f" $port $mode "$T/$n" 2>&1); then
		ok "$n: $(echo "$out" | tail -1)"
	else
		echo "$out" | sed 's/^/# /'
		not_ok "$n: $(echo "$out" | tail -1)"
	fi
done
done_testing
