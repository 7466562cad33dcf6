#!/usr/bin/env python3
"""The RIB a BMP collector should hold after the given streams, computed from
"ixwatch-dump -M -b" output (FILE.dump, one per router connection, next to the raw
stream FILE): Route Monitoring announcements and withdrawals applied per (router,
peer type, peer distinguisher, peer address, RIB type, prefix, path id), a Peer Down
removing every route of that peer. The peer distinguisher (RD), which the dump does
not print, is read from the raw stream's per-peer headers, message by message.
Prints: routes messages events"""
import struct
import sys


def distinguishers(path):
    """The per-peer header's distinguisher of every message of a raw BMP stream."""
    data = open(path, "rb").read()
    out, off = [], 0
    while off + 6 <= len(data):
        mlen = struct.unpack(">I", data[off + 1:off + 5])[0]
        if mlen < 6 or off + mlen > len(data):
            break
        mtype = data[off + 5]
        out.append(data[off + 8:off + 16] if mtype in (0, 1, 2, 3, 6) else b"")
        off += mlen
    return out

routes = 0
messages = 0
events = 0
for n, path in enumerate(sys.argv[1:]):
    rib = set()
    key = None
    messages_here = 0
    rds = distinguishers(path[:-len(".dump")])
    for line in open(path):
        f = line.rstrip("\n").split("|")
        if f[0] == "BMP":
            rd = rds[messages_here] if messages_here < len(rds) else b""
            messages_here += 1
            messages += 1
            if f[1] == "route-monitoring":
                ptype, flags = int(f[2]), int(f[3], 16)
                # L and O flags pick the RIB; Loc-RIB peers are one per table
                rib_bits = 0 if ptype == 3 else flags & 0x50
                key = (ptype, rd, rib_bits, "" if ptype == 3 else f[4])
            elif f[1] == "peer-down":
                ptype = int(f[2])
                peer = "" if ptype == 3 else f[4]
                rib = {r for r in rib
                       if not (r[0][0] == ptype and r[0][1] == rd and r[0][3] == peer)}
            continue
        if len(f) < 6 or f[1] not in ("A", "W") or key is None:
            continue
        events += 1
        r = (key, f[4], f[5])
        if f[1] == "A":
            rib.add(r)
        else:
            rib.discard(r)
    routes += len(rib)
print(routes, messages, events)
