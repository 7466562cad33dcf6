/*
 * The canonical attribute blob the RIB interns (format in bgp.h): one byte form
 * per attribute set whatever the session (2- or 4-octet AS, RFC 6793 merge done),
 * the NLRI encoding (NEXT_HOP or MP_REACH, RFC 4760/8950) or the attribute order.
 */
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_int.h"

static const struct bgp_nexthop *
pick_nh(const struct bgp_attrs *a, int mp)
{
	if (mp == 1 || (mp == -1 && a->mp_nexthop.af != PREFIX_AF_NONE))
		return &a->mp_nexthop;
	return &a->nexthop;
}

int
bgp_canon_encode(struct wbuf *out, const struct bgp_attrs *a, int mp)
{
	const struct bgp_nexthop *nh = pick_nh(a, mp);

	/* one allocation check up front; the writers below then rarely need one */
	if (out->max == 0)
		(void)wbuf_reserve(out, 160 + 2 * (size_t)a->aspath_len +
		    (size_t)a->as4path_len + 4 * (size_t)a->ncommunities +
		    8 * (size_t)a->next_communities + 12 * (size_t)a->nlarge_communities +
		    4 * (size_t)a->ncluster);
	bw_u8(out, BGP_CANON_VERSION);
	switch (nh->af) {
	case PREFIX_AF_IPV4:
		bw_u8(out, 4);
		bw_bytes(out, nh->addr, 4);
		break;
	case PREFIX_AF_IPV6:
		bw_u8(out, nh->has_ll ? 32 : 16);
		bw_bytes(out, nh->addr, 16);
		if (nh->has_ll)
			bw_bytes(out, nh->ll, 16);
		break;
	default:
		bw_u8(out, 0);
		break;
	}
	bgp_attrs_emit(out, a, 1, 1);
	return out->err ? -1 : 0;
}

int
bgp_canon_decode(const uint8_t *blob, size_t len, struct bgp_attrs *a)
{
	static const struct bgp_sess	as4 = { 1, 1, 0, 0, 0 };
	struct bgp_error		err;
	struct bgp_nexthop		nh;
	size_t				nl;

	bgp_attrs_init(a);
	if (len < 2 || blob[0] != BGP_CANON_VERSION)
		return -1;
	nl = blob[1];
	if ((nl != 0 && nl != 4 && nl != 16 && nl != 32) || len - 2 < nl)
		return -1;
	memset(&nh, 0, sizeof(nh));
	if (nl == 4)
		bgp_nexthop_set(&nh, PREFIX_AF_IPV4, blob + 2, NULL);
	else if (nl > 0)
		bgp_nexthop_set(&nh, PREFIX_AF_IPV6, blob + 2, nl == 32 ? blob + 18 : NULL);
	if (bgp_attrs_decode(blob + 2 + nl, len - 2 - nl, &as4, 0, a, NULL, NULL, &err) !=
	    BGP_OK)
		return -1;
	if (a->present & (BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MP_REACH) |
	    BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH)))
		return -1;
	a->nexthop = nh;
	if (nl > 0)
		a->present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	return 0;
}
