#!/bin/bash
# README command 1: install what the build needs, build ixwatch, start ixwatchd in the
# foreground on the example configuration (pidfile, control socket and state in a
# private temporary directory) and show `ixwatchctl show status`. On a terminal it
# keeps running until Ctrl-C, which stops ixwatchd (by PID) and removes the directory;
# without a terminal, or with CI=true, it stops after showing the status.
# Idempotent: run it again at any time. Usage: scripts/demo.sh (as root on Debian 12).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
say() { printf '\n== %s\n' "$*"; }

say "installing build dependencies (scripts/install-deps.sh build)"
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: not root; installing only works if every package is already there"
fi
scripts/install-deps.sh build

say "building (autoreconf, configure, make -j$jobs in build/)"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
mkdir -p build
if [ ! -f build/Makefile ]; then
	(cd build && ../configure -q)
fi
make -C build -s -j"$jobs" agent/ixwatchd agent/ixwatchctl
D=$top/build/agent/ixwatchd
C=$top/build/agent/ixwatchctl

run=$(mktemp -d "${TMPDIR:-/tmp}/ixwatch-demo.XXXXXX")
pid=""
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$run"
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping ixwatchd (pid $pid)"; exit 0' INT TERM

say "configuration: doc/examples/ixwatch.yml with the daemon section moved to $run"
# The normalized form (-nv) has absolute paths and a fixed layout: replace its daemon
# section (user/group would need an "ixwatch" account; /run is the system's).
"$D" -nv -f doc/examples/ixwatch.yml | awk -v dir="$run" '
	/^daemon:/ { skip = 1
		print "daemon:"
		print "  pidfile: \"" dir "/ixwatchd.pid\""
		print "  control-socket:"
		print "    path: \"" dir "/ixwatchd.sock\""
		print "    mode: 0660"
		print "  state-dir: \"" dir "/state\""
		next }
	skip && /^[^ #]/ { skip = 0 }
	!skip { print }' > "$run/ixwatch.yml"
"$D" -n -f "$run/ixwatch.yml"

say "starting: ixwatchd -d -f $run/ixwatch.yml"
"$D" -d -f "$run/ixwatch.yml" &
pid=$!
for _ in $(seq 100); do
	[ -S "$run/ixwatchd.sock" ] && break
	kill -0 "$pid" 2>/dev/null || { echo "demo: ixwatchd exited" >&2; exit 1; }
	sleep 0.1
done

say "ixwatchctl -s $run/ixwatchd.sock show status"
"$C" -s "$run/ixwatchd.sock" show status

if [ -t 0 ] && [ -t 1 ] && [ "${CI:-}" != true ]; then
	say "ixwatchd is running (pid $pid). Try in another shell:"
	echo "   $C -s $run/ixwatchd.sock help"
	echo "   $C -s $run/ixwatchd.sock --json show status"
	echo "   kill -HUP $pid      # reload"
	echo "Ctrl-C stops it."
	wait "$pid" || true
	pid=""
else
	say "not on a terminal (or CI=true): stopping ixwatchd"
fi
