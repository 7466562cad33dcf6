/*
 * Detection engine (agent/detect.h): per rule, positive and negative scenarios
 * driven through a real RIB and the alert engine, with the exact transitions the
 * alert engine emits; replays of real incident shapes (YouTube/Pakistan 2008,
 * AWS Route 53 2018, MainOne 2018, Verizon/DQE 2019).
 */
#include <string.h>

#include "tests/unit/detect_ut.h"
#include "tests/unit/ut.h"

#define R(x)	"    " x ":\n      clear-after: 0s\n"
static const char det_base[] =
    "detection:\n  rules:\n" R("hijack") R("sub-prefix-hijack") R("squatting")
    R("new-neighbor") R("new-prefix") R("visibility") R("rpki-invalid")
    R("route-leak") R("path") R("bogon") R("session")
    "    moas:\n      enabled: true\n      clear-after: 0s\n";

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Evidence gathered for 10 s before the first raise (one grouped alert). */
#define G(x)	"    " x ":\n      clear-after: 0s\n      raise-after: 10s\n"
static const char det_group[] =
    "detection:\n  rules:\n" G("sub-prefix-hijack") G("new-prefix") G("route-leak")
    G("bogon");

static const char pfx_youtube[] =
    "208.65.152.0/22:\n  description: YouTube\n  asn: 36561\n"
    "  ignoreMorespecifics: false\n";

static const struct dut_event *
find_victim(const struct dut *t, int rule, const char *victim)
{
	unsigned i;

	for (i = 0; i < t->nev; i++)
		if (t->ev[i].key.rule == rule && t->ev[i].tr == ALERT_TR_RAISED &&
		    strcmp(t->ev[i].key.victim, victim) == 0)
			return &t->ev[i];
	return NULL;
}

static const struct dut_event *
find_disc(const struct dut *t, int rule, const char *disc)
{
	unsigned i;

	for (i = 0; i < t->nev; i++)
		if (t->ev[i].key.rule == rule && t->ev[i].tr == ALERT_TR_RAISED &&
		    strcmp(t->ev[i].key.disc, disc) == 0)
			return &t->ev[i];
	return NULL;
}

/* Exact-prefix hijack: raise naming the origin, clear on withdrawal; legit quiet. */
static void
t_exact_hijack(void)
{
	static const uint32_t bad[] = { 3491, 17557 }, good[] = { 3356, 36561 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		s1, s2;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "rs2");
	dut_path(&t, s1, "208.65.152.0/22", good, N(good));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s2, "208.65.152.0/22", bad, N(bad));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED, 0);
	UT_EQ_INT(e->key.offender, 17557);
	UT_EQ_STR(e->key.victim, "AS36561");
	UT_EQ_STR(e->as_path, "3491,17557");
	UT_EQ_INT(e->severity, 1);	/* critical */
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_RAISED), 1);
	dut_withdraw(&t, s2, "208.65.152.0/22");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, 0), 0);
	dut_fini(&t);
}

/* An AS_SET origin hijacks when any member is not allowed. */
static void
t_as_set_origin(void)
{
	static const uint32_t path[] = { 3356 };
	static const uint32_t okset[] = { 36561 }, badset[] = { 36561, 17557 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.npath = 1;
	r.set = okset;
	r.nset = 1;
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 0), 0);
	r.set = badset;
	r.nset = 2;
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 1, 0)->key.offender, 17557);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 1, 0)->as_path,
	    "3356,{36561,17557}");
	dut_fini(&t);
}

/* rpki-valid-hijack-quiet: an RPKI-valid "hijack" is raised as info only. */
static void
t_rpki_valid_quiet(void)
{
	static const uint32_t bad[] = { 3491, 17557 };
	static const char det_quiet[] = "detection:\n  rpki-valid-hijack-quiet: true\n"
	    "  rules:\n" R("hijack");
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1;

	dut_init(&t, det_quiet, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = bad;
	r.npath = 2;
	r.state = RIB_STATE(RIB_RPKI_VALID, 0);
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 1, 0)->severity, 5);
	dut_fini(&t);
}

/* Replay: YouTube / Pakistan Telecom, 24 Feb 2008. */
static void
t_replay_youtube_2008(void)
{
	static const uint32_t yt[] = { 3356, 36561 }, pk[] = { 3491, 17557 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		s1, s2;

	dut_init(&t, det_group, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "rs2");
	dut_path(&t, s1, "208.65.152.0/22", yt, N(yt));
	dut_path(&t, s2, "208.65.152.0/22", yt, N(yt));
	dut_tick(&t, 1000);
	dut_path(&t, s1, "208.65.153.0/24", pk, N(pk));
	dut_path(&t, s2, "208.65.153.0/24", pk, N(pk));
	dut_tick(&t, 11000);
	UT_EQ_INT(t.nev, 1);
	e = dut_find(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_RAISED, 0);
	UT_ASSERT(e != NULL);
	UT_EQ_INT(e->key.offender, 17557);
	UT_EQ_STR(e->key.victim, "AS36561");
	UT_EQ_INT(e->nsources, 2);
	UT_EQ_INT(e->nprefixes, 1);
	/* YouTube's counter more-specifics (legit origin) are new more-specifics */
	dut_path(&t, s1, "208.65.153.128/25", yt, N(yt));
	dut_tick(&t, 11000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_NEW_PREFIX, 1, 0)->key.disc, "more-specific");
	dut_withdraw(&t, s1, "208.65.153.0/24");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_CLEARED), 0);
	dut_withdraw(&t, s2, "208.65.153.0/24");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* ignoreMorespecifics, and the longest configured match decides. */
static void
t_subprefix_negative(void)
{
	static const char pfx[] =
	    "208.65.152.0/22:\n  asn: 36561\n  ignoreMorespecifics: true\n"
	    "193.0.0.0/21:\n  asn: 3333\n"
	    "193.0.4.0/24:\n  asn: 25152\n";
	static const uint32_t pk[] = { 3491, 17557 }, k[] = { 3356, 25152 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "208.65.153.0/24", pk, N(pk));
	dut_path(&t, s1, "193.0.4.0/24", k, N(k));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "193.0.5.0/24", k, N(k));	/* under the /21 only */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SUBPREFIX_HIJACK, 1, 0)->key.victim, "AS3333");
	dut_fini(&t);
}

