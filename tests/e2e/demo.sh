#!/bin/bash
# The README's demo, run non-interactively: a BIRD route server with exabgp members and
# an FRR member exporting BMP, StayRTR, rsyslog and snmptrapd in a network namespace
# (scripts/lab.sh). Asserts that the scenario's alerts raise and clear, with their
# fields, in ixwatchd's JSON-lines file and at the syslog receiver.
# (Alert traps are not asserted: on this branch ixwatchd sends source traps only.)
. "$(dirname "$0")/lib.sh"
N=21
plan $N
if [ "$(id -u)" -ne 0 ]; then
	for i in $(seq 1 $N); do skip "demo step $i" "needs root (network namespace)"; done
	exit 0
fi
dir=$T/demo
IXW_DEMO_BIN=$top_builddir DEMO_DIR=$dir DEMO_STEP=${DEMO_STEP:-5} CI=true \
    "$top_srcdir/scripts/demo.sh" > "$T/demo.out" 2>&1
check "demo ran to the end" grep -q 'stopping the lab' "$T/demo.out"
j=$dir/logs/alerts.json
s=$dir/logs/syslog.log
has() { # [-n] field=value... : a JSON line with all of them (-n: none has them)
	python3 - "$j" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
neg = args[:1] == ["-n"]
if neg:
    args = args[1:]
want = [a.split("=", 1) for a in args]
def fits(a):
    for k, v in want:
        if k.endswith("~"):
            if v not in str(a.get(k[:-1], "")):
                return False
        elif str(a.get(k)) != v:
            return False
    return True
n = sum(1 for line in open(path) if fits(json.loads(line)))
sys.exit(0 if (n == 0) == neg else 1)
PY
}
check "sub-prefix hijack of 10.14.0.0/24 raised" has rule=subprefix-hijack state=raised prefix=10.14.0.0/24 origin=64666
check "sub-prefix hijack cleared after the withdrawal" has rule=subprefix-hijack state=cleared
check "RPKI invalid (origin AS64666) raised" has rule=rpki-invalid state=raised origin=64666
check "RPKI invalid cleared" has rule=rpki-invalid state=cleared origin=64666
check "route leak by AS65015 raised (type 3, to the RS's peers)" \
    has rule=route-leak state=raised victim=AS65015 origin=65015 offender2=65005 \
    discriminator=type3 prefix=10.14.0.0/23
check "route leak names the segment" has rule=route-leak state=raised \
    'description~=segment AS3356>AS65015>AS65005' as_path=65015,3356,65014,64514
check "route leak cleared after the withdrawal" has rule=route-leak state=cleared victim=AS65015 reason=resolved
check "fake first hop: new neighbor AS65015 of AS64514 raised" \
    has rule=new-neighbor state=raised victim=AS64514 origin=65015 offender2=64514 \
    discriminator=upstream as_path=65015,64514
check "new neighbor cleared after the withdrawal" has rule=new-neighbor state=cleared victim=AS64514 reason=resolved
check "the fake adjacency going away is no peering visibility loss" has -n rule=peering-visibility-loss
check "no new-neighbor alert blames the legitimate upstream AS65014" \
    has -n rule=new-neighbor origin=65014
check "visibility loss of 10.14.0.0/23 raised" has rule=visibility-loss state=raised prefix=10.14.0.0/23
check "visibility restored: cleared" has rule=visibility-loss state=cleared prefix=10.14.0.0/23
check "no longer seen via upstream AS65014 raised" \
    has rule=visibility-loss state=raised victim=10.14.0.0/23 origin=65014 discriminator=upstream
check "seen via AS65014 again: cleared" \
    has rule=visibility-loss state=cleared victim=10.14.0.0/23 origin=65014 discriminator=upstream
check "syslog receiver got the hijack raise with structured data" \
    grep -q 'rule="subprefix-hijack".*state="raised"' "$s"
check "syslog receiver got the route leak raise naming AS65015" \
    grep -q 'rule="route-leak".*origin="AS65015" state="raised".*segment AS3356>AS65015>AS65005' "$s"
check "syslog receiver got the route leak clear" grep -q 'rule="route-leak".*state="cleared"' "$s"
check "syslog receiver got the new neighbor raise and clear" \
    sh -c "grep -q 'rule=\"new-neighbor\".*origin=\"AS65015\" state=\"raised\"' '$s' && grep -q 'rule=\"new-neighbor\".*state=\"cleared\"' '$s'"
check "syslog receiver got the visibility clear" grep -q 'rule="visibility-loss".*state="cleared"' "$s"
[ "$_failed" -eq 0 ] || { diag "demo output:"; tail -80 "$T/demo.out" | sed 's/^/# /'; }
done_testing
