/*
 * RIB unit tests: every operation by hand, then random operation sequences with
 * fixed seeds checked against a reference model (a sorted array of routes), and
 * memory accounting: after withdrawing everything no node, array or attribute
 * set is left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/prefix.h"
#include "bgp/rib.h"
#include "tests/unit/ut.h"

static struct prefix
P(const char *s)
{
	struct prefix	 p;

	if (prefix_parse(s, &p) != 0)
		ut_fail(__FILE__, __LINE__, "bad prefix %s", s);
	return p;
}

static struct rib_attrs *
A(struct rib *rib, unsigned n)
{
	char		 b[32];
	int		 len = snprintf(b, sizeof(b), "attrs-%u", n);

	return rib_attrs_intern(rib, (const uint8_t *)b, (size_t)len, 64500 + n,
	    (uint8_t)(n % 7));
}

static unsigned
attrs_num(const struct rib_attrs *a)
{
	size_t		 len;
	const uint8_t	*b = rib_attrs_blob(a, &len);
	char		 s[32];

	UT_ASSERT(len > 6 && len < sizeof(s));
	memcpy(s, b, len);
	s[len] = '\0';
	return (unsigned)strtoul(s + 6, NULL, 10);
}

/* Update with a fresh interned set, dropping the caller's reference. */
static enum rib_result
upd(struct rib *rib, uint16_t src, uint32_t pid, const char *pfx, unsigned an)
{
	struct rib_attrs *a = A(rib, an);
	struct prefix	 p = P(pfx);
	enum rib_result	 rc;

	UT_ASSERT(a != NULL);
	rc = rib_route_update(rib, src, pid, &p, a, 0);
	rib_attrs_unref(rib, a);
	return rc;
}

static void
assert_empty(struct rib *rib)
{
	struct rib_stats st;

	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	UT_EQ_INT(st.routes, 0);
	UT_EQ_INT(st.prefixes4, 0);
	UT_EQ_INT(st.prefixes6, 0);
	UT_EQ_INT(st.nodes, 0);
	UT_EQ_INT(st.attrs, 0);
	UT_EQ_INT(st.arrays, 0);
	UT_EQ_INT(st.pending, 0);
}

static void
basic_ops(void)
{
	struct rib	*rib = rib_new();
	struct rib_route r[4];
	struct rib_source_stats ss;
	struct rib_stats st;
	struct prefix	 p = P("10.0.0.0/8");
	int		 s1, s2;

	UT_ASSERT(rib != NULL);
	s1 = rib_source_add(rib, "bmp 192.0.2.1 peer 198.51.100.1 pre-policy");
	s2 = rib_source_add(rib, "bgp 192.0.2.9");
	UT_EQ_INT(s1, 1);
	UT_EQ_INT(s2, 2);
	UT_EQ_STR(rib_source_descr(rib, 2), "bgp 192.0.2.9");
	UT_EQ_INT(rib_source_add(rib, NULL), 3);
	UT_EQ_STR(rib_source_descr(rib, 3), "");
	UT_EQ_INT(rib_source_remove(rib, 3), 0);
	UT_ASSERT(rib_source_descr(rib, 3) == NULL);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 0);
	UT_EQ_INT(upd(rib, 1, 0, "10.0.0.0/8", 1), RIB_OK);
	UT_EQ_INT(upd(rib, 1, 0, "10.0.0.0/8", 1), RIB_UNCHANGED);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 1);
	UT_EQ_INT(attrs_num(r[0].attrs), 1);
	UT_EQ_INT(r[0].source, 1);
	UT_EQ_INT(rib_attrs_origin_as(r[0].attrs), 64501);
	UT_EQ_INT(upd(rib, 1, 0, "10.0.0.0/8", 2), RIB_OK);	/* replace */
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 1);
	UT_EQ_INT(attrs_num(r[0].attrs), 2);
	UT_EQ_INT(upd(rib, 2, 0, "10.0.0.0/8", 3), RIB_OK);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 2);
	UT_EQ_INT(r[0].source, 1);
	UT_EQ_INT(r[1].source, 2);
	UT_EQ_INT(attrs_num(r[1].attrs), 3);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	UT_EQ_INT(st.routes, 2);
	UT_EQ_INT(st.prefixes4, 1);
	UT_EQ_INT(st.attrs, 2);		/* attrs-1 went with the replace */
	UT_EQ_INT(rib_source_stats(rib, 1, &ss), 0);
	UT_EQ_INT(ss.routes, 1);
	UT_EQ_INT(ss.updates, 2);
	UT_EQ_INT(rib_route_withdraw(rib, 1, 0, &p), RIB_OK);
	UT_EQ_INT(rib_route_withdraw(rib, 1, 0, &p), RIB_UNCHANGED);
	UT_EQ_INT(rib_route_withdraw(rib, 2, 7, &p), RIB_UNCHANGED);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 1);
	UT_EQ_INT(r[0].source, 2);
	UT_EQ_INT(rib_route_withdraw(rib, 2, 0, &p), RIB_OK);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 4), 0);
	UT_EQ_INT(rib_source_stats(rib, 1, &ss), 0);
	UT_EQ_INT(ss.withdraws, 1);
	UT_EQ_INT(ss.routes, 0);
	assert_empty(rib);
	rib_free(rib);
}

