#!/bin/sh
# Run the fuzz_mrt libFuzzer target for $FUZZ_SECONDS on its seed corpus
# (tests/fuzz/corpus/fuzz_mrt/); TAP: one case, ok when no crash, leak or timeout.
name=fuzz_mrt
secs=${FUZZ_SECONDS:-20}
bin=${top_builddir:-.}/tests/fuzz/$name
seeds=${top_srcdir:-.}/tests/fuzz/corpus/$name
echo "1..1"
if [ ! -x "$bin" ]; then
	echo "ok 1 - $name # SKIP not built (configure --enable-fuzzing CC=clang)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
mkdir "$work/corpus"
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$work/log" 2>&1; then
	echo "ok 1 - $name ran ${secs}s: $(grep -c . "$work/log") log lines, $(ls "$work/corpus" | wc -l) new inputs"
	rm -rf "$work"
else
	sed 's/^/# /' "$work/log" | tail -n 40
	echo "not ok 1 - $name crashed; artifacts in $work"
fi
