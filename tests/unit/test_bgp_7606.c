/*
 * RFC 7606 error handling, one golden UPDATE per case. Each UPDATE body is
 *   Withdrawn Routes Length: 0, Total Path Attribute Length: n, attributes, NLRI
 * built from the attribute fragments below (each dissected in its comment), on a
 * 4-octet AS session unless said otherwise. Expected: the outcome, the
 * NOTIFICATION code/subcode, the attribute concerned, and that the prefixes are
 * still exposed on treat-as-withdraw.
 */
#include "bgp/bgp.h"
#include "tests/unit/ut.h"

static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };
static const struct bgp_sess sess2 = { 0, 0, 0, 0, 0 };
static const struct bgp_sess sess4e = { 1, 0, 0, 0, 1 };	/* an external peer */

/* ORIGIN (flags 0x40 transitive, type 1, len 1): IGP */
#define A_ORIGIN	0x40, 0x01, 0x01, 0x00
/* AS_PATH (0x40, type 2, len 6): AS_SEQUENCE (2), 1 AS: 65001 */
#define A_ASPATH	0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9
/* NEXT_HOP (0x40, type 3, len 4): 192.0.2.1 */
#define A_NH		0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01
#define A_GOOD		A_ORIGIN, A_ASPATH, A_NH
/* NLRI: 198.51.100.0/24 */
static const uint8_t nlri1[] = { 0x18, 0xc6, 0x33, 0x64 };

struct xcase {
	const uint8_t		*attrs;
	size_t			 alen;
	int			 with_nlri;
	const struct bgp_sess	*sess;
	enum bgp_result		 outcome;
	uint8_t			 subcode;
	uint8_t			 attr_type;
};

static size_t
mkbody(uint8_t *out, const uint8_t *attrs, size_t alen, const uint8_t *nlri, size_t nlen)
{
	out[0] = out[1] = 0;
	be16_store(out + 2, (uint16_t)alen);
	memcpy(out + 4, attrs, alen);
	memcpy(out + 4 + alen, nlri, nlen);
	return 4 + alen + nlen;
}

static void
run(const struct xcase *x, struct bgp_update *u, struct bgp_error *e)
{
	static uint8_t		body[512];	/* the decoded update points into it */
	size_t			len;
	enum bgp_result		r;

	len = mkbody(body, x->attrs, x->alen, nlri1, x->with_nlri ? sizeof(nlri1) : 0);
	r = bgp_update_decode(body, len, x->sess ? x->sess : &sess4, u, e);
	UT_EQ_INT(r, x->outcome);
	UT_EQ_INT(e->outcome, x->outcome);
	if (x->outcome == BGP_OK)
		return;
	UT_ASSERT(e->what != NULL);
	if (x->outcome != BGP_ERR_ATTR_DISCARD) {
		UT_EQ_INT(e->code, BGP_NOTIFY_UPDATE);
		UT_EQ_INT(e->subcode, x->subcode);
	}
	UT_EQ_INT(e->attr_type, x->attr_type);
	if (x->outcome == BGP_ERR_TREAT_AS_WITHDRAW && x->with_nlri) {
		struct bgp_nlri_iter	it;
		struct prefix		p;

		UT_EQ_INT(u->nlri.count, 1);
		bgp_nlri_iter_init(&it, &u->nlri);
		UT_EQ_INT(bgp_nlri_next(&it, &p, NULL), 1);
		UT_EQ_INT(p.len, 24);
	}
}

#define X(name, outc, sub, at, nl, ...)						\
static void									\
name(void)									\
{										\
	static const uint8_t a[] = { __VA_ARGS__ };				\
	const struct xcase x = { a, sizeof(a), nl, NULL, outc, sub, at };	\
	struct bgp_update u;							\
	struct bgp_error e;							\
	run(&x, &u, &e);							\
}
/* The same on a 2-octet AS session. */
#define X2(name, outc, sub, at, nl, ...)					\
static void									\
name(void)									\
{										\
	static const uint8_t a[] = { __VA_ARGS__ };				\
	const struct xcase x = { a, sizeof(a), nl, &sess2, outc, sub, at };	\
	struct bgp_update u;							\
	struct bgp_error e;							\
	run(&x, &u, &e);							\
}
/* The same from an external peer. */
#define XE(name, outc, sub, at, nl, ...)					\
static void									\
name(void)									\
{										\
	static const uint8_t a[] = { __VA_ARGS__ };				\
	const struct xcase x = { a, sizeof(a), nl, &sess4e, outc, sub, at };	\
	struct bgp_update u;							\
	struct bgp_error e;							\
	run(&x, &u, &e);							\
}
#define TAW	BGP_ERR_TREAT_AS_WITHDRAW
#define DISC	BGP_ERR_ATTR_DISCARD
#define RESET	BGP_ERR_SESSION_RESET

