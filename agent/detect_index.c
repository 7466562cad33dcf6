/*
 * Detection engine indexes, built at config load: monitored prefixes and bogon
 * blocks as sorted arrays with a parent link per entry (longest-prefix match by
 * one binary search plus a walk up the nesting chain), a 16-bit first-bits
 * prefilter for bogons, and sorted AS arrays behind a small bitmap filter.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/detect_int.h"

static void
pfx_key(const struct prefix *p, uint64_t *hi, uint64_t *lo)
{
	unsigned i;

	*hi = *lo = 0;
	if (p->af == PREFIX_AF_IPV4) {
		for (i = 0; i < 4; i++)
			*hi |= (uint64_t)p->addr[i] << (56 - 8 * i);
		return;
	}
	for (i = 0; i < 8; i++) {
		*hi |= (uint64_t)p->addr[i] << (56 - 8 * i);
		*lo |= (uint64_t)p->addr[8 + i] << (56 - 8 * i);
	}
}

static int
key_cmp(uint64_t ahi, uint64_t alo, uint8_t alen, const struct dpfx *b)
{
	if (ahi != b->hi)
		return ahi < b->hi ? -1 : 1;
	if (alo != b->lo)
		return alo < b->lo ? -1 : 1;
	return alen < b->len ? -1 : alen > b->len;
}

static int
dpfx_cmp(const void *va, const void *vb)
{
	const struct dpfx *a = va;

	return key_cmp(a->hi, a->lo, a->len, vb);
}

/* Does entry a contain (hi, lo, len)? */
static int
covers(const struct dpfx *a, uint64_t hi, uint64_t lo, uint8_t len)
{
	uint64_t mhi, mlo;

	if (a->len > len)
		return 0;
	if (a->len == 0)
		return 1;
	if (a->len <= 64) {
		mhi = a->len == 64 ? ~(uint64_t)0 : ~(~(uint64_t)0 >> a->len);
		return (hi & mhi) == a->hi;
	}
	mlo = a->len == 128 ? ~(uint64_t)0 : ~(~(uint64_t)0 >> (a->len - 64));
	return hi == a->hi && (lo & mlo) == a->lo;
}

static void
link_parents(struct dindex *ix)
{
	int32_t	*stack;
	size_t	 i, sp = 0;

	if (ix->n == 0 || (stack = calloc(ix->n, sizeof(*stack))) == NULL) {
		for (i = 0; i < ix->n; i++)
			ix->v[i].parent = -1;
		return;
	}
	for (i = 0; i < ix->n; i++) {
		while (sp > 0 && !covers(&ix->v[stack[sp - 1]], ix->v[i].hi, ix->v[i].lo,
		    ix->v[i].len))
			sp--;
		ix->v[i].parent = sp > 0 ? stack[sp - 1] : -1;
		stack[sp++] = (int32_t)i;
	}
	free(stack);
}

/* dindex_lpm on the monitored prefixes behind the space filter. */
const struct dpfx *
dindex_mon(const struct detect *d, const struct prefix *p)
{
	const struct dindex *ix = &d->mon[p->af == PREFIX_AF_IPV6];

	return ix->n > 0 && dspace_has(d, p) ? dindex_lpm(ix, p) : NULL;
}

const struct dpfx *
dindex_lpm(const struct dindex *ix, const struct prefix *p)
{
	uint64_t	hi, lo;
	size_t		l = 0, h = ix->n;
	int32_t		i;

	if (ix->n == 0)
		return NULL;
	pfx_key(p, &hi, &lo);
	if (ix->k4 != NULL && p->af == PREFIX_AF_IPV4) {
		uint64_t k = hi | p->len;	/* the order of (hi, 0, len) */

		while (l < h) {		/* first entry > key */
			size_t m = (l + h) / 2;
			if (ix->k4[m] <= k)
				l = m + 1;
			else
				h = m;
		}
	} else while (l < h) {
		size_t m = (l + h) / 2;
		if (key_cmp(hi, lo, p->len, &ix->v[m]) >= 0)
			l = m + 1;
		else
			h = m;
	}
	for (i = (int32_t)l - 1; i >= 0; i = ix->v[i].parent)
		if (covers(&ix->v[i], hi, lo, p->len))
			return &ix->v[i];
	return NULL;
}

