/*
 * The detection rules proper (see agent/detect.h for each rule's semantics):
 * reading the AS path out of a canonical attribute blob (bgp/bgp.h), the
 * per-attribute-set path facts, and the evaluation of one route into the set of
 * alert keys it supports. RFC 7908 (leak types), RFC 9234 (OTC), RFC 1997
 * (NO_EXPORT), RFC 6811 (ROV state as cached in the RIB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/detect_int.h"
#include "bgp/bgp.h"

#define COMM_NO_EXPORT	0xFFFFFF01u
#define SEV(c)		((uint8_t)((c) + 1))	/* enum config_severity -> alert */

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The attributes a path needs, read in place from the canonical blob (bgp.h:
 * version, next hop, then wire-form attributes; AS_PATH always 4-octet): no
 * full decode of every attribute for each evaluated route.
 */
static int
blob_scan(const struct rib_attrs *a, struct dpath *dp, const uint8_t **aspath,
    size_t *aslen)
{
	const uint8_t	*blob, *v;
	size_t		 len, i, hl, vl, k;

	blob = rib_attrs_blob(a, &len);
	if (blob == NULL || len < 2 || blob[0] != BGP_CANON_VERSION ||
	    (blob[1] != 0 && blob[1] != 4 && blob[1] != 16 && blob[1] != 32) ||
	    (size_t)blob[1] + 2 > len)
		return -1;
	for (i = 2 + (size_t)blob[1]; i < len; i += hl + vl) {
		hl = (blob[i] & BGP_ATTR_F_EXTLEN) ? 4 : 3;
		if (len - i < hl)
			return -1;
		vl = hl == 4 ? (size_t)blob[i + 2] << 8 | blob[i + 3] : blob[i + 2];
		if (len - i - hl < vl)
			return -1;
		v = blob + i + hl;
		switch (blob[i + 1]) {
		case BGP_ATTR_AS_PATH:
			*aspath = v;
			*aslen = vl;
			break;
		case BGP_ATTR_COMMUNITIES:
			for (k = 0; k + 4 <= vl; k += 4)
				if (get32(v + k) == COMM_NO_EXPORT)
					dp->no_export = 1;
			break;
		case BGP_ATTR_OTC:
			if (vl == 4) {
				dp->has_otc = 1;
				dp->otc = get32(v);
			}
			break;
		}
	}
	return 0;
}

int
dpath_load(const struct rib_attrs *a, struct dpath *dp)
{
	struct bgp_aspath_iter	 it;
	const uint8_t		*aspath = NULL;
	size_t			 aslen = 0;
	uint8_t			 st;
	uint32_t		 asn, run = 0;

	/* the arrays are read only up to their counts: zero the scalars alone (a
	 * memset of the 2 KB struct per path-facts miss showed in the profile) */
	dp->n = dp->nc = dp->nset = 0;
	dp->origin_set = dp->has_otc = dp->no_export = 0;
	dp->origin = dp->otc = dp->max_repeat_as = 0;
	dp->max_repeat = 0;
	if (blob_scan(a, dp, &aspath, &aslen) == -1)
		return -1;
	bgp_aspath_iter_raw(&it, aspath, aslen, 1);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		if (st == BGP_SEG_CONFED_SEQUENCE || st == BGP_SEG_CONFED_SET)
			continue;
		if (dp->n < DPATH_MAX) {
			dp->set_pos[dp->n] = st == BGP_SEG_SET;
			dp->as[dp->n++] = asn;
		}
		if (st == BGP_SEG_SET) {
			if (it.new_seg)
				dp->nset = 0;
			if (dp->nset < DSET_MAX)
				dp->set[dp->nset++] = asn;
			dp->origin_set = 1;
			dp->origin = asn;
			run = 0;
			continue;
		}
		dp->origin_set = 0;
		dp->origin = asn;
		if (dp->nc > 0 && dp->cas[dp->nc - 1] == asn)
			run++;
		else {
			run = 1;
			if (dp->nc < DPATH_MAX)
				dp->cas[dp->nc++] = asn;
		}
		if (run > dp->max_repeat) {
			dp->max_repeat = run;
			dp->max_repeat_as = asn;
		}
	}
	if (!dp->origin_set)
		dp->nset = 0;
	return 0;
}

/* Could asn be a built-in bogon (agent/bogon.c's ranges, widened)? */
static int
bogon_as_maybe(uint32_t asn)
{
	return asn == 0 || asn == 23456 || (asn >= 64496 && asn <= 131071) ||
	    asn >= 4200000000u;
}

static int
bogon_as(const struct detect *d, uint32_t asn)
{
	return (d->cfg->detection.bogons.asns && bogon_asn(asn) != NULL) ||
	    dasn_in(d->bogas, d->nbogas, asn);
}

/* The facts one AS of a path contributes (most ASes: none, without a search). */
static uint8_t
as_facts(const struct detect *d, uint32_t asn)
{
	uint8_t f = 0;

	if (!dmon_as_maybe(d, asn) && !bogon_as_maybe(asn))
		return 0;
	if (bogon_as(d, asn))
		f |= PF_BOGON_AS;
	if (d->nrelas && dasn_in(d->relas, d->nrelas, asn))
		f |= PF_REL;
	if (d->npathas && dasn_in(d->pathas, d->npathas, asn))
		f |= PF_MON;
	if (dmon_as(d, asn))
		f |= PF_MONAS;
	return f;
}