/* ORIGIN value 3 (undefined): §7.1 treat-as-withdraw, Invalid ORIGIN Attribute */
X(origin_value, TAW, BGP_NOTIFY_UPD_ORIGIN, 1, 1,
    0x40, 0x01, 0x01, 0x03, A_ASPATH, A_NH)
/* ORIGIN length 2: §7.1 */
X(origin_len, TAW, BGP_NOTIFY_UPD_ORIGIN, 1, 1,
    0x40, 0x01, 0x02, 0x00, 0x00, A_ASPATH, A_NH)
/* ORIGIN with flags 0xc0 (optional set on a well-known): §3 (c) Attribute Flags Error */
X(origin_flags, TAW, BGP_NOTIFY_UPD_ATTR_FLAGS, 1, 1,
    0xc0, 0x01, 0x01, 0x00, A_ASPATH, A_NH)
/* AS_PATH segment type 5 (undefined): §7.2 Malformed AS_PATH */
X(aspath_segtype, TAW, BGP_NOTIFY_UPD_ASPATH, 2, 1,
    A_ORIGIN, 0x40, 0x02, 0x06, 0x05, 0x01, 0x00, 0x00, 0xfd, 0xe9, A_NH)
/* AS_PATH AS_SEQUENCE with segment length 0: §7.2 */
X(aspath_zero_seg, TAW, BGP_NOTIFY_UPD_ASPATH, 2, 1,
    A_ORIGIN, 0x40, 0x02, 0x02, 0x02, 0x00, A_NH)
/* AS_PATH segment of 2 ASes in 6 bytes (overruns the attribute): §7.2 */
X(aspath_overrun, TAW, BGP_NOTIFY_UPD_ASPATH, 2, 1,
    A_ORIGIN, 0x40, 0x02, 0x06, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, A_NH)
/* NEXT_HOP length 5: §7.3 */
X(nexthop_len, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 3, 1,
    A_ORIGIN, A_ASPATH, 0x40, 0x03, 0x05, 0xc0, 0x00, 0x02, 0x01, 0x00)
/* MULTI_EXIT_DISC (0x80, type 4) length 3: §7.4 */
X(med_len, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 4, 1,
    A_GOOD, 0x80, 0x04, 0x03, 0x00, 0x00, 0x01)
/* LOCAL_PREF (0x40, type 5) length 2: §7.5 */
X(local_pref_len, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 5, 1,
    A_GOOD, 0x40, 0x05, 0x02, 0x00, 0x64)
/* From an external peer: LOCAL_PREF length 2, ORIGINATOR_ID (0x80, 9) length 3,
 * CLUSTER_LIST (0x80, 10) length 6: §7.5, §7.9, §7.10 attribute discard */
XE(local_pref_len_ebgp, DISC, 0, 5, 1,
    A_GOOD, 0x40, 0x05, 0x02, 0x00, 0x64)
XE(originator_len_ebgp, DISC, 0, 9, 1,
    A_GOOD, 0x80, 0x09, 0x03, 0x0a, 0x00, 0x01)
XE(cluster_len_ebgp, DISC, 0, 10, 1,
    A_GOOD, 0x80, 0x0a, 0x06, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00)
/* A well-formed LOCAL_PREF from an external peer is ignored (RFC 4271 §5.1.5) */
static void
local_pref_ebgp_ignored(void)
{
	static const uint8_t	a[] = { A_GOOD, 0x40, 0x05, 0x04, 0x00, 0x00, 0x01, 0x2c };
	const struct xcase	xi = { a, sizeof(a), 1, &sess4, BGP_OK, 0, 0 };
	const struct xcase	xe = { a, sizeof(a), 1, &sess4e, BGP_OK, 0, 0 };
	struct bgp_update	u;
	struct bgp_error	e;

	run(&xi, &u, &e);
	UT_ASSERT(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF));
	UT_EQ_INT(u.attrs.local_pref, 300);
	run(&xe, &u, &e);
	UT_ASSERT(!(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)));
}
/* ATOMIC_AGGREGATE (0x40, type 6) length 1: §7.6 attribute discard */
X(atomic_len, DISC, 0, 6, 1,
    A_GOOD, 0x40, 0x06, 0x01, 0x00)
/* AGGREGATOR (0xc0, type 7) length 5 (needs 8 on a 4-octet session): §7.7 discard */
X(aggregator_len, DISC, 0, 7, 1,
    A_GOOD, 0xc0, 0x07, 0x05, 0x00, 0x00, 0xfd, 0xe9, 0x01)
