#!/bin/sh
# Runs the control protocol fuzzer for $FUZZ_SECONDS on a copy of its seed corpus (so
# new inputs never land in the source tree); TAP: 1..1.
echo "1..1"
fz=./tests/fuzz/fuzz_control
corpus="${top_srcdir:-.}/tests/fuzz/corpus/control"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_control.XXXXXX") || exit 1
cp "$corpus"/* "$work"/
if [ ! -x "$fz" ]; then
	echo "not ok 1 - fuzz_control: $fz not built (configure --enable-fuzzing)"
	rm -rf "$work"
	exit 0
fi
if "$fz" -max_total_time="${FUZZ_SECONDS:-20}" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 "$work" >"$work.log" 2>&1; then
	echo "ok 1 - fuzz_control ($(grep -c . "$work.log") log lines, $(ls "$work" | wc -l) corpus files)"
else
	echo "not ok 1 - fuzz_control"
	tail -40 "$work.log" | sed 's/^/# /'
	cp "$work.log" ./fuzz_control.failure.log 2>/dev/null
	ls crash-* leak-* timeout-* oom-* 2>/dev/null | sed 's/^/# artifact: /'
fi
rm -rf "$work" "$work.log"
