/*
 * BGP path attributes: decoding with the RFC 7606 outcomes (§3, §4, §7), the
 * RFC 6793 §4.2.3 AS4_PATH/AS4_AGGREGATOR merge, MP_REACH/MP_UNREACH (RFC 4760,
 * RFC 8950 next hops), RFC 9234 OTC, RFC 8092 large communities, and the AS path
 * iterator. Zero-copy: struct bgp_attrs points into the caller's buffer.
 */
#include <stddef.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_int.h"

/* Expected Optional/Transitive bits per known type, | KNOWN; 0 = not a type we decode. */
#define KNOWN	0x01
static const uint8_t attr_ot[256] = {
	[BGP_ATTR_ORIGIN] = BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_AS_PATH] = BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_NEXT_HOP] = BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_MED] = BGP_ATTR_F_OPTIONAL | KNOWN,
	[BGP_ATTR_LOCAL_PREF] = BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_ATOMIC_AGGREGATE] = BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_AGGREGATOR] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_COMMUNITIES] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_ORIGINATOR_ID] = BGP_ATTR_F_OPTIONAL | KNOWN,
	[BGP_ATTR_CLUSTER_LIST] = BGP_ATTR_F_OPTIONAL | KNOWN,
	[BGP_ATTR_MP_REACH] = BGP_ATTR_F_OPTIONAL | KNOWN,
	[BGP_ATTR_MP_UNREACH] = BGP_ATTR_F_OPTIONAL | KNOWN,
	[BGP_ATTR_EXT_COMMUNITIES] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_AS4_PATH] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_AS4_AGGREGATOR] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_LARGE_COMMUNITIES] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
	[BGP_ATTR_OTC] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE | KNOWN,
};

int
bgp_attr_known(uint8_t type)
{
	return attr_ot[type] != 0;
}

struct actx {
	const struct bgp_sess	*sess;
	unsigned		 flags;
	struct bgp_attrs	*a;
	struct bgp_nlri_set	*reach, *unreach;
	struct bgp_error	*err;
	uint32_t		 seen[8];	/* types met so far, discarded ones too */
	uint8_t			 as4agg_ok;
	uint32_t		 as4agg_as;
	uint8_t			 as4agg_addr[4];
};

void
bgp_err_set(struct bgp_error *e, enum bgp_result r, uint8_t code, uint8_t sub,
    uint8_t attr_type, const uint8_t *data, size_t datalen, const char *what)
{
	if (r == BGP_ERR_ATTR_DISCARD)
		e->ndiscarded++;
	if (r <= e->outcome)
		return;
	e->outcome = (uint8_t)r;
	e->code = code;
	e->subcode = sub;
	e->attr_type = attr_type;
	e->data = data;
	e->datalen = (uint16_t)(datalen > 0xffff ? 0xffff : datalen);
	e->what = what;
}

void
bgp_err_init(struct bgp_error *e)
{
	memset(e, 0, sizeof(*e));
}

void
bgp_attrs_init(struct bgp_attrs *a)
{
	/* raw[] is only read below nraw: leave it, it is half the struct (hot path) */
	memset(a, 0, offsetof(struct bgp_attrs, raw));
}

/* ---- AS paths ---------------------------------------------------------- */

/*
 * Validate AS_PATH/AS4_PATH segments (RFC 7606 §7.2: unknown segment type, zero
 * segment length, overrun) and count ASes as RFC 6793 §4.2.3 and RFC 4271 §9.1.2.2
 * do: AS_SET counts 1, confederation segments 0. confed: segments seen.
 */
static int
aspath_check(const uint8_t *p, size_t len, int as4, uint32_t *count, int *confed)
{
	size_t	 w = as4 ? 4 : 2, n;
	uint32_t c = 0;

	*confed = 0;
	while (len > 0) {
		if (len < 2)
			return -1;
		n = p[1];
		if (n == 0 || p[0] < BGP_SEG_SET || p[0] > BGP_SEG_CONFED_SET)
			return -1;
		if (len - 2 < n * w)
			return -1;
		if (p[0] == BGP_SEG_SEQUENCE)
			c += (uint32_t)n;
		else if (p[0] == BGP_SEG_SET)
			c++;
		else
			*confed = 1;
		p += 2 + n * w;
		len -= 2 + n * w;
	}
	*count = c;
	return 0;
}

