/*
 * BGP message encoders: OPEN with capabilities (RFC 4271 §4.2, RFC 5492, RFC 9072
 * when the parameters exceed 255 bytes), KEEPALIVE, NOTIFICATION, ROUTE-REFRESH
 * (RFC 2918/7313), UPDATE with IPv4 NLRI and MP_REACH/MP_UNREACH (RFC 4760, RFC
 * 8950), ADD-PATH path ids (RFC 7911), End-of-RIB (RFC 4724 §2), and the path
 * attribute writer shared with the canonical form (bgp_canon.c): 2-octet AS_PATH
 * plus AS4_PATH/AS4_AGGREGATOR toward 2-octet sessions (RFC 6793 §4.2.2).
 */
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_int.h"

size_t
bgp_hdr_begin(struct wbuf *wb, uint8_t type)
{
	size_t start = wb->len;

	for (int i = 0; i < 16; i++)
		bw_u8(wb, 0xff);
	bw_u16(wb, 0);
	bw_u8(wb, type);
	return start;
}

int
bgp_hdr_end(struct wbuf *wb, size_t start, size_t max)
{
	if (!wb->err && wb->len - start > max)
		wb->err = 1;
	if (wb->err)
		return -1;
	wbuf_set_u16(wb, start + 16, (uint16_t)(wb->len - start));
	return wb->err ? -1 : 0;
}

/* ---- OPEN ----------------------------------------------------------- */

static void
cap_hdr(struct wbuf *wb, uint8_t code, size_t len)
{
	bw_u8(wb, code);
	bw_u8(wb, (uint8_t)len);
}

static void
caps_put_lists(struct wbuf *wb, const struct bgp_caps *c)
{
	size_t i;

	for (i = 0; i < c->nmp; i++) {
		cap_hdr(wb, BGP_CAP_MP, 4);
		bw_u16(wb, c->mp[i].afi);
		bw_u8(wb, 0);
		bw_u8(wb, c->mp[i].safi);
	}
	if (c->nextnh > 0) {
		cap_hdr(wb, BGP_CAP_EXT_NEXTHOP, 6U * c->nextnh);
		for (i = 0; i < c->nextnh; i++) {
			bw_u16(wb, c->extnh[i].nlri_afi);
			bw_u16(wb, c->extnh[i].nlri_safi);
			bw_u16(wb, c->extnh[i].nh_afi);
		}
	}
	if (c->has_gr) {
		cap_hdr(wb, BGP_CAP_GRACEFUL_RESTART, 2 + 4U * c->ngr);
		bw_u16(wb, (uint16_t)((c->gr_flags & 0xf) << 12 | (c->gr_time & 0xfff)));
		for (i = 0; i < c->ngr; i++) {
			bw_u16(wb, c->gr[i].afi);
			bw_u8(wb, c->gr[i].safi);
			bw_u8(wb, c->gr[i].flags);
		}
	}
	if (c->naddpath > 0) {
		cap_hdr(wb, BGP_CAP_ADD_PATH, 4U * c->naddpath);
		for (i = 0; i < c->naddpath; i++) {
			bw_u16(wb, c->addpath[i].afi);
			bw_u8(wb, c->addpath[i].safi);
			bw_u8(wb, c->addpath[i].flags);
		}
	}
}

