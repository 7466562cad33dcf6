/*
 * The detection engine: the fast filter on every route change, the record of
 * what was asserted per (source, prefix), and the diff against the alert engine
 * (agent/alert.h). Rules are in detect_rules.c, indexes in detect_index.c;
 * semantics in agent/detect.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/detect_int.h"

enum alert_rule
detect_alert_rule(int r)
{
	static const uint8_t map[CONFIG_RULE_COUNT] = {
		[CONFIG_RULE_HIJACK] = ALERT_RULE_EXACT_PREFIX_HIJACK,
		[CONFIG_RULE_SUBPREFIX_HIJACK] = ALERT_RULE_SUBPREFIX_HIJACK,
		[CONFIG_RULE_SQUATTING] = ALERT_RULE_SQUATTING,
		[CONFIG_RULE_NEW_NEIGHBOR] = ALERT_RULE_NEW_NEIGHBOR,
		[CONFIG_RULE_NEW_PREFIX] = ALERT_RULE_NEW_PREFIX,
		[CONFIG_RULE_VISIBILITY] = ALERT_RULE_VISIBILITY_LOSS,
		[CONFIG_RULE_PEERING_VISIBILITY] = ALERT_RULE_PEERING_VISIBILITY_LOSS,
		[CONFIG_RULE_RPKI_INVALID] = ALERT_RULE_RPKI_INVALID,
		[CONFIG_RULE_RPKI_NOT_FOUND] = ALERT_RULE_RPKI_NOT_FOUND,
		[CONFIG_RULE_ROA_CHANGE] = 0,
		[CONFIG_RULE_RTR_HEALTH] = ALERT_RULE_RTR_HEALTH,
		[CONFIG_RULE_ROUTE_LEAK] = ALERT_RULE_ROUTE_LEAK,
		[CONFIG_RULE_PATH] = ALERT_RULE_AS_PATH,
		[CONFIG_RULE_BOGON] = ALERT_RULE_BOGON,
		[CONFIG_RULE_MOAS] = ALERT_RULE_MOAS,
		[CONFIG_RULE_SOURCE_DIFF] = ALERT_RULE_SOURCE_COMPARISON,
		[CONFIG_RULE_SESSION] = ALERT_RULE_SESSION_HEALTH,
	};

	return r >= 0 && r < CONFIG_RULE_COUNT ? (enum alert_rule)map[r] : ALERT_RULE_NONE;
}

static uint32_t
max_min_diff(const struct config *cfg, uint32_t ms)
{
	size_t i;

	for (i = 0; i < cfg->detection.ncompare; i++)
		if (cfg->detection.compare[i].min_diff * 1000 > ms)
			ms = cfg->detection.compare[i].min_diff * 1000;
	return ms;
}

void
detect_policies_apply(struct alert_engine *ae, const struct config *cfg)
{
	struct alert_policy	 pol;
	int			 r;

	for (r = 0; r < CONFIG_RULE_COUNT; r++) {
		const struct config_rule_cfg *rc = &cfg->detection.rules[r];
		enum alert_rule ar = detect_alert_rule(r);
		if (ar == ALERT_RULE_NONE)
			continue;
		alert_policy_default(ar, &pol);
		pol.enabled = rc->enabled != 0;
		if (r == CONFIG_RULE_RPKI_NOT_FOUND)	/* carries roa-change too */
			pol.enabled |= cfg->detection.rules[CONFIG_RULE_ROA_CHANGE].enabled != 0;
		pol.severity = (uint8_t)(rc->severity + 1);
		pol.min_sources = rc->min_sources ? rc->min_sources : 1;
		pol.raise_holddown = rc->raise_after * 1000;
		pol.clear_holddown = rc->clear_after * 1000;
		pol.repeat_interval = rc->repeat * 1000;
		if (cfg->alerts.group_window > rc->raise_after)
			pol.raise_holddown = cfg->alerts.group_window * 1000;
		if (r == CONFIG_RULE_SOURCE_DIFF)	/* a difference must last */
			pol.raise_holddown = max_min_diff(cfg, pol.raise_holddown);
		if (cfg->alerts.rate_limit) {
			pol.rate_per_min = cfg->alerts.rate_limit;
			pol.rate_burst = cfg->alerts.rate_limit;
		}
		alert_policy_set(ae, ar, &pol);
	}
}

static int	cmp_build(struct detect *);
static void	adj_forget(struct detect *, uint16_t);

/* --- the (source, prefix) record ------------------------------------------ */

static uint32_t
ent_hash(uint16_t src, const struct prefix *p)
{
	uint32_t	h = 2166136261u ^ src;
	unsigned	i, n = prefix_addrlen(p->af);

	for (i = 0; i < n; i++)
		h = (h ^ p->addr[i]) * 16777619u;
	h = (h ^ p->len) * 16777619u;
	return (h ^ p->af) * 16777619u;
}

