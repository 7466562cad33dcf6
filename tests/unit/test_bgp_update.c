/*
 * BGP UPDATE decoding: golden messages (dissections in the comments, as Wireshark
 * shows them), IPv4/IPv6 NLRI with and without ADD-PATH, End-of-RIB, the RFC 6793
 * AS4 merge, origin AS and path length.
 */
#include "bgp/bgp.h"
#include "tests/unit/ut.h"
#include "tests/unit/ut_bgp.h"

static const struct bgp_sess sess2 = { 0, 0, 0, 0, 0 };	/* 2-octet AS, no ADD-PATH */
static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };

/*
 * UPDATE body (4-octet AS session), 10.0.0.0/8 and 192.168.1.0/24:
 *   Withdrawn Routes Length: 0
 *   Total Path Attribute Length: 28
 *   ORIGIN (40 01 01): IGP
 *   AS_PATH (40 02 0e): AS_SEQUENCE(3): 65001 65002 4200000000
 *   NEXT_HOP (40 03 04): 192.0.2.1
 *   NLRI: 10.0.0.0/8, 192.168.1.0/24
 */
static const uint8_t upd_v4[] = {
	0x00, 0x00, 0x00, 0x1c,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x0e, 0x02, 0x03, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xea,
	0xfa, 0x56, 0xea, 0x00,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x08, 0x0a, 0x18, 0xc0, 0xa8, 0x01,
};

static void
v4_basic(void)
{
	struct bgp_update	u;
	struct bgp_error	e;
	struct bgp_nlri_iter	it;
	struct prefix		p;
	char			buf[PREFIX_STRLEN];
	uint32_t		id;

	UT_EQ_INT(bgp_update_decode(upd_v4, sizeof(upd_v4), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.origin, BGP_ORIGIN_IGP);
	UT_EQ_INT(u.attrs.origin_as, 4200000000u);
	UT_EQ_INT(u.attrs.path_count, 3);
	UT_EQ_INT(u.attrs.nexthop.af, PREFIX_AF_IPV4);
	UT_EQ_INT(u.nlri.count, 2);
	UT_EQ_INT(u.withdrawn.count, 0);
	UT_EQ_INT(u.eor, 0);
	bgp_nlri_iter_init(&it, &u.nlri);
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 1);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "10.0.0.0/8");
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 1);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "192.168.1.0/24");
	UT_EQ_INT(id, 0);
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 0);
}

/* The same bytes on a 2-octet session: AS_PATH of 14 bytes is not whole 2-octet segments. */
static void
v4_aspath_width(void)
{
	struct bgp_update	u;
	struct bgp_error	e;

	UT_EQ_INT(bgp_update_decode(upd_v4, sizeof(upd_v4), &sess2, &u, &e),
	    BGP_ERR_TREAT_AS_WITHDRAW);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_UPD_ASPATH);
	UT_EQ_INT(u.nlri.count, 2);	/* still exposed for the withdrawal */
}

