/*
 * The source registry and route application: UPDATE (RFC 4271, 4760) decoded with
 * the source's capabilities, RFC 7606 outcomes applied (treat-as-withdraw withdraws
 * every prefix of the UPDATE, attribute discard keeps the rest), canonical attribute
 * sets interned, the RIB changed, subscribers told. End-of-RIB per RFC 4724 §2.
 * Loop thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "agent/log.h"
#include "agent/source.h"
#include "bgp/rib.h"

TAILQ_HEAD(source_list, source_ent);
struct source_ent {
	struct source		src;
	TAILQ_ENTRY(source_ent)	entry;
};

struct hook_route {
	source_route_fn	 fn;
	void		*arg;
};
struct hook_state {
	source_state_fn	 fn;
	void		*arg;
};
struct hook_flush {
	source_flush_fn	 fn;
	void		*arg;
};

static struct source_list	 sources = TAILQ_HEAD_INITIALIZER(sources);
static struct rib		*rib;
static uint32_t			 next_id = 1;
static unsigned			 nsources;
/* source_from()'s last answer, moved back when it goes: walks by id are O(1) a step */
static struct source_ent		*cursor;
static struct wbuf		 scratch;
static source_validate_fn	 validator;
static uint8_t			 notify_state;	/* of the route the hooks see */
static void			*validator_arg;
static struct hook_route	 route_hooks[SOURCE_MAX_HOOKS];
static struct hook_state	 state_hooks[SOURCE_MAX_HOOKS];
static struct hook_flush	 flush_hooks[SOURCE_MAX_HOOKS];
static unsigned			 nroute_hooks, nstate_hooks, nflush_hooks;

int
source_init(void)
{
	if (rib != NULL)
		return 0;
	if ((rib = rib_new()) == NULL) {
		log_warnx("source: cannot create the RIB");
		return -1;
	}
	wbuf_init(&scratch, 0);
	return 0;
}

void
source_shutdown(void)
{
	struct source_ent *e;

	source_unsubscribe_all();
	while ((e = TAILQ_FIRST(&sources)) != NULL)
		source_free(&e->src);
	if (rib != NULL) {
		rib_reclaim_sync(rib);
		rib_free(rib);
		rib = NULL;
	}
	wbuf_free(&scratch);
	validator = NULL;
}

struct rib *
source_rib(void)
{
	return rib;
}

static struct source_ent *
ent_of(const struct source *src)
{
	/* src is the first member of struct source_ent */
	return (struct source_ent *)(uintptr_t)src;
}

struct source *
source_new(enum source_type type, const char *name, struct source *parent)
{
	struct source_ent	*e;
	int			 rid = 0;

	if (rib == NULL && source_init() == -1)
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		log_warn("source_new");
		return NULL;
	}
	if (type != SOURCE_BMP_ROUTER && (rid = rib_source_add(rib, name)) == -1) {
		log_warnx("source %s: no RIB source id left", name);
		free(e);
		return NULL;
	}
	e->src.id = next_id++;
	e->src.rib_id = (uint16_t)rid;
	e->src.type = (uint8_t)type;
	e->src.rib_type = SOURCE_RIB_NONE;
	e->src.state = SOURCE_DOWN;
	e->src.parent = parent;
	e->src.af_expect = SOURCE_AF_IPV4 | SOURCE_AF_IPV6;
	snprintf(e->src.name, sizeof(e->src.name), "%s", name);
	TAILQ_INSERT_TAIL(&sources, e, entry);
	nsources++;
	return &e->src;
}

/* UPDATEs of the sources gone (source_free): daemon totals never go backwards. */
static uint64_t	retired_updates;

void
source_free(struct source *src)
{
	struct source_ent	*e;
	unsigned		 i;

	if (src == NULL)
		return;
	e = ent_of(src);
	retired_updates += src->count.updates;
	if (src->rib_id != 0) {
		source_withdraw_all(src);
		for (i = 0; i < nflush_hooks; i++)
			flush_hooks[i].fn(src, 1, flush_hooks[i].arg);
		rib_source_remove(rib, src->rib_id);
		rib_reclaim(rib);
	}
	if (cursor == e)
		cursor = TAILQ_PREV(e, source_list, entry);
	TAILQ_REMOVE(&sources, e, entry);
	nsources--;
	free(e);
}

