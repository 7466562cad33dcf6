/*
 * Interning of attribute sets as the source module uses it (bgp/rib_attrs.c: an
 * open-addressing table with hash tags and backward-shift removal; bgp/rib_mem.c:
 * the page pool the sets live in), against a model: random blobs interned, referenced
 * and released in a fixed-seed order; every live set must be found again as the
 * same object with its bytes intact, a released one never, and the RIB's counts
 * must follow. Run long enough for the table to grow several times and for many
 * removals inside probe runs.
 */
#include "tests/unit/ut.h"
#include "bgp/rib.h"

#define NBLOB	6000
#define MAXLEN	300

struct mset {
	uint8_t			 blob[MAXLEN];
	size_t			 len;
	uint32_t		 origin;
	unsigned		 refs;		/* the model's count; 0 = not interned */
	struct rib_attrs	*a;
};

static uint32_t	 seed;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/*
 * Blobs that look alike (same length, one byte apart; empty ones; origin alone
 * differing) so that tags and hashes meet as often as chance allows.
 */
static void
make(struct mset *m, size_t i)
{
	size_t	 k;

	m->len = i % 97 == 0 ? 0 : 20 + rnd() % (MAXLEN - 20);
	for (k = 0; k < m->len; k++)
		m->blob[k] = (uint8_t)(k * 7);
	if (m->len > 0) {
		m->blob[i % m->len] ^= (uint8_t)(1 + i % 251);
		m->blob[0] = (uint8_t)(i >> 8);
		m->blob[m->len - 1] = (uint8_t)i;
	}
	m->origin = i % 97 == 0 ? (uint32_t)i : 64500;
	m->refs = 0;
	m->a = NULL;
}

static struct rib_attrs *
intern(struct rib *rib, const struct mset *m)
{
	return rib_attrs_intern(rib, m->blob, m->len, m->origin, 3);
}

static void
check_live(struct rib *rib, struct mset *ms, size_t n)
{
	struct rib_stats	 st;
	const uint8_t		*b;
	size_t			 i, len, live = 0;
	struct rib_attrs	*a;

	for (i = 0; i < n; i++) {
		if (ms[i].refs == 0)
			continue;
		live++;
		a = intern(rib, &ms[i]);
		UT_ASSERT(a == ms[i].a);
		b = rib_attrs_blob(a, &len);
		UT_EQ_INT(len, ms[i].len);
		UT_EQ_MEM(b, ms[i].blob, len);
		UT_EQ_INT(rib_attrs_origin_as(a), ms[i].origin);
		rib_attrs_unref(rib, a);
	}
	rib_reclaim_sync(rib);		/* the count includes sets still retiring */
	rib_stats(rib, &st);
	UT_EQ_INT(st.attrs, live);
}

static void
model_intern_release(void)
{
	struct rib	*rib = rib_new();
	struct mset	*ms = calloc(NBLOB, sizeof(*ms));
	struct rib_stats st0, st;
	size_t		 i, step;

	UT_ASSERT(rib != NULL && ms != NULL);
	rib_stats(rib, &st0);
	seed = 7;
	for (i = 0; i < NBLOB; i++)
		make(&ms[i], i);
	for (step = 0; step < 200000; step++) {
		struct mset *m = &ms[rnd() % NBLOB];

		if (m->refs == 0 || rnd() % 3 != 0) {
			struct rib_attrs *a = intern(rib, m);

			UT_ASSERT(a != NULL);
			if (m->refs > 0)
				UT_ASSERT(a == m->a);	/* the same object, not a copy */
			m->a = a;
			m->refs++;
		} else {
			rib_attrs_unref(rib, m->a);
			if (--m->refs == 0)
				m->a = NULL;
		}
		if (step % 20000 == 0)
			check_live(rib, ms, NBLOB);
		else if (step % 1000 == 0)
			rib_reclaim(rib);
	}
	check_live(rib, ms, NBLOB);
	for (i = 0; i < NBLOB; i++)
		while (ms[i].refs > 0) {
			rib_attrs_unref(rib, ms[i].a);
			ms[i].refs--;
		}
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	UT_EQ_INT(st.attrs, 0);
	UT_EQ_INT(st.pending, 0);
	/* the table may have grown; the sets themselves are all given back */
	UT_ASSERT(st.bytes_attrs - (st0.bytes_attrs) < st.bytes);
	/* memory comes back from the pool's free lists for the same sizes */
	for (i = 0; i < NBLOB; i++) {
		UT_ASSERT((ms[i].a = intern(rib, &ms[i])) != NULL);
		ms[i].refs = 1;
	}
	check_live(rib, ms, NBLOB);
	for (i = 0; i < NBLOB; i++)
		rib_attrs_unref(rib, ms[i].a);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	UT_EQ_INT(st.attrs, 0);
	free(ms);
	rib_free(rib);
}