/* End-of-RIB IPv4: Withdrawn Routes Length 0, Total Path Attribute Length 0. */
static void
eor_v4(void)
{
	static const uint8_t	b[] = { 0, 0, 0, 0 };
	struct bgp_update	u;
	struct bgp_error	e;

	UT_EQ_INT(bgp_update_decode(b, sizeof(b), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.eor, 1);
	UT_EQ_INT(u.eor_afi, 1);
	UT_EQ_INT(u.eor_safi, 1);
}

/*
 * IPv6 UPDATE body:
 *   Withdrawn Routes Length: 0, Total Path Attribute Length: 70
 *   MP_REACH_NLRI (0x90 optional, extended length; type 14; length 49)
 *     AFI IPv6 (2), SAFI Unicast (1), Next hop length 32:
 *       2001:db8::1, link-local fe80::1
 *     Reserved: 0
 *     NLRI: 2001:db8::/32, 2001:db8:1::/48
 *   ORIGIN: INCOMPLETE (40 01 01 02)
 *   AS_PATH (40 02 0a): AS_SEQUENCE(2): 65001 65002
 */
static const uint8_t upd_v6[] = {
	0x00, 0x00, 0x00, 0x46,
	0x90, 0x0e, 0x00, 0x31, 0x00, 0x02, 0x01, 0x20,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x00,
	0x20, 0x20, 0x01, 0x0d, 0xb8,
	0x30, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	0x40, 0x01, 0x01, 0x02,
	0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xea,
};

static void
v6_mp_reach(void)
{
	struct bgp_update	u;
	struct bgp_error	e;
	struct bgp_nlri_iter	it;
	struct prefix		p;
	char			buf[PREFIX_STRLEN];

	UT_EQ_INT(sizeof(upd_v6), 74);
	UT_EQ_INT(bgp_update_decode(upd_v6, sizeof(upd_v6), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.mp_reach.present, 1);
	UT_EQ_INT(u.mp_reach.afi, 2);
	UT_EQ_INT(u.mp_reach.count, 2);
	UT_EQ_INT(u.attrs.mp_nexthop.af, PREFIX_AF_IPV6);
	UT_EQ_INT(u.attrs.mp_nexthop.has_ll, 1);
	UT_EQ_INT(u.attrs.mp_nexthop.ll[0], 0xfe);
	UT_EQ_INT(u.attrs.origin, BGP_ORIGIN_INCOMPLETE);
	UT_EQ_INT(u.attrs.origin_as, 65002);
	UT_EQ_INT(u.nlri.count, 0);
	bgp_nlri_iter_init(&it, &u.mp_reach);
	UT_EQ_INT(bgp_nlri_next(&it, &p, NULL), 1);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "2001:db8::/32");
	UT_EQ_INT(bgp_nlri_next(&it, &p, NULL), 1);
	UT_EQ_STR(prefix_fmt(&p, buf, sizeof(buf)), "2001:db8:1::/48");
	UT_EQ_INT(bgp_nlri_next(&it, &p, NULL), 0);
}

/*
 * ADD-PATH (RFC 7911) IPv4 UPDATE body, path ids before each prefix:
 *   Withdrawn Routes Length: 8: Path Id 9, 203.0.113.0/24
 *   Total Path Attribute Length: 20: ORIGIN IGP, AS_PATH 65001, NEXT_HOP 192.0.2.1
 *   NLRI: Path Id 1, 198.51.100.0/24; Path Id 2, 198.51.100.0/24
 */
static const uint8_t upd_addpath[] = {
	0x00, 0x08, 0x00, 0x00, 0x00, 0x09, 0x18, 0xcb, 0x00, 0x71,
	0x00, 0x14,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x18, 0xc6, 0x33, 0x64,
	0x00, 0x00, 0x00, 0x02, 0x18, 0xc6, 0x33, 0x64,
};

static void
addpath_v4(void)
{
	struct bgp_sess		s = { 1, 0, BGP_AP_IPV4_UNICAST, 0, 0 };
	struct bgp_update	u;
	struct bgp_error	e;
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint32_t		id;

	UT_EQ_INT(bgp_update_decode(upd_addpath, sizeof(upd_addpath), &s, &u, &e), BGP_OK);
	UT_EQ_INT(u.withdrawn.count, 1);
	UT_EQ_INT(u.nlri.count, 2);
	bgp_nlri_iter_init(&it, &u.withdrawn);
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 1);
	UT_EQ_INT(id, 9);
	bgp_nlri_iter_init(&it, &u.nlri);
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 1);
	UT_EQ_INT(id, 1);
	UT_EQ_INT(bgp_nlri_next(&it, &p, &id), 1);
	UT_EQ_INT(id, 2);
	UT_EQ_INT(p.len, 24);
	/* without ADD-PATH negotiated the same bytes are garbage: reset */
	UT_EQ_INT(bgp_update_decode(upd_addpath, sizeof(upd_addpath), &sess4, &u, &e),
	    BGP_ERR_SESSION_RESET);
}

/*
 * End-of-RIB IPv6 (RFC 4724 §2): Total Path Attribute Length 6,
 *   MP_UNREACH_NLRI (0x80, type 15, length 3): AFI IPv6, SAFI Unicast, no NLRI
 */
