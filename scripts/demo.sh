#!/bin/bash
# README command 1: install what is needed, build ixwatch, and run its main job on a
# small IXP in a private network namespace (see scripts/lab.sh): a BIRD route server
# with two members (exabgp) and an FRR member exporting BMP, a StayRTR RTR cache, an
# snmptrapd and an rsyslog receiver. ixwatchd peers with the route server, collects
# FRR's BMP, validates with RPKI, and a scripted scenario plays out: a sub-prefix
# hijack with an RPKI-invalid origin, a route leak, a fake first hop, a visibility loss and its
# recovery. Alerts show as they raise and clear (ixwatchctl show alerts), and what
# reached syslog and the trap receiver is printed at the end.
#
# On a terminal it keeps the lab running afterwards until Ctrl-C; without one (or with
# CI=true) it exits after the scenario. Everything it started is stopped by PID and the
# namespace removed, on exit or Ctrl-C. Idempotent. Usage: scripts/demo.sh (as root).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and creates a network namespace)"

if [ -n "${IXW_DEMO_BIN:-}" ]; then
	# tests/e2e/demo.sh: binaries already built, packages already installed
	D=$IXW_DEMO_BIN/agent/ixwatchd
	C=$IXW_DEMO_BIN/agent/ixwatchctl
else
	say "installing what the demo needs (scripts/install-deps.sh all)"
	scripts/install-deps.sh all || die "installing packages failed"
	say "building (autoreconf, configure, make -j$jobs in build/)"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		autoreconf -fi || die "autoreconf failed"
	fi
	mkdir -p build
	[ -f build/Makefile ] || (cd build && ../configure -q) || die "configure failed"
	make -C build -s -j"$jobs" agent/ixwatchd agent/ixwatchctl || die "build failed"
	D=$top/build/agent/ixwatchd
	C=$top/build/agent/ixwatchctl
fi

. scripts/lab.sh
if [ -n "${DEMO_DIR:-}" ]; then
	dir=$DEMO_DIR
	mkdir -p "$dir"
	KEEP_DEMO_DIR=1
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ixwatch-demo.XXXXXX")
fi
finish() {
	trap - EXIT INT TERM
	say "stopping the lab"
	lab_down
	[ -n "${KEEP_DEMO_DIR:-}" ] || rm -rf "$dir"
}
trap finish EXIT
trap 'exit 0' INT TERM

ctl() { "$C" -s "$dir/run/ixwatchd.sock" "$@"; }
alerts() { echo "\$ ixwatchctl show alerts"; ctl show alerts; }
step() { say "$1"; shift; for c in "$@"; do echo "   $c"; done; }
pause() { sleep "${DEMO_STEP:-5}"; }
# Under load a fixed pause is not enough: mark RULE STATE before an action, await
# after it waits (up to DEMO_WAIT s) for that transition in the JSON-lines file.
seen() {
	grep "\"rule\":\"$1\"" "$dir/logs/alerts.json" 2>/dev/null | grep -c "\"state\":\"$2\""
}
mark() { marked=$(seen "$1" "$2"); }
await() {
	local t=$((${DEMO_WAIT:-30} * 10))
	while [ "$(seen "$1" "$2")" -le "$marked" ]; do
		[ "$t" -gt 0 ] || { echo "   (no $1 alert $2 after ${DEMO_WAIT:-30} s)"; return 1; }
		sleep 0.1
		t=$((t - 1))
	done
}

say "starting the lab in network namespace ixwdemo$$ ($dir)"
lab_up "$dir" "$top" || die "the lab did not come up (logs in $dir/logs)"
lab_ixwatchd "$D" || die "ixwatchd did not start (see $dir/logs/ixwatchd.out)"
echo "ixwatchd: $("$D" -V 2>&1 | head -1), config $dir/ixwatch.yml"

step "baseline: member A (AS65014) announces its customer AS64514's prefixes" \
    "10.14.0.0/23 and 2001:db8:114::/48, both covered by ROAs for AS64514"
lab_member a "announce route 10.14.0.0/23 next-hop 192.0.2.14 as-path [ 65014 64514 ] origin igp"
lab_member a "announce route 2001:db8:114::/48 next-hop 2001:db8::14 as-path [ 65014 64514 ] origin igp"
lab_wait 20 sh -c "\"$C\" -s \"$dir/run/ixwatchd.sock\" show sources | grep -q ' up '" ||
	echo "   (sources not all up yet)"
# the scenario needs the baseline route in the RIB and the VRPs from StayRTR
lab_wait 30 sh -c "\"$C\" -s \"$dir/run/ixwatchd.sock\" show routes 10.14.0.0/23 | grep -q 64514" ||
	echo "   (10.14.0.0/23 not in the RIB yet)"
lab_wait 30 sh -c "\"$C\" -s \"$dir/run/ixwatchd.sock\" show rpki validate 10.14.0.0/23 64514 | grep -q '^state: *valid'" ||
	echo "   (no VRPs yet)"
