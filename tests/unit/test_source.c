/*
 * Route application through sources: UPDATEs built with the project's encoder go
 * through source_apply_update into the RIB; RFC 7606 outcomes, End-of-RIB, hooks,
 * validators and withdraw-all behave as documented in agent/source.h.
 */
#include "agent/source.h"
#include "bgp/rib.h"
#include "tests/unit/ut.h"
#include "tests/unit/ut_bgp.h"

static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };	/* 4-octet AS, no ADD-PATH */

/* Encodes an UPDATE announcing/withdrawing the given prefixes; returns the body. */
static const uint8_t *
mkupdate(struct wbuf *w, const char *const *ann, size_t nann, const char *const *wd,
    size_t nwd, const uint32_t *path, size_t npath, size_t *bodylen)
{
	static struct bgp_route	 ra[16], rw[16];
	static struct wbuf	 pw;
	struct bgp_update_enc	 enc = { 0 };
	struct bgp_attrs	 a;
	size_t			 i;

	for (i = 0; i < nann; i++) {
		UT_EQ_INT(prefix_parse(ann[i], &ra[i].pfx), 0);
		ra[i].path_id = 0;
	}
	for (i = 0; i < nwd; i++) {
		UT_EQ_INT(prefix_parse(wd[i], &rw[i].pfx), 0);
		rw[i].path_id = 0;
	}
	ut_bgp_attrs(&a, &pw, path, npath);
	enc.announce = ra;
	enc.nannounce = nann;
	enc.withdrawn = rw;
	enc.nwithdrawn = nwd;
	enc.attrs = nann ? &a : NULL;
	wbuf_reset(w);
	UT_EQ_INT(bgp_update_encode(w, &sess4, &enc), 0);
	*bodylen = w->len - BGP_HDR_LEN;
	return w->buf + BGP_HDR_LEN;
}

static int nroute_events, nwithdraw_events, nstate_events;
static enum source_state last_old;

static void
on_route(const struct source *s, const struct prefix *p, uint32_t id,
    const struct rib_attrs *a, void *arg)
{
	(void)s; (void)p; (void)id; (void)arg;
	if (a)
		nroute_events++;
	else
		nwithdraw_events++;
}

static void
on_state(const struct source *s, enum source_state old, void *arg)
{
	(void)s; (void)arg;
	nstate_events++;
	last_old = old;
}

static uint8_t
validate(const struct prefix *p, const struct rib_attrs *a, void *arg)
{
	(void)arg;
	/* pretend: routes originated by AS 64500 are RPKI-invalid, others valid */
	(void)p;
	return RIB_STATE(rib_attrs_origin_as(a) == 64500 ? RIB_RPKI_INVALID : RIB_RPKI_VALID, 0);
}

static int
count_routes(const struct prefix *p)
{
	struct rib_route r[4];

	return rib_lookup_exact(source_rib(), p, r, 4);
}

static void
announce_withdraw(void)
{
	static const char *const ann[] = { "192.0.2.0/24", "198.51.100.0/24" };
	static const char *const wd[] = { "192.0.2.0/24" };
	static const uint32_t path[] = { 65001, 64500 };
	struct source		*s;
	struct bgp_error	 e;
	struct wbuf		 w;
	struct prefix		 p;
	struct rib_route	 r[2];
	const uint8_t		*b;
	size_t			 bl;

	UT_EQ_INT(source_init(), 0);
	UT_EQ_INT(source_subscribe_routes(on_route, NULL), 0);
	source_set_validator(validate, NULL);
	UT_ASSERT((s = source_new(SOURCE_BGP, "rs1", NULL)) != NULL);
	UT_ASSERT(s->rib_id != 0);
	s->sess = sess4;
	wbuf_init(&w, 0);
	b = mkupdate(&w, ann, 2, NULL, 0, path, 2, &bl);
	UT_EQ_INT(source_apply_update(s, b, bl, &e), BGP_OK);
	UT_EQ_INT(source_routes(s), 2);
	UT_EQ_INT(nroute_events, 2);
	prefix_parse("198.51.100.0/24", &p);
	UT_EQ_INT(rib_lookup_exact(source_rib(), &p, r, 2), 1);
	UT_EQ_INT(r[0].source, s->rib_id);
	UT_EQ_INT(rib_attrs_origin_as(r[0].attrs), 64500);
	UT_EQ_INT(rib_attrs_path_len(r[0].attrs), 2);
	UT_EQ_INT(RIB_STATE_RPKI(r[0].state), RIB_RPKI_INVALID);
	b = mkupdate(&w, NULL, 0, wd, 1, path, 2, &bl);
	UT_EQ_INT(source_apply_update(s, b, bl, &e), BGP_OK);
	UT_EQ_INT(source_routes(s), 1);
	UT_EQ_INT(nwithdraw_events, 1);
	prefix_parse("192.0.2.0/24", &p);
	UT_EQ_INT(count_routes(&p), 0);
	UT_EQ_INT(s->count.updates, 2);
	UT_EQ_INT(s->count.announcements, 2);
	UT_EQ_INT(s->count.withdrawals, 1);
	/* the daemon's total (a Counter64) keeps a source's UPDATEs when it goes */
	UT_EQ_INT((int)source_updates_total(), 2);
	source_free(s);
	UT_EQ_INT((int)source_updates_total(), 2);
	wbuf_free(&w);
	source_shutdown();
}

