/*
 * The VRP table and RFC 6811 route origin validation: every outcome, max-length
 * edges, AS0 VRPs, AS_SET origins, IPv6, several covering VRPs, reference counts,
 * pruning, and a randomized comparison against a brute-force validator.
 */
#include <stdio.h>

#include "bgp/prefix.h"
#include "rtr/rtr_vrp.h"
#include "tests/unit/ut.h"

static struct rtr_vrp
V(const char *pfx, unsigned maxlen, uint32_t asn)
{
	struct rtr_vrp v;

	memset(&v, 0, sizeof(v));
	if (prefix_parse(pfx, &v.prefix) != 0)
		ut_fail(__FILE__, __LINE__, "bad prefix %s", pfx);
	v.maxlen = (uint8_t)maxlen;
	v.asn = asn;
	return v;
}

static int
add(struct rtr_vrp_store *s, const char *pfx, unsigned maxlen, uint32_t asn)
{
	struct rtr_vrp v = V(pfx, maxlen, asn);

	return rtr_vrp_add(s, &v);
}

static int
del(struct rtr_vrp_store *s, const char *pfx, unsigned maxlen, uint32_t asn)
{
	struct rtr_vrp v = V(pfx, maxlen, asn);

	return rtr_vrp_del(s, &v);
}

static enum rtr_rov
rov(const struct rtr_vrp_store *s, const char *pfx, uint64_t origin)
{
	struct prefix p;

	if (prefix_parse(pfx, &p) != 0)
		ut_fail(__FILE__, __LINE__, "bad prefix %s", pfx);
	return rtr_rov_validate(s, &p, origin);
}

static void
outcomes_v4(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();

	UT_ASSERT(s != NULL);
	UT_EQ_INT(add(s, "10.0.0.0/16", 24, 64500), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "10.0.0.0/16", 64500), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "10.0.5.0/24", 64500), RTR_ROV_VALID);	/* exactly maxlen */
	UT_EQ_INT(rov(s, "10.0.5.0/25", 64500), RTR_ROV_INVALID_LEN);	/* maxlen + 1 */
	UT_EQ_INT(rov(s, "10.0.5.1/32", 64500), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "10.0.5.0/24", 64501), RTR_ROV_INVALID_AS);
	UT_EQ_INT(rov(s, "10.0.0.0/15", 64500), RTR_ROV_NOT_FOUND);	/* less specific */
	UT_EQ_INT(rov(s, "10.1.0.0/16", 64500), RTR_ROV_NOT_FOUND);	/* sibling */
	UT_EQ_INT(rov(s, "0.0.0.0/0", 64500), RTR_ROV_NOT_FOUND);
	UT_EQ_STR(rtr_rov_str(RTR_ROV_INVALID_LEN), "invalid-length");
	UT_EQ_STR(rtr_rov_str(RTR_ROV_NOT_FOUND), "not-found");
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV4), 1);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV6), 0);
	rtr_vrp_free(s);
}

static void
bad_input(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();
	struct rtr_vrp v;

	UT_EQ_INT(add(s, "10.0.0.0/16", 15, 64500), RTR_VRP_ERR);	/* maxlen < len */
	UT_EQ_INT(add(s, "10.0.0.0/16", 33, 64500), RTR_VRP_ERR);
	UT_EQ_INT(add(s, "2001:db8::/32", 129, 64500), RTR_VRP_ERR);
	UT_EQ_INT(del(s, "10.0.0.0/16", 15, 64500), RTR_VRP_ERR);
	memset(&v, 0, sizeof(v));
	UT_EQ_INT(rtr_vrp_add(s, &v), RTR_VRP_ERR);		/* af NONE */
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), 0);
	UT_EQ_INT(rov(s, "10.0.0.0/16", 64500), RTR_ROV_NOT_FOUND);
	/* host bits are ignored on input: the VRP is stored masked */
	UT_EQ_INT(add(s, "10.0.0.0/32", 32, 1), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "0.0.0.0/0", 0, 2), RTR_VRP_NEW);	/* /0 with maxlen 0 */
	UT_EQ_INT(rov(s, "0.0.0.0/0", 2), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "10.0.0.0/32", 2), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "10.0.0.0/32", 1), RTR_ROV_VALID);
	rtr_vrp_free(s);
}

