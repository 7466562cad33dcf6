/*
 * Bogons for the detection rules: special-purpose address blocks that are not
 * globally reachable (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890
 * and successors, "Globally Reachable = False" only), multicast, and reserved,
 * private and documentation AS numbers. Blocks marked globally reachable (AS112,
 * AMT, ORCHIDv2, ...) are exceptions even inside a bogon block: the longest match
 * decides. Pure code: the table is built into caller-owned memory.
 */
#ifndef IXW_BOGON_H
#define IXW_BOGON_H

#include <stdint.h>

#include "bgp/prefix.h"

struct bogon_block {
	struct prefix	 pfx;
	uint8_t		 bogon;		/* 0: a globally reachable exception */
	const char	*name;
	const char	*ref;
};

#define BOGON_MAX_BLOCKS	48

struct bogon_table {
	struct bogon_block	blocks[BOGON_MAX_BLOCKS];
	unsigned		n;
};

void	 bogon_table_init(struct bogon_table *);
/* The bogon block p lies in (p equal to or more specific than it), or NULL. */
const struct bogon_block *bogon_prefix(const struct bogon_table *, const struct prefix *);
/* Why asn is a bogon ("private use (RFC 6996)"), or NULL if it is not. */
const char	*bogon_asn(uint32_t asn);

#endif /* IXW_BOGON_H */
