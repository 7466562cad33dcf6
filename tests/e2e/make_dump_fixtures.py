#!/usr/bin/env python3
"""Write the hand-built ixwatch-dump fixtures (run from the repository root).

tests/fixtures/mrt/attrs.mrt: BGP4MP_ET MESSAGE_AS4 records whose UPDATEs carry every
attribute ixwatch-dump prints: ORIGIN, AS_PATH with AS_SEQUENCE, AS_SET, AS_CONFED_
SEQUENCE and AS_CONFED_SET segments, NEXT_HOP, MED, LOCAL_PREF, ATOMIC_AGGREGATE,
AGGREGATOR, COMMUNITIES (incl. NO_EXPORT), LARGE_COMMUNITIES; an IPv6 MP_REACH with
a link-local next hop; withdrawals (IPv4 field and MP_UNREACH); and a BGP4MP MESSAGE
(2-octet) UPDATE with AS4_PATH that must be merged (RFC 6793 4.2.3).
tests/fixtures/bmp/session.bmp: a BMP stream: Initiation, Peer Up whose OPENs
negotiate 4-octet ASes and ADD-PATH for IPv4 unicast, Route Monitoring with path ids,
a 2-octet (A flag) peer's Route Monitoring, Statistics, Peer Down, Termination.
tests/fixtures/bmp/adjout.bmp: ADD-PATH one way only: the router's OPEN offers to send
path ids, the peer's to receive them; its Adj-RIB-Out (O flag, RFC 8671) Route
Monitoring carries path ids, its Adj-RIB-In does not.
"""
import struct

M = b'\xff' * 16


def attr(flags, t, v):
    if len(v) > 255:
        return struct.pack('>BBH', flags | 0x10, t, len(v)) + v
    return struct.pack('>BBB', flags, t, len(v)) + v


def seg(t, asns, w=4):
    return struct.pack('>BB', t, len(asns)) + b''.join(struct.pack('>I' if w == 4 else '>H', a) for a in asns)


