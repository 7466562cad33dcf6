#!/bin/bash
# The README's demo, run non-interactively: a BIRD route server with exabgp members and
# an FRR member exporting BMP, StayRTR, rsyslog and snmptrapd in a network namespace
# (scripts/lab.sh). Asserts that the scenario's alerts raise and clear, in ixwatchd's
# JSON-lines file and at the syslog receiver.
. "$(dirname "$0")/lib.sh"
plan 9
if [ "$(id -u)" -ne 0 ]; then
	for i in 1 2 3 4 5 6 7 8 9; do skip "demo step $i" "needs root (network namespace)"; done
	exit 0
fi
dir=$T/demo
IXW_DEMO_BIN=$top_builddir DEMO_DIR=$dir DEMO_STEP=${DEMO_STEP:-5} CI=true \
    "$top_srcdir/scripts/demo.sh" > "$T/demo.out" 2>&1
check "demo ran to the end" grep -q 'stopping the lab' "$T/demo.out"
j=$dir/logs/alerts.json
s=$dir/logs/syslog.log
has() { # rule state [prefix]
	python3 - "$j" "$@" <<'PY'
import json, sys
path, rule, state = sys.argv[1:4]
pfx = sys.argv[4] if len(sys.argv) > 4 else None
n = 0
for line in open(path):
    a = json.loads(line)
    if a.get("rule") == rule and a.get("state") == state and (pfx is None or a.get("prefix") == pfx):
        n += 1
sys.exit(0 if n > 0 else 1)
PY
}
check "sub-prefix hijack of 10.14.0.0/24 raised" has subprefix-hijack raised 10.14.0.0/24
check "sub-prefix hijack cleared after the withdrawal" has subprefix-hijack cleared
check "RPKI invalid (origin AS64666) raised" has rpki-invalid raised
check "RPKI invalid cleared" has rpki-invalid cleared
check "visibility loss of 10.14.0.0/23 raised" has visibility-loss raised 10.14.0.0/23
check "visibility restored: cleared" has visibility-loss cleared 10.14.0.0/23
check "syslog receiver got the hijack raise with structured data" \
    grep -q 'rule="subprefix-hijack".*state="raised"' "$s"
check "syslog receiver got the visibility clear" grep -q 'rule="visibility-loss".*state="cleared"' "$s"
[ "$_failed" -eq 0 ] || { diag "demo output:"; tail -60 "$T/demo.out" | sed 's/^/# /'; }
done_testing
