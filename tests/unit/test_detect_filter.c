/*
 * The detection engine's prefilter (agent/detect_int.h struct dspace, the
 * per-attribute-set path facts): every route a rule needs passes it, and the
 * common route does not. Directly on the space map (monitored prefixes, their
 * more-specifics, bogon space, prefixes with a record; IPv4 and IPv6; what a
 * reload changes), and end to end through detect_route(): the alerts that
 * depend on routes getting through (and on withdrawals getting through)
 * still raise and clear.
 */
#include <stdio.h>
#include <string.h>

#include "agent/detect_int.h"
#include "tests/unit/detect_ut.h"
#include "tests/unit/ut.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define R(x)	"    " x ":\n      clear-after: 0s\n"
static const char det_base[] =
    "detection:\n  rules:\n" R("hijack") R("sub-prefix-hijack") R("new-prefix")
    R("bogon") R("new-neighbor");
static const char det_nobogon[] =
    "detection:\n  rules:\n" R("hijack") R("new-prefix")
    "  bogons:\n    prefixes: false\n";

static const char pfx_mix[] =
    "208.65.152.0/22:\n  asn: 36561\n"		/* inside a /16: a block */
    "44.0.0.0/8:\n  asn: 7377\n"		/* shorter than /16: full /16s */
    "8.8.8.0/24:\n  asn: 15169\n"
    "2a00:1450::/32:\n  asn: 15169\n"
    "2a03:2880::/29:\n  asn: 32934\n"
    "options:\n  monitorASns:\n    '36561': {}\n";

static int
has(const struct dut *t, const char *txt)
{
	struct prefix p;

	if (prefix_parse(txt, &p) != 0)
		ut_fail(__FILE__, __LINE__, "bad prefix %s", txt);
	return dspace_has(t->d, &p);
}

/* Every prefix of in passes the filter, none of out does (line: the caller's). */
static void
space_is(const struct dut *t, const char *const *in, size_t nin, const char *const *out,
    size_t nout, int line)
{
	size_t	 i;

	for (i = 0; i < nin; i++)
		if (!has(t, in[i]))
			ut_fail(__FILE__, line, "%s filtered out", in[i]);
	for (i = 0; i < nout; i++)
		if (has(t, out[i]))
			ut_fail(__FILE__, line, "%s passes", out[i]);
}
#define SPACE_IS(t, in, out)	space_is((t), (in), N(in), (out), N(out), __LINE__)

static const char *
mon(const struct dut *t, const char *txt, char *buf)
{
	const struct dpfx	*e;
	struct prefix		 p;

	UT_EQ_INT(prefix_parse(txt, &p), 0);
	if ((e = dindex_mon(t->d, &p)) == NULL)
		return "none";
	return prefix_fmt(&e->cp->prefix, buf, PREFIX_STRLEN);
}

/* Monitored IPv4 prefixes and everything inside them pass; neighbours and
 * less-specifics (no prefix rule covers them) do not. */
static void
t_space_v4(void)
{
	static const char *in[] = { "208.65.152.0/22", "208.65.153.0/24",
	    "208.65.155.128/25", "208.65.152.0/32", "44.0.0.0/8", "44.200.1.0/24",
	    "44.255.255.255/32", "8.8.8.0/24", "8.8.8.8/32" };
	static const char *out[] = { "208.65.156.0/24", "208.65.148.0/22",
	    "208.64.0.0/14", "8.8.4.0/24", "8.8.9.0/24", "8.0.0.0/9", "1.1.1.0/24",
	    "45.0.0.0/8", "43.255.255.0/24" };
	char		 buf[PREFIX_STRLEN];
	struct dut	 t;

	dut_init(&t, det_nobogon, pfx_mix);
	SPACE_IS(&t, in, out);
	UT_EQ_STR(mon(&t, "208.65.153.0/24", buf), "208.65.152.0/22");
	UT_EQ_STR(mon(&t, "44.200.1.0/24", buf), "44.0.0.0/8");
	UT_EQ_STR(mon(&t, "208.64.0.0/14", buf), "none");
	UT_EQ_STR(mon(&t, "8.8.4.0/24", buf), "none");
	dut_fini(&t);
}

/* IPv6: cells are /32s; a /29 marks its eight. */
static void
t_space_v6(void)
{
	static const char *in[] = { "2a00:1450::/32", "2a00:1450:4001::/48",
	    "2a00:1450:ffff:ff00::/56", "2a03:2880::/29", "2a03:2887:ff00::/40",
	    "2a03:2884::/32" };
	static const char *out[] = { "2a00:1451::/32", "2a00:144f::/32", "2a00::/12",
	    "2a03:2888::/32", "2a03:287f::/32", "2001:4860::/32" };
	char		 buf[PREFIX_STRLEN];
	struct dut	 t;

	dut_init(&t, det_nobogon, pfx_mix);
	SPACE_IS(&t, in, out);
	UT_EQ_STR(mon(&t, "2a03:2887:ff00::/40", buf), "2a03:2880::/29");
	dut_fini(&t);
}