/* COMMUNITIES (0xc0, type 8) length 3: §7.8 */
X(communities_len, TAW, BGP_NOTIFY_UPD_OPT_ATTR, 8, 1,
    A_GOOD, 0xc0, 0x08, 0x03, 0x00, 0x00, 0x01)
/* ORIGINATOR_ID (0x80, type 9) length 3: §7.9 */
X(originator_len, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 9, 1,
    A_GOOD, 0x80, 0x09, 0x03, 0x0a, 0x00, 0x00)
/* CLUSTER_LIST (0x80, type 10) length 0: §7.10 */
X(cluster_empty, TAW, BGP_NOTIFY_UPD_OPT_ATTR, 10, 1,
    A_GOOD, 0x80, 0x0a, 0x00)
/* EXTENDED_COMMUNITIES (0xc0, type 16) length 7: §7.14 */
X(extcomm_len, TAW, BGP_NOTIFY_UPD_OPT_ATTR, 16, 1,
    A_GOOD, 0xc0, 0x10, 0x07, 0x00, 0x02, 0xfd, 0xe9, 0x00, 0x00, 0x00)
/* LARGE_COMMUNITY (0xc0, type 32) length 13: RFC 8092 §6 */
X(large_len, TAW, BGP_NOTIFY_UPD_OPT_ATTR, 32, 1,
    A_GOOD, 0xc0, 0x20, 0x0d, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2, 0)
/* ONLY_TO_CUSTOMER (0xc0, type 35) length 3: RFC 9234 §5 */
X(otc_len, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 35, 1,
    A_GOOD, 0xc0, 0x23, 0x03, 0x00, 0xfd, 0xe9)
/* A second ORIGIN (INCOMPLETE): §3 (g) the later one is discarded */
X(duplicate_origin, DISC, 0, 1, 1,
    A_GOOD, 0x40, 0x01, 0x01, 0x02)
/* NLRI but no AS_PATH: §3 (d) Missing Well-known Attribute, data = type 2 */
X(missing_aspath, TAW, BGP_NOTIFY_UPD_MISSING_WK, 2, 1,
    A_ORIGIN, A_NH)
/* IPv4 NLRI but no NEXT_HOP: §3 (d) */
X(missing_nexthop, TAW, BGP_NOTIFY_UPD_MISSING_WK, 3, 1,
    A_ORIGIN, A_ASPATH)
/* No NLRI at all, attributes missing: nothing to withdraw, nothing wrong */
X(no_nlri_no_mandatory, BGP_OK, 0, 0, 0,
    0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x01)
/* Unknown type 99 with flags 0x40 (well-known): RFC 4271 §6.3 Unrecognized Well-known */
X(unknown_wellknown, RESET, BGP_NOTIFY_UPD_UNREC_WK, 99, 1,
    A_GOOD, 0x40, 0x63, 0x01, 0x00)
/*
 * MP_UNREACH_NLRI (0x80, type 15, len 3) twice: §3 (g) Malformed Attribute List
 *   AFI IPv6 (2), SAFI Unicast (1), no NLRI
 */
X(mp_unreach_twice, RESET, BGP_NOTIFY_UPD_ATTR_LIST, 15, 0,
    0x80, 0x0f, 0x03, 0x00, 0x02, 0x01, 0x80, 0x0f, 0x03, 0x00, 0x02, 0x01)
/*
 * MP_REACH_NLRI (0x80, type 14, len 10): AFI 2, SAFI 1, Next hop length 5 (not
 * 16/32), 5 bytes, reserved: §7.11 session reset, Optional Attribute Error
 */
X(mp_reach_nhlen, RESET, BGP_NOTIFY_UPD_OPT_ATTR, 14, 0,
    0x80, 0x0e, 0x0a, 0x00, 0x02, 0x01, 0x05, 1, 2, 3, 4, 5, 0x00, A_ORIGIN, A_ASPATH)
/* MP_REACH_NLRI with flags 0xc0 (transitive set): §3 (c), MP_* reset per §7.11 */
X(mp_reach_flags, RESET, BGP_NOTIFY_UPD_ATTR_FLAGS, 14, 0,
    0xc0, 0x0e, 0x15, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 1, 0x00, A_ORIGIN, A_ASPATH)
/* MP_UNREACH_NLRI: AFI 2 SAFI 1, prefix length 129: §5.3 session reset */
X(mp_unreach_prefix_len, RESET, BGP_NOTIFY_UPD_OPT_ATTR, 15, 0,
    0x80, 0x0f, 0x05, 0x00, 0x02, 0x01, 0x81, 0x20)
