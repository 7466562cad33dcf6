#!/usr/bin/env python3
"""Regenerate the seed corpora of fuzz_bmp and fuzz_mrt from the shared real data.

Usage: fuzz_seeds.py SHARED_DATA_DIR REPO_DIR
fuzz_bmp seeds: two chunk-seed bytes + a short slice (a few whole messages, at most
4 KiB) of each BMP connection in data/bmp/*.pcap, one slice per message type seen.
fuzz_mrt seeds: single records, the first two of each (type, subtype) in each MRT file
(records over 16 KiB skipped). Keeps the corpora small (well under 1 MB in total).
"""
import bz2
import gzip
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xcheck_pcap import extract  # noqa: E402


def bmp_messages(data):
    off = 0
    while off + 6 <= len(data):
        ln = struct.unpack('>I', data[off + 1:off + 5])[0]
        if data[off] != 3 or ln < 6 or off + ln > len(data):
            return
        yield data[off:off + ln]
        off += ln


def bmp_seeds(shared, out):
    n = 0
    for name in sorted(os.listdir(os.path.join(shared, 'bmp'))):
        if not name.startswith('2'):
            continue
        with tempfile.TemporaryDirectory() as work:
            files = extract(os.path.join(shared, 'bmp', name), 1790, work)
            for st, path in sorted(files.items()):
                msgs = list(bmp_messages(open(path, 'rb').read()))
                seen = set()
                for i, m in enumerate(msgs):
                    if m[5] in seen:
                        continue
                    seen.add(m[5])
                    blob = b''
                    for x in msgs[i:i + 4]:
                        if len(blob) + len(x) > 4096:
                            break
                        blob += x
                    if not blob:
                        continue
                    tag = name.split('-')[0] + '_' + name.split('__')[-1].split('.')[0]
                    with open(os.path.join(out, '%s_s%d_t%d' % (tag, st, m[5])), 'wb') as fp:
                        fp.write(bytes([n & 0xff, 7]) + blob)
                    n += 1
    return n


def mrt_open(path):
    head = open(path, 'rb').read(3)
    if head[:2] == b'\x1f\x8b':
        return gzip.open(path)
    if head == b'BZh':
        return bz2.open(path)
    return open(path, 'rb')


def mrt_seeds(shared, out):
    n = 0
    for name in sorted(os.listdir(os.path.join(shared, 'mrt'))):
        if 'pyasn' in name:
            continue
        seen = {}
        try:
            with mrt_open(os.path.join(shared, 'mrt', name)) as fp:
                while True:
                    h = fp.read(12)
                    if len(h) < 12:
                        break
                    _, t, st, ln = struct.unpack('>IHHI', h)
                    body = fp.read(ln)
                    if len(body) < ln:
                        break
                    k = (t, st)
                    if seen.get(k, 0) >= 2 or ln > 16384:
                        continue
                    seen[k] = seen.get(k, 0) + 1
                    with open(os.path.join(out, '%s_%d_%d_%d' % (name.split('.')[0] + name.split('.')[1][:8], t, st, seen[k])), 'wb') as o:
                        o.write(h + body)
                    n += 1
        except (EOFError, OSError):
            pass
    return n


def main():
    shared, repo = sys.argv[1], sys.argv[2]
    for name in ('fuzz_bmp', 'fuzz_mrt'):
        os.makedirs(os.path.join(repo, 'tests/fuzz/corpus', name), exist_ok=True)
    nb = bmp_seeds(shared, os.path.join(repo, 'tests/fuzz/corpus/fuzz_bmp'))
    nm = mrt_seeds(shared, os.path.join(repo, 'tests/fuzz/corpus/fuzz_mrt'))
    print('fuzz_bmp: %d seeds, fuzz_mrt: %d seeds' % (nb, nm))


if __name__ == '__main__':
    main()
