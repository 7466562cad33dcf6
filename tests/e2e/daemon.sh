#!/bin/bash
# ixwatchd skeleton end to end: config check (-n, -nv), start in the foreground with a
# private pidfile and control socket, ixwatchctl text and JSON, reload by SIGHUP and by
# ixwatchctl (good and bad configs), pidfile locking, a garbage control client, clean
# shutdown; as root, the privilege drop to nobody.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"

D=$top_builddir/agent/ixwatchd
C=$top_builddir/agent/ixwatchctl
plan 41

# write_conf FILE DIR [daemon-key: value ...]: a minimal ixwatch.yml using DIR for
# the pidfile and the control socket.
write_conf() {
	local f=$1 dir=$2 kv; shift 2
	{
		echo "daemon:"
		echo "  pidfile: $dir/ixwatchd.pid"
		for kv in "$@"; do echo "  $kv"; done
		echo "  control-socket:"
		echo "    path: $dir/ixwatchd.sock"
	} > "$f"
}
# A config error at line 5: an unknown key in the daemon section.
write_bad_conf() { write_conf "$1" "$2"; echo "  no-such-key: 1" >> "$1"; }

json_get() { # json_get KEY.SUB < json
	python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[k]
print(v)' "$1"
}
status_json() { "$C" -s "$T/ixwatchd.sock" --json show status; }

check "ixwatchd -V prints the version" sh -c "'$D' -V | grep -q '^ixwatch [0-9]'"

write_conf "$T/good.yml" "$T"
write_bad_conf "$T/bad.yml" "$T"
check "ixwatchd -n accepts a good config" "$D" -n -f "$T/good.yml"
"$D" -n -f "$T/bad.yml" 2> "$T/n.err"; rc=$?
check "ixwatchd -n refuses a bad config (exit $rc)" test "$rc" -ne 0
check "ixwatchd -n names file:line:col" grep -q "^$T/bad.yml:5:[0-9]*: " "$T/n.err"
"$D" -n -f "$T/missing.yml" 2> "$T/missing.err"; rc=$?
check "ixwatchd -n on a missing file exits 1 naming it" \
	sh -c "test $rc -eq 1 && grep -q '$T/missing.yml' '$T/missing.err'"
"$D" -n -D bmp,nosuch -f "$T/good.yml" 2> "$T/D.err"; rc=$?
check "-D with an unknown subsystem is refused, naming it" \
	sh -c "test $rc -ne 0 && grep -q nosuch '$T/D.err'"
"$D" -nv -f "$T/good.yml" > "$T/printed.yml" 2> "$T/nv.err"
check "ixwatchd -nv prints the normalized config" test -s "$T/printed.yml"
check "the printed config parses again" "$D" -n -f "$T/printed.yml"
"$D" -nv -f "$T/printed.yml" > "$T/printed2.yml" 2>&1
check "printing is stable (print(parse(print(c))) == print(c))" cmp -s "$T/printed.yml" "$T/printed2.yml"

"$C" -s "$T/ixwatchd.sock" show status > "$T/ctl.out" 2> "$T/ctl.err"; rc=$?
check "ixwatchctl without a daemon exits 1" test "$rc" -eq 1
check "... and says the daemon is not running" grep -q "not running" "$T/ctl.err"

cp "$T/good.yml" "$T/ixwatch.yml"
"$D" -d -f "$T/ixwatch.yml" 2> "$T/daemon.log" &
pid=$!
track_pid "$pid"
check "ixwatchd -d starts and opens its control socket" wait_for 10 test -S "$T/ixwatchd.sock"
"$C" -s "$T/ixwatchd.sock" show status > "$T/status.txt"
check "show status (text) names the pid" \
	grep -q "^pid: *$pid\$" "$T/status.txt"
check "show status --json parses and names the pid" \
	test "$(status_json | json_get pid)" = "$pid"
check "the control socket has the default mode 0660" \
	test "$(stat -c %a "$T/ixwatchd.sock")" = 660
check "show status has the modules' sections (control: socket, 1 client)" \
	test "$(status_json | json_get control.socket)/$(status_json | json_get control.clients)" = "$T/ixwatchd.sock/1"
check "the pidfile holds the daemon's pid" test "$(cat "$T/ixwatchd.pid")" = "$pid"
"$D" -d -f "$T/ixwatch.yml" 2> "$T/second.err"; rc=$?
check "a second instance refuses to start (exit $rc)" test "$rc" -ne 0
check "... naming the pid that holds the pidfile" grep -q "pid $pid holds" "$T/second.err"

write_conf "$T/ixwatch.yml" "$T" "log: { debug: ctl }"
kill -HUP "$pid"
check "SIGHUP applies a good config (reloads = 1)" \
	wait_for 5 sh -c "test \"\$('$C' -s '$T/ixwatchd.sock' --json show status | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"reloads\"])')\" = 1"
