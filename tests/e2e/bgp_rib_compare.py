#!/usr/bin/env python3
"""Compare ixwatchd's RIB for one BGP source with a routing daemon's own view.

usage: bgp_rib_compare.py bird|openbgpd DAEMON_OUT SOURCE IXW_JSON...

DAEMON_OUT is `birdc show route all export PROTO` (text) or
`bgpctl -j show rib out neighbor X detail` (JSON, every family; it carries the
ADD-PATH path ids OpenBGPD sends, which must then equal ixwatchd's). IXW_JSON files are `ixwatchctl --json show routes
0.0.0.0/0 longer` and `... ::/0 longer`. Routes are compared as a multiset of
(prefix, AS path, next hop, origin, MED, communities, large communities); ADD-PATH
path ids must map one to one to the daemon's route sources (BIRD: the neighbor the
route came from; OpenBGPD: the path id it sent) across every prefix. Prints the routes that
differ and a summary line; exit status 0 only on full agreement (and a non-empty
table, unless --allow-empty).
"""
import json
import re
import sys


def norm(prefix, aspath, nh, origin, med, comms, lcomms):
    aspath = re.sub(r"([{(])\s*", r"\1", aspath)
    aspath = re.sub(r"\s*([})])", r"\1", aspath)
    return (prefix, " ".join(aspath.split()), nh.lower(), origin.lower(),
            int(med) if med not in (None, "") else None,
            tuple(sorted(comms)), tuple(sorted(lcomms)))


def parse_bird(text):
    """Routes of `birdc show route all`: list of (key, source)."""
    routes, cur, prefix = [], None, None

    def flush():
        if cur is not None:
            routes.append((norm(cur["prefix"], cur.get("as_path", ""), cur.get("nh", "-"),
                                cur.get("origin", "-"), cur.get("med"), cur.get("comm", []),
                                cur.get("lcomm", [])), cur["src"]))

    for line in text.splitlines():
        m = re.match(r"^(\S+)?\s+unicast \[(\S+) [^\]]*?(?:from (\S+))?\]", line)
        if m and not line.startswith("\t"):
            flush()
            if m.group(1):
                prefix = m.group(1)
            cur = {"prefix": prefix, "src": m.group(3) or m.group(2)}
            continue
        if cur is None or not line.startswith("\t"):
            continue
        k, _, v = line.strip().partition(": ")
        if k == "BGP.origin":
            cur["origin"] = v
        elif k == "BGP.as_path":
            cur["as_path"] = v
        elif k == "BGP.next_hop":
            cur["nh"] = v.split()[0]
        elif k == "BGP.med":
            cur["med"] = v
        elif k == "BGP.community":
            cur["comm"] = ["%s:%s" % c for c in re.findall(r"\((\d+),(\d+)\)", v)]
        elif k == "BGP.large_community":
            cur["lcomm"] = ["%s:%s:%s" % c for c in
                            re.findall(r"\((\d+), (\d+), (\d+)\)", v)]
    flush()
    return routes


def parse_bgpctl(text):
    """Routes of `bgpctl -j show rib out neighbor X detail`: list of (key, path id)."""
    routes = []
    for r in json.loads(text).get("rib") or []:
        # `show rib out` shows the MED stored with the route; RFC 4271 §5.1.4: one
        # received from a neighbouring AS is not sent on (OpenBGPD strips it on the
        # wire), so only the MED of routes OpenBGPD originates is expected
        med = r.get("metric", 0) if len(r.get("aspath", "").split()) <= 1 else None
        routes.append((norm(r["prefix"], r.get("aspath", ""), r.get("exit_nexthop", "-"),
                            r.get("origin", "-"), med,
                            r.get("communities") or [], r.get("large_communities") or []),
                       r.get("path_id", 0)))
    return routes


def parse_ixw(files, source, med0=False):
    routes = []
    for f in files:
        with open(f) as fh:
            d = json.load(fh)
        for r in d["routes"]:
            if r["source"] != source:
                continue
            if r["origin"] == "-":
                origin = "-"
            else:
                origin = r["origin"]
            routes.append((norm(r["prefix"], r["as_path"], r["next_hop"], origin,
                                r.get("med", 0 if med0 and len(r["as_path"].split()) <= 1
                                      else None), r["communities"], r["large_communities"]),
                           r["path_id"]))
    return routes


def main():
    args = sys.argv[1:]
    allow_empty = "--allow-empty" in args
    args = [a for a in args if a != "--allow-empty"]
    if len(args) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    kind, dout, source, ixw = args[0], args[1], args[2], args[3:]
    text = open(dout).read()
    theirs = parse_bird(text) if kind == "bird" else parse_bgpctl(text)
    # OpenBGPD shows a missing MED as metric 0
    ours = parse_ixw(ixw, source, med0=(kind != "bird"))
    # BIRD prints origins as IGP/EGP/Incomplete, OpenBGPD as IGP/EGP/incomplete
    tk = sorted(k for k, _ in theirs)
    ok_ = sorted(k for k, _ in ours)
    bad = 0
    for k in sorted(set(tk) | set(ok_)):
        a, b = tk.count(k), ok_.count(k)
        if a != b:
            bad += 1
            print("differs: %s: %s %d, ixwatchd %d" % (k, kind, a, b))
    # path ids: one id per daemon-side source, the same on every prefix
    by_key_theirs = {}
    for k, s in theirs:
        by_key_theirs.setdefault(k, []).append(s)
    src2id, id2src = {}, {}
    for k, pid in ours:
        srcs = by_key_theirs.get(k)
        if not srcs:
            continue
        s = srcs.pop(srcs.index(pid)) if pid in srcs else srcs.pop(0)
        if kind != "bird" and s != pid:
            bad += 1
            print("path id of %s: openbgpd sent %s, ixwatchd has %u" % (k[0], s, pid))
            continue
        if src2id.setdefault(s, pid) != pid or id2src.setdefault(pid, s) != s:
            bad += 1
            print("path id %u of %s does not map to one %s source (%s)" %
                  (pid, k[0], kind, s))
    seen = {}
    for k, pid in ours:
        if (k[0], pid) in seen:
            bad += 1
            print("prefix %s has path id %u twice" % (k[0], pid))
        seen[(k[0], pid)] = 1
    print("%s: %d routes, ixwatchd: %d routes, %d sources/path ids %s, %d differences" %
          (kind, len(tk), len(ok_), len(src2id),
           sorted(src2id.items()), bad))
    if not tk and not allow_empty:
        print("empty table")
        return 1
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