/* AS4_PATH (0xc0, type 17) with a zero-length segment, 2-octet session: RFC 6793 §6 discard */
X2(as4path_malformed, DISC, 0, 17, 1,
    A_ORIGIN, 0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9, A_NH, 0xc0, 0x11, 0x02, 0x02, 0x00)
/* AS4_PATH with an AS_CONFED_SEQUENCE (3) segment, 2-octet session: RFC 6793 §6 discard */
X2(as4path_confed, DISC, 0, 17, 1,
    A_ORIGIN, 0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9, A_NH,
    0xc0, 0x11, 0x06, 0x03, 0x01, 0x00, 0x00, 0xfd, 0xe9)
/* MP_REACH_NLRI AFI 2 with a 4-byte next hop: §7.11 reset */
X(mp_reach_v6_nh4, RESET, BGP_NOTIFY_UPD_OPT_ATTR, 14, 0,
    0x80, 0x0e, 0x09, 0x00, 0x02, 0x01, 0x04, 0xc0, 0x00, 0x02, 0x01, 0x00, A_ORIGIN, A_ASPATH)
/* ORIGIN with the Extended Length bit (0x50, 2-octet length 1) is legal: OK */
X(extlen_small_ok, BGP_OK, 0, 0, 1,
    0x50, 0x01, 0x00, 0x01, 0x00, A_ASPATH, A_NH)
/* AS4_AGGREGATOR (0xc0, type 18) of 6 bytes: RFC 6793 §6 discard */
X(as4aggregator_len, DISC, 0, 18, 1,
    A_GOOD, 0xc0, 0x12, 0x06, 0, 0, 0xfd, 0xe9, 10, 0)
/* Both a discard (ATOMIC_AGGREGATE len 1) and a treat-as-withdraw (MED len 2): §3 (h) strongest */
X(strongest_wins, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 4, 1,
    A_GOOD, 0x40, 0x06, 0x01, 0x00, 0x80, 0x04, 0x02, 0x00, 0x01)
/*
 * The last attribute claims 9 bytes where 2 remain: §4 treat-as-withdraw, the
 * NLRI still located from the Total Path Attribute Length.
 */
X(attr_overrun, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 8, 1,
    A_GOOD, 0xc0, 0x08, 0x09, 0x00, 0x01)
/* Two bytes left (LOCAL_PREF's flags and type), too few for an attribute header: §4 */
X(attr_short_header, TAW, BGP_NOTIFY_UPD_ATTR_LEN, 5, 1,
    A_GOOD, 0x40, 0x05)
/* An overrun in an UPDATE without IPv4 routes and no MP attribute found yet: reset */
X(attr_overrun_hides_mp, RESET, BGP_NOTIFY_UPD_ATTR_LIST, 0, 0,
    0x80, 0x0e, 0x40, 0x00, 0x02, 0x01)

/* Unknown optional transitive (0xc0, type 99) kept raw; unknown non-transitive dropped. */
static void
unknown_kept_raw(void)
{
	static const uint8_t a[] = { A_GOOD, 0xe0, 0x63, 0x02, 0xab, 0xcd,
	    0x80, 0x64, 0x01, 0x00 };
	const struct xcase	x = { a, sizeof(a), 1, NULL, BGP_OK, 0, 0 };
	struct bgp_update	u;
	struct bgp_error	e;

	run(&x, &u, &e);
	UT_EQ_INT(u.attrs.nraw, 1);
	UT_EQ_INT(u.attrs.raw[0].flags, 0xe0);
	UT_EQ_INT(u.attrs.raw[0].type, 99);
	UT_EQ_INT(u.attrs.raw[0].len, 2);
	UT_EQ_INT(u.attrs.raw[0].value[1], 0xcd);
}

/* The discarded duplicate leaves the first value in place. */
static void
duplicate_keeps_first(void)
{
	static const uint8_t a[] = { A_GOOD, 0x40, 0x01, 0x01, 0x02 };
	const struct xcase	x = { a, sizeof(a), 1, NULL, DISC, 0, 1 };
	struct bgp_update	u;
	struct bgp_error	e;

	run(&x, &u, &e);
	UT_EQ_INT(u.attrs.origin, BGP_ORIGIN_IGP);
	UT_EQ_INT(e.ndiscarded, 1);
}