/* Replay: AWS Route 53, 24 Apr 2018: five /24s from AS10297 inside the /23s of
 * AS16509 are ONE alert with five prefixes. */
static void
t_replay_route53_2018(void)
{
	static const char pfx[] =
	    "205.251.192.0/23:\n  asn: 16509\n205.251.194.0/23:\n  asn: 16509\n"
	    "205.251.196.0/23:\n  asn: 16509\n205.251.198.0/23:\n  asn: 16509\n";
	static const char *const hij[] = { "205.251.192.0/24", "205.251.193.0/24",
	    "205.251.195.0/24", "205.251.197.0/24", "205.251.199.0/24" };
	static const uint32_t aws[] = { 174, 16509 }, enet[] = { 6939, 10297 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		s1;
	unsigned		i;

	dut_init(&t, det_group, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "205.251.192.0/23", aws, N(aws));
	dut_path(&t, s1, "205.251.194.0/23", aws, N(aws));
	dut_path(&t, s1, "205.251.196.0/23", aws, N(aws));
	dut_path(&t, s1, "205.251.198.0/23", aws, N(aws));
	for (i = 0; i < N(hij); i++)
		dut_path(&t, s1, hij[i], enet, N(enet));
	dut_tick(&t, 11000);
	UT_EQ_INT(t.nev, 1);
	e = dut_find(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_RAISED, 0);
	UT_ASSERT(e != NULL);
	UT_EQ_INT(e->key.offender, 10297);
	UT_EQ_INT(e->nprefixes, 5);
	for (i = 0; i < N(hij); i++)
		dut_withdraw(&t, s1, hij[i]);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SUBPREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

static void
t_squatting(void)
{
	static const char pfx[] = "45.0.0.0/16:\n  asn: []\n";
	static const uint32_t p[] = { 3356, 13335 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "45.1.0.0/16", p, N(p));	/* outside: nothing */
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "45.0.3.0/24", p, N(p));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SQUATTING, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SQUATTING, 1, 0)->key.victim, "45.0.0.0/16");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_SQUATTING, 1, 0)->key.offender, 13335);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, 0), 0);
	dut_withdraw(&t, s1, "45.0.3.0/24");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SQUATTING, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* Fake first hop: allowed origin, unexpected neighbor; prepends collapsed. */
static void
t_new_neighbor(void)
{
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n"
	    "  ixwatch:\n    upstreams: [1299, 6939]\n";
	static const uint32_t ok[] = { 3356, 1299, 36561, 36561 };
	static const uint32_t fake[] = { 3356, 174, 36561 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "208.65.152.0/22", ok, N(ok));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "208.65.152.0/22", fake, N(fake));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.offender, 174);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.offender2, 36561);
	dut_path(&t, s1, "208.65.152.0/22", ok, N(ok));	/* replaced: clears */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* monitorASns upstreams / downstreams anywhere in the path. */
static void
t_monitor_as_neighbors(void)
{
	static const char pfx[] = "options:\n  monitorASns:\n    '3333':\n"
	    "      upstreams: [1299]\n      downstreams: [12654]\n";
	static const uint32_t ok[] = { 6939, 1299, 3333, 12654 };
	static const uint32_t bad[] = { 6939, 174, 3333, 64999 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "84.205.64.0/24", ok, N(ok));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, 0), 0);
	dut_path(&t, s1, "84.205.65.0/24", bad, N(bad));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_RAISED), 2);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.victim, "AS3333");
	UT_EQ_STR(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.disc, "upstream");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 0)->key.offender, 174);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 1)->key.disc, "downstream");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, 1, 1)->key.offender, 64999);
	dut_fini(&t);
}

/* A monitored AS originates an unlisted prefix; listed ones are quiet. */
static void
t_new_prefix_monitored_as(void)
{
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n"
	    "options:\n  monitorASns:\n    '36561': {}\n";
	static const uint32_t p[] = { 3356, 36561 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "208.65.152.0/22", p, N(p));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "199.223.232.0/21", p, N(p));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_NEW_PREFIX, 1, 0)->key.victim, "AS36561");
	dut_fini(&t);
}

/* RPKI invalid for a monitored prefix; cleared when revalidated (VRP change). */
static void
t_rpki_invalid(void)
{
	static const uint32_t p[] = { 3356, 36561 };
	struct dut		t;
	struct dut_route	r;
	struct prefix		q;
	uint16_t		s1;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = p;
	r.npath = 2;
	r.state = RIB_STATE(RIB_RPKI_VALID, 0);
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	UT_EQ_INT(prefix_parse("208.65.152.0/22", &q), 0);
	rib_route_set_state(t.rib, s1, 0, &q, RIB_STATE(RIB_RPKI_INVALID, 0));
	detect_rescan(t.d, &q, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_RPKI_INVALID, 1, 0)->key.victim,
	    "208.65.152.0/22");
	rib_route_set_state(t.rib, s1, 0, &q, RIB_STATE(RIB_RPKI_VALID, 0));
	detect_rescan(t.d, &q, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* ROA change: valid before, not-found after a VRP change; rpki-not-found. */
static void
t_roa_change(void)
{
	static const char det[] = "detection:\n  rules:\n" R("roa-change")
	    "    rpki-not-found:\n      enabled: true\n      clear-after: 0s\n";
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n"
	    "193.0.0.0/21:\n  asn: 3333\n";
	static const uint32_t p[] = { 3356, 36561 }, q[] = { 3356, 3333 };
	struct dut		t;
	struct dut_route	r;
	struct prefix		x;
	const struct dut_event	*e;
	uint16_t		s1;

	dut_init(&t, det, pfx);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = p;
	r.npath = 2;
	r.state = RIB_STATE(RIB_RPKI_VALID, 0);
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	UT_EQ_INT(prefix_parse("208.65.152.0/22", &x), 0);
	rib_route_set_state(t.rib, s1, 0, &x, RIB_STATE(RIB_RPKI_NOT_FOUND, 0));
	detect_rescan(t.d, &x, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_NOT_FOUND, ALERT_TR_RAISED), 2);
	UT_ASSERT((e = find_disc(&t, ALERT_RULE_RPKI_NOT_FOUND, "roa-change")) != NULL);
	UT_EQ_STR(e->key.victim, "208.65.152.0/22");
	UT_EQ_INT(e->severity, 4);	/* roa-change's default: notice */
	rib_route_set_state(t.rib, s1, 0, &x, RIB_STATE(RIB_RPKI_VALID, 0));
	detect_rescan(t.d, &x, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_NOT_FOUND, ALERT_TR_CLEARED), 2);
	/* never valid: not-found only, no ROA change */
	r.path = q;
	r.state = RIB_STATE(RIB_RPKI_NOT_FOUND, 0);
	dut_announce(&t, s1, "193.0.0.0/21", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_NOT_FOUND, ALERT_TR_RAISED), 3);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_RPKI_NOT_FOUND, 1, 2)->key.disc, "");
	dut_fini(&t);
}

