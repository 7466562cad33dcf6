/*
 * Alert lifecycle: every transition path with injected time (hold-downs, flaps,
 * min sources, coalesced updates, repeats, grouping, source loss, reconcile, rate
 * limits and summaries, history, ids) and the state file (round trip, restart
 * without re-raise, corrupted input refused).
 */
#include "agent/alert.h"
#include "tests/unit/ut.h"

#define MIN	(60 * 1000ULL)
#define T0	1700000000000ULL	/* an epoch in ms, so nothing relies on 0 */

struct ev {
	uint32_t	 id;
	int		 tr;
	int		 reason;
	uint32_t	 nsources, nprefixes, routes, suppressed;
	uint8_t		 rule, severity;
	char		 key[ALERT_KEY_STRLEN];
	char		 pfx[PREFIX_STRLEN];	/* alert_shown_prefix() */
};

static struct ev	 evs[256];
static int		 nev;

static void
on_emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	struct ev *v;

	(void)arg;
	if (nev >= (int)(sizeof(evs) / sizeof(evs[0])))
		ut_fail(__FILE__, __LINE__, "too many events");
	v = &evs[nev++];
	v->id = a->id;
	v->tr = tr;
	v->reason = a->reason;
	v->nsources = a->nsources;
	v->nprefixes = a->nprefixes;
	v->routes = a->routes;
	v->suppressed = a->suppressed;
	v->rule = a->key.rule;
	v->severity = a->severity;
	alert_key_fmt(&a->key, v->key, sizeof(v->key));
	if (alert_shown_prefix(a)->af == PREFIX_AF_NONE)
		v->pfx[0] = '\0';
	else
		prefix_fmt(alert_shown_prefix(a), v->pfx, sizeof(v->pfx));
}

static struct alert_engine *
mk(const struct alert_engine_params *p)
{
	struct alert_engine *e;

	nev = 0;
	e = alert_engine_new(p, on_emit, NULL);
	UT_ASSERT(e != NULL);
	return e;
}

static void
policy(struct alert_engine *e, enum alert_rule r, uint32_t raise, uint32_t clear,
    uint32_t upd, uint32_t repeat, uint32_t minsrc)
{
	struct alert_policy p;

	alert_policy_default(r, &p);
	p.raise_holddown = raise;
	p.clear_holddown = clear;
	p.update_interval = upd;
	p.repeat_interval = repeat;
	p.min_sources = minsrc;
	UT_EQ_INT(alert_policy_set(e, r, &p), 0);
}

static struct prefix
P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) == -1)
		ut_fail(__FILE__, __LINE__, "bad prefix %s", s);
	return p;
}

static struct alert_key
K(enum alert_rule r, const char *victim, uint32_t off)
{
	struct alert_key k;

	alert_key_init(&k, r, victim, off, 0, NULL);
	return k;
}

static int
as(struct alert_engine *e, const struct alert_key *k, uint32_t src, const char *pfx,
    uint64_t now)
{
	struct prefix p;

	if (pfx == NULL)
		return alert_assert(e, k, src, NULL, NULL, now);
	p = P(pfx);
	return alert_assert(e, k, src, &p, NULL, now);
}

static int
rt(struct alert_engine *e, const struct alert_key *k, uint32_t src, const char *pfx,
    uint64_t now)
{
	struct prefix p;

	if (pfx == NULL)
		return alert_retract(e, k, src, NULL, now);
	p = P(pfx);
	return alert_retract(e, k, src, &p, now);
}

static void
raise_after_holddown(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "192.0.2.0/24", 64666);
	const struct alert	*a;

	policy(e, ALERT_RULE_EXACT_PREFIX_HIJACK, 30000, 60000, 60000, 0, 1);
	UT_EQ_INT(as(e, &k, 1, "192.0.2.0/24", T0), 0);
	UT_EQ_INT(nev, 0);
	UT_ASSERT(alert_next_deadline(e) == T0 + 30000);
	UT_EQ_INT(alert_first(e) == NULL, 1);		/* pending alerts are not listed */
	alert_tick(e, T0 + 29999);
	UT_EQ_INT(nev, 0);
	alert_tick(e, T0 + 30000);
	UT_EQ_INT(nev, 1);
	UT_EQ_INT(evs[0].tr, ALERT_TR_RAISED);
	UT_EQ_INT(evs[0].id, 1);
	UT_EQ_INT(evs[0].severity, ALERT_SEV_CRITICAL);
	a = alert_first(e);
	UT_ASSERT(a != NULL);
	UT_EQ_INT(a->state, ALERT_ST_RAISED);
	UT_ASSERT(a->first_seen == T0 && a->raised_at == T0 + 30000);
	UT_EQ_INT(a->victim_pfx.af, PREFIX_AF_IPV4);
	UT_EQ_INT(alert_lifecycle(a), 1);
	UT_EQ_STR(evs[0].key, "rule=exact-prefix-hijack victim=192.0.2.0/24 offender=AS64666");
	alert_engine_free(e);
}

static void
flap_within_holddown_is_silent(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "192.0.2.0/24", 64666);
	struct alert_counters	 c;
	uint64_t		 t;

	policy(e, ALERT_RULE_EXACT_PREFIX_HIJACK, 30000, 60000, 60000, 0, 1);
	for (t = T0; t < T0 + 10 * MIN; t += 20000) {
		as(e, &k, 1, "192.0.2.0/24", t);
		alert_tick(e, t + 10000);
		rt(e, &k, 1, "192.0.2.0/24", t + 15000);
		alert_tick(e, t + 19999);
	}
	alert_tick(e, T0 + 60 * MIN);
	UT_EQ_INT(nev, 0);
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	UT_EQ_INT(c.pending, 0);
	UT_EQ_INT(c.raised, 0);
	UT_EQ_INT(c.active, 0);
	UT_ASSERT(alert_find_key(e, &k) == NULL);
	alert_engine_free(e);
}

