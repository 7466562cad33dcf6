/*
 * Randomized model test of the alert lifecycle (fixed seeds, so failures replay):
 * random asserts, retracts, source losses, reconciles and time steps against a
 * reference set of observations. Invariants checked on the emitted stream and the
 * counters: no clear or update without a prior raise of that id, no double raise,
 * ids increasing, live counts equal the model's, and after everything is retracted
 * and the hold-downs have passed, every alert is cleared and counters balance.
 */
#include "agent/alert.h"
#include "tests/unit/ut.h"

#define NKEYS	6
#define NSRC	4
#define NPFX	5
#define MAXID	100000

static uint8_t	 raised_out[MAXID];	/* 0 never, 1 raised (notified), 2 cleared */
static uint32_t	 last_raised_id;
static uint32_t	 nemitted;
static int	 limited_run;	/* late raises (after a withheld one) come out of order */
static int	 capped_run;	/* obs_max_per_alert tiny: rules assert/retract once */

static uint32_t	 rng;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng % n;
}

static void
on_emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	(void)arg;
	nemitted++;
	if (tr == ALERT_TR_SUPPRESSED) {
		if (a->id != 0 || a->suppressed == 0)
			ut_fail(__FILE__, __LINE__, "bad summary");
		return;
	}
	if (a->id == 0 || a->id >= MAXID)
		ut_fail(__FILE__, __LINE__, "bad id %u", a->id);
	switch (tr) {
	case ALERT_TR_RAISED:
		if (raised_out[a->id] != 0)
			ut_fail(__FILE__, __LINE__, "id %u raised twice", a->id);
		if (!limited_run && a->id <= last_raised_id)
			ut_fail(__FILE__, __LINE__, "id %u not increasing", a->id);
		last_raised_id = a->id;
		raised_out[a->id] = 1;
		break;
	case ALERT_TR_UPDATED:
	case ALERT_TR_REPEAT:
		if (raised_out[a->id] != 1)
			ut_fail(__FILE__, __LINE__, "update of id %u not raised", a->id);
		break;
	case ALERT_TR_CLEARED:
		if (raised_out[a->id] != 1)
			ut_fail(__FILE__, __LINE__, "clear of id %u never raised", a->id);
		if (a->reason == ALERT_REASON_NONE)
			ut_fail(__FILE__, __LINE__, "clear without reason");
		raised_out[a->id] = 2;
		break;
	default:
		ut_fail(__FILE__, __LINE__, "bad transition %d", tr);
	}
}

static uint8_t	 obs[NKEYS][NSRC][NPFX];

static void
key_of(int i, struct alert_key *k)
{
	char v[16];

	snprintf(v, sizeof(v), "victim-%d", i % 3);
	alert_key_init(k, i < 3 ? ALERT_RULE_EXACT_PREFIX_HIJACK : ALERT_RULE_ROUTE_LEAK,
	    v, 64500u + (uint32_t)i, 0, NULL);
}

static void
pfx_of(int i, struct prefix *p)
{
	char s[32];

	snprintf(s, sizeof(s), "10.%d.0.0/16", i);
	prefix_parse(s, p);
}

/* Live alerts agree with the model's observation sets. */
static void
check_counts(struct alert_engine *e)
{
	const struct alert	*a;
	struct alert_key	 k;
	int			 i, s, p, nsrc, npfx, nobs, any;

	for (i = 0; i < NKEYS; i++) {
		key_of(i, &k);
		a = alert_find_key(e, &k);
		nsrc = npfx = nobs = 0;
		for (s = 0; s < NSRC; s++) {
			for (any = 0, p = 0; p < NPFX; p++) {
				nobs += obs[i][s][p];
				any |= obs[i][s][p];
			}
			nsrc += any;
		}
		for (p = 0; p < NPFX; p++) {
			for (any = 0, s = 0; s < NSRC; s++)
				any |= obs[i][s][p];
			npfx += any;
		}
		if (nobs != 0) {
			UT_ASSERT(a != NULL);
			UT_EQ_INT(a->nobs + a->nobs_over, nobs);
			UT_EQ_INT(a->nsources, nsrc);
			UT_EQ_INT(a->routes, nobs);
			if (capped_run) {
				UT_ASSERT(a->nobs <= 2);
				UT_ASSERT(a->nprefixes >= (uint32_t)npfx);
				/* stale per-prefix counts after a source loss
				 * overestimate, within the prefix universe */
				UT_ASSERT(a->nprefixes <= (uint32_t)nobs + NPFX);
			} else
				UT_EQ_INT(a->nprefixes, npfx);
		} else if (a != NULL) {
			UT_ASSERT(a->state == ALERT_ST_CLEAR_PENDING);
		}
	}
}