/* A 6-byte AGGREGATOR is right on a 2-octet session, wrong on a 4-octet one. */
static void
aggregator_width(void)
{
	static const uint8_t a[] = { A_ORIGIN, 0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9, A_NH,
	    0xc0, 0x07, 0x06, 0xfd, 0xe9, 0x0a, 0x00, 0x00, 0x01 };
	const struct xcase	x2 = { a, sizeof(a), 1, &sess2, BGP_OK, 0, 0 };
	struct bgp_update	u;
	struct bgp_error	e;

	run(&x2, &u, &e);
	UT_EQ_INT(u.attrs.aggregator_as, 65001);
	UT_EQ_INT(u.attrs.aggregator_addr[0], 10);
}

/* Message-level lengths (RFC 4271 §6.3, RFC 7606 §4/§5.3). */
static void
field_lengths(void)
{
	/* Withdrawn Routes Length 255 in a 4-byte body */
	static const uint8_t wl[] = { 0x00, 0xff, 0x00, 0x00 };
	/* Total Path Attribute Length 16 with 4 bytes present */
	static const uint8_t tal[] = { 0x00, 0x00, 0x00, 0x10, A_ORIGIN };
	/* Withdrawn 198.51.100.0/33 */
	static const uint8_t w33[] = { 0x00, 0x04, 0x21, 0xc6, 0x33, 0x64, 0x00, 0x00 };
	/* NLRI 198.51.100.0/24 cut after two address bytes */
	static const uint8_t cut[] = { 0x00, 0x00, 0x00, 0x14, A_GOOD, 0x18, 0xc6, 0x33 };
	struct bgp_update	u;
	struct bgp_error	e;

	UT_EQ_INT(bgp_update_decode(wl, sizeof(wl), &sess4, &u, &e), RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_UPD_ATTR_LIST);
	UT_EQ_INT(bgp_update_decode(tal, sizeof(tal), &sess4, &u, &e), RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_UPD_ATTR_LIST);
	UT_EQ_INT(bgp_update_decode(w33, sizeof(w33), &sess4, &u, &e), RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_UPD_NETWORK);
	UT_EQ_INT(bgp_update_decode(cut, sizeof(cut), &sess4, &u, &e), RESET);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_UPD_NETWORK);
	UT_EQ_INT(bgp_update_decode(wl, 3, &sess4, &u, &e), RESET);
}

/* The reset data is the offending attribute, as RFC 4271 §6.3 wants. */
static void
reset_data(void)
{
	static const uint8_t a[] = { A_GOOD, 0x40, 0x63, 0x01, 0x07 };
	uint8_t			body[64];
	size_t			len = mkbody(body, a, sizeof(a), nlri1, sizeof(nlri1));
	struct bgp_update	u;
	struct bgp_error	e;

	UT_EQ_INT(bgp_update_decode(body, len, &sess4, &u, &e), RESET);
	UT_EQ_INT(e.datalen, 4);
	UT_EQ_INT(e.data[0], 0x40);
	UT_EQ_INT(e.data[1], 0x63);
	UT_EQ_INT(e.data[3], 0x07);
}

UT_MAIN(UT_CASE(origin_value), UT_CASE(origin_len), UT_CASE(origin_flags),
    UT_CASE(aspath_segtype), UT_CASE(aspath_zero_seg), UT_CASE(aspath_overrun),
    UT_CASE(nexthop_len), UT_CASE(med_len), UT_CASE(local_pref_len), UT_CASE(local_pref_len_ebgp),
    UT_CASE(originator_len_ebgp), UT_CASE(cluster_len_ebgp), UT_CASE(local_pref_ebgp_ignored), UT_CASE(atomic_len),
    UT_CASE(aggregator_len), UT_CASE(communities_len), UT_CASE(originator_len),
    UT_CASE(cluster_empty), UT_CASE(extcomm_len), UT_CASE(large_len), UT_CASE(otc_len),
    UT_CASE(duplicate_origin), UT_CASE(missing_aspath), UT_CASE(missing_nexthop),
    UT_CASE(no_nlri_no_mandatory), UT_CASE(unknown_wellknown), UT_CASE(mp_unreach_twice),
    UT_CASE(mp_reach_nhlen), UT_CASE(mp_reach_flags), UT_CASE(mp_unreach_prefix_len),
    UT_CASE(as4path_malformed), UT_CASE(as4path_confed), UT_CASE(mp_reach_v6_nh4),
    UT_CASE(extlen_small_ok), UT_CASE(as4aggregator_len), UT_CASE(strongest_wins),
    UT_CASE(attr_overrun), UT_CASE(attr_short_header), UT_CASE(attr_overrun_hides_mp),
    UT_CASE(unknown_kept_raw), UT_CASE(duplicate_keeps_first), UT_CASE(aggregator_width),
    UT_CASE(field_lengths), UT_CASE(reset_data))