static void
bad_args(void)
{
	struct rib	*rib = rib_new();
	struct rib_attrs *a;
	struct prefix	 p = P("10.0.0.0/8");
	int		 s = rib_source_add(rib, "x");

	a = A(rib, 1);
	UT_EQ_INT(rib_route_update(rib, 0, 0, &p, a, 0), RIB_ERR);	/* id 0 */
	UT_EQ_INT(rib_route_update(rib, 9, 0, &p, a, 0), RIB_ERR);	/* unknown */
	p.len = 33;
	UT_EQ_INT(rib_route_update(rib, (uint16_t)s, 0, &p, a, 0), RIB_ERR);
	p.len = 8;
	p.af = 7;
	UT_EQ_INT(rib_route_update(rib, (uint16_t)s, 0, &p, a, 0), RIB_ERR);
	UT_EQ_INT(rib_route_withdraw(rib, (uint16_t)s, 0, &p), RIB_ERR);
	UT_EQ_INT(rib_lookup_exact(rib, &p, NULL, 0), -1);
	UT_EQ_INT(rib_route_update(rib, (uint16_t)s, 0, NULL, a, 0), RIB_ERR);
	rib_attrs_unref(rib, a);
	UT_EQ_INT(rib_source_remove(rib, 5), -1);
	assert_empty(rib);
	rib_free(rib);
	rib_free(NULL);
}

static void
default_and_host(void)
{
	struct rib	*rib = rib_new();
	struct rib_route r[2];
	struct prefix	 m, q;

	rib_source_add(rib, "s");
	UT_EQ_INT(upd(rib, 1, 0, "0.0.0.0/0", 1), RIB_OK);
	UT_EQ_INT(upd(rib, 1, 0, "192.0.2.1/32", 2), RIB_OK);
	UT_EQ_INT(upd(rib, 1, 0, "::/0", 3), RIB_OK);
	UT_EQ_INT(upd(rib, 1, 0, "2001:db8::1/128", 4), RIB_OK);
	q = P("192.0.2.1/32");
	UT_EQ_INT(rib_lookup_lpm(rib, &q, &m, r, 2), 1);
	UT_EQ_INT(m.len, 32);
	UT_EQ_INT(attrs_num(r[0].attrs), 2);
	q = P("192.0.2.2/32");
	UT_EQ_INT(rib_lookup_lpm(rib, &q, &m, r, 2), 1);
	UT_EQ_INT(m.len, 0);
	UT_EQ_INT(attrs_num(r[0].attrs), 1);
	q = P("2001:db8::1/128");
	UT_EQ_INT(rib_lookup_lpm(rib, &q, &m, r, 2), 1);
	UT_EQ_INT(m.len, 128);
	UT_EQ_INT(m.af, PREFIX_AF_IPV6);
	q = P("2001:db8::/32");
	UT_EQ_INT(rib_lookup_lpm(rib, &q, &m, r, 2), 1);
	UT_EQ_INT(m.len, 0);
	UT_EQ_INT(attrs_num(r[0].attrs), 3);
	q = P("0.0.0.0/0");
	UT_EQ_INT(rib_lookup_exact(rib, &q, r, 2), 1);
	UT_EQ_INT(rib_route_withdraw(rib, 1, 0, &q), RIB_OK);
	q = P("192.0.2.2/32");
	UT_EQ_INT(rib_lookup_lpm(rib, &q, &m, r, 2), 0);
	UT_EQ_INT(rib_source_withdraw_all(rib, 1), 3);
	assert_empty(rib);
	rib_free(rib);
}

static void
addpath_and_big_sets(void)
{
	struct rib	*rib = rib_new();
	struct rib_route r[64];
	struct prefix	 p = P("203.0.113.0/24");
	struct rib_stats st;
	unsigned	 i;

	rib_source_add(rib, "a");
	rib_source_add(rib, "b");
	/* Path id != 0 never goes inline: an array of one. */
	UT_EQ_INT(upd(rib, 1, 5, "203.0.113.0/24", 5), RIB_OK);
	rib_stats(rib, &st);
	UT_EQ_INT(st.arrays, 1);
	for (i = 1; i <= 40; i++)
		UT_EQ_INT(upd(rib, 1, i * 3, "203.0.113.0/24", i), RIB_OK);
	UT_EQ_INT(upd(rib, 2, 0, "203.0.113.0/24", 99), RIB_OK);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 64), 42);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 3), 42);	/* count even if cut */
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 64), 42);
	for (i = 0; i + 1 < 42; i++)	/* sorted by (source, path id) */
		UT_ASSERT(r[i].source < r[i + 1].source ||
		    (r[i].source == r[i + 1].source && r[i].path_id < r[i + 1].path_id));
	UT_EQ_INT(r[0].path_id, 3);
	UT_EQ_INT(r[1].path_id, 5);
	UT_EQ_INT(r[41].source, 2);
	for (i = 1; i <= 40; i++)
		UT_EQ_INT(rib_route_withdraw(rib, 1, i * 3, &p), RIB_OK);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 64), 2);
	UT_EQ_INT(rib_source_withdraw_all(rib, 1), 1);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 64), 1);
	UT_EQ_INT(attrs_num(r[0].attrs), 99);
	UT_EQ_INT(rib_source_withdraw_all(rib, 2), 1);
	assert_empty(rib);
	rib_free(rib);
}