/* Bogon space passes (with its exceptions: the rules decide), and only when
 * bogon prefixes are checked. */
static void
t_space_bogons(void)
{
	static const char *in[] = { "10.20.30.0/24", "10.0.0.0/8", "100.64.1.0/24",
	    "192.168.1.0/24", "172.31.0.0/16", "192.0.0.9/32", "203.0.113.0/25",
	    "2001:db8:1::/48", "fd12:3456::/32", "2001::/32", "3fff:100::/24" };
	static const char *out[] = { "11.0.0.0/8", "192.175.48.0/24",
	    "100.128.0.0/10", "2a00:1450::/32", "2001:200::/32" };
	struct dut	 t;

	dut_init(&t, det_base, NULL);
	SPACE_IS(&t, in, out);
	dut_fini(&t);
	dut_init(&t, det_nobogon, NULL);
	UT_ASSERT(!has(&t, "10.20.30.0/24"));
	UT_ASSERT(!has(&t, "2001:db8:1::/48"));
	dut_fini(&t);
}

/*
 * Records: a new-prefix alert outside any monitored prefix (a less-specific,
 * a neighbour in a /16 with a block, a /16 with none) marks its prefix, so the
 * withdrawal (no attributes to judge) gets through and clears it. A route of a
 * monitored AS passes by its attributes wherever it is.
 */
static void
t_space_records(void)
{
	static const uint32_t p[] = { 3356, 36561 };
	static const char *pf[] = { "208.64.0.0/14", "8.8.9.0/24", "199.223.232.0/21",
	    "2a00:1451::/32" };
	struct dut	 t;
	uint16_t	 s1;
	size_t		 i;

	dut_init(&t, det_nobogon, pfx_mix);
	s1 = dut_source(&t, "rs1");
	for (i = 0; i < N(pf); i++)
		UT_ASSERT(!has(&t, pf[i]));
	for (i = 0; i < N(pf); i++)
		dut_path(&t, s1, pf[i], p, N(p));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_RAISED), 1);
	UT_EQ_INT(t.d->htcount, 4);
	for (i = 0; i < N(pf); i++)
		if (!has(&t, pf[i]))
			ut_fail(__FILE__, __LINE__, "record %s filtered out", pf[i]);
	UT_ASSERT(!has(&t, "8.8.10.0/24"));	/* a block: only the record's cell */
	UT_ASSERT(has(&t, "199.223.0.0/24"));	/* no block: the /16 is full */
	for (i = 0; i < N(pf); i++) {	/* clears only when every one got through */
		dut_withdraw(&t, s1, pf[i]);
		dut_tick(&t, 1000);
		UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_CLEARED),
		    i + 1 == N(pf));
	}
	UT_EQ_INT(t.d->htcount, 0);
	dut_fini(&t);
}

/* Routes outside the marked space that still matter, by their attributes: a
 * bogon AS in the path, a monitored AS's neighbour; and hijacks inside it. */
static void
t_filter_routes(void)
{
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n"
	    "2a00:1450::/32:\n  asn: 15169\n"
	    "options:\n  monitorASns:\n    '36561':\n      upstreams: [3356]\n";
	static const uint32_t bog[] = { 3356, 64512, 13335 }, nb[] = { 174, 36561 };
	static const uint32_t hj[] = { 3491, 17557 }, hj6[] = { 6939, 64496, 4134 };
	static const uint32_t ok[] = { 3356, 13335 };
	struct dut	 t;
	uint16_t	 s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "1.1.1.0/24", ok, N(ok));
	dut_path(&t, s1, "1.0.0.0/24", ok, N(ok));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	UT_EQ_INT(t.d->cnt.evaluated, 0);	/* the common route stops early */
	dut_path(&t, s1, "1.0.0.0/24", bog, N(bog));
	dut_path(&t, s1, "199.223.232.0/21", nb, N(nb));
	dut_path(&t, s1, "208.65.153.0/24", hj, N(hj));
	dut_path(&t, s1, "2a00:1450:4001::/48", hj6, N(hj6));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_BOGON, ALERT_TR_RAISED), 2);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.offender, 174);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_RAISED), 2);
	dut_path(&t, s1, "1.0.0.0/24", ok, N(ok));	/* same prefix, clean now */
	dut_withdraw(&t, s1, "199.223.232.0/21");
	dut_withdraw(&t, s1, "208.65.153.0/24");
	dut_withdraw(&t, s1, "2a00:1450:4001::/48");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_BOGON, ALERT_TR_CLEARED), 2);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_CLEARED), 2);
	dut_fini(&t);
}

