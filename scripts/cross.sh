#!/bin/bash
# Cross builds of ixwatch, run by scripts/test.sh (stage "cross"); prints exactly one
# "PASS:", "FAIL:" or "SKIP:" line per check and "# " lines with sizes and times.
#   mips   big-endian mips-linux-gnu, static, --enable-core-only: the core unit tests
#          (CORE_TESTS) under qemu-mips-static (byte order and strict alignment).
#   armhf  the full daemon against an armhf side sysroot (Debian :armhf packages fetched
#          with a private apt state and unpacked, never installed): CORE_TESTS and
#          DAEMON_TESTS under qemu-arm-static with QEMU_LD_PREFIX=<sysroot>.
#   musl   musl-gcc (the libc family of OpenWrt), --enable-core-only, CORE_TESTS natively.
#   mbedtls3  ixwatchd against mbedtls 3.x (OpenWrt's major version; Debian 12 has 2.28):
#          scripts/mbedtls3.sh, Debian trixie's libmbedtls-dev in a side sysroot, the
#          syslog TLS e2e tests with that build.
# Environment: IXW_CROSS_STAGES (default "mips armhf musl mbedtls3"), IXW_CROSS_CACHE (sysroot
# cache, default /var/cache/ixwatch-cross; reused when present), IXW_CROSS_JOBS (2).
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
stages=${IXW_CROSS_STAGES:-"mips armhf musl mbedtls3"}
cache=${IXW_CROSS_CACHE:-/var/cache/ixwatch-cross}
jobs=${IXW_CROSS_JOBS:-2}
logdir=$top/test-logs
mkdir -p "$logdir"

# Debian armhf packages the full build needs (their dependencies come along).
ARMHF_PKGS="libc6-dev libgcc-s1 libevent-dev libevent-core-2.1-7 libevent-pthreads-2.1-7
 libyaml-dev libbsd-dev librtr-dev libsnmp-dev libmbedtls-dev liburcu-dev zlib1g-dev libbz2-dev"
ARMHF_TRIPLET=arm-linux-gnueabihf

has() { case " $stages " in *" $1 "*) return 0 ;; esac; return 1; }
now() { date +%s; }

# result KIND text: the one line per check that scripts/test.sh counts
nfailed=0
result() { echo "$1: $2"; [ "$1" != FAIL ] || nfailed=$((nfailed + 1)); }