struct collect {
	char		 s[64][PREFIX_STRLEN];
	unsigned	 n, routes, stop_at;
};

static int
collect_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct collect	*c = arg;

	UT_ASSERT(c->n < 64);
	prefix_fmt(p, c->s[c->n++], PREFIX_STRLEN);
	c->routes += n;
	return c->stop_at != 0 && c->n == c->stop_at ? 42 : 0;
}

static void
walks(void)
{
	static const char *pfx[] = { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
	    "10.1.3.0/24", "10.128.0.0/9", "11.0.0.0/8", "0.0.0.0/0", "10.1.2.128/25",
	    "2001:db8::/32", "2001:db8:1::/48" };
	struct rib	*rib = rib_new();
	struct collect	 c;
	struct prefix	 q;
	unsigned	 i;

	rib_source_add(rib, "s");
	rib_source_add(rib, "t");
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		UT_EQ_INT(upd(rib, 1, 0, pfx[i], i), RIB_OK);
	UT_EQ_INT(upd(rib, 2, 0, "10.1.0.0/16", 77), RIB_OK);
	memset(&c, 0, sizeof(c));
	q = P("10.1.0.0/16");
	UT_EQ_INT(rib_walk_more_specifics(rib, &q, collect_cb, &c), 0);
	UT_EQ_INT(c.n, 4);
	UT_EQ_STR(c.s[0], "10.1.0.0/16");
	UT_EQ_STR(c.s[1], "10.1.2.0/24");
	UT_EQ_STR(c.s[2], "10.1.2.128/25");
	UT_EQ_STR(c.s[3], "10.1.3.0/24");
	UT_EQ_INT(c.routes, 5);
	memset(&c, 0, sizeof(c));
	q = P("10.1.2.129/32");
	UT_EQ_INT(rib_walk_less_specifics(rib, &q, collect_cb, &c), 0);
	UT_EQ_INT(c.n, 5);
	UT_EQ_STR(c.s[0], "0.0.0.0/0");
	UT_EQ_STR(c.s[1], "10.0.0.0/8");
	UT_EQ_STR(c.s[4], "10.1.2.128/25");
	memset(&c, 0, sizeof(c));
	q = P("10.64.0.0/10");	/* nothing inside, a glue path */
	UT_EQ_INT(rib_walk_more_specifics(rib, &q, collect_cb, &c), 0);
	UT_EQ_INT(c.n, 0);
	memset(&c, 0, sizeof(c));
	c.stop_at = 3;
	UT_EQ_INT(rib_walk(rib, collect_cb, &c), 42);
	UT_EQ_INT(c.n, 3);
	memset(&c, 0, sizeof(c));
	UT_EQ_INT(rib_walk(rib, collect_cb, &c), 0);
	UT_EQ_INT(c.n, 10);
	UT_EQ_STR(c.s[0], "0.0.0.0/0");
	UT_EQ_STR(c.s[9], "2001:db8:1::/48");
	memset(&c, 0, sizeof(c));
	UT_EQ_INT(rib_source_walk(rib, 2, collect_cb, &c), 0);
	UT_EQ_INT(c.n, 1);
	UT_EQ_INT(c.routes, 1);
	UT_EQ_INT(rib_source_remove(rib, 1), 0);
	UT_ASSERT(rib_source_descr(rib, 1) == NULL);
	UT_EQ_INT(rib_source_add(rib, "again"), 1);	/* id reused */
	UT_EQ_INT(rib_source_withdraw_all(rib, 2), 1);
	assert_empty(rib);
	rib_free(rib);
}

static void
interning(void)
{
	struct rib	*rib = rib_new();
	struct rib_attrs *a, *b, *c;
	struct rib_stats st;
	size_t		 len;

	a = A(rib, 1);
	b = A(rib, 1);
	c = A(rib, 2);
	UT_ASSERT(a == b);
	UT_ASSERT(a != c);
	UT_EQ_MEM(rib_attrs_blob(a, &len), "attrs-1", 7);
	UT_EQ_INT(len, 7);
	UT_EQ_INT(rib_attrs_path_len(c), 2);
	UT_ASSERT(rib_attrs_intern(rib, NULL, 70000, 0, 0) == NULL);
	rib_stats(rib, &st);
	UT_EQ_INT(st.attrs, 2);
	rib_attrs_unref(rib, a);
	rib_attrs_unref(rib, c);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	UT_EQ_INT(st.attrs, 1);	/* b still holds attrs-1 */
	rib_attrs_unref(rib, b);
	assert_empty(rib);
	rib_free(rib);
}