/* Two RIBs share the page pool: releasing one's sets never disturbs the other's. */
static void
two_ribs(void)
{
	struct rib	*r1 = rib_new(), *r2 = rib_new();
	struct mset	*ms = calloc(2000, sizeof(*ms));
	struct rib_attrs *a2[2000];
	size_t		 i, len;
	const uint8_t	*b;

	UT_ASSERT(r1 != NULL && r2 != NULL && ms != NULL);
	seed = 11;
	for (i = 0; i < 2000; i++) {
		make(&ms[i], i);
		ms[i].a = intern(r1, &ms[i]);
		a2[i] = intern(r2, &ms[i]);
		UT_ASSERT(ms[i].a != NULL && a2[i] != NULL && ms[i].a != a2[i]);
	}
	for (i = 0; i < 2000; i++)
		rib_attrs_unref(r1, ms[i].a);
	rib_reclaim_sync(r1);
	for (i = 0; i < 2000; i++)	/* r1 reuses the freed memory */
		ms[i].a = intern(r1, &ms[(i + 1) % 2000]);
	for (i = 0; i < 2000; i++) {
		b = rib_attrs_blob(a2[i], &len);
		UT_EQ_INT(len, ms[i].len);
		UT_EQ_MEM(b, ms[i].blob, len);
		rib_attrs_unref(r1, ms[i].a);
		rib_attrs_unref(r2, a2[i]);
	}
	rib_free(r1);
	rib_free(r2);
	free(ms);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define POOL_GROWS	0	/* sanitizer builds: the RIB allocates with malloc */
#else
#define POOL_GROWS	1
#endif

/*
 * rib_memory_trim(): 1 while the pool grew since the last call, then (0) the
 * untouched reserve goes back to the system; what lives in the pool stays intact
 * and memory handed out after a trim reads as zeros where calloc'd.
 */
static void
trim_keeps_data(void)
{
	struct rib	*rib = rib_new();
	struct mset	*ms = calloc(4000, sizeof(*ms));
	const uint8_t	*b;
	size_t		 i, len;

	UT_ASSERT(rib != NULL && ms != NULL);
	seed = 23;
	(void)rib_memory_trim();
	for (i = 0; i < 2000; i++) {
		make(&ms[i], i);
		UT_ASSERT((ms[i].a = intern(rib, &ms[i])) != NULL);
	}
	UT_EQ_INT(rib_memory_trim(), POOL_GROWS);
	UT_EQ_INT(rib_memory_trim(), 0);	/* quiet: trims now */
	UT_EQ_INT(rib_memory_trim(), 0);
	for (i = 2000; i < 4000; i++) {		/* into the trimmed reserve */
		make(&ms[i], i);
		UT_ASSERT((ms[i].a = intern(rib, &ms[i])) != NULL);
	}
	UT_EQ_INT(rib_memory_trim(), POOL_GROWS);
	UT_EQ_INT(rib_memory_trim(), 0);
	for (i = 0; i < 4000; i++) {
		b = rib_attrs_blob(ms[i].a, &len);
		UT_EQ_INT(len, ms[i].len);
		UT_EQ_MEM(b, ms[i].blob, len);
		UT_EQ_INT(rib_attrs_origin_as(ms[i].a), ms[i].origin);
		rib_attrs_unref(rib, ms[i].a);
	}
	rib_reclaim_sync(rib);
	rib_free(rib);
	free(ms);
}

/* trim first: a fresh pool, so the interning below really grows it */
UT_MAIN(UT_CASE(trim_keeps_data), UT_CASE(model_intern_release), UT_CASE(two_ribs))