/* An unmonitored invalid route is quiet unless the session is monitored. */
static void
t_rpki_invalid_session(void)
{
	static const uint32_t p[] = { 64600 + 0, 13335 };
	static const uint32_t q[] = { 6939, 13335 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1, s2;

	(void)p;
	dut_init(&t, det_base, NULL);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "member");
	UT_EQ_INT(detect_source_set(t.d, s2, 0, 6939, "member", 1), 0);
	memset(&r, 0, sizeof(r));
	r.path = q;
	r.npath = 2;
	r.state = RIB_STATE(RIB_RPKI_INVALID, 0);
	dut_announce(&t, s1, "104.16.0.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, 0), 0);
	dut_announce(&t, s2, "104.16.0.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_RPKI_INVALID, 1, 0)->key.victim, "member");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_RPKI_INVALID, 1, 0)->key.offender, 6939);
	dut_fini(&t);
}

/*
 * A monitored session's routes cost nothing unless RPKI-invalid (the state they
 * arrived with): valid and not-found ones are not evaluated; an invalid one
 * raises, and its valid replacement (found through the record) clears it.
 */
static void
t_rpki_session_filter(void)
{
	static const uint32_t q[] = { 6939, 13335 };
	struct detect_counters	c0, c1;
	struct dut		t;
	struct dut_route	r;
	uint16_t		s2;

	dut_init(&t, det_base, NULL);
	s2 = dut_source(&t, "member");
	UT_EQ_INT(detect_source_set(t.d, s2, 0, 6939, "member", 1), 0);
	memset(&r, 0, sizeof(r));
	r.path = q;
	r.npath = 2;
	detect_counters_get(t.d, &c0);
	r.state = RIB_STATE(RIB_RPKI_VALID, 0);
	dut_announce(&t, s2, "104.16.1.0/24", &r);
	r.state = RIB_STATE(RIB_RPKI_NOT_FOUND, 0);
	dut_announce(&t, s2, "104.16.2.0/24", &r);
	detect_counters_get(t.d, &c1);
	UT_EQ_INT(c1.routes - c0.routes, 2);
	UT_EQ_INT(c1.evaluated - c0.evaluated, 0);
	r.state = RIB_STATE(RIB_RPKI_INVALID, 0);
	dut_announce(&t, s2, "104.16.3.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, ALERT_TR_RAISED), 1);
	r.state = RIB_STATE(RIB_RPKI_VALID, 0);
	dut_announce(&t, s2, "104.16.3.0/24", &r);
	dut_tick(&t, 700000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_RPKI_INVALID, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* Replay: MainOne, 12 Nov 2018: Google prefixes via 37282 to 4809. */
static void
t_replay_mainone_2018(void)
{
	static const char det[] = "detection:\n  rules:\n" G("route-leak")
	    "  relationships:\n    - asn: 37282\n      peers: [15169, 4809]\n";
	static const uint32_t leak[] = { 3356, 20485, 4809, 37282, 15169 };
	static const uint32_t ok[] = { 3356, 15169 }, ok2[] = { 37282, 15169 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		s1;

	dut_init(&t, det, NULL);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "8.8.8.0/24", ok, N(ok));
	dut_path(&t, s1, "8.8.4.0/24", ok2, N(ok2));	/* 37282 to us: fine */
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "8.8.8.0/24", leak, N(leak));
	dut_path(&t, s1, "216.58.192.0/19", leak, N(leak));
	dut_tick(&t, 11000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED, 0);
	UT_EQ_INT(e->key.offender, 37282);
	UT_EQ_INT(e->key.offender2, 4809);
	UT_EQ_STR(e->key.disc, "type2");	/* peer -> peer */
	UT_EQ_INT(e->nprefixes, 2);
	UT_ASSERT(strstr(e->descr, "AS37282") != NULL);
	dut_fini(&t);
}

/* Replay: Verizon / DQE / Allegheny, 24 Jun 2019. */
static void
t_replay_verizon_2019(void)
{
	static const char det[] = "detection:\n  rules:\n" G("route-leak") G("new-prefix")
	    "  relationships:\n    - asn: 396531\n      providers: [701, 33154]\n";
	static const char pfx[] = "104.16.0.0/12:\n  asn: 13335\n";
	static const uint32_t leak[] = { 701, 396531, 33154, 3356, 13335 };
	static const uint32_t ok[] = { 701, 13335 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		s1;

	dut_init(&t, det, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "104.16.0.0/12", ok, N(ok));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "104.20.0.0/20", leak, N(leak));
	dut_path(&t, s1, "104.20.16.0/20", leak, N(leak));
	dut_tick(&t, 11000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED, 0);
	UT_EQ_INT(e->key.offender, 396531);
	UT_EQ_INT(e->key.offender2, 701);
	UT_EQ_STR(e->key.disc, "type1");
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_RAISED, 0);
	UT_EQ_STR(e->key.disc, "more-specific");
	UT_EQ_INT(e->nprefixes, 2);
	dut_withdraw(&t, s1, "104.20.0.0/20");
	dut_withdraw(&t, s1, "104.20.16.0/20");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_PREFIX, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* RFC 9234 OTC: from a customer (we are provider) it is a leak; from a peer
 * only when the OTC names another AS. */
static void
t_otc(void)
{
	static const uint32_t p[] = { 64700 - 200, 13335 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		cust, peer;

	dut_init(&t, det_base, NULL);
	cust = dut_source(&t, "cust");
	peer = dut_source(&t, "peer");
	UT_EQ_INT(detect_source_set(t.d, cust, CONFIG_ROLE_PROVIDER, 64500, "cust", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, peer, CONFIG_ROLE_PEER, 6939, "peer", 0), 0);
	memset(&r, 0, sizeof(r));
	r.path = p;
	r.npath = 2;
	r.otc = 6939;
	dut_announce(&t, peer, "1.1.1.0/24", &r);	/* OTC = the peer: fine */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, 0), 0);
	dut_announce(&t, cust, "1.1.1.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_ROUTE_LEAK, 1, 0)->key.disc, "otc");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_ROUTE_LEAK, 1, 0)->key.offender2, 6939);
	dut_fini(&t);
}

/* A NO_EXPORT prefix seen past its first hop. */
static void
t_no_export(void)
{
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n"
	    "  ixwatch:\n    no-export: true\n";
	static const uint32_t direct[] = { 36561 }, far[] = { 3356, 36561 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = direct;
	r.npath = 1;
	r.no_export = 1;
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	r.path = far;
	r.npath = 2;
	dut_announce(&t, s1, "208.65.152.0/22", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_ROUTE_LEAK, 1, 0)->key.disc, "no-export");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_ROUTE_LEAK, 1, 0)->key.offender, 3356);
	dut_fini(&t);
}

/* Path rules: match / notMatch / lengths, and max-prepend. */
static void
t_path_rules(void)
{
	static const char pfx[] = "208.65.152.0/22:\n  asn: 36561\n  path:\n"
	    "    - match: \",174,\"\n      matchDescription: via Cogent\n"
	    "    - maxLength: 4\n"
	    "  ixwatch:\n    max-prepend: 2\n";
	static const uint32_t ok[] = { 3356, 36561 };
	static const uint32_t cogent[] = { 3356, 174, 36561 };
	static const uint32_t longp[] = { 6939, 3356, 1299, 2914, 36561 };
	static const uint32_t prep[] = { 3356, 36561, 36561, 36561, 36561 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "208.65.152.0/22", ok, N(ok));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "208.65.152.0/22", cogent, N(cogent));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_AS_PATH, 1, 0)->key.disc, "path0");
	UT_EQ_STR(dut_find(&t, ALERT_RULE_AS_PATH, 1, 0)->descr, "via Cogent");
	dut_path(&t, s1, "208.65.152.0/22", longp, N(longp));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 2);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_AS_PATH, 1, 1)->key.disc, "path1");
	dut_path(&t, s1, "208.65.152.0/22", prep, N(prep));	/* length 5, 3 prepends */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 3);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_AS_PATH, 1, 2)->key.disc, "prepend");
	dut_fini(&t);
}