static void
set_state(void)
{
	struct rib	*rib = rib_new();
	struct rib_route r[2];
	struct prefix	 p = P("198.51.100.0/24");
	uint8_t		 st = RIB_STATE(RIB_RPKI_INVALID, RIB_ASPA_VALID);

	rib_source_add(rib, "s");
	UT_EQ_INT(upd(rib, 1, 0, "198.51.100.0/24", 1), RIB_OK);
	UT_EQ_INT(rib_route_set_state(rib, 1, 0, &p, st), RIB_OK);
	UT_EQ_INT(rib_route_set_state(rib, 1, 0, &p, st), RIB_UNCHANGED);
	UT_EQ_INT(rib_route_set_state(rib, 1, 9, &p, st), RIB_UNCHANGED);
	UT_EQ_INT(rib_lookup_exact(rib, &p, r, 2), 1);
	UT_EQ_INT(RIB_STATE_RPKI(r[0].state), RIB_RPKI_INVALID);
	UT_EQ_INT(RIB_STATE_ASPA(r[0].state), RIB_ASPA_VALID);
	UT_EQ_INT(attrs_num(r[0].attrs), 1);
	UT_EQ_INT(rib_source_remove(rib, 1), 0);
	assert_empty(rib);
	rib_free(rib);
}

/* --- model-based tests ------------------------------------------------------ */

struct mroute {
	struct prefix	 p;
	uint16_t	 src;
	uint32_t	 pid;
	unsigned	 an;
	uint8_t		 state;
};

struct model {
	struct mroute	*r;
	size_t		 n, cap;
};

static int
pcmp(const struct prefix *a, const struct prefix *b)
{
	int		 c;

	if (a->af != b->af)
		return a->af - b->af;
	if ((c = memcmp(a->addr, b->addr, 16)) != 0)
		return c;
	return a->len - b->len;
}

static int
mcmp(const void *x, const void *y)
{
	const struct mroute *a = x, *b = y;
	int		 c;

	if ((c = pcmp(&a->p, &b->p)) != 0)
		return c;
	if (a->src != b->src)
		return a->src - b->src;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static struct mroute *
model_find(struct model *m, const struct mroute *k)
{
	return m->n == 0 ? NULL : bsearch(k, m->r, m->n, sizeof(*k), mcmp);
}

static void
model_set(struct model *m, const struct mroute *k)
{
	struct mroute	*f = model_find(m, k);

	if (f != NULL) {
		*f = *k;
		return;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->r = realloc(m->r, m->cap * sizeof(*m->r));
		UT_ASSERT(m->r != NULL);
	}
	m->r[m->n++] = *k;
	qsort(m->r, m->n, sizeof(*k), mcmp);
}

static void
model_del(struct model *m, size_t i)
{
	memmove(&m->r[i], &m->r[i + 1], (m->n - i - 1) * sizeof(*m->r));
	m->n--;
}

/* A random prefix in a small universe so that prefixes nest and repeat. */
static struct prefix
rand_prefix(int v6)
{
	struct prefix	 p;
	unsigned	 i;

	memset(&p, 0, sizeof(p));
	p.af = v6 ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
	p.addr[0] = v6 ? 0x20 : 10;
	for (i = 1; i < prefix_addrlen(p.af); i++)
		p.addr[i] = (rand() % 4 == 0) ? (uint8_t)rand() : (uint8_t)(rand() % 3);
	if (rand() % 50 == 0)
		p.len = 0;
	else if (rand() % 10 == 0)
		p.len = (uint8_t)prefix_maxlen(p.af);
	else
		p.len = (uint8_t)(rand() % (prefix_maxlen(p.af) + 1));
	prefix_mask(&p);
	return p;
}

struct mwalk {
	struct model	*m;
	size_t		 i;		/* next expected model route */
	const struct prefix *q;		/* filter */
	int		 mode;		/* 0 all, 1 more specifics, 2 less, 3 source */
	uint16_t	 src;
};

static int
mw_match(const struct mwalk *w, const struct mroute *r)
{
	switch (w->mode) {
	case 1:
		return prefix_contains(w->q, &r->p);
	case 2:
		return prefix_contains(&r->p, w->q);
	case 3:
		return r->src == w->src;
	default:
		return 1;
	}
}

static int
mw_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct mwalk	*w = arg;
	unsigned	 k;

	for (k = 0; k < n; k++) {
		while (w->i < w->m->n && !mw_match(w, &w->m->r[w->i]))
			w->i++;
		UT_ASSERT(w->i < w->m->n);
		UT_EQ_INT(pcmp(p, &w->m->r[w->i].p), 0);
		UT_EQ_INT(r[k].source, w->m->r[w->i].src);
		UT_EQ_INT(r[k].path_id, w->m->r[w->i].pid);
		UT_EQ_INT(attrs_num(r[k].attrs), w->m->r[w->i].an);
		UT_EQ_INT(r[k].state, w->m->r[w->i].state);
		w->i++;
	}
	return 0;
}

