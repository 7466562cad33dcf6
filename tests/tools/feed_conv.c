/*
 * feed_conv: MRT BGP4MP UPDATEs (RFC 6396 §4.4) turned into a BMP stream (RFC 7854:
 * Initiation, Peer Up, Route Monitoring) or into UPDATEs for a 4-octet-AS BGP
 * session (RFC 4271, RFC 6793), for the test tools and the ingest benchmarks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/mrt.h"
#include "bgp/mrt_file.h"
#include "tests/tools/feed_conv.h"

#define BGP_ID_OF(as)	(0x0a000000u | ((as) & 0xffff))
#define MAXPEERS	256

void
feed_open_encode(struct wbuf *w, uint32_t as, uint32_t id, uint16_t hold, int v6)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = as > 65535 ? BGP_AS_TRANS : (uint16_t)as;
	o.holdtime = hold;
	o.bgp_id = id;
	o.caps.has_as4 = 1;
	o.caps.as4 = as;
	o.caps.has_route_refresh = 1;
	o.caps.nmp = v6 ? 2 : 1;
	o.caps.mp[0].afi = PREFIX_AF_IPV4;
	o.caps.mp[0].safi = BGP_SAFI_UNICAST;
	o.caps.mp[1].afi = PREFIX_AF_IPV6;
	o.caps.mp[1].safi = BGP_SAFI_UNICAST;
	bgp_open_encode(w, &o);
}

void
feed_bmp_initiation(struct wbuf *w, const char *name)
{
	struct bmp_tlv t[2];

	t[0].type = BMP_INFO_SYSDESCR;
	t[0].val = (const uint8_t *)"ixwatch bmp_feed";
	t[0].len = (uint16_t)strlen((const char *)t[0].val);
	t[1].type = BMP_INFO_SYSNAME;
	t[1].val = (const uint8_t *)name;
	t[1].len = (uint16_t)strlen(name);
	bmp_encode_initiation(w, t, 2);
}

void
feed_bmp_peer_hdr(struct bmp_peer_hdr *ph, const struct feed_peer *p, uint8_t flags)
{
	memset(ph, 0, sizeof(*ph));
	ph->type = BMP_PEER_GLOBAL;
	ph->af = p->af;
	ph->flags = (uint8_t)(flags | (p->af == PREFIX_AF_IPV6 ? BMP_PEER_FLAG_V : 0));
	memcpy(ph->addr, p->addr, 16);
	ph->as = p->as;
	ph->bgp_id = BGP_ID_OF(p->as);
}

void
feed_bmp_peer_up(struct wbuf *w, const struct feed_peer *p)
{
	struct bmp_peer_hdr	 ph;
	struct bmp_peer_up	 up;
	struct wbuf		 sent, recv;

	wbuf_init(&sent, 0);
	wbuf_init(&recv, 0);
	feed_open_encode(&sent, 64999, 0x0a0000fe, 90, 1);
	feed_open_encode(&recv, p->as, BGP_ID_OF(p->as), 90, 1);
	feed_bmp_peer_hdr(&ph, p, 0);
	memset(&up, 0, sizeof(up));
	up.local_af = p->af;
	up.local_port = 179;	/* what the router reports, not a port we use */
	up.remote_port = 40000;
	up.sent_open = sent.buf;
	up.sent_open_len = sent.len;
	up.recv_open = recv.buf;
	up.recv_open_len = recv.len;
	bmp_encode_peer_up(w, &ph, &up, NULL, 0);
	if (sent.err || recv.err)
		w->err = 1;
	wbuf_free(&sent);
	wbuf_free(&recv);
}

/* A received (not local), non-ADD-PATH BGP4MP UPDATE. */
static int
is_update(const struct mrt_record *rec, int res)
{
	const struct mrt_bgp4mp *m = &rec->u.msg;

	return res == MRT_OK && rec->kind == MRT_KIND_BGP4MP_MSG && !m->local &&
	    !m->addpath && m->pdu_len >= BGP_HDR_LEN && m->pdu[18] == BGP_MSG_UPDATE;
}

