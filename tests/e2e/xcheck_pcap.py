#!/usr/bin/env python3
"""Cross-check ixwatch-dump's BMP / BGP decoding of a pcap against tshark.

Usage: xcheck_pcap.py DUMP PCAP PORT {bmp|bgp} WORKDIR

1. Reassembles the TCP payload of every connection towards PORT from
   `tshark -T fields` (ordered by sequence number; retransmitted or overlapping
   bytes are taken once) and writes one raw stream file per connection.
2. Runs `DUMP -b -M` (BMP) or `DUMP -g -M` (BGP) on each stream twice, feeding the
   BMP framer byte by byte and in a chunk size drawn from a fixed seed; the two
   outputs must be identical.
3. Dissects the pcap with `tshark -T pdml -d tcp.port==PORT,bmp|bgp` and compares,
   per connection: the sequence of BMP messages (type, peer type, flags, peer address,
   peer AS, peer BGP ID) or BGP message types, and the multiset of route events
   (A/W, prefix, AS path) of IPv4/IPv6 unicast and multicast NLRI. NLRI of other
   SAFIs (VPN, labelled, EVPN) are counted as not compared: the codec leaves them raw.
Prints one summary line "messages=N routes=M mismatches=K skipped=S"; exit 1 on mismatch.
"""
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

BMP_TYPES = ['route-monitoring', 'statistics', 'peer-down', 'peer-up',
             'initiation', 'termination', 'route-mirroring']


def extract(pcap, port, work):
    """Reassemble each connection's payload towards port into work/stream.N."""
    out = subprocess.run(
        ['tshark', '-r', pcap, '-o', 'tcp.desegment_tcp_streams:FALSE', '-T', 'fields',
         '-e', 'tcp.stream', '-e', 'tcp.dstport', '-e', 'tcp.seq_raw', '-e', 'tcp.payload'],
        capture_output=True, text=True, check=True).stdout
    segs = defaultdict(list)
    for line in out.splitlines():
        f = line.split('\t')
        if len(f) < 4 or not f[3] or f[1] != str(port):
            continue
        segs[int(f[0])].append((int(f[2]), bytes.fromhex(f[3].replace(':', ''))))
    files = {}
    for st, lst in segs.items():
        lst.sort(key=lambda s: s[0])
        base = lst[0][0]
        data = bytearray()
        for seq, payload in lst:
            off = (seq - base) & 0xffffffff
            if off + len(payload) <= len(data):
                continue            # retransmission
            if off > len(data):
                break               # gap: bytes never captured
            data += payload[len(data) - off:]
        path = os.path.join(work, 'stream.%d' % st)
        with open(path, 'wb') as fp:
            fp.write(data)
        files[st] = path
    return files


def ours(dump, files, mode):
    """Run ixwatch-dump on every stream: {stream: (messages, routes)}."""
    rnd = random.Random(7854)
    res = {}
    errs = 0
    for st, path in sorted(files.items()):
        # Byte by byte, and in a chunk size drawn from the fixed seed: same output.
        chunk = rnd.choice([2, 3, 7, 64, 1000, 4096, 65536])
        outs = []
        for c in (1, chunk):
            args = [dump, '-M', '-c', str(c), '-b' if mode == 'bmp' else '-g', path]
            p = subprocess.run(args, capture_output=True, text=True)
            if p.returncode != 0:
                errs += 1
                sys.stdout.write('# ixwatch-dump stream %d: %s' % (st, p.stderr))
            outs.append(p.stdout)
        if outs[0] != outs[1]:
            errs += 1
            print('# stream %d: output differs between chunk 1 and chunk %d' % (st, chunk))
        msgs, routes = [], Counter()
        for line in p.stdout.splitlines():
            f = line.split('|')
            if f[0] == 'BMP':
                msgs.append(tuple(f[1:7]) if len(f) > 7 else (f[1],))
            elif f[0] == 'BGP':
                msgs.append((f[1],))
            elif f[0] == 'UPD':
                msgs.append(tuple(f))
            elif f[1] in ('A', 'W'):
                # raw BGP: one peer per stream, named by tshark by IP, by us by BGP ID
                peer = f[2] if mode == 'bmp' else ''
                routes[(f[1], peer, f[4] + '#' + f[5], f[6] if f[1] == 'A' else '')] += 1
        res[st] = (msgs, routes)
    return res, errs