/*
 * The facts of one AS path in wire form (4-octet ASes, as in the canonical blob),
 * read in place: this runs once per new attribute set of a full feed, so it is
 * a plain loop rather than the general iterator. Confederation segments are
 * skipped; an empty or truncated segment ends the path (as bgp_aspath_next).
 */
static uint8_t
aspath_facts(const struct detect *d, const uint8_t *p, size_t len)
{
	size_t		 i = 0, end;
	uint8_t		 f = 0;
	int		 confed;

	while (len - i >= 2 && p[i + 1] != 0) {
		confed = p[i] == BGP_SEG_CONFED_SEQUENCE || p[i] == BGP_SEG_CONFED_SET;
		end = i + 2 + 4 * (size_t)p[i + 1];
		for (i += 2; i + 4 <= end && i + 4 <= len; i += 4)
			if (!confed)
				f |= as_facts(d, (uint32_t)p[i] << 24 |
				    (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 |
				    p[i + 3]);
		if (i != end)
			break;		/* truncated */
	}
	return f;
}

/*
 * Path facts of an attribute set, cached by its content hash (the facts depend
 * on the content only) plus a few address bits against the rare equal hash of
 * different content. In a full feed most sets are seen once: the cache is small
 * (it stays in the L1/L2 cache and serves the sets seen again soon), and a miss
 * reads only AS_PATH and OTC from the canonical blob (see bgp.h), in place.
 */
uint8_t
dpath_facts(const struct detect *d, const struct rib_attrs *a)
{
	struct dpf		*e;
	const uint8_t		*blob;
	size_t			 len, i, hl, vl;
	uint32_t		 h = rib_attrs_hash(a);
	uint16_t		 pchk = (uint16_t)((uintptr_t)a >> 4);
	uint8_t			 f = PF_VALID;

	e = &d->pf[(h ^ (h >> DPF_BITS)) & ((1u << DPF_BITS) - 1)];
	if (e->hash == h && e->pchk == pchk && e->flags)
		return e->flags;
	blob = rib_attrs_blob(a, &len);
	if (blob == NULL || len < 2 || blob[0] != BGP_CANON_VERSION ||
	    (size_t)blob[1] + 2 > len)
		return PF_VALID;
	/* attributes: flags, type, length (2 octets with extended length), value */
	for (i = 2 + (size_t)blob[1]; i < len; i += hl + vl) {
		hl = (blob[i] & BGP_ATTR_F_EXTLEN) ? 4 : 3;
		if (len - i < hl)
			return PF_VALID;
		vl = hl == 4 ? (size_t)blob[i + 2] << 8 | blob[i + 3] : blob[i + 2];
		if (len - i - hl < vl)
			return PF_VALID;
		if (blob[i + 1] == BGP_ATTR_AS_PATH)
			f |= aspath_facts(d, blob + i + hl, vl);
		else if (blob[i + 1] == BGP_ATTR_OTC)
			f |= PF_OTC;
	}
	e->pchk = pchk;
	e->hash = h;
	e->flags = f;
	return f;
}

struct dkey *
dkeys_add(struct dkeys *ks, enum alert_rule rule, const char *victim, uint32_t offender,
    uint32_t offender2, const char *disc)
{
	struct alert_key	 k;
	unsigned		 i;

	alert_key_init(&k, rule, victim, offender, offender2, disc);
	for (i = 0; i < ks->n; i++)
		if (memcmp(&ks->v[i].k, &k, sizeof(k)) == 0)
			return NULL;
	if (ks->n == DKEYS_MAX)
		return NULL;
	memset(&ks->v[ks->n], 0, sizeof(ks->v[0]));
	ks->v[ks->n].k = k;
	return &ks->v[ks->n++];
}

/* Appends the decimal of v at buf[o] (NUL-terminated) if it fits in len. */
static size_t
put_u32(char *buf, size_t o, size_t len, uint32_t v)
{
	char	 t[10];
	size_t	 n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0 && o + 1 < len)	/* as snprintf: what fits */
		buf[o++] = t[--n];
	buf[o] = '\0';
	return n > 0 ? len : o;
}

static size_t
put_c(char *buf, size_t o, size_t len, char ch)
{
	if (o + 1 >= len)
		return len;	/* buf[o] is the NUL already */
	buf[o++] = ch;
	buf[o] = '\0';
	return o;
}

/* Rendering "1,2,{3,4}" (see detect.h); returns the BGPalerter path length.
 * Written by hand: a key per monitored route renders it (snprintf showed). */