struct source *
source_from(uint32_t id)
{
	struct source_ent *e;

	/* ids grow along the list: start at the last answer when it is not past id */
	e = cursor != NULL && cursor->src.id <= id ? cursor : TAILQ_FIRST(&sources);
	for (; e != NULL; e = TAILQ_NEXT(e, entry))
		if (e->src.id >= id)
			break;
	if (e != NULL)
		cursor = e;
	return e != NULL ? &e->src : NULL;
}

struct source *
source_by_id(uint32_t id)
{
	struct source *s = source_from(id);

	return s != NULL && s->id == id ? s : NULL;
}

struct source *
source_by_rib_id(uint16_t rid)
{
	struct source_ent *e;

	if (rid == 0)
		return NULL;
	TAILQ_FOREACH(e, &sources, entry)
		if (e->src.rib_id == rid)
			return &e->src;
	return NULL;
}

struct source *
source_next(const struct source *prev)
{
	struct source_ent *e;

	e = prev == NULL ? TAILQ_FIRST(&sources) : TAILQ_NEXT(ent_of(prev), entry);
	return e ? &e->src : NULL;
}

unsigned
source_count(void)
{
	return nsources;
}

uint64_t
source_updates_total(void)
{
	const struct source	*s;
	uint64_t		 n = retired_updates;

	for (s = source_next(NULL); s != NULL; s = source_next(s))
		n += s->count.updates;
	return n;
}

const char *
source_state_str(enum source_state s)
{
	switch (s) {
	case SOURCE_DOWN:	return "down";
	case SOURCE_CONNECTING:	return "connecting";
	case SOURCE_SYNCING:	return "syncing";
	case SOURCE_UP:		return "up";
	}
	return "?";
}

const char *
source_type_str(enum source_type t)
{
	switch (t) {
	case SOURCE_BMP_ROUTER:	return "bmp-router";
	case SOURCE_BMP_PEER:	return "bmp-peer";
	case SOURCE_BGP:	return "bgp";
	case SOURCE_MRT:	return "mrt";
	}
	return "?";
}

const char *
source_rib_type_str(enum source_rib_type t)
{
	switch (t) {
	case SOURCE_RIB_NONE:		return "-";
	case SOURCE_RIB_IN_PRE:		return "adj-rib-in-pre";
	case SOURCE_RIB_IN_POST:	return "adj-rib-in-post";
	case SOURCE_RIB_OUT_PRE:	return "adj-rib-out-pre";
	case SOURCE_RIB_OUT_POST:	return "adj-rib-out-post";
	case SOURCE_RIB_LOC:		return "loc-rib";
	}
	return "?";
}

void
source_set_state(struct source *src, enum source_state st, const char *reason)
{
	enum source_state	old = src->state;
	unsigned		i;

	if (st == SOURCE_DOWN && reason != NULL)
		snprintf(src->last_error, sizeof(src->last_error), "%s", reason);
	if (old == st)
		return;
	src->state = (uint8_t)st;
	src->state_since = time(NULL);
	/* up through the initial sync: its End-of-RIB does not start it again */
	if (st != SOURCE_SYNCING && st != SOURCE_UP)
		src->up_since = 0;
	else if (old != SOURCE_SYNCING && old != SOURCE_UP)
		src->up_since = src->state_since;
	if (st == SOURCE_DOWN || st == SOURCE_CONNECTING)
		src->af_eor = 0;
	for (i = 0; i < nstate_hooks; i++)
		state_hooks[i].fn(src, old, state_hooks[i].arg);
	/* no family whose End-of-RIB would end the initial sync: synced */
	if (st == SOURCE_SYNCING && src->af_expect == 0)
		source_set_state(src, SOURCE_UP, NULL);
}

void
source_eor(struct source *src, uint8_t af)
{
	src->af_eor |= af;
	if (src->state == SOURCE_SYNCING && (src->af_eor & src->af_expect) == src->af_expect)
		source_set_state(src, SOURCE_UP, NULL);
}

static void
notify_route(const struct source *src, const struct prefix *p, uint32_t path_id,
    const struct rib_attrs *a)
{
	unsigned i;

	for (i = 0; i < nroute_hooks; i++)
		route_hooks[i].fn(src, p, path_id, a, route_hooks[i].arg);
	notify_state = 0;
}