static struct dent **
ent_slot(struct detect *d, uint16_t src, const struct prefix *p, uint32_t h)
{
	struct dent	**pp;
	uint32_t	  b = h & 0x3ffff;

	if (!dspace_has(d, p) || d->htsize == 0 || !(d->htbloom[b >> 3] & (1u << (b & 7))))
		return NULL;
	for (pp = &d->ht[h & (d->htsize - 1)]; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->src == src && prefix_eq(&(*pp)->pfx, p))
			return pp;
	return NULL;
}

static int
ht_grow(struct detect *d)
{
	size_t		 nsize = d->htsize ? d->htsize * 2 : 1024, i;
	struct dent	**nt, *e, *next;

	if ((nt = calloc(nsize, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < d->htsize; i++)
		for (e = d->ht[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nt[e->hash & (nsize - 1)];
			nt[e->hash & (nsize - 1)] = e;
		}
	free(d->ht);
	d->ht = nt;
	d->htsize = nsize;
	return 0;
}

/* Room for the records a config will have at least: one per monitored prefix
 * and source that carries it (grown once at load, not while ingesting). */
static void
ht_reserve(struct detect *d)
{
	size_t want = 2 * d->cfg->pfx.nprefixes;

	if (want > ((size_t)1 << 20))
		want = (size_t)1 << 20;
	while (d->htsize < want && ht_grow(d) == 0)
		;
}

static void
ht_clear(struct detect *d)
{
	struct dent	*e, *next;
	size_t		 i;

	for (i = 0; i < d->htsize; i++) {
		for (e = d->ht[i]; e != NULL; e = next) {
			next = e->next;
			free(e->adj);
			free(e->ups);
			free(e);
		}
		d->ht[i] = NULL;
	}
	d->htcount = 0;
	memset(d->htbloom, 0, sizeof(d->htbloom));	/* stale bits only cost a lookup */
	adj_forget(d, 0);
}

static uint32_t
alert_src(const struct detect *d, uint16_t src)
{
	if (src == 0 || d->params.source_id == NULL)
		return src;
	return d->params.source_id(src, d->params.arg);
}

/* Rule 7: count (src, x, y); at 0 the adjacency is lost for that source. */
static void
adj_count(struct detect *d, uint16_t src, uint32_t x, uint32_t y, int delta,
    uint64_t now)
{
	uint32_t		 h = (x * 2654435761u ^ y * 40503u ^ src) % DADJ_BUCKETS;
	struct dadj		*a;
	struct alert_key	 k;
	struct alert_evidence	 ev;
	char			 v[ALERT_VICTIM_MAX], descr[ALERT_TEXT_MAX];

	for (a = d->adjtab[h]; a != NULL; a = a->next)
		if (a->src == src && a->x == x && a->y == y)
			break;
	if (a == NULL) {
		if (delta < 0 || (a = calloc(1, sizeof(*a))) == NULL)
			return;
		a->src = src;
		a->x = x;
		a->y = y;
		a->next = d->adjtab[h];
		d->adjtab[h] = a;
		d->nadjrec++;
	}
	if (delta < 0 && a->count == 0)
		return;
	a->count += (uint32_t)delta;
	if (a->count > 1 || (a->count == 1 && delta < 0))
		return;
	snprintf(v, sizeof(v), "AS%u", x);
	alert_key_init(&k, ALERT_RULE_PEERING_VISIBILITY_LOSS, v, y, x, NULL);
	if (a->count == 1) {		/* seen (again) */
		alert_retract(d->ae, &k, alert_src(d, src), NULL, now);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	snprintf(descr, sizeof(descr), "adjacency AS%u-AS%u no longer seen", x, y);
	ev.description = descr;
	alert_assert(d->ae, &k, alert_src(d, src), NULL, &ev, now);
}

static int
adj_has(const uint32_t *v, unsigned n, uint32_t x, uint32_t y)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[2 * i] == x && v[2 * i + 1] == y)
			return 1;
	return 0;
}

static void
adj_diff(struct detect *d, uint16_t src, const struct dent *e, const struct dkeys *ks,
    uint64_t now)
{
	unsigned i, no = e ? e->nadj : 0;

	for (i = 0; i < no; i++)
		if (!adj_has(ks->adj, ks->nadj, e->adj[2 * i], e->adj[2 * i + 1]))
			adj_count(d, src, e->adj[2 * i], e->adj[2 * i + 1], -1, now);
	for (i = 0; i < ks->nadj; i++)
		if (e == NULL || !adj_has(e->adj, no, ks->adj[2 * i], ks->adj[2 * i + 1]))
			adj_count(d, src, ks->adj[2 * i], ks->adj[2 * i + 1], 1, now);
}

/* Frees the adjacency records of source src (all of them when src is 0). */
static void
adj_forget(struct detect *d, uint16_t src)
{
	struct dadj	*a, **pp;
	size_t		 i;

	for (i = 0; i < DADJ_BUCKETS; i++)
		for (pp = &d->adjtab[i]; (a = *pp) != NULL; ) {
			if (src != 0 && a->src != src) {
				pp = &a->next;
				continue;
			}
			*pp = a->next;
			free(a);
			d->nadjrec--;
		}
}

/* Make the alert engine agree with ks for (src, p); keep the record. */
static void
apply(struct detect *d, uint16_t src, const struct prefix *p, const struct dkeys *ks,
    uint64_t now)
{
	uint32_t		 h = ent_hash(src, p), sid = alert_src(d, src);
	struct dent		**pp = ent_slot(d, src, p, h), *e = pp ? *pp : NULL, *ne;
	struct alert_evidence	 ev;
	unsigned		 i, j;

	for (i = 0; e != NULL && i < e->nkeys; i++) {
		for (j = 0; j < ks->n; j++)
			if (memcmp(&e->keys[i], &ks->v[j].k, sizeof(e->keys[i])) == 0)
				break;
		if (j == ks->n)
			alert_retract(d->ae, &e->keys[i], sid, p, now);
	}
	for (j = 0; j < ks->n; j++) {
		memset(&ev, 0, sizeof(ev));
		ev.severity = ks->v[j].severity;
		ev.as_path = ks->v[j].path[0] ? ks->v[j].path : NULL;
		ev.matched = ks->v[j].matched[0] ? ks->v[j].matched : NULL;
		ev.description = ks->v[j].descr[0] ? ks->v[j].descr : NULL;
		alert_assert(d->ae, &ks->v[j].k, sid, p, &ev, now);
	}
	adj_diff(d, src, e, ks, now);
	if (e != NULL && e->nkeys == ks->n && e->nadj == ks->nadj && e->nups == ks->nups &&
	    (ks->n > 0 || ks->carried || ks->valid || ks->was_valid || ks->nadj > 0 ||
	    ks->nups > 0)) {
		/* the same shape as before (the common re-announcement): in place */
		e->flags = (ks->carried ? DENT_CARRIED : 0) |
		    (ks->valid || ks->was_valid ? DENT_VALID : 0);
		if (ks->nadj > 0)
			memcpy(e->adj, ks->adj, 2 * ks->nadj * sizeof(*e->adj));
		if (ks->nups > 0)
			memcpy(e->ups, ks->ups, ks->nups * sizeof(*e->ups));
		for (j = 0; j < ks->n; j++)
			e->keys[j] = ks->v[j].k;
		return;
	}
	if (e != NULL) {
		*pp = e->next;
		free(e->adj);
		free(e->ups);
		free(e);
		d->htcount--;
	}
	if (ks->n == 0 && !ks->carried && !ks->valid && !ks->was_valid && ks->nadj == 0 &&
	    ks->nups == 0)
		return;
	if (d->htcount >= d->htsize && ht_grow(d) == -1)
		return;
	if ((ne = malloc(sizeof(*ne) + ks->n * sizeof(ne->keys[0]))) == NULL)
		return;
	ne->hash = h;
	ne->src = src;
	ne->flags = (ks->carried ? DENT_CARRIED : 0) |
	    (ks->valid || ks->was_valid ? DENT_VALID : 0);
	ne->nkeys = (uint8_t)ks->n;
	ne->nadj = 0;
	ne->adj = NULL;
	if (ks->nadj > 0 && (ne->adj = malloc(2 * ks->nadj * sizeof(*ne->adj))) != NULL) {
		memcpy(ne->adj, ks->adj, 2 * ks->nadj * sizeof(*ne->adj));
		ne->nadj = (uint8_t)ks->nadj;
	}
	ne->nups = 0;
	ne->ups = NULL;
	if (ks->nups > 0 && (ne->ups = malloc(ks->nups * sizeof(*ne->ups))) != NULL) {
		memcpy(ne->ups, ks->ups, ks->nups * sizeof(*ne->ups));
		ne->nups = (uint8_t)ks->nups;
	}
	ne->pfx = *p;
	for (j = 0; j < ks->n; j++)
		ne->keys[j] = ks->v[j].k;
	d->htbloom[(h & 0x3ffff) >> 3] |= (uint8_t)(1u << (h & 7));
	dspace_mark_start(&d->space[p->af == PREFIX_AF_IPV6], p);
	ne->next = d->ht[h & (d->htsize - 1)];
	d->ht[h & (d->htsize - 1)] = ne;
	d->htcount++;
}

/* Rule 6: source src carries (or lost) the monitored prefix p exactly. */
static void
visibility(struct detect *d, uint16_t src, const struct prefix *p, const struct dpfx *e,
    int has, struct dkeys *ks)
{
	struct dent		**pp;
	struct dkey		*k;
	char			 v[PREFIX_STRLEN];
	int			 en;

	if (e == NULL || e->len != p->len || (e->cp->flags & CONFIG_PFX_IGNORE) ||
	    !d->cfg->detection.rules[CONFIG_RULE_VISIBILITY].enabled)
		return;
	en = d->params.rule_enabled ? d->params.rule_enabled(e->cp,
	    CONFIG_RULE_VISIBILITY) : !(e->cp->disabled_rules &
	    (1u << CONFIG_RULE_VISIBILITY));
	if (!en)
		return;
	if (has) {
		ks->carried = 1;
		return;
	}
	pp = ent_slot(d, src, p, ent_hash(src, p));
	if (pp == NULL || !((*pp)->flags & DENT_CARRIED))
		return;
	ks->carried = 1;	/* stays known as a source that carried it */
	prefix_fmt(p, v, sizeof(v));
	if ((k = dkeys_add(ks, ALERT_RULE_VISIBILITY_LOSS, v, 0, 0, NULL)) != NULL)
		snprintf(k->descr, sizeof(k->descr), "%s withdrawn", v);
}

static const struct rib_route *
first_of(const struct rib_route *r, unsigned n, uint16_t src)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r[i].source == src)
			return &r[i];
	return NULL;
}

