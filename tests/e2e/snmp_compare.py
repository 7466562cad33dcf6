#!/usr/bin/env python3
"""Compares an IXWATCH-MIB walk with what ixwatchctl --json reports.

usage: snmp_compare.py KIND WALK JSON OBJECTS_OID
  KIND     sources | rpki | alerts | counters
  WALK     snmpwalk -On -Oq -Oe -Ot -Ox output of OBJECTS_OID
  JSON     ixwatchctl --json show sources | show rpki | show alerts --all |
           show status
Prints one line per compared value that differs and a summary line
"compared=N rows=R mismatches=M"; exits 1 on any mismatch or when nothing was
compared.
"""
import json
import socket
import sys

SOURCE_TYPE = {"bmp-router": 1, "bmp-peer": 2, "bgp": 3, "mrt": 4}
RIB_TYPE = {"-": 1, "adj-rib-in-pre": 2, "adj-rib-in-post": 3, "adj-rib-out-pre": 4,
            "adj-rib-out-post": 5, "loc-rib": 6}
SOURCE_STATE = {"down": 1, "connecting": 2, "syncing": 3, "up": 4}
RULES = ["none", "exact-prefix-hijack", "subprefix-hijack", "squatting",
         "new-neighbor", "new-prefix", "visibility-loss", "peering-visibility-loss",
         "rpki-invalid", "rpki-not-found", "roa-change", "rtr-health", "route-leak",
         "as-path", "bogon", "moas", "source-comparison", "session-health", "test"]
SEVERITY = {"critical": 1, "error": 2, "warning": 3, "notice": 4, "info": 5}
# rtr_cache_state_str() -> ixwatchRtrCacheState (expired(5) is computed apart)
RTR_STATE = {"idle": 1, "connecting": 2, "syncing": 4, "up": 3, "error": 6, "down": 1}


def parse_walk(path, base):
    """{(table_or_scalar_suffix tuple)): value}; strings as bytes."""
    vals, last = {}, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("."):
            oid, _, v = line.partition(" ")
            last = oid
            vals[oid] = v
        elif last is not None:      # a hex string continued on the next line
            vals[last] += " " + line.strip()
    out = {}
    for oid, v in vals.items():
        if not oid.startswith(base + "."):
            continue
        key = tuple(int(x) for x in oid[len(base) + 1:].split("."))
        v = v.strip()
        if v.startswith('"'):
            v = v.strip('"').strip()
            out[key] = bytes.fromhex(v.replace(" ", "")) if v else b""
        else:
            out[key] = int(v)
    return out


def dt(b):
    """DateAndTime -> 'YYYY-MM-DDTHH:MM:SS' (UTC)."""
    if len(b) < 7:
        return None
    return "%04d-%02d-%02dT%02d:%02d:%02d" % ((b[0] << 8) | b[1], b[2], b[3], b[4], b[5], b[6])


class Cmp:
    def __init__(self):
        self.n = 0
        self.bad = 0

    def eq(self, what, mib, want):
        self.n += 1
        if mib != want:
            self.bad += 1
            print("MISMATCH %s: MIB %r, ixwatchctl %r" % (what, mib, want))


def rows(walk, entry_prefix, col):
    """Row ids present in column col of a table (entry_prefix = (subtree, 1))."""
    return sorted(k[3] for k in walk if k[:2] == entry_prefix and k[2] == col)


def cmp_sources(walk, js, c):
    ids = rows(walk, (3, 1), 3)
    c.eq("source row ids", ids, sorted(s["id"] for s in js["sources"]))
    for s in js["sources"]:
        i = s["id"]
        g = lambda col: walk.get((3, 1, col, i))
        c.eq("source %d type" % i, g(2), SOURCE_TYPE[s["type"]])
        c.eq("source %d name" % i, g(3), s["name"].encode())
        c.eq("source %d rib type" % i, g(4), RIB_TYPE[s["rib_type"]])
        c.eq("source %d state" % i, g(11), SOURCE_STATE[s["state"]])
        c.eq("source %d last error" % i, g(17), s["last_error"].encode())
        if "prefixes" in s:
            c.eq("source %d prefixes" % i, g(13), s["prefixes"])
            c.eq("source %d announcements" % i, g(15), s["announcements"])
            c.eq("source %d withdrawals" % i, g(16), s["withdrawals"])
            c.eq("source %d End-of-RIB" % i, g(14), 1 if s["eor_done"] else 2)
    return len(ids)


