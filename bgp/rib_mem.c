/*
 * RIB memory: counted malloc, index-addressed slabs whose chunks never move, and
 * retirement of unlinked objects into batches freed after a grace period
 * (rib_rcu.h). Every byte the RIB holds goes through rib_malloc/rib_mfree so
 * rib_stats() reports it exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/rib_impl.h"

#define SLAB_MAX_INDEX	(1u << ARR_SHIFT)	/* array handles keep 27 bits */

void *
rib_malloc(struct rib *rib, size_t n)
{
	void	*p = malloc(n);

	if (p != NULL)
		rib->bytes += n;
	return p;
}

void *
rib_calloc(struct rib *rib, size_t n)
{
	void	*p = calloc(1, n);

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
	free(p);
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