static void
caps_put(struct wbuf *wb, const struct bgp_caps *c)
{
	caps_put_lists(wb, c);
	if (c->has_route_refresh)
		cap_hdr(wb, BGP_CAP_ROUTE_REFRESH, 0);
	if (c->has_enhanced_rr)
		cap_hdr(wb, BGP_CAP_ENHANCED_RR, 0);
	if (c->has_extmsg)
		cap_hdr(wb, BGP_CAP_EXT_MESSAGE, 0);
	if (c->has_role) {
		cap_hdr(wb, BGP_CAP_ROLE, 1);
		bw_u8(wb, c->role);
	}
	if (c->has_as4) {
		cap_hdr(wb, BGP_CAP_AS4, 4);
		bw_u32(wb, c->as4);
	}
	if (c->has_fqdn) {
		cap_hdr(wb, BGP_CAP_FQDN, 2U + c->fqdn_hostlen + c->fqdn_domainlen);
		bw_u8(wb, c->fqdn_hostlen);
		bw_bytes(wb, c->fqdn_host, c->fqdn_hostlen);
		bw_u8(wb, c->fqdn_domainlen);
		bw_bytes(wb, c->fqdn_domain, c->fqdn_domainlen);
	}
	for (size_t i = 0; i < c->nunknown; i++) {
		cap_hdr(wb, c->unknown[i].code, c->unknown[i].len);
		bw_bytes(wb, c->unknown[i].value, c->unknown[i].len);
	}
}

int
bgp_open_encode(struct wbuf *wb, const struct bgp_open *o)
{
	size_t	start = bgp_hdr_begin(wb, BGP_MSG_OPEN), plen, pstart;

	bw_u8(wb, o->version ? o->version : 4);
	bw_u16(wb, o->my_as);
	bw_u16(wb, o->holdtime);
	bw_u32(wb, o->bgp_id);
	/* optional parameter length, one Capabilities parameter (type 2) */
	bw_u8(wb, 0);
	pstart = wb->len;
	bw_u8(wb, 2);
	bw_u8(wb, 0);
	caps_put(wb, &o->caps);
	if (wb->err)
		return -1;
	plen = wb->len - pstart - 2;
	if (plen > 253) {
		/* RFC 9072: non-extended length 255, type 255, 2-octet lengths */
		size_t clen = plen;

		if (wbuf_reserve(wb, 4) == -1)
			return -1;
		memmove(wb->buf + pstart + 6, wb->buf + pstart + 2, clen);
		wb->len += 4;
		wbuf_set_u8(wb, pstart - 1, 255);
		wbuf_set_u8(wb, pstart, 255);
		wbuf_set_u16(wb, pstart + 1, (uint16_t)(clen + 3));
		wbuf_set_u8(wb, pstart + 3, 2);
		wbuf_set_u16(wb, pstart + 4, (uint16_t)clen);
	} else {
		wbuf_set_u8(wb, pstart - 1, (uint8_t)(plen + 2));
		wbuf_set_u8(wb, pstart + 1, (uint8_t)plen);
	}
	return bgp_hdr_end(wb, start, BGP_MAX_LEN);
}

int
bgp_keepalive_encode(struct wbuf *wb)
{
	return bgp_hdr_end(wb, bgp_hdr_begin(wb, BGP_MSG_KEEPALIVE), BGP_MAX_LEN);
}

int
bgp_notification_encode(struct wbuf *wb, uint8_t code, uint8_t subcode, const void *data,
    size_t datalen)
{
	size_t start = bgp_hdr_begin(wb, BGP_MSG_NOTIFICATION);

	/* the data (an erroneous attribute of an extended message may be longer)
	 * is cut to what a 4096-byte message holds: any peer takes that */
	if (datalen > BGP_MAX_LEN - BGP_HDR_LEN - 2)
		datalen = BGP_MAX_LEN - BGP_HDR_LEN - 2;
	bw_u8(wb, code);
	bw_u8(wb, subcode);
	if (datalen > 0)
		bw_bytes(wb, data, datalen);
	return bgp_hdr_end(wb, start, BGP_MAX_LEN);
}

int
bgp_route_refresh_encode(struct wbuf *wb, uint16_t afi, uint8_t safi, uint8_t subtype)
{
	size_t start = bgp_hdr_begin(wb, BGP_MSG_ROUTE_REFRESH);

	bw_u16(wb, afi);
	bw_u8(wb, subtype);
	bw_u8(wb, safi);
	return bgp_hdr_end(wb, start, BGP_MAX_LEN);
}