static unsigned
path_text(const struct dpath *dp, char *buf, size_t len)
{
	size_t		 o = 0;
	unsigned	 i, plen = 0;

	buf[0] = '\0';
	for (i = 0; i < dp->n && o < len; i++) {
		int open = dp->set_pos[i] && (i == 0 || !dp->set_pos[i - 1]);
		int close = dp->set_pos[i] && (i + 1 == dp->n || !dp->set_pos[i + 1]);
		if (i)
			o = put_c(buf, o, len, ',');
		if (open && o < len)
			o = put_c(buf, o, len, '{');
		if (o < len)
			o = put_u32(buf, o, len, dp->as[i]);
		if (close && o < len)
			o = put_c(buf, o, len, '}');
		if (!dp->set_pos[i] || open)
			plen++;
	}
	if (o >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return plen;
}

struct rctx {
	struct detect		*d;
	const struct prefix	*p;
	const struct config_prefix *m;
	const struct rib_route	*r;
	struct dpath		 dp;
	struct dkeys		*ks;
	char			 ptxt[ALERT_PATH_MAX];	/* rendered on first use: path() */
	unsigned		 plen;
	int			 has_ptxt;
	const char		*mtxt;		/* m's prefix as text */
	char			 mbuf[PREFIX_STRLEN];
};

/* The path as text (and plen), rendered only when a rule needs it: most routes never do. */
static const char *
path(struct rctx *c)
{
	if (!c->has_ptxt) {
		c->plen = path_text(&c->dp, c->ptxt, sizeof(c->ptxt));
		c->has_ptxt = 1;
	}
	return c->ptxt;
}

static int
enabled(const struct rctx *c, int rule)
{
	const struct config_prefix *m = c->m;

	if (!c->d->cfg->detection.rules[rule].enabled)
		return 0;
	if (m == NULL)
		return 1;
	if (c->d->params.rule_enabled != NULL)
		return c->d->params.rule_enabled(m, rule);
	return !(m->flags & CONFIG_PFX_IGNORE) && !(m->disabled_rules & (1u << rule));
}

static struct dkey *
add(struct rctx *c, enum alert_rule rule, const char *victim, uint32_t off, uint32_t off2,
    const char *disc)
{
	struct dkey *k;

	if ((k = dkeys_add(c->ks, rule, victim, off, off2, disc)) == NULL)
		return NULL;
	snprintf(k->path, sizeof(k->path), "%s", path(c));
	if (c->m != NULL) {
		if (c->m->severity >= 0)
			k->severity = SEV(c->m->severity);
		snprintf(k->matched, sizeof(k->matched), "%s%s%s", c->mtxt,
		    c->m->description ? " " : "", c->m->description ? c->m->description : "");
	}
	return k;
}

static int
origin_allowed(const struct rctx *c)
{
	unsigned i;

	if (!c->dp.origin_set)
		return dasn_in(c->m->asns, c->m->nasns, c->dp.origin);
	for (i = 0; i < c->dp.nset; i++)
		if (!dasn_in(c->m->asns, c->m->nasns, c->dp.set[i]))
			return 0;
	return c->dp.nset > 0;
}

/* The AS_SET member to blame (the first one not allowed), else the origin. */
static uint32_t
origin_blamed(const struct rctx *c)
{
	unsigned i;

	for (i = 0; c->dp.origin_set && i < c->dp.nset; i++)
		if (!dasn_in(c->m->asns, c->m->nasns, c->dp.set[i]))
			return c->dp.set[i];
	return c->dp.origin;
}

static void
rules_hijack(struct rctx *c)
{
	const struct config_prefix	*m = c->m;
	int				 exact = c->p->len == m->prefix.len;
	int				 moresp = m->flags & CONFIG_PFX_IGNORE_MORESPECIFICS;
	struct dkey			*k;
	char				 owner[ALERT_VICTIM_MAX];

	if (m->nasns == 0) {
		if (enabled(c, CONFIG_RULE_SQUATTING) && (exact || !moresp) &&
		    (k = add(c, ALERT_RULE_SQUATTING, c->mtxt, c->dp.origin, 0, NULL)))
			snprintf(k->descr, sizeof(k->descr), "AS%u announces %s inside "
			    "space that no AS may announce", c->dp.origin, c->mtxt);
		return;
	}
	if (!origin_allowed(c)) {
		int rule = exact ? CONFIG_RULE_HIJACK : CONFIG_RULE_SUBPREFIX_HIJACK;
		if (!enabled(c, rule) || (!exact && moresp))
			return;
		snprintf(owner, sizeof(owner), "AS%u", m->asns[0]);
		k = add(c, exact ? ALERT_RULE_EXACT_PREFIX_HIJACK :
		    ALERT_RULE_SUBPREFIX_HIJACK, owner, origin_blamed(c), 0, NULL);
		if (k == NULL)
			return;
		if (exact && c->d->cfg->detection.rpki_valid_hijack_quiet &&
		    RIB_STATE_RPKI(c->r->state) == RIB_RPKI_VALID)
			k->severity = SEV(CONFIG_SEV_INFO);
		snprintf(k->descr, sizeof(k->descr), "AS%u announces %s%s%s",
		    origin_blamed(c), exact ? "" : "a more-specific of ", c->mtxt,
		    c->dp.origin_set ? " (AS_SET origin)" : "");
		return;
	}
	if (!exact && !moresp && enabled(c, CONFIG_RULE_NEW_PREFIX) &&
	    (k = add(c, ALERT_RULE_NEW_PREFIX, c->mtxt, c->dp.origin, 0, "more-specific")))
		snprintf(k->descr, sizeof(k->descr), "AS%u announces a new more-specific "
		    "of %s", c->dp.origin, c->mtxt);
	if (m->nupstreams > 0 && c->dp.nc >= 2 && !c->dp.origin_set &&
	    enabled(c, CONFIG_RULE_NEW_NEIGHBOR)) {
		uint32_t nb = c->dp.cas[c->dp.nc - 2];
		if (!dasn_in(m->upstreams, m->nupstreams, nb) &&
		    (k = add(c, ALERT_RULE_NEW_NEIGHBOR, c->mtxt, nb, c->dp.origin, NULL)))
			snprintf(k->descr, sizeof(k->descr), "AS%u appears as upstream of "
			    "AS%u for %s", nb, c->dp.origin, c->mtxt);
	}
}

static void
rules_path(struct rctx *c)
{
	const struct config_prefix	*m = c->m;
	struct dkey			*k;
	char				 disc[32];
	uint32_t			 maxp;
	size_t				 i;

	if (!enabled(c, CONFIG_RULE_PATH))
		return;
	if (m->npaths > 0)
		path(c);		/* rendered for the regexes only when there are some */
	for (i = 0; i < m->npaths; i++) {
		const struct config_path_rule *pr = &m->paths[i];
		if (pr->match && regexec(&pr->match_re, c->ptxt, 0, NULL, 0) != 0)
			continue;
		if (pr->not_match && regexec(&pr->not_match_re, c->ptxt, 0, NULL, 0) == 0)
			continue;
		/* with a length bound, only a path outside the bounds (BGPalerter) */
		if ((pr->min_length || pr->max_length) &&
		    (!pr->min_length || c->plen >= pr->min_length) &&
		    (!pr->max_length || c->plen <= pr->max_length))
			continue;
		if (!pr->match && !pr->not_match && !pr->min_length && !pr->max_length)
			continue;
		snprintf(disc, sizeof(disc), "path%u", (unsigned)(i & 0xffff));
		if ((k = add(c, ALERT_RULE_AS_PATH, c->mtxt, c->dp.origin, 0, disc)))
			snprintf(k->descr, sizeof(k->descr), "%s", pr->description ?
			    pr->description : "AS path rule matched");
	}
	maxp = m->max_prepend ? m->max_prepend : c->d->cfg->detection.max_prepend;
	if (maxp && c->dp.max_repeat > maxp + 1 &&
	    (k = add(c, ALERT_RULE_AS_PATH, c->mtxt, c->dp.max_repeat_as, 0, "prepend")))
		snprintf(k->descr, sizeof(k->descr), "AS%u prepended %u times (max %u)",
		    c->dp.max_repeat_as, c->dp.max_repeat - 1, maxp);
}

/* RPKI-invalid, not-found (and valid before: ROA change) and ASPA-invalid
 * routes of monitored resources. */
static void
rules_rpki(struct rctx *c, const char *victim)
{
	const struct config_rule_cfg	*rc = c->d->cfg->detection.rules;
	struct dkey			*k;

	if (RIB_STATE_RPKI(c->r->state) == RIB_RPKI_VALID)
		c->ks->valid = 1;
	if (RIB_STATE_RPKI(c->r->state) == RIB_RPKI_NOT_FOUND) {
		if (enabled(c, CONFIG_RULE_RPKI_NOT_FOUND) &&
		    (k = add(c, ALERT_RULE_RPKI_NOT_FOUND, victim, c->dp.origin, 0, NULL)))
			snprintf(k->descr, sizeof(k->descr), "%s is not covered by any "
			    "VRP (origin AS%u)", victim, c->dp.origin);
		if (c->ks->was_valid && enabled(c, CONFIG_RULE_ROA_CHANGE) &&
		    (k = add(c, ALERT_RULE_RPKI_NOT_FOUND, victim, c->dp.origin, 0,
		    "roa-change"))) {
			k->severity = SEV(rc[CONFIG_RULE_ROA_CHANGE].severity);
			snprintf(k->descr, sizeof(k->descr), "%s was RPKI-valid and is "
			    "now not-found: its ROA changed or disappeared", victim);
		}
	}

	if (RIB_STATE_RPKI(c->r->state) == RIB_RPKI_INVALID &&
	    enabled(c, CONFIG_RULE_RPKI_INVALID) &&
	    (k = add(c, ALERT_RULE_RPKI_INVALID, victim, c->dp.origin, 0, NULL)))
		snprintf(k->descr, sizeof(k->descr), "%s is RPKI-invalid (origin AS%u)",
		    victim, c->dp.origin);
	if (RIB_STATE_ASPA(c->r->state) == RIB_ASPA_INVALID &&
	    enabled(c, CONFIG_RULE_ROUTE_LEAK) &&
	    (k = add(c, ALERT_RULE_ROUTE_LEAK, victim, c->dp.nc ? c->dp.cas[0] : 0, 0,
	    "aspa")))
		snprintf(k->descr, sizeof(k->descr), "ASPA-invalid path for %s", victim);
}

static void
rules_noexport(struct rctx *c)
{
	struct dkey *k;

	if (!(c->m->flags & CONFIG_PFX_NO_EXPORT) || !enabled(c, CONFIG_RULE_ROUTE_LEAK))
		return;
	if (c->dp.nc >= 2) {
		uint32_t x = c->dp.cas[c->dp.nc - 2];
		if ((k = add(c, ALERT_RULE_ROUTE_LEAK, c->mtxt, x, c->dp.origin,
		    "no-export")))
			snprintf(k->descr, sizeof(k->descr), "AS%u exported %s, which must "
			    "stay NO_EXPORT", x, c->mtxt);
	} else if (c->dp.nc == 1 && !c->dp.no_export &&
	    (k = add(c, ALERT_RULE_ROUTE_LEAK, c->mtxt, c->dp.origin, 0, "no-export")))
		snprintf(k->descr, sizeof(k->descr), "%s announced without NO_EXPORT",
		    c->mtxt);
}

static void
rules_prefix(struct rctx *c)
{
	char v[ALERT_VICTIM_MAX];

	rules_hijack(c);
	/* a more-specific of an ignoreMorespecifics entry is not watched further
	 * (BGPalerter's path and RPKI monitors skip it); a monitored origin's own
	 * RPKI rule still applies, as to any prefix it originates */
	if (c->p->len != c->m->prefix.len &&
	    (c->m->flags & CONFIG_PFX_IGNORE_MORESPECIFICS)) {
		if (dmon_as(c->d, c->dp.origin)) {
			snprintf(v, sizeof(v), "AS%u", c->dp.origin);
			rules_rpki(c, v);
		}
		return;
	}
	rules_path(c);
	rules_rpki(c, c->mtxt);
	rules_noexport(c);
}

static void
rules_monas(struct rctx *c)
{
	char		 v[ALERT_VICTIM_MAX];
	struct dkey	*k;

	snprintf(v, sizeof(v), "AS%u", c->dp.origin);
	if (c->m == NULL && enabled(c, CONFIG_RULE_NEW_PREFIX) &&
	    (k = add(c, ALERT_RULE_NEW_PREFIX, v, c->dp.origin, 0, NULL)))
		snprintf(k->descr, sizeof(k->descr), "monitored AS%u originates a prefix "
		    "no rule lists", c->dp.origin);
	if (c->m == NULL)
		rules_rpki(c, v);
}

static const struct config_monitor_as *
monitor_as(const struct config *cfg, uint32_t asn)
{
	size_t l = 0, h = cfg->pfx.nasns;

	while (l < h) {
		size_t m = (l + h) / 2;
		if (cfg->pfx.asns[m].asn == asn)
			return &cfg->pfx.asns[m];
		if (cfg->pfx.asns[m].asn < asn)
			l = m + 1;
		else
			h = m;
	}
	return NULL;
}

/* Rule 4 for monitored ASes anywhere in the path (monitorASns up/downstreams). */
static void
rules_neighbors(struct rctx *c)
{
	const struct config_monitor_as	*ma;
	char				 v[ALERT_VICTIM_MAX];
	struct dkey			*k;
	unsigned			 i;

	if (!enabled(c, CONFIG_RULE_NEW_NEIGHBOR))
		return;
	for (i = 0; i < c->dp.nc; i++) {
		uint32_t x = c->dp.cas[i];
		if (!dasn_in(c->d->pathas, c->d->npathas, x) ||
		    (ma = monitor_as(c->d->cfg, x)) == NULL)
			continue;
		snprintf(v, sizeof(v), "AS%u", x);
		if (i > 0 && ma->has_upstreams &&
		    !dasn_in(ma->upstreams, ma->nupstreams, c->dp.cas[i - 1]) &&
		    (k = add(c, ALERT_RULE_NEW_NEIGHBOR, v, c->dp.cas[i - 1], x, "upstream")))
			snprintf(k->descr, sizeof(k->descr), "AS%u is a new upstream of "
			    "AS%u", c->dp.cas[i - 1], x);
		if (i + 1 < c->dp.nc && ma->has_downstreams &&
		    !dasn_in(ma->downstreams, ma->ndownstreams, c->dp.cas[i + 1]) &&
		    (k = add(c, ALERT_RULE_NEW_NEIGHBOR, v, c->dp.cas[i + 1], x,
		    "downstream")))
			snprintf(k->descr, sizeof(k->descr), "AS%u is a new downstream of "
			    "AS%u", c->dp.cas[i + 1], x);
	}
}

static void
adj_add(struct dkeys *ks, uint32_t x, uint32_t y)
{
	unsigned i;

	for (i = 0; i < ks->nadj; i++)
		if (ks->adj[2 * i] == x && ks->adj[2 * i + 1] == y)
			return;
	if (ks->nadj < DADJ_MAX) {
		ks->adj[2 * ks->nadj] = x;
		ks->adj[2 * ks->nadj++ + 1] = y;
	}
}

/*
 * Rule 7: the adjacencies of monitored ASes this route shows. With configured
 * upstreams (downstreams) only those count: losing an adjacency rule 4 calls
 * unexpected (a fake first hop going away) is no loss.
 */
static void
adjacencies(struct rctx *c)
{
	const struct config_monitor_as	*ma;
	unsigned			 i;

	if (!c->d->cfg->detection.rules[CONFIG_RULE_PEERING_VISIBILITY].enabled)
		return;
	for (i = 0; i < c->dp.nc; i++) {
		uint32_t x = c->dp.cas[i];
		if (!dmon_as(c->d, x))
			continue;
		ma = monitor_as(c->d->cfg, x);
		if (i > 0 && (ma == NULL || !ma->has_upstreams ||
		    dasn_in(ma->upstreams, ma->nupstreams, c->dp.cas[i - 1])))
			adj_add(c->ks, x, c->dp.cas[i - 1]);
		if (i + 1 < c->dp.nc && (ma == NULL || !ma->has_downstreams ||
		    dasn_in(ma->downstreams, ma->ndownstreams, c->dp.cas[i + 1])))
			adj_add(c->ks, x, c->dp.cas[i + 1]);
	}
}

enum rel { REL_UNKNOWN, REL_CUSTOMER, REL_PROVIDER, REL_PEER };

static const struct config_relationship *
rel_find(const struct config_relationship *v, size_t n, uint32_t asn)
{
	size_t l = 0, h = n;

	while (l < h) {
		size_t m = (l + h) / 2;
		if (v[m].asn == asn)
			return &v[m];
		if (v[m].asn < asn)
			l = m + 1;
		else
			h = m;
	}
	return NULL;
}

static int
in_list(const uint32_t *v, size_t n, uint32_t asn)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == asn)
			return 1;
	return 0;
}

