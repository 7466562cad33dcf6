#!/bin/bash
# README command 2: install everything, build, run all tests. Idempotent.
# Stages (IXW_STAGES, default all): deps build minimal asan tsan fuzz cross.
# Ends with one line "N passed, N failed, N skipped"; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
stages=${IXW_STAGES:-"deps build minimal asan tsan fuzz cross"}
jobs=$(nproc 2>/dev/null || echo 2)
logdir=$top/test-logs
mkdir -p "$logdir"
PASS=0 FAIL=0 SKIP=0

has() { case " $stages " in *" $1 "*) return 0 ;; esac; return 1; }
note() { printf '\n=== %s\n' "$*"; }
count_one() { # name rc: a whole step counted as one test
	if [ "$2" -eq 0 ]; then PASS=$((PASS + 1)); echo "PASS: $1"
	else FAIL=$((FAIL + 1)); echo "FAIL: $1 (see $logdir)"; fi
}
# Run "make check"-style target in a build dir and add the automake TAP counts.
check_in() { # dir label target
	local out=$logdir/$2.log rc p f s e
	( cd "$1" && make -j"$jobs" "$3" ) > "$out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' "$out" | sed "s/^/[$2] /"
	p=$(awk '/^# PASS:/ {s+=$3} END {print s+0}' "$out")
	f=$(awk '/^# (FAIL|ERROR|XPASS):/ {s+=$3} END {print s+0}' "$out")
	s=$(awk '/^# SKIP:/ {s+=$3} END {print s+0}' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; echo "FAIL: [$2] $3 failed before any test ran:"; tail -30 "$out"
	fi
	if [ "$f" -gt 0 ]; then
		grep -rl --include='*.log' -E '^(not ok|FAIL)' "$1/tests" 2>/dev/null | head -20 |
		    while read -r l; do echo "--- $l"; grep -E '^(not ok|# )' "$l" | head -20; done
	fi
	PASS=$((PASS + p)); FAIL=$((FAIL + f)); SKIP=$((SKIP + s))
}
configure_in() { # dir configure-args...
	local d=$1; shift
	mkdir -p "$d" && ( cd "$d" && "$top/configure" -q "$@" ) > "$logdir/configure-$(basename "$d").log" 2>&1
}

if has deps; then
	note "installing dependencies"
	scripts/install-deps.sh all > "$logdir/deps.log" 2>&1
	count_one "install dependencies" $? || true
	[ "$FAIL" -gt 0 ] && { tail -20 "$logdir/deps.log"; echo "$PASS passed, $FAIL failed, $SKIP skipped"; exit 1; }
fi

note "bootstrap"
autoreconf -fi > "$logdir/autoreconf.log" 2>&1
count_one "autoreconf" $?

if has build; then
	note "build (-Werror) and all tests: unit, e2e, docs"
	if configure_in build --enable-werror; then
		check_in build main check
	else count_one "configure" 1; tail -20 "$logdir/configure-build.log"; fi
fi
if has minimal; then
	# the OpenWrt menu with SNMP and TLS off: no net-snmp, no mbedtls; the unit tests
	# (config refusing snmp/tls with "built without" among them)
	note "build --without-snmp --without-tls (-Werror), unit tests"
	if configure_in build-minimal --enable-werror --without-snmp --without-tls; then
		check_in build-minimal minimal check-unit
		if ! build-minimal/agent/ixwatchd -V | grep -qx 'features: snmp=no tls=no' ||
		    nm build-minimal/agent/ixwatchd | grep -qiE 'netsnmp|mbedtls'; then
			count_one "minimal: ixwatchd -V says snmp=no tls=no, no net-snmp/mbedtls symbols" 1
		else count_one "minimal: ixwatchd -V says snmp=no tls=no, no net-snmp/mbedtls symbols" 0; fi
	else count_one "configure minimal" 1; tail -20 "$logdir/configure-build-minimal.log"; fi
fi
if has asan; then
	note "ASan+UBSan build, unit tests"
	if configure_in build-asan --enable-werror --enable-sanitizers; then
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 check_in build-asan asan check-unit
	else count_one "configure asan" 1; fi
fi
if has tsan; then
	note "ThreadSanitizer build, concurrency tests"
	if configure_in build-tsan --enable-werror --enable-tsan CC=clang; then
		check_in build-tsan tsan check-concurrency
	else count_one "configure tsan" 1; fi
fi
if has fuzz; then
	note "libFuzzer targets, a short run each"
	if configure_in build-fuzz --enable-fuzzing CC=clang; then
		check_in build-fuzz fuzz fuzz-check
	else count_one "configure fuzz" 1; fi
fi
if has cross && [ -x scripts/cross.sh ]; then
	note "cross builds under qemu"
	scripts/cross.sh > "$logdir/cross.log" 2>&1
	# cross.sh prints its own TAP-like PASS/FAIL lines and a summary line
	grep -E '^(PASS|FAIL|SKIP):' "$logdir/cross.log" | sed 's/^/[cross] /'
	PASS=$((PASS + $(grep -c '^PASS:' "$logdir/cross.log")))
	FAIL=$((FAIL + $(grep -c '^FAIL:' "$logdir/cross.log")))
	SKIP=$((SKIP + $(grep -c '^SKIP:' "$logdir/cross.log")))
fi

echo
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