/* ---- path attributes --------------------------------------------------- */

static void
attr_hdr(struct wbuf *wb, uint8_t flags, uint8_t type, size_t len)
{
	flags &= (uint8_t)~BGP_ATTR_F_EXTLEN;
	if (len > 255) {
		bw_u8(wb, flags | BGP_ATTR_F_EXTLEN);
		bw_u8(wb, type);
		bw_u16(wb, (uint16_t)len);
	} else {
		bw_u8(wb, flags);
		bw_u8(wb, type);
		bw_u8(wb, (uint8_t)len);
	}
}

/*
 * Write (wb != NULL) or measure the merged AS path: adjacent sequences joined,
 * segments split at 255. no_confed drops confederation segments (AS4_PATH).
 * *big set when an AS does not fit 2 octets.
 */
static size_t
aspath_emit(struct wbuf *wb, const struct bgp_attrs *a, int as4, int no_confed, int *big)
{
	struct bgp_aspath_iter	it;
	size_t			bytes = 0, hoff = 0;
	unsigned		n = 0;
	uint8_t			st, cur = 0;
	uint32_t		asn;

	*big = 0;
	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		if (no_confed && (st == BGP_SEG_CONFED_SEQUENCE || st == BGP_SEG_CONFED_SET))
			continue;
		if (n == 0 || n == 255 || (it.new_seg && (st != cur ||
		    st == BGP_SEG_SET || st == BGP_SEG_CONFED_SET))) {
			if (wb != NULL) {
				hoff = wb->len;
				bw_u8(wb, st);
				bw_u8(wb, 0);
			}
			bytes += 2;
			n = 0;
			cur = st;
		}
		if (asn > 0xffff && st != BGP_SEG_CONFED_SEQUENCE && st != BGP_SEG_CONFED_SET)
			*big = 1;
		if (wb != NULL) {
			if (as4)
				bw_u32(wb, asn);
			else
				bw_u16(wb, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
			bw_set_u8(wb, hoff + 1, (uint8_t)++n);
		} else
			n++;
		bytes += as4 ? 4 : 2;
	}
	return bytes;
}

/*
 * A 4-octet AS_PATH that aspath_emit would write back unchanged: no two
 * sequences (or confederation sequences) in a row to join. Its bytes are then
 * copied, not walked AS by AS twice (measure, write): once per UPDATE interned.
 */
static int
aspath_as_is(const struct bgp_attrs *a, uint8_t type, int as4, int no_confed)
{
	const uint8_t	*p = a->aspath;
	size_t		 len = a->aspath_len, sz;
	uint8_t		 prev = 0;

	if (type != BGP_ATTR_AS_PATH || !as4 || no_confed || !a->aspath_as4)
		return 0;
	for (; len > 0; p += 2 + sz, len -= 2 + sz) {
		if (len < 2 || p[1] == 0 || len - 2 < (sz = (size_t)p[1] * 4))
			return 0;
		if (p[0] == prev && (p[0] == BGP_SEG_SEQUENCE ||
		    p[0] == BGP_SEG_CONFED_SEQUENCE))
			return 0;
		prev = p[0];
	}
	return 1;
}

static void
put_aspath(struct wbuf *wb, const struct bgp_attrs *a, uint8_t type, int as4, int no_confed)
{
	int	big;
	size_t	len;

	if (aspath_as_is(a, type, as4, no_confed)) {
		attr_hdr(wb, BGP_ATTR_F_TRANSITIVE, type, a->aspath_len);
		bw_bytes(wb, a->aspath, a->aspath_len);
		return;
	}
	len = aspath_emit(NULL, a, as4, no_confed, &big);

	attr_hdr(wb, BGP_ATTR_F_TRANSITIVE | (type == BGP_ATTR_AS4_PATH ?
	    BGP_ATTR_F_OPTIONAL : 0), type, len);
	aspath_emit(wb, a, as4, no_confed, &big);
}