static void
eor_v6(void)
{
	static const uint8_t	b[] = { 0, 0, 0, 6, 0x80, 0x0f, 0x03, 0x00, 0x02, 0x01 };
	struct bgp_update	u;
	struct bgp_error	e;
	struct wbuf		w;

	UT_EQ_INT(bgp_update_decode(b, sizeof(b), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.eor, 1);
	UT_EQ_INT(u.eor_afi, 2);
	UT_EQ_INT(u.eor_safi, 1);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_eor_encode(&w, 2, 1), 0);
	UT_EQ_INT(w.len, BGP_HDR_LEN + sizeof(b));
	UT_EQ_MEM(w.buf + BGP_HDR_LEN, b, sizeof(b));
	wbuf_reset(&w);
	UT_EQ_INT(bgp_eor_encode(&w, 1, 1), 0);
	UT_EQ_INT(w.len, 23);
	UT_EQ_INT(bgp_update_decode(w.buf + 19, 4, &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.eor, 1);
	UT_EQ_INT(u.eor_afi, 1);
	wbuf_free(&w);
}

/*
 * RFC 8950: IPv4 NLRI with an IPv6 next hop.
 *   MP_REACH_NLRI (0x80, 14, len 25): AFI IPv4 (1), SAFI 1, Next hop length 16:
 *     2001:db8::1, reserved 0, NLRI 198.51.100.0/24
 *   ORIGIN IGP, AS_PATH 65001
 */
static void
v4_over_v6_nexthop(void)
{
	static const uint8_t b[] = {
		0x00, 0x00, 0x00, 0x29,
		0x80, 0x0e, 0x19, 0x00, 0x01, 0x01, 0x10,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
		0x00, 0x18, 0xc6, 0x33, 0x64,
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	};
	struct bgp_update	u;
	struct bgp_error	e;
	struct bgp_nlri_iter	it;
	struct prefix		p;

	UT_EQ_INT(bgp_update_decode(b, sizeof(b), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.mp_reach.afi, 1);
	UT_EQ_INT(u.attrs.mp_nexthop.af, PREFIX_AF_IPV6);
	bgp_nlri_iter_init(&it, &u.mp_reach);
	UT_EQ_INT(bgp_nlri_next(&it, &p, NULL), 1);
	UT_EQ_INT(p.af, PREFIX_AF_IPV4);
	UT_EQ_INT(p.addr[0], 198);
}

/*
 * Every attribute we decode, 4-octet session:
 *   ORIGIN EGP; AS_PATH AS_SEQUENCE 65001, AS_SET {65002 65003};
 *   NEXT_HOP 192.0.2.1; MED 100 (80 04 04); LOCAL_PREF 200 (40 05 04);
 *   ATOMIC_AGGREGATE (40 06 00); AGGREGATOR 65003 10.0.0.1 (c0 07 08);
 *   COMMUNITIES 65001:100 NO_EXPORT (c0 08 08);
 *   ORIGINATOR_ID 10.0.0.9 (80 09 04); CLUSTER_LIST 10.0.0.7 10.0.0.8 (80 0a 08);
 *   EXTENDED_COMMUNITIES route-target 65001:7 (c0 10 08);
 *   LARGE_COMMUNITY 65001:1:2 (c0 20 0c); ONLY_TO_CUSTOMER 65001 (c0 23 04)
 *   NLRI 198.51.100.0/24
 */
static const uint8_t upd_all[] = {
	0x00, 0x00, 0x00, 0x78,
	0x40, 0x01, 0x01, 0x01,
	0x40, 0x02, 0x10, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	0x01, 0x02, 0x00, 0x00, 0xfd, 0xea, 0x00, 0x00, 0xfd, 0xeb,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x64,
	0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0xc8,
	0x40, 0x06, 0x00,
	0xc0, 0x07, 0x08, 0x00, 0x00, 0xfd, 0xeb, 0x0a, 0x00, 0x00, 0x01,
	0xc0, 0x08, 0x08, 0xfd, 0xe9, 0x00, 0x64, 0xff, 0xff, 0xff, 0x01,
	0x80, 0x09, 0x04, 0x0a, 0x00, 0x00, 0x09,
	0x80, 0x0a, 0x08, 0x0a, 0x00, 0x00, 0x07, 0x0a, 0x00, 0x00, 0x08,
	0xc0, 0x10, 0x08, 0x00, 0x02, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x07,
	0xc0, 0x20, 0x0c, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
	0x18, 0xc6, 0x33, 0x64,
};

static void
all_attributes(void)
{
	struct bgp_update	u;
	struct bgp_error	e;
	const struct bgp_attrs	*a = &u.attrs;

	UT_EQ_INT(bgp_update_decode(upd_all, sizeof(upd_all), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(a->origin, BGP_ORIGIN_EGP);
	UT_EQ_INT(a->origin_as, 65003);
	UT_EQ_INT(a->origin_is_set, 1);
	UT_EQ_INT(a->path_count, 2);
	UT_EQ_INT(a->med, 100);
	UT_EQ_INT(a->local_pref, 200);
	UT_EQ_INT(a->atomic_aggregate, 1);
	UT_EQ_INT(a->aggregator_as, 65003);
	UT_EQ_INT(a->aggregator_addr[3], 1);
	UT_EQ_INT(a->ncommunities, 2);
	UT_EQ_INT(be32_load(a->communities + 4), 0xffffff01);
	UT_EQ_INT(a->originator_id, 0x0a000009);
	UT_EQ_INT(a->ncluster, 2);
	UT_EQ_INT(a->next_communities, 1);
	UT_EQ_INT(a->ext_communities[1], 0x02);
	UT_EQ_INT(a->nlarge_communities, 1);
	UT_EQ_INT(be32_load(a->large_communities + 8), 2);
	UT_EQ_INT(a->otc, 65001);
	UT_ASSERT(BGP_ATTR_HAS(a, BGP_ATTR_OTC));
	UT_EQ_INT(u.nlri.count, 1);
}

/* The encoder writes the golden attribute field back byte for byte (type order, same flags). */
static void
all_attributes_reencode(void)
{
	struct bgp_update	u;
	struct bgp_error	e;
	struct wbuf		w;
	struct bgp_route	r;
	struct bgp_update_enc	enc;

	UT_EQ_INT(bgp_update_decode(upd_all, sizeof(upd_all), &sess4, &u, &e), BGP_OK);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_attrs_encode(&w, &sess4, &u.attrs), 0);
	UT_EQ_INT(w.len, u.attr_len);
	UT_EQ_MEM(w.buf, u.attr_p, w.len);
	/* and the whole UPDATE body */
	memset(&r, 0, sizeof(r));
	prefix_parse("198.51.100.0/24", &r.pfx);
	memset(&enc, 0, sizeof(enc));
	enc.announce = &r;
	enc.nannounce = 1;
	enc.attrs = &u.attrs;
	wbuf_reset(&w);
	UT_EQ_INT(bgp_update_encode(&w, &sess4, &enc), 0);
	UT_EQ_INT(w.len, BGP_HDR_LEN + sizeof(upd_all));
	UT_EQ_MEM(w.buf + BGP_HDR_LEN, upd_all, sizeof(upd_all));
	wbuf_free(&w);
}

static void
path_expect(const struct bgp_attrs *a, const uint32_t *want, size_t n)
{
	struct bgp_aspath_iter	it;
	uint8_t			st;
	uint32_t		asn;
	size_t			i = 0;

	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		UT_ASSERT(i < n);
		UT_EQ_INT(asn, want[i]);
		i++;
	}
	UT_EQ_INT(i, n);
}

#define ORIGIN_NH	0x40, 0x01, 0x01, 0x00, 0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01

/*
 * RFC 6793 §4.2.3 on a 2-octet session:
 *   AS_PATH (40 02 08): AS_SEQUENCE 65001 23456 23456
 *   AS4_PATH (c0 11 0a): AS_SEQUENCE 4200000000 4200000001
 *   → 65001 4200000000 4200000001
 */
static void
as4_merge(void)
{
	static const uint8_t a[] = { ORIGIN_NH,
	    0x40, 0x02, 0x08, 0x02, 0x03, 0xfd, 0xe9, 0x5b, 0xa0, 0x5b, 0xa0,
	    0xc0, 0x11, 0x0a, 0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x01 };
	static const uint32_t	 want[] = { 65001, 4200000000u, 4200000001u };
	uint8_t			 b[128];
	struct bgp_update	 u;
	struct bgp_error	 e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a, sizeof(a)), &sess2, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.use_as4path, 1);
	UT_EQ_INT(u.attrs.origin_as, 4200000001u);
	UT_EQ_INT(u.attrs.path_count, 3);
	path_expect(&u.attrs, want, 3);
}