/* What x is to a, from a's entries, else inverted from x's; both config lists. */
static enum rel
rel_of(const struct config *cfg, uint32_t a, uint32_t x)
{
	const struct config_relationship	*r;
	int					 pass;

	for (pass = 0; pass < 2; pass++) {
		const struct config_relationship *v = pass ? cfg->pfx.relationships :
		    cfg->detection.relationships;
		size_t n = pass ? cfg->pfx.nrelationships : cfg->detection.nrelationships;
		if ((r = rel_find(v, n, a)) != NULL) {
			if (in_list(r->customers, r->ncustomers, x))
				return REL_CUSTOMER;
			if (in_list(r->providers, r->nproviders, x))
				return REL_PROVIDER;
			if (in_list(r->peers, r->npeers, x))
				return REL_PEER;
		}
		if ((r = rel_find(v, n, x)) != NULL) {
			if (in_list(r->customers, r->ncustomers, a))
				return REL_PROVIDER;
			if (in_list(r->providers, r->nproviders, a))
				return REL_CUSTOMER;
			if (in_list(r->peers, r->npeers, a))
				return REL_PEER;
		}
	}
	return REL_UNKNOWN;
}

static const char *
rel_name(enum rel r)
{
	return r == REL_PROVIDER ? "provider" : r == REL_PEER ? "peer" :
	    r == REL_CUSTOMER ? "customer" : "?";
}