def pfx4(s):
    a, l = s.split('/')
    l = int(l)
    b = bytes(int(x) for x in a.split('.'))
    return bytes([l]) + b[:(l + 7) // 8]


def pfx6(s):
    import ipaddress
    a, l = s.split('/')
    l = int(l)
    return bytes([l]) + ipaddress.IPv6Address(a).packed[:(l + 7) // 8]


def update(withdrawn=b'', attrs=b'', nlri=b''):
    body = struct.pack('>H', len(withdrawn)) + withdrawn + struct.pack('>H', len(attrs)) + attrs + nlri
    return M + struct.pack('>HB', 19 + len(body), 2) + body


def bgp4mp_et(ts, usec, subtype, peer_as, body_msg, as4=True):
    fmt = '>IIHH' if as4 else '>HHHH'
    hdr = struct.pack(fmt, peer_as, 65000, 0, 1) + bytes([192, 0, 2, 1, 192, 0, 2, 254])
    body = struct.pack('>I', usec) + hdr + body_msg
    return struct.pack('>IHHI', ts, 17, subtype, len(body)) + body


def mrt():
    a1 = (attr(0x40, 1, b'\x00') +
          attr(0x40, 2, seg(2, [65001, 3356]) + seg(1, [64512, 64513]) + seg(3, [65010]) + seg(4, [65011, 65012])) +
          attr(0x40, 3, bytes([10, 0, 0, 1])) + attr(0x80, 4, struct.pack('>I', 50)) +
          attr(0x40, 5, struct.pack('>I', 200)) + attr(0x40, 6, b'') +
          attr(0xc0, 7, struct.pack('>I', 64512) + bytes([10, 9, 9, 9])) +
          attr(0xc0, 8, struct.pack('>II', (65001 << 16) | 100, 0xffffff01)) +
          attr(0xc0, 32, struct.pack('>III', 65001, 1, 2) + struct.pack('>III', 4200000000, 3, 4)))
    u1 = update(pfx4('198.51.100.0/24'), a1, pfx4('192.0.2.0/24') + pfx4('203.0.113.128/25'))
    import ipaddress
    nh = ipaddress.IPv6Address('2001:db8::1').packed + ipaddress.IPv6Address('fe80::1').packed
    mp = struct.pack('>HBB', 2, 1, 32) + nh + b'\x00' + pfx6('2001:db8:100::/40')
    unr = struct.pack('>HB', 2, 1) + pfx6('2001:db8:dead::/48')
    a2 = attr(0x40, 1, b'\x02') + attr(0x40, 2, seg(2, [65001])) + attr(0x80, 14, mp) + attr(0x80, 15, unr)
    u2 = update(b'', a2, b'')
    # 2-octet session: AS_PATH 65001 23456, AS4_PATH 4200000001 -> 65001 4200000001
    a3 = (attr(0x40, 1, b'\x01') + attr(0x40, 2, seg(2, [65001, 23456], 2)) +
          attr(0x40, 3, bytes([10, 0, 0, 2])) + attr(0xc0, 17, seg(2, [4200000001])))
    u3 = update(b'', a3, pfx4('100.64.0.0/10'))
    return (bgp4mp_et(1600000000, 1, 4, 65001, u1) + bgp4mp_et(1600000001, 999999, 4, 65001, u2) +
            bgp4mp_et(1600000002, 0, 1, 65001, u3, as4=False))


def bmp_peer(flags, as_, addr=(192, 0, 2, 1), ts=1700000000):
    return (struct.pack('>BB', 0, flags) + b'\x00' * 8 + b'\x00' * 12 + bytes(addr) +
            struct.pack('>IIII', as_, 0xc0000201, ts, 5))


def bmp(t, body):
    return struct.pack('>BIB', 3, 6 + len(body), t) + body


def open_msg(as_, caps):
    params = struct.pack('>BB', 2, len(caps)) + caps
    body = struct.pack('>BHHIB', 4, as_ if as_ < 65536 else 23456, 180, 0x0a000001, len(params)) + params
    return M + struct.pack('>HB', 19 + len(body), 1) + body


def bmp_stream():
    caps = (struct.pack('>BBI', 65, 4, 65001) + struct.pack('>BBHBB', 69, 4, 1, 1, 3) +
            struct.pack('>BBHBB', 1, 4, 1, 0, 1))
    init = bmp(4, struct.pack('>HH', 1, 7) + b'ixwatch' + struct.pack('>HH', 2, 3) + b'rtr')
    up = bmp(3, bmp_peer(0, 65001) + b'\x00' * 12 + bytes([192, 0, 2, 254]) + struct.pack('>HH', 179, 40000) +
             open_msg(65000, caps) + open_msg(65001, caps))
    a = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [65001, 65002])) + attr(0x40, 3, bytes([192, 0, 2, 1]))
    nlri = struct.pack('>I', 7) + pfx4('192.0.2.0/24') + struct.pack('>I', 8) + pfx4('192.0.2.0/24')
    rm1 = bmp(0, bmp_peer(0, 65001) + update(struct.pack('>I', 9) + pfx4('198.51.100.0/24'), a, nlri))
    a2 = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [65003, 65004], 2)) + attr(0x40, 3, bytes([192, 0, 2, 3]))
    rm2 = bmp(0, bmp_peer(0x60, 65003, (192, 0, 2, 3)) + update(b'', a2, pfx4('203.0.113.0/24')))
    stats = bmp(1, bmp_peer(0, 65001) + struct.pack('>I', 2) + struct.pack('>HHI', 0, 4, 3) +
                struct.pack('>HHHBQ', 9, 11, 1, 1, 2))
    down = bmp(2, bmp_peer(0, 65001) + b'\x02' + struct.pack('>H', 18))
    term = bmp(5, struct.pack('>HHH', 1, 2, 0))
    return init + up + rm1 + rm2 + stats + down + term


def bmp_adjout():
    base = struct.pack('>BBI', 65, 4, 65001) + struct.pack('>BBHBB', 1, 4, 1, 0, 1)
    sent = open_msg(65000, base + struct.pack('>BBHBB', 69, 4, 1, 1, 2))   # send
    recv = open_msg(65001, base + struct.pack('>BBHBB', 69, 4, 1, 1, 1))   # receive
    init = bmp(4, struct.pack('>HH', 1, 7) + b'ixwatch' + struct.pack('>HH', 2, 3) + b'rtr')
    up = bmp(3, bmp_peer(0, 65001) + b'\x00' * 12 + bytes([192, 0, 2, 254]) +
             struct.pack('>HH', 179, 40000) + sent + recv)
    a = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [65000, 65010])) + attr(0x40, 3, bytes([192, 0, 2, 254]))
    out = bmp(0, bmp_peer(0x10, 65001) + update(b'', a, struct.pack('>I', 5) + pfx4('203.0.113.0/24') +
                                                 struct.pack('>I', 6) + pfx4('203.0.113.0/24')))
    b = attr(0x40, 1, b'\x00') + attr(0x40, 2, seg(2, [65001, 65020])) + attr(0x40, 3, bytes([192, 0, 2, 1]))
    rin = bmp(0, bmp_peer(0, 65001) + update(b'', b, pfx4('198.51.100.0/24') + pfx4('198.51.101.0/24')))
    return init + up + out + rin


if __name__ == '__main__':
    open('tests/fixtures/mrt/attrs.mrt', 'wb').write(mrt())
    open('tests/fixtures/bmp/session.bmp', 'wb').write(bmp_stream())
    open('tests/fixtures/bmp/adjout.bmp', 'wb').write(bmp_adjout())