/* Bogon prefixes (with the globally reachable exceptions) and bogon ASes. */
static void
t_bogons(void)
{
	static const char det[] = "detection:\n  rules:\n" G("bogon")
	    "  bogons:\n    extra-prefixes: [100.200.0.0/16]\n    extra-asns: [65]\n";
	static const uint32_t p[] = { 3356, 13335 }, pb[] = { 3356, 64512, 13335 };
	static const uint32_t px[] = { 3356, 65, 13335 };
	const struct dut_event *e;
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det, NULL);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "1.1.1.0/24", p, N(p));
	dut_path(&t, s1, "192.0.0.9/32", p, N(p));	/* PCP anycast: global */
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "10.1.0.0/16", p, N(p));
	dut_path(&t, s1, "10.2.0.0/16", p, N(p));
	dut_path(&t, s1, "1.0.0.0/24", pb, N(pb));
	dut_path(&t, s1, "100.200.1.0/24", px, N(px));
	dut_tick(&t, 11000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_BOGON, ALERT_TR_RAISED), 4);
	UT_ASSERT((e = find_victim(&t, ALERT_RULE_BOGON, "10.0.0.0/8")) != NULL);
	UT_EQ_INT(e->nprefixes, 2);
	UT_EQ_STR(e->key.disc, "prefix");
	UT_ASSERT((e = find_victim(&t, ALERT_RULE_BOGON, "AS64512")) != NULL);
	UT_EQ_STR(e->key.disc, "asn");
	UT_ASSERT(find_victim(&t, ALERT_RULE_BOGON, "100.200.0.0/16") != NULL);
	UT_ASSERT(find_victim(&t, ALERT_RULE_BOGON, "AS65") != NULL);
	dut_fini(&t);
}

/* MOAS: info, warning when one route is RPKI-invalid. */
static void
t_moas(void)
{
	static const uint32_t a[] = { 3356, 13335 }, b[] = { 174, 209242 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1, s2;

	dut_init(&t, det_base, NULL);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "rs2");
	dut_path(&t, s1, "1.1.1.0/24", a, N(a));
	dut_path(&t, s2, "1.1.1.0/24", a, N(a));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	memset(&r, 0, sizeof(r));
	r.path = b;
	r.npath = 2;
	r.state = RIB_STATE(RIB_RPKI_INVALID, 0);
	dut_announce(&t, s2, "1.1.1.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_MOAS, 1, 0)->key.victim, "1.1.1.0/24");
	UT_EQ_INT(dut_find(&t, ALERT_RULE_MOAS, 1, 0)->severity, 3);
	dut_path(&t, s2, "1.1.1.0/24", a, N(a));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* MOAS reads an empty path's origin as its source's AS: no "AS0" origin beside
 * the real one, a MOAS when the source's AS differs; unknown AS: not counted. */
static void
t_moas_empty_path(void)
{
	static const uint32_t a[] = { 3356, 13335 };
	struct dut	t;
	uint16_t	s1, s2, s3;

	dut_init(&t, det_base, NULL);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "own");
	s3 = dut_source(&t, "unknown");
	UT_EQ_INT(detect_source_set(t.d, s2, 0, 13335, "own", 0), 0);
	dut_path(&t, s1, "1.1.1.0/24", a, N(a));
	dut_path(&t, s2, "1.1.1.0/24", NULL, 0);
	dut_path(&t, s3, "1.1.1.0/24", NULL, 0);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_RAISED), 0);
	UT_EQ_INT(detect_source_set(t.d, s2, 0, 64500, "own", 0), 0);
	dut_path(&t, s2, "1.1.1.0/24", NULL, 0);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_MOAS, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_MOAS, 1, 0)->descr, "origins AS13335 AS64500");
	dut_fini(&t);
}

