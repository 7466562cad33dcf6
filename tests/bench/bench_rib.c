/*
 * RIB benchmark (`make bench`): memory per route, insert rate, withdraw-all,
 * lookups and the cost of a concurrent reader, each printed next to its goal.
 *
 * Data: the real full feed $IXW_SHARED/data/mrt/updates.et-header.2015.gz (one
 * IPv4 peer, BGP4MP_ET), decoded with the bgp codec into canonical attribute
 * blobs, UPDATE by UPDATE; then, as a second data set, the pyasn table
 * pyasn.ipasn_20140513.dat.gz (512k real prefixes and origins) with synthesized
 * attribute blobs (~7 routes per set). Decoding is done before timing: the
 * figures are the RIB's alone. Usage: bench_rib [mrt-file] [pyasn-file]
 *
 * The machine is shared: rates are the best of several passes by thread CPU
 * time, with the median beside; the concurrent-reader figure is the median of
 * the ratios of paired alternating rounds (BENCH_ROUNDS, default 15), each started
 * from the same compacted layout. BENCH_WALKER selects the reader for diagnosis: "walk"
 * (default: rib_walk under one read lock), "slice" (a read lock per /8),
 * "noattr" (does not read the attribute blobs), "other" (walks a second RIB of
 * its own: the cache pressure without any sharing), "spin" (CPU only).
 * Withdraw-all figures are medians of 5 samples. Beside the lookup rates, the
 * cost is explained without hardware counters (none in this VM): trie nodes and
 * distinct cache lines per exact lookup, the latency of a load missing every
 * cache, and the rate of ideal structures with 1-3 dependent loads per lookup.
 * The random lookups run one at a time and, as a reader checking a list would
 * call them, through the batch lookups (rib_lookup_*_many, 256 queries a call).
 */
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bgp/bgp.h"
#include "bgp/mrt_file.h"
#include "bgp/prefix.h"
#include "bgp/rib.h"
#include "bgp/rib_impl.h"	/* lookup-cost diagnosis only (descent_cost) */

#ifdef RIB_RCU_URCU
#define RCU_NAME	"liburcu memb flavour"
#else
#define RCU_NAME	"built-in epoch scheme"
#endif

/* One UPDATE's worth of work: withdrawals, then announcements with one blob. */
struct upd {
	uint32_t	 blob_off;
	uint16_t	 blob_len;
	uint8_t		 path_len;
	uint32_t	 origin;
	uint32_t	 first;		/* into feed.pfx */
	uint32_t	 nwd, nann;
};

struct feed {
	const char	*name;
	struct upd	*u;
	size_t		 nu, capu;
	struct prefix	*pfx;
	size_t		 np, capp;
	uint8_t		*blobs;
	size_t		 nb, capb;
	size_t		 announced;
};

/*
 * Thread CPU time: the build machine is shared, so wall time also measures the
 * other tenants; both are printed (wall in parentheses). tick() starts a
 * measurement, tock() returns the CPU seconds and leaves the wall seconds in
 * wall_s. (The concurrent-reader figure compares two CPU times.)
 */
static double	 wall0, wall_s;