static int
same_path(const struct rib_route *x, const struct rib_route *y)
{
	struct dpath a, b;

	if (dpath_load(x->attrs, &a) == -1 || dpath_load(y->attrs, &b) == -1)
		return 1;
	return a.n == b.n && memcmp(a.as, b.as, a.n * sizeof(a.as[0])) == 0;
}

/* Rule 15 for the pairs whose first source is src: missing on one side, or
 * a different AS path (the first route of each side). */
static void
compare(struct detect *d, uint16_t src, const struct prefix *p,
    const struct rib_route *r, unsigned n, struct dkeys *ks)
{
	const struct rib_route	*ra, *rb;
	const char		*what;
	char			 v[ALERT_VICTIM_MAX], disc[ALERT_DISC_MAX];
	struct dkey		*k;
	size_t			 i;

	if (!d->cfg->detection.rules[CONFIG_RULE_SOURCE_DIFF].enabled)
		return;
	for (i = 0; i < d->cfg->detection.ncompare; i++) {
		const struct config_compare *c = &d->cfg->detection.compare[i];
		if (d->cmp[2 * i] != src || d->cmp[2 * i + 1] == 0)
			continue;
		ra = first_of(r, n, src);
		rb = first_of(r, n, d->cmp[2 * i + 1]);
		if (ra == NULL && rb == NULL)
			continue;
		if (ra != NULL && rb != NULL && same_path(ra, rb))
			continue;
		what = ra == NULL ? c->a : rb == NULL ? c->b : NULL;
		snprintf(v, sizeof(v), "%s/%s", c->a, c->b);
		snprintf(disc, sizeof(disc), "%s", what ? "missing" : "path");
		if ((k = dkeys_add(ks, ALERT_RULE_SOURCE_COMPARISON, v, 0, 0, disc)))
			snprintf(k->descr, sizeof(k->descr), what ? "missing from %s" :
			    "different AS paths in %s and %s", what ? what : c->a, c->b);
	}
}

