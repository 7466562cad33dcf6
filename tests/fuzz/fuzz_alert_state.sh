#!/bin/sh
# Runs the alert state-file fuzzer for $FUZZ_SECONDS on its seed corpus (TAP).
fuzzer="${top_builddir:-.}/tests/fuzz/fuzz_alert_state"
corpus="${top_srcdir:-.}/tests/fuzz/corpus/fuzz_alert_state"
secs="${FUZZ_SECONDS:-20}"
echo "1..1"
if [ ! -x "$fuzzer" ]; then
	echo "not ok 1 - fuzz_alert_state: $fuzzer not built (configure --enable-fuzzing)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_alert_state.XXXXXX") || exit 1
if "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
    -artifact_prefix="$work/" "$work" "$corpus" >"$work/log" 2>&1; then
	echo "ok 1 - fuzz_alert_state ran ${secs}s without a crash"
	rm -rf "$work"
else
	sed 's/^/# /' "$work/log" | tail -40
	echo "not ok 1 - fuzz_alert_state crashed (artifacts in $work)"
fi
