/*
 * RIB memory: counted allocation from a page pool, index-addressed slabs whose
 * chunks never move, and retirement of unlinked objects into batches freed after
 * a grace period (rib_rcu.h). Every byte the RIB holds goes through
 * rib_malloc/rib_mfree so rib_stats() reports it exactly.
 *
 * The pool: 2 MB-aligned mappings advised for transparent huge pages (all but the
 * first, which keeps an idle daemon small), carved by a bump pointer, with free
 * lists per size class (8-byte steps up to 2 KB: attribute sets, batches; whole
 * 4 KB pages up to 512 KB: slab chunks, tables); larger requests get a mapping of
 * their own. A full table is ~20 MB written once: in 4 KB
 * pages that is 5,000 page faults, 0.2 us each on bare metal but ~20 us in some
 * VMs, where they were a third of the ingest CPU; a huge page is one fault per
 * 2 MB and one TLB entry for the trie walks. Freed memory stays in the pool for
 * the next RIB object (as malloc keeps its heap). One pool per process (RIBs of
 * several threads share it): a mutex, taken once per object or slab chunk. A
 * huge page is resident as a whole, so rib_memory_trim() (the daemon calls it
 * every second while the RIB grows) returns the part of the current blocks not
 * used yet once growth stops.
 * Sanitizer builds and systems without mmap use malloc, so ASan still sees every
 * RIB object.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/rib_impl.h"

#define SLAB_MAX_INDEX	(1u << ARR_SHIFT)	/* array handles keep 27 bits */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define POOL_OFF	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define POOL_OFF	1
#endif
#endif

#ifndef POOL_OFF
#include <sys/mman.h>
#include <pthread.h>
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS	MAP_ANON
#endif

#define POOL_BLOCK	((size_t)2 << 20)
#define POOL_STEP	8
#define POOL_SMALL	2048
#define POOL_PAGE	((size_t)4096)
#define POOL_PAGES	128		/* 512 KB: larger ones are mapped alone */

struct pool_free {
	struct pool_free *next;
};

/*
 * A block is filled from both ends: small objects upwards from cur, page-sized
 * ones downwards from end (so both stay aligned). When a large request does not
 * fit, what is left of the block becomes the spare for small objects (no 2 MB
 * block is left half empty for good: with huge pages all of it is resident).
 */
struct pool_region {
	uint8_t		*cur, *end;
};