/* Re-evaluate the pair partners (first sources) of src for p. */
static void process_src(struct detect *, uint16_t, const struct prefix *,
    const struct dpfx *, const struct rib_route *, unsigned, uint64_t);

static void
compare_partners(struct detect *d, uint16_t src, const struct prefix *p,
    const struct dpfx *me, const struct rib_route *r, unsigned n, uint64_t now)
{
	size_t i;

	for (i = 0; d->cmp != NULL && i < d->cfg->detection.ncompare; i++)
		if (d->cmp[2 * i + 1] == src && d->cmp[2 * i] != 0 &&
		    d->cmp[2 * i] != src)
			process_src(d, d->cmp[2 * i], p, me, r, n, now);
}

static int
compared(const struct detect *d, uint16_t src)
{
	size_t i;

	for (i = 0; d->cmp != NULL && i < 2 * d->cfg->detection.ncompare; i++)
		if (d->cmp[i] == src)
			return 1;
	return 0;
}

/* Evaluate source src's routes among r[0..n) for p (me: dindex_mon(d, p)) and apply. */
static void
process_src(struct detect *d, uint16_t src, const struct prefix *p, const struct dpfx *me,
    const struct rib_route *r, unsigned n, uint64_t now)
{
	struct dent	**pp = ent_slot(d, src, p, ent_hash(src, p));
	struct dkeys	  ks;
	unsigned	  i;
	int		  has = 0;

	ks.n = 0;
	ks.nadj = 0;
	ks.carried = 0;
	ks.valid = 0;
	ks.was_valid = pp != NULL && ((*pp)->flags & DENT_VALID);
	ks.nups = 0;
	d->cnt.evaluated++;
	for (i = 0; i < n; i++)
		if (r[i].source == src) {
			has = 1;
			drules_route(d, src, p, me, &r[i], &ks);
		}
	if (!has)
		ks.was_valid = 0;	/* withdrawn: a later not-found is no change */
	visibility(d, src, p, me, has, &ks);
	if (d->cmp != NULL)
		compare(d, src, p, r, n, &ks);
	apply(d, src, p, &ks, now);
}

