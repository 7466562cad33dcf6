/*
 * RIB concurrency stress: one writer changes routes for ~3 s while two reader
 * threads walk and look up without locks. Each attribute blob encodes the prefix
 * it was announced for and a version the writer publishes only after the update,
 * so readers can check that every route they see is one that was valid at some
 * point: right prefix, version not from the future, walks in strict order.
 * Run under TSan by `make check-concurrency`.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp/prefix.h"
#include "bgp/rib.h"
#include "tests/unit/ut.h"

#define NPFX		3000
#define NSRC		3
#define SECONDS		3

struct shared {
	struct rib	*rib;
	struct prefix	 pfx[NPFX];
	_Atomic uint32_t version;	/* highest version published */
	_Atomic int	 stop;
	_Atomic uint32_t walks, lookups;
};

/* Blob: af, len, addr[16], version (big-endian). */
static void
blob_make(uint8_t b[22], const struct prefix *p, uint32_t v)
{
	b[0] = p->af;
	b[1] = p->len;
	memcpy(b + 2, p->addr, 16);
	b[18] = (uint8_t)(v >> 24);
	b[19] = (uint8_t)(v >> 16);
	b[20] = (uint8_t)(v >> 8);
	b[21] = (uint8_t)v;
}

static void
check_route(struct shared *sh, const struct prefix *p, const struct rib_route *r)
{
	size_t		 len;
	const uint8_t	*b = rib_attrs_blob(r->attrs, &len);
	uint32_t	 v;

	UT_EQ_INT(len, 22);
	UT_EQ_INT(b[0], p->af);
	UT_EQ_INT(b[1], p->len);
	UT_EQ_MEM(b + 2, p->addr, 16);
	v = (uint32_t)b[18] << 24 | (uint32_t)b[19] << 16 | (uint32_t)b[20] << 8 | b[21];
	UT_ASSERT(v <= atomic_load(&sh->version));
	UT_EQ_INT(rib_attrs_origin_as(r->attrs), v);
	UT_ASSERT(r->source >= 1 && r->source <= NSRC);
	UT_ASSERT(r->path_id < 2);
}

struct rwalk {
	struct shared	*sh;
	struct prefix	 last;
	int		 have;
	unsigned	 n;
};

static int
rwalk_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct rwalk	*w = arg;
	unsigned	 i;

	UT_ASSERT(n >= 1 && n <= NSRC * 2);
	for (i = 0; i < n; i++)
		check_route(w->sh, p, &r[i]);
	if (w->have && w->last.af == p->af) {
		/* strict address order: the walk saw no torn structure */
		int c = memcmp(w->last.addr, p->addr, 16);
		UT_ASSERT(c < 0 || (c == 0 && w->last.len < p->len));
	}
	w->last = *p;
	w->have = 1;
	w->n++;
	return 0;
}

static void *
reader(void *arg)
{
	struct shared	*sh = arg;
	struct rib_reader *rd = rib_reader_new(sh->rib);
	struct rib_route r[NSRC * 2];
	struct prefix	 m;
	struct rwalk	 w;
	static _Thread_local struct prefix bq[64], bm[64];
	static _Thread_local struct rib_route br[64 * NSRC * 2];
	int		 bn[64];
	unsigned	 i, seed = 7;
	int		 n, k;

	UT_ASSERT(rd != NULL);
	while (!atomic_load(&sh->stop)) {
		memset(&w, 0, sizeof(w));
		w.sh = sh;
		rib_read_lock(rd);
		UT_EQ_INT(rib_walk(sh->rib, rwalk_cb, &w), 0);
		rib_read_unlock(rd);
		atomic_fetch_add(&sh->walks, 1);
		for (i = 0; i < 2000; i++) {
			const struct prefix *q = &sh->pfx[rand_r(&seed) % NPFX];

			rib_read_lock(rd);
			n = rib_lookup_exact(sh->rib, q, r, NSRC * 2);
			UT_ASSERT(n >= 0 && n <= NSRC * 2);
			for (k = 0; k < n; k++)
				check_route(sh, q, &r[k]);
			n = rib_lookup_lpm(sh->rib, q, &m, r, NSRC * 2);
			if (n > 0) {
				UT_ASSERT(prefix_contains(&m, q));
				for (k = 0; k < n; k++)
					check_route(sh, &m, &r[k]);
			}
			rib_read_unlock(rd);
		}
		/* the same through the batch lookups, 64 queries a call */
		for (i = 0; i < 64; i++)
			bq[i] = sh->pfx[rand_r(&seed) % NPFX];
		rib_read_lock(rd);
		rib_lookup_exact_many(sh->rib, bq, 64, bn, br, NSRC * 2);
		for (i = 0; i < 64; i++) {
			UT_ASSERT(bn[i] >= 0 && bn[i] <= NSRC * 2);
			for (k = 0; k < bn[i]; k++)
				check_route(sh, &bq[i], &br[i * NSRC * 2 + (unsigned)k]);
		}
		rib_lookup_lpm_many(sh->rib, bq, 64, bn, bm, br, NSRC * 2);
		for (i = 0; i < 64; i++) {
			if (bn[i] <= 0)
				continue;
			UT_ASSERT(prefix_contains(&bm[i], &bq[i]));
			for (k = 0; k < bn[i] && k < NSRC * 2; k++)
				check_route(sh, &bm[i], &br[i * NSRC * 2 + (unsigned)k]);
		}
		rib_read_unlock(rd);
		atomic_fetch_add(&sh->lookups, 2000 + 128);
	}
	rib_reader_free(rd);
	return NULL;
}