static void
min_sources_threshold(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_VISIBILITY_LOSS, "198.51.100.0/24", 0);

	policy(e, ALERT_RULE_VISIBILITY_LOSS, 0, 0, 60000, 0, 3);
	as(e, &k, 1, "198.51.100.0/24", T0);
	as(e, &k, 2, "198.51.100.0/24", T0 + 1);
	as(e, &k, 2, "198.51.100.0/24", T0 + 2);	/* same source again: no new evidence */
	alert_tick(e, T0 + MIN);
	UT_EQ_INT(nev, 0);
	UT_EQ_INT(alert_find_key(e, &k)->nsources, 2);
	as(e, &k, 3, "198.51.100.0/24", T0 + MIN);
	UT_EQ_INT(nev, 1);
	UT_EQ_INT(evs[0].tr, ALERT_TR_RAISED);
	UT_EQ_INT(evs[0].nsources, 3);
	UT_EQ_INT(evs[0].nprefixes, 1);
	/* below the threshold but not zero: stays raised (hysteresis) */
	rt(e, &k, 3, "198.51.100.0/24", T0 + 2 * MIN);
	rt(e, &k, 2, "198.51.100.0/24", T0 + 2 * MIN);
	alert_tick(e, T0 + 10 * MIN);
	UT_EQ_INT(nev, 1);
	UT_EQ_INT(alert_find_key(e, &k)->state, ALERT_ST_RAISED);
	rt(e, &k, 1, "198.51.100.0/24", T0 + 11 * MIN);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[1].reason, ALERT_REASON_RESOLVED);
	alert_engine_free(e);
}

static void
clear_holddown_and_reassert(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_ROUTE_LEAK, "AS64500", 64501);
	const struct alert	*a;

	policy(e, ALERT_RULE_ROUTE_LEAK, 0, 60000, 60000, 0, 1);
	as(e, &k, 1, "203.0.113.0/24", T0);
	UT_EQ_INT(nev, 1);
	rt(e, &k, 1, "203.0.113.0/24", T0 + 1000);
	a = alert_find_key(e, &k);
	UT_EQ_INT(a->state, ALERT_ST_CLEAR_PENDING);
	UT_ASSERT(alert_next_deadline(e) == T0 + 61000);
	alert_tick(e, T0 + 30000);
	as(e, &k, 1, "203.0.113.0/24", T0 + 30000);	/* cancels the clear silently */
	UT_EQ_INT(a->state, ALERT_ST_RAISED);
	alert_tick(e, T0 + 5 * MIN);
	UT_EQ_INT(nev, 1);
	rt(e, &k, 1, "203.0.113.0/24", T0 + 6 * MIN);
	alert_tick(e, T0 + 6 * MIN + 59999);
	UT_EQ_INT(nev, 1);
	alert_tick(e, T0 + 7 * MIN);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[1].id, evs[0].id);
	UT_EQ_INT(evs[1].reason, ALERT_REASON_RESOLVED);
	UT_ASSERT(alert_find_key(e, &k) == NULL);
	UT_EQ_INT(alert_history_count(e), 1);
	alert_engine_free(e);
}

static void
update_coalescing(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_SUBPREFIX_HIJACK, "10.0.0.0/8", 65001);
	char			 buf[32];
	int			 i;

	policy(e, ALERT_RULE_SUBPREFIX_HIJACK, 0, 0, 60000, 0, 1);
	as(e, &k, 1, "10.0.0.0/24", T0);
	UT_EQ_INT(nev, 1);
	for (i = 1; i <= 3; i++) {
		snprintf(buf, sizeof(buf), "10.0.%d.0/24", i);
		as(e, &k, 1, buf, T0 + (uint64_t)i * 1000);
	}
	as(e, &k, 2, "10.0.1.0/24", T0 + 4000);
	UT_EQ_INT(nev, 1);
	UT_ASSERT(alert_next_deadline(e) == T0 + 60000);
	alert_tick(e, T0 + 60000);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_UPDATED);
	UT_EQ_INT(alert_lifecycle(alert_find_key(e, &k)), 2);
	UT_EQ_INT(evs[1].nprefixes, 4);
	UT_EQ_INT(evs[1].nsources, 2);
	UT_EQ_INT(evs[1].routes, 5);
	alert_tick(e, T0 + 10 * MIN);
	UT_EQ_INT(nev, 2);
	/* shrinking and growing back to what was notified is not news */
	rt(e, &k, 2, "10.0.1.0/24", T0 + 11 * MIN);
	as(e, &k, 2, "10.0.1.0/24", T0 + 12 * MIN);
	alert_tick(e, T0 + 20 * MIN);
	UT_EQ_INT(nev, 2);
	alert_engine_free(e);
}

static void
severity_up_updates(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_MOAS, "192.0.2.0/24", 64999);
	struct alert_evidence	 ev = { .severity = ALERT_SEV_CRITICAL, .as_path = "64500 64999",
	    .matched = "192.0.2.0/24 (docs)", .description = "MOAS, one origin RPKI invalid" };
	struct prefix		 p = P("192.0.2.0/24");

	policy(e, ALERT_RULE_MOAS, 0, 0, 1000, 0, 1);
	alert_assert(e, &k, 1, &p, NULL, T0);
	UT_EQ_INT(evs[0].severity, ALERT_SEV_INFO);
	alert_assert(e, &k, 1, &p, &ev, T0 + 10);
	alert_tick(e, T0 + 1000);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_UPDATED);
	UT_EQ_INT(evs[1].severity, ALERT_SEV_CRITICAL);
	UT_EQ_STR(alert_find_key(e, &k)->as_path, "64500 64999");
	UT_EQ_STR(alert_find_key(e, &k)->matched, "192.0.2.0/24 (docs)");
	alert_engine_free(e);
}

static void
repeat_interval(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_RPKI_INVALID, "AS64500", 0);

	policy(e, ALERT_RULE_RPKI_INVALID, 0, 0, 60000, 600000, 1);
	as(e, &k, 1, "192.0.2.0/24", T0);
	UT_ASSERT(alert_next_deadline(e) == T0 + 600000);
	alert_tick(e, T0 + 599999);
	UT_EQ_INT(nev, 1);
	alert_tick(e, T0 + 600000);
	alert_tick(e, T0 + 1200000);
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[1].tr, ALERT_TR_REPEAT);
	UT_EQ_INT(evs[2].tr, ALERT_TR_REPEAT);
	UT_EQ_INT(evs[2].id, evs[0].id);
	alert_engine_free(e);
}