/* The monitored prefix p exactly, when it is followed per upstream (rule 6). */
static const struct dpfx *
ups_entry(const struct detect *d, const struct prefix *p)
{
	const struct dpfx	*e;
	int			 en;

	if (!d->cfg->detection.rules[CONFIG_RULE_VISIBILITY].enabled ||
	    (e = dindex_mon(d, p)) == NULL || !e->ups || e->len != p->len ||
	    (e->cp->flags & CONFIG_PFX_IGNORE))
		return NULL;
	en = d->params.rule_enabled ? d->params.rule_enabled(e->cp,
	    CONFIG_RULE_VISIBILITY) : !(e->cp->disabled_rules &
	    (1u << CONFIG_RULE_VISIBILITY));
	return en ? e : NULL;
}

/* Prefix-wide rules (source 0): MOAS, per-upstream visibility. */
static void
process_prefix(struct detect *d, const struct prefix *p, const struct rib_route *r,
    unsigned n, int moas, uint64_t now)
{
	const struct dpfx	*u = ups_entry(d, p);
	struct dent		**pp;
	struct dkeys		  ks;

	ks.n = 0;
	ks.carried = 0;
	ks.valid = ks.was_valid = 0;
	ks.nadj = 0;
	ks.nups = 0;
	if (moas && (d->params.moas_all ||
	    dindex_lpm(&d->mon[p->af == PREFIX_AF_IPV6], p)))
		drules_moas(d, p, r, n, &ks);
	if (u != NULL) {
		pp = ent_slot(d, 0, p, ent_hash(0, p));
		drules_upstreams(d, p, u->cp, r, n, pp ? (*pp)->ups : NULL,
		    pp ? (*pp)->nups : 0, &ks);
	}
	apply(d, 0, p, &ks, now);
}

/* Do routes r[0..n) have two origins (as drules_moas counts them)? */
static int
moas_candidate(const struct detect *d, const struct rib_route *r, unsigned n)
{
	uint32_t	o = 0, x;
	unsigned	i;

	for (i = 0; n >= 2 && i < n; i++) {
		if ((x = dorigin(d, &r[i])) == 0)
			continue;
		if (o == 0)
			o = x;
		else if (x != o)
			return 1;
	}
	return 0;
}

/* Could (src, p, a) assert anything? The common case answers no here. inspace:
 * dspace_has(d, p), me: dindex_mon(d, p), state: the route's (RIB_STATE()) or
 * DETECT_STATE_UNKNOWN. */
static int
relevant(struct detect *d, uint16_t src, const struct prefix *p, const struct rib_attrs *a,
    int inspace, const struct dpfx *me, unsigned state)
{
	const struct prefix	*x;
	uint32_t		 h;

	if (me != NULL)
		return 1;
	if (inspace && dindex_bogon(d, p, &x) != NULL)
		return 1;
	/* an UPDATE carries several prefixes with one attribute set: remember the
	 * answer for the last one (pointer and hash: a freed set's address reused) */
	h = rib_attrs_hash(a);
	if (a != d->last_a || h != d->last_hash) {
		d->last_a = a;
		d->last_hash = h;
		d->last_rel = dmon_as(d, rib_attrs_origin_as(a)) ||
		    (dpath_facts(d, a) & (PF_BOGON_AS | PF_REL | PF_MON | PF_OTC |
		    PF_MONAS)) != 0;
	}
	if (d->last_rel)
		return 1;
	/* a monitored session asserts rule 8 only: for an RPKI-invalid route (a
	 * record left by an earlier one is found by the caller) */
	if (d->src != NULL && d->src[src] != NULL && d->src[src]->monitored &&
	    (state == DETECT_STATE_UNKNOWN ||
	    RIB_STATE_RPKI((uint8_t)state) == RIB_RPKI_INVALID))
		return 1;
	return compared(d, src);
}