# Run make check in a build dir; sets ncases/npass/nfail from the automake summary.
run_check() { # dir log target
	local rc
	( cd "$1" && make -j"$jobs" "$3" ) >> "$2" 2>&1
	rc=$?
	ncases=$(awk '/^# TOTAL:/ {s+=$3} END {print s+0}' "$2")
	npass=$(awk '/^# PASS:/ {s+=$3} END {print s+0}' "$2")
	nfail=$(awk '/^# (FAIL|ERROR|XPASS):/ {s+=$3} END {print s+0}' "$2")
	[ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
}

# Build everything including the test programs. The cross builds do not use -Werror
# (the native build does): compilers for other targets warn differently (for example
# maybe-uninitialized at other inlining decisions), so warnings are counted and shown.
build() { # dir log what
	local w
	if ! ( cd "$1" && make -j"$jobs" all && make -j"$jobs" check TESTS= ) >> "$2" 2>&1; then
		result FAIL "$3: build failed"; fail_tail "$2"; return 1
	fi
	w=$(grep -c 'warning:' "$2")
	[ "$w" -eq 0 ] || { echo "# $(basename "$1"): $w compiler warnings:"; grep 'warning:' "$2" | sort -u | head -10 | sed 's/^/#   /'; }
	return 0
}

# Print "# " lines with the stripped size of every installed program of a build.
sizes() { # label builddir strip-tool
	local d=$2/_inst f sz
	rm -rf "$d"
	( cd "$2" && make install DESTDIR="$d" ) > /dev/null 2>&1 || { echo "# $1: make install failed"; return; }
	for f in "$d"/usr/local/bin/* "$d"/usr/local/sbin/*; do
		[ -f "$f" ] || continue
		"$3" -o "$d/stripped" "$f" 2>/dev/null || continue
		sz=$(stat -c %s "$d/stripped")
		printf '# %s: %s stripped %d bytes (%d KB)\n' "$1" "$(basename "$f")" "$sz" $((sz / 1024))
		rm -f "$d/stripped"
	done
}

# Size of the dependency-free core library (what a core-only build produces).
core_size() { # label builddir size-tool
	[ -f "$2/libixcore.a" ] || return 0
	"$3" -t "$2/libixcore.a" 2>/dev/null | awk -v l="$1" \
	    'END { printf "# %s: libixcore.a text %d data %d bss %d bytes\n", l, $1, $2, $3 }'
}

fail_tail() { # log
	echo "# --- last lines of $1"
	tail -25 "$1" | sed 's/^/#   /'
}

# After failed test cases: which ones, with the diagnostics their TAP logs hold.
fail_tests() { # builddir log
	local t
	grep -E '^(FAIL|ERROR|XPASS):' "$2" | sed 's/^/#   /'
	for t in $(grep -E '^(FAIL|ERROR):' "$2" | awk '{print $2}' | sort -u); do
		[ -f "$1/$t.log" ] || continue
		echo "# --- $t.log"
		grep -E '^(not ok|# )' "$1/$t.log" | head -15 | sed 's/^/#   /'
	done
}

[ -x "$top/configure" ] || autoreconf -fi > "$logdir/cross-autoreconf.log" 2>&1 ||
	{ result FAIL "cross: autoreconf failed"; exit 1; }

# ---------------------------------------------------------------------------------------
stage_mips() {
	local b=$top/build-cross-mips log=$logdir/cross-mips.log t0 what
	what="mips-linux-gnu core unit tests under qemu-mips-static"
	command -v mips-linux-gnu-gcc > /dev/null || { result SKIP "$what: mips-linux-gnu-gcc missing (gcc-mips-linux-gnu)"; return; }
	command -v qemu-mips-static > /dev/null || { result SKIP "$what: qemu-mips-static missing (qemu-user-static)"; return; }
	t0=$(now)
	: > "$log"
	rm -rf "$b" && mkdir -p "$b"	# fresh: configure arguments differ between runs
	if ! ( cd "$b" && "$top/configure" --host=mips-linux-gnu --enable-core-only --with-rcu=simple \
	    CC=mips-linux-gnu-gcc LDFLAGS=-static ) >> "$log" 2>&1; then
		result FAIL "$what: configure failed"; fail_tail "$log"; return
	fi
	if ! grep -q '^QEMU = qemu-mips-static' "$b/Makefile"; then
		result FAIL "$what: configure did not pick qemu-mips-static as LOG_COMPILER"; return
	fi
	if ! build "$b" "$log" "$what"; then
		:
	elif run_check "$b" "$log" check; then
		result PASS "$what ($ncases cases)"
	else
		result FAIL "$what ($nfail of $ncases cases failed)"; fail_tests "$b" "$log"
	fi
	core_size mips-linux-gnu "$b" mips-linux-gnu-size
	echo "# mips-linux-gnu: configure+build+test $(( $(now) - t0 )) s"
}

# ---------------------------------------------------------------------------------------
# The armhf sysroot: a private apt state (own lists, own empty dpkg status, architecture
# armhf) downloads the packages and their dependency closure; dpkg-deb -x unpacks them.
# Nothing is installed on the host and the host's dpkg architectures are not changed.
armhf_sysroot() { # dir -> 0 when $1/sysroot is usable
	local d=$1 a=$1/apt conf=$1/apt/apt.conf
	command -v apt-get > /dev/null || { reason="apt-get not available"; return 1; }
	mkdir -p "$d" || { reason="cannot create $d"; return 1; }
	# one builder at a time; the lock is held until this script exits
	exec 9> "$d/.lock"
	flock -w 900 9 || { reason="$d is locked by another run"; return 1; }
	# reuse the sysroot when it was made for the same package list
	[ "$(cat "$d/sysroot/.complete" 2>/dev/null)" = "$(echo $ARMHF_PKGS)" ] && return 0
	mkdir -p "$a/lists/partial" "$a/archives/partial" "$a/cache" || { reason="cannot create $a"; return 1; }
	: > "$a/status"
	cat > "$conf" <<-EOF
	APT::Architecture "armhf";
	APT::Architectures { "armhf"; };
	Dir::State::Lists "$a/lists";
	Dir::State::Status "$a/status";
	Dir::Cache "$a/cache";
	Dir::Cache::archives "$a/archives";
	APT::Install-Recommends "false";
	Debug::NoLocking "true";
	EOF
	export APT_CONFIG=$conf
	# A mirror out of sync for one suite (seen: bookworm-security) makes update fail while
	# the main index is fine: retry once, then let the download step decide.
	apt-get -q update >> "$d/fetch.log" 2>&1 || apt-get -q update >> "$d/fetch.log" 2>&1 ||
		echo "# armhf: apt-get update reported errors (see $d/fetch.log); trying the indexes it got"
	# shellcheck disable=SC2086
	apt-get -q -y -d install $ARMHF_PKGS >> "$d/fetch.log" 2>&1 ||
		{ reason="apt-get download of armhf packages failed (see $d/fetch.log)"; unset APT_CONFIG; return 1; }
	unset APT_CONFIG
	rm -rf "$d/sysroot.new" && mkdir -p "$d/sysroot.new"
	for deb in "$a"/archives/*.deb; do
		dpkg-deb -x "$deb" "$d/sysroot.new" || { reason="dpkg-deb -x $deb failed"; return 1; }
	done
	# Debian bookworm is merged-/usr: make /lib point into usr/ as on the target.
	for l in lib bin sbin; do
		[ -e "$d/sysroot.new/$l" ] || ln -s "usr/$l" "$d/sysroot.new/$l"
	done
	# Absolute symlinks (e.g. lib*.so -> /lib/...) must resolve inside the sysroot.
	find "$d/sysroot.new" -type l -lname '/*' | while read -r l; do
		ln -sfn "$d/sysroot$(readlink "$l")" "$l"
	done
	echo $ARMHF_PKGS > "$d/sysroot.new/.complete"
	rm -rf "$d/sysroot" && mv "$d/sysroot.new" "$d/sysroot"
}

# Until the daemon links every library itself, prove the sysroot does: one call into each
# dependency, linked with the flags configure found, run under qemu.
armhf_probe() { # sysroot builddir
	local p=$2/dep-probe what="armhf sysroot: every dependency links and runs under qemu-arm-static"
	cat > "$p.c" <<-'EOF'
	#include <stdio.h>
	#include <string.h>
	#include <event2/event.h>
	#include <event2/thread.h>
	#include <yaml.h>
	#include <rtrlib/rtrlib.h>
	#include <mbedtls/version.h>
	#include <zlib.h>
	#include <bzlib.h>
	#include <urcu.h>
	#include <net-snmp/net-snmp-config.h>
	#include <net-snmp/net-snmp-includes.h>
	#include <net-snmp/agent/net-snmp-agent-includes.h>
	int
	main(void)
	{
		struct pfx_table t;
		char v[32], s[8];

		mbedtls_version_get_string(v);
		pfx_table_init(&t, NULL);
		pfx_table_free(&t);
		rcu_register_thread();
		rcu_unregister_thread();
		if (evthread_use_pthreads() != 0 || strlcpy(s, "ixwatch", sizeof(s)) != 7)
			return 1;
		printf("libevent %s yaml %s mbedtls %s zlib %s bzip2 %s net-snmp %s\n",
		    event_get_version(), yaml_get_version_string(), v, zlibVersion(),
		    BZ2_bzlibVersion(), netsnmp_get_version());
		return 0;
	}
	EOF
	# shellcheck disable=SC2046
	if (cd "$2" && $cc -o "$p" "$p.c" $(for v in LIBEVENT YAML LIBBSD RTRLIB NETSNMP URCU; do
	    sed -n "s/^${v}_CFLAGS = //p; s/^${v}_LIBS = //p" Makefile; done) \
	    $(sed -n 's/^LIBEVENT_PTHREADS_LIBS = //p; s/^MBEDTLS_LIBS = //p; s/^ZLIB_LIBS = //p; s/^BZ2_LIBS = //p' Makefile) \
	    ) >> "$log" 2>&1 && out=$(QEMU_LD_PREFIX=$1 qemu-arm-static "$p" 2>&1); then
		result PASS "$what ($out)"
	else
		result FAIL "$what"; fail_tail "$log"
	fi
}

stage_armhf() {
	local b=$top/build-cross-armhf log=$logdir/cross-armhf.log t0 t1 what sr reason="" cc
	what="armhf full build, core+daemon unit tests under qemu-arm-static"
	command -v $ARMHF_TRIPLET-gcc > /dev/null || { result SKIP "$what: $ARMHF_TRIPLET-gcc missing (gcc-arm-linux-gnueabihf)"; return; }
	command -v qemu-arm-static > /dev/null || { result SKIP "$what: qemu-arm-static missing (qemu-user-static)"; return; }
	t0=$(now)
	if ! armhf_sysroot "$cache/armhf"; then
		result SKIP "$what: no armhf sysroot: $reason"; return
	fi
	t1=$(now)
	echo "# armhf: sysroot ready in $((t1 - t0)) s ($cache/armhf/sysroot)"
	sr=$cache/armhf/sysroot
	cc="$ARMHF_TRIPLET-gcc --sysroot=$sr"
	: > "$log"
	rm -rf "$b" && mkdir -p "$b"	# fresh: configure arguments differ between runs
	if ! ( cd "$b" && PKG_CONFIG_SYSROOT_DIR=$sr \
	    PKG_CONFIG_LIBDIR=$sr/usr/lib/$ARMHF_TRIPLET/pkgconfig:$sr/usr/share/pkgconfig \
	    "$top/configure" --host=$ARMHF_TRIPLET CC="$cc" ) >> "$log" 2>&1; then
		result FAIL "$what: configure failed"; fail_tail "$log"; return
	fi
	armhf_probe "$sr" "$b"
	if ! build "$b" "$log" "$what"; then
		:
	elif QEMU_LD_PREFIX=$sr run_check "$b" "$log" check-unit; then
		result PASS "$what ($ncases cases)"
	else
		result FAIL "$what ($nfail of $ncases cases failed)"; fail_tests "$b" "$log"
	fi
	sizes armhf "$b" $ARMHF_TRIPLET-strip
	echo "# armhf: configure+build+test $(( $(now) - t1 )) s"
}

# ---------------------------------------------------------------------------------------
stage_musl() {
	local b=$top/build-cross-musl log=$logdir/cross-musl.log t0 what
	what="musl-gcc core unit tests"
	command -v musl-gcc > /dev/null || { result SKIP "$what: musl-gcc missing (musl-tools)"; return; }
	t0=$(now)
	: > "$log"
	rm -rf "$b" && mkdir -p "$b"	# fresh: configure arguments differ between runs
	if ! ( cd "$b" && "$top/configure" --enable-core-only --with-rcu=simple \
	    CC=musl-gcc ) >> "$log" 2>&1; then
		result FAIL "$what: configure failed"; fail_tail "$log"; return
	fi
	if ! build "$b" "$log" "$what"; then
		:
	elif run_check "$b" "$log" check; then
		result PASS "$what ($ncases cases)"
	else
		result FAIL "$what ($nfail of $ncases cases failed)"; fail_tests "$b" "$log"
	fi
	core_size musl "$b" size
	echo "# musl: configure+build+test $(( $(now) - t0 )) s"
}

start=$(now)
has mips && stage_mips
has armhf && stage_armhf
has musl && stage_musl
if has mbedtls3; then
	# its own PASS:/FAIL:/SKIP: and "# " lines; the same cache directory
	IXW_CROSS_CACHE=$cache IXW_CROSS_JOBS=$jobs "$top/scripts/mbedtls3.sh" > "$logdir/cross-mbedtls3.out" 2>&1
	grep -E '^(PASS|FAIL|SKIP|#)' "$logdir/cross-mbedtls3.out"
	grep -q '^FAIL:' "$logdir/cross-mbedtls3.out" && nfailed=$((nfailed + 1))
fi
echo "# cross: total $(( $(now) - start )) s"
[ "$nfailed" -eq 0 ]