/* AWS Route 53, April 2018: AS10297 announced five /24s inside Amazon's /23s. */
static void
grouping_route53(void)
{
	static const char *const hij[] = { "205.251.192.0/24", "205.251.193.0/24",
	    "205.251.195.0/24", "205.251.197.0/24", "205.251.199.0/24" };
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_SUBPREFIX_HIJACK, "AS16509 Route 53", 10297);
	struct alert_evidence	 ev = { .as_path = "6939 10297", .route_delta = 1,
	    .matched = "205.251.192.0/21 Amazon Route 53" };
	struct prefix		 p;
	const struct alert	*a;
	unsigned		 i, src;

	policy(e, ALERT_RULE_SUBPREFIX_HIJACK, 30000, 60000, 60000, 0, 1);
	for (src = 1; src <= 2; src++)
		for (i = 0; i < 5; i++) {
			p = P(hij[i]);
			UT_EQ_INT(alert_assert(e, &k, src, &p, &ev, T0 + i * 100 + src), 0);
		}
	UT_ASSERT(alert_next_deadline(e) == T0 + 30001);	/* first seen + hold-down */
	alert_tick(e, T0 + 30001);
	UT_EQ_INT(nev, 1);
	UT_EQ_INT(evs[0].tr, ALERT_TR_RAISED);
	UT_EQ_INT(evs[0].nprefixes, 5);
	UT_EQ_INT(evs[0].nsources, 2);
	UT_EQ_INT(evs[0].routes, 10);
	UT_ASSERT(strstr(evs[0].key, "offender=AS10297") != NULL);
	a = alert_first(e);
	UT_ASSERT(a != NULL && alert_next(e, a) == NULL);	/* ONE alert */
	UT_EQ_INT(a->nsample_pfx, 5);
	for (i = 0; i < 5; i++) {
		char b[PREFIX_STRLEN];

		UT_EQ_STR(prefix_fmt(&a->sample_pfx[i], b, sizeof(b)), hij[i]);
	}
	UT_EQ_STR(a->matched, "205.251.192.0/21 Amazon Route 53");
	alert_engine_free(e);
}

static void
source_gone(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k1 = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "192.0.2.0/24", 1);
	struct alert_key	 k2 = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "198.51.100.0/24", 2);
	struct alert_key	 k3 = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "203.0.113.0/24", 3);
	struct alert_key	 ks = K(ALERT_RULE_SESSION_HEALTH, "exa", 0);

	policy(e, ALERT_RULE_EXACT_PREFIX_HIJACK, 0, 10000, 60000, 0, 1);
	as(e, &k1, 7, "192.0.2.0/24", T0);
	as(e, &k2, 7, "198.51.100.0/24", T0);
	as(e, &k2, 7, "198.51.100.0/25", T0);
	as(e, &k3, 7, "203.0.113.0/24", T0);
	as(e, &k3, 8, "203.0.113.0/24", T0);
	UT_EQ_INT(nev, 3);
	/* the rule in keep (the source's own session-health alert) stays */
	policy(e, ALERT_RULE_SESSION_HEALTH, 0, 10000, 60000, 0, 1);
	UT_EQ_INT(alert_assert(e, &ks, 7, NULL, NULL, T0), 0);
	UT_EQ_INT(nev, 4);
	alert_retract_source(e, 7, 1u << ALERT_RULE_SESSION_HEALTH, T0 + 1000);
	UT_EQ_INT(nev, 4);
	UT_EQ_INT(alert_find_key(e, &k3)->nsources, 1);
	UT_EQ_INT(alert_find_key(e, &ks)->nsources, 1);
	alert_tick(e, T0 + 11000);
	UT_EQ_INT(nev, 6);
	UT_EQ_INT(evs[4].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[4].reason, ALERT_REASON_SOURCE_GONE);
	UT_EQ_INT(evs[5].reason, ALERT_REASON_SOURCE_GONE);
	UT_EQ_INT(alert_find_key(e, &k3)->state, ALERT_ST_RAISED);
	UT_EQ_INT(alert_find_key(e, &ks)->state, ALERT_ST_RAISED);
	/* without keep it goes too */
	alert_retract_source(e, 7, 0, T0 + 12000);
	alert_tick(e, T0 + 23000);
	UT_EQ_INT(nev, 7);
	UT_EQ_INT(evs[6].rule, ALERT_RULE_SESSION_HEALTH);
	UT_EQ_INT(evs[6].reason, ALERT_REASON_SOURCE_GONE);
	alert_engine_free(e);
}

/* Thousands of sources (BMP peers of a big route server) on one alert. */
static void
thousands_of_sources(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_VISIBILITY_LOSS, "192.0.2.0/24", 0);
	const struct alert	*a;
	uint32_t		 s;

	policy(e, ALERT_RULE_VISIBILITY_LOSS, 0, 0, 60000, 0, 2500);
	for (s = 0; s < 3000; s++) {
		UT_EQ_INT(as(e, &k, 0x80000000u + s * 7919u, "192.0.2.0/24", T0), 0);
		UT_EQ_INT(nev, s + 1 >= 2500 ? 1 : 0);
	}
	a = alert_find_key(e, &k);
	UT_EQ_INT(a->nsources, 3000);
	UT_EQ_INT(a->nprefixes, 1);
	UT_EQ_INT(a->nsample_src, ALERT_SAMPLE_SOURCES);
	for (s = 0; s < 3000; s++)
		alert_retract_source(e, 0x80000000u + s * 7919u, 0, T0 + 1);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].reason, ALERT_REASON_SOURCE_GONE);
	alert_engine_free(e);
}

static void
reconcile_config(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 ka = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "192.0.2.0/24", 1);
	struct alert_key	 kb = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "198.51.100.0/24", 2);
	struct alert_key	 kc = K(ALERT_RULE_BOGON, "AS64500", 0);

	policy(e, ALERT_RULE_EXACT_PREFIX_HIJACK, 0, 60000, 60000, 0, 1);
	policy(e, ALERT_RULE_BOGON, 0, 60000, 60000, 0, 1);
	as(e, &ka, 1, "192.0.2.0/24", T0);
	as(e, &ka, 1, "192.0.2.0/25", T0);
	as(e, &kb, 1, "198.51.100.0/24", T0);
	as(e, &kc, 1, "10.0.0.0/8", T0);
	UT_EQ_INT(nev, 3);
	/* re-evaluate the hijack rule only: A still applies (one prefix of two), B not */
	alert_reconcile_begin(e, 1u << ALERT_RULE_EXACT_PREFIX_HIJACK);
	as(e, &ka, 1, "192.0.2.0/24", T0 + 1000);
	alert_reconcile_end(e, ALERT_REASON_CONFIG, T0 + 1000);
	UT_EQ_INT(nev, 4);
	UT_EQ_INT(evs[3].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[3].reason, ALERT_REASON_CONFIG);
	UT_ASSERT(strstr(evs[3].key, "198.51.100.0/24") != NULL);
	UT_EQ_INT(alert_find_key(e, &ka)->nprefixes, 1);
	UT_ASSERT(alert_find_key(e, &kc) != NULL);	/* other rules untouched */
	/* a full reconcile after the bogon rule was disabled clears it with "config" */
	{
		struct alert_policy p = *alert_policy_get(e, ALERT_RULE_BOGON);

		p.enabled = 0;
		alert_policy_set(e, ALERT_RULE_BOGON, &p);
	}
	alert_reconcile_begin(e, 0);
	as(e, &ka, 1, "192.0.2.0/24", T0 + 2000);
	as(e, &kc, 1, "10.0.0.0/8", T0 + 2000);		/* ignored: disabled */
	alert_reconcile_end(e, ALERT_REASON_CONFIG, T0 + 2000);
	UT_EQ_INT(nev, 5);
	UT_EQ_INT(evs[4].rule, ALERT_RULE_BOGON);
	UT_EQ_INT(evs[4].reason, ALERT_REASON_CONFIG);
	alert_engine_free(e);
}