void
bgp_aspath_iter_raw(struct bgp_aspath_iter *it, const uint8_t *p, size_t len, int as4)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->left = p == NULL ? 0 : len;
	it->as4 = as4 != 0;
}

void
bgp_aspath_iter_init(struct bgp_aspath_iter *it, const struct bgp_attrs *a)
{
	uint32_t n2 = 0, n4 = 0;
	int	 c;

	bgp_aspath_iter_raw(it, a->aspath, a->aspath_len, a->aspath_as4);
	if (!a->use_as4path || a->aspath_as4)
		return;
	if (aspath_check(a->aspath, a->aspath_len, 0, &n2, &c) == -1 ||
	    aspath_check(a->as4path, a->as4path_len, 1, &n4, &c) == -1 || n2 < n4)
		return;
	it->limited = 1;
	it->take = n2 - n4;
	it->next_p = a->as4path;
	it->next_len = a->as4path_len;
}

static void
aspath_switch(struct bgp_aspath_iter *it)
{
	it->p = it->next_p;
	it->left = it->next_len;
	it->as4 = 1;
	it->limited = 0;
	it->seg_left = 0;
}

int
bgp_aspath_next(struct bgp_aspath_iter *it, uint8_t *seg_type, uint32_t *asn)
{
	size_t w;

	it->new_seg = 0;
	if (it->seg_left == 0) {
		if (it->limited && it->take == 0)
			aspath_switch(it);
		if (it->left < 2) {
			if (!it->limited)
				return 0;
			aspath_switch(it);
			if (it->left < 2)
				return 0;
		}
		it->seg_type = it->p[0];
		it->seg_left = it->p[1];
		it->p += 2;
		it->left -= 2;
		if (it->seg_left == 0)
			return 0;
		if (it->limited) {
			if (it->seg_type == BGP_SEG_SEQUENCE) {
				if (it->seg_left > it->take)
					it->seg_left = (uint8_t)it->take;
				it->take -= it->seg_left;
			} else if (it->seg_type == BGP_SEG_SET)
				it->take--;
		}
		it->new_seg = 1;
	}
	w = it->as4 ? 4 : 2;
	if (it->left < w) {
		it->left = 0;
		it->seg_left = 0;
		return 0;
	}
	*asn = it->as4 ? be32_load(it->p) : be16_load(it->p);
	*seg_type = it->seg_type;
	it->p += w;
	it->left -= w;
	it->seg_left--;
	return 1;
}

void
bgp_aspath_put(struct wbuf *wb, uint8_t seg_type, const uint32_t *asns, size_t n, int as4)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i > 255 ? 255 : n - i;
		wbuf_put_u8(wb, seg_type);
		wbuf_put_u8(wb, (uint8_t)k);
		for (size_t j = i; j < i + k; j++) {
			if (as4)
				wbuf_put_u32(wb, asns[j]);
			else
				wbuf_put_u16(wb, asns[j] > 0xffff ? BGP_AS_TRANS :
				    (uint16_t)asns[j]);
		}
	}
}

/*
 * aspath_summary without an AS4_PATH to merge: one step per segment, not per AS
 * (the path was checked by aspath_check: no empty segment, no overrun). Once per
 * UPDATE and once per canonical decode, so it shows.
 */
static void
aspath_summary_raw(struct bgp_attrs *a)
{
	const uint8_t	*p = a->aspath;
	size_t		 len = a->aspath_len, w = a->aspath_as4 ? 4 : 2, sz;
	uint32_t	 count = 0;
	uint8_t		 last = 0, n;

	while (len >= 2 && (n = p[1]) != 0 && len - 2 >= (sz = n * w)) {
		if (p[0] == BGP_SEG_SEQUENCE || p[0] == BGP_SEG_SET) {
			count += p[0] == BGP_SEG_SEQUENCE ? n : 1;
			a->origin_as = w == 4 ? be32_load(p + 2 + sz - 4) : be16_load(p + sz);
			last = p[0];
		}
		p += 2 + sz;
		len -= 2 + sz;
	}
	a->origin_is_set = last == BGP_SEG_SET;
	a->path_count = (uint16_t)(count > 0xffff ? 0xffff : count);
}

