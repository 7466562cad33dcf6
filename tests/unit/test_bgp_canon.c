/*
 * The canonical attribute blob: the same bytes for the same attribute set however
 * it arrived (2- or 4-octet session with the AS4 merge, attribute order, NEXT_HOP
 * vs MP_REACH next hop), decodable back to origin AS, path, communities, OTC and
 * next hop, and stable under decode→encode.
 */
#include "bgp/bgp.h"
#include "tests/unit/ut.h"
#include "tests/unit/ut_bgp.h"

static const struct bgp_sess sess2 = { 0, 0, 0, 0, 0 };
static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };

static void
canon_of(const uint8_t *attrs, size_t alen, const struct bgp_sess *s, struct wbuf *out)
{
	uint8_t			b[512];
	struct bgp_update	u;
	struct bgp_error	e;

	UT_EQ_INT(bgp_update_decode(b, ut_bgp_body_v4(b, attrs, alen), s, &u, &e), BGP_OK);
	wbuf_reset(out);
	UT_EQ_INT(bgp_canon_encode(out, &u.attrs, -1), 0);
}

/*
 * One attribute set three ways:
 *  (1) 4-octet session: ORIGIN IGP, AS_PATH SEQ(65001 4200000000), NEXT_HOP
 *      192.0.2.1, COMMUNITIES 65001:100, ONLY_TO_CUSTOMER 65001
 *  (2) the same in reverse attribute order
 *  (3) 2-octet session: AS_PATH SEQ(65001 23456) + AS4_PATH SEQ(4200000000)
 */
static const uint8_t set1[] = {
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x64,
	0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
};
static const uint8_t set2[] = {
	0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
	0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x64,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00,
	0x40, 0x01, 0x01, 0x00,
};
static const uint8_t set3[] = {
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0x5b, 0xa0,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x64,
	0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x00,
	0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
};

/*
 * The expected blob: version 1, next hop length 4, 192.0.2.1, then
 * ORIGIN (40 01 01 00), AS_PATH 4-octet (40 02 0a ...), COMMUNITIES, OTC.
 */
static const uint8_t blob1[] = {
	0x01, 0x04, 0xc0, 0x00, 0x02, 0x01,
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00,
	0xc0, 0x08, 0x04, 0xfd, 0xe9, 0x00, 0x64,
	0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
};

static void
canon_same_set(void)
{
	struct wbuf a, b;

	wbuf_init(&a, 0);
	wbuf_init(&b, 0);
	canon_of(set1, sizeof(set1), &sess4, &a);
	UT_EQ_INT(a.len, sizeof(blob1));
	UT_EQ_MEM(a.buf, blob1, sizeof(blob1));
	canon_of(set2, sizeof(set2), &sess4, &b);
	UT_EQ_INT(b.len, a.len);
	UT_EQ_MEM(b.buf, a.buf, a.len);
	canon_of(set3, sizeof(set3), &sess2, &b);
	UT_EQ_INT(b.len, a.len);
	UT_EQ_MEM(b.buf, a.buf, a.len);
	wbuf_free(&a);
	wbuf_free(&b);
}

/* Different sets give different blobs (one community more). */
static void
canon_differs(void)
{
	static const uint8_t other[] = {
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00,
		0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
		0xc0, 0x08, 0x08, 0xfd, 0xe9, 0x00, 0x64, 0xfd, 0xe9, 0x00, 0x65,
		0xc0, 0x23, 0x04, 0x00, 0x00, 0xfd, 0xe9,
	};
	struct wbuf a, b;

	wbuf_init(&a, 0);
	wbuf_init(&b, 0);
	canon_of(set1, sizeof(set1), &sess4, &a);
	canon_of(other, sizeof(other), &sess4, &b);
	UT_ASSERT(a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0);
	wbuf_free(&a);
	wbuf_free(&b);
}

static void
canon_decode_fields(void)
{
	struct wbuf		 a, b;
	struct bgp_attrs	 d;
	struct bgp_aspath_iter	 it;
	uint8_t			 st;
	uint32_t		 asn;
	int			 n = 0;

	wbuf_init(&a, 0);
	wbuf_init(&b, 0);
	canon_of(set3, sizeof(set3), &sess2, &a);
	UT_EQ_INT(bgp_canon_decode(a.buf, a.len, &d), 0);
	UT_EQ_INT(d.origin_as, 4200000000u);
	UT_EQ_INT(d.path_count, 2);
	UT_EQ_INT(d.otc, 65001);
	UT_EQ_INT(d.ncommunities, 1);
	UT_EQ_INT(be32_load(d.communities), 0xfde90064);
	UT_EQ_INT(d.nexthop.af, PREFIX_AF_IPV4);
	UT_EQ_INT(d.nexthop.addr[3], 1);
	bgp_aspath_iter_init(&it, &d);
	while (bgp_aspath_next(&it, &st, &asn) == 1)
		n++;
	UT_EQ_INT(n, 2);
	/* decode → encode gives the same blob */
	UT_EQ_INT(bgp_canon_encode(&b, &d, -1), 0);
	UT_EQ_INT(b.len, a.len);
	UT_EQ_MEM(b.buf, a.buf, a.len);
	wbuf_free(&a);
	wbuf_free(&b);
}

