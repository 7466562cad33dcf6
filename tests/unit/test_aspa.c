/*
 * ASPA store, hop check and the upstream/downstream AS_PATH verification of
 * draft-ietf-sidrops-aspa-verification-20. The topology (providers above customers):
 *
 *           AS30 ===== AS40             (lateral peers, both publish ASPA {AS0})
 *          /      \       \
 *       AS20     AS55      AS50         AS55: customer of AS30 and AS40
 *        |                  |
 *       AS10               AS60
 *     (origin)              |
 *                          AS70 (us, customer of AS60)
 * AS11, AS21, AS51, AS61 publish no ASPA.
 */
#include "rtr/rtr_aspa.h"
#include "tests/unit/ut.h"

#define NP(a)	(sizeof(a) / sizeof((a)[0]))

static struct rtr_aspa_store *
topo(void)
{
	struct rtr_aspa_store *s = rtr_aspa_new();
	static const uint32_t p10[] = { 20 }, p20[] = { 30 }, p0[] = { 0 },
	    p50[] = { 40 }, p60[] = { 50 }, p55[] = { 40, 30 }, p70[] = { 60 };

	UT_ASSERT(s != NULL);
	UT_EQ_INT(rtr_aspa_set(s, 10, p10, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 20, p20, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 30, p0, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 40, p0, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 50, p50, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 60, p60, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 55, p55, 2), 0);
	UT_EQ_INT(rtr_aspa_set(s, 70, p70, 1), 0);
	return s;
}

static enum rtr_aspa_res
up(const struct rtr_aspa_store *s, const uint32_t *p, size_t n)
{
	return rtr_aspa_verify(s, RTR_ASPA_UPSTREAM, p, n, 0, p[0]);
}

static enum rtr_aspa_res
down(const struct rtr_aspa_store *s, const uint32_t *p, size_t n)
{
	return rtr_aspa_verify(s, RTR_ASPA_DOWNSTREAM, p, n, 0, p[0]);
}

static void
store(void)
{
	struct rtr_aspa_store *s = rtr_aspa_new();
	static const uint32_t prov[] = { 65005, 0, 65014, 65005, 3 };
	const uint32_t *p;
	size_t n = 0;

	UT_EQ_INT(rtr_aspa_set(s, 64514, prov, NP(prov)), 0);
	UT_EQ_INT(rtr_aspa_count(s), 1);
	UT_ASSERT((p = rtr_aspa_get(s, 64514, &n)) != NULL);
	UT_EQ_INT(n, 3);	/* sorted, AS0 and duplicate dropped */
	UT_EQ_INT(p[0], 3);
	UT_EQ_INT(p[1], 65005);
	UT_EQ_INT(p[2], 65014);
	UT_EQ_INT(rtr_aspa_set(s, 64514, prov, 1), 0);	/* replace */
	UT_ASSERT((p = rtr_aspa_get(s, 64514, &n)) != NULL);
	UT_EQ_INT(n, 1);
	UT_EQ_INT(rtr_aspa_set(s, 1, prov, 1), 0);
	UT_EQ_INT(rtr_aspa_set(s, 99999, prov, 1), 0);
	UT_EQ_INT(rtr_aspa_count(s), 3);
	UT_EQ_INT(rtr_aspa_del(s, 64514), 0);
	UT_EQ_INT(rtr_aspa_del(s, 64514), -1);
	UT_ASSERT(rtr_aspa_get(s, 64514, &n) == NULL);
	UT_ASSERT(rtr_aspa_get(s, 99999, &n) != NULL);
	UT_EQ_INT(rtr_aspa_count(s), 2);
	rtr_aspa_free(s);
	rtr_aspa_free(NULL);
}

static void
hop_check(void)
{
	struct rtr_aspa_store *s = topo();

	UT_EQ_INT(rtr_aspa_hop(s, 10, 20), RTR_ASPA_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(s, 10, 30), RTR_ASPA_NOT_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(s, 30, 40), RTR_ASPA_NOT_PROVIDER);	/* AS0 ASPA */
	UT_EQ_INT(rtr_aspa_hop(s, 11, 20), RTR_ASPA_NO_ATTEST);
	UT_EQ_INT(rtr_aspa_hop(s, 55, 30), RTR_ASPA_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(s, 55, 40), RTR_ASPA_PROVIDER);
	rtr_aspa_free(s);
}

static void
upstream_valid(void)
{
	struct rtr_aspa_store *s = topo();
	static const uint32_t a[] = { 20, 10 }, b[] = { 30, 20, 20, 10, 10 },
	    c[] = { 20 }, d[] = { 20, 20, 20 };

	UT_EQ_INT(up(s, a, NP(a)), RTR_ASPA_VALID);
	UT_EQ_INT(up(s, b, NP(b)), RTR_ASPA_VALID);	/* prepends collapsed */
	UT_EQ_INT(up(s, c, NP(c)), RTR_ASPA_VALID);	/* single hop */
	UT_EQ_INT(up(s, d, NP(d)), RTR_ASPA_VALID);
	UT_EQ_STR(rtr_aspa_str(RTR_ASPA_VALID), "valid");
	rtr_aspa_free(s);
}