static void
mw_run(struct rib *rib, struct model *m, int mode, const struct prefix *q, uint16_t src)
{
	struct mwalk	 w = { m, 0, q, mode, src };

	switch (mode) {
	case 0:
		UT_EQ_INT(rib_walk(rib, mw_cb, &w), 0);
		break;
	case 1:
		UT_EQ_INT(rib_walk_more_specifics(rib, q, mw_cb, &w), 0);
		break;
	case 2:
		UT_EQ_INT(rib_walk_less_specifics(rib, q, mw_cb, &w), 0);
		break;
	default:
		UT_EQ_INT(rib_source_walk(rib, src, mw_cb, &w), 0);
		break;
	}
	while (w.i < m->n && !mw_match(&w, &m->r[w.i]))
		w.i++;
	UT_EQ_INT(w.i, m->n);	/* nothing in the model was missed */
}

/* LPM and exact lookups against the model. */
static void
check_lookups(struct rib *rib, struct model *m, const struct prefix *q)
{
	struct rib_route r[64];
	struct prefix	 got;
	const struct mroute *best = NULL;
	size_t		 i, cnt = 0, lcnt = 0;
	int		 n;

	for (i = 0; i < m->n; i++) {
		if (pcmp(&m->r[i].p, q) == 0)
			cnt++;
		if (prefix_contains(&m->r[i].p, q) &&
		    (best == NULL || m->r[i].p.len > best->p.len))
			best = &m->r[i];
	}
	UT_EQ_INT(rib_lookup_exact(rib, q, r, 64), cnt);
	n = rib_lookup_lpm(rib, q, &got, r, 64);
	if (best == NULL) {
		UT_EQ_INT(n, 0);
		return;
	}
	for (i = 0; i < m->n; i++)
		if (pcmp(&m->r[i].p, &best->p) == 0)
			lcnt++;
	UT_EQ_INT(n, lcnt);
	UT_EQ_INT(pcmp(&got, &best->p), 0);
}

/*
 * The batch lookups give for each query what the single ones give (those are
 * checked against the model): counts, the routes in order, the LPM's match; a
 * bad prefix in the batch -1 and no effect on the others; calls of n = 0, 1, a
 * few and many (more than the descents in flight), out NULL and max 0.
 */
static void
check_many(struct rib *rib, const struct prefix *q, size_t n)
{
	static const size_t sizes[] = { 1, 3, 7, 200 };
	struct rib_route one[8], *many = calloc(n * 8, sizeof(*many));
	struct prefix	 m1, *mm = calloc(n, sizeof(*mm));
	int		*cnt = calloc(n, sizeof(*cnt)), c;
	size_t		 i, j, s, at;
	unsigned	 k;

	UT_ASSERT(many != NULL && mm != NULL && cnt != NULL);
	rib_lookup_exact_many(rib, q, 0, cnt, many, 8);
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (at = 0; at < n; at += j) {
			j = n - at < sizes[s] ? n - at : sizes[s];
			rib_lookup_exact_many(rib, q + at, j, cnt + at, many + at * 8, 8);
		}
		for (i = 0; i < n; i++) {
			c = rib_lookup_exact(rib, &q[i], one, 8);
			UT_EQ_INT(cnt[i], c);
			for (k = 0; c > 0 && k < (unsigned)c && k < 8; k++) {
				UT_ASSERT(many[i * 8 + k].attrs == one[k].attrs);
				UT_EQ_INT(many[i * 8 + k].source, one[k].source);
				UT_EQ_INT(many[i * 8 + k].path_id, one[k].path_id);
				UT_EQ_INT(many[i * 8 + k].state, one[k].state);
			}
		}
		for (at = 0; at < n; at += j) {
			j = n - at < sizes[s] ? n - at : sizes[s];
			rib_lookup_lpm_many(rib, q + at, j, cnt + at, mm + at, many + at * 8, 8);
		}
		for (i = 0; i < n; i++) {
			c = rib_lookup_lpm(rib, &q[i], &m1, one, 8);
			UT_EQ_INT(cnt[i], c);
			if (c > 0)
				UT_EQ_INT(pcmp(&mm[i], &m1), 0);
			for (k = 0; c > 0 && k < (unsigned)c && k < 8; k++) {
				UT_ASSERT(many[i * 8 + k].attrs == one[k].attrs);
				UT_EQ_INT(many[i * 8 + k].source, one[k].source);
			}
		}
	}
	/* counts only */
	rib_lookup_exact_many(rib, q, n, cnt, NULL, 0);
	for (i = 0; i < n; i++)
		UT_EQ_INT(cnt[i], rib_lookup_exact(rib, &q[i], NULL, 0));
	rib_lookup_lpm_many(rib, q, n, cnt, NULL, NULL, 0);
	for (i = 0; i < n; i++)
		UT_EQ_INT(cnt[i], rib_lookup_lpm(rib, &q[i], NULL, NULL, 0));
	free(many);
	free(mm);
	free(cnt);
}