/* AS4_PATH (2 ASes) longer than AS_PATH (65001 alone): AS4_PATH ignored. */
static void
as4_longer_ignored(void)
{
	static const uint8_t a[] = { ORIGIN_NH,
	    0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9,
	    0xc0, 0x11, 0x0a, 0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0xfa, 0x56, 0xea, 0x01 };
	static const uint32_t	 want[] = { 65001 };
	uint8_t			 b[128];
	struct bgp_update	 u;
	struct bgp_error	 e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a, sizeof(a)), &sess2, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.use_as4path, 0);
	UT_EQ_INT(u.attrs.origin_as, 65001);
	path_expect(&u.attrs, want, 1);
}

/*
 * AGGREGATOR 65010 (not AS_TRANS, c0 07 06) with AS4_AGGREGATOR and AS4_PATH:
 * both AS4 attributes ignored. Then AGGREGATOR AS_TRANS: AS4_AGGREGATOR used.
 */
static void
as4_aggregator(void)
{
	static const uint8_t a1[] = { ORIGIN_NH,
	    0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0x5b, 0xa0,
	    0xc0, 0x07, 0x06, 0xfd, 0xf2, 0x0a, 0x00, 0x00, 0x01,
	    0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00,
	    0xc0, 0x12, 0x08, 0xfa, 0x56, 0xea, 0x09, 0x0a, 0x00, 0x00, 0x02 };
	static const uint8_t a2[] = { ORIGIN_NH,
	    0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0x5b, 0xa0,
	    0xc0, 0x07, 0x06, 0x5b, 0xa0, 0x0a, 0x00, 0x00, 0x01,
	    0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00,
	    0xc0, 0x12, 0x08, 0xfa, 0x56, 0xea, 0x09, 0x0a, 0x00, 0x00, 0x02 };
	uint8_t			 b[128];
	struct bgp_update	 u;
	struct bgp_error	 e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a1, sizeof(a1)), &sess2, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.aggregator_as, 65010);
	UT_EQ_INT(u.attrs.origin_as, BGP_AS_TRANS);
	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a2, sizeof(a2)), &sess2, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.aggregator_as, 4200000009u);
	UT_EQ_INT(u.attrs.aggregator_addr[3], 2);
	UT_EQ_INT(u.attrs.origin_as, 4200000000u);
}

