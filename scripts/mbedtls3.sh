#!/bin/bash
# ixwatchd against mbedtls 3.x (OpenWrt ships 3.6, Debian 12 has 2.28): Debian trixie's
# libmbedtls-dev and its three libraries are fetched with a private apt state (own
# sources list naming trixie, own lists and empty dpkg status; nothing is installed
# on the host) and unpacked with dpkg-deb -x into a side sysroot. ixwatchd is then
# built natively (-Werror) with those headers and libraries (rpath into the sysroot)
# and the TLS code is exercised for real: the syslog unit test and
# tests/e2e/syslog_remote.sh (rsyslog over UDP/TCP/TLS, a wrong-name certificate
# refused) and tests/e2e/alerts_delivery.sh (client certificate), run with that build.
# Called by scripts/cross.sh (stage "mbedtls3"); prints one PASS:/FAIL:/SKIP: line per
# check and "# " lines with versions and times.
# Environment: IXW_CROSS_CACHE (default /var/cache/ixwatch-cross; the sysroot is kept
# in mbedtls3/ there and reused), IXW_CROSS_JOBS (2), IXW_MBEDTLS3_SUITE (trixie).
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
cache=${IXW_CROSS_CACHE:-/var/cache/ixwatch-cross}
jobs=${IXW_CROSS_JOBS:-2}
suite=${IXW_MBEDTLS3_SUITE:-trixie}
mirror=http://deb.debian.org/debian
d=$cache/mbedtls3
b=$top/build-mbedtls3
logdir=$top/test-logs
log=$logdir/mbedtls3.log
PKGS="libmbedtls-dev"
what="ixwatchd against mbedtls 3.x ($suite's libmbedtls-dev)"
mkdir -p "$logdir"
: > "$log"
nfailed=0
result() { echo "$1: $2"; [ "$1" != FAIL ] || nfailed=$((nfailed + 1)); }
fail_tail() { echo "# --- last lines of $1"; tail -25 "$1" | sed 's/^/#   /'; }
t0=$(date +%s)

