/*
 * Alert engine throughput: observations per second against 10,000 active alert
 * keys (3 sources, up to 16 prefixes each), and the p50/p99 cost of one
 * alert_assert(). Prints figures; not a test.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/alert.h"
#include "agent/alert_priv.h"

#define NKEYS	10000
#define NSRC	3
#define NPFX	16
#define NOPS	2000000
#define NTIMED	200000

static unsigned long	 nemit;

static void
on_emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	(void)a;
	(void)tr;
	(void)arg;
	nemit++;
}

static uint64_t
clk(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The build machine is shared: throughput is also given in CPU time. */
static uint64_t
ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t	 rng = 0x9e3779b9u;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static struct alert_key	 keys[NKEYS];

static void
mkpfx(struct prefix *p, uint32_t k, uint32_t i)
{
	memset(p, 0, sizeof(*p));
	p->af = PREFIX_AF_IPV4;
	p->len = 24;
	p->addr[0] = (uint8_t)(10 + (k >> 12));
	p->addr[1] = (uint8_t)(k >> 4);
	p->addr[2] = (uint8_t)(((k & 15) << 4) | (i & 15));
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(void)
{
	struct alert_engine	*e;
	struct alert_policy	 p;
	struct alert_counters	 c;
	struct alert_evidence	 ev = { .as_path = "64500 64501 64666", .route_delta = 0 };
	struct prefix		 pfx;
	uint64_t		*lat, t0, t1, c0, c1, now = 1700000000000ULL;
	char			 v[32];
	uint32_t		 i, k, s;

	if ((lat = calloc(NTIMED, sizeof(*lat))) == NULL)
		return 1;
	{
		/* track every observation: the costly path */
		struct alert_engine_params prm = { .history_max = 256, .firstseen_max = 1024,
		    .restore_grace = 300000, .obs_max_per_alert = 1024, .obs_max = 1u << 22,
		    .alerts_max = 2 * NKEYS };

		e = alert_engine_new(&prm, on_emit, NULL);
	}
	alert_policy_default(ALERT_RULE_SUBPREFIX_HIJACK, &p);
	p.raise_holddown = 0;
	p.clear_holddown = 60000;
	alert_policy_set(e, ALERT_RULE_SUBPREFIX_HIJACK, &p);
	for (k = 0; k < NKEYS; k++) {
		snprintf(v, sizeof(v), "10.%u.0.0/16", k % 250);
		alert_key_init(&keys[k], ALERT_RULE_SUBPREFIX_HIJACK, v, 64512 + k, 0, NULL);
		for (s = 1; s <= NSRC; s++) {
			mkpfx(&pfx, k, 0);
			alert_assert(e, &keys[k], s, &pfx, &ev, now);
		}
	}
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	printf("alert keys active: %u (emitted %lu raises)\n", c.active, nemit);

	/* Throughput: a mix of asserts (75 %) and retracts on live keys. */
	t0 = ns();
	c0 = clk(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < NOPS; i++) {
		uint32_t r = rnd();

		k = r % NKEYS;
		s = 1 + (r >> 16) % NSRC;
		mkpfx(&pfx, k, 1 + (r >> 20) % (NPFX - 1));
		if ((r >> 28) < 12)
			alert_assert(e, &keys[k], s, &pfx, &ev, now + i / 1000);
		else
			alert_retract(e, &keys[k], s, &pfx, now + i / 1000);
	}
	t1 = ns();
	c1 = clk(CLOCK_PROCESS_CPUTIME_ID);
	printf("observations: %u in %.3f s wall = %.0f obs/s; %.3f s CPU = %.0f obs/s\n",
	    NOPS, (double)(t1 - t0) / 1e9, (double)NOPS * 1e9 / (double)(t1 - t0),
	    (double)(c1 - c0) / 1e9, (double)NOPS * 1e9 / (double)(c1 - c0));
	now += NOPS / 1000;

	/* Latency of single asserts. */
	for (i = 0; i < NTIMED; i++) {
		uint32_t r = rnd();

		k = r % NKEYS;
		mkpfx(&pfx, k, 1 + (r >> 20) % (NPFX - 1));
		t0 = ns();
		alert_assert(e, &keys[k], 1 + (r >> 16) % NSRC, &pfx, &ev, now);
		lat[i] = ns() - t0;
	}
	qsort(lat, NTIMED, sizeof(*lat), cmp64);
	printf("alert_assert: p50 %llu ns, p99 %llu ns, max %llu ns\n",
	    (unsigned long long)lat[NTIMED / 2], (unsigned long long)lat[NTIMED * 99 / 100],
	    (unsigned long long)lat[NTIMED - 1]);

	t0 = ns();
	alert_tick(e, now + 3600 * 1000);
	t1 = ns();
	printf("alert_tick over %u alerts: %.3f ms\n", NKEYS, (double)(t1 - t0) / 1e6);
	alert_counters_get(e, ALERT_RULE_NONE, &c);
	printf("active %u raised %u updated %u emitted %u\n", c.active, c.raised, c.updated,
	    c.emitted);
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("sizes: alert %zu B, observation %zu B + 2 counts of %zu B; "
		    "%u observations tracked; max RSS %ld kB\n", sizeof(struct alert),
		    sizeof(struct alert_obs), sizeof(struct alert_agg), e->obs.n, ru.ru_maxrss);
	}
	alert_engine_free(e);
	free(lat);
	return 0;
}