static int
same_peer(const struct feed_peer *p, const struct mrt_bgp4mp *m)
{
	return p->af == m->af && p->as == m->peer_as && memcmp(p->addr, m->peer_addr, 16) == 0;
}

static void
peer_of(struct feed_peer *p, const struct mrt_bgp4mp *m)
{
	memset(p, 0, sizeof(*p));
	p->af = m->af;
	memcpy(p->addr, m->peer_addr, 16);
	p->as = m->peer_as;
}

/* Prefixes announced and withdrawn by one UPDATE (0 if it does not decode). */
static unsigned long
route_events(const struct mrt_bgp4mp *m)
{
	struct bgp_sess		 sess = { (uint8_t)(m->as4 != 0), 1, 0, 0, 0 };
	struct bgp_update	 u;
	struct bgp_error	 err;

	if (bgp_update_decode(m->pdu + BGP_HDR_LEN, m->pdu_len - BGP_HDR_LEN, &sess, &u,
	    &err) == BGP_ERR_SESSION_RESET)
		return 0;
	return (unsigned long)u.withdrawn.count + u.nlri.count + u.mp_reach.count +
	    u.mp_unreach.count;
}

int
feed_bmp_from_mrt(struct wbuf *w, const char *mrt, const char *name, unsigned flags,
    struct feed_bmp_stats *st)
{
	struct feed_peer	*peers;
	struct mrt_file		*mf;
	struct mrt_record	 rec;
	struct bmp_peer_hdr	 ph;
	size_t			 i;
	int			 rc, res;

	memset(st, 0, sizeof(*st));
	if ((peers = calloc(MAXPEERS, sizeof(*peers))) == NULL)
		return -1;
	if ((mf = mrt_file_open(mrt)) == NULL) {
		free(peers);
		return -1;
	}
	feed_bmp_initiation(w, name);
	while ((rc = mrt_file_next_record(mf, &rec, &res)) == 1) {
		const struct mrt_bgp4mp *m = &rec.u.msg;

		if (!is_update(&rec, res))
			continue;
		for (i = 0; i < st->peers && !same_peer(&peers[i], m); i++)
			;
		if (i == st->peers) {
			if (st->peers == MAXPEERS)
				continue;
			peer_of(&peers[i], m);
			feed_bmp_peer_up(w, &peers[i]);
			st->peers++;
		}
		feed_bmp_peer_hdr(&ph, &peers[i], (uint8_t)((m->as4 ? 0 : BMP_PEER_FLAG_A) |
		    ((flags & FEED_BMP_POST_POLICY) ? BMP_PEER_FLAG_L : 0)));
		ph.ts_sec = rec.hdr.ts;
		ph.ts_usec = rec.hdr.usec;
		bmp_encode_route_mon(w, &ph, m->pdu, m->pdu_len);
		st->updates++;
		st->events += route_events(m);
	}
	mrt_file_close(mf);
	free(peers);
	if (rc < 0 || w->err) {
		errno = w->err ? ENOMEM : EINVAL;
		return -1;
	}
	return 0;
}

/* ---- MRT to BGP -------------------------------------------------------- */

/* The set of IPv4 prefixes announced so far (open addressing, key + 1, 0 = empty). */
struct pfxset {
	uint64_t	*key;
	uint8_t		*on;		/* currently announced */
	size_t		 cap, n;
};

static uint64_t
pfx_key(const struct prefix *p)
{
	return (((uint64_t)p->addr[0] << 24 | (uint64_t)p->addr[1] << 16 |
	    (uint64_t)p->addr[2] << 8 | p->addr[3]) << 6 | p->len) + 1;
}

