# Helpers for the SNMP tests (sourced after lib.sh): a real snmpd as AgentX master
# on a unix socket in $T (UDP on 127.0.0.1:$SP), a real snmptrapd on
# 127.0.0.1:$TP logging to $T/traps.log, and the matching ixwatch.yml outputs.
SNMPD=/usr/sbin/snmpd
TRAPD=/usr/sbin/snmptrapd
M=.1.3.6.1.4.1.32473.1		# ixwatchMIB
O=$M.1				# ixwatchObjects
# ixwatchd's SNMPv3 engine id (engine-id), under which snmptrapd knows the v3
# trap user: RFC 3411 format 4, PEN 32473, "ixw-test"
ENGINE=0x80007ed9046978772d74657374

# snmp_state: net-snmp's persistent state in $T/state, no MIB files loaded
snmp_state() {
	export SNMP_PERSISTENT_DIR=$T/state MIBS=""
	mkdir -p "$T/state"
}
# snmpd_conf AGENTX_TIMEOUT: $T/snmpd.conf, AgentX master on $T/agentx.sock,
# community public from 127.0.0.1
snmpd_conf() {
	cat > "$T/snmpd.conf" <<CONF
master agentx
agentXSocket unix:$T/agentx.sock
agentXTimeout $1
agentXRetries 1
rocommunity public 127.0.0.1
CONF
}
# trapd_conf [v3]: $T/snmptrapd.conf on $TP logging community public (and with
# v3, the SHA/AES user trapUser: for informs, and for traps under $ENGINE)
trapd_conf() {
	{
		echo "snmpTrapdAddr udp:127.0.0.1:$TP"
		echo "authCommunity log public"
		echo "authCommunity log viaName"
		if [ "${1:-}" = v3 ]; then
			echo 'createUser trapUser SHA "trapUserAuthPass" AES "trapUserPrivPass"'
			echo "createUser -e $ENGINE trapUser SHA \"trapUserAuthPass\" AES \"trapUserPrivPass\""
			echo "authUser log trapUser priv"
		fi
	} > "$T/snmptrapd.conf"
}
# snmp_yml_agentx: the start of the outputs: section of an ixwatch.yml, the
# subagent on $T/agentx.sock; its traps: entries follow
snmp_yml_agentx() {
	printf 'outputs:\n  snmp:\n    enabled: true\n    agentx-socket: %s\n    engine-id: "%s"\n    traps:\n' \
	    "$T/agentx.sock" "$ENGINE"
}
# snmp_yml_outputs [V3_TIMEOUT [v3trap]]: the outputs: section of an ixwatch.yml,
# the subagent on $T/agentx.sock, SNMPv2c traps to $TP and, with V3_TIMEOUT,
# SNMPv3 authPriv informs (trapUser) to $TP with that timeout (and with v3trap,
# SNMPv3 authPriv traps too)
snmp_yml_outputs() {
	snmp_yml_agentx
	cat <<YML
      - address: 127.0.0.1
        port: $TP
        version: 2c
        community: public
YML
	[ -n "${1:-}" ] || return 0
	v3_sink
	cat <<YML
        inform: true
        retries: 3
        timeout: $1
YML
	[ "${2:-}" = v3trap ] || return 0
	v3_sink
}
# v3_sink: a traps: entry for $TP, SNMPv3 authPriv as trapUser (more keys may follow)
v3_sink() {
	cat <<YML
      - address: 127.0.0.1
        port: $TP
        version: 3
        user: trapUser
        auth: sha
        auth-passphrase: trapUserAuthPass
        priv: aes
        priv-passphrase: trapUserPrivPass
YML
}
# snmpd_start: snmpd on $T/snmpd.conf and udp:127.0.0.1:$SP; tracked, PID in $SNMPD_PID
snmpd_start() {
	"$SNMPD" -f -Lf "$T/snmpd.log" -C -c "$T/snmpd.conf" -p "$T/state/snmpd.pid" \
		"udp:127.0.0.1:$SP" &
	SNMPD_PID=$!
	track_pid "$SNMPD_PID"
}
# trapd_start: snmptrapd on $T/snmptrapd.conf, one line per notification in
# $T/traps.log ("TRAP <security>|<varbinds>"), numeric OIDs; tracked
trapd_start() {
	"$TRAPD" -f -Lf "$T/traps.log" -On -C -c "$T/snmptrapd.conf" -p "$T/state/trapd.pid" \
		-F 'TRAP %P|%v\n' "udp:127.0.0.1:$TP" &
	track_pid $!
}