# --- the side sysroot -------------------------------------------------------------
sysroot() {
	local a=$d/apt deps v
	command -v apt-get > /dev/null || { reason="apt-get not available"; return 1; }
	mkdir -p "$d" || { reason="cannot create $d"; return 1; }
	exec 8> "$d/.lock"
	flock -w 600 8 || { reason="$d is locked by another run"; return 1; }
	[ "$(cat "$d/sysroot/.complete" 2>/dev/null)" = "$suite $PKGS" ] && return 0
	mkdir -p "$a/lists/partial" "$a/archives/partial" "$a/cache" "$a/etc/sources.list.d" ||
		{ reason="cannot create $a"; return 1; }
	: > "$a/status"
	echo "deb $mirror $suite main" > "$a/etc/sources.list"
	cat > "$a/apt.conf" <<-EOF
	Dir::Etc::SourceList "$a/etc/sources.list";
	Dir::Etc::SourceParts "$a/etc/sources.list.d";
	Dir::State::Lists "$a/lists";
	Dir::State::Status "$a/status";
	Dir::Cache "$a/cache";
	Dir::Cache::archives "$a/archives";
	APT::Sandbox::User "root";
	Debug::NoLocking "true";
	EOF
	export APT_CONFIG=$a/apt.conf
	if ! apt-get -q update >> "$d/fetch.log" 2>&1; then
		unset APT_CONFIG; reason="apt-get update for $suite failed (see $d/fetch.log)"; return 1
	fi
	# the -dev package and exactly the libraries it depends on (not trixie's libc)
	deps=$(apt-cache show $PKGS 2>/dev/null | sed -n 's/^Depends: //p' | head -1 |
	    tr ',' '\n' | sed 's/ *(.*//; s/^ *//' | grep '^libmbed')
	v=$(apt-cache show $PKGS 2>/dev/null | sed -n 's/^Version: //p' | head -1)
	rm -f "$a"/archives/*.deb
	# shellcheck disable=SC2086
	if [ -z "$deps" ] || ! (cd "$a/archives" && apt-get -q download $PKGS $deps) >> "$d/fetch.log" 2>&1; then
		unset APT_CONFIG; reason="apt-get download of $PKGS ${deps:-(no dependencies found)} failed (see $d/fetch.log)"; return 1
	fi
	unset APT_CONFIG
	echo "# mbedtls3: fetched $PKGS $(echo $deps) $v"
	rm -rf "$d/sysroot.new" && mkdir -p "$d/sysroot.new"
	for deb in "$a"/archives/*.deb; do
		dpkg-deb -x "$deb" "$d/sysroot.new" || { reason="dpkg-deb -x $deb failed"; return 1; }
	done
	echo "$suite $PKGS" > "$d/sysroot.new/.complete"
	rm -rf "$d/sysroot" && mv "$d/sysroot.new" "$d/sysroot"
}

reason=""
if ! sysroot; then
	result SKIP "$what: no mbedtls 3.x sysroot: $reason"
	exit 0
fi
sr=$d/sysroot
libdir=$sr/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
ver=$(sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\(.*\)"/\1/p' "$sr/usr/include/mbedtls/build_info.h" 2>/dev/null)
case $ver in
3.*) echo "# mbedtls3: headers $ver in $sr ($(( $(date +%s) - t0 )) s)" ;;
*) result FAIL "$what: $sr has no mbedtls 3.x headers (version '${ver}')"; exit 1 ;;
esac

# --- build --------------------------------------------------------------------------
t1=$(date +%s)
[ -x "$top/configure" ] || autoreconf -fi >> "$log" 2>&1
rm -rf "$b" && mkdir -p "$b"
if ! ( cd "$b" && "$top/configure" --enable-werror CPPFLAGS="-isystem $sr/usr/include" \
    LDFLAGS="-L$libdir -Wl,-rpath,$libdir" ) >> "$log" 2>&1; then
	result FAIL "$what: configure failed"; fail_tail "$log"; exit 1
fi
if ! ( cd "$b" && make -j"$jobs" all && make -j"$jobs" check TESTS= ) >> "$log" 2>&1; then
	result FAIL "$what: build failed"; fail_tail "$log"; exit 1
fi
# The binary must run with the 3.x libraries of the sysroot, not the host's 2.28.
feat=$("$b/agent/ixwatchd" -V 2>&1 | sed -n 's/^features: //p')
lib=$(ldd "$b/agent/ixwatchd" 2>/dev/null | awk '/libmbedtls\.so/ {print $3}')
case "$feat:$lib" in
*"tls=mbedtls-$ver":"$libdir"/*) result PASS "$what: built with -Werror, runs with $lib ($feat)" ;;
*) result FAIL "$what: ixwatchd does not run with mbedtls $ver (features '$feat', libmbedtls '$lib')"; exit 1 ;;
esac
echo "# mbedtls3: configure+build $(( $(date +%s) - t1 )) s"

# --- the TLS code, for real ------------------------------------------------------------
t1=$(date +%s)
( cd "$b" && make -j"$jobs" check TESTS='tests/unit/test_output_syslog tests/unit/test_config_features tests/e2e/syslog_remote.sh tests/e2e/alerts_delivery.sh' ) >> "$log" 2>&1
rc=$?
npass=$(awk '/^# PASS:/ {s+=$3} END {print s+0}' "$log")
nfail=$(awk '/^# (FAIL|ERROR|XPASS):/ {s+=$3} END {print s+0}' "$log")
nskip=$(awk '/^# SKIP:/ {s+=$3} END {print s+0}' "$log")
if [ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ] && [ "$nskip" -eq 0 ]; then
	result PASS "$what: syslog unit test and TLS e2e tests (syslog_remote, alerts_delivery): $npass cases"
else
	result FAIL "$what: syslog TLS tests ($nfail failed, $nskip skipped, $npass passed)"
	grep -E '^(FAIL|ERROR|SKIP):' "$log" | sed 's/^/#   /'
fi
echo "# mbedtls3: tests $(( $(date +%s) - t1 )) s, total $(( $(date +%s) - t0 )) s"
[ "$nfailed" -eq 0 ]