/* Origin AS and path length of the (merged) path. */
static void
aspath_summary(struct bgp_attrs *a)
{
	struct bgp_aspath_iter	it;
	uint8_t			st, last = 0;
	uint32_t		asn, count = 0;

	a->origin_as = 0;
	a->origin_is_set = 0;
	if (!a->use_as4path || a->aspath_as4) {
		aspath_summary_raw(a);
		return;
	}
	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		if (st == BGP_SEG_SEQUENCE)
			count++;
		else if (st == BGP_SEG_SET && it.new_seg)
			count++;
		if (st == BGP_SEG_SEQUENCE || st == BGP_SEG_SET) {
			a->origin_as = asn;
			last = st;
		}
	}
	a->origin_is_set = last == BGP_SEG_SET;
	a->path_count = (uint16_t)(count > 0xffff ? 0xffff : count);
}

/* ---- NLRI -------------------------------------------------------------- */

/* Walk an NLRI field once: every length legal, nothing truncated (RFC 4271 §6.3). */
int
bgp_nlri_scan(const uint8_t *p, size_t len, uint8_t af, int addpath, uint32_t *count)
{
	unsigned max = prefix_maxlen(af);
	uint32_t c = 0;
	size_t	 hdr = addpath ? 5 : 1, need;

	while (len > 0) {
		if (len < hdr || p[hdr - 1] > max)
			return -1;
		need = hdr + (((size_t)p[hdr - 1] + 7) >> 3);
		if (len < need)
			return -1;
		p += need;
		len -= need;
		c++;
	}
	*count = c;
	return 0;
}

static int
afi_supported(uint16_t afi, uint8_t safi)
{
	return (afi == 1 || afi == 2) && (safi == 1 || safi == 2);
}

void
bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri_set *s)
{
	it->p = s->p;
	it->left = s->present && afi_supported(s->afi, s->safi) ? s->len : 0;
	it->af = (uint8_t)s->afi;
	it->addpath = s->addpath;
}

int
bgp_nlri_next(struct bgp_nlri_iter *it, struct prefix *pfx, uint32_t *path_id)
{
	size_t	 nb;
	uint32_t id = 0;
	uint8_t	 plen;

	if (it->left == 0)
		return 0;
	if (it->addpath) {
		if (it->left < 4)
			goto bad;
		id = be32_load(it->p);
		it->p += 4;
		it->left -= 4;
	}
	if (it->left < 1 || it->p[0] > prefix_maxlen(it->af))
		goto bad;
	plen = it->p[0];
	nb = ((size_t)plen + 7) >> 3;
	if (it->left - 1 < nb)
		goto bad;
	pfx->af = it->af;
	pfx->len = plen;
	memset(pfx->addr, 0, sizeof(pfx->addr));
	memcpy(pfx->addr, it->p + 1, nb);
	if (plen & 7)
		pfx->addr[nb - 1] &= (uint8_t)(0xff << (8 - (plen & 7)));
	it->p += 1 + nb;
	it->left -= 1 + nb;
	if (path_id != NULL)
		*path_id = id;
	return 1;
bad:
	it->left = 0;
	return -1;
}

int
bgp_sess_addpath(const struct bgp_sess *s, uint16_t afi, uint8_t safi)
{
	if (s == NULL || !afi_supported(afi, safi))
		return 0;
	return (s->addpath_rx & BGP_AP_BIT(afi, safi)) != 0;
}

/* ---- attribute iteration ----------------------------------------------- */

void
bgp_attr_iter_init(struct bgp_attr_iter *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->left = p == NULL ? 0 : len;
}

int
bgp_attr_next(struct bgp_attr_iter *it, struct bgp_attr_raw *r)
{
	size_t hl, vl;

	if (it->left == 0)
		return 0;
	if (it->left < 3)
		goto bad;
	hl = (it->p[0] & BGP_ATTR_F_EXTLEN) ? 4 : 3;
	if (it->left < hl)
		goto bad;
	vl = hl == 4 ? be16_load(it->p + 2) : it->p[2];
	if (it->left - hl < vl)
		goto bad;
	r->flags = it->p[0];
	r->type = it->p[1];
	r->len = (uint16_t)vl;
	r->value = it->p + hl;
	it->p += hl + vl;
	it->left -= hl + vl;
	return 1;
bad:
	it->left = 0;
	return -1;
}

