/* Bogon prefixes (with globally reachable exceptions) and bogon ASNs. */
#include "agent/bogon.h"
#include "tests/unit/ut.h"

static const char *
match(const struct bogon_table *t, const char *s)
{
	struct prefix			p;
	const struct bogon_block	*b;

	if (prefix_parse(s, &p) == -1)
		ut_fail(__FILE__, __LINE__, "bad test prefix %s", s);
	b = bogon_prefix(t, &p);
	return b ? b->name : "-";
}

static void
table_complete(void)
{
	struct bogon_table t;

	bogon_table_init(&t);
	UT_EQ_INT(t.n, 37);	/* every entry of the built-in table parsed */
}

static void
ipv4(void)
{
	struct bogon_table t;

	bogon_table_init(&t);
	UT_EQ_STR(match(&t, "10.0.0.0/8"), "private use");
	UT_EQ_STR(match(&t, "10.20.30.0/24"), "private use");
	UT_EQ_STR(match(&t, "192.0.2.0/24"), "documentation (TEST-NET-1)");
	UT_EQ_STR(match(&t, "100.64.1.0/24"), "shared address space");
	UT_EQ_STR(match(&t, "239.1.0.0/16"), "multicast");
	UT_EQ_STR(match(&t, "250.0.0.0/8"), "reserved");
	UT_EQ_STR(match(&t, "192.0.0.0/29"), "IETF protocol assignments");
	/* globally reachable exceptions inside 192.0.0.0/24 */
	UT_EQ_STR(match(&t, "192.0.0.9/32"), "-");
	UT_EQ_STR(match(&t, "192.0.0.10/32"), "-");
	/* AS112, AMT and ordinary space are not bogons; nor is a covering aggregate */
	UT_EQ_STR(match(&t, "192.31.196.0/24"), "-");
	UT_EQ_STR(match(&t, "192.175.48.0/24"), "-");
	UT_EQ_STR(match(&t, "192.52.193.0/24"), "-");
	UT_EQ_STR(match(&t, "8.8.8.0/24"), "-");
	UT_EQ_STR(match(&t, "192.0.0.0/16"), "-");
	UT_EQ_STR(match(&t, "0.0.0.0/0"), "-");
}

static void
ipv6(void)
{
	struct bogon_table t;

	bogon_table_init(&t);
	UT_EQ_STR(match(&t, "2001:db8:1234::/48"), "documentation");
	UT_EQ_STR(match(&t, "fd00:1::/32"), "unique local");
	UT_EQ_STR(match(&t, "2001:2::/48"), "IETF protocol assignments");
	UT_EQ_STR(match(&t, "2001:10::/28"), "IETF protocol assignments");
	UT_EQ_STR(match(&t, "3fff:1::/32"), "documentation");
	UT_EQ_STR(match(&t, "::ffff:10.0.0.0/104"), "IPv4-mapped address");
	UT_EQ_STR(match(&t, "ff02::/16"), "multicast");
	/* globally reachable inside 2001::/23, and 6to4/Teredo */
	UT_EQ_STR(match(&t, "2001:4:112::/48"), "-");
	UT_EQ_STR(match(&t, "2001:20::/28"), "-");
	UT_EQ_STR(match(&t, "2001::/32"), "-");
	UT_EQ_STR(match(&t, "2001:0:1234::/48"), "-");
	UT_EQ_STR(match(&t, "2001:1::1/128"), "-");
	UT_EQ_STR(match(&t, "2001:1::4/128"), "IETF protocol assignments");
	UT_EQ_STR(match(&t, "2002::/16"), "-");
	UT_EQ_STR(match(&t, "2620:4f:8000::/48"), "-");
	UT_EQ_STR(match(&t, "2a00::/12"), "-");
}

static void
asns(void)
{
	UT_ASSERT(bogon_asn(0) != NULL);
	UT_ASSERT(bogon_asn(23456) != NULL);
	UT_ASSERT(bogon_asn(64495) == NULL);
	UT_ASSERT(bogon_asn(64496) != NULL);
	UT_ASSERT(bogon_asn(64511) != NULL);
	UT_EQ_STR(bogon_asn(64512), "private use (RFC 6996)");
	UT_EQ_STR(bogon_asn(65534), "private use (RFC 6996)");
	UT_ASSERT(bogon_asn(65535) != NULL);
	UT_ASSERT(bogon_asn(65551) != NULL);
	UT_ASSERT(bogon_asn(131071) != NULL);
	UT_ASSERT(bogon_asn(131072) == NULL);
	UT_ASSERT(bogon_asn(3356) == NULL);
	UT_ASSERT(bogon_asn(15169) == NULL);
	UT_ASSERT(bogon_asn(4199999999u) == NULL);
	UT_EQ_STR(bogon_asn(4200000000u), "private use (RFC 6996)");
	UT_ASSERT(bogon_asn(4294967295u) != NULL);
}

UT_MAIN(UT_CASE(table_complete), UT_CASE(ipv4), UT_CASE(ipv6), UT_CASE(asns))
