#!/usr/bin/env python3
"""A bare BGP speaker for what exabgp will not send: it dials the agent, offers
only IPv4 unicast and 4-octet AS (never extended messages), and then
  big     sends a 4-octet-AS UPDATE of 10.77.0.0/24 whose AS_PATH has HOPS hops,
          a message over 4,096 bytes, then keeps the session for HOLD seconds;
  badlen  sends a header whose length is 18 (below the minimum of 19) and prints
          the NOTIFICATION it gets back: "notification CODE SUBCODE DATAHEX".
usage: bgp_speaker.py LOCAL AGENT PORT MY_AS MODE [HOPS]"""
import socket, struct, sys, time

MARKER = b"\xff" * 16


def msg(t, body):
    return MARKER + struct.pack("!HB", 19 + len(body), t) + body


def read_msg(s):
    hdr = b""
    while len(hdr) < 19:
        c = s.recv(19 - len(hdr))
        if not c:
            raise EOFError("closed")
        hdr += c
    ln, t = struct.unpack("!HB", hdr[16:19])
    body = b""
    while len(body) < ln - 19:
        c = s.recv(ln - 19 - len(body))
        if not c:
            raise EOFError("closed")
        body += c
    return t, body


def main():
    local, agent, port, my_as, mode = sys.argv[1:6]
    port, my_as = int(port), int(my_as)
    caps = (b"\x01\x04\x00\x01\x00\x01"               # MP IPv4 unicast
            + b"\x41\x04" + struct.pack("!I", my_as))   # 4-octet AS
    opt = b"\x02" + bytes([len(caps)]) + caps
    s = socket.create_connection((agent, port), timeout=10, source_address=(local, 0))
    s.sendall(msg(1, struct.pack("!BHH4sB", 4, my_as if my_as <= 65535 else 23456, 90,
                                 socket.inet_aton(local), len(opt)) + opt))
    got = set()
    while not {1, 4} <= got:
        t, body = read_msg(s)
        if t == 3:
            print("notification %d %d %s" % (body[0], body[1], body[2:].hex()))
            return 1
        got.add(t)
    s.sendall(msg(4, b""))
    if mode == "big":
        hops = int(sys.argv[6])
        asns = [my_as] + [4200000000 + i for i in range(1, hops)]
        path = b""
        for i in range(0, len(asns), 255):
            seg = asns[i:i + 255]
            path += struct.pack("!BB", 2, len(seg)) + b"".join(struct.pack("!I", a) for a in seg)
        attrs = (b"\x40\x01\x01\x00"
                 + b"\x50\x02" + struct.pack("!H", len(path)) + path
                 + b"\x40\x03\x04" + socket.inet_aton(local))
        upd = msg(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs
                  + b"\x18\x0a\x4d\x00")
        s.sendall(upd)
        print("sent %d bytes" % len(upd), flush=True)
        end = time.time() + float(sys.argv[7]) if len(sys.argv) > 7 else time.time() + 30
        s.settimeout(1)
        while time.time() < end:
            try:
                t, body = read_msg(s)
            except socket.timeout:
                continue
            if t == 3:
                print("notification %d %d %s" % (body[0], body[1], body[2:].hex()), flush=True)
                return 1
            if t == 4:
                s.sendall(msg(4, b""))
        return 0
    if mode == "badlen":
        s.sendall(MARKER + struct.pack("!HB", 18, 4))
        while True:
            t, body = read_msg(s)
            if t == 3:
                print("notification %d %d %s" % (body[0], body[1], body[2:].hex()))
                return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