/* RFC 7606: a malformed ORIGIN (value 7) is treat-as-withdraw: the route goes away. */
static void
treat_as_withdraw(void)
{
	static const char *const ann[] = { "203.0.113.0/24" };
	static const uint32_t path[] = { 65001 };
	struct source		*s;
	struct bgp_error	 e;
	struct wbuf		 w;
	struct prefix		 p;
	uint8_t			*body;
	size_t			 bl, i;

	UT_EQ_INT(source_init(), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "peer", NULL)) != NULL);
	s->sess = sess4;
	wbuf_init(&w, 0);
	body = (uint8_t *)(uintptr_t)mkupdate(&w, ann, 1, NULL, 0, path, 1, &bl);
	UT_EQ_INT(source_apply_update(s, body, bl, &e), BGP_OK);
	prefix_parse("203.0.113.0/24", &p);
	UT_EQ_INT(count_routes(&p), 1);
	/* find ORIGIN (flags 0x40, type 1, len 1) in the attributes and corrupt its value */
	for (i = 4; i + 3 < bl; i++)
		if (body[i] == 0x40 && body[i + 1] == BGP_ATTR_ORIGIN && body[i + 2] == 1) {
			body[i + 3] = 7;
			break;
		}
	UT_ASSERT(i + 3 < bl);
	UT_EQ_INT(source_apply_update(s, body, bl, &e), BGP_ERR_TREAT_AS_WITHDRAW);
	UT_EQ_INT(count_routes(&p), 0);
	UT_EQ_INT(s->count.treat_as_withdraw, 1);
	UT_ASSERT(s->last_error[0] != '\0');
	/* a truncated UPDATE is a session reset: nothing applied */
	UT_EQ_INT(source_apply_update(s, body, 3, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(s->count.resets, 1);
	wbuf_free(&w);
	source_shutdown();
}

static void
eor_and_state(void)
{
	struct source		*s;
	struct bgp_error	 e;
	struct wbuf		 w;

	UT_EQ_INT(source_init(), 0);
	UT_EQ_INT(source_subscribe_state(on_state, NULL), 0);
	UT_ASSERT((s = source_new(SOURCE_BGP, "gr", NULL)) != NULL);
	s->sess = sess4;
	UT_EQ_INT(s->up_since, 0);
	source_set_state(s, SOURCE_SYNCING, NULL);
	UT_EQ_INT(nstate_events, 1);
	UT_EQ_INT(last_old, SOURCE_DOWN);
	UT_ASSERT(s->up_since != 0);
	s->up_since -= 100;		/* as if the sync took 100 s */
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_eor_encode(&w, 1, 1), 0);
	UT_EQ_INT(source_apply_update(s, w.buf + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &e), BGP_OK);
	UT_EQ_INT(s->state, SOURCE_SYNCING);	/* IPv6 EoR still missing */
	wbuf_reset(&w);
	UT_EQ_INT(bgp_eor_encode(&w, 2, 1), 0);
	UT_EQ_INT(source_apply_update(s, w.buf + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &e), BGP_OK);
	UT_EQ_INT(s->state, SOURCE_UP);
	UT_EQ_INT(nstate_events, 2);
	UT_ASSERT(s->up_since <= s->state_since - 100);	/* up since the sync began */
	source_set_state(s, SOURCE_DOWN, "Cease/administrative reset");
	UT_EQ_INT(s->up_since, 0);
	UT_EQ_STR(s->last_error, "Cease/administrative reset");
	UT_EQ_INT(s->af_eor, 0);
	wbuf_free(&w);
	source_shutdown();
}

