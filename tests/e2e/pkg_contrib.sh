#!/bin/sh
# contrib/: the systemd unit (systemd-analyze verify against the built ixwatchd: any
# warning fails, since verify exits 0 on unknown keys), its hardening and reload, and
# the FreeBSD and OpenBSD rc.d scripts (sh -n, then sourced with a stub rc.subr that
# records what run_rc_command / rc_cmd would use).
. "$(dirname "$0")/lib.sh"

plan 12
c=$top_srcdir/contrib
unit=$c/ixwatchd.service
daemon=$top_builddir/agent/ixwatchd

# --- systemd -------------------------------------------------------------------------
# Unit file values: "key" -> all values of that key, one per line.
uval() { sed -n "s/^$1=//p" "$unit"; }
if ! command -v systemd-analyze > /dev/null 2>&1; then
	skip "systemd-analyze verify" "systemd-analyze not installed (Debian package systemd)"
elif [ ! -x "$daemon" ]; then
	not_ok "systemd-analyze verify: $daemon not built"
else
	# verify checks that ExecStart's program exists: point it at the build.
	sed "s,/usr/sbin/ixwatchd,$daemon,g" "$unit" > "$T/ixwatchd.service"
	out=$(cd "$T" && systemd-analyze verify --man=no ./ixwatchd.service 2>&1)
	rc=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	check "systemd-analyze verify: no error, no warning" [ "$rc" -eq 0 -a -z "$out" ]
fi
check "unit: Type=simple, foreground ixwatchd -d -f <yml>" sh -c \
	'[ "$1" = simple ] && case "$2" in "/usr/sbin/ixwatchd -d -f /etc/ixwatch/"*.yml) exit 0 ;; esac; exit 1' \
	sh "$(uval Type)" "$(uval ExecStart)"
check "unit: ExecReload sends SIGHUP to \$MAINPID" [ "$(uval ExecReload)" = '/bin/kill -HUP $MAINPID' ]
missing=""
for kv in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    RuntimeDirectory=ixwatch StateDirectory=ixwatch LogsDirectory=ixwatch CapabilityBoundingSet=; do
	grep -qx "$kv" "$unit" || missing="$missing $kv"
done
check "unit: hardening${missing:+ (missing:$missing)}" [ -z "$missing" ]
check "unit: runs as a dedicated user that sysusers.d creates" sh -c \
	'u=$(sed -n "s/^User=//p" "$1"); [ -n "$u" ] && [ "$u" != root ] &&
	 grep -Eq "^u $u " "$2"' sh "$unit" "$c/ixwatch.sysusers.conf"

# --- FreeBSD rc.d ----------------------------------------------------------------------
fb=$c/freebsd/ixwatchd
check "freebsd rc.d: sh -n" sh -n "$fb"
check "freebsd rc.d: PROVIDE/REQUIRE/KEYWORD header" sh -c \
	'grep -q "^# PROVIDE: ixwatchd$" "$1" && grep -q "^# REQUIRE: .*NETWORKING" "$1" &&
	 grep -q "^# KEYWORD: .*shutdown" "$1"' sh "$fb"
cat > "$T/rc.subr" <<'EOF'
load_rc_config() { :; }
run_rc_command() {
	eval "enable=\${$rcvar-}"
	printf 'arg=%s\nname=%s\nrcvar=%s\nenable=%s\ncommand=%s\nprocname=%s\npidfile=%s\n' \
	    "$1" "$name" "$rcvar" "$enable" "$command" "$procname" "$pidfile"
	printf 'args=%s\nextra=%s\nsig_reload=%s\nrequired=%s\nprecmd=%s\n' "$command_args" \
	    "$extra_commands" "${sig_reload:-HUP}" "$required_files" "$start_precmd"
}
EOF
sed -e "s,^\. /etc/rc.subr,. $T/rc.subr," -e "s,%%PREFIX%%,/usr/local,g" "$fb" > "$T/fb.sh"
sh "$T/fb.sh" start > "$T/fb.out" 2>&1
fv() { sed -n "s/^$1=//p" "$T/fb.out"; }
check "freebsd rc.d: name/rcvar ixwatchd(_enable), off by default ($(fv rcvar)=$(fv enable))" \
	sh -c '[ "$1" = ixwatchd ] && [ "$2" = ixwatchd_enable ] && [ "$3" = NO ]' sh "$(fv name)" "$(fv rcvar)" "$(fv enable)"
check "freebsd rc.d: daemon(8) runs '$(fv args)'" sh -c \
	'[ "$1" = /usr/sbin/daemon ] && [ "$2" = /usr/local/sbin/ixwatchd ] && [ "$3" = /var/run/ixwatchd.daemon.pid ] &&
	 [ "$4" = "-f -S -T ixwatchd -p /var/run/ixwatchd.daemon.pid /usr/local/sbin/ixwatchd -d -f /usr/local/etc/ixwatch/ixwatch.yml" ]' \
	sh "$(fv command)" "$(fv procname)" "$(fv pidfile)" "$(fv args)"
check "freebsd rc.d: reload (SIGHUP) and a config check before start" sh -c \
	'case " $1 " in *" reload "*) ;; *) exit 1 ;; esac; [ "$2" = HUP ] && [ -n "$3" ] &&
	 [ "$4" = /usr/local/etc/ixwatch/ixwatch.yml ]' sh "$(fv extra)" "$(fv sig_reload)" "$(fv precmd)" "$(fv required)"

# --- OpenBSD rc.d ----------------------------------------------------------------------
ob=$c/openbsd/ixwatchd
check "openbsd rc.d: sh -n" sh -n "$ob"
cat > "$T/rc.subr.obsd" <<'EOF'
rc_cmd() { printf '%s|%s|%s\n' "$1" "$daemon" "$daemon_flags"; }
EOF
sed -e "s,^\. /etc/rc.d/rc.subr,. $T/rc.subr.obsd," "$ob" > "$T/ob.sh"
got=$(sh "$T/ob.sh" start 2>&1)
check "openbsd rc.d: rc_cmd with daemon and flags ($got)" \
	[ "$got" = "start|/usr/local/sbin/ixwatchd|-f /etc/ixwatch/ixwatch.yml" ]
done_testing