static void
rate_limit_and_summary(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_policy	 p;
	struct alert_counters	 c;
	struct alert_key	 k[5];
	char			 v[32];
	int			 i;

	alert_policy_default(ALERT_RULE_NEW_PREFIX, &p);
	p.raise_holddown = p.clear_holddown = 0;
	p.rate_per_min = 2;
	p.rate_burst = 2;
	UT_EQ_INT(alert_policy_set(e, ALERT_RULE_NEW_PREFIX, &p), 0);
	for (i = 0; i < 5; i++) {
		snprintf(v, sizeof(v), "AS6450%d", i);
		k[i] = K(ALERT_RULE_NEW_PREFIX, v, 0);
		as(e, &k[i], 1, "192.0.2.0/24", T0);
	}
	UT_EQ_INT(nev, 2);
	alert_counters_get(e, ALERT_RULE_NEW_PREFIX, &c);
	UT_EQ_INT(c.raised, 5);
	UT_EQ_INT(c.active, 5);		/* state is tracked for all five */
	UT_EQ_INT(c.suppressed, 3);
	UT_EQ_INT(c.emitted, 2);
	UT_ASSERT(alert_next_deadline(e) == T0 + 30000);	/* one token in 30 s */
	alert_tick(e, T0 + 29999);
	UT_EQ_INT(nev, 2);
	alert_tick(e, T0 + 30000);
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[2].tr, ALERT_TR_SUPPRESSED);
	UT_EQ_INT(evs[2].suppressed, 3);
	UT_EQ_INT(evs[2].rule, ALERT_RULE_NEW_PREFIX);
	/* k[4]'s raise was withheld: its clear is withheld too (never a clear of an
	 * alert outputs never saw), counted; k[0]'s clear goes out */
	rt(e, &k[4], 1, "192.0.2.0/24", T0 + 30001);
	rt(e, &k[0], 1, "192.0.2.0/24", T0 + 30002);
	UT_EQ_INT(nev, 5);
	UT_EQ_INT(evs[3].tr, ALERT_TR_SUPPRESSED);
	UT_EQ_INT(evs[3].suppressed, 1);
	UT_EQ_INT(evs[4].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[4].id, evs[0].id);
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	UT_EQ_INT(c.suppressed, 4);
	UT_EQ_INT(c.cleared, 2);
	UT_EQ_INT(c.active, 3);
	alert_engine_free(e);
}

/* A withheld raise goes out late, as RAISED, with the next notification the
 * rate allows (here: the repeat), after the summary. */
static void
late_raise_after_suppression(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_policy	 p;
	struct alert_key	 k1 = K(ALERT_RULE_SQUATTING, "198.18.0.0/15", 1);
	struct alert_key	 k2 = K(ALERT_RULE_SQUATTING, "198.18.0.0/15", 2);

	alert_policy_default(ALERT_RULE_SQUATTING, &p);
	p.raise_holddown = 0;
	p.repeat_interval = 10 * MIN;
	p.rate_per_min = 1;
	p.rate_burst = 1;
	alert_policy_set(e, ALERT_RULE_SQUATTING, &p);
	as(e, &k1, 1, "198.18.0.0/24", T0);
	as(e, &k2, 1, "198.18.1.0/24", T0);
	UT_EQ_INT(nev, 1);
	UT_EQ_INT(alert_find_key(e, &k2)->notified, 0);
	alert_tick(e, T0 + MIN);		/* one token: the summary is free */
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_SUPPRESSED);
	alert_tick(e, T0 + 10 * MIN);		/* both repeats due, one token */
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[2].tr, evs[2].id == evs[0].id ? ALERT_TR_REPEAT : ALERT_TR_RAISED);
	alert_tick(e, T0 + 20 * MIN);
	alert_tick(e, T0 + 30 * MIN);
	UT_EQ_INT(alert_find_key(e, &k2)->notified, 1);
	UT_ASSERT(alert_find_key(e, &k2)->id != 0);
	{
		int i, raises = 0;

		for (i = 0; i < nev; i++)
			if (evs[i].id == alert_find_key(e, &k2)->id) {
				UT_EQ_INT(raises == 0 ? evs[i].tr : ALERT_TR_REPEAT, evs[i].tr);
				raises += evs[i].tr == ALERT_TR_RAISED;
			}
		UT_EQ_INT(raises, 1);	/* first sight for outputs is a RAISED */
	}
	alert_engine_free(e);
}

/* After a VRP change only the RPKI rules are re-evaluated. */
static void
reconcile_vrp_change(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 ki = K(ALERT_RULE_RPKI_INVALID, "192.0.2.0/24", 64511);
	struct alert_key	 kh = K(ALERT_RULE_EXACT_PREFIX_HIJACK, "192.0.2.0/24", 64511);

	policy(e, ALERT_RULE_RPKI_INVALID, 0, 60000, 60000, 0, 1);
	policy(e, ALERT_RULE_EXACT_PREFIX_HIJACK, 0, 60000, 60000, 0, 1);
	as(e, &ki, 1, "192.0.2.0/24", T0);
	as(e, &kh, 1, "192.0.2.0/24", T0);
	UT_EQ_INT(nev, 2);
	alert_reconcile_begin(e, 1u << ALERT_RULE_RPKI_INVALID | 1u << ALERT_RULE_RPKI_NOT_FOUND);
	alert_reconcile_end(e, ALERT_REASON_RESOLVED, T0 + 1000);	/* a ROA now covers it */
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[2].rule, ALERT_RULE_RPKI_INVALID);
	UT_EQ_INT(evs[2].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[2].reason, ALERT_REASON_RESOLVED);
	UT_EQ_INT(alert_find_key(e, &kh)->state, ALERT_ST_RAISED);
	alert_engine_free(e);
}