static void
check_all(struct rib *rib, struct model *m, int v6mix)
{
	struct rib_stats st;
	struct rib_source_stats ss;
	struct prefix	 q;
	size_t		 i;
	unsigned	 k, n4 = 0, n6 = 0, per[4] = { 0 };

	for (i = 0; i < m->n; i++) {
		per[m->r[i].src]++;
		if (i > 0 && pcmp(&m->r[i].p, &m->r[i - 1].p) == 0)
			continue;
		if (m->r[i].p.af == PREFIX_AF_IPV4)
			n4++;
		else
			n6++;
	}
	rib_stats(rib, &st);
	UT_EQ_INT(st.routes, m->n);
	UT_EQ_INT(st.prefixes4, n4);
	UT_EQ_INT(st.prefixes6, n6);
	for (k = 1; k < 4; k++) {
		UT_EQ_INT(rib_source_stats(rib, (uint16_t)k, &ss), 0);
		UT_EQ_INT(ss.routes, per[k]);
		mw_run(rib, m, 3, NULL, (uint16_t)k);
	}
	mw_run(rib, m, 0, NULL, 0);
	for (k = 0; k < 20; k++) {
		q = rand_prefix(v6mix && rand() % 2);
		mw_run(rib, m, 1, &q, 0);
		mw_run(rib, m, 2, &q, 0);
		check_lookups(rib, m, &q);
	}
}

static void
model_run(unsigned seed, int v6mix, unsigned ops)
{
	struct rib	*rib = rib_new();
	struct model	 m = { NULL, 0, 0 };
	struct mroute	 k, *f;
	struct rib_attrs *a;
	unsigned	 i, op;
	size_t		 j, before;

	srand(seed);
	for (i = 0; i < 3; i++)
		rib_source_add(rib, "src");
	for (i = 0; i < ops; i++) {
		memset(&k, 0, sizeof(k));
		k.p = rand_prefix(v6mix && rand() % 2);
		k.src = (uint16_t)(1 + rand() % 3);
		k.pid = rand() % 4 == 0 ? (uint32_t)(rand() % 3) : 0;
		k.an = (unsigned)(rand() % 25);
		k.state = (uint8_t)(rand() % 16);
		op = (unsigned)(rand() % 100);
		if (op < 55) {
			a = A(rib, k.an);
			f = model_find(&m, &k);
			UT_EQ_INT(rib_route_update(rib, k.src, k.pid, &k.p, a, k.state),
			    f != NULL && f->an == k.an && f->state == k.state ?
			    RIB_UNCHANGED : RIB_OK);
			rib_attrs_unref(rib, a);
			model_set(&m, &k);
		} else if (op < 75 && m.n > 0) {
			k = m.r[(size_t)rand() % m.n];	/* withdraw an existing one */
			UT_EQ_INT(rib_route_withdraw(rib, k.src, k.pid, &k.p), RIB_OK);
			model_del(&m, (size_t)(model_find(&m, &k) - m.r));
		} else if (op < 90) {
			f = model_find(&m, &k);
			UT_EQ_INT(rib_route_withdraw(rib, k.src, k.pid, &k.p),
			    f != NULL ? RIB_OK : RIB_UNCHANGED);
			if (f != NULL)
				model_del(&m, (size_t)(f - m.r));
		} else if (op < 99 && m.n > 0) {
			k = m.r[(size_t)rand() % m.n];
			k.state = (uint8_t)((k.state + 1) % 16);
			UT_EQ_INT(rib_route_set_state(rib, k.src, k.pid, &k.p, k.state),
			    RIB_OK);
			model_set(&m, &k);
		} else {
			before = m.n;
			for (j = 0; j < m.n;)
				if (m.r[j].src == k.src)
					model_del(&m, j);
				else
					j++;
			UT_EQ_INT(rib_source_withdraw_all(rib, k.src), before - m.n);
		}
		if (i % 97 == 0)
			rib_reclaim(rib);
		if (i % 1500 == 700)
			UT_EQ_INT(rib_compact(rib), 0);
		if (i % 2000 == 1000)
			rib_reclaim_sync(rib);	/* also trims free chunks */
		if (i % 500 == 0)
			check_all(rib, &m, v6mix);
	}
	check_all(rib, &m, v6mix);
	for (i = 1; i <= 3; i++)
		rib_source_withdraw_all(rib, (uint16_t)i);
	assert_empty(rib);
	free(m.r);
	rib_free(rib);
}

static void
model_v4(void)
{
	model_run(1, 0, 20000);
}

static void
model_v6(void)
{
	model_run(2, 1, 20000);
}

static void
model_seeds(void)
{
	unsigned	 s;

	for (s = 100; s < 110; s++)
		model_run(s, 1, 3000);
}

/* Dense table, torn down by withdraw-all: nothing may be left behind. */
static void
memory_all_gone(void)
{
	struct rib	*rib = rib_new();
	struct rib_stats st;
	struct rib_attrs *a[50];
	struct prefix	 p;
	unsigned	 i, s;

	for (s = 1; s <= 3; s++)
		rib_source_add(rib, "s");
	for (i = 0; i < 50; i++)
		a[i] = A(rib, i);
	memset(&p, 0, sizeof(p));
	p.af = PREFIX_AF_IPV4;
	for (s = 1; s <= 3; s++)
		for (i = 0; i < 30000; i++) {
			p.len = (uint8_t)(16 + i % 9);
			p.addr[0] = 10;
			p.addr[1] = (uint8_t)(i >> 8);
			p.addr[2] = (uint8_t)i;
			prefix_mask(&p);
			UT_ASSERT(rib_route_update(rib, (uint16_t)s, s == 3 ? i % 2 : 0,
			    &p, a[i % 50], 0) != RIB_ERR);
		}
	for (i = 0; i < 50; i++)
		rib_attrs_unref(rib, a[i]);
	rib_stats(rib, &st);
	UT_ASSERT(st.routes > 0);
	UT_ASSERT(st.bytes > 0);
	UT_EQ_INT(rib_source_withdraw_all(rib, 2) + rib_source_withdraw_all(rib, 1) +
	    rib_source_withdraw_all(rib, 3), st.routes);
	assert_empty(rib);
	rib_free(rib);
}