/* ---- per-attribute decoding (RFC 7606 §7) ------------------------------ */

#define TAW	BGP_ERR_TREAT_AS_WITHDRAW
#define DISC	BGP_ERR_ATTR_DISCARD
#define RESET	BGP_ERR_SESSION_RESET

static void
attr_err(struct actx *c, enum bgp_result r, uint8_t sub, const struct bgp_attr_raw *ra,
    const uint8_t *whole, size_t wlen, const char *what)
{
	(void)ra;
	bgp_err_set(c->err, r, BGP_NOTIFY_UPDATE, sub, ra->type, whole, wlen, what);
}

static int
mp_nexthop(struct bgp_nexthop *nh, uint16_t afi, const uint8_t *p, uint8_t len)
{
	memset(nh, 0, sizeof(*nh));
	switch (len) {
	case 4:
		if (afi != 1)
			return -1;
		nh->af = PREFIX_AF_IPV4;
		memcpy(nh->addr, p, 4);
		return 0;
	case 16:
	case 32:
		/* AFI 1 with an IPv6 next hop: RFC 8950 §3 */
		nh->af = PREFIX_AF_IPV6;
		memcpy(nh->addr, p, 16);
		if (len == 32) {
			nh->has_ll = 1;
			memcpy(nh->ll, p + 16, 16);
		}
		return 0;
	default:
		return -1;
	}
}

/*
 * MP_REACH_NLRI (RFC 4760 §3). Malformed → session reset (RFC 7606 §7.11: a bad
 * next-hop length hides the NLRI; NLRI errors per §5.3).
 */
static void
attr_mp_reach(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	const uint8_t		*p = ra->value;
	struct bgp_nlri_set	 s;
	size_t			 len = ra->len, off;
	uint8_t			 nhl;

	memset(&s, 0, sizeof(s));
	/*
	 * RFC 6396 §4.3.4: only the next hop length and next hop. Some writers (older
	 * Quagga-based collectors) put the whole attribute there: told apart by the
	 * length, as bgpdump does.
	 */
	if ((c->flags & BGP_ATTRS_MRT_NH) && len >= 1 && (size_t)p[0] + 1 == len) {
		if (mp_nexthop(&c->a->mp_nexthop,
		    p[0] == 4 ? 1 : 2, p + 1, p[0]) == -1)
			goto bad;
		c->a->present |= BGP_ATTR_BIT(BGP_ATTR_MP_REACH);
		return;
	}
	if (len < 5)
		goto bad;
	s.afi = be16_load(p);
	s.safi = p[2];
	nhl = p[3];
	if (len < 5 + (size_t)nhl)
		goto bad;
	off = 5 + nhl;		/* + the reserved octet (was SNPAs, RFC 4760 §3) */
	s.p = p + off;
	s.len = (uint16_t)(len - off);
	s.mp = s.present = 1;
	if (afi_supported(s.afi, s.safi)) {
		if (mp_nexthop(&c->a->mp_nexthop, s.afi, p + 4, nhl) == -1)
			goto bad;
		s.addpath = (uint8_t)bgp_sess_addpath(c->sess, s.afi, s.safi);
		if (bgp_nlri_scan(s.p, s.len, (uint8_t)s.afi, s.addpath, &s.count) == -1)
			goto bad;
	}
	c->a->present |= BGP_ATTR_BIT(BGP_ATTR_MP_REACH);
	if (c->reach != NULL)
		*c->reach = s;
	return;
bad:
	attr_err(c, RESET, BGP_NOTIFY_UPD_OPT_ATTR, ra, w, wl, "malformed MP_REACH_NLRI");
}