/*
 * Merge with an AS_SET: AS_PATH SEQ(65001 23456) SET(23456 65003) counts 3,
 * AS4_PATH SEQ(4200000000) SET(4200000001 65003) counts 2: one AS from AS_PATH.
 */
static void
as4_merge_set(void)
{
	static const uint8_t a[] = { ORIGIN_NH,
	    0x40, 0x02, 0x0c, 0x02, 0x02, 0xfd, 0xe9, 0x5b, 0xa0, 0x01, 0x02, 0x5b, 0xa0, 0xfd, 0xeb,
	    0xc0, 0x11, 0x10, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00,
	    0x01, 0x02, 0xfa, 0x56, 0xea, 0x01, 0x00, 0x00, 0xfd, 0xeb };
	static const uint32_t	 want[] = { 65001, 4200000000u, 4200000001u, 65003 };
	uint8_t			 b[128];
	struct bgp_update	 u;
	struct bgp_error	 e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a, sizeof(a)), &sess2, &u, &e), BGP_OK);
	path_expect(&u.attrs, want, 4);
	UT_EQ_INT(u.attrs.origin_is_set, 1);
	UT_EQ_INT(u.attrs.origin_as, 65003);
	UT_EQ_INT(u.attrs.path_count, 3);
}

/* A 4-octet speaker's AS4_PATH is ignored (RFC 6793 §4.1). */
static void
as4_from_new_speaker(void)
{
	static const uint8_t a[] = { ORIGIN_NH,
	    0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	    0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00 };
	uint8_t			 b[128];
	struct bgp_update	 u;
	struct bgp_error	 e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, a, sizeof(a)), &sess4, &u, &e), BGP_OK);
	UT_EQ_INT(u.attrs.origin_as, 65001);
	UT_ASSERT(!BGP_ATTR_HAS(&u.attrs, BGP_ATTR_AS4_PATH));
}