static void
put_u32_attr(struct wbuf *wb, uint8_t flags, uint8_t type, uint32_t v)
{
	attr_hdr(wb, flags, type, 4);
	bw_u32(wb, v);
}

static void
put_list(struct wbuf *wb, uint8_t type, const uint8_t *p, size_t n, size_t isz)
{
	uint8_t fl = type == BGP_ATTR_CLUSTER_LIST ? BGP_ATTR_F_OPTIONAL :
	    BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE;

	if (n == 0 || p == NULL)
		return;
	attr_hdr(wb, fl, type, n * isz);
	bw_bytes(wb, p, n * isz);
}

static void
put_aggregator(struct wbuf *wb, const struct bgp_attrs *a, int as4)
{
	attr_hdr(wb, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE, BGP_ATTR_AGGREGATOR,
	    as4 ? 8 : 6);
	if (as4)
		bw_u32(wb, a->aggregator_as);
	else
		bw_u16(wb, a->aggregator_as > 0xffff ? BGP_AS_TRANS :
		    (uint16_t)a->aggregator_as);
	bw_bytes(wb, a->aggregator_addr, 4);
}

/* One known attribute type, if present; the AS4_* ones only toward 2-octet peers. */
static void
put_known(struct wbuf *wb, const struct bgp_attrs *a, uint8_t t, int as4, int canon)
{
	const uint8_t	WK = BGP_ATTR_F_TRANSITIVE, OT = BGP_ATTR_F_OPTIONAL | WK;
	int		big = 0;

	if (t == BGP_ATTR_AS4_PATH && !as4 && !canon && BGP_ATTR_HAS(a, BGP_ATTR_AS_PATH)) {
		aspath_emit(NULL, a, 1, 1, &big);
		if (big)
			put_aspath(wb, a, BGP_ATTR_AS4_PATH, 1, 1);
		return;
	}
	if (t == BGP_ATTR_AS4_AGGREGATOR && !as4 && !canon &&
	    BGP_ATTR_HAS(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as > 0xffff) {
		attr_hdr(wb, OT, BGP_ATTR_AS4_AGGREGATOR, 8);
		bw_u32(wb, a->aggregator_as);
		bw_bytes(wb, a->aggregator_addr, 4);
		return;
	}
	if (!BGP_ATTR_HAS(a, t))
		return;
	switch (t) {
	case BGP_ATTR_ORIGIN:
		attr_hdr(wb, WK, t, 1);
		bw_u8(wb, a->origin);
		break;
	case BGP_ATTR_AS_PATH:
		put_aspath(wb, a, t, as4, 0);
		break;
	case BGP_ATTR_NEXT_HOP:
		if (canon || a->nexthop.af != PREFIX_AF_IPV4)
			break;
		attr_hdr(wb, WK, t, 4);
		bw_bytes(wb, a->nexthop.addr, 4);
		break;
	case BGP_ATTR_MED:
		put_u32_attr(wb, BGP_ATTR_F_OPTIONAL, t, a->med);
		break;
	case BGP_ATTR_LOCAL_PREF:
		put_u32_attr(wb, WK, t, a->local_pref);
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		attr_hdr(wb, WK, t, 0);
		break;
	case BGP_ATTR_AGGREGATOR:
		put_aggregator(wb, a, as4);
		break;
	case BGP_ATTR_COMMUNITIES:
		put_list(wb, t, a->communities, a->ncommunities, 4);
		break;
	case BGP_ATTR_ORIGINATOR_ID:
		put_u32_attr(wb, BGP_ATTR_F_OPTIONAL, t, a->originator_id);
		break;
	case BGP_ATTR_CLUSTER_LIST:
		put_list(wb, t, a->cluster_list, a->ncluster, 4);
		break;
	case BGP_ATTR_EXT_COMMUNITIES:
		put_list(wb, t, a->ext_communities, a->next_communities, 8);
		break;
	case BGP_ATTR_LARGE_COMMUNITIES:
		put_list(wb, t, a->large_communities, a->nlarge_communities, 12);
		break;
	case BGP_ATTR_OTC:
		put_u32_attr(wb, OT, t, a->otc);
		break;
	default:
		break;
	}
}

/* Known types in ascending order (MP_* are written by the UPDATE encoder). */
static const uint8_t known_order[] = {
	BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP, BGP_ATTR_MED,
	BGP_ATTR_LOCAL_PREF, BGP_ATTR_ATOMIC_AGGREGATE, BGP_ATTR_AGGREGATOR,
	BGP_ATTR_COMMUNITIES, BGP_ATTR_ORIGINATOR_ID, BGP_ATTR_CLUSTER_LIST,
	BGP_ATTR_EXT_COMMUNITIES, BGP_ATTR_AS4_PATH, BGP_ATTR_AS4_AGGREGATOR,
	BGP_ATTR_LARGE_COMMUNITIES, BGP_ATTR_OTC,
};

/* Writes all path attributes sorted by type; raw ones merged in by type. */
void
bgp_attrs_emit(struct wbuf *wb, const struct bgp_attrs *a, int as4, int canon)
{
	uint8_t	 ord[BGP_ATTRS_RAW_MAX];
	size_t	 i, j, k = 0, n = a->nraw > BGP_ATTRS_RAW_MAX ? BGP_ATTRS_RAW_MAX : a->nraw;

	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && a->raw[ord[j - 1]].type > a->raw[i].type; j--)
			ord[j] = ord[j - 1];
		ord[j] = (uint8_t)i;
	}
	for (i = 0; i < sizeof(known_order); i++) {
		for (; k < n && a->raw[ord[k]].type < known_order[i]; k++) {
			const struct bgp_attr_raw *r = &a->raw[ord[k]];

			attr_hdr(wb, r->flags, r->type, r->len);
			bw_bytes(wb, r->value, r->len);
		}
		put_known(wb, a, known_order[i], as4, canon);
	}
	for (; k < n; k++) {
		const struct bgp_attr_raw *r = &a->raw[ord[k]];

		attr_hdr(wb, r->flags, r->type, r->len);
		bw_bytes(wb, r->value, r->len);
	}
}