static void
as0(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();

	UT_EQ_INT(add(s, "192.0.2.0/24", 32, 0), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "192.0.2.0/24", 0), RTR_ROV_INVALID_AS);
	UT_EQ_INT(rov(s, "192.0.2.128/25", 64500), RTR_ROV_INVALID_AS);
	/* an AS0 VRP next to a real one does not spoil the real one */
	UT_EQ_INT(add(s, "192.0.2.0/24", 24, 64500), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "192.0.2.0/24", 64500), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "192.0.2.0/25", 64500), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "192.0.2.0/24", 0), RTR_ROV_INVALID_AS);
	rtr_vrp_free(s);
}

static void
as_set_origin(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();

	UT_EQ_INT(add(s, "198.51.100.0/24", 24, 64500), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "198.51.100.0/24", RTR_ORIGIN_SET), RTR_ROV_INVALID_AS);
	UT_EQ_INT(rov(s, "198.51.0.0/16", RTR_ORIGIN_SET), RTR_ROV_NOT_FOUND);
	UT_EQ_INT(rov(s, "198.51.100.0/24", 64500), RTR_ROV_VALID);
	rtr_vrp_free(s);
}

static void
ipv6(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();

	UT_EQ_INT(add(s, "2001:db8::/32", 48, 64500), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "2001:db8:ff00::/40", 128, 64501), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "2001:db8:1::/48", 64500), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "2001:db8:1::/49", 64500), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "2001:db8:ff00::1/128", 64501), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "2001:db8:ff00::1/128", 64500), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "2001:db8:fe00::/40", 64501), RTR_ROV_INVALID_AS);
	UT_EQ_INT(rov(s, "2001:db9::/32", 64500), RTR_ROV_NOT_FOUND);
	/* same bytes in the other family are a different table */
	UT_EQ_INT(rov(s, "32.1.13.184/32", 64500), RTR_ROV_NOT_FOUND);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV6), 2);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), 2);
	rtr_vrp_free(s);
}

static int
collect(const struct rtr_vrp *v, void *arg)
{
	char *out = arg, buf[PREFIX_STRLEN];
	size_t l = strlen(out);

	snprintf(out + l, 512 - l, "%s-%u:%u ", prefix_fmt(&v->prefix, buf, sizeof(buf)),
	    v->maxlen, v->asn);
	return 0;
}

static void
multiple_covering(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();
	char out[512] = "";
	struct prefix p;

	UT_EQ_INT(add(s, "10.0.0.0/8", 8, 1), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "10.16.0.0/12", 24, 2), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "10.16.0.0/12", 16, 3), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "10.16.0.0/12", 20, 3), RTR_VRP_NEW);
	UT_EQ_INT(add(s, "10.16.4.0/22", 22, 4), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "10.16.4.0/24", 1), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "10.16.4.0/24", 2), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "10.16.4.0/20", 3), RTR_ROV_VALID);	/* the /20 entry */
	UT_EQ_INT(rov(s, "10.16.4.0/21", 3), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "10.16.4.0/22", 4), RTR_ROV_VALID);
	UT_EQ_INT(rov(s, "10.16.4.0/23", 4), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(rov(s, "10.16.4.0/24", 5), RTR_ROV_INVALID_AS);
	UT_EQ_INT(prefix_parse("10.16.4.0/24", &p), 0);
	UT_EQ_INT(rtr_vrp_covering(s, &p, collect, out), 5);
	UT_EQ_STR(out, "10.0.0.0/8-8:1 10.16.0.0/12-24:2 10.16.0.0/12-16:3 "
	    "10.16.0.0/12-20:3 10.16.4.0/22-22:4 ");
	rtr_vrp_free(s);
}

static void
refcounts(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();
	struct rtr_vrp v = V("203.0.113.0/24", 24, 64500);

	UT_EQ_INT(rtr_vrp_add(s, &v), RTR_VRP_NEW);
	UT_EQ_INT(rtr_vrp_add(s, &v), RTR_VRP_REF);	/* a second cache */
	UT_EQ_INT(rtr_vrp_add(s, &v), RTR_VRP_REF);	/* and a file */
	UT_EQ_INT(rtr_vrp_refs(s, &v), 3);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV4), 1);
	UT_EQ_INT(rtr_vrp_del(s, &v), RTR_VRP_REF);
	UT_EQ_INT(rtr_vrp_del(s, &v), RTR_VRP_REF);
	UT_EQ_INT(rov(s, "203.0.113.0/24", 64500), RTR_ROV_VALID);
	UT_EQ_INT(rtr_vrp_del(s, &v), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "203.0.113.0/24", 64500), RTR_ROV_NOT_FOUND);
	UT_EQ_INT(rtr_vrp_del(s, &v), RTR_VRP_ABSENT);
	UT_EQ_INT(rtr_vrp_refs(s, &v), 0);
	UT_EQ_INT(del(s, "203.0.113.0/24", 24, 64501), RTR_VRP_ABSENT);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV4), 0);
	rtr_vrp_free(s);
}

