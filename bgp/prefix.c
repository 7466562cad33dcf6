/*
 * Prefix parsing, formatting and comparison. inet_pton/inet_ntop are in every libc
 * we target (glibc, musl, BSD) and do no I/O, so the core stays dependency-free.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/prefix.h"

void
prefix_mask(struct prefix *p)
{
	unsigned alen = prefix_addrlen(p->af), i;

	for (i = 0; i < alen; i++) {
		unsigned lo = i * 8;
		if (p->len >= lo + 8)
			continue;
		if (p->len <= lo)
			p->addr[i] = 0;
		else
			p->addr[i] &= (uint8_t)(0xff << (8 - (p->len - lo)));
	}
	for (; i < 16; i++)
		p->addr[i] = 0;
}

int
addr_parse(const char *s, uint8_t *af, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (strchr(s, ':') != NULL) {
		if (inet_pton(AF_INET6, s, addr) != 1)
			goto bad;
		*af = PREFIX_AF_IPV6;
		return 0;
	}
	if (inet_pton(AF_INET, s, addr) != 1)
		goto bad;
	*af = PREFIX_AF_IPV4;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static int
parse(const char *s, struct prefix *p, int strict)
{
	char		 buf[PREFIX_STRLEN];
	const char	*slash;
	char		*end;
	long		 len;
	size_t		 n;
	struct prefix	 orig;

	memset(p, 0, sizeof(*p));
	if ((slash = strchr(s, '/')) == NULL)
		goto bad;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, &p->af, p->addr) == -1)
		goto bad;
	if (slash[1] < '0' || slash[1] > '9')
		goto bad;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len < 0 || len > (long)prefix_maxlen(p->af))
		goto bad;
	p->len = (uint8_t)len;
	orig = *p;
	prefix_mask(p);
	if (strict && memcmp(orig.addr, p->addr, 16) != 0)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
prefix_parse(const char *s, struct prefix *p)
{
	return parse(s, p, 0);
}

int
prefix_parse_strict(const char *s, struct prefix *p)
{
	return parse(s, p, 1);
}

char *
addr_fmt(uint8_t af, const uint8_t *addr, char *buf, size_t len)
{
	int family = af == PREFIX_AF_IPV6 ? AF_INET6 : AF_INET;

	if (inet_ntop(family, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

char *
prefix_fmt(const struct prefix *p, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	addr_fmt(p->af, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if ((c = memcmp(a->addr, b->addr, prefix_addrlen(a->af))) != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

int
prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->af == b->af && a->len == b->len &&
	    memcmp(a->addr, b->addr, prefix_addrlen(a->af)) == 0;
}

int
prefix_contains(const struct prefix *a, const struct prefix *b)
{
	unsigned full, rest;

	if (a->af != b->af || a->len > b->len)
		return 0;
	full = a->len / 8;
	rest = a->len % 8;
	if (memcmp(a->addr, b->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a->addr[full] ^ b->addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
