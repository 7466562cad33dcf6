/*
 * Bogon prefixes and ASNs. Sources: IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890, with entries from RFC 7723, 7526, 8155, 8190, 9374, 9602,
 * 9637, 9780), IANA multicast space, and the AS number registry (RFC 5398, 6793,
 * 6996, 7300, 7607). Blocks whose "Globally Reachable" is N/A (Teredo, 6to4) are
 * not flagged: they are routed on the Internet by design.
 */
#include <stddef.h>

#include "agent/bogon.h"

struct block_def {
	const char	*pfx;
	uint8_t		 bogon;
	const char	*name;
	const char	*ref;
};

static const struct block_def defs[] = {
	{ "0.0.0.0/8", 1, "this network", "RFC 791" },
	{ "10.0.0.0/8", 1, "private use", "RFC 1918" },
	{ "100.64.0.0/10", 1, "shared address space", "RFC 6598" },
	{ "127.0.0.0/8", 1, "loopback", "RFC 1122" },
	{ "169.254.0.0/16", 1, "link local", "RFC 3927" },
	{ "172.16.0.0/12", 1, "private use", "RFC 1918" },
	{ "192.0.0.0/24", 1, "IETF protocol assignments", "RFC 6890" },
	{ "192.0.0.9/32", 0, "port control protocol anycast", "RFC 7723" },
	{ "192.0.0.10/32", 0, "traversal using relays around NAT anycast", "RFC 8155" },
	{ "192.0.2.0/24", 1, "documentation (TEST-NET-1)", "RFC 5737" },
	{ "192.168.0.0/16", 1, "private use", "RFC 1918" },
	{ "198.18.0.0/15", 1, "benchmarking", "RFC 2544" },
	{ "198.51.100.0/24", 1, "documentation (TEST-NET-2)", "RFC 5737" },
	{ "203.0.113.0/24", 1, "documentation (TEST-NET-3)", "RFC 5737" },
	{ "224.0.0.0/4", 1, "multicast", "RFC 5771" },
	{ "240.0.0.0/4", 1, "reserved", "RFC 1112" },
	{ "::/128", 1, "unspecified address", "RFC 4291" },
	{ "::1/128", 1, "loopback", "RFC 4291" },
	{ "::ffff:0:0/96", 1, "IPv4-mapped address", "RFC 4291" },
	{ "64:ff9b:1::/48", 1, "IPv4-IPv6 translation, local use", "RFC 8215" },
	{ "100::/64", 1, "discard-only", "RFC 6666" },
	{ "100:0:0:1::/64", 1, "dummy prefix", "RFC 9780" },
	{ "2001::/23", 1, "IETF protocol assignments", "RFC 2928" },
	{ "2001::/32", 0, "Teredo", "RFC 4380" },
	{ "2001:1::1/128", 0, "port control protocol anycast", "RFC 7723" },
	{ "2001:1::2/128", 0, "traversal using relays around NAT anycast", "RFC 8155" },
	{ "2001:1::3/128", 0, "DNS-SD service registration protocol anycast", "RFC 9665" },
	{ "2001:3::/32", 0, "AMT", "RFC 7450" },
	{ "2001:4:112::/48", 0, "AS112-v6", "RFC 7535" },
	{ "2001:20::/28", 0, "ORCHIDv2", "RFC 7343" },
	{ "2001:30::/28", 0, "drone remote ID protocol entity tags", "RFC 9374" },
	{ "2001:db8::/32", 1, "documentation", "RFC 3849" },
	{ "3fff::/20", 1, "documentation", "RFC 9637" },
	{ "5f00::/16", 1, "segment routing SIDs", "RFC 9602" },
	{ "fc00::/7", 1, "unique local", "RFC 4193" },
	{ "fe80::/10", 1, "link-local unicast", "RFC 4291" },
	{ "ff00::/8", 1, "multicast", "RFC 4291" },
};

void
bogon_table_init(struct bogon_table *t)
{
	size_t i;

	t->n = 0;
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]) && t->n < BOGON_MAX_BLOCKS; i++) {
		struct bogon_block *b = &t->blocks[t->n];
		/* the table is ours and checked by the unit test: a bad entry is skipped */
		if (prefix_parse_strict(defs[i].pfx, &b->pfx) == -1)
			continue;
		b->bogon = defs[i].bogon;
		b->name = defs[i].name;
		b->ref = defs[i].ref;
		t->n++;
	}
}

const struct bogon_block *
bogon_prefix(const struct bogon_table *t, const struct prefix *p)
{
	const struct bogon_block	*best = NULL;
	unsigned			 i;

	for (i = 0; i < t->n; i++) {
		const struct bogon_block *b = &t->blocks[i];
		if (b->pfx.af != p->af || (best != NULL && b->pfx.len <= best->pfx.len))
			continue;
		if (prefix_contains(&b->pfx, p))
			best = b;
	}
	return best != NULL && best->bogon ? best : NULL;
}

const char *
bogon_asn(uint32_t asn)
{
	if (asn == 0)
		return "reserved AS 0 (RFC 7607)";
	if (asn == 23456)
		return "AS_TRANS (RFC 6793)";
	if (asn >= 64496 && asn <= 64511)
		return "documentation (RFC 5398)";
	if (asn >= 64512 && asn <= 65534)
		return "private use (RFC 6996)";
	if (asn == 65535)
		return "reserved last 16-bit AS (RFC 7300)";
	if (asn >= 65536 && asn <= 65551)
		return "documentation (RFC 5398)";
	if (asn >= 65552 && asn <= 131071)
		return "reserved (IANA)";
	if (asn >= 4200000000u && asn <= 4294967294u)
		return "private use (RFC 6996)";
	if (asn == 4294967295u)
		return "reserved last 32-bit AS (RFC 7300)";
	return NULL;
}