static void
attr_mp_unreach(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	struct bgp_nlri_set s;

	memset(&s, 0, sizeof(s));
	if (ra->len < 3)
		goto bad;
	s.afi = be16_load(ra->value);
	s.safi = ra->value[2];
	s.p = ra->value + 3;
	s.len = (uint16_t)(ra->len - 3);
	s.mp = s.present = 1;
	if (afi_supported(s.afi, s.safi)) {
		s.addpath = (uint8_t)bgp_sess_addpath(c->sess, s.afi, s.safi);
		if (bgp_nlri_scan(s.p, s.len, (uint8_t)s.afi, s.addpath, &s.count) == -1)
			goto bad;
	}
	c->a->present |= BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH);
	if (c->unreach != NULL)
		*c->unreach = s;
	return;
bad:
	attr_err(c, RESET, BGP_NOTIFY_UPD_OPT_ATTR, ra, w, wl, "malformed MP_UNREACH_NLRI");
}

/* Lists of fixed-size items: empty or not a multiple → treat-as-withdraw (§7.8, §7.10, §7.14; RFC 8092 §6). */
static int
attr_list(struct actx *c, const struct bgp_attr_raw *ra, size_t isz, const uint8_t **pp,
    uint16_t *n, const uint8_t *w, size_t wl, const char *what)
{
	if (ra->len == 0 || ra->len % isz != 0) {
		attr_err(c, TAW, BGP_NOTIFY_UPD_OPT_ATTR, ra, w, wl, what);
		return -1;
	}
	*pp = ra->value;
	*n = (uint16_t)(ra->len / isz);
	return 0;
}

static int
attr_u32(struct actx *c, const struct bgp_attr_raw *ra, uint32_t *v, enum bgp_result r,
    uint8_t sub, const uint8_t *w, size_t wl, const char *what)
{
	if (ra->len != 4) {
		attr_err(c, r, sub, ra, w, wl, what);
		return -1;
	}
	*v = be32_load(ra->value);
	return 0;
}

/*
 * RFC 7606 §7.5, §7.9, §7.10 (and RFC 4271 §5.1.5: "MUST be ignored"): from an
 * external peer these attributes are discarded, malformed or not; 1 when so.
 * Only a well-formed one goes quietly; a malformed one counts as an attribute
 * discard.
 */
static int
ibgp_only(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl,
    const char *what)
{
	if (c->sess == NULL || !c->sess->ebgp)
		return 0;
	if (ra->type == BGP_ATTR_CLUSTER_LIST ? ra->len % 4 != 0 || ra->len == 0 :
	    ra->len != 4)
		attr_err(c, DISC, ra->type == BGP_ATTR_CLUSTER_LIST ?
		    BGP_NOTIFY_UPD_OPT_ATTR : BGP_NOTIFY_UPD_ATTR_LEN, ra, w, wl, what);
	return 1;
}

static void
attr_unknown(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	struct bgp_attrs *a = c->a;

	if (!(ra->flags & BGP_ATTR_F_OPTIONAL)) {
		/* RFC 4271 §6.3: Unrecognized Well-known Attribute */
		attr_err(c, RESET, BGP_NOTIFY_UPD_UNREC_WK, ra, w, wl,
		    "unrecognized well-known attribute");
		return;
	}
	/* Unknown optional non-transitive attributes are quietly ignored (RFC 4271 §5). */
	if (!(ra->flags & BGP_ATTR_F_TRANSITIVE))
		return;
	if (a->nraw >= BGP_ATTRS_RAW_MAX) {
		a->nraw_dropped++;
		return;
	}
	a->raw[a->nraw++] = *ra;
}

static void
attr_aspath(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	uint32_t n;
	int	 confed, as4 = c->sess != NULL && c->sess->as4;

	if (aspath_check(ra->value, ra->len, as4, &n, &confed) == -1) {
		attr_err(c, TAW, BGP_NOTIFY_UPD_ASPATH, ra, w, wl, "malformed AS_PATH");
		return;
	}
	c->a->aspath = ra->value;
	c->a->aspath_len = ra->len;
	c->a->aspath_as4 = (uint8_t)as4;
	c->a->present |= BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
}