static double
clk(clockid_t id)
{
	struct timespec	 ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
tick(void)
{
	wall0 = clk(CLOCK_MONOTONIC);
	return clk(CLOCK_THREAD_CPUTIME_ID);
}

static double
tock(double t0)
{
	double	 t = clk(CLOCK_THREAD_CPUTIME_ID) - t0;

	wall_s = clk(CLOCK_MONOTONIC) - wall0;
	return t;
}

static long
rss_kb(void)
{
	FILE		*f = fopen("/proc/self/statm", "r");
	long		 pages = 0, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = 0;
	fclose(f);
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return p;
	*cap = need < 1024 ? 1024 : need * 2;
	if ((p = realloc(p, *cap * sz)) == NULL) {
		perror("realloc");
		exit(1);
	}
	return p;
}

static void
add_prefix(struct feed *f, const struct prefix *p)
{
	f->pfx = grow(f->pfx, &f->capp, f->np + 1, sizeof(*p));
	f->pfx[f->np++] = *p;
}

static struct upd *
new_upd(struct feed *f, const uint8_t *blob, size_t len, uint32_t origin, unsigned plen)
{
	struct upd	*u;

	f->u = grow(f->u, &f->capu, f->nu + 1, sizeof(*u));
	f->blobs = grow(f->blobs, &f->capb, f->nb + len, 1);
	u = &f->u[f->nu++];
	memset(u, 0, sizeof(*u));
	u->blob_off = (uint32_t)f->nb;
	u->blob_len = (uint16_t)len;
	memcpy(f->blobs + f->nb, blob, len);
	f->nb += len;
	u->origin = origin;
	u->path_len = (uint8_t)(plen > 255 ? 255 : plen);
	u->first = (uint32_t)f->np;
	return u;
}

static unsigned
add_nlri(struct feed *f, const struct bgp_nlri_set *s)
{
	struct bgp_nlri_iter it;
	struct prefix	 p;
	unsigned	 n = 0;

	if (!s->present || s->safi != 1)
		return 0;
	bgp_nlri_iter_init(&it, s);
	while (bgp_nlri_next(&it, &p, NULL) == 1) {
		add_prefix(f, &p);
		n++;
	}
	return n;
}

/* One UPDATE from the MRT file into the feed. */
static void
load_update(struct feed *f, const struct mrt_bgp4mp *m, struct wbuf *wb)
{
	struct bgp_sess	 sess = { (uint8_t)m->as4, 1, 0, 0, 0 };
	struct bgp_hdr	 h;
	struct bgp_update upd;
	struct bgp_error err;
	struct upd	*u;
	unsigned	 nwd, mp;

	if (bgp_msg_frame(m->pdu, m->pdu_len, &sess, &h, &err) <= 0 ||
	    h.type != BGP_MSG_UPDATE)
		return;
	if (bgp_update_decode(h.body, h.bodylen, &sess, &upd, &err) == BGP_ERR_SESSION_RESET)
		return;
	for (mp = 0; mp < 2; mp++) {
		const struct bgp_nlri_set *ann = mp ? &upd.mp_reach : &upd.nlri;

		wbuf_reset(wb);
		if (bgp_canon_encode(wb, &upd.attrs, (int)mp) == -1)
			return;
		u = new_upd(f, wb->buf, wb->len, upd.attrs.origin_as, upd.attrs.path_count);
		nwd = add_nlri(f, mp ? &upd.mp_unreach : &upd.withdrawn);
		u->nwd = nwd;
		u->nann = add_nlri(f, ann);
		f->announced += u->nann;
	}
}

static int
load_mrt(struct feed *f, const char *path)
{
	struct mrt_file	*mf;
	struct mrt_record rec;
	struct wbuf	 wb;
	int		 r, res;

	if ((mf = mrt_file_open(path)) == NULL)
		return -1;
	wbuf_init(&wb, 0);
	while ((r = mrt_file_next_record(mf, &rec, &res)) == 1)
		if (res == MRT_OK && rec.kind == MRT_KIND_BGP4MP_MSG && !rec.u.msg.local)
			load_update(f, &rec.u.msg, &wb);
	wbuf_free(&wb);
	mrt_file_close(mf);
	return r == 0 ? 0 : -1;
}

/*
 * pyasn lines "prefix<TAB>origin". Blob: a canonical-like set (next hop, ORIGIN,
 * a 4-octet AS_PATH of 2-5 ASes ending at the origin, two communities) chosen
 * among ceil(n/7) variants per origin, so the feed has ~7 routes per set.
 */
static void
synth_blob(struct wbuf *wb, uint32_t origin, uint32_t variant)
{
	uint32_t	 h = origin * 2654435761u ^ variant * 40503u, i, n = 2 + h % 4;

	wbuf_reset(wb);
	wbuf_put_u8(wb, 1);
	wbuf_put_u8(wb, 4);
	wbuf_put_u32(wb, 0xc0000201 + variant % 3);
	wbuf_put_bytes(wb, "\x40\x01\x01\x00", 4);
	wbuf_put_bytes(wb, "\x40\x02", 2);
	wbuf_put_u8(wb, (uint8_t)(2 + 4 * n));
	wbuf_put_u8(wb, 2);
	wbuf_put_u8(wb, (uint8_t)n);
	wbuf_put_u32(wb, 3856);
	for (i = 1; i + 1 < n; i++)
		wbuf_put_u32(wb, 1000 + (h >> (i * 5)) % 20000 + variant);
	wbuf_put_u32(wb, origin);
	wbuf_put_bytes(wb, "\xc0\x08\x08", 3);
	wbuf_put_u32(wb, 3856u << 16 | (variant & 0xffff));
	wbuf_put_u32(wb, 3856u << 16 | 666);
}

static int
load_pyasn(struct feed *f, const char *path)
{
	gzFile		 gz = gzopen(path, "rb");
	char		 line[256], *tab;
	struct prefix	 p;
	struct wbuf	 wb;
	uint32_t	 origin, *cnt, ncnt = 1u << 20, c;
	struct upd	*u;

	if (gz == NULL)
		return -1;
	cnt = calloc(ncnt, sizeof(*cnt));
	wbuf_init(&wb, 0);
	while (gzgets(gz, line, sizeof(line)) != NULL) {
		if (line[0] == ';' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		origin = (uint32_t)strtoul(tab + 1, NULL, 10);
		if (prefix_parse(line, &p) != 0)
			continue;
		c = cnt[origin % ncnt]++;
		synth_blob(&wb, origin, c / 7);
		u = new_upd(f, wb.buf, wb.len, origin, 2 + (origin * 2654435761u) % 4);
		add_prefix(f, &p);
		u->nann = 1;
		f->announced++;
	}
	wbuf_free(&wb);
	free(cnt);
	gzclose(gz);
	return 0;
}

static void
feed_free(struct feed *f)
{
	free(f->u);
	free(f->pfx);
	free(f->blobs);
}

/* Replays the feed into source src; returns routes touched. */
static size_t
ingest(struct rib *rib, const struct feed *f, uint16_t src)
{
	struct rib_attrs *a;
	const struct upd *u;
	size_t		 i, k, n = 0;

	for (i = 0; i < f->nu; i++) {
		u = &f->u[i];
		for (k = 0; k < u->nwd; k++)
			rib_route_withdraw(rib, src, 0, &f->pfx[u->first + k]);
		if (u->nann == 0)
			continue;
		a = rib_attrs_intern(rib, f->blobs + u->blob_off, u->blob_len, u->origin,
		    u->path_len);
		for (k = 0; k < u->nann; k++)
			rib_route_update(rib, src, 0, &f->pfx[u->first + u->nwd + k], a, 0);
		rib_attrs_unref(rib, a);
		n += u->nwd + u->nann;
	}
	rib_reclaim(rib);
	return n;
}

struct walker {
	struct rib	*rib;
	_Atomic int	 stop;
	_Atomic int	 started;
	_Atomic unsigned walks;
	int		 mode;		/* 0 walk, 1 spin (no RIB access) */
};

static int
count_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	size_t		*c = arg, len;

	*c += n + rib_attrs_blob(r[0].attrs, &len)[0];
	return 0;
}

static int
count_noattr_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	size_t		*c = arg;

	*c += n;
	return 0;
}