/*
 * What the receiver of the path's first AS L is to L, from the source: through a
 * transparent route server (our role rs-client and L is not the RS: RFC 7947
 * servers do not prepend) L announced it to its IX peers, *to the RS's AS;
 * with L our direct neighbor, our RFC 9234 role says it (*to 0: us).
 */
static enum rel
rel_first_hop(const struct dsrc *s, uint32_t l, uint32_t *to)
{
	*to = s->peer_as;
	if (s->peer_as == 0)
		return REL_UNKNOWN;
	if (l != s->peer_as)
		return s->role == CONFIG_ROLE_RS_CLIENT ? REL_PEER : REL_UNKNOWN;
	*to = 0;
	switch (s->role) {
	case CONFIG_ROLE_PEER:
	case CONFIG_ROLE_RS:
		return REL_PEER;
	case CONFIG_ROLE_PROVIDER:
		return REL_PROVIDER;
	default:
		return REL_UNKNOWN;
	}
}

static void
leak_add(struct rctx *c, uint32_t l, uint32_t from, uint32_t to, enum rel rf,
    enum rel rt, int rs)
{
	char		 v[ALERT_VICTIM_MAX], disc[8], tos[48];
	struct dkey	*k;
	unsigned	 type;

	type = rf == REL_PROVIDER ? (rt == REL_PROVIDER ? 1 : 3) :
	    (rt == REL_PROVIDER ? 4 : 2);
	snprintf(v, sizeof(v), "AS%u", l);
	snprintf(disc, sizeof(disc), "type%u", type);
	if (rs)
		snprintf(tos, sizeof(tos), "its peers at route server AS%u", to);
	else if (to == 0)
		snprintf(tos, sizeof(tos), "us (%s)", rel_name(rt));
	else
		snprintf(tos, sizeof(tos), "AS%u (%s)", to, rel_name(rt));
	if ((k = add(c, ALERT_RULE_ROUTE_LEAK, v, l, to, disc)))
		snprintf(k->descr, sizeof(k->descr), "AS%u leaked a route learned from "
		    "AS%u (%s) to %s: RFC 7908 type %u, segment AS%u>AS%u>%s%.0u", l,
		    from, rel_name(rf), tos, type, from, l, to ? "AS" : "us", to);
}