uint8_t
source_route_state(void)
{
	return notify_state;
}

int
source_withdraw(struct source *src, const struct prefix *p, uint32_t path_id)
{
	if (rib_route_withdraw(rib, src->rib_id, path_id, p) != RIB_OK)
		return 0;
	src->count.withdrawals++;
	notify_route(src, p, path_id, NULL);
	return 1;
}

struct withdraw_ctx {
	struct source	*src;
	struct prefix	*pfx;
	uint32_t	*ids;
	size_t		 n, cap;
};

static int
collect_route(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct withdraw_ctx	*c = arg;
	unsigned		 i;

	for (i = 0; i < n; i++) {
		if (c->n == c->cap) {
			size_t	 ncap = c->cap ? c->cap * 2 : 1024;
			void	*np = reallocarray(c->pfx, ncap, sizeof(*c->pfx));
			void	*ni;

			if (np == NULL)
				return 1;
			c->pfx = np;
			if ((ni = reallocarray(c->ids, ncap, sizeof(*c->ids))) == NULL)
				return 1;
			c->ids = ni;
			c->cap = ncap;
		}
		c->pfx[c->n] = *p;
		c->ids[c->n++] = r[i].path_id;
	}
	return 0;
}

uint32_t
source_withdraw_all(struct source *src)
{
	struct withdraw_ctx	c = { .src = src };
	uint32_t		n;
	size_t			i;

	if (src->rib_id == 0)
		return 0;
	for (i = 0; i < nflush_hooks; i++)
		flush_hooks[i].fn(src, 0, flush_hooks[i].arg);
	/* Subscribers need each route that goes; without any, one sweep does it. */
	if (nroute_hooks > 0)
		rib_source_walk(rib, src->rib_id, collect_route, &c);
	n = rib_source_withdraw_all(rib, src->rib_id);
	src->count.withdrawals += n;
	for (i = 0; i < c.n; i++)
		notify_route(src, &c.pfx[i], c.ids[i], NULL);
	free(c.pfx);
	free(c.ids);
	rib_reclaim(rib);
	return n;
}

uint32_t
source_routes(const struct source *src)
{
	struct rib_source_stats st;

	if (src->rib_id == 0 || rib_source_stats(rib, src->rib_id, &st) == -1)
		return 0;
	return st.routes;
}

static int
is_unicast(const struct bgp_nlri_set *s)
{
	return s->safi == BGP_SAFI_UNICAST &&
	    (s->afi == PREFIX_AF_IPV4 || s->afi == PREFIX_AF_IPV6);
}

static void
withdraw_set(struct source *src, const struct bgp_nlri_set *s)
{
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint32_t		id;

	if (s->count == 0 || !is_unicast(s))
		return;
	bgp_nlri_iter_init(&it, s);
	while (bgp_nlri_next(&it, &p, &id) == 1)
		source_withdraw(src, &p, id);
}

/* Interns the attributes with the next hop chosen by mp (see bgp_canon_encode). */
static struct rib_attrs *
intern(const struct bgp_attrs *a, int mp)
{
	unsigned plen = a->path_count > 255 ? 255 : a->path_count;

	wbuf_reset(&scratch);
	if (bgp_canon_encode(&scratch, a, mp) == -1)
		return NULL;
	return rib_attrs_intern(rib, scratch.buf, scratch.len, a->origin_as, (uint8_t)plen);
}

static void
install(struct source *src, const struct prefix *p, uint32_t path_id, struct rib_attrs *ra)
{
	uint8_t state = validator ? validator(p, ra, validator_arg) : 0;

	if (rib_route_update(rib, src->rib_id, path_id, p, ra, state) == RIB_OK) {
		src->count.announcements++;
		notify_state = state;
		notify_route(src, p, path_id, ra);
	}
}

static void
announce_set(struct source *src, const struct bgp_nlri_set *s, const struct bgp_attrs *a,
    int mp)
{
	struct bgp_nlri_iter	 it;
	struct rib_attrs	*ra;
	struct prefix		 p;
	uint32_t		 id;

	if (s->count == 0 || !is_unicast(s))
		return;
	if ((ra = intern(a, mp)) == NULL) {
		log_warnx("source %s: out of memory for an attribute set", src->name);
		return;
	}
	bgp_nlri_iter_init(&it, s);
	while (bgp_nlri_next(&it, &p, &id) == 1)
		install(src, &p, id, ra);
	rib_attrs_unref(rib, ra);
}