pause
echo "\$ ixwatchctl show sources"
ctl show sources
echo "\$ ixwatchctl show routes 10.14.0.0/23"
ctl show routes 10.14.0.0/23
alerts

step "1. sub-prefix hijack: member B (AS65015) announces 10.14.0.0/24 from AS64666" \
    "expect: sub-prefix hijack naming AS64666, and RPKI invalid (the ROA says AS64514)"
mark subprefix-hijack raised
lab_member b "announce route 10.14.0.0/24 next-hop 192.0.2.15 as-path [ 65015 64666 ] origin igp"
await subprefix-hijack raised
pause
alerts
echo "\$ ixwatchctl show rpki validate 10.14.0.0/24 64666"
ctl show rpki validate 10.14.0.0/24 64666

step "   ... member B withdraws it: the alerts clear"
mark subprefix-hijack cleared
lab_member b "withdraw route 10.14.0.0/24 next-hop 192.0.2.15"
await subprefix-hijack cleared
pause
alerts

step "2. route leak: member B re-announces AS64514's /23 learned from its provider AS3356" \
    "path 65015 3356 65014 64514 (a valley: provider route sent to IX peers)" \
    "expect: route leak by AS65015, RFC 7908 type 3, segment AS3356>AS65015>AS65005 (the RS)"
mark route-leak raised
lab_member b "announce route 10.14.0.0/23 next-hop 192.0.2.15 as-path [ 65015 3356 65014 64514 ] origin igp"
await route-leak raised
pause
alerts
mark route-leak cleared
lab_member b "withdraw route 10.14.0.0/23 next-hop 192.0.2.15"
await route-leak cleared
pause

step "3. fake first hop: member B announces 10.14.0.0/23 with the right origin AS64514" \
    "but as its neighbor (path 65015 64514): AS64514's only upstream is AS65014" \
    "expect: new neighbor AS65015 upstream of AS64514; it clears after the withdrawal"
mark new-neighbor raised
lab_member b "announce route 10.14.0.0/23 next-hop 192.0.2.15 as-path [ 65015 64514 ] origin igp"
await new-neighbor raised
pause
alerts
mark new-neighbor cleared
lab_member b "withdraw route 10.14.0.0/23 next-hop 192.0.2.15"
await new-neighbor cleared
pause

step "4. visibility loss: member A withdraws 10.14.0.0/23 everywhere"
mark visibility-loss raised
lab_member a "withdraw route 10.14.0.0/23 next-hop 192.0.2.14"
await visibility-loss raised
pause
alerts

step "   ... and announces it again: visibility restored, the alert clears"
mark visibility-loss cleared
lab_member a "announce route 10.14.0.0/23 next-hop 192.0.2.14 as-path [ 65014 64514 ] origin igp"
await visibility-loss cleared
pause
echo "\$ ixwatchctl show alerts --all"
ctl show alerts --all

say "what reached the syslog receiver (rsyslog, RFC 5424 over UDP)"
cat "$dir/logs/syslog.log" 2>/dev/null || echo "(nothing)"
say "what reached the trap receiver (snmptrapd, SNMPv2c)"
# one line per alert trap: notification, rule, state, prefix length, offending AS
sed -n -E 's/.*IXWATCH-MIB::(ixwatchAlert(Raised|Cleared)).*ixwatchAlertRule\.([0-9]+) = INTEGER: ([^\t]*).*ixwatchAlertState\.[0-9]+ = INTEGER: ([^\t]*).*ixwatchAlertPrefixLength\.[0-9]+ = Gauge32: ([0-9]+).*ixwatchAlertOffendingAs\.[0-9]+ = Gauge32: ([0-9]+).*/   \1 row \3: \4 \5, prefix length \6, offending AS\7/p' \
    "$dir/logs/traps.log" 2>/dev/null
echo "   ($(grep -c 'ixwatchSource' "$dir/logs/traps.log" 2>/dev/null || echo 0) source traps;" \
    "the full log: $dir/logs/traps.log)"
say "alert transitions as JSON lines ($dir/logs/alerts.json)"
cat "$dir/logs/alerts.json" 2>/dev/null || echo "(nothing)"

if [ -t 0 ] && [ -t 1 ] && [ "${CI:-}" != true ]; then
	say "the lab keeps running; try in another shell:"
	echo "   $C -s $dir/run/ixwatchd.sock show alerts --all"
	echo "   echo 'announce route 10.14.1.0/24 next-hop 192.0.2.15 as-path [ 65015 666 ]' > $dir/exa-b/cmd.fifo"
	echo "   ip netns exec ixwdemo$$ birdc -s $dir/run/bird.ctl show route"
	echo "Ctrl-C stops everything."
	while sleep 5; do
		printf '\033[2m%s\033[0m\n' "$(date +%T) alerts: $(ctl show alerts 2>/dev/null | grep -c raised) raised"
	done
fi