/*
 * Valley-free check (RFC 7908 section 3 types 1-4) at every AS L that has a
 * successor in the path: inner ASes against their left neighbor, the first AS
 * against the receiver as rel_first_hop() knows it (a member leaking to an IXP
 * route server is the common IXP case).
 */
static void
rules_leak(struct rctx *c, const struct dsrc *s)
{
	unsigned	 i;
	uint32_t	 to;
	enum rel	 rf, rt;

	if (!enabled(c, CONFIG_RULE_ROUTE_LEAK))
		return;
	for (i = 0; i + 1 < c->dp.nc; i++) {
		uint32_t l = c->dp.cas[i], from = c->dp.cas[i + 1];
		rf = rel_of(c->d->cfg, l, from);
		if (rf != REL_PROVIDER && rf != REL_PEER)
			continue;
		if (i == 0)
			rt = rel_first_hop(s, l, &to);
		else
			rt = rel_of(c->d->cfg, l, to = c->dp.cas[i - 1]);
		if (rt != REL_PROVIDER && rt != REL_PEER)
			continue;
		leak_add(c, l, from, to, rf, rt, i == 0 && l != s->peer_as);
	}
}

/* RFC 9234 section 5: OTC on a route from a customer / RS-client, or a peer's OTC
 * naming another AS. The role configured is ours toward the neighbor. */