static size_t
pfx_slot(const struct pfxset *s, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (s->cap - 1);

	while (s->key[i] != 0 && s->key[i] != k)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
pfx_grow(struct pfxset *s)
{
	struct pfxset	 o = *s;
	size_t		 i, j;

	s->cap = o.cap ? o.cap * 2 : 1u << 16;
	s->key = calloc(s->cap, sizeof(*s->key));
	s->on = calloc(s->cap, 1);
	if (s->key == NULL || s->on == NULL) {
		free(s->key);
		free(s->on);
		*s = o;
		return -1;
	}
	for (i = 0; i < o.cap; i++)
		if (o.key[i] != 0) {
			j = pfx_slot(s, o.key[i]);
			s->key[j] = o.key[i];
			s->on[j] = o.on[i];
		}
	free(o.key);
	free(o.on);
	return 0;
}

/* Marks p announced (on) or withdrawn; counts distinct and live prefixes. */
static int
pfx_mark(struct pfxset *s, const struct prefix *p, int on, struct feed_bgp *fb)
{
	uint64_t	k = pfx_key(p);
	size_t		i;

	if ((s->n + 1) * 2 > s->cap && pfx_grow(s) == -1)
		return -1;
	i = pfx_slot(s, k);
	if (s->key[i] == 0) {
		if (!on)
			return 0;
		s->key[i] = k;
		s->n++;
		fb->unique++;
	}
	if (on && !s->on[i])
		fb->routes++;
	else if (!on && s->on[i])
		fb->routes--;
	s->on[i] = (uint8_t)on;
	return 0;
}

/* Appends the IPv4 unicast prefixes of set to r (room for max), marking them. */
static int
collect(const struct bgp_nlri_set *set, struct bgp_route *r, size_t *n, size_t max,
    int on, struct pfxset *ps, struct feed_bgp *fb)
{
	struct bgp_nlri_iter	 it;
	int			 rc;

	if (!set->present || set->afi != PREFIX_AF_IPV4 || set->safi != BGP_SAFI_UNICAST)
		return 0;
	bgp_nlri_iter_init(&it, set);
	while (*n < max && (rc = bgp_nlri_next(&it, &r[*n].pfx, NULL)) == 1) {
		r[*n].path_id = 0;
		if (pfx_mark(ps, &r[*n].pfx, on, fb) == -1)
			return -1;
		(*n)++;
	}
	return 0;
}

/* One UPDATE, or two halves of it if it does not fit the standard message size. */
static int
put_update(struct feed_bgp *fb, struct wbuf *tmp, const struct bgp_route *wd, size_t nwd,
    const struct bgp_route *an, size_t nan, const struct bgp_attrs *a)
{
	struct bgp_sess		 sess = { 1, 0, 0, 0, 0 };
	struct bgp_update_enc	 e;

	memset(&e, 0, sizeof(e));
	e.withdrawn = wd;
	e.nwithdrawn = nwd;
	e.announce = an;
	e.nannounce = nan;
	e.attrs = nan > 0 ? a : NULL;
	wbuf_reset(tmp);
	if (bgp_update_encode(tmp, &sess, &e) == 0) {
		wbuf_put_bytes(&fb->msgs, tmp->buf, tmp->len);
		fb->updates++;
		return fb->msgs.err ? -1 : 0;
	}
	if (nwd + nan <= 1)
		return -1;
	if (nwd > 0 && nan > 0)
		return put_update(fb, tmp, wd, nwd, NULL, 0, a) == -1 ? -1 :
		    put_update(fb, tmp, NULL, 0, an, nan, a);
	if (nwd > 1)
		return put_update(fb, tmp, wd, nwd / 2, NULL, 0, a) == -1 ? -1 :
		    put_update(fb, tmp, wd + nwd / 2, nwd - nwd / 2, NULL, 0, a);
	return put_update(fb, tmp, NULL, 0, an, nan / 2, a) == -1 ? -1 :
	    put_update(fb, tmp, NULL, 0, an + nan / 2, nan - nan / 2, a);
}

/* Scratch for one UPDATE: at most one prefix per NLRI octet of a message. */
struct conv {
	struct pfxset	 ps;
	struct wbuf	 tmp;
	struct bgp_route wd[BGP_EXT_MAX_LEN], an[BGP_EXT_MAX_LEN];
};

static int
conv_update(struct feed_bgp *fb, struct conv *c, const struct mrt_bgp4mp *m)
{
	struct bgp_sess		 sess = { (uint8_t)(m->as4 != 0), 1, 0, 0, 0 };
	struct bgp_update	 u;
	struct bgp_error	 err;
	struct bgp_attrs	 a;
	size_t			 nwd = 0, nan = 0, max = BGP_EXT_MAX_LEN;
	enum bgp_result		 r;
	int			 tw;

	r = bgp_update_decode(m->pdu + BGP_HDR_LEN, m->pdu_len - BGP_HDR_LEN, &sess, &u, &err);
	if (r == BGP_ERR_SESSION_RESET)
		return 0;		/* the peer's session would have been reset */
	tw = r == BGP_ERR_TREAT_AS_WITHDRAW;
	if (collect(&u.withdrawn, c->wd, &nwd, max, 0, &c->ps, fb) == -1 ||
	    collect(&u.mp_unreach, c->wd, &nwd, max, 0, &c->ps, fb) == -1 ||
	    collect(&u.nlri, tw ? c->wd : c->an, tw ? &nwd : &nan, max, !tw, &c->ps, fb) == -1 ||
	    collect(&u.mp_reach, tw ? c->wd : c->an, tw ? &nwd : &nan, max, !tw, &c->ps,
	    fb) == -1)
		return -1;
	fb->withdrawn += nwd;
	fb->announced += nan;
	if (nwd + nan == 0)
		return 0;		/* IPv6 only, or the peer's End-of-RIB */
	a = u.attrs;
	a.present &= ~(BGP_ATTR_BIT(BGP_ATTR_MP_REACH) | BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH));
	if (nan > 0 && !BGP_ATTR_HAS(&a, BGP_ATTR_NEXT_HOP) &&
	    a.mp_nexthop.af == PREFIX_AF_IPV4) {
		a.nexthop = a.mp_nexthop;	/* IPv4 NLRI that came in MP_REACH */
		a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	}
	return put_update(fb, &c->tmp, c->wd, nwd, c->an, nan, &a);
}