static void
walk_order(void)
{
	struct rtr_vrp_store *s = rtr_vrp_new();
	char out[512] = "";

	add(s, "2001:db8::/32", 32, 9);
	add(s, "10.128.0.0/9", 9, 3);
	add(s, "10.0.0.0/8", 8, 1);
	add(s, "10.0.0.0/9", 9, 2);
	add(s, "9.0.0.0/8", 8, 4);
	UT_EQ_INT(rtr_vrp_walk(s, collect, out), 0);
	UT_EQ_STR(out, "9.0.0.0/8-8:4 10.0.0.0/8-8:1 10.0.0.0/9-9:2 10.128.0.0/9-9:3 "
	    "2001:db8::/32-32:9 ");
	/* removing the /8 keeps a branch point; removing the /9s prunes it */
	UT_EQ_INT(del(s, "10.0.0.0/8", 8, 1), RTR_VRP_NEW);
	UT_EQ_INT(rov(s, "10.200.0.0/16", 3), RTR_ROV_INVALID_LEN);
	UT_EQ_INT(del(s, "10.0.0.0/9", 9, 2), RTR_VRP_NEW);
	UT_EQ_INT(del(s, "10.128.0.0/9", 9, 3), RTR_VRP_NEW);
	out[0] = '\0';
	UT_EQ_INT(rtr_vrp_walk(s, collect, out), 0);
	UT_EQ_STR(out, "9.0.0.0/8-8:4 2001:db8::/32-32:9 ");
	rtr_vrp_free(s);
}

static void
roots(void)
{
	struct prefix p[6];
	char buf[PREFIX_STRLEN];
	const char *in[6] = { "10.1.0.0/16", "10.0.0.0/8", "192.0.2.0/24",
	    "192.0.2.0/25", "2001:db8::/32", "11.0.0.0/8" };
	size_t i, n;

	for (i = 0; i < 6; i++)
		UT_EQ_INT(prefix_parse(in[i], &p[i]), 0);
	n = rtr_vrp_roots(p, 6);
	UT_EQ_INT(n, 4);
	UT_EQ_STR(prefix_fmt(&p[0], buf, sizeof(buf)), "10.0.0.0/8");
	UT_EQ_STR(prefix_fmt(&p[1], buf, sizeof(buf)), "11.0.0.0/8");
	UT_EQ_STR(prefix_fmt(&p[2], buf, sizeof(buf)), "192.0.2.0/24");
	UT_EQ_STR(prefix_fmt(&p[3], buf, sizeof(buf)), "2001:db8::/32");
	UT_EQ_INT(rtr_vrp_roots(p, 0), 0);
}

/* Deterministic pseudo-random numbers (xorshift32). */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

#define NV	3000

static enum rtr_rov
brute(const struct rtr_vrp *v, const int *live, size_t n, const struct prefix *p,
    uint32_t origin)
{
	int covered = 0, toolong = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!live[i] || !prefix_contains(&v[i].prefix, p))
			continue;
		covered = 1;
		if (v[i].asn == 0 || v[i].asn != origin)
			continue;
		if (p->len <= v[i].maxlen)
			return RTR_ROV_VALID;
		toolong = 1;
	}
	return !covered ? RTR_ROV_NOT_FOUND : toolong ? RTR_ROV_INVALID_LEN :
	    RTR_ROV_INVALID_AS;
}