/* All of p's routes into d->routes (every source must be judged); the count. */
static int
lookup(struct detect *d, const struct prefix *p)
{
	return rib_lookup_exact_all(d->rib, p, &d->routes, &d->caproutes);
}

/*
 * The common route ends here after one test of the space filter (not inside a
 * monitored prefix, a bogon block or a recorded prefix) and, once per
 * attribute set, the set's facts.
 */
void
detect_route(struct detect *d, uint16_t src, const struct prefix *p,
    const struct rib_attrs *a, uint64_t now)
{
	detect_route_state(d, src, p, a, DETECT_STATE_UNKNOWN, now);
}

void
detect_route_state(struct detect *d, uint16_t src, const struct prefix *p,
    const struct rib_attrs *a, unsigned state, uint64_t now)
{
	const struct dpfx	*me = NULL;
	int			 n = -1, moas, ups, in = dspace_has(d, p);

	d->cnt.routes++;
	/* one monitored-prefix lookup per route serves every question below */
	if (in && (me = dindex_lpm(&d->mon[p->af == PREFIX_AF_IPV6], p)) != NULL) {
		/* the rules read its config and the record: start both loads now,
		 * the RIB lookup below runs meanwhile */
		__builtin_prefetch(me->cp);
		__builtin_prefetch(&d->ht[ent_hash(src, p) & (d->htsize - 1)]);
	}
	if ((a != NULL && relevant(d, src, p, a, in, me, state)) ||
	    (a == NULL && compared(d, src)) ||
	    (in && ent_slot(d, src, p, ent_hash(src, p)) != NULL)) {
		n = lookup(d, p);
		process_src(d, src, p, me, d->routes, (unsigned)n, now);
		compare_partners(d, src, p, me, d->routes, (unsigned)n, now);
	}
	if (!(d->srcseen[src >> 3] & (1u << (src & 7)))) {
		d->srcseen[src >> 3] |= (uint8_t)(1u << (src & 7));
		d->nsrcseen++;
	}
	/* MOAS needs two sources: a single feed never looks its prefixes up */
	ups = me != NULL && me->ups && me->len == p->len && ups_entry(d, p) != NULL;
	if (!ups && !(d->moas_enabled && d->nsrcseen >= 2))
		return;
	moas = in && ent_slot(d, 0, p, ent_hash(0, p)) != NULL;
	if (!moas && !ups && a == NULL)
		return;
	if (n < 0)
		n = lookup(d, p);
	if (ups || moas || moas_candidate(d, d->routes, (unsigned)n))
		process_prefix(d, p, d->routes, (unsigned)n,
		    d->moas_enabled && d->nsrcseen >= 2, now);
}

struct walkarg {
	struct detect	*d;
	uint64_t	 now;
	unsigned	 visited;
};

static int
walk_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct walkarg		*w = arg;
	const struct dpfx	*me = dindex_mon(w->d, p);
	unsigned		 i, j;
	int			 moas;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && r[j].source != r[i].source; j++)
			;
		if (j < i)
			continue;	/* source seen already */
		if (relevant(w->d, r[i].source, p, r[i].attrs, dspace_has(w->d, p), me,
		    r[i].state) ||
		    ent_slot(w->d, r[i].source, p, ent_hash(r[i].source, p)) != NULL)
			process_src(w->d, r[i].source, p, me, r, n, w->now);
	}
	for (i = 0; w->d->cmp != NULL && i < w->d->cfg->detection.ncompare; i++)
		if (w->d->cmp[2 * i] != 0 && first_of(r, n, w->d->cmp[2 * i]) == NULL &&
		    first_of(r, n, w->d->cmp[2 * i + 1]) != NULL)
			process_src(w->d, w->d->cmp[2 * i], p, me, r, n, w->now);
	moas = w->d->cfg->detection.rules[CONFIG_RULE_MOAS].enabled;
	if ((moas && (moas_candidate(w->d, r, n) || ent_slot(w->d, 0, p, ent_hash(0, p)) !=
	    NULL)) || ups_entry(w->d, p) != NULL)
		process_prefix(w->d, p, r, n, moas, w->now);
	return 0;
}

void
detect_rescan(struct detect *d, const struct prefix *root, uint64_t now)
{
	struct walkarg w = { d, now, 0 };

	rib_walk_more_specifics(d->rib, root, walk_cb, &w);
}

/* --- the rescan after a reload, in slices ----------------------------------- */

#define SPLIT_LEN4	12	/* shorter roots are split before they are walked */
#define SPLIT_LEN6	24

static int
any_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	(void)p;
	(void)r;
	(void)n;
	(void)arg;
	return 1;
}