static void
note_error(struct source *src, const struct bgp_error *err)
{
	snprintf(src->last_error, sizeof(src->last_error), "%s: %s",
	    bgp_result_str((enum bgp_result)err->outcome), err->what ? err->what : "?");
}

enum bgp_result
source_apply_update(struct source *src, const uint8_t *body, size_t len,
    struct bgp_error *err)
{
	struct bgp_update	upd;
	enum bgp_result		r;

	r = bgp_update_decode(body, len, &src->sess, &upd, err);
	src->count.updates++;
	switch (r) {
	case BGP_ERR_SESSION_RESET:
		src->count.resets++;
		note_error(src, err);
		return r;
	case BGP_ERR_TREAT_AS_WITHDRAW:
		src->count.treat_as_withdraw++;
		note_error(src, err);
		withdraw_set(src, &upd.withdrawn);
		withdraw_set(src, &upd.mp_unreach);
		withdraw_set(src, &upd.nlri);
		withdraw_set(src, &upd.mp_reach);
		return r;
	case BGP_ERR_ATTR_DISCARD:
		src->count.attr_discards++;
		note_error(src, err);
		break;
	case BGP_OK:
		break;
	}
	if (upd.eor) {
		if (upd.eor_safi == BGP_SAFI_UNICAST && upd.eor_afi == PREFIX_AF_IPV4)
			source_eor(src, SOURCE_AF_IPV4);
		else if (upd.eor_safi == BGP_SAFI_UNICAST && upd.eor_afi == PREFIX_AF_IPV6)
			source_eor(src, SOURCE_AF_IPV6);
		return r;
	}
	withdraw_set(src, &upd.withdrawn);
	withdraw_set(src, &upd.mp_unreach);
	announce_set(src, &upd.nlri, &upd.attrs, 0);
	announce_set(src, &upd.mp_reach, &upd.attrs, 1);
	return r;
}

enum bgp_result
source_apply_route(struct source *src, const struct prefix *p, uint32_t path_id,
    const uint8_t *attrs, size_t len, unsigned flags, struct bgp_error *err)
{
	struct bgp_attrs	 a;
	struct rib_attrs	*ra;
	enum bgp_result		 r;

	r = bgp_attrs_decode(attrs, len, &src->sess, flags, &a, NULL, NULL, err);
	src->count.updates++;
	if (r == BGP_ERR_SESSION_RESET || r == BGP_ERR_TREAT_AS_WITHDRAW) {
		if (r == BGP_ERR_SESSION_RESET)
			src->count.resets++;
		else
			src->count.treat_as_withdraw++;
		note_error(src, err);
		source_withdraw(src, p, path_id);
		return r;
	}
	if (r == BGP_ERR_ATTR_DISCARD) {
		src->count.attr_discards++;
		note_error(src, err);
	}
	if ((ra = intern(&a, -1)) == NULL)
		return r;
	install(src, p, path_id, ra);
	rib_attrs_unref(rib, ra);
	return r;
}

void
source_set_validator(source_validate_fn fn, void *arg)
{
	validator = fn;
	validator_arg = arg;
}

int
source_subscribe_routes(source_route_fn fn, void *arg)
{
	if (nroute_hooks == SOURCE_MAX_HOOKS)
		return -1;
	route_hooks[nroute_hooks].fn = fn;
	route_hooks[nroute_hooks++].arg = arg;
	return 0;
}

int
source_subscribe_flush(source_flush_fn fn, void *arg)
{
	if (nflush_hooks == SOURCE_MAX_HOOKS)
		return -1;
	flush_hooks[nflush_hooks].fn = fn;
	flush_hooks[nflush_hooks++].arg = arg;
	return 0;
}

int
source_subscribe_state(source_state_fn fn, void *arg)
{
	if (nstate_hooks == SOURCE_MAX_HOOKS)
		return -1;
	state_hooks[nstate_hooks].fn = fn;
	state_hooks[nstate_hooks++].arg = arg;
	return 0;
}

void
source_unsubscribe_all(void)
{
	nroute_hooks = nstate_hooks = nflush_hooks = 0;
}