static void
set_policies(struct alert_engine *e, int limited)
{
	struct alert_policy	 p;
	enum alert_rule		 r[2] = { ALERT_RULE_EXACT_PREFIX_HIJACK, ALERT_RULE_ROUTE_LEAK };
	int			 i;

	for (i = 0; i < 2; i++) {
		alert_policy_default(r[i], &p);
		p.raise_holddown = 1000 * rnd(20);
		p.clear_holddown = 1000 * rnd(20);
		p.update_interval = 1000 * rnd(10);
		p.repeat_interval = rnd(2) ? 1000 * (1 + rnd(30)) : 0;
		p.min_sources = 1 + rnd(2);
		if (limited) {
			p.rate_per_min = 1 + rnd(10);
			p.rate_burst = 1 + rnd(3);
		}
		UT_EQ_INT(alert_policy_set(e, r[i], &p), 0);
	}
}

static void
one_op(struct alert_engine *e, uint64_t *now)
{
	struct alert_key	 k;
	struct prefix		 pf;
	int			 i = (int)rnd(NKEYS), s = (int)rnd(NSRC), p = (int)rnd(NPFX);
	uint32_t		 op = rnd(100);

	key_of(i, &k);
	pfx_of(p, &pf);
	if (capped_run && op < 85 && (op < 45) == obs[i][s][p])
		return;		/* disciplined rules: no repeats beyond the cap */
	if (op < 45) {
		UT_EQ_INT(alert_assert(e, &k, (uint32_t)s + 1, &pf, NULL, *now), 0);
		obs[i][s][p] = 1;
	} else if (op < 85) {
		UT_EQ_INT(alert_retract(e, &k, (uint32_t)s + 1, &pf, *now), 0);
		obs[i][s][p] = 0;
	} else if (op < 88) {
		alert_retract_source(e, (uint32_t)s + 1, 0, *now);
		for (i = 0; i < NKEYS; i++)
			memset(obs[i][s], 0, sizeof(obs[i][s]));
	} else if (op < 90) {
		/* reload: the rules re-assert the first half of the keys only */
		alert_reconcile_begin(e, 0);
		for (i = 0; i < NKEYS / 2; i++)
			for (s = 0; s < NSRC; s++)
				for (p = 0; p < NPFX; p++)
					if (obs[i][s][p]) {
						key_of(i, &k);
						pfx_of(p, &pf);
						alert_assert(e, &k, (uint32_t)s + 1, &pf, NULL, *now);
					}
		alert_reconcile_end(e, ALERT_REASON_CONFIG, *now);
		for (; i < NKEYS; i++)
			memset(obs[i], 0, sizeof(obs[i]));
	} else {
		*now += rnd(15000);
		if (rnd(2) || alert_next_deadline(e) <= *now)
			alert_tick(e, *now);
	}
}

static void
run(uint32_t seed, int limited, int capped)
{
	struct alert_engine_params prm = { .history_max = 64, .firstseen_max = 64,
	    .restore_grace = 1000, .obs_max_per_alert = capped ? 2 : 0 };
	struct alert_engine	*e;
	struct alert_counters	 c;
	uint64_t		 now = 1700000000000ULL, d;
	uint32_t		 id;
	int			 step, round;

	rng = seed;
	memset(raised_out, 0, sizeof(raised_out));
	memset(obs, 0, sizeof(obs));
	last_raised_id = nemitted = 0;
	limited_run = limited;
	capped_run = capped;
	e = alert_engine_new(&prm, on_emit, NULL);
	UT_ASSERT(e != NULL);
	for (round = 0; round < 10; round++) {
		set_policies(e, limited);
		for (step = 0; step < 2000; step++)
			one_op(e, &now);
		check_counts(e);
	}
	/* retract everything; let every hold-down and the rate limit run out */
	for (step = 1; step <= NSRC; step++)
		alert_retract_source(e, (uint32_t)step, 0, now);
	for (round = 0; round < 1000 && (d = alert_next_deadline(e)) != UINT64_MAX; round++) {
		now = d > now ? d : now;
		alert_tick(e, now);
	}
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	UT_EQ_INT(c.active, 0);
	UT_EQ_INT(c.pending, 0);
	UT_EQ_INT(c.raised, c.cleared);
	UT_ASSERT(c.raised > 10);
	UT_EQ_INT(c.emitted, nemitted);
	for (id = 1; id < MAXID; id++)
		if (raised_out[id] == 1)
			ut_fail(__FILE__, __LINE__, "id %u raised, never cleared", id);
	if (!limited)
		UT_EQ_INT(c.suppressed, 0);
	else
		UT_ASSERT(c.suppressed > 0);
	alert_engine_free(e);
}

static void
model_unlimited(void)
{
	run(0x1234567u, 0, 0);
	run(0xdeadbeefu, 0, 0);
}

static void
model_rate_limited(void)
{
	run(0x2468aceu, 1, 0);
	run(0x13579bdu, 1, 0);
}

/* Per-alert tracking capped at 2 observations: counts stay exact. */
static void
model_capped(void)
{
	run(0xfeedf00du, 0, 1);
	run(0x0badcafeu, 1, 1);
}

UT_MAIN(UT_CASE(model_unlimited), UT_CASE(model_rate_limited), UT_CASE(model_capped))