def fields(elem, name):
    return [f for f in elem.iter('field') if f.get('name') == name]


def show(elem, name, default=''):
    for f in elem.iter('field'):
        if f.get('name') == name:
            return f.get('show')
    return default


def aspath(bgp):
    """AS path text as ixwatch-dump prints it, from the AS_PATH segments."""
    out = []
    for attr in fields(bgp, 'bgp.update.path_attribute'):
        if show(attr, 'bgp.update.path_attribute.type_code') != '2':
            continue
        for seg in fields(attr, 'bgp.update.path_attribute.as_path_segment'):
            t = show(seg, 'bgp.update.path_attribute.as_path_segment.type')
            asns = [f.get('show') for f in seg.iter('field')
                    if f.get('name') in ('bgp.update.path_attribute.as_path_segment.as4',
                                         'bgp.update.path_attribute.as_path_segment.as2')]
            if t == '1':
                out.append('{' + ','.join(asns) + '}')
            elif t == '3':
                out.append('(' + ' '.join(asns) + ')')
            elif t == '4':
                out.append('[' + ','.join(asns) + ']')
            else:
                out.extend(asns)
    return ' '.join(out)


def nlri_items(container):
    """The prefixes of an NLRI container as "a/len#pathid" ("a/len PathId n" in tshark)."""
    out = []
    for f in container:
        v = f.get('show') or ''
        if f.get('name') != '' or '/' not in v:
            continue
        w = v.split()
        out.append(w[0] + '#' + (w[2] if len(w) >= 3 and w[1] == 'PathId' else '0'))
    return out


def attr_types(bgp):
    return set(show(a, 'bgp.update.path_attribute.type_code')
               for a in fields(bgp, 'bgp.update.path_attribute'))


ORIGINS = {'0': 'IGP', '1': 'EGP', '2': 'INCOMPLETE'}


def update_summary(bgp, stats, as4=True):
    """The -M "UPD" line: MP_REACH AFI/SAFI, AS path, origin."""
    mp = '-'
    path = aspath(bgp)
    if as4 and any(f.get('name') == 'bgp.update.path_attribute.as_path_segment.as2'
                   for f in bgp.iter('field')):
        # The exporter (FRR, 205/208 captures) sent a 2-octet AS_PATH without the
        # per-peer A flag (RFC 7854 4.2). tshark guesses the width; ixwatch reads
        # 4-octet as the flag says, finds AS_PATH malformed and treats the UPDATE
        # as withdraw (RFC 7606 7.2), so its summary has no AS path.
        path = ''
        stats['as2_without_a_flag'] += 1
    for attr in fields(bgp, 'bgp.update.path_attribute'):
        if show(attr, 'bgp.update.path_attribute.type_code') == '14':
            mp = '%s/%s' % (show(attr, 'bgp.update.path_attribute.mp_reach_nlri.afi'),
                            show(attr, 'bgp.update.path_attribute.mp_reach_nlri.safi'))
    origin = ORIGINS.get(show(bgp, 'bgp.update.path_attribute.origin'), '')
    return ('UPD', mp, path, origin)


def update_routes(bgp, peer, routes, stats):
    path = aspath(bgp)
    # RFC 7606 3(d): NLRI without ORIGIN, AS_PATH or (for IPv4 NLRI) NEXT_HOP is
    # treated as withdraw. tshark shows such prefixes as announced; ixwatch withdraws.
    types = attr_types(bgp)
    need = {'1', '2'} | ({'3'} if fields(bgp, 'bgp.update.nlri') else set())
    ann = 'A'
    if not need <= types:
        ann = 'W'
        path = ''
        if fields(bgp, 'bgp.update.nlri') or '14' in types:
            stats['rfc7606'] += 1
    for c in fields(bgp, 'bgp.update.withdrawn_routes'):
        for p in nlri_items(c):
            routes[('W', peer, p, '')] += 1
    for c in fields(bgp, 'bgp.update.nlri'):
        for p in nlri_items(c):
            routes[(ann, peer, p, path)] += 1
    for attr in fields(bgp, 'bgp.update.path_attribute'):
        code = show(attr, 'bgp.update.path_attribute.type_code')
        if code not in ('14', '15'):
            continue
        name = 'mp_reach_nlri' if code == '14' else 'mp_unreach_nlri'
        what = ann if code == '14' else 'W'
        safi = show(attr, 'bgp.update.path_attribute.%s.safi' % name)
        afi = show(attr, 'bgp.update.path_attribute.%s.afi' % name)
        for c in fields(attr, 'bgp.update.path_attribute.' + name):
            items = nlri_items(c)
            if afi in ('1', '2') and safi in ('1', '2'):
                for p in items:
                    routes[(what, peer, p, path if what == 'A' else '')] += 1
            else:
                stats['skipped'] += max(1, len(items))


