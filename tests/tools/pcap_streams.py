#!/usr/bin/env python3
"""Extract the TCP byte streams towards one port (default 1790, BMP) from pcap
files: one file per connection (OUTDIR/stream-N.bin), payload reassembled by
sequence number, retransmissions dropped; the same connection (4-tuple) found in
several captures given in order (a session split over files) is concatenated. Ethernet, Linux cooked (SLL, SLL2) and
raw IP link types; IPv4 and IPv6. Prints one line per stream: file and byte count.
usage: pcap_streams.py [-p PORT] FILE.pcap... OUTDIR"""
import os
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            sys.exit("not a pcap file: %s" % path)
        link = struct.unpack(e + "I", hdr[20:24])[0]
        while True:
            ph = f.read(16)
            if len(ph) < 16:
                return
            incl = struct.unpack(e + "IIII", ph)[2]
            yield link, f.read(incl)


def ip_payload(link, d):
    if link == 1:            # Ethernet (VLAN tags skipped)
        off, et = 14, struct.unpack(">H", d[12:14])[0]
        while et in (0x8100, 0x88a8):
            et = struct.unpack(">H", d[off + 2:off + 4])[0]
            off += 4
    elif link == 113:        # Linux cooked
        off, et = 16, struct.unpack(">H", d[14:16])[0]
    elif link == 276:        # Linux cooked v2
        off, et = 20, struct.unpack(">H", d[0:2])[0]
    elif link in (101, 12, 228, 229):  # raw IP
        off, et = 0, 0x0800 if d[0] >> 4 == 4 else 0x86dd
    else:
        return None
    d = d[off:]
    if et == 0x0800 and len(d) >= 20:
        ihl = (d[0] & 15) * 4
        tot = struct.unpack(">H", d[2:4])[0]
        if d[9] != 6:
            return None
        return d[12:16], d[16:20], d[ihl:tot]
    if et == 0x86dd and len(d) >= 40:
        plen = struct.unpack(">H", d[4:6])[0]
        if d[6] != 6:
            return None
        return d[8:24], d[24:40], d[40:40 + plen]
    return None


def streams(path, port):
    """(key, bytes) per connection of one capture, in first-packet order."""
    flows = {}   # key -> {isn, segs: {rel_seq: bytes}}
    done = []
    for link, d in packets(path):
        ip = ip_payload(link, d)
        if ip is None:
            continue
        src, dst, tcp = ip
        if len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        data = tcp[(tcp[12] >> 4) * 4:]
        if dport != port:
            continue
        key = (src, sport, dst, dport)
        if flags & 0x02:     # SYN: a new connection on this 4-tuple
            if key in flows and flows[key]["segs"]:
                done.append((key, flows.pop(key)))
            # some captures carry data on the SYN itself, at seq
            flows[key] = {"isn": seq if data else (seq + 1) & 0xffffffff, "segs": {}}
        elif key not in flows:  # capture started mid-connection
            flows[key] = {"isn": seq, "segs": {}}
        if not data:
            continue
        rel = (seq - flows[key]["isn"]) & 0xffffffff
        segs = flows[key]["segs"]
        if rel not in segs or len(segs[rel]) < len(data):
            segs[rel] = data
    done.extend(flows.items())
    for key, fl in done:
        out, pos = bytearray(), 0
        for rel in sorted(fl["segs"]):
            s = fl["segs"][rel]
            if rel + len(s) <= pos:
                continue
            if rel > pos:
                break        # a hole: stop at the last contiguous byte
            out += s[pos - rel:]
            pos = rel + len(s)
        if out:
            yield key, bytes(out)


def main():
    args = sys.argv[1:]
    port = 1790
    if len(args) >= 2 and args[0] == "-p":
        port = int(args[1])
        args = args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    outdir = args[-1]
    os.makedirs(outdir, exist_ok=True)
    merged, order = {}, []
    for path in args[:-1]:
        for key, data in streams(path, port):
            if key not in merged:
                merged[key] = bytearray()
                order.append(key)
            merged[key] += data
    for n, key in enumerate(order):
        name = os.path.join(outdir, "stream-%d.bin" % n)
        with open(name, "wb") as f:
            f.write(merged[key])
        print(name, len(merged[key]))


main()