int
bgp_attrs_encode(struct wbuf *wb, const struct bgp_sess *sess, const struct bgp_attrs *a)
{
	bgp_attrs_emit(wb, a, sess != NULL && sess->as4, 0);
	return wb->err ? -1 : 0;
}

/* ---- UPDATE ------------------------------------------------------------ */

static void
put_prefix(struct wbuf *wb, const struct bgp_route *r, int addpath)
{
	size_t nb = ((size_t)r->pfx.len + 7) / 8;

	if (addpath)
		bw_u32(wb, r->path_id);
	bw_u8(wb, r->pfx.len);
	bw_bytes(wb, r->pfx.addr, nb > 16 ? 16 : nb);
}

static int
in_field(const struct bgp_route *r, const struct bgp_update_enc *e)
{
	return r->pfx.af == PREFIX_AF_IPV4 && !e->v4_mp;
}

/* IPv4 routes for the Withdrawn Routes / NLRI field. */
static void
put_field(struct wbuf *wb, const struct bgp_route *r, size_t n,
    const struct bgp_update_enc *e, int addpath)
{
	for (size_t i = 0; i < n; i++)
		if (in_field(&r[i], e))
			put_prefix(wb, &r[i], addpath);
}

/* Family of the routes bound for an MP attribute; 0 if none; -1 if mixed. */
static int
mp_family(const struct bgp_route *r, size_t n, const struct bgp_update_enc *e)
{
	int af = 0;

	for (size_t i = 0; i < n; i++) {
		if (in_field(&r[i], e))
			continue;
		if (af != 0 && af != r[i].pfx.af)
			return -1;
		af = r[i].pfx.af;
	}
	return af;
}