static void
history_bound(void)
{
	struct alert_engine_params	 prm = { .history_max = 3, .firstseen_max = 16,
	    .restore_grace = 1000 };
	struct alert_engine		*e = mk(&prm);
	const struct alert		*a;
	struct alert_key		 k;
	char				 v[32];
	uint32_t			 ids[8], n = 0, i;

	for (i = 0; i < 5; i++) {
		snprintf(v, sizeof(v), "test-%u", i);
		k = K(ALERT_RULE_TEST, v, 0);
		as(e, &k, 1, NULL, T0 + i);
		rt(e, &k, 1, NULL, T0 + i);
	}
	UT_EQ_INT(nev, 10);
	UT_EQ_INT(alert_history_count(e), 3);
	for (a = alert_first(e); a != NULL; a = alert_next(e, a)) {
		UT_EQ_INT(a->state, ALERT_ST_CLEARED);
		ids[n++] = a->id;
	}
	UT_EQ_INT(n, 3);
	UT_EQ_INT(ids[0], 3);
	UT_EQ_INT(ids[2], 5);
	UT_ASSERT(alert_find_id(e, 1) == NULL);
	UT_ASSERT(alert_find_id(e, 4) != NULL);
	UT_EQ_INT(alert_find_next_id(e, 0)->id, 3);
	UT_EQ_INT(alert_find_next_id(e, 3)->id, 4);
	UT_ASSERT(alert_find_next_id(e, 5) == NULL);
	UT_EQ_INT(alert_lifecycle(alert_find_id(e, 4)), 3);
	/* the walk's cursor (on 4) stays right when 3 and 4 leave the history,
	 * and when asked backwards */
	UT_EQ_INT(alert_find_next_id(e, 3)->id, 4);
	for (i = 5; i < 7; i++) {
		snprintf(v, sizeof(v), "test-%u", i);
		k = K(ALERT_RULE_TEST, v, 0);
		as(e, &k, 1, NULL, T0 + i);
		rt(e, &k, 1, NULL, T0 + i);
	}
	UT_ASSERT(alert_find_id(e, 4) == NULL);
	UT_EQ_INT(alert_find_next_id(e, 3)->id, 5);
	UT_EQ_INT(alert_find_next_id(e, 5)->id, 6);
	UT_EQ_INT(alert_find_next_id(e, 0)->id, 5);
	UT_EQ_INT(alert_find_next_id(e, 6)->id, 7);
	UT_ASSERT(alert_find_next_id(e, 7) == NULL);
	alert_engine_free(e);
}

static void
ids_unique(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_TEST, "same", 0);
	uint32_t		 last = 0;
	int			 i;

	for (i = 0; i < 100; i++) {
		as(e, &k, 1, NULL, T0 + (uint64_t)i);
		rt(e, &k, 1, NULL, T0 + (uint64_t)i);
	}
	UT_EQ_INT(nev, 200);
	for (i = 0; i < 200; i += 2) {
		UT_ASSERT(evs[i].id > last);
		UT_EQ_INT(evs[i + 1].id, evs[i].id);
		last = evs[i].id;
	}
	alert_engine_free(e);
}

static void
expiry(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_RTR_HEALTH, "rtr", 0);
	struct alert_policy	 p;

	alert_policy_default(ALERT_RULE_RTR_HEALTH, &p);
	p.raise_holddown = 0;
	p.expire_after = 3600 * 1000;
	alert_policy_set(e, ALERT_RULE_RTR_HEALTH, &p);
	as(e, &k, 1, NULL, T0);
	as(e, &k, 1, NULL, T0 + 1800 * 1000);		/* refresh */
	alert_tick(e, T0 + 3600 * 1000);
	UT_EQ_INT(nev, 1);
	UT_ASSERT(alert_next_deadline(e) == T0 + 5400 * 1000);
	alert_tick(e, T0 + 5400 * 1000);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].reason, ALERT_REASON_EXPIRED);
	alert_engine_free(e);
}

static void
disabled_rule_ignored(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_MOAS, "x", 0);
	struct alert_policy	 p;
	struct alert_counters	 c;

	alert_policy_default(ALERT_RULE_MOAS, &p);
	p.enabled = 0;
	alert_policy_set(e, ALERT_RULE_MOAS, &p);
	UT_EQ_INT(as(e, &k, 1, NULL, T0), 0);
	alert_tick(e, T0 + 3600 * 1000);
	alert_counters_get(e, ALERT_RULE_MOAS, &c);
	UT_EQ_INT(c.ignored, 1);
	UT_EQ_INT(nev, 0);
	k.rule = 0;
	UT_EQ_INT(as(e, &k, 1, NULL, T0), -1);
	k.rule = ALERT_RULE_MAX + 1;
	UT_EQ_INT(as(e, &k, 1, NULL, T0), -1);
	p.severity = 9;
	UT_EQ_INT(alert_policy_set(e, ALERT_RULE_MOAS, &p), -1);
	alert_engine_free(e);
}

static void
firstseen_lru(void)
{
	struct alert_engine_params	 prm = { .history_max = 4, .firstseen_max = 3,
	    .restore_grace = 1000 };
	struct alert_engine		*e = mk(&prm);
	struct prefix			 a = P("192.0.2.0/24"), b = P("198.51.100.0/24"),
					 c = P("203.0.113.0/24"), d = P("2001:db8::/32");
	int				 isnew;

	UT_ASSERT(alert_firstseen(e, &a, 1, T0, &isnew) == T0 && isnew);
	UT_ASSERT(alert_firstseen(e, &a, 2, T0 + 1, &isnew) == T0 + 1 && isnew);
	UT_ASSERT(alert_firstseen(e, &a, 1, T0 + 5, &isnew) == T0 && !isnew);
	alert_firstseen(e, &b, 1, T0 + 6, &isnew);
	alert_firstseen(e, &a, 1, T0 + 7, &isnew);	/* touch: (a,2) is now the LRU */
	alert_firstseen(e, &c, 1, T0 + 8, &isnew);	/* evicts (a,2) */
	UT_EQ_INT(alert_firstseen_count(e), 3);
	UT_ASSERT(alert_firstseen(e, &a, 1, T0 + 9, &isnew) == T0 && !isnew);
	UT_ASSERT(alert_firstseen(e, &a, 2, T0 + 10, &isnew) == T0 + 10 && isnew);
	UT_ASSERT(alert_firstseen(e, &d, 1, T0 + 11, &isnew) == T0 + 11 && isnew);
	UT_EQ_INT(alert_firstseen_count(e), 3);
	alert_engine_free(e);
}