static void
upstream_invalid(void)
{
	struct rtr_aspa_store *s = topo();
	/* AS20 leaks a route from its provider AS30 (learnt from peer AS40) to us */
	static const uint32_t leak[] = { 20, 30, 40, 50 };
	/* a peer's route must be an up-ramp only: 40 -> 30 is lateral */
	static const uint32_t lateral[] = { 30, 40 };
	/* a Not Provider+ hop wins over an unattested one */
	static const uint32_t mixed[] = { 21, 11, 30, 40 };

	UT_EQ_INT(up(s, leak, NP(leak)), RTR_ASPA_INVALID);
	UT_EQ_INT(up(s, lateral, NP(lateral)), RTR_ASPA_INVALID);
	UT_EQ_INT(up(s, mixed, NP(mixed)), RTR_ASPA_INVALID);
	UT_EQ_STR(rtr_aspa_str(RTR_ASPA_INVALID), "invalid");
	rtr_aspa_free(s);
}

static void
upstream_unknown(void)
{
	struct rtr_aspa_store *s = topo();
	static const uint32_t a[] = { 21, 11 }, b[] = { 30, 21, 11 }, c[] = { 21, 20, 10 };

	UT_EQ_INT(up(s, a, NP(a)), RTR_ASPA_UNKNOWN);	/* AS11 has no ASPA */
	UT_EQ_INT(up(s, b, NP(b)), RTR_ASPA_UNKNOWN);	/* nor has AS21 */
	UT_EQ_INT(up(s, c, NP(c)), RTR_ASPA_INVALID);	/* AS20 attests only AS30 */
	UT_EQ_STR(rtr_aspa_str(RTR_ASPA_UNKNOWN), "unknown");
	rtr_aspa_free(s);
}

static void
prerequisites(void)
{
	struct rtr_aspa_store *s = topo();
	static const uint32_t a[] = { 20, 10 };

	UT_EQ_INT(rtr_aspa_verify(s, RTR_ASPA_UPSTREAM, a, 0, 0, 0), RTR_ASPA_INVALID);
	UT_EQ_INT(rtr_aspa_verify(s, RTR_ASPA_UPSTREAM, a, 2, 1, 20), RTR_ASPA_INVALID);
	UT_EQ_INT(rtr_aspa_verify(s, RTR_ASPA_DOWNSTREAM, a, 2, 1, 20), RTR_ASPA_INVALID);
	/* neighbor AS check, and its skip for a transparent route server */
	UT_EQ_INT(rtr_aspa_verify(s, RTR_ASPA_UPSTREAM, a, 2, 0, 21), RTR_ASPA_INVALID);
	UT_EQ_INT(rtr_aspa_verify(s, RTR_ASPA_UPSTREAM, a, 2, 0, 0), RTR_ASPA_VALID);
	rtr_aspa_free(s);
}

static void
downstream_valid(void)
{
	struct rtr_aspa_store *s = topo();
	/* up-ramp 10-20-30, peering 30=40 at the top, down-ramp 40-50-60 */
	static const uint32_t peak[] = { 60, 50, 40, 30, 20, 10 };
	/* down-ramp only: the origin is AS40 */
	static const uint32_t downonly[] = { 60, 50, 40 };
	/* up-ramp only, no peering hop */
	static const uint32_t uponly[] = { 30, 20, 10 };
	/* one or two ASes are always valid downstream */
	static const uint32_t two[] = { 40, 30 };

	UT_EQ_INT(down(s, peak, NP(peak)), RTR_ASPA_VALID);
	UT_EQ_INT(down(s, downonly, NP(downonly)), RTR_ASPA_VALID);
	UT_EQ_INT(down(s, uponly, NP(uponly)), RTR_ASPA_VALID);
	UT_EQ_INT(down(s, two, NP(two)), RTR_ASPA_VALID);
	UT_EQ_INT(down(s, two, 1), RTR_ASPA_VALID);
	rtr_aspa_free(s);
}

static void
downstream_invalid(void)
{
	struct rtr_aspa_store *s = topo();
	/* AS55 takes the route from provider AS30 and hands it to provider AS40 */
	static const uint32_t valley[] = { 60, 50, 40, 55, 30, 20, 10 };
	/* two lateral hops at the top: 30 = 40 = 30' is not a valley-free path */
	static const uint32_t twopeak[] = { 50, 40, 30, 20, 10, 20, 30 };

	UT_EQ_INT(down(s, valley, NP(valley)), RTR_ASPA_INVALID);
	UT_EQ_INT(down(s, twopeak, NP(twopeak)), RTR_ASPA_INVALID);
	/* the same leak seen upstream is invalid too */
	UT_EQ_INT(up(s, valley, NP(valley)), RTR_ASPA_INVALID);
	rtr_aspa_free(s);
}

static void
downstream_unknown(void)
{
	struct rtr_aspa_store *s = topo();
	/* AS61 and AS51 publish nothing: the down-ramp cannot be shown to reach 40 */
	static const uint32_t a[] = { 61, 51, 40, 30, 20, 10 };
	/* the origin AS11 publishes nothing */
	static const uint32_t b[] = { 60, 50, 40, 11 };

	UT_EQ_INT(down(s, a, NP(a)), RTR_ASPA_UNKNOWN);
	UT_EQ_INT(down(s, b, NP(b)), RTR_ASPA_VALID);	/* 11 -> 40 can be lateral */
	UT_EQ_INT(up(s, b, NP(b)), RTR_ASPA_INVALID);	/* 40 -> 50 is a down hop */
	rtr_aspa_free(s);
}

UT_MAIN(UT_CASE(store), UT_CASE(hop_check), UT_CASE(upstream_valid),
    UT_CASE(upstream_invalid), UT_CASE(upstream_unknown), UT_CASE(prerequisites),
    UT_CASE(downstream_valid), UT_CASE(downstream_invalid), UT_CASE(downstream_unknown))
