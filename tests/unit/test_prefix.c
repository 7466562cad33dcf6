/* Prefix parse/format/compare, including host routes, /0 and IPv6 compression. */
#include "bgp/prefix.h"
#include "tests/unit/ut.h"

static void
parse_v4(void)
{
	struct prefix	p;
	char		buf[PREFIX_STRLEN];

	UT_EQ_INT(prefix_parse("192.0.2.0/24", &p), 0);
	UT_EQ_INT(p.af, PREFIX_AF_IPV4);
	UT_EQ_INT(p.len, 24);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "192.0.2.0/24");
	UT_EQ_INT(prefix_parse("10.1.2.3/8", &p), 0);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "10.0.0.0/8");
	UT_EQ_INT(prefix_parse_strict("10.1.2.3/8", &p), -1);
	UT_EQ_INT(prefix_parse("0.0.0.0/0", &p), 0);
	UT_EQ_INT(p.len, 0);
	UT_EQ_INT(prefix_parse("192.0.2.1/32", &p), 0);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "192.0.2.1/32");
}

static void
parse_v6(void)
{
	struct prefix	p;
	char		buf[PREFIX_STRLEN];

	UT_EQ_INT(prefix_parse("2001:db8::/32", &p), 0);
	UT_EQ_INT(p.af, PREFIX_AF_IPV6);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "2001:db8::/32");
	UT_EQ_INT(prefix_parse("2001:db8:ffff::1/127", &p), 0);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "2001:db8:ffff::/127");
	UT_EQ_INT(prefix_parse("::/0", &p), 0);
	UT_EQ_INT(prefix_parse("2001:db8::1/128", &p), 0);
	UT_EQ_INT(p.len, 128);
}

static void
parse_bad(void)
{
	struct prefix p;

	UT_EQ_INT(prefix_parse("192.0.2.0/33", &p), -1);
	UT_EQ_INT(prefix_parse("192.0.2.0", &p), -1);
	UT_EQ_INT(prefix_parse("192.0.2.0/", &p), -1);
	UT_EQ_INT(prefix_parse("192.0.2.0/-1", &p), -1);
	UT_EQ_INT(prefix_parse("192.0.2.0/2x", &p), -1);
	UT_EQ_INT(prefix_parse("300.0.2.0/24", &p), -1);
	UT_EQ_INT(prefix_parse("2001:db8::/129", &p), -1);
	UT_EQ_INT(prefix_parse("/24", &p), -1);
}

static void
contains(void)
{
	struct prefix a, b, c, d;

	prefix_parse("10.0.0.0/8", &a);
	prefix_parse("10.20.0.0/16", &b);
	prefix_parse("11.0.0.0/16", &c);
	prefix_parse("0.0.0.0/0", &d);
	UT_ASSERT(prefix_contains(&a, &b));
	UT_ASSERT(!prefix_contains(&b, &a));
	UT_ASSERT(!prefix_contains(&a, &c));
	UT_ASSERT(prefix_contains(&d, &c));
	UT_ASSERT(prefix_contains(&a, &a));
	UT_ASSERT(prefix_cmp(&a, &b) < 0);
	UT_ASSERT(prefix_eq(&a, &a));
	UT_ASSERT(prefix_bit(&b, 11) == 1 && prefix_bit(&b, 10) == 0);
}

UT_MAIN(UT_CASE(parse_v4), UT_CASE(parse_v6), UT_CASE(parse_bad), UT_CASE(contains))