/* AS4_PATH: malformed or carrying confederation segments → discard (RFC 6793 §6, RFC 7606 §7.2). */
static void
attr_as4path(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	uint32_t n;
	int	 confed;

	if (aspath_check(ra->value, ra->len, 1, &n, &confed) == -1 || confed ||
	    ra->len == 0) {
		attr_err(c, DISC, BGP_NOTIFY_UPD_OPT_ATTR, ra, w, wl, "malformed AS4_PATH");
		return;
	}
	/* From a 4-octet speaker AS4_PATH is not expected: ignored (RFC 6793 §4.1). */
	if (c->sess != NULL && c->sess->as4)
		return;
	c->a->as4path = ra->value;
	c->a->as4path_len = ra->len;
	c->a->present |= BGP_ATTR_BIT(BGP_ATTR_AS4_PATH);
}

static void
attr_aggregator(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	int as4 = c->sess != NULL && c->sess->as4;

	/* RFC 7606 §7.7: wrong length → attribute discard */
	if (ra->len != (as4 ? 8 : 6)) {
		attr_err(c, DISC, BGP_NOTIFY_UPD_ATTR_LEN, ra, w, wl, "malformed AGGREGATOR");
		return;
	}
	c->a->aggregator_as = as4 ? be32_load(ra->value) : be16_load(ra->value);
	memcpy(c->a->aggregator_addr, ra->value + (as4 ? 4 : 2), 4);
	c->a->present |= BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
}

static void
attr_known(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	struct bgp_attrs *a = c->a;
	uint32_t	 v;

	switch (ra->type) {
	case BGP_ATTR_ORIGIN:		/* RFC 7606 §7.1 */
		if (ra->len != 1 || ra->value[0] > BGP_ORIGIN_INCOMPLETE) {
			attr_err(c, TAW, BGP_NOTIFY_UPD_ORIGIN, ra, w, wl, "malformed ORIGIN");
			return;
		}
		a->origin = ra->value[0];
		break;
	case BGP_ATTR_AS_PATH:		/* RFC 7606 §7.2 */
		attr_aspath(c, ra, w, wl);
		return;
	case BGP_ATTR_NEXT_HOP:		/* RFC 7606 §7.3 */
		if (ra->len != 4) {
			attr_err(c, TAW, BGP_NOTIFY_UPD_ATTR_LEN, ra, w, wl, "malformed NEXT_HOP");
			return;
		}
		bgp_nexthop_set(&a->nexthop, PREFIX_AF_IPV4, ra->value, NULL);
		break;
	case BGP_ATTR_MED:		/* RFC 7606 §7.4 */
		if (attr_u32(c, ra, &a->med, TAW, BGP_NOTIFY_UPD_ATTR_LEN, w, wl,
		    "malformed MULTI_EXIT_DISC") == -1)
			return;
		break;
	case BGP_ATTR_LOCAL_PREF:	/* RFC 7606 §7.5 */
		if (ibgp_only(c, ra, w, wl, "LOCAL_PREF from an external peer"))
			return;
		if (attr_u32(c, ra, &a->local_pref, TAW, BGP_NOTIFY_UPD_ATTR_LEN, w, wl,
		    "malformed LOCAL_PREF") == -1)
			return;
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:	/* RFC 7606 §7.6 */
		if (ra->len != 0) {
			attr_err(c, DISC, BGP_NOTIFY_UPD_ATTR_LEN, ra, w, wl,
			    "malformed ATOMIC_AGGREGATE");
			return;
		}
		a->atomic_aggregate = 1;
		break;
	case BGP_ATTR_AGGREGATOR:	/* RFC 7606 §7.7 */
		attr_aggregator(c, ra, w, wl);
		return;
	case BGP_ATTR_COMMUNITIES:	/* RFC 7606 §7.8 */
		if (attr_list(c, ra, 4, &a->communities, &a->ncommunities, w, wl,
		    "malformed COMMUNITIES") == -1)
			return;
		break;
	case BGP_ATTR_ORIGINATOR_ID:	/* RFC 7606 §7.9 */
		if (ibgp_only(c, ra, w, wl, "ORIGINATOR_ID from an external peer"))
			return;
		if (attr_u32(c, ra, &a->originator_id, TAW, BGP_NOTIFY_UPD_ATTR_LEN, w, wl,
		    "malformed ORIGINATOR_ID") == -1)
			return;
		break;
	case BGP_ATTR_CLUSTER_LIST:	/* RFC 7606 §7.10 */
		if (ibgp_only(c, ra, w, wl, "CLUSTER_LIST from an external peer"))
			return;
		if (attr_list(c, ra, 4, &a->cluster_list, &a->ncluster, w, wl,
		    "malformed CLUSTER_LIST") == -1)
			return;
		break;
	case BGP_ATTR_MP_REACH:		/* RFC 7606 §7.11 */
		attr_mp_reach(c, ra, w, wl);
		return;
	case BGP_ATTR_MP_UNREACH:
		attr_mp_unreach(c, ra, w, wl);
		return;
	case BGP_ATTR_EXT_COMMUNITIES:	/* RFC 7606 §7.14 */
		if (attr_list(c, ra, 8, &a->ext_communities, &a->next_communities, w, wl,
		    "malformed EXTENDED_COMMUNITIES") == -1)
			return;
		break;
	case BGP_ATTR_AS4_PATH:
		attr_as4path(c, ra, w, wl);
		return;
	case BGP_ATTR_AS4_AGGREGATOR:	/* RFC 6793 §6: malformed → discard */
		if (ra->len != 8) {
			attr_err(c, DISC, BGP_NOTIFY_UPD_OPT_ATTR, ra, w, wl,
			    "malformed AS4_AGGREGATOR");
			return;
		}
		if (c->sess != NULL && c->sess->as4)
			return;
		c->as4agg_ok = 1;
		c->as4agg_as = be32_load(ra->value);
		memcpy(c->as4agg_addr, ra->value + 4, 4);
		a->present |= BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR);
		return;
	case BGP_ATTR_LARGE_COMMUNITIES:	/* RFC 8092 §6 */
		if (attr_list(c, ra, 12, &a->large_communities, &a->nlarge_communities, w, wl,
		    "malformed LARGE_COMMUNITIES") == -1)
			return;
		break;
	case BGP_ATTR_OTC:		/* RFC 9234 §5: length not 4 → treat-as-withdraw */
		if (attr_u32(c, ra, &v, TAW, BGP_NOTIFY_UPD_ATTR_LEN, w, wl,
		    "malformed ONLY_TO_CUSTOMER") == -1)
			return;
		a->otc = v;
		break;
	default:
		return;
	}
	a->present |= BGP_ATTR_BIT(ra->type);
}