static int
ix_add(struct dindex *ix, size_t *cap, const struct prefix *p,
    const struct config_prefix *cp, const struct bogon_block *bb)
{
	struct dpfx *e;

	if (ix->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		if ((e = realloc(ix->v, nc * sizeof(*e))) == NULL)
			return -1;
		ix->v = e;
		*cap = nc;
	}
	e = &ix->v[ix->n++];
	memset(e, 0, sizeof(*e));
	pfx_key(p, &e->hi, &e->lo);
	e->len = p->len;
	e->cp = cp;
	e->bb = bb;
	return 0;
}

static void
map_mark(uint8_t *m, const struct prefix *p)
{
	uint32_t	 start = (uint32_t)p->addr[0] << 8 | p->addr[1], n, i;

	n = p->len >= 16 ? 1 : 1u << (16 - p->len);
	for (i = 0; i < n && start + i < 65536; i++)
		m[(start + i) >> 3] |= (uint8_t)(1u << ((start + i) & 7));
}

/* --- the space filter (struct dspace) ------------------------------------- */

void
dspace_init(struct dspace *s, uint8_t bits, uint32_t maxblk)
{
	memset(s, 0, sizeof(*s));
	s->bits = bits;
	s->maxblk = maxblk < DSPACE_FULL ? maxblk : DSPACE_FULL - 1;
}

void
dspace_free(struct dspace *s)
{
	free(s->idx);
	free(s->bblk);
	free(s->blk);
	free(s->sum);
	s->idx = NULL;
	s->bblk = s->blk = NULL;
	s->sum = NULL;
	s->nblk = s->capblk = 0;
}

/* Empty, ready for dspace_mark (the build) again. */
void
dspace_clear(struct dspace *s)
{
	dspace_free(s);
	memset(s->l1, 0, sizeof(s->l1));
	memset(s->full, 0, sizeof(s->full));
	memset(s->rank, 0, sizeof(s->rank));
}

static size_t
block_words(const struct dspace *s)
{
	return ((size_t)1 << s->bits) / 64;
}

