#!/bin/sh
# Runs one libFuzzer target for $FUZZ_SECONDS (default 20) on a scratch corpus seeded
# from tests/fuzz/corpus/CORPUS/ (new inputs never land in the source tree).
# TAP, one case: ok when no crash, leak, timeout or OOM; a target that was not built
# fails (the fuzz stage builds them all first).
# Usage: run.sh NAME CORPUS [libFuzzer options...]
name=$1 corpus=$2
shift 2
secs=${FUZZ_SECONDS:-20}
bin=${top_builddir:-.}/tests/fuzz/$name
seeds=${top_srcdir:-.}/tests/fuzz/corpus/$corpus
echo "1..1"
if [ ! -x "$bin" ]; then
	echo "not ok 1 - $name: $bin not built (configure --enable-fuzzing CC=clang)"
	exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
mkdir "$work/corpus"
if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds" >"$work/log" 2>&1; then
	echo "ok 1 - $name ran ${secs}s: $(ls "$work/corpus" | wc -l) new inputs"
	rm -rf "$work"
else
	sed 's/^/# /' "$work/log" | tail -n 40
	ls "$work" | grep -E '^(crash|leak|timeout|oom)-' | sed "s|^|# artifact: $work/|"
	echo "not ok 1 - $name failed; artifacts in $work"
	exit 1
fi