/* Compaction keeps the content; trimming gives the old chunks back. */
static void
compact_and_trim(void)
{
	struct rib	*rib = rib_new();
	struct rib_stats st0, st1, st2, ste;
	struct collect	 c0, c1;
	struct rib_attrs *a;
	struct prefix	 p;
	unsigned	 i;

	rib_stats(rib, &ste);	/* the fixed part: first-stride tables */
	a = A(rib, 1);
	rib_source_add(rib, "s");
	memset(&p, 0, sizeof(p));
	p.af = PREFIX_AF_IPV4;
	for (i = 0; i < 60000; i++) {
		p.addr[0] = (uint8_t)(i * 7919 >> 8);
		p.addr[1] = (uint8_t)(i * 7919);
		p.addr[2] = (uint8_t)i;
		p.len = (uint8_t)(8 + i % 17);
		prefix_mask(&p);
		UT_ASSERT(rib_route_update(rib, 1, 0, &p, a, 0) != RIB_ERR);
	}
	p.af = PREFIX_AF_IPV6;
	p.len = 48;
	UT_EQ_INT(rib_route_update(rib, 1, 0, &p, a, 0), RIB_OK);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st0);
	memset(&c0, 0, sizeof(c0));
	c0.stop_at = 60;
	rib_walk(rib, collect_cb, &c0);
	UT_EQ_INT(rib_compact(rib), 0);
	rib_stats(rib, &st1);
	/* The old copy may still wait for its grace period. */
	UT_ASSERT(st1.nodes >= st0.nodes && st1.nodes <= 2 * st0.nodes);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st2);
	UT_EQ_INT(st2.nodes, st0.nodes);
	UT_EQ_INT(st2.routes, st0.routes);
	UT_ASSERT(st2.bytes_free < st2.bytes / 4);
	UT_ASSERT(st2.bytes <= st0.bytes + st0.bytes / 8);
	memset(&c1, 0, sizeof(c1));
	c1.stop_at = 60;
	rib_walk(rib, collect_cb, &c1);
	UT_EQ_INT(c1.n, c0.n);
	for (i = 0; i < c0.n; i++)
		UT_EQ_STR(c1.s[i], c0.s[i]);
	/* Released chunks are reused. */
	UT_EQ_INT(rib_compact(rib), 0);
	rib_reclaim_sync(rib);
	rib_attrs_unref(rib, a);
	UT_EQ_INT(rib_source_withdraw_all(rib, 1), st0.routes);
	assert_empty(rib);
	rib_stats(rib, &st1);
	UT_ASSERT(st1.bytes - ste.bytes < (st0.bytes - ste.bytes) / 4);
	rib_free(rib);
}

/* The reader API also works on the writer's own thread. */
static void
reader_same_thread(void)
{
	struct rib	*rib = rib_new();
	struct rib_reader *r = rib_reader_new(rib);
	struct rib_route rt[1];
	struct prefix	 q = P("10.0.0.0/8");

	UT_ASSERT(r != NULL);
	rib_source_add(rib, "s");
	UT_EQ_INT(upd(rib, 1, 0, "10.0.0.0/8", 1), RIB_OK);
	rib_read_lock(r);
	UT_EQ_INT(rib_lookup_exact(rib, &q, rt, 1), 1);
	rib_read_unlock(r);
	rib_reader_free(r);
	rib_source_withdraw_all(rib, 1);
	assert_empty(rib);
	rib_free(rib);
}

/*
 * Lookups descend by the query's bits and compare one key at the end: queries
 * whose path leaves the table's keys at any depth, host addresses beside
 * existing prefixes, every stored prefix, before and after compaction; IPv4
 * and IPv6, /0 and host routes, against the model.
 */