/* 1,500-hop AS path: 6 segments of at most 255, in a 6 KB extended-message UPDATE. */
static void
long_path_extended(void)
{
	static uint32_t		 asns[1500];
	struct bgp_sess		 ext = { 1, 1, 0, 0, 0 }, noext = { 1, 0, 0, 0, 0 };
	struct bgp_route	 r;
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct wbuf		 pw, w;
	struct bgp_msg		 m;
	struct bgp_error	 e;
	struct bgp_aspath_iter	 it;
	uint8_t			 st;
	uint32_t		 asn;
	int			 segs = 0, n = 0;

	for (int i = 0; i < 1500; i++)
		asns[i] = 4200000000u + (uint32_t)i;
	wbuf_init(&pw, 0);
	wbuf_init(&w, 0);
	ut_bgp_attrs(&a, &pw, asns, 1500);
	memset(&r, 0, sizeof(r));
	UT_EQ_INT(prefix_parse("198.51.100.0/24", &r.pfx), 0);
	memset(&enc, 0, sizeof(enc));
	enc.announce = &r;
	enc.nannounce = 1;
	enc.attrs = &a;
	UT_EQ_INT(bgp_update_encode(&w, &noext, &enc), -1);	/* > 4096 */
	wbuf_reset(&w);
	UT_EQ_INT(bgp_update_encode(&w, &ext, &enc), 0);
	UT_ASSERT(w.len > 6000);
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &noext, &m, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_HDR_BAD_LEN);
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &ext, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.update.attrs.path_count, 1500);
	UT_EQ_INT(m.u.update.attrs.origin_as, 4200001499u);
	bgp_aspath_iter_init(&it, &m.u.update.attrs);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		segs += it.new_seg;
		UT_EQ_INT(asn, asns[n]);
		n++;
	}
	UT_EQ_INT(segs, 6);
	UT_EQ_INT(n, 1500);
	/* the same toward a 2-octet speaker: AS_TRANS x 1500 plus a 1500-AS AS4_PATH, merged back */
	{
		struct bgp_sess old = { 0, 1, 0, 0, 0 };

		wbuf_reset(&w);
		UT_EQ_INT(bgp_update_encode(&w, &old, &enc), 0);
		UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &old, &m, &e), BGP_OK);
		UT_EQ_INT(m.u.update.attrs.use_as4path, 1);
		UT_EQ_INT(m.u.update.attrs.aspath_len, 6 * 2 + 1500 * 2);
		UT_EQ_INT(m.u.update.attrs.path_count, 1500);
		UT_EQ_INT(m.u.update.attrs.origin_as, 4200001499u);
		path_expect(&m.u.update.attrs, asns, 1500);
	}
	wbuf_free(&pw);
	wbuf_free(&w);
}

/* 6 KB of IPv4 NLRI in one extended UPDATE; framing and decode agree. */
static void
extended_6k_nlri(void)
{
	static struct bgp_route	 r[1600];
	static const uint32_t	 path[] = { 65001, 65002 };
	struct bgp_sess		 ext = { 1, 1, 0, 0, 0 };
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct wbuf		 pw, w;
	struct bgp_hdr		 h;
	struct bgp_update	 u;
	struct bgp_error	 e;

	for (int i = 0; i < 1600; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].pfx.af = PREFIX_AF_IPV4;
		r[i].pfx.len = 24;
		r[i].pfx.addr[0] = 10;
		r[i].pfx.addr[1] = (uint8_t)(i >> 8);
		r[i].pfx.addr[2] = (uint8_t)i;
	}
	wbuf_init(&pw, 0);
	wbuf_init(&w, 0);
	ut_bgp_attrs(&a, &pw, path, 2);
	memset(&enc, 0, sizeof(enc));
	enc.announce = r;
	enc.nannounce = 1600;
	enc.attrs = &a;
	UT_EQ_INT(bgp_update_encode(&w, &ext, &enc), 0);
	UT_ASSERT(w.len > 6000);
	UT_EQ_INT(bgp_msg_frame(w.buf, w.len, &ext, &h, &e), (int)w.len);
	UT_EQ_INT(bgp_update_decode(h.body, h.bodylen, &ext, &u, &e), BGP_OK);
	UT_EQ_INT(u.nlri.count, 1600);
	wbuf_free(&pw);
	wbuf_free(&w);
}

static void
same_routes(const struct bgp_nlri_set *s, const struct bgp_route *r, size_t n)
{
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint32_t		id;
	size_t			i = 0;

	UT_EQ_INT(s->count, n);
	bgp_nlri_iter_init(&it, s);
	while (bgp_nlri_next(&it, &p, &id) == 1) {
		UT_ASSERT(i < n);
		UT_ASSERT(prefix_eq(&p, &r[i].pfx));
		UT_EQ_INT(id, r[i].path_id);
		i++;
	}
	UT_EQ_INT(i, n);
}

/*
 * Encode→decode: a full attribute set toward a 2-octet session (AS4_PATH and
 * AS4_AGGREGATOR written, merged back on decode) and toward a 4-octet one, with
 * IPv4 routes, IPv6 withdrawals and ADD-PATH path ids.
 */
