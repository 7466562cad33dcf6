#!/bin/bash
# IXWATCH-MIB: smilint prints nothing (it exits 0 even on errors, so the output is
# what counts), at the issue's level 4 and at the strictest level 9; net-snmp loads it
# and resolves every notification and table to the expected OIDs.
. "$(dirname "$0")/lib.sh"
plan 6
mib=$top_srcdir/snmp/IXWATCH-MIB.txt
base=$("$top_srcdir/scripts/fetch-base-mibs.sh") || { not_ok "base MIBs from erlang-snmp"; done_testing; }
ok "base MIBs from erlang-snmp in $base"
export SMIPATH="$top_srcdir/snmp:$base"
for lvl in 4 9; do
	out=$(smilint -s -m -l $lvl "$mib" 2>&1)
	if [ -z "$out" ]; then ok "smilint -l $lvl is silent"; else not_ok "smilint -l $lvl"; diag "$out"; fi
done
export MIBDIRS="$top_srcdir/snmp:$base" MIBS=IXWATCH-MIB
want() { # name oid
	local got
	# (stderr dropped: net-snmp's first run on a fresh machine announces
	# "Created directory: /var/lib/snmp/cert_indexes")
	got=$(snmptranslate -On "IXWATCH-MIB::$1" 2>/dev/null)
	[ "$got" = "$2" ] || { diag "$1: got '$got', want '$2'"; return 1; }
}
check "notifications under {ixwatchMIB 0}" eval 'want ixwatchAlertRaised .1.3.6.1.4.1.32473.1.0.1 &&
	want ixwatchAlertCleared .1.3.6.1.4.1.32473.1.0.2 && want ixwatchSourceUp .1.3.6.1.4.1.32473.1.0.3 &&
	want ixwatchSourceDown .1.3.6.1.4.1.32473.1.0.4 && want ixwatchRtrCacheStateChange .1.3.6.1.4.1.32473.1.0.5'
check "tables: sources, RTR caches, alerts" eval 'want ixwatchSourceLastError .1.3.6.1.4.1.32473.1.1.3.1.17 &&
	want ixwatchRtrCacheExpire .1.3.6.1.4.1.32473.1.1.4.1.16 && want ixwatchRtrCacheVrps .1.3.6.1.4.1.32473.1.1.4.1.17 &&
	want ixwatchAlertDescription .1.3.6.1.4.1.32473.1.1.5.1.16 && want ixwatchSyslogDropped .1.3.6.1.4.1.32473.1.1.2.13'
# every column of every table and every scalar is readable by name in the tree dump
n=$(snmptranslate -Tp -IR ixwatchMIB 2>/dev/null | grep -c -- '-R--')
if [ "$n" -eq 63 ]; then ok "63 readable objects (18 scalars, 16+14+15 columns)"; else not_ok "readable objects: $n, want 63"; fi
done_testing