/* Visibility: per-source state, the alert's min-sources is the N. */
static void
t_visibility(void)
{
	static const char det[] = "detection:\n  rules:\n"
	    "    visibility:\n      clear-after: 0s\n      min-sources: 2\n";
	static const uint32_t p[] = { 3356, 36561 };
	struct dut	t;
	uint16_t	s[3];
	unsigned	i;

	dut_init(&t, det, pfx_youtube);
	for (i = 0; i < 3; i++) {
		s[i] = dut_source(&t, i == 0 ? "a" : i == 1 ? "b" : "c");
		dut_path(&t, s[i], "208.65.152.0/22", p, N(p));
	}
	dut_tick(&t, 1000);
	dut_withdraw(&t, s[0], "208.65.152.0/22");
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);		/* 1 of 3: below min-sources */
	dut_withdraw(&t, s[1], "208.65.152.0/22");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, 1, 0)->nsources, 2);
	dut_path(&t, s[0], "208.65.152.0/22", p, N(p));
	dut_path(&t, s[1], "208.65.152.0/22", p, N(p));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* Source comparison: missing on one side, then a different path. */
static void
t_compare(void)
{
	static const char det[] = "sources:\n  mrt:\n    - name: pre\n      file: /dev/null\n"
	    "    - name: post\n      file: /dev/null\n"
	    "detection:\n  compare:\n    - a: pre\n      b: post\n"
	    "      min-duration: 5s\n  rules:\n"
	    "    source-diff:\n      enabled: true\n      clear-after: 0s\n";
	static const uint32_t p1[] = { 3356, 13335 }, p2[] = { 174, 13335 };
	struct dut	t;
	uint16_t	a, b, c;

	dut_init(&t, det, NULL);
	a = dut_source(&t, "pre");
	b = dut_source(&t, "post");
	c = dut_source(&t, "other");
	UT_EQ_INT(detect_source_set(t.d, a, 0, 0, "pre", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, b, 0, 0, "post", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, c, 0, 0, "other", 0), 0);
	dut_path(&t, c, "1.1.1.0/24", p1, N(p1));
	dut_path(&t, a, "1.1.1.0/24", p1, N(p1));
	dut_path(&t, b, "1.1.1.0/24", p1, N(p1));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_withdraw(&t, b, "1.1.1.0/24");		/* filtered by post-policy */
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);				/* must last min-duration */
	dut_tick(&t, 5000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SOURCE_COMPARISON, 1, 0)->key.victim,
	    "pre/post");
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SOURCE_COMPARISON, 1, 0)->key.disc, "missing");
	dut_path(&t, b, "1.1.1.0/24", p1, N(p1));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_CLEARED), 1);
	dut_path(&t, b, "1.1.1.0/24", p2, N(p2));
	dut_tick(&t, 6000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_RAISED), 2);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SOURCE_COMPARISON, 1, 1)->key.disc, "path");
	/* "post" went away and its RIB id now names another source: no longer b */
	UT_EQ_INT(detect_source_set(t.d, b, 0, 0, "another", 0), 0);
	dut_path(&t, a, "2.2.2.0/24", p1, N(p1));
	dut_tick(&t, 6000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_RAISED), 2);
	/* "post" is back under a new id: compared again */
	UT_EQ_INT(detect_source_set(t.d, c, 0, 0, "post", 0), 0);
	dut_path(&t, a, "3.3.3.0/24", p1, N(p1));
	dut_tick(&t, 6000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_RAISED), 3);
	/* "pre" removed: its entries forgotten, the pair waits for a new "pre" */
	detect_source_gone(t.d, a, 0);
	dut_path(&t, c, "4.4.4.0/24", p1, N(p1));
	dut_tick(&t, 6000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SOURCE_COMPARISON, ALERT_TR_RAISED), 3);
	dut_fini(&t);
}

/* Peering visibility: a monitored adjacency gone from N sources. */
static void
t_peering_visibility(void)
{
	static const char det[] = "detection:\n  rules:\n"
	    "    peering-visibility:\n      clear-after: 0s\n      min-sources: 2\n";
	static const char pfx[] = "options:\n  monitorASns:\n    '3333': {}\n";
	static const uint32_t via[] = { 6939, 1299, 3333 }, alt[] = { 6939, 174, 3333 };
	struct dut		t;
	const struct dut_event	*e;
	struct detect_counters	c;
	uint16_t		s1, s2;

	dut_init(&t, det, pfx);
	s1 = dut_source(&t, "a");
	s2 = dut_source(&t, "b");
	dut_path(&t, s1, "193.0.0.0/21", via, N(via));
	dut_path(&t, s1, "193.0.8.0/23", via, N(via));
	dut_path(&t, s2, "193.0.0.0/21", via, N(via));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, 0), 0);
	dut_path(&t, s1, "193.0.0.0/21", alt, N(alt));	/* still via 1299 on /23 */
	dut_path(&t, s2, "193.0.0.0/21", alt, N(alt));	/* b lost it */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, 0), 0);
	dut_withdraw(&t, s1, "193.0.8.0/23");		/* a lost it too: 2 sources */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, ALERT_TR_RAISED, 0);
	UT_EQ_STR(e->key.victim, "AS3333");
	UT_EQ_INT(e->key.offender, 1299);
	UT_EQ_INT(e->nsources, 2);
	dut_path(&t, s2, "193.0.0.0/21", via, N(via));
	dut_path(&t, s1, "193.0.0.0/21", via, N(via));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, ALERT_TR_CLEARED), 1);
	/* a source removed takes its adjacency records along (counts of 0 else) */
	detect_counters_get(t.d, &c);
	UT_EQ_INT((int)c.adjacencies, 4);	/* 3333-1299, 3333-174 (now 0) of a and b */
	dut_withdraw(&t, s1, "193.0.0.0/21");
	detect_source_gone(t.d, s1, 0);
	detect_counters_get(t.d, &c);
	UT_EQ_INT((int)c.adjacencies, 2);
	dut_fini(&t);
}