check "ixwatchctl reload succeeds" "$C" -s "$T/ixwatchd.sock" reload
check "... and is counted (reloads = 2)" test "$(status_json | json_get reloads)" = 2

write_bad_conf "$T/ixwatch.yml" "$T"
"$C" -s "$T/ixwatchd.sock" reload > "$T/reload.out" 2> "$T/reload.err"; rc=$?
check "ixwatchctl reload of a bad config exits 1" test "$rc" -eq 1
check "... with the file:line:col message" grep -q "$T/ixwatch.yml:5:[0-9]*: " "$T/reload.err"
kill -HUP "$pid"
check "SIGHUP with a bad config is refused too (failures = 2)" \
	wait_for 5 sh -c "'$C' -s '$T/ixwatchd.sock' --json show status | grep -q '\"reload_failures\":2'"
check "the daemon keeps running the old config (reloads still 2, last failed)" \
	test "$(status_json | json_get reloads)/$(status_json | json_get last_reload.result)" = 2/failed

python3 - "$T/ixwatchd.sock" > "$T/garbage.out" 2>&1 <<'EOF'
import socket, sys
def reply(s):
    f = s.makefile("rb")
    st = f.readline().decode()
    n = int(st.split()[1])
    return st.split()[0], f.read(n).decode(), f
good = socket.socket(socket.AF_UNIX); good.connect(sys.argv[1])
bad = socket.socket(socket.AF_UNIX); bad.connect(sys.argv[1])
bad.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\n")
code, body, f = reply(bad)
print("bad:", code, body.strip(), "eof" if f.read(1) == b"" else "open")
good.sendall(b"--json show status\n")
code, body, f = reply(good)
print("good:", code, body.strip())
EOF
check "a garbage client gets ERR and is disconnected" grep -q "^bad: ERR .*non-printable.* eof$" "$T/garbage.out"
check "a normal client on the same daemon is not disturbed" grep -q '^good: OK {"version"' "$T/garbage.out"
"$C" -s "$T/ixwatchd.sock" frobnicate 2> "$T/unknown.err"; rc=$?
check "an unknown command exits 1 with a hint" sh -c "test $rc -eq 1 && grep -q \"try 'help'\" '$T/unknown.err'"

kill -TERM "$pid"
wait "$pid"; rc=$?
check "SIGTERM: clean exit (status $rc)" test "$rc" -eq 0
check "... pidfile removed" test ! -e "$T/ixwatchd.pid"
check "... control socket removed" test ! -e "$T/ixwatchd.sock"
check "start, reloads and shutdown are logged" sh -c "grep -q 'started' '$T/daemon.log' &&
	grep -q 'reloaded' '$T/daemon.log' && grep -q 'shutting down' '$T/daemon.log'"

# Without -d: daemon(3), syslog; the pidfile names the daemonized process.
"$D" -f "$T/good.yml"; rc=$?
dpid=$(cat "$T/ixwatchd.pid" 2>/dev/null)
[ -n "$dpid" ] && track_pid "$dpid"
check "without -d it daemonizes (exit $rc, pidfile names a live process)" \
	sh -c "test $rc -eq 0 && test -n '$dpid' && kill -0 '$dpid'"
check "the daemonized process answers show status" \
	sh -c "'$C' -s '$T/ixwatchd.sock' show status | grep -q 'pid: *$dpid\$'"
[ -n "$dpid" ] && kill -TERM "$dpid"
check "SIGTERM stops it and removes its pidfile" wait_for 5 test ! -e "$T/ixwatchd.pid"

# Privilege drop: only as root, to nobody, in a directory nobody may write.
if [ "$(id -u)" -eq 0 ] && id nobody > /dev/null 2>&1; then
	R=$T/root && mkdir "$R" && chmod 755 "$T" && chown nobody "$R"
	write_conf "$R/ixwatch.yml" "$R" "user: nobody"
	"$D" -d -f "$R/ixwatch.yml" 2> "$R/daemon.log" &
	rpid=$!
	track_pid "$rpid"
	wait_for 10 test -S "$R/ixwatchd.sock"
	uid=$(id -u nobody)
	check "ixwatchd as root drops to nobody (/proc status Uid)" \
		grep -Eq "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid\$" \
		"/proc/$rpid/status"
	check "the control socket belongs to nobody's group" \
		test "$(stat -c %g "$R/ixwatchd.sock")" = "$(id -g nobody)"
	check "the control socket still works after the drop" \
		sh -c "'$C' -s '$R/ixwatchd.sock' show status | grep -q 'pid: *$rpid'"
	check "reload works after the drop" "$C" -s "$R/ixwatchd.sock" reload
	kill -TERM "$rpid"; wait "$rpid"; rc=$?
	check "... and it exits cleanly (status $rc)" test "$rc" -eq 0
else
	skip "privilege drop to nobody" "not root"
	skip "control socket group" "not root"
	skip "control socket after the drop" "not root"
	skip "reload after the drop" "not root"
	skip "clean exit after the drop" "not root"
fi
done_testing