static int
work_push(struct detect *d, const struct prefix *p)
{
	struct prefix *nw;

	if (d->nwork == d->capwork) {
		size_t nc = d->capwork ? d->capwork * 2 : 64;
		if ((nw = realloc(d->work, nc * sizeof(*nw))) == NULL)
			return -1;
		d->work = nw;
		d->capwork = nc;
	}
	d->work[d->nwork++] = *p;
	return 0;
}

/* One root of the rescan: a short one is its own prefix and two halves pushed
 * back (skipped when empty), so no single walk is long; counts prefixes seen. */
static int
count_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct walkarg *w = arg;

	w->visited++;
	return walk_cb(p, r, n, w);
}

static int
rescan_root(struct detect *d, const struct prefix *root, struct walkarg *w)
{
	unsigned	split = root->af == PREFIX_AF_IPV4 ? SPLIT_LEN4 : SPLIT_LEN6;
	struct prefix	half;
	int		n, i;

	if (root->len >= split)
		return rib_walk_more_specifics(d->rib, root, count_cb, w) < 0 ? -1 : 0;
	if (rib_walk_more_specifics(d->rib, root, any_cb, NULL) == 0)
		return 0;			/* nothing under it */
	n = lookup(d, root);
	if (n > 0)
		count_cb(root, d->routes, (unsigned)n, w);
	for (i = 1; i >= 0; i--) {	/* popped from the end: address order */
		half = *root;
		half.len++;
		if (i == 1)
			half.addr[root->len / 8] |= (uint8_t)(0x80 >> (root->len % 8));
		if (work_push(d, &half) == -1)
			return -1;
	}
	return 0;
}

int
detect_reload_begin(struct detect *d, const struct config *cfg, uint64_t now)
{
	uint32_t	mask = ~(1u << ALERT_RULE_RTR_HEALTH | 1u << ALERT_RULE_SESSION_HEALTH |
			    1u << ALERT_RULE_TEST | 1u << ALERT_RULE_RPKI_NOT_FOUND);
	struct prefix	all;
	int		rc;

	(void)now;
	d->cfg = cfg;
	rc = dindex_build(d);
	if (rc == 0)
		rc = cmp_build(d);
	ht_clear(d);
	ht_reserve(d);
	alert_reconcile_begin(d->ae, mask & ~1u);	/* a rescan in progress restarts */
	d->nwork = 0;
	d->reloading = 1;
	if (rc == 0) {
		memset(&all, 0, sizeof(all));
		all.af = PREFIX_AF_IPV6;
		if (work_push(d, &all) == -1)
			rc = -1;
		all.af = PREFIX_AF_IPV4;
		if (rc == 0 && work_push(d, &all) == -1)
			rc = -1;
	}
	if (rc == -1)
		d->nwork = 0;	/* nothing re-asserted: the step ends it at once */
	return rc;
}

int
detect_reload_step(struct detect *d, unsigned budget, uint64_t now)
{
	struct walkarg	w = { d, now, 0 };
	struct prefix	root;

	if (!d->reloading)
		return 0;
	while (d->nwork > 0 && (budget == 0 || w.visited < budget)) {
		root = d->work[--d->nwork];
		if (rescan_root(d, &root, &w) == -1) {
			d->nwork = 0;	/* out of memory: end with what was seen */
			break;
		}
	}
	if (d->nwork > 0)
		return 1;
	d->reloading = 0;
	alert_reconcile_end(d->ae, ALERT_REASON_CONFIG, now);
	return 0;
}

int
detect_reload(struct detect *d, const struct config *cfg, uint64_t now)
{
	int rc = detect_reload_begin(d, cfg, now);

	detect_reload_step(d, 0, now);
	return rc;
}

/* Which compare pairs name RIB source src (by its name)? */
static void
cmp_resolve(struct detect *d, uint16_t src)
{
	const struct config_detection	*cd = &d->cfg->detection;
	size_t				 i;

	if (d->cmp == NULL || d->src == NULL || d->src[src] == NULL)
		return;
	/* an id freed by a removed source names another one when reused */
	for (i = 0; i < cd->ncompare; i++) {
		if (strcmp(cd->compare[i].a, d->src[src]->name) == 0)
			d->cmp[2 * i] = src;
		else if (d->cmp[2 * i] == src)
			d->cmp[2 * i] = 0;
		if (strcmp(cd->compare[i].b, d->src[src]->name) == 0)
			d->cmp[2 * i + 1] = src;
		else if (d->cmp[2 * i + 1] == src)
			d->cmp[2 * i + 1] = 0;
	}
}

static int
cmp_build(struct detect *d)
{
	size_t i;

	free(d->cmp);
	d->cmp = NULL;
	if (d->cfg->detection.ncompare == 0)
		return 0;
	if ((d->cmp = calloc(2 * d->cfg->detection.ncompare, sizeof(*d->cmp))) == NULL)
		return -1;
	for (i = 1; d->src != NULL && i < 65536; i++)
		cmp_resolve(d, (uint16_t)i);
	return 0;
}