/*
 * Route leak at the first hop: a member re-announcing its provider's route to
 * the IX route server (our role rs-client, the RS does not prepend) is RFC 7908
 * type 3, the RS's AS is where it leaked to; the same from a direct peer; no
 * leak for a customer's route, from a provider, or with no role known.
 */
static void
t_leak_first_hop(void)
{
	static const char det[] = "detection:\n  rules:\n    route-leak:\n"
	    "      clear-after: 0s\n  relationships:\n    - asn: 65015\n"
	    "      providers: [3356]\n      customers: [64700]\n";
	static const uint32_t leak[] = { 65015, 3356, 65014, 64514 };
	static const uint32_t cust[] = { 65015, 64700 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		rs, none, peer, prov;

	dut_init(&t, det, NULL);
	rs = dut_source(&t, "rs");
	none = dut_source(&t, "none");
	peer = dut_source(&t, "peer");
	prov = dut_source(&t, "prov");
	UT_EQ_INT(detect_source_set(t.d, rs, CONFIG_ROLE_RS_CLIENT, 65005, "rs", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, none, CONFIG_ROLE_NONE, 65005, "none", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, peer, CONFIG_ROLE_PEER, 65015, "peer", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, prov, CONFIG_ROLE_CUSTOMER, 65015, "prov", 0), 0);
	dut_path(&t, rs, "10.14.0.0/23", cust, N(cust));	/* its customer's: fine */
	dut_path(&t, none, "10.14.0.0/23", leak, N(leak));	/* role unknown */
	dut_path(&t, prov, "10.14.0.0/23", leak, N(leak));	/* our provider: fine */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, 0), 0);
	dut_path(&t, rs, "10.14.0.0/23", leak, N(leak));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 1);
	e = dut_find(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED, 0);
	UT_EQ_STR(e->key.victim, "AS65015");
	UT_EQ_INT(e->key.offender, 65015);
	UT_EQ_INT(e->key.offender2, 65005);
	UT_EQ_STR(e->key.disc, "type3");
	UT_ASSERT(strstr(e->descr, "segment AS3356>AS65015>AS65005") != NULL);
	dut_withdraw(&t, rs, "10.14.0.0/23");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_CLEARED), 1);
	dut_path(&t, peer, "10.14.0.0/23", leak, N(leak));	/* to us, its peer */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED), 2);
	e = dut_find(&t, ALERT_RULE_ROUTE_LEAK, ALERT_TR_RAISED, 1);
	UT_EQ_INT(e->key.offender, 65015);
	UT_EQ_INT(e->key.offender2, 0);
	UT_ASSERT(strstr(e->descr, "segment AS3356>AS65015>us") != NULL);
	dut_fini(&t);
}

/* With configured upstreams, rule 7 follows only those: a fake first hop going
 * away is no peering loss; the configured upstream going away is. */
static void
t_peering_visibility_upstreams(void)
{
	static const char det[] = "detection:\n  rules:\n"
	    "    peering-visibility:\n      clear-after: 0s\n";
	static const char pfx[] = "options:\n  monitorASns:\n    '64514':\n"
	    "      upstreams: [65014]\n";
	static const uint32_t ok[] = { 65014, 64514 }, fake[] = { 65015, 64514 };
	struct dut	t;
	uint16_t	s1;

	dut_init(&t, det, pfx);
	s1 = dut_source(&t, "a");
	dut_path(&t, s1, "10.14.0.0/23", ok, N(ok));
	dut_path(&t, s1, "10.14.2.0/24", fake, N(fake));
	dut_tick(&t, 1000);
	dut_withdraw(&t, s1, "10.14.2.0/24");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, 0), 0);
	dut_withdraw(&t, s1, "10.14.0.0/23");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_PEERING_VISIBILITY_LOSS, 1, 0)->key.offender,
	    65014);
	dut_fini(&t);
}

/*
 * Rule 6 per upstream: the prefix no longer seen by any source with a configured
 * upstream (monitorASns upstreams of its origin) next to the origin raises, naming
 * the upstream; it clears when a source sees it that way again. Another source
 * still seeing it via the upstream, or a path via an unconfigured AS, is no help
 * and no alert respectively.
 */
static void
t_visibility_upstream(void)
{
	static const char det[] = "detection:\n  rules:\n"
	    "    visibility:\n      clear-after: 0s\n";
	static const char pfx[] = "10.14.0.0/23:\n  asn: 64514\n"
	    "options:\n  monitorASns:\n    '64514':\n      upstreams: [65014, 65020]\n";
	static const uint32_t via14[] = { 65014, 64514 }, via14b[] = { 3356, 65014, 64514 };
	static const uint32_t via20[] = { 65020, 64514 }, other[] = { 174, 64514, 64514 };
	struct dut		t;
	const struct dut_event	*e;
	uint16_t		a, b;

	dut_init(&t, det, pfx);
	a = dut_source(&t, "a");
	b = dut_source(&t, "b");
	dut_path(&t, a, "10.14.0.0/23", via14, N(via14));
	dut_path(&t, b, "10.14.0.0/23", via14b, N(via14b));
	dut_tick(&t, 1000);
	dut_path(&t, a, "10.14.0.0/23", other, N(other));	/* b still via 65014 */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, 0), 0);
	dut_path(&t, b, "10.14.0.0/23", via20, N(via20));	/* nobody via 65014 */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED), 1);
	UT_ASSERT((e = find_disc(&t, ALERT_RULE_VISIBILITY_LOSS, "upstream")) != NULL);
	UT_EQ_STR(e->key.victim, "10.14.0.0/23");
	UT_EQ_INT(e->key.offender, 65014);
	UT_ASSERT(strstr(e->descr, "no longer seen via upstream AS65014") != NULL);
	dut_withdraw(&t, b, "10.14.0.0/23");		/* and now 65020 is gone too */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED), 3);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED, 1)->key.offender +
	    dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED, 2)->key.offender,
	    65020);	/* b's own loss (offender 0) and the upstream 65020 */
	dut_path(&t, a, "10.14.0.0/23", via14, N(via14));	/* back via 65014 */
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED, 0)->key.offender,
	    65014);
	dut_path(&t, b, "10.14.0.0/23", via20, N(via20));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED), 3);
	dut_fini(&t);
}

