/*
 * RTR health (see rtr_health.h): which caches are connected and in sync, whether
 * the data in use has outlived its expire interval (RFC 8210 section 6: a router
 * must not use data past Expire Interval without a successful refresh), and
 * whether the VRP count fell suddenly. A drop is measured against a baseline that
 * follows the count while nothing is wrong, stays put while a drop lasts, and
 * accepts the new level after drop_hold seconds (a deliberate withdrawal).
 */
#include "rtr/rtr_health.h"

const char *
rtr_cache_state_str(enum rtr_cache_state s)
{
	static const char *const names[] = { "idle", "connecting", "syncing", "up",
	    "error", "down" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int
stale(const struct rtr_cache_status *c, time_t now)
{
	unsigned expire = c->expire ? c->expire : 7200;

	return c->synced && now - c->last_update > (time_t)expire;
}

static void
caches(const struct rtr_cache_status *c, size_t n, time_t now, struct rtr_health *h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h->caches++;
		if (c[i].state == RTR_CACHE_UP || c[i].state == RTR_CACHE_SYNCING)
			h->connected++;
		if (stale(&c[i], now))
			h->stale++;
		else if (c[i].state == RTR_CACHE_UP && c[i].synced)
			h->in_sync++;
		if (c[i].synced && c[i].last_update > h->newest)
			h->newest = c[i].last_update;
	}
	if (h->in_sync == 0)
		h->flags |= RTR_HEALTH_NO_SYNC;
	/* stale when no cache has fresh data, though some had data once */
	if (h->in_sync == 0 && h->stale > 0)
		h->flags |= RTR_HEALTH_STALE;
}

static void
drop(size_t vrps, time_t now, const struct rtr_health_conf *cf, struct rtr_health_state *st,
    struct rtr_health *h)
{
	unsigned pct = cf && cf->drop_pct ? cf->drop_pct : 10;
	size_t min = cf && cf->drop_min ? cf->drop_min : 1000;
	unsigned hold = cf && cf->drop_hold ? cf->drop_hold : 3600;
	size_t fall = st->baseline > vrps ? st->baseline - vrps : 0;

	if (fall >= min && fall * 100 >= (size_t)pct * st->baseline) {
		if (st->drop_since == 0)
			st->drop_since = now;
		if (now - st->drop_since < (time_t)hold) {
			h->flags |= RTR_HEALTH_VRP_DROP;
			h->baseline = st->baseline;
			return;
		}
	}
	st->drop_since = 0;
	st->baseline = vrps;
	h->baseline = vrps;
}

void
rtr_health_eval(const struct rtr_cache_status *c, size_t n, size_t vrps, time_t now,
    const struct rtr_health_conf *cf, struct rtr_health_state *st, struct rtr_health *h)
{
	*h = (struct rtr_health){ 0 };
	h->vrps = vrps;
	caches(c, n, now, h);
	drop(vrps, now, cf, st, h);
}