static void
lookups_dense(void)
{
	struct rib	*rib = rib_new();
	struct model	 m = { NULL, 0, 0 };
	struct mroute	 k;
	struct rib_attrs *a;
	struct prefix	 q, *qs;
	unsigned	 i, pass, b, max;
	size_t		 j, nq;

	srand(7);
	qs = calloc(2 * 1500 + 2500 + 4, sizeof(*qs));
	UT_ASSERT(qs != NULL);
	for (i = 0; i < 3; i++)
		rib_source_add(rib, "src");
	for (i = 0; i < 2500; i++) {
		memset(&k, 0, sizeof(k));
		k.p = rand_prefix(i % 2);
		k.src = (uint16_t)(1 + rand() % 3);
		k.an = (unsigned)(rand() % 25);
		a = A(rib, k.an);
		UT_ASSERT(rib_route_update(rib, k.src, 0, &k.p, a, 0) != RIB_ERR);
		rib_attrs_unref(rib, a);
		model_set(&m, &k);
	}
	for (pass = 0; pass < 2; pass++) {
		nq = 0;
		for (j = 0; j < m.n; j += 1 + pass * 3) {
			check_lookups(rib, &m, &m.r[j].p);
			qs[nq++] = m.r[j].p;
		}
		for (i = 0; i < 1500; i++) {
			/* A stored prefix with random bits after it, at a random length. */
			q = m.r[(size_t)rand() % m.n].p;
			max = prefix_maxlen(q.af);
			for (b = q.len; b < max; b++)
				if (rand() % 2)
					q.addr[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
			q.len = (uint8_t)(i % 3 == 0 ? max : q.len + (unsigned)rand() %
			    (max - q.len + 1));
			prefix_mask(&q);
			check_lookups(rib, &m, &q);
			qs[nq++] = q;
			q = rand_prefix(i % 2);
			check_lookups(rib, &m, &q);
			qs[nq++] = q;
		}
		/* bad prefixes inside a batch */
		memset(&qs[nq], 0, sizeof(qs[nq]));
		qs[nq + 1] = qs[0];
		qs[nq + 1].len = 200;
		nq += 2;
		check_many(rib, qs, nq);
		UT_EQ_INT(rib_compact(rib), 0);
		rib_reclaim_sync(rib);
	}
	for (i = 1; i <= 3; i++)
		rib_source_withdraw_all(rib, (uint16_t)i);
	assert_empty(rib);
	free(m.r);
	free(qs);
	rib_free(rib);
}

/*
 * Compaction of large first-stride subtrees: one IPv4 /18 and one IPv6 /16 (the
 * strides) with hundreds of prefixes each, plus short prefixes in the root trie, must give
 * the same lookups and walks as the model after it, and again after changes
 * made on the compacted copy.
 */
static void
compact_big_subtree(void)
{
	struct rib	*rib = rib_new();
	struct model	 m = { NULL, 0, 0 };
	struct mroute	 k;
	struct rib_attrs *a;
	struct prefix	 q;
	unsigned	 i, b, sb, round;
	size_t		 j;

	srand(11);
	for (i = 0; i < 3; i++)
		rib_source_add(rib, "src");
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 1200; i++) {
			memset(&k, 0, sizeof(k));
			k.p = rand_prefix(i % 2);
			/* Same first sb bits (the stride) for all but the short ones. */
			sb = i % 2 ? 16 : 18;	/* TOP_BITS6, TOP_BITS4 */
			k.p.addr[1] = 1;
			k.p.addr[2] &= (uint8_t)~0xc0;
			if (k.p.len < sb && i % 7 != 0)
				k.p.len = (uint8_t)(sb + (unsigned)rand() %
				    (prefix_maxlen(k.p.af) - sb + 1));
			for (b = sb; b < 32; b++)
				if (rand() % 2)
					k.p.addr[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
			prefix_mask(&k.p);
			k.src = (uint16_t)(1 + rand() % 3);
			k.an = (unsigned)(rand() % 25);
			a = A(rib, k.an);
			UT_ASSERT(rib_route_update(rib, k.src, 0, &k.p, a, 0) != RIB_ERR);
			rib_attrs_unref(rib, a);
			model_set(&m, &k);
		}
		UT_EQ_INT(rib_compact(rib), 0);
		rib_reclaim_sync(rib);
		for (j = 0; j < m.n; j += 3)
			check_lookups(rib, &m, &m.r[j].p);
		for (i = 0; i < 300; i++) {
			q = m.r[(size_t)rand() % m.n].p;
			q.len = (uint8_t)prefix_maxlen(q.af);
			q.addr[prefix_addrlen(q.af) - 1] ^= (uint8_t)rand();
			check_lookups(rib, &m, &q);
		}
		mw_run(rib, &m, 0, NULL, 0);
		/* Withdraw a third, so the next round changes a compacted trie. */
		for (j = m.n; j-- > 0; )
			if (j % 3 == round % 3) {
				UT_ASSERT(rib_route_withdraw(rib, m.r[j].src, 0,
				    &m.r[j].p) != RIB_ERR);
				model_del(&m, j);
			}
		check_all(rib, &m, 1);
	}
	for (i = 1; i <= 3; i++)
		rib_source_withdraw_all(rib, (uint16_t)i);
	assert_empty(rib);
	free(m.r);
	rib_free(rib);
}

UT_MAIN(UT_CASE(basic_ops), UT_CASE(bad_args), UT_CASE(default_and_host),
    UT_CASE(addpath_and_big_sets), UT_CASE(walks), UT_CASE(interning),
    UT_CASE(set_state), UT_CASE(model_v4), UT_CASE(model_v6), UT_CASE(model_seeds),
    UT_CASE(memory_all_gone), UT_CASE(compact_and_trim), UT_CASE(reader_same_thread),
    UT_CASE(lookups_dense), UT_CASE(compact_big_subtree))
