#!/usr/bin/env python3
"""Independent expectations for tests/e2e/detect_feed.sh.

Reads `ixwatch-dump -m` lines of an MRT replay, keeps each peer's routes, and
writes (1) a prefixes.yml for a deterministic sample of N announced prefixes,
each with every origin ever seen for it, plus every announced more-specific of
a sampled prefix with its own origins (the shape of BGPalerter's generator), and
(2) the alert keys the bogon and MOAS rules must raise: every bogon block a
route fell into, every bogon AS seen in a path, every prefix that at some moment
had routes with two or more origins. Key lines: "rule|victim|offender|disc".
"""
import ipaddress
import sys

# IANA special-purpose registries, "Globally Reachable = False" (1 = bogon),
# with the globally reachable exceptions (0); the longest match decides.
BLOCKS = [
    ("0.0.0.0/8", 1), ("10.0.0.0/8", 1), ("100.64.0.0/10", 1), ("127.0.0.0/8", 1),
    ("169.254.0.0/16", 1), ("172.16.0.0/12", 1), ("192.0.0.0/24", 1),
    ("192.0.0.9/32", 0), ("192.0.0.10/32", 0), ("192.0.2.0/24", 1),
    ("192.168.0.0/16", 1), ("198.18.0.0/15", 1), ("198.51.100.0/24", 1),
    ("203.0.113.0/24", 1), ("224.0.0.0/4", 1), ("240.0.0.0/4", 1),
    ("::/128", 1), ("::1/128", 1), ("::ffff:0:0/96", 1), ("64:ff9b:1::/48", 1),
    ("100::/64", 1), ("100:0:0:1::/64", 1), ("2001::/23", 1), ("2001::/32", 0),
    ("2001:1::1/128", 0), ("2001:1::2/128", 0), ("2001:1::3/128", 0),
    ("2001:3::/32", 0), ("2001:4:112::/48", 0), ("2001:20::/28", 0),
    ("2001:30::/28", 0), ("2001:db8::/32", 1), ("3fff::/20", 1), ("5f00::/16", 1),
    ("fc00::/7", 1), ("fe80::/10", 1), ("ff00::/8", 1),
]


def parse(pfx):
    """(version, address as int, length) of a prefix text, quickly for IPv4."""
    addr, _, ln = pfx.partition("/")
    if ":" in addr:
        return (6, int(ipaddress.IPv6Address(addr)), int(ln))
    a, b, c, d = addr.split(".")
    return (4, (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d), int(ln))


def inside(n, b):
    """Is prefix n equal to or inside block b (tuples from parse)?"""
    if n[0] != b[0] or n[2] < b[2]:
        return False
    width = 32 if n[0] == 4 else 128
    return (n[1] >> (width - b[2])) == (b[1] >> (width - b[2])) if b[2] else True


BLOCKS = [(parse(b), b, g) for b, g in BLOCKS]
FIRST8 = {(b[0][0], b[0][1] >> ((32 if b[0][0] == 4 else 128) - 8)) for b in BLOCKS}
FIRST8 |= {(4, x) for x in range(224, 256)} | {(6, x) for x in range(0xfc, 0x100)}


def bogon_block(pfx):
    n = parse(pfx)
    if (n[0], n[1] >> ((32 if n[0] == 4 else 128) - 8)) not in FIRST8:
        return None
    best = None
    for b, text, bad in BLOCKS:
        if inside(n, b) and (best is None or b[2] > best[0][2]):
            best = (b, text, bad)
    return best[1] if best and best[2] else None


def bogon_asn(a):
    return (a == 0 or a == 23456 or 64496 <= a <= 65535 or 65536 <= a <= 131071 or
            a >= 4200000000)


def path_ases(text):
    """All ASes of a path text ("1 2 {3,4}") and the origin (last AS)."""
    out = []
    for tok in text.split():
        for x in tok.strip("{}").split(","):
            if x:
                out.append(int(x))
    return out, (out[-1] if out else 0)


def set_members(text):
    tok = text.split()[-1] if text.split() else ""
    if tok.startswith("{"):
        return [int(x) for x in tok.strip("{}").split(",") if x]
    return None


def main():
    dump, yml_out, keys_out, nsample = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rib = {}          # prefix -> {peer: origin}
    origins = {}      # prefix -> every origin (set members included) ever seen
    keys = set()
    with open(dump, encoding="utf-8", errors="replace") as fp:
        for line in fp:
            f = line.rstrip("\n").split("|")
            if len(f) < 6 or f[2] not in ("A", "W"):
                continue
            peer, pfx = (f[3], f[4]), f[5]
            routes = rib.setdefault(pfx, {})
            if f[2] == "W":
                routes.pop(peer, None)
                continue
            ases, origin = path_ases(f[6])
            routes[peer] = origin
            members = set_members(f[6])
            origins.setdefault(pfx, set()).update(members if members else [origin])
            blk = bogon_block(pfx)
            if blk:
                keys.add("bogon|%s|%d|prefix" % (blk, origin))
            for a in ases:
                if bogon_asn(a):
                    keys.add("bogon|AS%d|%d|asn" % (a, a))
            if len(set(routes.values())) >= 2:
                keys.add("moas|%s|0|" % pfx)
    nets = sorted(parse(p) + (p,) for p in origins)
    cand = [n for n in nets if n[2] >= 8]          # no default route or giant blocks
    step = max(1, len(cand) // nsample)
    sample = cand[::step][:nsample]
    chosen = set()
    import bisect
    for s in sample:
        width = 32 if s[0] == 4 else 128
        hi = s[1] | ((1 << (width - s[2])) - 1)
        i = bisect.bisect_left(nets, (s[0], s[1], 0))
        while i < len(nets) and nets[i][0] == s[0] and nets[i][1] <= hi:
            if nets[i][2] >= s[2]:
                chosen.add(nets[i])
            i += 1
    with open(yml_out, "w") as fp:
        for n in sorted(chosen):
            fp.write("%s:\n  description: sample\n  asn: [%s]\n" %
                     (n[3], ", ".join(str(a) for a in sorted(origins[n[3]]))))
    with open(keys_out, "w") as fp:
        for k in sorted(keys):
            fp.write(k + "\n")
    print("%d prefixes, %d sampled, %d entries, %d expected keys" %
          (len(nets), len(sample), len(chosen), len(keys)))


if __name__ == "__main__":
    main()