def cmp_rpki(walk, js, c):
    ids = rows(walk, (4, 1), 2)
    caches = js["caches"]
    c.eq("RTR cache row ids", ids, list(range(1, len(caches) + 1)))
    for i, x in enumerate(caches, 1):
        g = lambda col: walk.get((4, 1, col, i))
        host, _, port = x["cache"].rpartition(":")
        c.eq("cache %d name" % i, g(2), x["cache"].encode())
        c.eq("cache %d address" % i, g(4), socket.inet_pton(
            socket.AF_INET6 if ":" in host else socket.AF_INET, host))
        c.eq("cache %d port" % i, g(5), int(port))
        c.eq("cache %d preference" % i, g(6), x["preference"])
        c.eq("cache %d state" % i, g(8), RTR_STATE[x["state"]])
        c.eq("cache %d session id" % i, g(9), x["session_id"] & 0xffff)
        c.eq("cache %d serial" % i, g(10), x["serial"])
        c.eq("cache %d refresh" % i, g(14), x["refresh"])
        c.eq("cache %d retry" % i, g(15), x["retry"])
        c.eq("cache %d expire" % i, g(16), x["expire"])
        c.eq("cache %d VRPs" % i, g(17), x["vrps"])
    return len(ids)


def cmp_alerts(walk, js, c):
    ids = rows(walk, (5, 1), 2)
    c.eq("alert row ids", ids, sorted(a["id"] for a in js["alerts"]))
    for a in js["alerts"]:
        i = a["id"]
        g = lambda col: walk.get((5, 1, col, i))
        c.eq("alert %d rule" % i, g(3), RULES.index(a["rule"]))
        c.eq("alert %d severity" % i, g(4), SEVERITY[a["severity"]])
        st = g(5)
        c.eq("alert %d state" % i, st == 3 if a["state"] == "cleared" else st in (1, 2), True)
        c.eq("alert %d key names the rule" % i, (a["rule"].encode() in (g(2) or b"")), True)
        off = int(a["offender"][2:]) if a["offender"] else 0
        c.eq("alert %d offending AS" % i, g(9), off)
        if g(6) in (1, 2) and a["prefix"]:
            addr, _, plen = a["prefix"].partition("/")
            fam = socket.AF_INET if g(6) == 1 else socket.AF_INET6
            c.eq("alert %d prefix" % i, g(7), socket.inet_pton(fam, addr))
            c.eq("alert %d prefix length" % i, g(8), int(plen))
        c.eq("alert %d sources" % i, g(12), a["sources"])
        c.eq("alert %d first seen" % i, dt(g(10) or b""), a["first_seen"][:19])
        c.eq("alert %d last seen" % i, dt(g(11) or b""), a["last_seen"][:19])
    return len(ids)


def cmp_counters(walk, js, c):
    k = js["counters"]
    for n, name in ((1, "updates"), (2, "routes"), (3, "prefixes_ipv4"),
                    (4, "prefixes_ipv6"), (5, "alerts_active"), (6, "alerts_raised"),
                    (7, "alerts_cleared"), (8, "alerts_suppressed"),
                    (10, "notifications_sent"), (11, "notifications_dropped"),
                    (12, "syslog_queued"), (13, "syslog_dropped")):
        c.eq("counter %d (%s)" % (n, name), walk.get((2, n, 0)), k[name])
    c.eq("counter 9 (VRPs)", walk.get((2, 9, 0)), js["rpki"]["vrps"])
    return 1


def main():
    kind, walkf, jsonf, base = sys.argv[1:5]
    walk = parse_walk(walkf, base)
    js = json.load(open(jsonf))
    c = Cmp()
    nrows = {"sources": cmp_sources, "rpki": cmp_rpki, "alerts": cmp_alerts,
             "counters": cmp_counters}[kind](walk, js, c)
    print("compared=%d rows=%d mismatches=%d" % (c.n, nrows, c.bad))
    return 1 if c.bad or c.n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