/*
 * The rescan after a reload in slices: with a budget of one prefix per step it
 * takes many steps; nothing clears before the last one; then the hijack the new
 * config allows clears with reason "config" and the other stays raised; a route
 * changed during the rescan is judged by the new config.
 */
static void
t_reload_sliced(void)
{
	static const uint32_t bad[] = { 3491, 17557 }, bad2[] = { 3491, 64666 };
	static const uint32_t ok[] = { 3356, 36561 };
	struct dut		t;
	struct config		*nc;
	struct config_error	 err;
	char			 path[128], pfx[32];
	FILE			*f;
	uint16_t		 s1;
	unsigned		 i, steps = 0;

	dut_init(&t, det_base, "208.65.152.0/22:\n  asn: 36561\n"
	    "  ignoreMorespecifics: true\n10.0.0.0/8:\n  asn: 64500\n"
	    "  ignoreMorespecifics: true\n");
	s1 = dut_source(&t, "rs1");
	for (i = 0; i < 40; i++) {	/* spread over the address space */
		snprintf(pfx, sizeof(pfx), "%u.%u.0.0/16", 11 + 5 * i, i);
		dut_path(&t, s1, pfx, ok, N(ok));
	}
	dut_path(&t, s1, "208.65.152.0/22", bad, N(bad));
	dut_path(&t, s1, "10.0.0.0/8", bad2, N(bad2));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 2);
	snprintf(path, sizeof(path), "%s/prefixes.yml", t.dir);
	UT_ASSERT((f = fopen(path, "w")) != NULL);
	fputs("208.65.152.0/22:\n  asn: [36561, 17557]\n10.0.0.0/8:\n  asn: 64500\n"
	    "  ignoreMorespecifics: true\n172.16.0.0/12:\n  asn: 64501\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ixwatch.yml", t.dir);
	UT_ASSERT((nc = config_load(path, &err)) != NULL);
	UT_EQ_INT(detect_reload_begin(t.d, nc, t.now), 0);
	UT_EQ_INT(detect_reload_step(t.d, 1, t.now), 1);
	steps++;
	dut_path(&t, s1, "172.16.0.0/12", bad2, N(bad2));	/* new rule, mid-rescan */
	while (detect_reload_step(t.d, 1, t.now) == 1) {
		dut_tick(&t, 10);
		UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 0);
		steps++;
	}
	UT_ASSERT(steps > 20);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED, 0)->reason,
	    ALERT_REASON_CONFIG);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED, 0)->key.offender,
	    17557);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 3);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED, 2)->key.offender,
	    64666);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED, 2)->key.victim,
	    "AS64501");
	UT_EQ_INT(detect_reload_step(t.d, 1, t.now), 0);	/* done: nothing more */
	config_free(t.cfg);
	t.cfg = nc;
	dut_fini(&t);
}

/* Session health: down with a reason raises, up clears. */
static void
t_session(void)
{
	struct dut t;

	dut_init(&t, det_base, NULL);
	detect_source_state(t.d, 7, "bgp-rs1", 0, "hold timer expired", t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_RAISED), 1);
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SESSION_HEALTH, 1, 0)->key.victim, "bgp-rs1");
	UT_EQ_STR(dut_find(&t, ALERT_RULE_SESSION_HEALTH, 1, 0)->descr,
	    "hold timer expired");
	detect_source_state(t.d, 7, "bgp-rs1", 1, NULL, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_CLEARED), 1);
	dut_fini(&t);
}

/* A source's routes going all at once (detect_source_flush first, as the
 * sources do) clear what only it showed as source-gone, its session-health
 * evidence kept; a withdrawal clears as resolved; a removed source's lost
 * visibility clears as source-gone too. */
static void
t_source_gone(void)
{
	static const uint32_t bad[] = { 3491, 17557 }, good[] = { 3491, 36561 };
	struct dut		t;
	uint16_t		s1, s2;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "rs2");
	dut_path(&t, s1, "208.65.152.0/22", bad, N(bad));
	dut_path(&t, s2, "208.65.152.0/22", good, N(good));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	detect_source_state(t.d, s1, "rs1", 0, "hold timer expired", t.now);
	detect_source_flush(t.d, s1, t.now);
	dut_withdraw(&t, s1, "208.65.152.0/22");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED, 0)->reason,
	    ALERT_REASON_SOURCE_GONE);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_CLEARED), 0);
	/* s1 lost the prefix it carried: visibility loss, raised by the flush's
	 * withdrawal; rs2 withdrawing its own route is a plain withdrawal */
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED), 1);
	dut_path(&t, s1, "208.65.152.0/22", bad, N(bad));
	dut_withdraw(&t, s1, "208.65.152.0/22");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 2);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED, 1)->reason,
	    ALERT_REASON_RESOLVED);
	/* s1 removed: its lost visibility and its session-health go with it */
	detect_source_gone(t.d, s1, t.now);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_CLEARED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_SESSION_HEALTH, ALERT_TR_CLEARED, 0)->reason,
	    ALERT_REASON_SOURCE_GONE);
	/* the first loss cleared when s1 carried it again, the second goes with s1 */
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_RAISED), 2);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED), 2);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED, 0)->reason,
	    ALERT_REASON_RESOLVED);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_VISIBILITY_LOSS, ALERT_TR_CLEARED, 1)->reason,
	    ALERT_REASON_SOURCE_GONE);
	dut_fini(&t);
}

/* A prefix carried by more sources than the first lookup had room for (a route
 * server's BMP peers): the 300th source's hijack is judged too. */
static void
t_many_sources(void)
{
	static const uint32_t	good[] = { 3356, 36561 }, bad[] = { 3491, 17557 };
	struct dut		t;
	uint16_t		s[300];
	char			nm[16];
	unsigned		i;

	dut_init(&t, det_base, pfx_youtube);
	for (i = 0; i < 300; i++) {
		snprintf(nm, sizeof(nm), "s%u", i);
		s[i] = dut_source(&t, nm);
	}
	for (i = 0; i < 299; i++)
		dut_path(&t, s[i], "208.65.152.0/22", good, N(good));
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s[299], "208.65.152.0/22", bad, N(bad));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	dut_fini(&t);
}