static void *
walker_main(void *arg)
{
	struct walker	*w = arg;
	struct rib_reader *rd = rib_reader_new(w->rib);
	volatile size_t	 c = 0;
	size_t		 cc = 0;

	atomic_store(&w->started, 1);
	while (!atomic_load(&w->stop)) {
		if (w->mode == 1) {
			for (cc = 0; cc < 1000000; cc++)
				c = c + cc;
			continue;
		}
		if (w->mode == 2) {
			struct prefix q;
			unsigned k;
			memset(&q, 0, sizeof(q));
			q.af = PREFIX_AF_IPV4;
			q.len = 8;
			for (k = 0; k < 256; k++) {
				q.addr[0] = (uint8_t)k;
				rib_read_lock(rd);
				rib_walk_more_specifics(w->rib, &q, count_cb, &cc);
				rib_read_unlock(rd);
			}
		} else {
			rib_read_lock(rd);
			rib_walk(w->rib, w->mode == 3 ? count_noattr_cb : count_cb, &cc);
			rib_read_unlock(rd);
		}
		atomic_fetch_add(&w->walks, 1);
	}
	c += cc;
	rib_reader_free(rd);
	return NULL;
}

static void
line(const char *what, double v, const char *unit, const char *goal, int ok)
{
	printf("  %-44s %12.2f %-8s goal %-10s %s\n", what, v, unit, goal,
	    ok ? "ok" : "MISSED");
}