static void
rules_otc(struct rctx *c, const struct dsrc *s)
{
	char		 v[ALERT_VICTIM_MAX];
	struct dkey	*k;
	uint32_t	 nb = c->dp.nc ? c->dp.cas[0] : s->peer_as;
	int		 leak;

	if (!c->dp.has_otc || !enabled(c, CONFIG_RULE_ROUTE_LEAK))
		return;
	leak = s->role == CONFIG_ROLE_PROVIDER || s->role == CONFIG_ROLE_RS ||
	    (s->role == CONFIG_ROLE_PEER && c->dp.otc != s->peer_as);
	if (!leak)
		return;
	snprintf(v, sizeof(v), "AS%u", nb);
	if ((k = add(c, ALERT_RULE_ROUTE_LEAK, v, nb, c->dp.otc, "otc")))
		snprintf(k->descr, sizeof(k->descr), "route with Only-To-Customer AS%u "
		    "received from AS%u (RFC 9234)", c->dp.otc, nb);
}

static void
rules_bogon(struct rctx *c)
{
	const struct bogon_block	*b;
	const struct prefix		*extra;
	char				 v[ALERT_VICTIM_MAX];
	struct dkey			*k;
	unsigned			 i;

	if (!enabled(c, CONFIG_RULE_BOGON))
		return;
	if ((b = dindex_bogon(c->d, c->p, &extra)) != NULL) {
		prefix_fmt(extra ? extra : &b->pfx, v, sizeof(v));
		if ((k = add(c, ALERT_RULE_BOGON, v, c->dp.origin, 0, "prefix")))
			snprintf(k->descr, sizeof(k->descr), "bogon prefix (%s) from AS%u",
			    extra ? "configured" : b->name, c->dp.origin);
	}
	for (i = 0; i < c->dp.n; i++) {
		if (!bogon_as(c->d, c->dp.as[i]))
			continue;
		snprintf(v, sizeof(v), "AS%u", c->dp.as[i]);
		if ((k = add(c, ALERT_RULE_BOGON, v, c->dp.as[i], 0, "asn")))
			snprintf(k->descr, sizeof(k->descr), "bogon AS%u in path: %s",
			    c->dp.as[i], bogon_asn(c->dp.as[i]) ? bogon_asn(c->dp.as[i]) :
			    "configured");
	}
}

/* Every key route r of source src supports for prefix p, into ks. */
void
drules_route(struct detect *d, uint16_t src, const struct prefix *p,
    const struct dpfx *e, const struct rib_route *r, struct dkeys *ks)
{
	static const struct dsrc	 nosrc;
	const struct dsrc		*s = d->src != NULL && d->src[src] != NULL ?
					    d->src[src] : &nosrc;
	struct rctx			 c;
	uint8_t				 pf = dpath_facts(d, r->attrs);
	struct dkey			*k;

	/* no memset: the context is ~4 KB, its buffers are read up to their
	 * lengths only (dpath_load sets the path's scalars) */
	c.d = d;
	c.p = p;
	c.m = NULL;
	c.r = r;
	c.ks = ks;
	c.ptxt[0] = '\0';
	c.plen = 0;
	c.has_ptxt = 0;
	c.mtxt = NULL;
	c.mbuf[0] = '\0';
	if (dpath_load(r->attrs, &c.dp) == -1)
		return;
	/* an empty AS_PATH: the source's own AS originated it (RFC 4271 §5.1.2: an
	 * iBGP peer's or a Loc-RIB's own route); unknown, nothing to judge by */
	if (c.dp.n == 0 && !c.dp.origin_set) {
		if (s->peer_as == 0)
			return;
		c.dp.origin = s->peer_as;
	}
	if (e != NULL && !(e->cp->flags & CONFIG_PFX_IGNORE)) {
		const struct dindex *ix = &d->mon[p->af == PREFIX_AF_IPV6];

		c.m = e->cp;
		if (ix->txt != NULL)
			c.mtxt = ix->txt[e - ix->v];
		else
			c.mtxt = prefix_fmt(&c.m->prefix, c.mbuf, sizeof(c.mbuf));
		rules_prefix(&c);
	} else if (e == NULL && dmon_as(d, c.dp.origin))
		rules_monas(&c);
	if (e != NULL && (e->cp->flags & CONFIG_PFX_IGNORE))
		return;
	if (pf & PF_MON)
		rules_neighbors(&c);
	if (pf & PF_MONAS)
		adjacencies(&c);
	if (pf & PF_REL)
		rules_leak(&c, s);
	if (pf & PF_OTC)
		rules_otc(&c, s);
	rules_bogon(&c);
	if (s->monitored && RIB_STATE_RPKI(r->state) == RIB_RPKI_INVALID &&
	    enabled(&c, CONFIG_RULE_RPKI_INVALID) &&
	    (k = add(&c, ALERT_RULE_RPKI_INVALID, s->name, c.dp.nc ? c.dp.cas[0] : 0,
	    c.dp.origin, "session")))
		snprintf(k->descr, sizeof(k->descr), "RPKI-invalid route propagated on "
		    "session %s", s->name);
}

