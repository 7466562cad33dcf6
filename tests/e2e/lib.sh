# Shared helpers for the shell tests (sourced). TAP output: plan, ok/not ok, skip.
# Every test gets a scratch dir $T, removed at exit, and kills what it started by PID.
set -u
# Tests run make themselves; do not inherit the outer "make check"'s flags and level.
unset MAKEFLAGS MFLAGS MAKELEVEL
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${IXW_SHARED:=$top_srcdir/../shared}"
T=$(mktemp -d "${TMPDIR:-/tmp}/ixw-test.XXXXXX")
_n=0 _failed=0 _pids=""

plan() { echo "1..$1"; }
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP ${2:-}"; }
diag() { echo "# $*"; }
# check "description" command...: ok if the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# Remember a PID to kill at exit (never kill by name).
track_pid() { _pids="$1 $_pids"; }
# wait_for SECONDS command...: poll every 0.1 s until the command succeeds
wait_for() {
	local t=$(( $1 * 10 )); shift
	while [ "$t" -gt 0 ]; do "$@" 2>/dev/null && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
# wait_t SECONDS command...: like wait_for, but counts wall-clock seconds (for
# commands that take a while themselves on a loaded machine); polls every 0.2 s
wait_t() {
	local end=$((SECONDS + $1)); shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.2
	done
}
# ixw_yml_daemon: the daemon: section of an ixwatch.yml (pidfile, control socket in $T)
ixw_yml_daemon() {
	printf 'daemon:\n  pidfile: %s/ixwatchd.pid\n  control-socket:\n    path: %s/ixwatchd.sock\n' \
	    "$T" "$T"
}
# start_ixwatchd [CONF]: ixwatchd ($D) in the foreground on CONF ($T/ixwatch.yml),
# stderr to $T/daemon.log; tracked, its PID in $IXWD
start_ixwatchd() {
	"$D" -d -f "${1:-$T/ixwatch.yml}" 2> "$T/daemon.log" &
	IXWD=$!
	track_pid $IXWD
}
# ctl ARGS...: ixwatchctl ($C) on the daemon's control socket
ctl() { "$C" -s "$T/ixwatchd.sock" "$@"; }
_cleanup() {
	for p in $_pids; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $_pids; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$T"
}
trap _cleanup EXIT
done_testing() { [ "$_failed" -eq 0 ]; exit $?; }

# free_ports N: N distinct ports of 127.0.0.1 free for both TCP and UDP now,
# drawn from 20000-32767 (below the kernel's ephemeral range, so no outgoing
# connection takes one before its daemon binds it)
free_ports() { python3 -c 'import random, socket, sys
got = []
while len(got) < int(sys.argv[1]):
    p = random.randrange(20000, 32768)
    if p in got:
        continue
    try:
        for k in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, k)
            s.bind(("127.0.0.1", p))
            s.close()
    except OSError:
        continue
    got.append(p)
print(" ".join(map(str, got)))' "$1"; }