static void
put_mp(struct wbuf *wb, const struct bgp_sess *sess, const struct bgp_update_enc *e,
    int reach, int af)
{
	const struct bgp_route		*r = reach ? e->announce : e->withdrawn;
	size_t				 n = reach ? e->nannounce : e->nwithdrawn, start, i;
	int				 ap = sess != NULL &&
	    (sess->addpath_tx & BGP_AP_BIT(af, 1)) != 0;

	bw_u8(wb, BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_EXTLEN);
	bw_u8(wb, reach ? BGP_ATTR_MP_REACH : BGP_ATTR_MP_UNREACH);
	start = wb->len;
	bw_u16(wb, 0);
	bw_u16(wb, (uint16_t)af);
	bw_u8(wb, BGP_SAFI_UNICAST);
	if (reach) {
		const struct bgp_nexthop *nh = &e->attrs->mp_nexthop;
		size_t nl = nh->af == PREFIX_AF_IPV4 ? 4 : nh->has_ll ? 32 : 16;

		bw_u8(wb, (uint8_t)nl);
		bw_bytes(wb, nh->addr, nl > 16 ? 16 : nl);
		if (nl == 32)
			bw_bytes(wb, nh->ll, 16);
		bw_u8(wb, 0);
	}
	for (i = 0; i < n; i++)
		if (!in_field(&r[i], e))
			put_prefix(wb, &r[i], ap);
	wbuf_set_u16(wb, start, (uint16_t)(wb->len - start - 2));
}

int
bgp_update_encode(struct wbuf *wb, const struct bgp_sess *sess, const struct bgp_update_enc *e)
{
	size_t	start = bgp_hdr_begin(wb, BGP_MSG_UPDATE), off;
	int	ap4 = sess != NULL && (sess->addpath_tx & BGP_AP_IPV4_UNICAST) != 0;
	int	waf = mp_family(e->withdrawn, e->nwithdrawn, e);
	int	raf = mp_family(e->announce, e->nannounce, e);

	if (waf == -1 || raf == -1 || (e->nannounce > 0 && e->attrs == NULL)) {
		wb->err = 1;
		return -1;
	}
	off = wb->len;
	bw_u16(wb, 0);
	put_field(wb, e->withdrawn, e->nwithdrawn, e, ap4);
	wbuf_set_u16(wb, off, (uint16_t)(wb->len - off - 2));
	off = wb->len;
	bw_u16(wb, 0);
	/* RFC 7606 §5.1: MP_REACH/MP_UNREACH first */
	if (waf != 0)
		put_mp(wb, sess, e, 0, waf);
	if (raf != 0)
		put_mp(wb, sess, e, 1, raf);
	if (e->nannounce > 0)
		bgp_attrs_emit(wb, e->attrs, sess != NULL && sess->as4, 0);
	if (wb->len - off - 2 > 0xffff)
		wb->err = 1;
	wbuf_set_u16(wb, off, (uint16_t)(wb->len - off - 2));
	put_field(wb, e->announce, e->nannounce, e, ap4);
	return bgp_hdr_end(wb, start, sess != NULL && sess->extmsg ? BGP_EXT_MAX_LEN :
	    BGP_MAX_LEN);
}

int
bgp_eor_encode(struct wbuf *wb, uint16_t afi, uint8_t safi)
{
	size_t start = bgp_hdr_begin(wb, BGP_MSG_UPDATE);

	bw_u16(wb, 0);
	if (afi == 1 && safi == BGP_SAFI_UNICAST) {
		bw_u16(wb, 0);
	} else {
		bw_u16(wb, 6);
		bw_u8(wb, BGP_ATTR_F_OPTIONAL);
		bw_u8(wb, BGP_ATTR_MP_UNREACH);
		bw_u8(wb, 3);
		bw_u16(wb, afi);
		bw_u8(wb, safi);
	}
	return bgp_hdr_end(wb, start, BGP_MAX_LEN);
}