static struct {
	pthread_mutex_t	 mu;
	struct pool_region blk, spare;
	struct pool_free *small[POOL_SMALL / POOL_STEP + 1];
	struct pool_free *pages[POOL_PAGES + 1];
	unsigned	 nblocks;		/* blocks mapped so far */
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* A fresh 2 MB-aligned block (trimmed from a double-size mapping). */
static int
pool_block(struct pool_region *r)
{
	uint8_t		*m, *b;
	uintptr_t	 a;

	m = mmap(NULL, 2 * POOL_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (m == MAP_FAILED)
		return -1;
	a = ((uintptr_t)m + POOL_BLOCK - 1) & ~(uintptr_t)(POOL_BLOCK - 1);
	b = (uint8_t *)a;
	if (b > m)
		munmap(m, (size_t)(b - m));
	if (b + POOL_BLOCK < m + 2 * POOL_BLOCK)
		munmap(b + POOL_BLOCK, (size_t)(m + 2 * POOL_BLOCK - (b + POOL_BLOCK)));
#ifdef MADV_HUGEPAGE
	/* not the first block: an idle daemon's few hundred KB stay in small pages
	 * (a huge page would make all 2 MB of it resident at the first touch) */
	if (pool.nblocks > 0)
		(void)madvise(b, POOL_BLOCK, MADV_HUGEPAGE);
#endif
	pool.nblocks++;
	r->cur = b;
	r->end = b + POOL_BLOCK;
	return 0;
}

static size_t
room(const struct pool_region *r)
{
	return (size_t)(r->end - r->cur);
}

/* sz bytes, never used before: small ones from the bottom, pages from the top. */
static void *
pool_bump(size_t sz)
{
	void	*p;

	if (sz < POOL_PAGE) {
		if (room(&pool.blk) < sz && room(&pool.spare) >= sz) {
			p = pool.spare.cur;
			pool.spare.cur += sz;
			return p;
		}
		if (room(&pool.blk) < sz && pool_block(&pool.blk) == -1)
			return NULL;
		p = pool.blk.cur;
		pool.blk.cur += sz;
		return p;
	}
	if (room(&pool.blk) < sz) {
		if (room(&pool.blk) > room(&pool.spare))
			pool.spare = pool.blk;
		if (pool_block(&pool.blk) == -1)
			return NULL;
	}
	pool.blk.end -= sz;
	return pool.blk.end;
}

/* Where a size goes: a free list, or NULL for a mapping of its own; *sz rounded. */
static struct pool_free **
pool_list(size_t *sz)
{
	size_t n = *sz == 0 ? 1 : *sz;

	if (n <= POOL_SMALL) {
		*sz = (n + POOL_STEP - 1) & ~(size_t)(POOL_STEP - 1);
		return &pool.small[*sz / POOL_STEP];
	}
	*sz = (n + POOL_PAGE - 1) & ~(POOL_PAGE - 1);
	return *sz / POOL_PAGE <= POOL_PAGES ? &pool.pages[*sz / POOL_PAGE] : NULL;
}

static void *
pool_get(size_t n, int zero)
{
	struct pool_free	**l, *f;
	size_t			 sz = n;
	void			*p;

	if ((l = pool_list(&sz)) == NULL) {
		p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? NULL : p;	/* zero-filled */
	}
	pthread_mutex_lock(&pool.mu);
	if ((f = *l) != NULL) {
		*l = f->next;
		pthread_mutex_unlock(&pool.mu);
		if (zero)
			memset(f, 0, sz);
		return f;
	}
	p = pool_bump(sz);
	pthread_mutex_unlock(&pool.mu);
	return p;				/* never used: zero-filled */
}

static void
pool_put(void *p, size_t n)
{
	struct pool_free	**l, *f = p;
	size_t			 sz = n;

	if ((l = pool_list(&sz)) == NULL) {
		munmap(p, sz);
		return;
	}
	pthread_mutex_lock(&pool.mu);
	f->next = *l;
	*l = f;
	pthread_mutex_unlock(&pool.mu);
}

/* Give back the untouched middle of a region (whole pages). */
static void
pool_trim_region(const struct pool_region *r)
{
	uintptr_t	 a, b;

	a = ((uintptr_t)r->cur + POOL_PAGE - 1) & ~(uintptr_t)(POOL_PAGE - 1);
	b = (uintptr_t)r->end & ~(uintptr_t)(POOL_PAGE - 1);
	/* anonymous pages read back as zeros, as pool_bump() expects of them */
	if (b > a)
		(void)madvise((void *)a, (size_t)(b - a), MADV_DONTNEED);
}

int
rib_memory_trim(void)
{
	static struct pool_region seen_blk, seen_spare;
	static int	 trimmed = 1;
	int		 grew;

	pthread_mutex_lock(&pool.mu);
	grew = memcmp(&seen_blk, &pool.blk, sizeof(seen_blk)) != 0 ||
	    memcmp(&seen_spare, &pool.spare, sizeof(seen_spare)) != 0;
	seen_blk = pool.blk;
	seen_spare = pool.spare;
	if (grew)
		trimmed = 0;
	else if (!trimmed) {
		pool_trim_region(&pool.blk);
		pool_trim_region(&pool.spare);
		trimmed = 1;
	}
	pthread_mutex_unlock(&pool.mu);
	return grew;
}

#else	/* POOL_OFF */
int
rib_memory_trim(void)
{
	return 0;
}

static void *
pool_get(size_t n, int zero)
{
	return zero ? calloc(1, n) : malloc(n);
}

static void
pool_put(void *p, size_t n)
{
	(void)n;
	free(p);
}
#endif	/* POOL_OFF */

/* Every RIB byte is counted here, whichever backend (pool or malloc) holds it. */
void *
rib_malloc(struct rib *rib, size_t n)
{
	void	*p = pool_get(n, 0);

	if (p != NULL)
		rib->bytes += n;
	return p;
}

void *
rib_calloc(struct rib *rib, size_t n)
{
	void	*p = pool_get(n, 1);

	if (p != NULL)
		rib->bytes += n;
	return p;
}

void
rib_mfree(struct rib *rib, void *p, size_t n)
{
	if (p == NULL)
		return;
	rib->bytes -= n;
	pool_put(p, n);
}

int
rib_regrow(struct rib *rib, void *pp, size_t elem, uint32_t *cap, uint32_t ncap)
{
	void	*old, *n;

	if ((n = rib_calloc(rib, (size_t)ncap * elem)) == NULL)
		return -1;
	memcpy(&old, pp, sizeof(old));		/* pp may point to any pointer type */
	if (*cap > 0)
		memcpy(n, old, (size_t)*cap * elem);
	rib_mfree(rib, old, (size_t)*cap * elem);
	memcpy(pp, &n, sizeof(n));
	*cap = ncap;
	return 0;
}

void
slab_init_max(struct slab *s, uint32_t size, uint32_t maxidx)
{
	memset(s, 0, sizeof(*s));
	atomic_init(&s->dir, NULL);
	s->size = size;
	s->next = 1;
	s->maxidx = maxidx;
}

void
slab_init(struct slab *s, uint32_t size)
{
	slab_init_max(s, size, SLAB_MAX_INDEX);
}

/* Adds a chunk; a full directory is replaced and the old one retired. */
static int
slab_grow(struct rib *rib, struct slab *s)
{
	uint8_t	**d = atomic_load_explicit(&s->dir, memory_order_relaxed), **nd;
	uint8_t	 *c;
	uint32_t  cap;

	if (s->nchunks == s->dircap) {
		cap = s->dircap ? s->dircap * 2 : 4;
		if ((nd = rib_calloc(rib, cap * sizeof(*nd))) == NULL)
			return -1;
		if (s->nchunks > 0)
			memcpy(nd, d, s->nchunks * sizeof(*nd));
		atomic_store_explicit(&s->dir, nd, memory_order_release);
		if (d != NULL && rib_retire(rib, RETIRE_PTR,
		    s->dircap * sizeof(*d), d) == -1)
			rib->bytes -= s->dircap * sizeof(*d);	/* leaked, not held */
		s->dircap = cap;
		d = nd;
	}
	if ((c = rib_malloc(rib, (size_t)SLAB_CHUNK * s->size)) == NULL)
		return -1;
	d[s->nchunks++] = c;
	return 0;
}

/* Puts one released chunk back, all its slots on the free list. */
static int
refill(struct rib *rib, struct slab *s)
{
	uint8_t	**d = atomic_load_explicit(&s->dir, memory_order_relaxed);
	uint32_t  c, k, i;

	for (c = 0; c < s->nchunks && d[c] != NULL; c++)
		;
	if (c == s->nchunks)
		return -1;
	if ((d[c] = rib_malloc(rib, (size_t)SLAB_CHUNK * s->size)) == NULL)
		return -1;
	s->released--;
	for (k = SLAB_CHUNK; k > 0; k--) {
		i = c * SLAB_CHUNK + k - 1;
		memcpy(slab_ptr(s, i), &s->free, sizeof(s->free));
		s->free = i;
	}
	return 0;
}

/*
 * Gives back chunks whose slots are all free. Free slots went through a grace
 * period already, so no reader can be looking at them.
 */
void
slab_trim(struct rib *rib, struct slab *s)
{
	uint8_t	**d = atomic_load_explicit(&s->dir, memory_order_relaxed);
	uint32_t *nfree, i, c, *tail, top = s->next >> SLAB_SHIFT;

	if (s->free == 0 || (nfree = calloc(s->nchunks, sizeof(*nfree))) == NULL)
		return;
	for (i = s->free; i != 0; memcpy(&i, slab_ptr(s, i), sizeof(i)))
		nfree[i >> SLAB_SHIFT]++;
	tail = &s->free;
	for (i = s->free; i != 0; memcpy(&i, slab_ptr(s, i), sizeof(i))) {
		c = i >> SLAB_SHIFT;
		if (nfree[c] == SLAB_CHUNK && c < top)
			continue;
		*tail = i;
		tail = slab_ptr(s, i);
	}
	*tail = 0;
	for (c = 0; c < top; c++)
		if (nfree[c] == SLAB_CHUNK) {
			rib_mfree(rib, d[c], (size_t)SLAB_CHUNK * s->size);
			d[c] = NULL;
			s->released++;
		}
	free(nfree);
}

/*
 * Sequential allocation for compaction: n consecutive fresh indices from a new
 * chunk boundary at the top, so that a copied trie is laid out in walk order.
 */
int
slab_reserve_seq(struct rib *rib, struct slab *s, uint32_t n)
{
	uint32_t	 i;

	/* Unused slots of the last chunk go to the free list. */
	while ((s->next & (SLAB_CHUNK - 1)) != 0 && (s->next >> SLAB_SHIFT) < s->nchunks) {
		i = s->next++;
		memcpy(slab_ptr(s, i), &s->free, sizeof(s->free));
		s->free = i;
	}
	if ((uint64_t)s->next + n >= s->maxidx)
		return -1;
	while (((s->next + n + SLAB_CHUNK - 1) >> SLAB_SHIFT) > s->nchunks)
		if (slab_grow(rib, s) == -1)
			return -1;
	return 0;
}

uint32_t
slab_alloc_seq(struct slab *s)
{
	s->live++;
	return s->next++;
}

/* A fresh object index, or 0 when out of memory. */
uint32_t
slab_alloc(struct rib *rib, struct slab *s)
{
	uint32_t	 i;

	if (s->free == 0 && s->released > 0 && refill(rib, s) == -1)
		return 0;
	if (s->free != 0) {
		i = s->free;
		memcpy(&s->free, slab_ptr(s, i), sizeof(s->free));
		s->live++;
		return i;
	}
	if (s->next >= s->maxidx)
		return 0;
	if ((s->next >> SLAB_SHIFT) >= s->nchunks && slab_grow(rib, s) == -1)
		return 0;
	s->live++;
	return s->next++;
}

/* Back to the free list: only when no reader can reach it any more. */
void
slab_release(struct slab *s, uint32_t i)
{
	memcpy(slab_ptr(s, i), &s->free, sizeof(s->free));
	s->free = i;
	s->live--;
}

void
slab_destroy(struct rib *rib, struct slab *s)
{
	uint8_t	**d = atomic_load_explicit(&s->dir, memory_order_relaxed);
	uint32_t  i;

	if (d == NULL)
		return;
	for (i = 0; i < s->nchunks; i++)
		if (d[i] != NULL)
			rib_mfree(rib, d[i], (size_t)SLAB_CHUNK * s->size);
	rib_mfree(rib, d, s->dircap * sizeof(*d));
	atomic_store_explicit(&s->dir, NULL, memory_order_relaxed);
	s->nchunks = s->dircap = 0;
}

static void
free_array(struct rib *rib, uint32_t h)
{
	struct rib_rarr	**pp, *a;

	if (ARR_CLASS(h) == ARR_BIG) {
		pp = slab_ptr(&rib->bigarr, ARR_INDEX(h));
		a = *pp;
		rib_mfree(rib, a, sizeof(*a) + a->n * sizeof(a->e[0]));
		slab_release(&rib->bigarr, ARR_INDEX(h));
	} else
		slab_release(&rib->arr[ARR_CLASS(h)], ARR_INDEX(h));
	rib->arrays--;
}

static void
free_item(struct rib *rib, const struct rib_retired *it)
{
	switch (it->kind) {
	case RETIRE_NODE4:
		slab_release(&rib->t[0].nodes, it->idx);
		break;
	case RETIRE_NODE6:
		slab_release(&rib->t[1].nodes, it->idx);
		break;
	case RETIRE_GLUE4:
		slab_release(&rib->t[0].glue, GLUE_INDEX(it->idx));
		break;
	case RETIRE_GLUE6:
		slab_release(&rib->t[1].glue, GLUE_INDEX(it->idx));
		break;
	case RETIRE_LEAF4:
		slab_release(&rib->t[0].leaves, LEAF_INDEX(it->idx));
		break;
	case RETIRE_LEAF6:
		slab_release(&rib->t[1].leaves, LEAF_INDEX(it->idx));
		break;
	case RETIRE_ARRAY:
		free_array(rib, it->idx);
		break;
	case RETIRE_ATTRS:
		rib_attrs_reclaim(rib, it->idx);
		break;
	case RETIRE_PTR:
		rib_mfree(rib, it->ptr, it->idx);
		break;
	}
}

static size_t
batch_size(void)
{
	return sizeof(struct rib_batch) + RIB_BATCH * sizeof(struct rib_retired);
}

static void
reap(struct rib *rib)
{
	struct rib_batch *b, *next;
	uint32_t	 i;

	for (b = rib_rcu_reap(rib->rcu); b != NULL; b = next) {
		next = b->next;
		for (i = 0; i < b->n; i++)
			free_item(rib, &b->items[i]);
		rib->pending -= b->n;
		rib_mfree(rib, b, batch_size());
	}
}

static void
hand_over(struct rib *rib)
{
	if (rib->batch == NULL || rib->batch->n == 0)
		return;
	rib_rcu_defer(rib->rcu, rib->batch);
	rib->batch = NULL;
}

/* Unlinked objects wait in a batch; a full batch goes to the backend. */
int
rib_retire(struct rib *rib, uint32_t kind, uint32_t idx, void *ptr)
{
	struct rib_retired *it;

	if (rib->batch == NULL) {
		if ((rib->batch = rib_malloc(rib, batch_size())) == NULL)
			return -1;
		rib->batch->n = 0;
		rib->batch->next = NULL;
	}
	it = &rib->batch->items[rib->batch->n++];
	it->kind = kind;
	it->idx = idx;
	it->ptr = ptr;
	rib->pending++;
	if (rib->batch->n == RIB_BATCH) {
		if (rib->hold) {
			rib->batch->next = rib->held;
			rib->held = rib->batch;
			rib->batch = NULL;
			return 0;
		}
		hand_over(rib);
		reap(rib);
	}
	return 0;
}

void
rib_hold(struct rib *rib)
{
	rib->hold = 1;
}

void
rib_unhold(struct rib *rib)
{
	struct rib_batch *b;

	rib->hold = 0;
	while ((b = rib->held) != NULL) {
		rib->held = b->next;
		rib_rcu_defer(rib->rcu, b);
	}
	hand_over(rib);
	reap(rib);
}

void
rib_reclaim(struct rib *rib)
{
	hand_over(rib);
	reap(rib);
}

void
rib_reclaim_sync(struct rib *rib)
{
	unsigned	 i;

	hand_over(rib);
	rib_rcu_barrier(rib->rcu);
	reap(rib);
	for (i = 0; i < 2; i++) {
		slab_trim(rib, &rib->t[i].nodes);
		slab_trim(rib, &rib->t[i].leaves);
		slab_trim(rib, &rib->t[i].glue);
	}
	for (i = 1; i < ARR_NCLASS; i++)
		slab_trim(rib, &rib->arr[i]);
}