static void
roundtrip_full(void)
{
	static const uint32_t	 path[] = { 65001, 4200000000u, 65003, 4200000001u };
	static const uint8_t	 comm[] = { 0xfd, 0xe9, 0x00, 0x64 };
	static const uint8_t	 large[] = { 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2 };
	static const uint8_t	 raw[] = { 0xde, 0xad };
	struct bgp_sess		 ss[2] = {
		{ 0, 0, BGP_AP_IPV4_UNICAST | BGP_AP_IPV6_UNICAST,
		    BGP_AP_IPV4_UNICAST | BGP_AP_IPV6_UNICAST, 0 },
		{ 1, 0, 0, 0, 0 } };
	struct bgp_route	 ann[2], wd[2];
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct wbuf		 pw, w;
	struct bgp_msg		 m;
	struct bgp_error	 e;

	wbuf_init(&pw, 0);
	wbuf_init(&w, 0);
	ut_bgp_attrs(&a, &pw, path, 4);
	a.med = 7;
	a.local_pref = 300;
	a.atomic_aggregate = 1;
	a.aggregator_as = 4200000005u;
	a.aggregator_addr[0] = 10;
	a.communities = comm;
	a.ncommunities = 1;
	a.large_communities = large;
	a.nlarge_communities = 1;
	a.otc = 65001;
	a.raw[0] = (struct bgp_attr_raw){ 0xc0, 99, 2, raw };
	a.nraw = 1;
	a.present |= BGP_ATTR_BIT(BGP_ATTR_MED) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
	    BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE) | BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR) |
	    BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES) | BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITIES) |
	    BGP_ATTR_BIT(BGP_ATTR_OTC);
	memset(ann, 0, sizeof(ann));
	memset(wd, 0, sizeof(wd));
	prefix_parse("198.51.100.0/24", &ann[0].pfx);
	prefix_parse("203.0.113.128/25", &ann[1].pfx);
	prefix_parse("2001:db8::/32", &wd[0].pfx);
	prefix_parse("2001:db8:ff::/48", &wd[1].pfx);
	memset(&enc, 0, sizeof(enc));
	enc.announce = ann;
	enc.nannounce = 2;
	enc.withdrawn = wd;
	enc.nwithdrawn = 2;
	enc.attrs = &a;
	for (int i = 0; i < 2; i++) {
		int ap = ss[i].addpath_tx != 0;

		ann[0].path_id = ap ? 11 : 0;
		ann[1].path_id = ap ? 12 : 0;
		wd[1].path_id = ap ? 13 : 0;
		wbuf_reset(&w);
		UT_EQ_INT(bgp_update_encode(&w, &ss[i], &enc), 0);
		UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &ss[i], &m, &e), BGP_OK);
		same_routes(&m.u.update.nlri, ann, 2);
		same_routes(&m.u.update.mp_unreach, wd, 2);
		UT_EQ_INT(m.u.update.attrs.origin_as, 4200000001u);
		UT_EQ_INT(m.u.update.attrs.path_count, 4);
		UT_EQ_INT(m.u.update.attrs.aggregator_as, 4200000005u);
		UT_EQ_INT(m.u.update.attrs.med, 7);
		UT_EQ_INT(m.u.update.attrs.local_pref, 300);
		UT_EQ_INT(m.u.update.attrs.otc, 65001);
		UT_EQ_INT(m.u.update.attrs.ncommunities, 1);
		UT_EQ_INT(m.u.update.attrs.nlarge_communities, 1);
		UT_EQ_INT(m.u.update.attrs.nraw, 1);
		UT_EQ_INT(m.u.update.attrs.use_as4path, i == 0);
		path_expect(&m.u.update.attrs, path, 4);
	}
	wbuf_free(&pw);
	wbuf_free(&w);
}

