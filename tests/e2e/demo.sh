#!/bin/bash
# The README's demo, run non-interactively: a BIRD route server with exabgp members and
# an FRR member exporting BMP, StayRTR, rsyslog and snmptrapd in a network namespace
# (scripts/lab.sh). Asserts that the scenario's alerts raise and clear, with their
# fields, in ixwatchd's JSON-lines file, at the syslog receiver and at snmptrapd as
# SNMPv2c ixwatchAlertRaised/ixwatchAlertCleared traps (IXWATCH-MIB).
. "$(dirname "$0")/lib.sh"
N=31
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
tl=$dir/logs/traps.log
trap_has() { # field=value...: a trap in snmptrapd's log with all of them
	# fields: trap (Raised, Cleared), rule, state (numbers, as in IXWATCH-MIB),
	# prefix (dotted IPv4), len, offender; paired=1: a Cleared whose alert row
	# (index) had a Raised trap of the same rule before it.
	python3 - "$tl" "$@" <<'PY'
import re, sys
path, want = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
cols = {"3": "rule", "5": "state", "7": "prefix", "8": "len", "9": "offender"}
names = {"Rule": "rule", "State": "state", "Prefix": "prefix", "PrefixLength": "len",
         "OffendingAs": "offender"}
traps = []
for line in open(path, errors="replace"):
    if "ixwatchAlertRaised" not in line and "ixwatchAlertCleared" not in line and \
       not re.search(r"32473\.1\.0\.[12]\b", line):
        continue
    t = {"trap": "Raised" if re.search(r"ixwatchAlertRaised|32473\.1\.0\.1\b", line)
         else "Cleared"}
    for vb in line.rstrip("\n").split("\t"):
        name, _, val = vb.partition(" = ")
        m = re.search(r"ixwatchAlert(\w+)\.(\d+)$", name) or \
            re.search(r"32473\.1\.1\.5\.1\.(\d+)\.(\d+)$", name)
        if not m:
            continue
        f = names.get(m.group(1)) or cols.get(m.group(1))
        if f is None:
            continue
        t["index"] = m.group(2)
        val = val.partition(": ")[2].strip() if ": " in val else val.strip('" ')
        if f == "prefix":
            b = val.split()
            val = ".".join(str(int(x, 16)) for x in b) if len(b) == 4 else val
        else:
            n = re.search(r"(\d+)\)?$", val)
            val = n.group(1) if n else val
        t[f] = val
    traps.append(t)
def fits(i, t):
    for k, v in want.items():
        if k == "paired":
            if not any(u["trap"] == "Raised" and u.get("index") == t.get("index") and
                       u.get("rule") == t.get("rule") for u in traps[:i]):
                return False
        elif t.get(k) != v:
            return False
    return True
sys.exit(0 if any(fits(i, t) for i, t in enumerate(traps)) else 1)
PY
}
check "trap: sub-prefix hijack raised for 10.14.0.0/24 by AS64666" \
    trap_has trap=Raised rule=2 state=1 prefix=10.14.0.0 len=24 offender=64666
check "trap: sub-prefix hijack cleared (same alert row, its prefix named)" \
    trap_has trap=Cleared rule=2 state=3 prefix=10.14.0.0 len=24 offender=64666 paired=1
check "trap: RPKI invalid raised for 10.14.0.0/23, origin AS64666" \
    trap_has trap=Raised rule=8 state=1 prefix=10.14.0.0 len=23 offender=64666
check "trap: RPKI invalid cleared" trap_has trap=Cleared rule=8 state=3 prefix=10.14.0.0 len=23 offender=64666 paired=1
check "trap: route leak raised for 10.14.0.0/23 by AS65015" \
    trap_has trap=Raised rule=12 state=1 prefix=10.14.0.0 len=23 offender=65015
check "trap: route leak cleared" trap_has trap=Cleared rule=12 state=3 prefix=10.14.0.0 len=23 offender=65015 paired=1
check "trap: new neighbor AS65015 raised" \
    trap_has trap=Raised rule=4 state=1 prefix=10.14.0.0 len=23 offender=65015
check "trap: new neighbor cleared" trap_has trap=Cleared rule=4 state=3 prefix=10.14.0.0 len=23 offender=65015 paired=1
check "trap: visibility loss of 10.14.0.0/23 via AS65014 raised" \
    trap_has trap=Raised rule=6 state=1 prefix=10.14.0.0 len=23 offender=65014
check "trap: visibility restored, cleared" \
    trap_has trap=Cleared rule=6 state=3 prefix=10.14.0.0 len=23 offender=65014 paired=1
[ "$_failed" -eq 0 ] || { diag "demo output:"; tail -80 "$T/demo.out" | sed 's/^/# /'; }
done_testing