static void
withdraw_all_and_registry(void)
{
	static const char *const ann[] = { "192.0.2.0/25", "192.0.2.128/25", "10.0.0.0/8" };
	static const uint32_t path[] = { 65010, 65011, 65012 };
	struct source		*a, *b, *r;
	struct bgp_error	 e;
	struct wbuf		 w;
	const uint8_t		*body;
	size_t			 bl;

	UT_EQ_INT(source_init(), 0);
	UT_EQ_INT(source_subscribe_routes(on_route, NULL), 0);
	UT_ASSERT((r = source_new(SOURCE_BMP_ROUTER, "r1", NULL)) != NULL);
	UT_EQ_INT(r->rib_id, 0);
	UT_ASSERT((a = source_new(SOURCE_BMP_PEER, "r1 peer pre", r)) != NULL);
	UT_ASSERT((b = source_new(SOURCE_BMP_PEER, "r1 peer post", r)) != NULL);
	a->sess = b->sess = sess4;
	UT_EQ_INT(source_count(), 3);
	UT_ASSERT(source_next(NULL) == r && source_next(r) == a && source_next(a) == b);
	UT_ASSERT(source_next(b) == NULL);
	UT_ASSERT(source_by_id(b->id) == b && source_by_rib_id(a->rib_id) == a);
	/* by id from any point, the walk's cursor surviving its source */
	UT_ASSERT(source_from(0) == r && source_from(a->id) == a && source_from(b->id + 1) == NULL);
	{
		struct source	*c = source_new(SOURCE_BMP_PEER, "r1 peer out", r);
		uint32_t	 bid = b->id;

		UT_ASSERT(c != NULL && source_from(bid + 1) == c);
		UT_ASSERT(source_from(bid) == b);		/* the cursor on b */
		source_free(b);
		UT_ASSERT(source_from(bid) == c && source_by_id(bid) == NULL);
		UT_ASSERT(source_from(r->id) == r && source_by_id(c->id) == c);
		b = source_new(SOURCE_BMP_PEER, "r1 peer post", r);
		UT_ASSERT(b != NULL && b->id > c->id && source_from(c->id + 1) == b);
		source_free(c);
		UT_ASSERT(source_next(a) == b);
	}
	a->sess = b->sess = sess4;
	wbuf_init(&w, 0);
	body = mkupdate(&w, ann, 3, NULL, 0, path, 3, &bl);
	UT_EQ_INT(source_apply_update(a, body, bl, &e), BGP_OK);
	UT_EQ_INT(source_apply_update(b, body, bl, &e), BGP_OK);
	nwithdraw_events = 0;
	UT_EQ_INT(source_withdraw_all(a), 3);
	UT_EQ_INT(nwithdraw_events, 3);
	UT_EQ_INT(source_routes(a), 0);
	UT_EQ_INT(source_routes(b), 3);
	source_free(b);			/* its routes go too, subscribers told */
	UT_EQ_INT(nwithdraw_events, 6);
	UT_EQ_INT(source_count(), 2);
	{
		struct rib_stats st;
		rib_reclaim_sync(source_rib());
		rib_stats(source_rib(), &st);
		UT_EQ_INT(st.routes, 0);
		UT_EQ_INT(st.attrs, 0);
	}
	wbuf_free(&w);
	source_shutdown();
}

UT_MAIN(UT_CASE(announce_withdraw), UT_CASE(treat_as_withdraw), UT_CASE(eor_and_state),
    UT_CASE(withdraw_all_and_registry))