uint32_t
dorigin(const struct detect *d, const struct rib_route *r)
{
	uint32_t	o = rib_attrs_origin_as(r->attrs);

	if (o == 0 && rib_attrs_path_len(r->attrs) == 0 && d->src != NULL &&
	    d->src[r->source] != NULL)
		o = d->src[r->source]->peer_as;
	return o;
}

/* MOAS over all routes of a prefix (any source); a route of unknown origin (an
 * empty path from a source whose AS is unknown) does not count. */
void
drules_moas(struct detect *d, const struct prefix *p, const struct rib_route *r,
    unsigned n, struct dkeys *ks)
{
	uint32_t	 o[16];
	unsigned	 no = 0, i, j;
	int		 invalid = 0;
	char		 v[ALERT_VICTIM_MAX];
	struct dkey	*k;
	size_t		 w;

	if (!d->cfg->detection.rules[CONFIG_RULE_MOAS].enabled)
		return;
	for (i = 0; i < n; i++) {
		uint32_t x = dorigin(d, &r[i]);
		if (RIB_STATE_RPKI(r[i].state) == RIB_RPKI_INVALID)
			invalid = 1;
		if (x == 0)
			continue;
		for (j = 0; j < no && o[j] != x; j++)
			;
		if (j == no && no < 16)
			o[no++] = x;
	}
	if (no < 2)
		return;
	prefix_fmt(p, v, sizeof(v));
	if ((k = dkeys_add(ks, ALERT_RULE_MOAS, v, 0, 0, NULL)) == NULL)
		return;
	k->severity = SEV(invalid ? CONFIG_SEV_WARNING : CONFIG_SEV_INFO);
	w = (size_t)snprintf(k->descr, sizeof(k->descr), "origins");
	for (j = 0; j < no && w < sizeof(k->descr); j++)
		w += (size_t)snprintf(k->descr + w, sizeof(k->descr) - w, " AS%u", o[j]);
}

/* Does the prefix rule name upstreams: its own ixwatch.upstreams, else those of
 * its allowed origins in monitorASns? */
int
dpfx_has_upstreams(const struct config *cfg, const struct config_prefix *cp)
{
	const struct config_monitor_as	*ma;
	size_t				 i;

	if (cp->nupstreams > 0)
		return 1;
	for (i = 0; i < cp->nasns; i++)
		if ((ma = monitor_as(cfg, cp->asns[i])) != NULL && ma->nupstreams > 0)
			return 1;
	return 0;
}

static int
upstream_of(const struct config *cfg, const struct config_prefix *cp, uint32_t x)
{
	const struct config_monitor_as	*ma;
	size_t				 i;

	if (cp->nupstreams > 0)
		return dasn_in(cp->upstreams, cp->nupstreams, x);
	for (i = 0; i < cp->nasns; i++)
		if ((ma = monitor_as(cfg, cp->asns[i])) != NULL &&
		    dasn_in(ma->upstreams, ma->nupstreams, x))
			return 1;
	return 0;
}

static int
u32_has(const uint32_t *v, unsigned n, uint32_t x)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Rule 6 per upstream, over all sources (routes r[0..n) of the monitored prefix p,
 * rule cp): the configured upstreams X seen now as the AS adjacent to an allowed
 * origin (prepends collapsed); seen[0..nseen) are those seen before. Each X seen
 * before and now by no source: one key (victim p, offender X, disc "upstream").
 * ks->ups gets the union, remembered until the next reload.
 */
void
drules_upstreams(struct detect *d, const struct prefix *p, const struct config_prefix *cp,
    const struct rib_route *r, unsigned n, const uint32_t *seen, unsigned nseen,
    struct dkeys *ks)
{
	struct dpath	 dp;
	uint32_t	 now[DUPS_MAX];
	unsigned	 nnow = 0, i;
	char		 v[PREFIX_STRLEN];
	struct dkey	*k;

	for (i = 0; i < n; i++) {
		uint32_t x;
		if (dpath_load(r[i].attrs, &dp) == -1 || dp.origin_set || dp.nc < 2 ||
		    !dasn_in(cp->asns, cp->nasns, dp.origin))
			continue;
		x = dp.cas[dp.nc - 2];
		if (!u32_has(now, nnow, x) && nnow < DUPS_MAX &&
		    upstream_of(d->cfg, cp, x))
			now[nnow++] = x;
	}
	ks->nups = 0;
	for (i = 0; i < nseen && ks->nups < DUPS_MAX; i++)
		ks->ups[ks->nups++] = seen[i];
	for (i = 0; i < nnow; i++)
		if (!u32_has(ks->ups, ks->nups, now[i]) && ks->nups < DUPS_MAX)
			ks->ups[ks->nups++] = now[i];
	prefix_fmt(p, v, sizeof(v));
	for (i = 0; i < ks->nups; i++) {
		if (u32_has(now, nnow, ks->ups[i]))
			continue;
		if ((k = dkeys_add(ks, ALERT_RULE_VISIBILITY_LOSS, v, ks->ups[i], 0,
		    "upstream")) == NULL)
			continue;
		snprintf(k->descr, sizeof(k->descr), "%s no longer seen via upstream "
		    "AS%u", v, ks->ups[i]);
		snprintf(k->matched, sizeof(k->matched), "%s%s%s", v, cp->description ?
		    " " : "", cp->description ? cp->description : "");
	}
}