static int
seen_test_set(struct actx *c, uint8_t type)
{
	uint32_t bit = (uint32_t)1 << (type & 31);
	int	 was = (c->seen[type >> 5] & bit) != 0;

	c->seen[type >> 5] |= bit;
	return was;
}

/* One attribute: duplicates (RFC 7606 §3 (g)), flags (§3 (c)), then its own rules. */
static void
attr_one(struct actx *c, const struct bgp_attr_raw *ra, const uint8_t *w, size_t wl)
{
	uint8_t ot = attr_ot[ra->type] & ~KNOWN;
	int	mp = ra->type == BGP_ATTR_MP_REACH || ra->type == BGP_ATTR_MP_UNREACH;

	if (seen_test_set(c, ra->type)) {
		if (mp)
			bgp_err_set(c->err, RESET, BGP_NOTIFY_UPDATE, BGP_NOTIFY_UPD_ATTR_LIST,
			    ra->type, NULL, 0, "MP_REACH/MP_UNREACH repeated");
		else
			attr_err(c, DISC, BGP_NOTIFY_UPD_ATTR_LIST, ra, w, wl,
			    "repeated attribute");
		return;
	}
	if (attr_ot[ra->type] == 0) {
		attr_unknown(c, ra, w, wl);
		return;
	}
	if ((ra->flags & (BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)) != ot) {
		/* RFC 7606 §3 (c); MP_* keep their own stronger rule (§7.11) */
		attr_err(c, mp ? RESET : TAW, BGP_NOTIFY_UPD_ATTR_FLAGS, ra, w, wl,
		    "attribute flags error");
		return;
	}
	attr_known(c, ra, w, wl);
}