static void
random_vs_brute(void)
{
	static struct rtr_vrp v[NV];
	static int live[NV];
	struct rtr_vrp_store *s = rtr_vrp_new();
	struct prefix p;
	uint32_t x = 12345, r;
	size_t i, q, nlive = 0;

	for (i = 0; i < NV; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].prefix.af = (i % 4 == 0) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
		r = rnd(&x);
		/* a small address space so that prefixes nest and collide */
		v[i].prefix.addr[0] = (uint8_t)(10 + (r & 1));
		v[i].prefix.addr[1] = (uint8_t)((r >> 1) & 0x0f);
		v[i].prefix.addr[2] = (uint8_t)(r >> 8);
		v[i].prefix.len = (uint8_t)(8 + (rnd(&x) % 17));
		prefix_mask(&v[i].prefix);
		v[i].maxlen = (uint8_t)(v[i].prefix.len + rnd(&x) % 6);
		v[i].asn = rnd(&x) % 8;
		live[i] = rtr_vrp_add(s, &v[i]) == RTR_VRP_NEW;
		if (!live[i])	/* a duplicate: drop the extra reference again */
			UT_EQ_INT(rtr_vrp_del(s, &v[i]), RTR_VRP_REF);
		nlive += (size_t)live[i];
	}
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), nlive);
	for (i = 0; i < NV; i += 2) {	/* remove half of them again */
		if (!live[i])
			continue;
		UT_EQ_INT(rtr_vrp_del(s, &v[i]), RTR_VRP_NEW);
		live[i] = 0;
		nlive--;
	}
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), nlive);
	for (q = 0; q < 6000; q++) {
		memset(&p, 0, sizeof(p));
		p.af = (q % 4 == 0) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
		r = rnd(&x);
		p.addr[0] = (uint8_t)(10 + (r & 1));
		p.addr[1] = (uint8_t)((r >> 1) & 0x0f);
		p.addr[2] = (uint8_t)(r >> 8);
		p.addr[3] = (uint8_t)(r >> 16);
		p.len = (uint8_t)(8 + rnd(&x) % 25);
		prefix_mask(&p);
		r = rnd(&x) % 8;
		UT_EQ_INT(rtr_rov_validate(s, &p, r), brute(v, live, NV, &p, r));
	}
	for (i = 0; i < NV; i++)
		if (live[i])
			UT_EQ_INT(rtr_vrp_del(s, &v[i]), RTR_VRP_NEW);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_NONE), 0);
	UT_EQ_INT(rtr_vrp_walk(s, collect, NULL), 0);
	rtr_vrp_free(s);
}

static int
pfx_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

#define NQ	20000

/*
 * The cursor (in step with an address-ordered walk) against per-route validation
 * from the root: the same answers on a random VRP set, for sorted queries (what a
 * RIB walk does, more-specifics right after their covering prefix) and for queries
 * in random order, IPv4 and IPv6 mixed.
 */
static void
cursor_vs_validate(void)
{
	static struct prefix q[NQ];
	static uint32_t orig[NQ];
	struct rtr_vrp_store *s = rtr_vrp_new();
	struct rtr_rov_cursor cur;
	struct rtr_vrp v;
	uint32_t x = 4242, r;
	size_t i, round, same = 0, valid = 0, invalid = 0;

	for (i = 0; i < NV; i++) {
		memset(&v, 0, sizeof(v));
		v.prefix.af = (i % 5 == 0) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
		r = rnd(&x);
		v.prefix.addr[0] = (uint8_t)(10 + (r & 1));
		v.prefix.addr[1] = (uint8_t)((r >> 1) & 0x0f);
		v.prefix.addr[2] = (uint8_t)(r >> 8);
		v.prefix.len = (uint8_t)(6 + (rnd(&x) % 19));
		prefix_mask(&v.prefix);
		v.maxlen = (uint8_t)(v.prefix.len + rnd(&x) % 6);
		v.asn = rnd(&x) % 8;
		(void)rtr_vrp_add(s, &v);
	}
	for (i = 0; i < NQ; i++) {
		memset(&q[i], 0, sizeof(q[i]));
		q[i].af = (i % 5 == 0) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
		r = rnd(&x);
		q[i].addr[0] = (uint8_t)(10 + (r & 1));
		q[i].addr[1] = (uint8_t)((r >> 1) & 0x0f);
		q[i].addr[2] = (uint8_t)(r >> 8);
		q[i].addr[3] = (uint8_t)(r >> 16);
		q[i].len = (uint8_t)(rnd(&x) % 33);
		prefix_mask(&q[i]);
		orig[i] = rnd(&x) % 9;	/* 8: an origin no VRP has */
	}
	for (round = 0; round < 2; round++) {
		if (round == 1)	/* address order, as the RIB walk gives them */
			qsort(q, NQ, sizeof(q[0]), pfx_cmp);
		rtr_rov_cursor_init(&cur, s);
		for (i = 0; i < NQ; i++) {
			enum rtr_rov a = rtr_rov_validate(s, &q[i], orig[i]);
			enum rtr_rov b = rtr_rov_cursor_validate(&cur, &q[i], orig[i]);

			if (a != b) {
				char buf[PREFIX_STRLEN];

				ut_fail(__FILE__, __LINE__, "%s AS%u: %s vs cursor %s",
				    prefix_fmt(&q[i], buf, sizeof(buf)), orig[i],
				    rtr_rov_str(a), rtr_rov_str(b));
			}
			same++;
			valid += a == RTR_ROV_VALID;
			invalid += a == RTR_ROV_INVALID_AS || a == RTR_ROV_INVALID_LEN;
			/* AS_SET origins: covered means invalid, as from the root */
			UT_EQ_INT(rtr_rov_cursor_validate(&cur, &q[i], RTR_ORIGIN_SET),
			    rtr_rov_validate(s, &q[i], RTR_ORIGIN_SET));
		}
	}
	UT_EQ_INT(same, 2 * NQ);
	/* the set exercises every outcome */
	UT_ASSERT(valid > 100);
	UT_ASSERT(invalid > 100);
	rtr_vrp_free(s);
}