/* MP next hop (global + link-local) selected with mp = 1 / -1, NEXT_HOP with 0. */
static void
canon_nexthop_choice(void)
{
	static const uint8_t v4[4] = { 192, 0, 2, 9 };
	uint8_t			gl[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t			ll[16] = { 0xfe, 0x80, [15] = 1 };
	struct bgp_attrs	a, d;
	struct wbuf		w;

	bgp_attrs_init(&a);
	a.origin = BGP_ORIGIN_IGP;
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, v4, NULL);
	bgp_nexthop_set(&a.mp_nexthop, PREFIX_AF_IPV6, gl, ll);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_canon_encode(&w, &a, -1), 0);
	UT_EQ_INT(w.buf[1], 32);
	UT_EQ_INT(bgp_canon_decode(w.buf, w.len, &d), 0);
	UT_EQ_INT(d.nexthop.af, PREFIX_AF_IPV6);
	UT_EQ_INT(d.nexthop.has_ll, 1);
	UT_EQ_MEM(d.nexthop.ll, ll, 16);
	UT_EQ_INT(d.origin, BGP_ORIGIN_IGP);
	wbuf_reset(&w);
	UT_EQ_INT(bgp_canon_encode(&w, &a, 0), 0);
	UT_EQ_INT(w.buf[1], 4);
	UT_EQ_INT(w.len, 2 + 4 + 4);	/* NEXT_HOP itself is not repeated */
	wbuf_free(&w);
}

static void
canon_reject(void)
{
	static const uint8_t badver[] = { 0x02, 0x00 };
	static const uint8_t badnh[] = { 0x01, 0x05, 1, 2, 3, 4, 5 };
	/* a NEXT_HOP attribute is never in a canonical blob */
	static const uint8_t withnh[] = { 0x01, 0x00, 0x40, 0x03, 0x04, 1, 2, 3, 4 };
	/* a malformed ORIGIN inside */
	static const uint8_t badattr[] = { 0x01, 0x00, 0x40, 0x01, 0x01, 0x07 };
	struct bgp_attrs a;

	UT_EQ_INT(bgp_canon_decode(badver, sizeof(badver), &a), -1);
	UT_EQ_INT(bgp_canon_decode(badnh, sizeof(badnh), &a), -1);
	UT_EQ_INT(bgp_canon_decode(withnh, sizeof(withnh), &a), -1);
	UT_EQ_INT(bgp_canon_decode(badattr, sizeof(badattr), &a), -1);
	UT_EQ_INT(bgp_canon_decode(badver, 1, &a), -1);
}

/* Adjacent sequences and long paths: canonical segments are maximal runs of ≤ 255. */
static void
canon_segments(void)
{
	static uint32_t		 asns[300];
	struct wbuf		 p1, p2, c1, c2;
	struct bgp_attrs	 a;

	for (int i = 0; i < 300; i++)
		asns[i] = 64512u + (uint32_t)i;
	wbuf_init(&p1, 0);
	wbuf_init(&p2, 0);
	wbuf_init(&c1, 0);
	wbuf_init(&c2, 0);
	bgp_aspath_put(&p1, BGP_SEG_SEQUENCE, asns, 300, 1);	/* 255 + 45 */
	bgp_aspath_put(&p2, BGP_SEG_SEQUENCE, asns, 100, 1);	/* 100 + 200 */
	bgp_aspath_put(&p2, BGP_SEG_SEQUENCE, asns + 100, 200, 1);
	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a.aspath_as4 = 1;
	a.aspath = p1.buf;
	a.aspath_len = (uint16_t)p1.len;
	UT_EQ_INT(bgp_canon_encode(&c1, &a, 0), 0);
	a.aspath = p2.buf;
	a.aspath_len = (uint16_t)p2.len;
	UT_EQ_INT(bgp_canon_encode(&c2, &a, 0), 0);
	UT_EQ_INT(c1.len, c2.len);
	UT_EQ_MEM(c1.buf, c2.buf, c1.len);
	UT_EQ_INT(c1.buf[2], BGP_ATTR_F_TRANSITIVE | BGP_ATTR_F_EXTLEN);	/* > 255 bytes */
	wbuf_free(&p1);
	wbuf_free(&p2);
	wbuf_free(&c1);
	wbuf_free(&c2);
}