def theirs(pcap, port, mode):
    """Dissect with tshark: {stream: (messages, routes)}."""
    cmd = ['tshark', '-r', pcap, '-d', 'tcp.port==%d,%s' % (port, mode), '-T', 'pdml']
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    res = defaultdict(lambda: ([], Counter()))
    stats = Counter()
    for _, pkt in ET.iterparse(proc.stdout):
        if pkt.tag != 'packet':
            continue
        st = int(show(pkt, 'tcp.stream', '-1'))
        msgs, routes = res[st]
        for proto in pkt.findall('proto'):
            if proto.get('name') == 'bmp':
                bmp_msg(proto, msgs, routes, stats)
            elif proto.get('name') == 'bgp' and mode == 'bgp':
                msgs.append((show(proto, 'bgp.type'),))
                if show(proto, 'bgp.type') == '2':
                    msgs.append(update_summary(proto, stats, False))
                    update_routes(proto, '', routes, stats)
        pkt.clear()
    proc.wait()
    return res, stats


def bmp_msg(proto, msgs, routes, stats):
    t = int(show(proto, 'bmp.type', '-1'))
    name = BMP_TYPES[t] if 0 <= t < len(BMP_TYPES) else 'unknown'
    if t in (4, 5):
        msgs.append((name,))
        return
    peer = show(proto, 'bmp.peer.ipv6.addr') or show(proto, 'bmp.peer.ip.addr')
    flags = int(show(proto, 'bmp.peer.flags', '0'), 0)
    if show(proto, 'bmp.peer.type') == '3' and peer == '::':
        # tshark 4.0 reads the Loc-RIB F flag (0x80, RFC 9069 4.2) as the V flag and
        # shows the zero address as "::"; ixwatch prints it as 0.0.0.0.
        peer = '0.0.0.0'
        stats['locrib_f'] += 1
    msgs.append((name, show(proto, 'bmp.peer.type'), '0x%02x' % flags, peer,
                 show(proto, 'bmp.peer.asn'), show(proto, 'bmp.peer.id')))
    if t == 0:
        for bgp in proto.findall('proto'):
            if bgp.get('name') == 'bgp' and show(bgp, 'bgp.type') == '2':
                msgs.append(update_summary(bgp, stats, not flags & 0x20))
                update_routes(bgp, peer, routes, stats)


def main():
    dump, pcap, port, mode, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    files = extract(pcap, port, work)
    mine, errs = ours(dump, files, mode)
    ref, stats = theirs(pcap, port, mode)
    nmsg = nroutes = mism = 0
    for st in sorted(set(mine) | set(k for k in ref if k >= 0)):
        m_msgs, m_routes = mine.get(st, ([], Counter()))
        r_msgs, r_routes = ref[st] if st in ref else ([], Counter())
        nmsg += len(r_msgs)
        nroutes += sum(r_routes.values())
        if m_msgs != r_msgs:
            mism += 1
            for i, (a, b) in enumerate(zip(m_msgs + [None] * len(r_msgs), r_msgs + [None] * len(m_msgs))):
                if a != b:
                    print('# stream %d message %d: ours %s tshark %s' % (st, i, a, b))
                    break
        d1, d2 = m_routes - r_routes, r_routes - m_routes
        mism += sum(d1.values()) + sum(d2.values())
        for k in list(d1)[:3]:
            print('# stream %d ours only: %s' % (st, '|'.join(k)))
        for k in list(d2)[:3]:
            print('# stream %d tshark only: %s' % (st, '|'.join(k)))
    print('streams=%d messages=%d routes=%d mismatches=%d not-compared=%d rfc7606-withdraw=%d'
          ' locrib-F-flag=%d as2-without-A-flag=%d dump_errors=%d'
          % (len(files), nmsg, nroutes, mism, stats['skipped'], stats['rfc7606'],
             stats['locrib_f'], stats['as2_without_a_flag'], errs))
    return 1 if mism or errs or nmsg == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