/* A timed figure: n per second (or, if n is 0, milliseconds) by CPU and wall. */
static void
tline(const char *what, double n, double t, const char *unit, const char *goal,
    int ok)
{
	double	 v = n > 0 ? n / t / 1e6 : t * 1e3, vw = n > 0 ? n / wall_s / 1e6 :
		    wall_s * 1e3;

	printf("  %-44s %12.2f %-8s goal %-10s %-6s (wall %.2f)\n", what, v, unit, goal,
	    ok ? "ok" : "MISSED", vw);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MANY	256

/*
 * Queries order[*i..] in one call of the batch lookups, MANY at a time as a reader
 * checking a list would pass them (the queries gathered as in the single ones,
 * LPM queries made host addresses the same way); advances *i past them.
 */
static size_t
many_pass(struct rib *rib, const struct feed *f, const uint32_t *order, size_t *i,
    int lpm)
{
	static struct prefix	 q[MANY], m[MANY];
	static struct rib_route	 r[MANY * 4];
	static int		 cnt[MANY];
	size_t			 j, n = f->np - *i < MANY ? f->np - *i : MANY, hits = 0;

	for (j = 0; j < n; j++) {
		q[j] = f->pfx[order[*i + j]];
		if (!lpm)
			continue;
		if (q[j].af == PREFIX_AF_IPV4) {
			q[j].addr[3] |= (uint8_t)((*i + j) & 0x7f);
			q[j].len = 32;
		} else {
			q[j].addr[15] |= (uint8_t)((*i + j) & 0x7f);
			q[j].len = 128;
		}
	}
	if (lpm)
		rib_lookup_lpm_many(rib, q, n, cnt, m, r, 4);
	else
		rib_lookup_exact_many(rib, q, n, cnt, r, 4);
	for (j = 0; j < n; j++)
		hits += cnt[j] > 0;
	*i += n - 1;
	return hits;
}

/*
 * One pass of n lookups of kind k (0 feed order, 1 random, 2 LPM, 3 locked,
 * 4 random without copying routes out: no attribute id -> pointer load, 5 and 6
 * random exact and LPM through the batch lookups).
 */
static size_t
lookup_pass(struct rib *rib, struct rib_reader *rd, const struct feed *f,
    const uint32_t *order, int k)
{
	struct rib_route r[4];
	struct prefix	 q, m;
	size_t		 i, n = f->np, hits = 0;

	for (i = 0; i < n; i++) {
		switch (k) {
		case 0:
			hits += rib_lookup_exact(rib, &f->pfx[i], r, 4) > 0;
			break;
		case 1:
			hits += rib_lookup_exact(rib, &f->pfx[order[i]], r, 4) > 0;
			break;
		case 2:
			q = f->pfx[order[i]];
			if (q.af == PREFIX_AF_IPV4) {
				q.addr[3] |= (uint8_t)(i & 0x7f);
				q.len = 32;
			} else {
				q.addr[15] |= (uint8_t)(i & 0x7f);
				q.len = 128;
			}
			hits += rib_lookup_lpm(rib, &q, &m, r, 4) > 0;
			break;
		case 4:
			hits += rib_lookup_exact(rib, &f->pfx[order[i]], r, 0) > 0;
			break;
		case 5:
		case 6:
			hits += many_pass(rib, f, order, &i, k == 6);
			break;
		default:
			rib_read_lock(rd);
			hits += rib_lookup_exact(rib, &f->pfx[order[i]], r, 4) > 0;
			rib_read_unlock(rd);
		}
	}
	return hits;
}

/*
 * Where a random lookup's time goes, without hardware counters (this machine's
 * VM has none): the cache lines an exact lookup touches, by replaying its
 * descent over the internals (as rib_lookup_exact does), and the latency of a
 * dependent load that misses every cache (a pointer chase through 64 MB).
 */
static unsigned
keybit_(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

#define LINE_OF(p)	((uintptr_t)(p) / RIB_LINE)

struct cost {
	uintptr_t	 l[64];
	unsigned	 n;
};

static void
cost_add(struct cost *c, const void *p, size_t len)
{
	uintptr_t	 a, b;
	unsigned	 i;

	for (a = LINE_OF(p), b = LINE_OF((const uint8_t *)p + len - 1); a <= b; a++) {
		for (i = 0; i < c->n && c->l[i] != a; i++)
			;
		if (i == c->n && c->n < 64)
			c->l[c->n++] = a;
	}
}

/* Nodes visited by an exact lookup of p; the lines it touches go to c. */
static unsigned
descent_cost(struct rib *rib, const struct prefix *p, struct cost *c)
{
	struct rib_trie	*t = &rib->t[p->af == PREFIX_AF_IPV4 ? 0 : 1];
	_Atomic uint32_t *slot = p->len < t->topbits ? &t->root : &t->top[top_of(t, p->addr)];
	struct rib_node	*nd;
	uint8_t		*o;
	uint32_t	 ci;
	unsigned	 pl, nodes = 0;

	cost_add(c, slot, 4);
	ci = atomic_load(slot);
	while (ci != 0) {
		nodes++;
		if (IS_GLUE(ci)) {
			o = slab_ptr(&t->glue, GLUE_INDEX(ci));
			cost_add(c, o, GLUE_SIZE);
			nd = (void *)(o + KIDS_SIZE);
			if ((pl = GLUE_PLEN(ci)) >= p->len)
				return nodes;
		} else if (IS_LEAF(ci)) {
			nd = slab_ptr(&t->leaves, LEAF_INDEX(ci));
			cost_add(c, nd, t->leaves.size);
			if (nd->plen == p->len && NODE_KIND(nd->flags) == NODE_INLINE)
				cost_add(c, slab_ptr(&rib->attrs, atomic_load(&nd->r)), 4);
			return nodes;
		} else {
			o = slab_ptr(&t->nodes, ci);
			cost_add(c, o, t->nodes.size);
			nd = (void *)(o + KIDS_SIZE);
			if ((pl = nd->plen) >= p->len) {
				if (NODE_KIND(nd->flags) == NODE_INLINE)
					cost_add(c, slab_ptr(&rib->attrs,
					    atomic_load(&nd->r)), 4);
				return nodes;
			}
		}
		ci = atomic_load(&KIDS(nd)[keybit_(p->addr, pl)]);
	}
	return nodes;
}

/* ns per dependent load over a random cyclic permutation of 64 MB of lines. */
static double
miss_latency(void)
{
	size_t		 nl = (64u << 20) / RIB_LINE, i, j, k, steps = 4000000;
	uint32_t	*perm, *buf, x = 99991;
	double		 t;

	perm = malloc(nl * sizeof(*perm));
	buf = malloc(nl * RIB_LINE);
	if (perm == NULL || buf == NULL) {
		free(perm);
		free(buf);
		return 0;
	}
	for (i = 0; i < nl; i++)
		perm[i] = (uint32_t)i;
	for (i = nl; i > 1; i--) {
		x = x * 1103515245u + 12345u;
		j = (x >> 4) % i;
		k = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = (uint32_t)k;
	}
	for (i = 0; i < nl; i++)
		buf[perm[i] * (RIB_LINE / 4)] = perm[(i + 1) % nl];
	t = tick();
	for (i = 0, k = perm[0]; i < steps; i++)
		k = ((volatile uint32_t *)buf)[k * (RIB_LINE / 4)];
	t = tock(t);
	free(perm);
	free(buf);
	return k == nl ? 0 : t / (double)steps * 1e9;
}

/*
 * The ideal a restructured trie could reach here: lookups that each make d
 * dependent loads into tables as large as the RIB (d = 1: one direct index; 2:
 * an index then the final node, as a poptrie-like top would), independent of
 * each other so the CPU overlaps them as it does real lookups. M/s by CPU time.
 */
static double
ideal_lookups(size_t np, unsigned d)
{
	size_t		 n = np * 8, i;	/* 8 words per route: ~32 B/route of tables */
	uint32_t	*a, x = 4242, v = 0, k;
	unsigned	 j;
	double		 t;

	if ((a = malloc(n * sizeof(*a))) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		a[i] = (x >> 3) % (uint32_t)n;
	}
	t = tick();
	for (i = 0, x = 777; i < np; i++) {
		x = x * 1103515245u + 12345u;
		k = (x >> 3) % (uint32_t)n;
		for (j = 0; j < d; j++)
			k = a[k];
		v += k;
	}
	t = tock(t);
	free(a);
	return v == 0xffffffffu ? 0 : (double)np / t / 1e6;
}

static void
lookup_cost(struct rib *rib, const struct feed *f, const uint32_t *order,
    double ns_random)
{
	struct cost	 c;
	double		 nodes = 0, lines = 0, lat;
	size_t		 i;

	for (i = 0; i < f->np; i++) {
		c.n = 0;
		nodes += descent_cost(rib, &f->pfx[order[i]], &c);
		lines += c.n;
	}
	nodes /= (double)f->np;
	lines /= (double)f->np;
	lat = miss_latency();
	printf("  exact lookup: %.2f trie nodes, %.2f distinct 64-B lines per lookup "
	    "(first-stride slot + nodes + attrs id)\n", nodes, lines);
	printf("  dependent load missing all caches (64 MB chase): %.0f ns (wall %.0f); "
	    "random exact lookup %.0f ns = %.2f such misses\n", lat,
	    wall_s / 4e6 * 1e9, ns_random, lat > 0 ? ns_random / lat : 0);
	printf("  10 M/s on one core = 100 ns per lookup: at most %.2f misses of this "
	    "latency per lookup, not overlapped\n", lat > 0 ? 100 / lat : 0);
	printf("  ideal structures, random independent lookups over %.0f MB: 1 dependent "
	    "load %.2f M/s, 2 loads %.2f M/s, 3 loads %.2f M/s (goal >= 10)\n",
	    f->np * 32.0 / (1 << 20), ideal_lookups(f->np, 1), ideal_lookups(f->np, 2),
	    ideal_lookups(f->np, 3));
}

#define LPASSES	5

/*
 * Each kind of lookup LPASSES times over the whole feed; the best pass by thread
 * CPU time is the figure (other tenants of a shared machine only ever make a
 * pass slower: they evict our cache lines while we are switched out), the
 * median is printed beside it.
 */
static void
lookups(struct rib *rib, const struct feed *f, uint32_t *order)
{
	static const char *what[] = { "exact lookups, feed order",
	    "exact lookups, random order", "longest-match lookups (host addr), random",
	    "exact, random, each in rib_read_lock/unlock",
	    "exact, random, count only (no attrs pointer)",
	    "exact, random, batches of 256 (_many)",
	    "longest-match (host addr), random, batches of 256" };
	struct rib_reader *rd = rib_reader_new(rib);
	double		 t[LPASSES], w[LPASSES], n = (double)f->np;
	size_t		 hits = 0;
	double		 ns_random = 0;
	unsigned	 i;
	int		 k;

	for (k = 0; k < 7; k++) {
		for (i = 0; i < LPASSES; i++) {
			t[i] = tick();
			hits += lookup_pass(rib, rd, f, order, k);
			t[i] = tock(t[i]);
			w[i] = wall_s;
		}
		qsort(t, LPASSES, sizeof(t[0]), cmp_dbl);
		qsort(w, LPASSES, sizeof(w[0]), cmp_dbl);
		wall_s = w[0];
		tline(what[k], n, t[0], "M/s", ">= 10", n / t[0] >= 10e6);
		if (k == 1)
			ns_random = t[0] / n * 1e9;
		printf("  %-44s %12.2f M/s      (median of %d passes; wall best %.2f)\n",
		    "", n / t[LPASSES / 2] / 1e6, LPASSES, n / w[0] / 1e6);
	}
	t[0] = tick();
	for (i = 0; i < 10000000; i++) {
		rib_read_lock(rd);
		rib_read_unlock(rd);
	}
	t[0] = tock(t[0]);
	printf("  %-44s %12.2f ns       (%s)\n", "read-side cost: rib_read_lock+unlock",
	    t[0] * 100, RCU_NAME);
	if (hits == 0)
		printf("  (no lookup hit?)\n");
	rib_reader_free(rd);
	lookup_cost(rib, f, order, ns_random);
}

#define WSAMPLES	5

/*
 * Withdraw-all of source src, WSAMPLES times (the first on the RIB as it is,
 * then after re-ingesting src, compacting first if compact): prints the median
 * by CPU time next to the goal, with the best and worst beside it, since one
 * sample on a shared machine is noise-prone. Leaves src empty.
 */
static void
withdraw_median(struct rib *rib, const struct feed *f, uint16_t src, int compact,
    const char *what)
{
	double		 t[WSAMPLES], w[WSAMPLES];
	size_t		 n = 0;
	unsigned	 i;

	for (i = 0; i < WSAMPLES; i++) {
		if (i > 0) {
			ingest(rib, f, src);
			if (compact)
				rib_compact(rib);
		}
		rib_reclaim_sync(rib);
		t[i] = tick();
		n = rib_source_withdraw_all(rib, src);
		t[i] = tock(t[i]);
		w[i] = wall_s;
	}
	qsort(t, WSAMPLES, sizeof(t[0]), cmp_dbl);
	qsort(w, WSAMPLES, sizeof(w[0]), cmp_dbl);
	wall_s = w[WSAMPLES / 2];
	tline(what, 0, t[WSAMPLES / 2], "ms", "<= 100", t[WSAMPLES / 2] <= 0.1);
	printf("  %-44s %12s (median of %d; best %.1f, worst %.1f ms; %zu routes)\n",
	    "", "", WSAMPLES, t[0] * 1e3, t[WSAMPLES - 1] * 1e3, n);
}

/* One writer round: re-ingest source 4 and withdraw it again (CPU seconds). */
static long	 round_faults;
static double	 round_sys;

static double
writer_round(struct rib *rib, const struct feed *f)
{
	struct rusage	 r0, r1;
	double		 t;

	/* Every round starts from the same layout: COW rounds scatter the nodes. */
	rib_compact(rib);
	rib_reclaim_sync(rib);
	getrusage(RUSAGE_THREAD, &r0);
	t = tick();
	ingest(rib, f, 4);
	rib_source_withdraw_all(rib, 4);
	rib_reclaim(rib);
	t = tock(t);
	getrusage(RUSAGE_THREAD, &r1);
	round_faults = r1.ru_minflt - r0.ru_minflt;
	round_sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
	    (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	if (getenv("BENCH_DEBUG"))
		printf("   round %.1f ms, sys %.1f ms, %ld faults\n", t * 1e3,
		    round_sys * 1e3, round_faults);
	return t;
}

#define MAXROUNDS	31
static unsigned	 ROUNDS = 15;

/*
 * The writer's thread CPU time for a round alone and a round with a reader
 * thread walking the whole RIB in a loop, alternating, ROUNDS times each; the
 * medians are compared. CPU time, not wall time: on a shared machine the walker
 * and the other tenants take turns on the cores, which wall time would count.
 */
static void
concurrent(struct rib *rib, const struct feed *f)
{
	struct walker	 w;
	pthread_t	 th;
	double		 alone[MAXROUNDS], walk[MAXROUNDS], pair[MAXROUNDS], ma, mw;
	unsigned	 i, walks = 0;
	const char	*m = getenv("BENCH_WALKER");
	struct rib	*other = NULL;

	if (getenv("BENCH_ROUNDS") != NULL)
		ROUNDS = (unsigned)atoi(getenv("BENCH_ROUNDS"));
	if (ROUNDS < 1 || ROUNDS > MAXROUNDS)
		ROUNDS = 15;
	writer_round(rib, f);	/* warm-up: slabs grown, free lists filled */
	for (i = 0; i < ROUNDS; i++) {
		alone[i] = writer_round(rib, f);
		w.rib = rib;
		w.mode = m == NULL ? 0 : strcmp(m, "spin") == 0 ? 1 :
		    strcmp(m, "slice") == 0 ? 2 : strcmp(m, "noattr") == 0 ? 3 : 0;
		if (m != NULL && strcmp(m, "other") == 0 && other == NULL) {
			other = rib_new();
			rib_source_add(other, "x");
			ingest(other, f, 1);
			rib_compact(other);
			rib_reclaim_sync(other);
		}
		if (other != NULL)
			w.rib = other;
		atomic_init(&w.stop, 0);
		atomic_init(&w.started, 0);
		atomic_init(&w.walks, 0);
		pthread_create(&th, NULL, walker_main, &w);
		while (!atomic_load(&w.started))
			sched_yield();
		walk[i] = writer_round(rib, f);
		atomic_store(&w.stop, 1);
		pthread_join(th, NULL);
		walks += atomic_load(&w.walks);
	}
	rib_free(other);
	/*
	 * The host's speed drifts over seconds: each walker round is compared with
	 * the alone round just before it, and the median of those ratios is the
	 * figure; the ratio of the two medians is printed beside it.
	 */
	for (i = 0; i < ROUNDS; i++)
		pair[i] = walk[i] / alone[i];
	qsort(pair, ROUNDS, sizeof(pair[0]), cmp_dbl);
	qsort(alone, ROUNDS, sizeof(alone[0]), cmp_dbl);
	qsort(walk, ROUNDS, sizeof(walk[0]), cmp_dbl);
	ma = alone[ROUNDS / 2];
	mw = walk[ROUNDS / 2];
	printf("  writer round (ingest + withdraw-all), CPU ms: alone median %.1f "
	    "(min %.1f max %.1f), with walker median %.1f (min %.1f max %.1f), "
	    "%u rounds each, %u full walks meanwhile\n", ma * 1e3, alone[0] * 1e3,
	    alone[ROUNDS - 1] * 1e3, mw * 1e3, walk[0] * 1e3, walk[ROUNDS - 1] * 1e3,
	    ROUNDS, walks);
	line("writer slowdown with a reader walking", (pair[ROUNDS / 2] - 1) * 100, "%",
	    "<= 10", pair[ROUNDS / 2] <= 1.1);
	printf("  %-44s %12s (median of %u paired rounds: best %.1f %%, worst %.1f %%; "
	    "ratio of the medians %.1f %%)\n", "", "", ROUNDS, (pair[0] - 1) * 100,
	    (pair[ROUNDS - 1] - 1) * 100, (mw / ma - 1) * 100);
}

/* BENCH_PARTS (default all): letters of the parts to run, w withdraw-all, l lookups, c concurrent reader. */
static int
part(char c)
{
	const char	*p = getenv("BENCH_PARTS");

	return p == NULL || strchr(p, c) != NULL;
}

static void
run(const struct feed *f)
{
	struct rib	*rib = rib_new();
	struct rib_stats st, st1;
	uint32_t	*order;
	long		 rss0, rss1;
	size_t		 i, n, j;
	double		 t, bpr, extra, nb, ti[3], wi[3];
	int		 v6;
	uint32_t	 x;

	printf("== %s: %zu UPDATEs, %zu announcements, %zu prefix records\n", f->name,
	    f->nu, f->announced, f->np);
	for (i = 1; i <= 5; i++)
		rib_source_add(rib, "bench peer");
	rss0 = rss_kb();
	t = tick();
	n = ingest(rib, f, 1);
	ti[0] = tock(t);
	wi[0] = wall_s;
	/* as the daemon does once the table stopped growing: the untouched rest of
	 * the allocator's current huge pages goes back (rib_memory_trim) */
	(void)rib_memory_trim();
	(void)rib_memory_trim();
	rss1 = rss_kb();
	/* Two more loads into fresh RIBs: best of three by CPU time (see lookups). */
	for (i = 1; i < 3; i++) {
		struct rib *r2 = rib_new();

		rib_source_add(r2, "bench peer");
		t = tick();
		ingest(r2, f, 1);
		ti[i] = tock(t);
		wi[i] = wall_s;
		rib_free(r2);
	}
	qsort(ti, 3, sizeof(ti[0]), cmp_dbl);
	qsort(wi, 3, sizeof(wi[0]), cmp_dbl);
	t = ti[0];
	wall_s = wi[0];
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	bpr = (double)st.bytes / st.routes;
	printf("  table: %u prefixes, %u routes, %u attribute sets (%.2f routes/set), "
	    "%u trie nodes (%.2f/prefix)\n", st.prefixes4 + st.prefixes6, st.routes,
	    st.attrs, (double)st.routes / st.attrs, st.nodes,
	    (double)st.nodes / (st.prefixes4 + st.prefixes6));
	v6 = f->pfx[0].af == PREFIX_AF_IPV6;
	nb = (double)(st.nodes - st.glue - st.leaves) * (v6 ? 32 : 20) +
	    (double)st.leaves * (v6 ? 24 : 12);
	printf("  bytes per route: prefix nodes %.1f (%u of them leaves), glue nodes "
	    "%.1f (%u), attribute sets %.1f (%.0f B per set incl. header), other %.1f\n",
	    nb / st.routes, st.leaves, st.glue * 8.0 / st.routes, st.glue,
	    (double)st.bytes_attrs / st.routes, (double)st.bytes_attrs / st.attrs,
	    ((double)st.bytes - st.bytes_attrs - st.glue * 8.0 - nb) / st.routes);
	tline("insert rate, one source (best of 3 loads)", (double)n, t, "M rt/s", ">= 3",
	    n / t >= 3e6);
	printf("  %-44s %12.2f M rt/s   (median of 3 loads)\n", "", n / ti[1] / 1e6);
	line("memory per route (RIB's own malloc count)", bpr, "B", "<= 40", bpr <= 40);
	line("  of which live objects (no free slab slots)",
	    (double)(st.bytes - st.bytes_free) / st.routes, "B", "<= 40",
	    (double)(st.bytes - st.bytes_free) / st.routes <= 40);
	if (rss1 > rss0)
		line("memory per route (RSS growth)", (rss1 - rss0) * 1024.0 / st.routes,
		    "B", "<= 40", (rss1 - rss0) * 1024.0 / st.routes <= 40);
	else
		printf("  %-44s %12s (heap reused from the previous data set)\n",
		    "memory per route (RSS growth)", "n/a");
	printf("  %-44s %12s BIRD 2.0.12 ~144 B, OpenBGPD 7.7 ~530 B, GoBGP 3.10 ~1.7 KB\n",
	    "for comparison:", "");
	t = tick();
	rib_compact(rib);
	t = tock(t);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	bpr = (double)st.bytes / st.routes;
	printf("  compaction (copy in walk order) took %.1f ms (wall %.1f)\n", t * 1e3,
	    wall_s * 1e3);
	line("memory per route after compaction", bpr, "B", "<= 40", bpr <= 40);
	ingest(rib, f, 2);
	ingest(rib, f, 3);
	rib_reclaim_sync(rib);
	rib_stats(rib, &st1);
	extra = (double)(st1.bytes - st.bytes) / (st1.routes - st.routes);
	line("memory per extra route, sources 2 and 3", extra, "B", "<= 16", extra <= 16);
	extra = (double)((st1.bytes - st1.bytes_free) - (st.bytes - st.bytes_free)) /
	    (st1.routes - st.routes);
	line("  of which live objects (no free slab slots)", extra, "B", "<= 16",
	    extra <= 16);
	if (part('w')) {
		withdraw_median(rib, f, 3, 0,
		    "withdraw-all of a full-feed source (as loaded)");
		ingest(rib, f, 3);
		rib_compact(rib);
		withdraw_median(rib, f, 3, 1,
		    "withdraw-all of a full-feed source (compacted)");
	}
	rib_source_withdraw_all(rib, 3);
	rib_source_withdraw_all(rib, 2);
	rib_compact(rib);
	rib_reclaim_sync(rib);

	order = malloc(f->np * sizeof(*order));
	for (i = 0; i < f->np; i++)
		order[i] = (uint32_t)i;
	for (i = f->np, x = 12345; i > 1; i--) {
		x = x * 1103515245u + 12345u;
		j = (x >> 8) % i;
		n = order[i - 1];
		order[i - 1] = order[j];
		order[j] = (uint32_t)n;
	}
	if (part('l'))
		lookups(rib, f, order);
	free(order);

	if (part('c'))
		concurrent(rib, f);
	rib_compact(rib);
	rib_reclaim_sync(rib);
	withdraw_median(rib, f, 1, 1, "withdraw-all, last source (nodes removed)");
	rib_reclaim_sync(rib);
	rib_stats(rib, &st);
	printf("  after withdrawing everything: %u routes, %u nodes, %u attribute sets\n",
	    st.routes, st.nodes, st.attrs);
	rib_free(rib);
}

static const char *
data_path(const char *arg, const char *rel, char *buf, size_t len)
{
	const char	*sh = getenv("IXW_SHARED");

	if (arg != NULL)
		return arg;
	snprintf(buf, len, "%s/data/mrt/%s", sh ? sh : "../../shared", rel);
	return buf;
}

int
main(int argc, char **argv)
{
	struct feed	 f;
	char		 b1[1024], b2[1024];
	const char	*mrt = data_path(argc > 1 ? argv[1] : NULL,
			    "updates.et-header.2015.gz", b1, sizeof(b1));
	const char	*pya = data_path(argc > 2 ? argv[2] : NULL,
			    "pyasn.ipasn_20140513.dat.gz", b2, sizeof(b2));

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&f, 0, sizeof(f));
	f.name = "real full feed (updates.et-header.2015, AS3856, canonical blobs)";
	if (load_mrt(&f, mrt) == 0 && f.announced > 0)
		run(&f);
	else
		printf("== %s: cannot read %s: %s\n", f.name, mrt, strerror(errno));
	feed_free(&f);
	memset(&f, 0, sizeof(f));
	f.name = "pyasn 2014-05-13 prefixes, SYNTHESIZED attribute blobs";
	if (load_pyasn(&f, pya) == 0 && f.announced > 0)
		run(&f);
	else
		printf("== %s: cannot read %s\n", f.name, pya);
	feed_free(&f);
	return 0;
}
