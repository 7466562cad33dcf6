#!/bin/sh
# Run the JSON VRP loader fuzzer for $FUZZ_SECONDS on its seed corpus (TAP).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
plan 1
fz=$top_builddir/tests/fuzz/fuzz_vrp_json
seeds=$top_srcdir/tests/fuzz/corpus/fuzz_vrp_json
mkdir -p "$T/corpus"
if "$fz" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=1024 \
    -artifact_prefix="$T/" "$T/corpus" "$seeds" > "$T/log" 2>&1; then
	ok "fuzz_vrp_json ran ${FUZZ_SECONDS:-20}s without a crash"
else
	tail -30 "$T/log" | sed 's/^/# /'
	not_ok "fuzz_vrp_json found a crash"
fi
done_testing