/* RFC 6793 §4.2.3: reconcile AGGREGATOR/AS4_AGGREGATOR and AS_PATH/AS4_PATH. */
static void
as4_merge(struct actx *c)
{
	struct bgp_attrs *a = c->a;
	uint32_t	 n2, n4;
	int		 confed;

	if (c->sess != NULL && c->sess->as4)
		return;
	if (BGP_ATTR_HAS(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as != BGP_AS_TRANS) {
		/* the aggregator was a 2-octet speaker: ignore AS4_AGGREGATOR and AS4_PATH */
		a->present &= ~(BGP_ATTR_BIT(BGP_ATTR_AS4_PATH) |
		    BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR));
		return;
	}
	if (c->as4agg_ok && BGP_ATTR_HAS(a, BGP_ATTR_AGGREGATOR)) {
		a->aggregator_as = c->as4agg_as;
		memcpy(a->aggregator_addr, c->as4agg_addr, 4);
	}
	if (!BGP_ATTR_HAS(a, BGP_ATTR_AS4_PATH) || !BGP_ATTR_HAS(a, BGP_ATTR_AS_PATH))
		return;
	if (aspath_check(a->aspath, a->aspath_len, 0, &n2, &confed) == -1 ||
	    aspath_check(a->as4path, a->as4path_len, 1, &n4, &confed) == -1)
		return;
	/* AS4_PATH longer than AS_PATH: ignore AS4_PATH */
	a->use_as4path = n2 >= n4;
}

enum bgp_result
bgp_attrs_parse(const uint8_t *p, size_t len, const struct bgp_sess *sess, unsigned flags,
    struct bgp_attrs *a, struct bgp_nlri_set *reach, struct bgp_nlri_set *unreach,
    struct bgp_error *err, int *structural)
{
	struct actx		c;
	struct bgp_attr_iter	it;
	struct bgp_attr_raw	ra;
	const uint8_t		*w;
	size_t			 rem;
	int			 r;

	memset(&c, 0, sizeof(c));
	c.sess = sess;
	c.flags = flags;
	c.a = a;
	c.reach = reach;
	c.unreach = unreach;
	c.err = err;
	*structural = 0;
	bgp_attr_iter_init(&it, p, len);
	for (;;) {
		w = it.p;
		rem = it.left;
		if ((r = bgp_attr_next(&it, &ra)) == 0)
			break;
		if (r == -1) {
			/*
			 * RFC 7606 §4: an attribute overrunning the Total Attribute
			 * Length, or fewer than 3 (4) octets left: treat-as-withdraw,
			 * and the NLRI field is still found from the total length.
			 */
			*structural = 1;
			bgp_err_set(err, TAW, BGP_NOTIFY_UPDATE, BGP_NOTIFY_UPD_ATTR_LEN,
			    rem >= 2 ? w[1] : 0, NULL, 0, "attribute length overrun");
			break;
		}
		attr_one(&c, &ra, w, (size_t)(it.p - w));
		if (err->outcome == BGP_ERR_SESSION_RESET)
			return BGP_ERR_SESSION_RESET;
	}
	as4_merge(&c);
	if (BGP_ATTR_HAS(a, BGP_ATTR_AS_PATH))
		aspath_summary(a);
	return (enum bgp_result)err->outcome;
}

enum bgp_result
bgp_attrs_decode(const uint8_t *p, size_t len, const struct bgp_sess *sess, unsigned flags,
    struct bgp_attrs *a, struct bgp_nlri_set *reach, struct bgp_nlri_set *unreach,
    struct bgp_error *err)
{
	int structural;

	bgp_err_init(err);
	bgp_attrs_init(a);
	if (reach != NULL)
		memset(reach, 0, sizeof(*reach));
	if (unreach != NULL)
		memset(unreach, 0, sizeof(*unreach));
	return bgp_attrs_parse(p, len, sess, flags, a, reach, unreach, err, &structural);
}

void
bgp_nexthop_set(struct bgp_nexthop *nh, uint8_t af, const uint8_t *addr, const uint8_t *ll)
{
	memset(nh, 0, sizeof(*nh));
	nh->af = af;
	if (addr != NULL)
		memcpy(nh->addr, addr, prefix_addrlen(af));
	if (ll != NULL) {
		nh->has_ll = 1;
		memcpy(nh->ll, ll, 16);
	}
}