/* The whole /16 c passes: needs no block (kept out of the rank). */
static void
set_full(struct dspace *s, uint32_t c)
{
	s->l1[c >> 6] |= (uint64_t)1 << (c & 63);
	s->full[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* Build: a zeroed block for a /16, numbered in order of first use;
 * DSPACE_FULL when none can be had (more lookups, never a miss). */
static uint16_t
block_new(struct dspace *s)
{
	size_t		 words = block_words(s);
	uint64_t	*nb;
	uint32_t	 nc;

	if (s->nblk == s->maxblk)
		return DSPACE_FULL;
	if (s->nblk == s->capblk) {
		nc = s->capblk ? s->capblk * 2 : 64;
		if (nc > s->maxblk)
			nc = s->maxblk;
		if ((nb = realloc(s->bblk, nc * words * sizeof(*nb))) == NULL)
			return DSPACE_FULL;
		s->bblk = nb;
		s->capblk = nc;
	}
	memset(s->bblk + s->nblk * words, 0, words * sizeof(uint64_t));
	return (uint16_t)s->nblk++;
}

/* Sets the cell bits [b, b + n) of block blk. */
static void
cells_set(uint64_t *blk, uint32_t b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		blk[(b + i) >> 6] |= (uint64_t)1 << ((b + i) & 63);
}

static uint32_t
cell_of(const struct dspace *s, const struct prefix *p)
{
	return s->bits == 8 ? p->addr[2] : (uint32_t)p->addr[2] << 8 | p->addr[3];
}

/* Build: marks the cells prefix p touches, so every prefix inside it passes. */
void
dspace_mark(struct dspace *s, const struct prefix *p)
{
	uint32_t	 c = (uint32_t)p->addr[0] << 8 | p->addr[1], n, i;
	uint16_t	 k;

	if (s->idx == NULL && (s->idx = calloc(65536, sizeof(*s->idx))) == NULL) {
		n = p->len >= 16 ? 1 : 1u << (16 - p->len);
		for (i = 0; i < n && c + i < 65536; i++)
			set_full(s, c + i);	/* no memory: coarser, still whole */
		return;
	}
	if (p->len <= 16) {
		n = 1u << (16 - p->len);
		for (i = 0; i < n && c + i < 65536; i++)
			set_full(s, c + i);
		return;
	}
	if ((s->full[c >> 6] >> (c & 63)) & 1)
		return;
	if (!((s->l1[c >> 6] >> (c & 63)) & 1)) {
		s->l1[c >> 6] |= (uint64_t)1 << (c & 63);
		if ((k = block_new(s)) == DSPACE_FULL) {
			set_full(s, c);
			return;
		}
		s->idx[c] = k;
	}
	n = p->len >= 16u + s->bits ? 1 : 1u << (16 + s->bits - p->len);
	cells_set(s->bblk + (size_t)s->idx[c] * block_words(s), cell_of(s, p), n);
}

/* Which eighths of a block have a bit set. */
static uint8_t
block_sum(const struct dspace *s, const uint64_t *blk)
{
	size_t	 words = block_words(s), per = words >= 8 ? words / 8 : 1, i;
	uint8_t	 m = 0;

	for (i = 0; i < words; i++)
		if (blk[i] != 0) {
			if (words >= 8)
				m |= (uint8_t)(1u << (i / per));
			else		/* IPv4: 4 words of 64 cells, eighths of 32 */
				m |= (uint8_t)(((blk[i] & 0xffffffffu) ? 1u : 0) << (2 * i) |
				    ((blk[i] >> 32) ? 1u : 0) << (2 * i + 1));
		}
	return m;
}

/*
 * End of the build: the blocks in address order, so that the block of a /16
 * is found by counting the marked, not full /16s before it (rank[] per 64 of
 * them plus a popcount) rather than through a 128 KB index.
 */
int
dspace_finish(struct dspace *s)
{
	size_t		 words = block_words(s);
	uint32_t	 c, k = 0;
	uint64_t	 part;

	if (s->idx == NULL)
		return 0;			/* nothing marked (or all full) */
	if (s->nblk > 0 && ((s->blk = calloc(s->nblk, words * sizeof(*s->blk))) == NULL ||
	    (s->sum = calloc(s->nblk, 1)) == NULL)) {
		free(s->blk);
		s->blk = NULL;
		for (c = 0; c < 65536; c++)	/* no memory: whole /16s */
			if ((s->l1[c >> 6] >> (c & 63)) & 1)
				set_full(s, c);
	}
	for (c = 0; c < 65536; c++) {
		if ((c & 63) == 0)
			s->rank[c >> 6] = k;
		part = s->l1[c >> 6] & ~s->full[c >> 6];
		if (!((part >> (c & 63)) & 1))
			continue;
		memcpy(s->blk + (size_t)k * words, s->bblk + (size_t)s->idx[c] * words,
		    words * sizeof(*s->blk));
		s->sum[k] = block_sum(s, s->blk + (size_t)k * words);
		k++;
	}
	free(s->idx);
	free(s->bblk);
	s->idx = NULL;
	s->bblk = NULL;
	s->nblk = k;
	s->capblk = 0;
	return 0;
}

/*
 * After the build: marks the cell of p's first address, so p itself passes (the
 * prefix of a record). A /16 with no block becomes full: the rank of the others
 * does not change, so marking never moves a block.
 */
void
dspace_mark_start(struct dspace *s, const struct prefix *p)
{
	uint32_t	 c = (uint32_t)p->addr[0] << 8 | p->addr[1], k, b = cell_of(s, p);

	if (!((s->l1[c >> 6] >> (c & 63)) & 1) || s->blk == NULL) {
		set_full(s, c);
		return;
	}
	if ((s->full[c >> 6] >> (c & 63)) & 1)
		return;
	k = dspace_block(s, c);
	cells_set(s->blk + ((size_t)k << s->bits >> 6), b, 1);
	s->sum[k] |= (uint8_t)(1u << (b >> (s->bits - 3)));
}

static int
build_prefixes(struct detect *d)
{
	const struct config		*c = d->cfg;
	size_t				 cap[4] = { 0, 0, 0, 0 }, i;
	int				 v6;

	for (i = 0; i < c->pfx.nprefixes; i++) {
		const struct config_prefix *cp = &c->pfx.prefixes[i];
		v6 = cp->prefix.af == PREFIX_AF_IPV6;
		if (ix_add(&d->mon[v6], &cap[v6], &cp->prefix, cp, NULL) == -1)
			return -1;
		d->mon[v6].v[d->mon[v6].n - 1].ups = dpfx_has_upstreams(c, cp);
		dspace_mark(&d->space[v6], &cp->prefix);
	}
	bogon_table_init(&d->bogons);
	for (i = 0; c->detection.bogons.prefixes && i < d->bogons.n; i++) {
		const struct bogon_block *b = &d->bogons.blocks[i];
		v6 = b->pfx.af == PREFIX_AF_IPV6;
		if (ix_add(&d->bog[v6], &cap[2 + v6], &b->pfx, NULL, b) == -1)
			return -1;
		if (b->bogon) {
			map_mark(d->bogmap[v6], &b->pfx);
			dspace_mark(&d->space[v6], &b->pfx);
		}
	}
	for (i = 0; i < c->detection.bogons.nextra_prefixes; i++) {
		const struct prefix *p = &c->detection.bogons.extra_prefixes[i];
		v6 = p->af == PREFIX_AF_IPV6;
		if (ix_add(&d->bog[v6], &cap[2 + v6], p, NULL, NULL) == -1)
			return -1;
		map_mark(d->bogmap[v6], p);
		dspace_mark(&d->space[v6], p);
	}
	dspace_finish(&d->space[0]);
	dspace_finish(&d->space[1]);
	for (i = 0; i < 4; i++) {
		struct dindex *ix = i < 2 ? &d->mon[i] : &d->bog[i - 2];
		if (ix->n > 0)
			qsort(ix->v, ix->n, sizeof(*ix->v), dpfx_cmp);
		link_parents(ix);
	}
	if (d->mon[0].n > 0 && (d->mon[0].k4 = calloc(d->mon[0].n, sizeof(uint64_t))))
		for (i = 0; i < d->mon[0].n; i++)
			d->mon[0].k4[i] = d->mon[0].v[i].hi | d->mon[0].v[i].len;
	/* the monitored prefixes' texts, once: the rules name them per route */
	for (i = 0; i < 2; i++) {
		struct dindex	*ix = &d->mon[i];
		size_t		 j;

		if (ix->n == 0 || (ix->txt = calloc(ix->n, sizeof(*ix->txt))) == NULL)
			continue;	/* without: formatted when used */
		for (j = 0; j < ix->n; j++)
			prefix_fmt(&ix->v[j].cp->prefix, ix->txt[j], sizeof(ix->txt[j]));
	}
	return 0;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
dasn_in(const uint32_t *v, size_t n, uint32_t asn)
{
	size_t l = 0, h = n;

	while (l < h) {
		size_t m = (l + h) / 2;
		if (v[m] == asn)
			return 1;
		if (v[m] < asn)
			l = m + 1;
		else
			h = m;
	}
	return 0;
}

int
dmon_as(const struct detect *d, uint32_t asn)
{
	unsigned h = das_hash(asn);

	if (!(d->asbloom[h >> 3] & (1u << (h & 7))))
		return 0;
	return dasn_in(d->monas, d->nmonas, asn);
}

/* Sorted, unique copy of n ASes (an AS list grows by append first). */
static int
as_push(uint32_t **v, size_t *n, size_t *cap, uint32_t asn)
{
	if (*n == *cap) {
		size_t		 nc = *cap ? *cap * 2 : 32;
		uint32_t	*nv = realloc(*v, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = asn;
	return 0;
}

static void
as_finish(struct detect *d, uint32_t *v, size_t *n)
{
	size_t i, j = 0;

	if (*n == 0)
		return;
	qsort(v, *n, sizeof(*v), u32_cmp);
	for (i = 0; i < *n; i++) {
		if (j > 0 && v[j - 1] == v[i])
			continue;
		v[j++] = v[i];
		d->asbloom[das_hash(v[i]) >> 3] |= (uint8_t)(1u << (das_hash(v[i]) & 7));
	}
	*n = j;
}

static int
rel_push(struct detect *d, const struct config_relationship *r, size_t nr, size_t *cap)
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		if (as_push(&d->relas, &d->nrelas, cap, r[i].asn) == -1)
			return -1;
		for (j = 0; j < r[i].ncustomers; j++)
			if (as_push(&d->relas, &d->nrelas, cap, r[i].customers[j]) == -1)
				return -1;
		for (j = 0; j < r[i].nproviders; j++)
			if (as_push(&d->relas, &d->nrelas, cap, r[i].providers[j]) == -1)
				return -1;
		for (j = 0; j < r[i].npeers; j++)
			if (as_push(&d->relas, &d->nrelas, cap, r[i].peers[j]) == -1)
				return -1;
	}
	return 0;
}

static int
build_asns(struct detect *d)
{
	const struct config	*c = d->cfg;
	size_t			 cap[4] = { 0, 0, 0, 0 }, i;

	for (i = 0; i < c->pfx.nasns; i++) {
		const struct config_monitor_as *m = &c->pfx.asns[i];
		if (as_push(&d->monas, &d->nmonas, &cap[0], m->asn) == -1)
			return -1;
		if ((m->has_upstreams || m->has_downstreams) &&
		    as_push(&d->pathas, &d->npathas, &cap[1], m->asn) == -1)
			return -1;
	}
	if (rel_push(d, c->detection.relationships, c->detection.nrelationships,
	    &cap[2]) == -1 || rel_push(d, c->pfx.relationships, c->pfx.nrelationships,
	    &cap[2]) == -1)
		return -1;
	for (i = 0; i < c->detection.bogons.nextra_asns; i++)
		if (as_push(&d->bogas, &d->nbogas, &cap[3],
		    c->detection.bogons.extra_asns[i]) == -1)
			return -1;
	as_finish(d, d->monas, &d->nmonas);
	as_finish(d, d->pathas, &d->npathas);
	as_finish(d, d->relas, &d->nrelas);
	as_finish(d, d->bogas, &d->nbogas);
	return 0;
}

void
dindex_free(struct detect *d)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		free(d->mon[i].v);
		free(d->mon[i].txt);
		free(d->mon[i].k4);
		d->mon[i].txt = NULL;
		d->mon[i].k4 = NULL;
		free(d->bog[i].v);
		d->mon[i].v = d->bog[i].v = NULL;
		d->mon[i].n = d->bog[i].n = 0;
	}
	free(d->monas);
	free(d->pathas);
	free(d->relas);
	free(d->bogas);
	d->monas = d->pathas = d->relas = d->bogas = NULL;
	d->nmonas = d->npathas = d->nrelas = d->nbogas = 0;
	/* still zero from calloc before the first build: do not fault ~750 KB in */
	if (d->indexed) {
		memset(d->bogmap, 0, sizeof(d->bogmap));
		memset(d->asbloom, 0, sizeof(d->asbloom));
		if (d->pf != NULL)
			memset(d->pf, 0, sizeof(*d->pf) << DPF_BITS);
	}
	dspace_clear(&d->space[0]);
	dspace_clear(&d->space[1]);
	d->last_a = NULL;
}

int
dindex_build(struct detect *d)
{
	dindex_free(d);
	d->indexed = 1;
	d->moas_enabled = d->cfg->detection.rules[CONFIG_RULE_MOAS].enabled != 0;
	if (build_prefixes(d) == -1 || build_asns(d) == -1) {
		dindex_free(d);
		return -1;
	}
	return 0;
}

/* The bogon block p lies in (NULL: none, or an exception); *extra for a config one. */
const struct bogon_block *
dindex_bogon(const struct detect *d, const struct prefix *p, const struct prefix **extra)
{
	static const struct bogon_block	 none;
	int				 v6 = p->af == PREFIX_AF_IPV6;
	uint32_t			 i = (uint32_t)p->addr[0] << 8 | p->addr[1];
	const struct dpfx		*e;
	size_t				 k;

	*extra = NULL;
	if (!(d->bogmap[v6][i >> 3] & (1u << (i & 7))))
		return NULL;
	if ((e = dindex_lpm(&d->bog[v6], p)) == NULL)
		return NULL;
	if (e->bb != NULL)
		return e->bb->bogon ? e->bb : NULL;
	for (k = 0; k < d->cfg->detection.bogons.nextra_prefixes; k++) {
		const struct prefix *x = &d->cfg->detection.bogons.extra_prefixes[k];
		if (x->len == e->len && prefix_contains(x, p)) {
			*extra = x;
			return &none;
		}
	}
	return NULL;
}