/* An empty AS_PATH (an iBGP peer's or a Loc-RIB's own route) is originated by
 * the source's AS, not by "AS0"; unknown, it is not judged. */
static void
t_empty_path(void)
{
	struct dut	t;
	uint16_t	s1, s2, s3;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "unknown");
	s2 = dut_source(&t, "own");
	s3 = dut_source(&t, "other");
	UT_EQ_INT(detect_source_set(t.d, s2, 0, 36561, "own", 0), 0);
	UT_EQ_INT(detect_source_set(t.d, s3, 0, 17557, "other", 0), 0);
	dut_path(&t, s1, "208.65.152.0/22", NULL, 0);
	dut_path(&t, s2, "208.65.152.0/22", NULL, 0);
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s3, "208.65.152.0/22", NULL, 0);
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED, 0)->key.offender,
	    17557);
	dut_fini(&t);
}

/* A path rule with minLength and maxLength fires on a path outside either bound
 * (BGPalerter), not on one inside them. */
static void
t_path_min_max(void)
{
	static const char	pfx[] = "208.65.152.0/22:\n  asn: 36561\n  path:\n"
	    "    - minLength: 2\n      maxLength: 4\n      matchDescription: length\n";
	static const uint32_t	longp[] = { 6939, 3356, 1299, 2914, 174, 36561 },
				shortp[] = { 36561 }, okp[] = { 3356, 174, 36561 };
	struct dut		t;
	uint16_t		s1, s2, s3;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	s2 = dut_source(&t, "rs2");
	s3 = dut_source(&t, "rs3");
	dut_path(&t, s3, "208.65.152.0/22", okp, N(okp));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 0);
	dut_path(&t, s1, "208.65.152.0/22", longp, N(longp));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 1);
	dut_withdraw(&t, s1, "208.65.152.0/22");
	dut_tick(&t, 1000);
	dut_path(&t, s2, "208.65.152.0/22", shortp, N(shortp));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 2);
	dut_fini(&t);
}

/* monitorASns downstreams: [] (a stub, BGPalerter): every downstream is new. */
static void
t_empty_downstreams(void)
{
	static const char	pfx[] = "options:\n  monitorASns:\n    '100':\n"
	    "      downstreams: []\n";
	static const uint32_t	bad[] = { 10, 100, 104 };
	struct dut		t;
	uint16_t		s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "84.205.65.0/24", bad, N(bad));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_RAISED), 1);
	UT_EQ_INT(dut_find(&t, ALERT_RULE_NEW_NEIGHBOR, ALERT_TR_RAISED, 0)->key.offender, 104);
	dut_fini(&t);
}

/* A more-specific of an ignoreMorespecifics entry: no path or RPKI alert for the
 * entry (BGPalerter); the exact prefix still is watched. */
static void
t_ignore_ms_rules(void)
{
	static const char	pfx[] = "45.0.0.0/16:\n  asn: 64500\n  ignoreMorespecifics: true\n"
	    "  path:\n    - match: \",174,\"\n      matchDescription: via Cogent\n";
	static const uint32_t	cust[] = { 3356, 174, 13335 }, own[] = { 3356, 174, 64500 };
	struct dut		t;
	struct dut_route	r;
	uint16_t		s1;

	dut_init(&t, det_base, pfx);
	s1 = dut_source(&t, "rs1");
	memset(&r, 0, sizeof(r));
	r.path = cust;
	r.npath = N(cust);
	r.state = RIB_STATE(RIB_RPKI_INVALID, 0);
	dut_announce(&t, s1, "45.0.5.0/24", &r);
	dut_tick(&t, 1000);
	UT_EQ_INT(t.nev, 0);
	dut_path(&t, s1, "45.0.0.0/16", own, N(own));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_AS_PATH, ALERT_TR_RAISED), 1);
	dut_fini(&t);
}

/* A reload re-evaluates: a prefix whose config now allows the origin clears
 * with reason config; ignore silences. */
static void
t_reload(void)
{
	static const uint32_t bad[] = { 3491, 17557 };
	struct dut		t;
	struct config		*nc;
	uint16_t		 s1;

	dut_init(&t, det_base, pfx_youtube);
	s1 = dut_source(&t, "rs1");
	dut_path(&t, s1, "208.65.152.0/22", bad, N(bad));
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_RAISED), 1);
	nc = dut_reload(&t, "208.65.152.0/22:\n  asn: [36561, 17557]\n");
	dut_tick(&t, 1000);
	UT_EQ_INT(dut_count(&t, ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_TR_CLEARED), 1);
	config_free(t.cfg);
	t.cfg = nc;
	dut_fini(&t);
}

UT_MAIN(UT_CASE(t_exact_hijack), UT_CASE(t_as_set_origin), UT_CASE(t_rpki_valid_quiet),
    UT_CASE(t_replay_youtube_2008), UT_CASE(t_subprefix_negative),
    UT_CASE(t_replay_route53_2018), UT_CASE(t_squatting), UT_CASE(t_new_neighbor),
    UT_CASE(t_monitor_as_neighbors), UT_CASE(t_new_prefix_monitored_as),
    UT_CASE(t_rpki_invalid), UT_CASE(t_roa_change), UT_CASE(t_rpki_invalid_session), UT_CASE(t_rpki_session_filter),
    UT_CASE(t_replay_mainone_2018), UT_CASE(t_replay_verizon_2019), UT_CASE(t_otc),
    UT_CASE(t_no_export), UT_CASE(t_path_rules), UT_CASE(t_bogons), UT_CASE(t_moas), UT_CASE(t_moas_empty_path),
    UT_CASE(t_visibility), UT_CASE(t_peering_visibility), UT_CASE(t_compare), UT_CASE(t_session), UT_CASE(t_source_gone), UT_CASE(t_many_sources),
    UT_CASE(t_empty_path), UT_CASE(t_path_min_max), UT_CASE(t_empty_downstreams),
    UT_CASE(t_ignore_ms_rules), UT_CASE(t_reload),
    UT_CASE(t_leak_first_hop), UT_CASE(t_peering_visibility_upstreams),
    UT_CASE(t_visibility_upstream), UT_CASE(t_reload_sliced))
