/*
 * RTR health: no cache in sync, stale data past the expire interval, sudden VRP
 * count drops (and their clearing on recovery or after the hold time).
 */
#include "rtr/rtr_health.h"
#include "tests/unit/ut.h"

static struct rtr_cache_status
cache(enum rtr_cache_state s, int synced, time_t last, unsigned expire)
{
	struct rtr_cache_status c;

	memset(&c, 0, sizeof(c));
	c.state = s;
	c.synced = synced;
	c.last_update = last;
	c.expire = expire;
	return c;
}

static void
sync_states(void)
{
	struct rtr_cache_status c[2];
	struct rtr_health_state st = { 0, 0 };
	struct rtr_health h;

	c[0] = cache(RTR_CACHE_CONNECTING, 0, 0, 0);
	c[1] = cache(RTR_CACHE_ERROR, 0, 0, 0);
	rtr_health_eval(c, 2, 0, 1000, NULL, &st, &h);
	UT_EQ_INT(h.flags, RTR_HEALTH_NO_SYNC);
	UT_EQ_INT(h.caches, 2);
	UT_EQ_INT(h.connected, 0);
	c[1] = cache(RTR_CACHE_SYNCING, 0, 0, 0);
	rtr_health_eval(c, 2, 0, 1000, NULL, &st, &h);
	UT_EQ_INT(h.connected, 1);
	UT_EQ_INT(h.flags, RTR_HEALTH_NO_SYNC);
	c[1] = cache(RTR_CACHE_UP, 1, 990, 7200);
	rtr_health_eval(c, 2, 5, 1000, NULL, &st, &h);
	UT_EQ_INT(h.flags, 0);
	UT_EQ_INT(h.in_sync, 1);
	UT_EQ_INT(h.newest, 990);
	UT_EQ_STR(rtr_cache_state_str(RTR_CACHE_UP), "up");
	UT_EQ_STR(rtr_cache_state_str((enum rtr_cache_state)42), "?");
}

static void
stale_data(void)
{
	struct rtr_cache_status c[2];
	struct rtr_health_state st = { 0, 0 };
	struct rtr_health h;

	/* the cache went away after a sync at t=1000: data is good until 1000+600 */
	c[0] = cache(RTR_CACHE_CONNECTING, 1, 1000, 600);
	rtr_health_eval(c, 1, 5, 1600, NULL, &st, &h);
	UT_EQ_INT(h.flags, RTR_HEALTH_NO_SYNC);
	rtr_health_eval(c, 1, 5, 1601, NULL, &st, &h);
	UT_EQ_INT(h.flags, RTR_HEALTH_NO_SYNC | RTR_HEALTH_STALE);
	UT_EQ_INT(h.stale, 1);
	/* connected but not refreshed either counts as stale, not in sync */
	c[0] = cache(RTR_CACHE_UP, 1, 1000, 600);
	rtr_health_eval(c, 1, 5, 1700, NULL, &st, &h);
	UT_EQ_INT(h.flags, RTR_HEALTH_NO_SYNC | RTR_HEALTH_STALE);
	/* a second, fresh cache keeps the data usable */
	c[1] = cache(RTR_CACHE_UP, 1, 1690, 600);
	rtr_health_eval(c, 2, 5, 1700, NULL, &st, &h);
	UT_EQ_INT(h.flags, 0);
	UT_EQ_INT(h.stale, 1);
}

static void
vrp_drop(void)
{
	struct rtr_cache_status c = cache(RTR_CACHE_UP, 1, 100, 7200);
	struct rtr_health_conf cf = { 10, 1000, 3600 };
	struct rtr_health_state st = { 0, 0 };
	struct rtr_health h;

	rtr_health_eval(&c, 1, 424000, 100, &cf, &st, &h);
	UT_EQ_INT(h.flags, 0);
	rtr_health_eval(&c, 1, 423000, 200, &cf, &st, &h);	/* -0.2 %: normal churn */
	UT_EQ_INT(h.flags, 0);
	UT_EQ_INT(h.baseline, 423000);
	rtr_health_eval(&c, 1, 300000, 300, &cf, &st, &h);	/* a TA vanished */
	UT_EQ_INT(h.flags, RTR_HEALTH_VRP_DROP);
	UT_EQ_INT(h.baseline, 423000);
	rtr_health_eval(&c, 1, 310000, 400, &cf, &st, &h);	/* still down */
	UT_EQ_INT(h.flags, RTR_HEALTH_VRP_DROP);
	rtr_health_eval(&c, 1, 422500, 500, &cf, &st, &h);	/* recovered */
	UT_EQ_INT(h.flags, 0);
	UT_EQ_INT(st.drop_since, 0);
	rtr_health_eval(&c, 1, 300000, 600, &cf, &st, &h);	/* again, and it stays */
	UT_EQ_INT(h.flags, RTR_HEALTH_VRP_DROP);
	rtr_health_eval(&c, 1, 300000, 600 + 3599, &cf, &st, &h);
	UT_EQ_INT(h.flags, RTR_HEALTH_VRP_DROP);
	rtr_health_eval(&c, 1, 300000, 600 + 3600, &cf, &st, &h);	/* accepted */
	UT_EQ_INT(h.flags, 0);
	UT_EQ_INT(h.baseline, 300000);
	/* small tables: a fall below drop_min VRPs never alerts */
	st.baseline = 900;
	rtr_health_eval(&c, 1, 0, 7000, &cf, &st, &h);
	UT_EQ_INT(h.flags, 0);
}

UT_MAIN(UT_CASE(sync_states), UT_CASE(stale_data), UT_CASE(vrp_drop))