/* A reload rebuilds the filter: the old space stops passing, the new one
 * passes, and a hijack in it is seen. */
static void
t_space_reload(void)
{
	static const uint32_t hj[] = { 3491, 17557 };
	struct config		*nc;
	struct dut		 t;
	uint16_t		 s1;

	dut_init(&t, det_nobogon, pfx_mix);
	s1 = dut_source(&t, "rs1");
	UT_ASSERT(has(&t, "208.65.153.0/24"));
	UT_ASSERT(!has(&t, "1.1.1.0/24"));
	UT_ASSERT(!has(&t, "2c0f:fb50::/32"));
	nc = dut_reload(&t, "1.1.1.0/24:\n  asn: 13335\n2c0f:fb50::/32:\n  asn: 15169\n");
	config_free(t.cfg);
	t.cfg = nc;
	UT_ASSERT(!has(&t, "208.65.153.0/24"));
	UT_ASSERT(!has(&t, "44.200.1.0/24"));
	UT_ASSERT(has(&t, "1.1.1.0/24"));
	UT_ASSERT(has(&t, "2c0f:fb50:1::/48"));
	dut_path(&t, s1, "1.1.1.0/24", hj, N(hj));
	dut_path(&t, s1, "208.65.152.0/22", hj, N(hj));	/* not monitored now */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 1, 0)->key.victim,
	    "AS13335");
	dut_fini(&t);
}

/* The map alone: cells, full /16s, the block limit (a /16 without a block is
 * whole), records marked after the build. */
static void
t_space_map(void)
{
	struct dspace	s;
	struct prefix	p;
	unsigned	i;
	static const char *marks[] = { "9.9.9.0/24", "9.10.0.0/20", "9.11.1.128/25",
	    "11.0.0.0/15" };
	static const struct { const char *p; int in; } q[] = {
		{ "9.9.9.0/24", 1 }, { "9.9.9.255/32", 1 }, { "9.9.8.0/24", 0 },
		{ "9.9.10.0/24", 0 }, { "9.10.15.0/24", 1 }, { "9.10.16.0/24", 0 },
		{ "9.11.1.0/25", 1 }, { "9.11.2.0/24", 1 },	/* 9.11: no block left */
		{ "11.1.200.0/24", 1 }, { "11.2.0.0/24", 0 }, { "12.0.0.0/8", 0 },
	};

	dspace_init(&s, 8, 2);		/* room for two blocks */
	for (i = 0; i < N(marks); i++) {
		UT_EQ_INT(prefix_parse(marks[i], &p), 0);
		dspace_mark(&s, &p);
	}
	UT_EQ_INT(dspace_finish(&s), 0);
	UT_EQ_INT(s.nblk, 2);
	for (i = 0; i < N(q); i++) {
		UT_EQ_INT(prefix_parse(q[i].p, &p), 0);
		if (dspace_in(&s, &p) != q[i].in)
			ut_fail(__FILE__, __LINE__, "%s: %d", q[i].p, !q[i].in);
	}
	UT_EQ_INT(prefix_parse("9.9.200.0/24", &p), 0);	/* a record's cell */
	dspace_mark_start(&s, &p);
	UT_ASSERT(dspace_in(&s, &p));
	UT_EQ_INT(prefix_parse("9.9.201.0/24", &p), 0);
	UT_ASSERT(!dspace_in(&s, &p));
	UT_EQ_INT(prefix_parse("13.0.0.0/8", &p), 0);	/* no block: whole /16 */
	dspace_mark_start(&s, &p);
	UT_EQ_INT(prefix_parse("13.0.77.0/24", &p), 0);
	UT_ASSERT(dspace_in(&s, &p));
	UT_EQ_INT(prefix_parse("13.1.0.0/24", &p), 0);
	UT_ASSERT(!dspace_in(&s, &p));
	UT_EQ_INT(prefix_parse("9.10.0.0/20", &p), 0);	/* blocks kept their place */
	UT_ASSERT(dspace_in(&s, &p));
	dspace_clear(&s);
	UT_ASSERT(!dspace_in(&s, &p));
	dspace_free(&s);
}

UT_MAIN(UT_CASE(t_space_v4), UT_CASE(t_space_v6), UT_CASE(t_space_bogons),
    UT_CASE(t_space_records), UT_CASE(t_filter_routes), UT_CASE(t_space_reload),
    UT_CASE(t_space_map))