/* Two raised alerts (one with two sources) and two first-seen records, saved. */
static struct alert_engine *
populated(struct wbuf *wb)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k1 = K(ALERT_RULE_SUBPREFIX_HIJACK, "AS16509 Route 53", 10297);
	struct alert_key	 k2 = K(ALERT_RULE_RPKI_INVALID, "2001:db8::/32", 64511);
	struct alert_evidence	 ev = { .as_path = "6939 10297", .matched = "AS16509",
	    .description = "sub-prefix hijack", .severity = ALERT_SEV_ERROR };
	struct prefix		 p = P("205.251.192.0/24"), q = P("2001:db8:1::/48");
	int			 isnew;

	policy(e, ALERT_RULE_SUBPREFIX_HIJACK, 0, 0, 60000, 0, 1);
	policy(e, ALERT_RULE_RPKI_INVALID, 0, 0, 60000, 0, 1);
	alert_assert(e, &k1, 3, &p, &ev, T0);
	alert_assert(e, &k2, 4, &q, NULL, T0 + 1);
	alert_assert(e, &k2, 5, &q, NULL, T0 + 2);
	alert_firstseen(e, &p, 16509, T0 - 86400000ULL, &isnew);
	alert_firstseen(e, &q, 64500, T0, &isnew);
	wbuf_init(wb, 0);
	UT_EQ_INT(alert_state_save(e, wb), 0);
	UT_ASSERT(wb->len > 16);
	return e;
}

static void
state_roundtrip_restart(void)
{
	struct wbuf		 wb, wb2;
	struct alert_engine	*e = populated(&wb), *f;
	struct alert_key	 k1 = K(ALERT_RULE_SUBPREFIX_HIJACK, "AS16509 Route 53", 10297);
	struct alert_key	 k3 = K(ALERT_RULE_BOGON, "AS64500", 0);
	struct prefix		 p = P("205.251.192.0/24");
	struct alert_evidence	 ev = { .severity = ALERT_SEV_ERROR };
	const struct alert	*a, *b;
	int			 isnew;

	UT_EQ_INT(nev, 2);
	f = alert_engine_new(NULL, on_emit, NULL);
	UT_EQ_INT(alert_state_load(f, wb.buf, wb.len, T0 + 1000), 0);
	UT_EQ_INT(nev, 2);				/* loading emits nothing */
	for (a = alert_first(e), b = alert_first(f); a != NULL; a = alert_next(e, a),
	    b = alert_next(f, b)) {
		UT_ASSERT(b != NULL);
		UT_EQ_INT(b->id, a->id);
		UT_EQ_INT(b->state, ALERT_ST_RAISED);
		UT_EQ_INT(b->notified, 1);
		UT_EQ_INT(b->severity, a->severity);
		UT_EQ_INT(b->nsources, a->nsources);
		UT_ASSERT(b->first_seen == a->first_seen);
		UT_EQ_STR(b->key.victim, a->key.victim);
		UT_EQ_STR(b->as_path, a->as_path);
		UT_EQ_STR(b->description, a->description);
	}
	UT_ASSERT(b == NULL);
	/* saving the loaded engine gives the same bytes */
	wbuf_init(&wb2, 0);
	UT_EQ_INT(alert_state_save(f, &wb2), 0);
	UT_EQ_INT(wb2.len, wb.len);
	UT_EQ_MEM(wb2.buf, wb.buf, wb.len);
	/* restart: re-asserting does not re-raise; a new alert gets a fresh id; the
	 * repeat interval counts from the restart */
	policy(f, ALERT_RULE_SUBPREFIX_HIJACK, 0, 0, 60000, 3 * MIN, 1);
	policy(f, ALERT_RULE_BOGON, 0, 0, 60000, 0, 1);
	alert_assert(f, &k1, 3, &p, &ev, T0 + 2000);
	alert_tick(f, T0 + 2 * MIN);
	UT_EQ_INT(nev, 2);
	UT_ASSERT(alert_next_deadline(f) == T0 + 1000 + 3 * MIN);
	as(f, &k3, 1, "10.0.0.0/8", T0 + 2 * MIN);
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[2].tr, ALERT_TR_RAISED);
	UT_EQ_INT(evs[2].id, 3);
	UT_ASSERT(alert_firstseen(f, &p, 16509, T0, &isnew) == T0 - 86400000ULL && !isnew);
	UT_EQ_INT(alert_firstseen_count(f), 2);
	/* loading into a non-empty engine is refused */
	UT_EQ_INT(alert_state_load(f, wb.buf, wb.len, T0), -1);
	wbuf_free(&wb);
	wbuf_free(&wb2);
	alert_engine_free(e);
	alert_engine_free(f);
}

static void
restored_not_reasserted_clears(void)
{
	struct wbuf		 wb;
	struct alert_engine	*e = populated(&wb), *f;
	struct alert_engine_params prm = { .history_max = 8, .firstseen_max = 8,
	    .restore_grace = 5 * 60000 };
	struct alert_key	 k2 = K(ALERT_RULE_RPKI_INVALID, "2001:db8::/32", 64511);
	struct prefix		 q = P("2001:db8:1::/48");

	f = alert_engine_new(&prm, on_emit, NULL);
	nev = 0;
	UT_EQ_INT(alert_state_load(f, wb.buf, wb.len, T0), 0);
	UT_ASSERT(alert_next_deadline(f) == T0 + 5 * 60000);
	alert_assert(f, &k2, 4, &q, NULL, T0 + 60000);
	alert_tick(f, T0 + 5 * 60000);
	UT_EQ_INT(nev, 1);				/* only the one not seen again */
	UT_EQ_INT(evs[0].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[0].reason, ALERT_REASON_RESOLVED);
	UT_ASSERT(strstr(evs[0].key, "AS10297") != NULL);
	UT_EQ_INT(alert_find_key(f, &k2)->state, ALERT_ST_RAISED);
	UT_EQ_INT(alert_find_key(f, &k2)->nsources, 1);
	wbuf_free(&wb);
	alert_engine_free(e);
	alert_engine_free(f);
}

static uint32_t
crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t	 c = 0xffffffffu;
	int		 k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void
fix_crc(uint8_t *b, size_t len)
{
	uint32_t c = crc32_ref(b, len - 4);

	b[len - 4] = (uint8_t)(c >> 24);
	b[len - 3] = (uint8_t)(c >> 16);
	b[len - 2] = (uint8_t)(c >> 8);
	b[len - 1] = (uint8_t)c;
}

