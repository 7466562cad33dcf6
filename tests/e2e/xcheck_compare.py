#!/usr/bin/env python3
"""Compare ixwatch-dump -m lines with bgpdump -m lines as multisets.

Usage: xcheck_compare.py OURS THEIRS
Prints "events=N mismatches=M normalized=K" and up to 10 differing lines; exit 1 on
any mismatch. Normalisations, each for a documented bgpdump quirk:
  - IPv6 text: bgpdump compresses a single zero group with "::" (RFC 5952 4.2.2 says
    not to), e.g. 2001:668::3:ffff:0:adcd:3354; both sides are re-printed canonically.
  - Attributes absent from a RIB entry: bgpdump prints its defaults, ORIGIN
    "INCOMPLETE" and next hop "255.255.255.255" (INADDR_NONE); ixwatch-dump prints
    empty fields. Our empty origin/next hop are mapped to those defaults and counted.
"""
import ipaddress
import sys
from collections import Counter


def canon_addr(s):
    if ':' not in s:
        return s
    if '/' in s:
        a, l = s.split('/', 1)
        return str(ipaddress.IPv6Address(a)) + '/' + l
    return str(ipaddress.IPv6Address(s))


def norm(line, ours, stats):
    f = line.rstrip('\n').split('|')
    if len(f) < 6:
        return line
    f[3] = canon_addr(f[3])
    if f[2] in ('A', 'B', 'W'):
        f[5] = canon_addr(f[5])
    if f[2] in ('A', 'B'):
        # origin / next hop follow the AS path; AP records carry a path id first
        o = 8 if f[0].endswith('_AP') else 7
        if ours and f[o] == '':
            f[o] = 'INCOMPLETE'
            stats['normalized'] += 1
        if ours and f[o + 1] == '':
            f[o + 1] = '255.255.255.255'
            stats['normalized'] += 1
        f[o + 1] = canon_addr(f[o + 1])
    return '|'.join(f)


def load(path, ours, stats):
    with open(path, encoding='utf-8', errors='replace') as fp:
        return Counter(norm(l, ours, stats) for l in fp if l.strip())


def main():
    stats = Counter()
    a = load(sys.argv[1], True, stats)
    b = load(sys.argv[2], False, stats)
    only_a = a - b
    only_b = b - a
    mism = sum(only_a.values()) + sum(only_b.values())
    print('events=%d mismatches=%d normalized=%d' % (sum(b.values()), mism, stats['normalized']))
    for l in list(only_a)[:5]:
        print('ours only:   ' + l)
    for l in list(only_b)[:5]:
        print('bgpdump only: ' + l)
    return 1 if mism else 0


if __name__ == '__main__':
    sys.exit(main())