int
feed_bgp_from_mrt(struct feed_bgp *fb, const char *mrt)
{
	struct mrt_file		*mf;
	struct mrt_record	 rec;
	struct conv		*c;
	int			 rc, res, have = 0, ret = -1;

	memset(fb, 0, sizeof(*fb));
	wbuf_init(&fb->msgs, 0);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	wbuf_init(&c->tmp, 0);
	if ((mf = mrt_file_open(mrt)) == NULL)
		goto out;
	while ((rc = mrt_file_next_record(mf, &rec, &res)) == 1) {
		const struct mrt_bgp4mp *m = &rec.u.msg;

		if (!is_update(&rec, res)) {
			if (res == MRT_OK && rec.kind == MRT_KIND_BGP4MP_MSG && m->addpath)
				fb->skipped++;
			continue;
		}
		if (!have) {
			peer_of(&fb->peer, m);
			have = 1;
		}
		if (!same_peer(&fb->peer, m)) {
			fb->skipped++;
			continue;
		}
		fb->mrt_updates++;
		if (conv_update(fb, c, m) == -1)
			break;
	}
	mrt_file_close(mf);
	if (rc == 0 && !fb->msgs.err)
		ret = 0;
	else
		errno = fb->msgs.err ? ENOMEM : EINVAL;
out:
	wbuf_free(&c->tmp);
	free(c->ps.key);
	free(c->ps.on);
	free(c);
	return ret;
}

void
feed_bgp_free(struct feed_bgp *fb)
{
	if (fb != NULL)
		wbuf_free(&fb->msgs);
}