static void
free_null(void)
{
	rtr_vrp_free(NULL);
	UT_ASSERT(1);
}

struct vlist {
	struct rtr_vrp	*v;
	size_t		 n, cap;
};

static int
list_add(const struct rtr_vrp *v, void *arg)
{
	struct vlist *l = arg;

	if (l->n == l->cap)
		return -1;
	l->v[l->n++] = *v;
	return 0;
}

/* The walk in pieces of any size visits what the whole walk does, in order. */
static void
walk_from_pieces(void)
{
	static struct rtr_vrp	 all[NV], got[NV];
	static const size_t	 sizes[] = { 1, 2, 7, 64, NV };
	struct rtr_vrp_store	*s = rtr_vrp_new();
	struct vlist		 a = { all, 0, NV }, g;
	struct rtr_vrp		 v;
	struct prefix		 at;
	uint32_t		 x = 777, r;
	size_t			 i, k, calls;
	int			 more;

	for (i = 0; i < NV; i++) {
		memset(&v, 0, sizeof(v));
		v.prefix.af = (i % 3 == 0) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
		r = rnd(&x);
		v.prefix.addr[0] = (uint8_t)(10 + (r & 1));
		v.prefix.addr[1] = (uint8_t)((r >> 1) & 0x0f);
		v.prefix.addr[2] = (uint8_t)(r >> 8);
		v.prefix.len = (uint8_t)(8 + (rnd(&x) % 17));
		prefix_mask(&v.prefix);
		v.maxlen = (uint8_t)(v.prefix.len + rnd(&x) % 4);
		v.asn = rnd(&x) % 4;
		UT_ASSERT(rtr_vrp_add(s, &v) != RTR_VRP_ERR);
	}
	UT_EQ_INT(rtr_vrp_walk(s, list_add, &a), 0);
	UT_EQ_INT(a.n, rtr_vrp_count(s, PREFIX_AF_NONE));
	UT_ASSERT(a.n > 100);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		g = (struct vlist){ got, 0, NV };
		calls = 0;
		more = rtr_vrp_walk_from(s, NULL, sizes[k], list_add, &g, &at);
		for (calls = 1; more == 1 && calls <= NV; calls++)
			more = rtr_vrp_walk_from(s, &at, sizes[k], list_add, &g, &at);
		UT_EQ_INT(more, 0);
		UT_EQ_INT(g.n, a.n);
		for (i = 0; i < a.n; i++)
			UT_ASSERT(prefix_cmp(&got[i].prefix, &all[i].prefix) == 0 &&
			    got[i].maxlen == all[i].maxlen && got[i].asn == all[i].asn);
		if (sizes[k] == 1)	/* one prefix per call at most (a few VRPs each) */
			UT_ASSERT(calls > a.n / 4);
	}
	/* an empty store is complete at once */
	rtr_vrp_free(s);
	s = rtr_vrp_new();
	UT_EQ_INT(rtr_vrp_walk_from(s, NULL, 1, list_add, &a, &at), 0);
	rtr_vrp_free(s);
}

UT_MAIN(UT_CASE(outcomes_v4), UT_CASE(bad_input), UT_CASE(as0), UT_CASE(as_set_origin),
    UT_CASE(ipv6), UT_CASE(multiple_covering), UT_CASE(refcounts), UT_CASE(walk_order),
    UT_CASE(roots), UT_CASE(random_vs_brute), UT_CASE(cursor_vs_validate), UT_CASE(walk_from_pieces),
    UT_CASE(free_null))
