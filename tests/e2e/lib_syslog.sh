# Helpers for the alert delivery tests (sourced after lib.sh): real rsyslogd
# receivers on 127.0.0.1, a test CA made with openssl, and ixwatchd's view of its
# remote syslog outputs.

# syslog_need: the whole test is skipped (1..0) without rsyslogd, openssl,
# python3 or rsyslog's GnuTLS stream driver
syslog_need() {
	local tool
	for tool in rsyslogd openssl python3; do
		command -v $tool >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
	done
	[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] ||
	    [ -n "$(find /usr/lib -name lmnsd_gtls.so 2>/dev/null | head -1)" ] || {
		echo "1..0 # SKIP rsyslog-gnutls not installed"; exit 0; }
}

# test_ca: a test CA in $T/ca.pem, $T/ca.key
test_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" \
	    -subj "/CN=ixwatch test CA" -days 2 -out "$T/ca.pem" 2>/dev/null
}
# mk_cert NAME CN: $T/NAME.pem (CN and DNS name CN, signed by the test CA), $T/NAME.key
mk_cert() {
	openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1.key" -subj "/CN=$2" \
	    -out "$T/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" > "$T/$1.ext" &&
	openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
	    -CAcreateserial -days 2 -extfile "$T/$1.ext" -out "$T/$1.pem" 2>/dev/null
}

# rs_conf NAME TEMPLATE INPUTS...: one rsyslogd (config $T/rs-NAME.conf) with the
# config lines INPUTS writing every message as a TEMPLATE line to $T/NAME.log
rs_conf() {
	local n=$1 tpl=$2; shift 2
	mkdir -p "$T/rs-$n"
	{
		echo "global(workDirectory=\"$T/rs-$n\")"
		printf '%s\n' "$@"
		echo "template(name=\"t\" type=\"string\" string=\"$tpl\\n\")"
		echo "*.* action(type=\"omfile\" file=\"$T/$n.log\" template=\"t\")"
	} > "$T/rs-$n.conf"
}
# rs_start NAME: run that rsyslogd; tracked, its PID in $RS_NAME
rs_start() {
	rsyslogd -n -f "$T/rs-$1.conf" -i "$T/rs-$1.pid" 2> "$T/rs-$1.err" &
	eval "RS_$1=$!"
	track_pid $!
}
# listening PORT: something accepts TCP connections on 127.0.0.1:PORT
listening() { python3 -c 'import socket,sys
socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$1"; }

# remote N FIELD: a field of the N-th remote syslog output from "show status"
remote() { ctl --json show status | python3 -c 'import json,sys
r=json.load(sys.stdin)["alerts"]["outputs"]["syslog"]["remote"][int(sys.argv[1])]
print(r[sys.argv[2]])' "$1" "$2"; }
# test_alert: raise (and clear) a test alert, print its id
test_alert() { ctl --json test-alert | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
