/*
 * Shared by the BGP fuzz targets: session capabilities from the first input byte,
 * and the invariants every decoded UPDATE must satisfy (NLRI and AS path iterate
 * exactly as validated; canonical blob encode→decode→encode is stable).
 */
#ifndef IXW_FUZZ_BGP_COMMON_H
#define IXW_FUZZ_BGP_COMMON_H

#include <stdlib.h>

#include "bgp/bgp.h"

static inline void
fuzz_sess(uint8_t b, struct bgp_sess *s)
{
	s->as4 = b & 1;
	s->extmsg = (b >> 1) & 1;
	s->addpath_rx = (uint8_t)((b >> 2) & 0x0f);
	s->addpath_tx = s->addpath_rx;
}

static inline void
fuzz_check_nlri(const struct bgp_nlri_set *s)
{
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint32_t		id, n = 0;
	int			r;

	bgp_nlri_iter_init(&it, s);
	while ((r = bgp_nlri_next(&it, &p, &id)) == 1) {
		if (p.len > prefix_maxlen(p.af))
			abort();
		n++;
	}
	if (r != 0)
		abort();
	if ((s->afi == 1 || s->afi == 2) && (s->safi == 1 || s->safi == 2) && n != s->count)
		abort();
}

static inline void
fuzz_check_attrs(const struct bgp_attrs *a)
{
	struct bgp_aspath_iter	 it;
	struct bgp_attrs	 d;
	struct wbuf		 w1, w2;
	uint8_t			 st;
	uint32_t		 asn, n = 0;

	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &st, &asn) == 1)
		n++;
	if (a->path_count > n)
		abort();
	wbuf_init(&w1, 0);
	wbuf_init(&w2, 0);
	if (bgp_canon_encode(&w1, a, -1) == -1)
		abort();
	if (bgp_canon_decode(w1.buf, w1.len, &d) == -1)
		abort();
	if (d.origin_as != a->origin_as || d.path_count != a->path_count ||
	    d.origin_is_set != a->origin_is_set || d.otc != a->otc ||
	    d.ncommunities != a->ncommunities)
		abort();
	if (bgp_canon_encode(&w2, &d, -1) == -1 || w1.len != w2.len ||
	    memcmp(w1.buf, w2.buf, w1.len) != 0)
		abort();
	wbuf_free(&w1);
	wbuf_free(&w2);
}

static inline void
fuzz_check_update(const struct bgp_update *u)
{
	fuzz_check_nlri(&u->withdrawn);
	fuzz_check_nlri(&u->nlri);
	fuzz_check_nlri(&u->mp_reach);
	fuzz_check_nlri(&u->mp_unreach);
	fuzz_check_attrs(&u->attrs);
}

#endif /* IXW_FUZZ_BGP_COMMON_H */
