/* Test helpers for BGP data (see ut_bgp.h). */
#include <string.h>

#include "tests/unit/ut_bgp.h"

void
ut_bgp_attrs(struct bgp_attrs *a, struct wbuf *pw, const uint32_t *asns, size_t n)
{
	static const uint8_t nh[4] = { 192, 0, 2, 1 };

	bgp_attrs_init(a);
	wbuf_reset(pw);
	bgp_aspath_put(pw, BGP_SEG_SEQUENCE, asns, n, 1);
	a->aspath = pw->buf;
	a->aspath_len = (uint16_t)pw->len;
	a->aspath_as4 = 1;
	a->origin = BGP_ORIGIN_IGP;
	bgp_nexthop_set(&a->nexthop, PREFIX_AF_IPV4, nh, NULL);
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
}

size_t
ut_bgp_body_v4(uint8_t *b, const uint8_t *attrs, size_t alen)
{
	static const uint8_t nlri[] = { 0x18, 0xc6, 0x33, 0x64 };	/* 198.51.100.0/24 */

	b[0] = b[1] = 0;
	be16_store(b + 2, (uint16_t)alen);
	memcpy(b + 4, attrs, alen);
	memcpy(b + 4 + alen, nlri, sizeof(nlri));
	return 4 + alen + sizeof(nlri);
}