int
detect_source_set(struct detect *d, uint16_t src, int role, uint32_t peer_as,
    const char *name, int monitored)
{
	struct dsrc *s;

	if (d->src == NULL && (d->src = calloc(65536, sizeof(*d->src))) == NULL)
		return -1;
	if ((s = d->src[src]) == NULL && (s = d->src[src] = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->role = role;
	s->peer_as = peer_as;
	s->monitored = monitored;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	cmp_resolve(d, src);
	return 0;
}

void
detect_source_state(struct detect *d, uint32_t source_id, const char *name, int up,
    const char *reason, uint64_t now)
{
	struct alert_key	k;
	struct alert_evidence	ev;

	alert_key_init(&k, ALERT_RULE_SESSION_HEALTH, name, 0, 0, NULL);
	if (up) {
		alert_retract(d->ae, &k, source_id, NULL, now);
		return;
	}
	if (!d->cfg->detection.rules[CONFIG_RULE_SESSION].enabled)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.description = reason;
	alert_assert(d->ae, &k, source_id, NULL, &ev, now);
}

void
detect_rtr_health(struct detect *d, const char *cache, const char *what, int bad,
    const char *detail, uint64_t now)
{
	struct alert_key	k;
	struct alert_evidence	ev;

	alert_key_init(&k, ALERT_RULE_RTR_HEALTH, cache, 0, 0, what);
	if (!bad) {
		alert_retract(d->ae, &k, 0, NULL, now);
		return;
	}
	if (!d->cfg->detection.rules[CONFIG_RULE_RTR_HEALTH].enabled)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.description = detail;
	alert_assert(d->ae, &k, 0, NULL, &ev, now);
}

void
detect_source_flush(struct detect *d, uint16_t src, uint64_t now)
{
	alert_retract_source(d->ae, alert_src(d, src), 1u << ALERT_RULE_SESSION_HEALTH,
	    now);
}

void
detect_source_gone(struct detect *d, uint16_t src, uint64_t now)
{
	struct dent	*e, **pp;
	struct dkeys	 none;
	size_t		 i;

	none.n = 0;
	none.carried = 0;
	none.valid = none.was_valid = 0;
	none.nadj = 0;
	none.nups = 0;
	/* what it still asserts (a visibility it lost, its session-health) goes
	 * with it: its alerts clear as source-gone */
	alert_retract_source(d->ae, alert_src(d, src), 0, now);
	for (i = 0; i < d->htsize; i++)
		for (pp = &d->ht[i]; (e = *pp) != NULL; ) {
			if (e->src != src) {
				pp = &e->next;
				continue;
			}
			apply(d, src, &e->pfx, &none, now);	/* unlinks and frees e */
		}
	adj_forget(d, src);	/* its counts are 0 now: records for nothing */
	if (d->src != NULL) {
		free(d->src[src]);
		d->src[src] = NULL;
	}
	for (i = 0; d->cmp != NULL && i < 2 * d->cfg->detection.ncompare; i++)
		if (d->cmp[i] == src)
			d->cmp[i] = 0;
}

struct detect *
detect_new(struct rib *rib, struct alert_engine *ae, const struct config *cfg,
    const struct detect_params *params)
{
	struct detect *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->rib = rib;
	d->ae = ae;
	d->cfg = cfg;
	if (params != NULL)
		d->params = *params;
	dspace_init(&d->space[0], 8, 65536);	/* /24s: 32 B a /16 */
	dspace_init(&d->space[1], 16, 1024);	/* /32s: 8 KB a /16, 8 MB at most */
	if ((d->pf = calloc((size_t)1 << DPF_BITS, sizeof(*d->pf))) == NULL ||
	    ht_grow(d) == -1 || dindex_build(d) == -1 || cmp_build(d) == -1) {
		detect_free(d);
		return NULL;
	}
	ht_reserve(d);
	return d;
}

void
detect_free(struct detect *d)
{
	size_t i;

	if (d == NULL)
		return;
	dindex_free(d);
	dspace_free(&d->space[0]);
	dspace_free(&d->space[1]);
	ht_clear(d);
	free(d->ht);
	free(d->pf);
	free(d->cmp);
	free(d->work);
	free(d->routes);
	if (d->src != NULL)
		for (i = 0; i < 65536; i++)
			free(d->src[i]);
	free(d->src);
	free(d);
}

void
detect_counters_get(const struct detect *d, struct detect_counters *c)
{
	*c = d->cnt;
	c->tracked = (uint32_t)d->htcount;
	c->adjacencies = d->nadjrec;
}