/* IPv6 announcement with global + link-local next hop, and RFC 8950 IPv4 via MP. */
static void
roundtrip_mp(void)
{
	static const uint32_t	 path[] = { 65001 };
	struct bgp_sess		 s = { 1, 0, 0, BGP_AP_IPV6_UNICAST, 0 };
	struct bgp_sess		 rx = { 1, 0, BGP_AP_IPV6_UNICAST, 0, 0 };
	struct bgp_route	 r[2];
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct wbuf		 pw, w;
	struct bgp_msg		 m;
	struct bgp_error	 e;
	uint8_t			 gl[16], ll[16], af;

	wbuf_init(&pw, 0);
	wbuf_init(&w, 0);
	ut_bgp_attrs(&a, &pw, path, 1);
	a.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	addr_parse("2001:db8::1", &af, gl);
	addr_parse("fe80::1", &af, ll);
	bgp_nexthop_set(&a.mp_nexthop, PREFIX_AF_IPV6, gl, ll);
	memset(r, 0, sizeof(r));
	prefix_parse("2001:db8:1::/48", &r[0].pfx);
	r[0].path_id = 5;
	prefix_parse("2001:db8:2::/48", &r[1].pfx);
	r[1].path_id = 6;
	memset(&enc, 0, sizeof(enc));
	enc.announce = r;
	enc.nannounce = 2;
	enc.attrs = &a;
	UT_EQ_INT(bgp_update_encode(&w, &s, &enc), 0);
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &rx, &m, &e), BGP_OK);
	same_routes(&m.u.update.mp_reach, r, 2);
	UT_EQ_INT(m.u.update.attrs.mp_nexthop.has_ll, 1);
	UT_EQ_MEM(m.u.update.attrs.mp_nexthop.ll, ll, 16);
	/* RFC 8950: IPv4 routes in MP_REACH with the IPv6 next hop */
	prefix_parse("198.51.100.0/24", &r[0].pfx);
	r[0].path_id = 0;
	enc.nannounce = 1;
	enc.v4_mp = 1;
	wbuf_reset(&w);
	UT_EQ_INT(bgp_update_encode(&w, &s, &enc), 0);
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, &rx, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.update.mp_reach.afi, 1);
	UT_EQ_INT(m.u.update.nlri.count, 0);
	same_routes(&m.u.update.mp_reach, r, 1);
	UT_EQ_INT(m.u.update.attrs.mp_nexthop.af, PREFIX_AF_IPV6);
	wbuf_free(&pw);
	wbuf_free(&w);
}

/* Bare attribute blocks (BMP/MRT) incl. the RFC 6396 §4.3.4 abbreviated MP_REACH. */
static void
attrs_mrt(void)
{
	/* MP_REACH (80 0e 11): next hop length 16, 2001:db8::1; ORIGIN IGP */
	static const uint8_t b[] = { 0x80, 0x0e, 0x11, 0x10,
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	    0x40, 0x01, 0x01, 0x00 };
	/* MP_REACH (80 0e 15): AFI 2, SAFI 1, next hop length 16, 2001:db8::2, reserved */
	static const uint8_t full[] = { 0x80, 0x0e, 0x15, 0x00, 0x02, 0x01, 0x10,
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00 };
	struct bgp_attrs	a;
	struct bgp_error	e;

	UT_EQ_INT(bgp_attrs_decode(b, sizeof(b), &sess4, BGP_ATTRS_MRT_NH, &a, NULL, NULL,
	    &e), BGP_OK);
	UT_EQ_INT(a.mp_nexthop.af, PREFIX_AF_IPV6);
	UT_EQ_INT(a.mp_nexthop.addr[15], 1);
	UT_EQ_INT(bgp_attrs_decode(b, sizeof(b), &sess4, 0, &a, NULL, NULL, &e),
	    BGP_ERR_SESSION_RESET);
	/* the whole MP_REACH in a RIB entry, as older collectors wrote it: accepted too */
	UT_EQ_INT(bgp_attrs_decode(full, sizeof(full), &sess4, BGP_ATTRS_MRT_NH, &a, NULL,
	    NULL, &e), BGP_OK);
	UT_EQ_INT(a.mp_nexthop.af, PREFIX_AF_IPV6);
	UT_EQ_INT(a.mp_nexthop.addr[15], 2);
}

UT_MAIN(UT_CASE(v4_basic), UT_CASE(v4_aspath_width), UT_CASE(eor_v4), UT_CASE(v6_mp_reach),
    UT_CASE(addpath_v4), UT_CASE(eor_v6), UT_CASE(v4_over_v6_nexthop),
    UT_CASE(all_attributes), UT_CASE(all_attributes_reencode), UT_CASE(as4_merge), UT_CASE(as4_longer_ignored),
    UT_CASE(as4_aggregator), UT_CASE(as4_merge_set), UT_CASE(as4_from_new_speaker),
    UT_CASE(long_path_extended), UT_CASE(extended_6k_nlri), UT_CASE(roundtrip_full),
    UT_CASE(roundtrip_mp), UT_CASE(attrs_mrt))
