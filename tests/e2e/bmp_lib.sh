# Helpers for the collector tests (bmp_*.sh, mrt_*.sh), sourced after lib.sh:
# an ixwatchd with a private pidfile and control socket, ixwatchctl and JSON queries.
D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
FEED=$top_builddir/tests/tools/bmp_feed
DUMP=$top_builddir/ixwatch-dump
TOOLS=$top_srcdir/tests/tools
# The system python starts fast; a pyenv shim may take seconds on a busy machine.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# start_ixwatchd "sources-yaml" [wrapper...]: config with the given sources section
# (indented two spaces under "sources:"), started in the foreground; sets $IXW_PID.
# (replaces lib.sh's start_ixwatchd for these tests)
start_ixwatchd() {
	local src=$1; shift
	{
		ixw_yml_daemon
		echo "sources:"
		printf '%s\n' "$src"
	} > "$T/ixwatch.yml"
	"$@" "$D" -d -f "$T/ixwatch.yml" 2> "$T/ixwatchd.log" &
	IXW_PID=$!
	track_pid "$IXW_PID"
	# the control socket answers once every listener is bound and the loop runs
	# (under valgrind on a loaded machine that can take a while)
	wait_t 60 ctl show status > /dev/null
}
# q 'python expression over j' command...: runs "ixwatchctl --json command", prints the
# expression's value (j is the parsed reply).
q() {
	local expr=$1; shift
	ctl --json "$@" | $PY -c 'import json,sys
j=json.load(sys.stdin)
print(eval(sys.argv[1]))' "$expr"
}
# Routes in the RIB (show summary).
rib_routes() { q 'j["rib"]["routes"]' show summary; }
# wait_until SECONDS command...: lib.sh's wait_t (wall-clock seconds; wait_for
# counts polls, which drift when each poll is slow).
wait_until() { wait_t "$@"; }
# eq VALUE 'expr' command...: q prints VALUE (use with wait_for).
eq() { local v=$1; shift; [ "$(q "$@" 2>/dev/null)" = "$v" ]; }