static void
state_corrupt_refused(void)
{
	struct wbuf		 wb;
	struct alert_engine	*e = populated(&wb), *f;
	uint8_t			*copy;
	size_t			 i;

	f = alert_engine_new(NULL, on_emit, NULL);
	copy = malloc(wb.len + 1);
	UT_ASSERT(copy != NULL);
	for (i = 0; i < wb.len; i++)	/* every truncation */
		UT_EQ_INT(alert_state_load(f, wb.buf, i, T0), -1);
	for (i = 0; i < wb.len; i++) {	/* every single-byte corruption */
		memcpy(copy, wb.buf, wb.len);
		copy[i] ^= 0x41;
		UT_EQ_INT(alert_state_load(f, copy, wb.len, T0), -1);
	}
	/* valid checksum, invalid content: bad version, rule, trailing byte */
	memcpy(copy, wb.buf, wb.len);
	copy[4] = 2;
	fix_crc(copy, wb.len);
	UT_EQ_INT(alert_state_load(f, copy, wb.len, T0), -1);
	memcpy(copy, wb.buf, wb.len);
	copy[16] = ALERT_RULE_MAX + 1;		/* first alert's rule */
	fix_crc(copy, wb.len);
	UT_EQ_INT(alert_state_load(f, copy, wb.len, T0), -1);
	memcpy(copy, wb.buf, wb.len - 4);
	copy[wb.len - 4] = 0;
	fix_crc(copy, wb.len + 1);
	UT_EQ_INT(alert_state_load(f, copy, wb.len + 1, T0), -1);
	/* nothing was left behind by the refusals; the intact file still loads */
	UT_ASSERT(alert_first(f) == NULL);
	UT_EQ_INT(alert_firstseen_count(f), 0);
	memcpy(copy, wb.buf, wb.len);
	fix_crc(copy, wb.len);
	UT_EQ_INT(alert_state_load(f, copy, wb.len, T0), 0);
	free(copy);
	wbuf_free(&wb);
	alert_engine_free(e);
	alert_engine_free(f);
}

/* A full-table leak: tracking is capped per alert, counts stay right, it clears. */
static void
bounded_tracking(void)
{
	struct alert_engine_params	 prm = { .history_max = 4, .firstseen_max = 4,
	    .restore_grace = 1000, .obs_max_per_alert = 4, .obs_max = 6, .alerts_max = 2 };
	struct alert_engine		*e = mk(&prm);
	struct alert_key		 k = K(ALERT_RULE_ROUTE_LEAK, "AS64500", 64666);
	struct alert_key		 k2 = K(ALERT_RULE_ROUTE_LEAK, "AS64500", 64667);
	struct alert_key		 k3 = K(ALERT_RULE_ROUTE_LEAK, "AS64500", 64668);
	struct alert_counters		 c;
	const struct alert		*a;
	struct prefix			 p;
	uint32_t			 i, s;

	policy(e, ALERT_RULE_ROUTE_LEAK, 0, 0, 60000, 0, 1);
	for (s = 1; s <= 2; s++)
		for (i = 0; i < 1000; i++) {
			memset(&p, 0, sizeof(p));
			p.af = PREFIX_AF_IPV4;
			p.len = 24;
			p.addr[0] = 100;
			p.addr[1] = (uint8_t)(i >> 8);
			p.addr[2] = (uint8_t)i;
			UT_EQ_INT(alert_assert(e, &k, s, &p, NULL, T0), 0);
		}
	a = alert_find_key(e, &k);
	UT_EQ_INT(a->nobs, 4);
	UT_EQ_INT(a->nobs_over, 1996);
	UT_EQ_INT(a->routes, 2000);
	UT_EQ_INT(a->nsources, 2);
	UT_ASSERT(a->nprefixes >= 1000 && a->nprefixes <= 2000);
	/* the key table is bounded too: refused, and counted */
	UT_EQ_INT(as(e, &k2, 1, NULL, T0), 0);
	UT_EQ_INT(as(e, &k3, 1, NULL, T0), -1);
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	UT_EQ_INT(c.refused, 1);
	/* the global bound: k2 may track no more once 6 are tracked in all */
	for (i = 0; i < 3; i++) {
		memset(&p, 0, sizeof(p));
		p.af = PREFIX_AF_IPV6;
		p.len = 48;
		p.addr[0] = 0x20;
		p.addr[5] = (uint8_t)i;
		UT_EQ_INT(alert_assert(e, &k2, 3, &p, NULL, T0), 0);
	}
	UT_EQ_INT(alert_find_key(e, &k2)->nobs, 2);
	UT_EQ_INT(alert_find_key(e, &k2)->nobs_over, 2);
	UT_EQ_INT(alert_find_key(e, &k2)->nsources, 2);
	alert_retract_source(e, 3, 0, T0);
	UT_EQ_INT(alert_find_key(e, &k2)->nobs_over, 0);
	UT_EQ_INT(alert_find_key(e, &k2)->nsources, 1);
	/* source 1 goes away, then source 2 withdraws route by route */
	alert_retract_source(e, 1, 0, T0 + 1);
	UT_EQ_INT(a->nsources, 1);
	UT_EQ_INT(a->routes, 1000);
	for (i = 0; i < 1000; i++) {
		UT_EQ_INT(a->state, ALERT_ST_RAISED);
		memset(&p, 0, sizeof(p));
		p.af = PREFIX_AF_IPV4;
		p.len = 24;
		p.addr[0] = 100;
		p.addr[1] = (uint8_t)(i >> 8);
		p.addr[2] = (uint8_t)i;
		alert_retract(e, &k, 2, &p, T0 + 2);
	}
	UT_EQ_INT(nev, 4);
	UT_EQ_INT(evs[2].reason, ALERT_REASON_SOURCE_GONE);	/* k2, source 1 only */
	UT_EQ_INT(evs[3].tr, ALERT_TR_CLEARED);
	UT_EQ_INT(evs[3].reason, ALERT_REASON_RESOLVED);
	UT_ASSERT(strstr(evs[3].key, "offender=AS64666") != NULL);
	UT_ASSERT(alert_find_key(e, &k) == NULL);
	alert_engine_free(e);
}

/* First-seen section: a duplicate record is refused; more records than the
 * (lowered) limit load, keeping the most recent. */