static void
make_prefixes(struct shared *sh)
{
	unsigned	 i, seed = 1;
	struct prefix	*p;

	for (i = 0; i < NPFX; i++) {
		p = &sh->pfx[i];
		memset(p, 0, sizeof(*p));
		if (i % 3 == 2) {
			p->af = PREFIX_AF_IPV6;
			p->addr[0] = 0x20;
			p->addr[1] = 0x01;
			p->addr[2] = (uint8_t)rand_r(&seed);
			p->addr[3] = (uint8_t)(rand_r(&seed) % 4);
			p->len = (uint8_t)(16 + rand_r(&seed) % 33);
		} else {
			p->af = PREFIX_AF_IPV4;
			p->addr[0] = (uint8_t)(rand_r(&seed) % 8);
			p->addr[1] = (uint8_t)rand_r(&seed);
			p->addr[2] = (uint8_t)rand_r(&seed);
			p->len = (uint8_t)(rand_r(&seed) % 33);
		}
		prefix_mask(p);
	}
}

static void
writer(struct shared *sh)
{
	struct rib_attrs *a;
	uint8_t		 b[22];
	uint32_t	 v = 0;
	unsigned	 seed = 3, op, i, rounds = 0;
	time_t		 end = time(NULL) + SECONDS;
	const struct prefix *p;
	uint16_t	 src;

	while (time(NULL) < end) {
		if (++rounds % 50 == 0)
			UT_EQ_INT(rib_compact(sh->rib), 0);
		for (i = 0; i < 1000; i++) {
			p = &sh->pfx[rand_r(&seed) % NPFX];
			src = (uint16_t)(1 + rand_r(&seed) % NSRC);
			op = (unsigned)rand_r(&seed) % 1000;
			if (op < 600) {
				blob_make(b, p, ++v);
				atomic_store(&sh->version, v);	/* may appear from now on */
				a = rib_attrs_intern(sh->rib, b, sizeof(b), v, p->len);
				UT_ASSERT(a != NULL);
				UT_ASSERT(rib_route_update(sh->rib, src, op % 2, p, a,
				    (uint8_t)(op % 16)) == RIB_OK);
				rib_attrs_unref(sh->rib, a);
			} else if (op < 997)
				UT_ASSERT(rib_route_withdraw(sh->rib, src, op % 2, p) !=
				    RIB_ERR);
			else
				rib_source_withdraw_all(sh->rib, src);
		}
		rib_reclaim(sh->rib);
	}
}

static void
stress(void)
{
	static struct shared sh;
	pthread_t	 t[2];
	struct rib_stats st;
	unsigned	 i;

	sh.rib = rib_new();
	UT_ASSERT(sh.rib != NULL);
	for (i = 0; i < NSRC; i++)
		UT_ASSERT(rib_source_add(sh.rib, "stress") > 0);
	make_prefixes(&sh);
	for (i = 0; i < 2; i++)
		UT_EQ_INT(pthread_create(&t[i], NULL, reader, &sh), 0);
	writer(&sh);
	atomic_store(&sh.stop, 1);
	for (i = 0; i < 2; i++)
		UT_EQ_INT(pthread_join(t[i], NULL), 0);
	UT_ASSERT(atomic_load(&sh.walks) >= 2);
	UT_ASSERT(atomic_load(&sh.lookups) >= 2000);
	for (i = 1; i <= NSRC; i++)
		rib_source_withdraw_all(sh.rib, (uint16_t)i);
	rib_reclaim_sync(sh.rib);
	rib_stats(sh.rib, &st);
	UT_EQ_INT(st.routes, 0);
	UT_EQ_INT(st.nodes, 0);
	UT_EQ_INT(st.attrs, 0);
	UT_EQ_INT(st.pending, 0);
	rib_free(sh.rib);
}

UT_MAIN(UT_CASE(stress))