/* The AS_PATH value in the canonical blob of a 4-octet path given as wire segments. */
static void
canon_path(const uint8_t *path, size_t len, struct wbuf *blob, struct bgp_attrs *out)
{
	struct bgp_attrs	 a;

	bgp_attrs_init(&a);
	a.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a.aspath_as4 = 1;
	a.aspath = path;
	a.aspath_len = (uint16_t)len;
	wbuf_reset(blob);
	UT_EQ_INT(bgp_canon_encode(blob, &a, 0), 0);
	UT_EQ_INT(bgp_canon_decode(blob->buf, blob->len, out), 0);
}

/*
 * Paths already in canonical segments are copied as they are; only sequences in a
 * row (plain or confederation) are joined. Sets never are.
 */
static void
canon_segments_as_is(void)
{
	static const uint8_t mixed[] = {	/* SEQ(1 2 3) SET(4 5) SEQ(6) */
		2, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
		1, 2, 0, 0, 0, 4, 0, 0, 0, 5,
		2, 1, 0, 0, 0, 6,
	};
	static const uint8_t confed[] = {	/* CSEQ(7) SEQ(1) CSET(8 9) CSET(10) */
		3, 1, 0, 0, 0, 7,
		2, 1, 0, 0, 0, 1,
		4, 2, 0, 0, 0, 8, 0, 0, 0, 9,
		4, 1, 0, 0, 0, 10,
	};
	static const uint8_t sets[] = {		/* SET(1) SET(2) */
		1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 2,
	};
	static const uint8_t seqs[] = {		/* SEQ(1 2) SEQ(3) -> SEQ(1 2 3) */
		2, 2, 0, 0, 0, 1, 0, 0, 0, 2, 2, 1, 0, 0, 0, 3,
	};
	static const uint8_t joined[] = {
		2, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
	};
	static const uint8_t cseqs[] = {	/* CSEQ(7) CSEQ(8) SEQ(1) -> CSEQ(7 8) SEQ(1) */
		3, 1, 0, 0, 0, 7, 3, 1, 0, 0, 0, 8, 2, 1, 0, 0, 0, 1,
	};
	static const uint8_t cjoined[] = {
		3, 2, 0, 0, 0, 7, 0, 0, 0, 8, 2, 1, 0, 0, 0, 1,
	};
	struct wbuf		 blob;
	struct bgp_attrs	 a;

	wbuf_init(&blob, 0);
	canon_path(mixed, sizeof(mixed), &blob, &a);
	UT_EQ_INT(a.aspath_len, sizeof(mixed));
	UT_EQ_MEM(a.aspath, mixed, sizeof(mixed));
	UT_EQ_INT(a.origin_as, 6);
	UT_EQ_INT(a.path_count, 5);
	canon_path(confed, sizeof(confed), &blob, &a);
	UT_EQ_INT(a.aspath_len, sizeof(confed));
	UT_EQ_MEM(a.aspath, confed, sizeof(confed));
	UT_EQ_INT(a.origin_as, 1);
	UT_EQ_INT(a.path_count, 1);
	canon_path(sets, sizeof(sets), &blob, &a);
	UT_EQ_INT(a.aspath_len, sizeof(sets));
	UT_EQ_MEM(a.aspath, sets, sizeof(sets));
	UT_EQ_INT(a.origin_as, 2);
	UT_EQ_INT(a.origin_is_set, 1);
	UT_EQ_INT(a.path_count, 2);
	canon_path(seqs, sizeof(seqs), &blob, &a);
	UT_EQ_INT(a.aspath_len, sizeof(joined));
	UT_EQ_MEM(a.aspath, joined, sizeof(joined));
	canon_path(cseqs, sizeof(cseqs), &blob, &a);
	UT_EQ_INT(a.aspath_len, sizeof(cjoined));
	UT_EQ_MEM(a.aspath, cjoined, sizeof(cjoined));
	wbuf_free(&blob);
}

UT_MAIN(UT_CASE(canon_same_set), UT_CASE(canon_differs), UT_CASE(canon_decode_fields),
    UT_CASE(canon_nexthop_choice), UT_CASE(canon_reject), UT_CASE(canon_segments),
    UT_CASE(canon_segments_as_is))