static void
state_firstseen_section(void)
{
	struct alert_engine_params	 small = { .history_max = 4, .firstseen_max = 2,
	    .restore_grace = 1000 };
	struct alert_engine		*e, *f;
	struct wbuf			 wb;
	uint32_t			 i;
	int				 isnew;

	wbuf_init(&wb, 0);
	wbuf_put_bytes(&wb, "IXWA\1\0\0\0", 8);
	wbuf_put_u32(&wb, 1);		/* next id */
	wbuf_put_u32(&wb, 0);		/* no alerts */
	wbuf_put_u32(&wb, 2);
	for (i = 0; i < 2; i++) {
		wbuf_put_u8(&wb, PREFIX_AF_IPV4);
		wbuf_put_u8(&wb, 24);
		wbuf_put_bytes(&wb, "\xc0\x00\x02\x00", 4);
		wbuf_put_u32(&wb, 64500);
		wbuf_put_u64(&wb, T0);
	}
	wbuf_put_u32(&wb, 0);
	fix_crc(wb.buf, wb.len);
	e = mk(NULL);
	UT_EQ_INT(alert_state_load(e, wb.buf, wb.len, T0), -1);
	UT_EQ_INT(alert_firstseen_count(e), 0);
	/* make the second record different: loads */
	wb.buf[20 + 18 + 2 + 2] = 3;	/* 2nd record (af, len, addr): 192.0.3.0/24 */
	fix_crc(wb.buf, wb.len);
	UT_EQ_INT(alert_state_load(e, wb.buf, wb.len, T0), 0);
	UT_EQ_INT(alert_firstseen_count(e), 2);
	/* a limit of one keeps the later (most recent) record */
	small.firstseen_max = 1;
	f = alert_engine_new(&small, NULL, NULL);
	UT_EQ_INT(alert_state_load(f, wb.buf, wb.len, T0), 0);
	UT_EQ_INT(alert_firstseen_count(f), 1);
	{
		struct prefix p = P("192.0.3.0/24");

		UT_ASSERT(alert_firstseen(f, &p, 64500, T0 + 5, &isnew) == T0 && !isnew);
	}
	wbuf_free(&wb);
	alert_engine_free(e);
	alert_engine_free(f);
}

static void
names(void)
{
	UT_EQ_STR(alert_rule_name(ALERT_RULE_PEERING_VISIBILITY_LOSS), "peering-visibility-loss");
	UT_EQ_STR(alert_rule_name(ALERT_RULE_TEST), "test");
	UT_EQ_STR(alert_severity_name(ALERT_SEV_WARNING), "warning");
	UT_EQ_STR(alert_severity_name(ALERT_SEV_ERROR), "error");
	UT_EQ_STR(alert_severity_name(ALERT_SEV_NOTICE), "notice");
	UT_EQ_INT(ALERT_SEV_WARNING, 3);
	UT_EQ_STR(alert_reason_name(ALERT_REASON_SOURCE_GONE), "source-gone");
	UT_EQ_STR(alert_reason_name(ALERT_REASON_CONFIG), "config");
	UT_EQ_STR(alert_transition_name(ALERT_TR_CLEARED), "cleared");
	/* the MIB's numbering */
	UT_EQ_INT(ALERT_RULE_SESSION_HEALTH, 16);
	UT_EQ_INT(ALERT_SEV_INFO, 5);
	UT_EQ_INT(ALERT_TR_CLEARED, 3);
}

static void
key_format(void)
{
	struct alert_key	 k;
	char			 b[ALERT_KEY_STRLEN], small[12];

	alert_key_init(&k, ALERT_RULE_PEERING_VISIBILITY_LOSS, "AS64500", 64500, 4294967295u,
	    "v6");
	UT_EQ_STR(alert_key_fmt(&k, b, sizeof(b)), "rule=peering-visibility-loss victim=AS64500 "
	    "offender=AS64500 offender2=AS4294967295 disc=v6");
	UT_EQ_STR(alert_key_fmt(&k, small, sizeof(small)), "rule=peerin");
	alert_key_init(&k, ALERT_RULE_SUBPREFIX_HIJACK, "AS16509 \"R53\"", 10297, 0, NULL);
	UT_EQ_STR(alert_key_fmt(&k, b, sizeof(b)),
	    "rule=subprefix-hijack victim=\"AS16509 \\\"R53\\\"\" offender=AS10297");
}

/* An alert keyed by AS names its prefix in the clear too (SNMP, syslog, JSON). */
static void
cleared_names_last_prefix(void)
{
	struct alert_engine	*e = mk(NULL);
	struct alert_key	 k = K(ALERT_RULE_SUBPREFIX_HIJACK, "AS64500", 64666);

	policy(e, ALERT_RULE_SUBPREFIX_HIJACK, 0, 0, 60000, 0, 1);
	as(e, &k, 1, "192.0.2.0/25", T0);
	as(e, &k, 1, "192.0.2.128/25", T0 + 1);
	UT_EQ_INT(nev, 1);
	UT_EQ_STR(evs[0].pfx, "192.0.2.0/25");
	rt(e, &k, 1, "192.0.2.0/25", T0 + 2);
	UT_EQ_INT(nev, 1);
	rt(e, &k, 1, "192.0.2.128/25", T0 + 3);
	UT_EQ_INT(nev, 2);
	UT_EQ_INT(evs[1].tr, ALERT_TR_CLEARED);
	UT_EQ_STR(evs[1].pfx, "192.0.2.128/25");
	/* a new episode names its own prefix, not the old one */
	as(e, &k, 2, "198.51.100.0/25", T0 + 4);
	UT_EQ_INT(nev, 3);
	UT_EQ_INT(evs[2].tr, ALERT_TR_RAISED);
	UT_EQ_STR(evs[2].pfx, "198.51.100.0/25");
	alert_engine_free(e);
}

UT_MAIN(UT_CASE(raise_after_holddown), UT_CASE(flap_within_holddown_is_silent),
    UT_CASE(min_sources_threshold), UT_CASE(clear_holddown_and_reassert),
    UT_CASE(update_coalescing), UT_CASE(severity_up_updates), UT_CASE(repeat_interval),
    UT_CASE(grouping_route53), UT_CASE(source_gone), UT_CASE(thousands_of_sources),
    UT_CASE(reconcile_config),
    UT_CASE(rate_limit_and_summary), UT_CASE(late_raise_after_suppression),
    UT_CASE(reconcile_vrp_change), UT_CASE(history_bound), UT_CASE(ids_unique),
    UT_CASE(expiry), UT_CASE(disabled_rule_ignored), UT_CASE(firstseen_lru),
    UT_CASE(state_roundtrip_restart), UT_CASE(restored_not_reasserted_clears),
    UT_CASE(state_corrupt_refused), UT_CASE(state_firstseen_section),
    UT_CASE(bounded_tracking), UT_CASE(names),
    UT_CASE(key_format), UT_CASE(cleared_names_last_prefix))
