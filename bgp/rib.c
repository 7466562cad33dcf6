/*
 * The RIB trie and its routes (see rib.h for the model, rib_impl.h for the
 * memory layout). Path-compressed binary trie, one per address family: a node
 * holds a prefix (key, length) and either no route (a glue node, always with two
 * children), one inline route, or a route array. The single writer never changes
 * a published node except its child links: a change of routes builds a new node
 * (copy-on-write) and publishes it with one release store into the parent's link,
 * then retires the old node for reclamation after a grace period. Readers load
 * links with acquire and so see every prefix before or after each change.
 * ADD-PATH: RFC 7911; RPKI state: RFC 6811.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/rib_impl.h"

#define LOAD(p)		atomic_load_explicit((p), memory_order_acquire)
#define LOADW(p)	atomic_load_explicit((p), memory_order_relaxed)	/* writer */
#define PUBLISH(p, v)	atomic_store_explicit((p), (v), memory_order_release)

static struct rib_trie *
trie_of(struct rib *rib, uint8_t af)
{
	if (af == PREFIX_AF_IPV4)
		return &rib->t[0];
	if (af == PREFIX_AF_IPV6)
		return &rib->t[1];
	return NULL;
}

/* Bytes of never-used and freed slots in the slab's chunks. */
static size_t
slab_free_bytes(const struct slab *s)
{
	return ((size_t)(s->nchunks - s->released) * SLAB_CHUNK - s->live) * s->size;
}

/*
 * A node's header by link; glue nodes have only KIDS() (the pointer is one past
 * their object), leaves have no KIDS().
 */
static inline struct rib_node *
node_at(struct rib_trie *t, uint32_t i)
{
	if (IS_GLUE(i))
		return (void *)((uint8_t *)slab_ptr(&t->glue, GLUE_INDEX(i)) + KIDS_SIZE);
	if (IS_LEAF(i))
		return slab_ptr(&t->leaves, LEAF_INDEX(i));
	return (void *)((uint8_t *)slab_ptr(&t->nodes, i) + KIDS_SIZE);
}

/* Child link b of node nd at link i (0 for leaves). */
static inline uint32_t
kid(uint32_t i, struct rib_node *nd, unsigned b)
{
	if (IS_LEAF(i))
		return 0;
	return atomic_load_explicit(&KIDS(nd)[b], memory_order_acquire);
}

/* Prefix length of node nd at link i (glue nodes: from the link). */
static inline unsigned
node_plen(uint32_t i, const struct rib_node *nd)
{
	return IS_GLUE(i) ? GLUE_PLEN(i) : nd->plen;
}

static inline unsigned
node_kind(uint32_t i, const struct rib_node *nd)
{
	return IS_GLUE(i) ? NODE_NONE : NODE_KIND(nd->flags);
}

/* The key of a glue node's subtree: that of its first prefix node. */
static const uint8_t *
node_key(struct rib_trie *t, uint32_t i)
{
	struct rib_node	*nd = node_at(t, i);

	while (IS_GLUE(i)) {
		i = atomic_load_explicit(&KIDS(nd)[0], memory_order_acquire);
		nd = node_at(t, i);
	}
	return nd->key;
}

/* The link that roots the trie holding prefixes like (a, plen). */
static inline _Atomic uint32_t *
root_slot(struct rib_trie *t, const uint8_t *a, unsigned plen)
{
	return plen < t->topbits ? &t->root : &t->top[top_of(t, a)];
}

/* Warms the cache for the trie rooted in top[k], a few slots ahead of a scan. */
static inline void
prefetch_slot(struct rib_trie *t, uint32_t k)
{
	uint32_t	 i;

	if (k < t->nslots && (i = atomic_load_explicit(&t->top[k],
	    memory_order_acquire)) != 0)
		__builtin_prefetch(node_at(t, i));
}

static inline unsigned
keybit(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Number of leading bits a and b share, at most max. */
static inline unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned	 i, x;

	for (i = 0; i * 8 < max; i++) {
		x = a[i] ^ b[i];
		if (x != 0) {
			x = i * 8 + (unsigned)__builtin_clz(x) - 24;
			return x < max ? x : max;
		}
	}
	return max;
}

static inline struct rib_rarr *
arr_ptr(struct rib *rib, uint32_t h)
{
	struct rib_rarr	**pp;

	if (ARR_CLASS(h) == ARR_BIG) {
		pp = slab_ptr(&rib->bigarr, ARR_INDEX(h));
		return *pp;
	}
	return slab_ptr(&rib->arr[ARR_CLASS(h)], ARR_INDEX(h));
}

/* Entry i of the array with handle h, in the 12-byte form. */
static inline void
arr_get(struct rib *rib, uint32_t h, const struct rib_rarr *a, uint32_t i,
    struct rib_rent *e)
{
	const struct rib_rent8 *e8;

	if (!ARR_IS8(ARR_CLASS(h))) {
		*e = a->e[i];
		return;
	}
	e8 = &((const struct rib_rarr8 *)(const void *)a)->e[i];
	e->attrs = e8->attrs;
	e->path_id = 0;
	e->src = e8->src;
	e->state = e8->state;
	e->pad = 0;
}

static inline uint32_t
node_nroutes(struct rib *rib, const struct rib_node *nd)
{
	switch (NODE_KIND(nd->flags)) {
	case NODE_INLINE:
		return 1;
	case NODE_ARRAY:
		return arr_ptr(rib, LOAD(&nd->r))->n;
	default:
		return 0;
	}
}

/* The node's routes into e (room for node_nroutes entries). */
static uint32_t
node_rents(struct rib *rib, const struct rib_node *nd, struct rib_rent *e)
{
	struct rib_rarr	*a;
	uint32_t	 h, i;

	switch (NODE_KIND(nd->flags)) {
	case NODE_INLINE:
		e->attrs = LOAD(&nd->r);
		e->path_id = 0;
		e->src = nd->src;
		e->state = NODE_STATE(nd->flags);
		e->pad = 0;
		return 1;
	case NODE_ARRAY:
		h = LOAD(&nd->r);
		a = arr_ptr(rib, h);
		for (i = 0; i < a->n; i++)
			arr_get(rib, h, a, i, &e[i]);
		return a->n;
	default:
		return 0;
	}
}

/* Writer scratch space for a node's routes plus one. */
static struct rib_rent *
scratch(struct rib *rib, uint32_t n)
{
	struct rib_rent	*s;
	uint32_t	 cap;

	if (n <= rib->scratch_cap)
		return rib->scratch;
	cap = n < 64 ? 64 : n * 2;
	if ((s = rib_malloc(rib, cap * sizeof(*s))) == NULL)
		return NULL;
	rib_mfree(rib, rib->scratch, rib->scratch_cap * sizeof(*s));
	rib->scratch = s;
	rib->scratch_cap = cap;
	return s;
}

/*
 * The next allocation from s pops its free list, which reads the head slot:
 * after churn the list is in release order, scattered over the slab, and each
 * pop would wait for a cache miss. Fetching the head now overlaps that miss
 * with the work until the next allocation (a sweep allocates one per node).
 */
static inline void
warm_free(struct slab *s)
{
	if (s->free != 0)
		__builtin_prefetch(slab_ptr(s, s->free), 1);
}

/* A new route array holding e[0..n-1]; returns its handle or 0. */
static uint32_t
arr_new(struct rib *rib, const struct rib_rent *e, uint32_t n)
{
	struct rib_rarr	*a, **pp;
	struct rib_rarr8 *a8;
	uint32_t	 i, c;

	for (i = 0; i < n && n <= ARR8_MAX && e[i].path_id == 0; i++)
		;
	if (n <= ARR8_MAX && i == n) {
		c = ARR_SLABS + n;
		if ((i = slab_alloc(rib, &rib->arr[c])) == 0)
			return 0;
		a8 = slab_ptr(&rib->arr[c], i);
		a8->n = n;
		for (n = 0; n < a8->n; n++) {
			a8->e[n].attrs = e[n].attrs;
			a8->e[n].src = e[n].src;
			a8->e[n].state = e[n].state;
			a8->e[n].pad = 0;
		}
		rib->arrays++;
		warm_free(&rib->arr[c]);
		return ARR_HANDLE(c, i);
	}
	if (n <= ARR_SLABS) {
		c = n;
		if ((i = slab_alloc(rib, &rib->arr[c])) == 0)
			return 0;
		a = slab_ptr(&rib->arr[c], i);
		warm_free(&rib->arr[c]);
	} else {
		c = ARR_BIG;
		if ((a = rib_malloc(rib, sizeof(*a) + n * sizeof(*e))) == NULL)
			return 0;
		if ((i = slab_alloc(rib, &rib->bigarr)) == 0) {
			rib_mfree(rib, a, sizeof(*a) + n * sizeof(*e));
			return 0;
		}
		pp = slab_ptr(&rib->bigarr, i);
		*pp = a;
	}
	a->n = n;
	memcpy(a->e, e, n * sizeof(*e));
	rib->arrays++;
	return ARR_HANDLE(c, i);
}

static uint32_t
glue_build(struct rib *rib, struct rib_trie *t, unsigned plen, uint32_t c0, uint32_t c1)
{
	struct rib_node	*nd;
	uint32_t	 i;

	if ((i = slab_alloc(rib, &t->glue)) == 0)
		return 0;
	i = GLUE_LINK(i, plen);
	nd = node_at(t, i);
	atomic_store_explicit(&KIDS(nd)[0], c0, memory_order_relaxed);
	atomic_store_explicit(&KIDS(nd)[1], c1, memory_order_relaxed);
	return i;
}

/* An unpublished prefix node: a leaf without children, else an inner node. */
static uint32_t
node_alloc(struct rib *rib, struct rib_trie *t, uint32_t c0, uint32_t c1)
{
	struct rib_node	*nd;
	uint32_t	 i;

	if (c0 == 0 && c1 == 0) {
		if ((i = slab_alloc(rib, &t->leaves)) == 0)
			return 0;
		return i | LEAF_BIT;
	}
	if ((i = slab_alloc(rib, &t->nodes)) == 0)
		return 0;
	nd = node_at(t, i);
	atomic_store_explicit(&KIDS(nd)[0], c0, memory_order_relaxed);
	atomic_store_explicit(&KIDS(nd)[1], c1, memory_order_relaxed);
	return i;
}

/*
 * A copy of prefix node ci with children c0, c1 and the same route set, which
 * moves to the copy: retire ci with node_retire_moved().
 */
static uint32_t
node_move(struct rib *rib, struct rib_trie *t, uint32_t ci, uint32_t c0, uint32_t c1)
{
	struct rib_node	*nd = node_at(t, ci), *nn;
	uint32_t	 ni;

	if ((ni = node_alloc(rib, t, c0, c1)) == 0)
		return 0;
	nn = node_at(t, ni);
	nn->plen = nd->plen;
	nn->flags = nd->flags;
	nn->src = nd->src;
	atomic_store_explicit(&nn->r, LOADW(&nd->r), memory_order_relaxed);
	memcpy(nn->key, nd->key, t->klen);
	return ni;
}

/* A prefix node whose route set moved to a copy. */
static void
node_retire_moved(struct rib *rib, struct rib_trie *t, uint32_t ci)
{
	int	 v4 = t == &rib->t[0];

	if (IS_LEAF(ci))
		rib_retire(rib, v4 ? RETIRE_LEAF4 : RETIRE_LEAF6, ci, NULL);
	else
		rib_retire(rib, v4 ? RETIRE_NODE4 : RETIRE_NODE6, ci, NULL);
}

/*
 * Builds an unpublished node (a glue node if n is 0); returns its link or 0 when
 * out of memory.
 */
static uint32_t
node_build(struct rib *rib, struct rib_trie *t, const uint8_t *key, unsigned plen,
    uint32_t c0, uint32_t c1, const struct rib_rent *e, uint32_t n)
{
	struct rib_node	*nd;
	uint32_t	 i, h = 0;

	if (n == 0)
		return glue_build(rib, t, plen, c0, c1);
	if (n > 1 || (n == 1 && e->path_id != 0))
		if ((h = arr_new(rib, e, n)) == 0)
			return 0;
	if ((i = node_alloc(rib, t, c0, c1)) == 0) {
		if (h != 0)
			rib_retire(rib, RETIRE_ARRAY, h, NULL);
		return 0;
	}
	nd = node_at(t, i);
	nd->plen = (uint8_t)plen;
	memset(nd->key, 0, t->klen);
	memcpy(nd->key, key, (plen + 7) / 8);
	if (plen % 8)
		nd->key[plen / 8] &= (uint8_t)(0xff << (8 - plen % 8));
	if (h == 0) {
		nd->flags = (uint8_t)(NODE_INLINE | (e->state << 4));
		atomic_store_explicit(&nd->r, e->attrs, memory_order_relaxed);
		nd->src = e->src;
	} else {
		nd->flags = NODE_ARRAY;
		atomic_store_explicit(&nd->r, h, memory_order_relaxed);
		nd->src = 0;
	}
	return i;
}

/* A node with the same prefix (key) and children as nd but routes e[0..n-1]. */
static uint32_t
node_copy(struct rib *rib, struct rib_trie *t, uint32_t ci, const uint8_t *key,
    const struct rib_rent *e, uint32_t n)
{
	struct rib_node	*nd = node_at(t, ci);

	return node_build(rib, t, key, node_plen(ci, nd), kid(ci, nd, 0),
	    kid(ci, nd, 1), e, n);
}

/* Unlinked: the node and its route array go after a grace period. */
static void
node_retire(struct rib *rib, struct rib_trie *t, uint32_t i)
{
	struct rib_node	*nd = node_at(t, i);
	int		 v4 = t == &rib->t[0];

	if (IS_GLUE(i)) {
		rib_retire(rib, v4 ? RETIRE_GLUE4 : RETIRE_GLUE6, i, NULL);
		return;
	}
	if (NODE_KIND(nd->flags) == NODE_ARRAY)
		rib_retire(rib, RETIRE_ARRAY, LOADW(&nd->r), NULL);
	node_retire_moved(rib, t, i);
}

static int
source_ok(const struct rib *rib, uint16_t src)
{
	return src != 0 && src < rib->nsrc && rib->src[src] != NULL;
}

static int
prefix_ok(struct rib *rib, const struct prefix *p)
{
	return p != NULL && trie_of(rib, p->af) != NULL && p->len <= prefix_maxlen(p->af);
}

/* Position of (src, path_id) in e[0..n-1] (sorted), or where it would go. */
static uint32_t
rent_find(const struct rib_rent *e, uint32_t n, uint16_t src, uint32_t pid, int *found)
{
	uint32_t	 i;

	*found = 0;
	for (i = 0; i < n; i++) {
		if (e[i].src > src || (e[i].src == src && e[i].path_id > pid))
			break;
		if (e[i].src == src && e[i].path_id == pid) {
			*found = 1;
			break;
		}
	}
	return i;
}

/* Replaces the node at *slot by a copy with routes e[0..n-1]. */
/*
 * An ARRAY node that stays one only gets a new array (published in place);
 * returns 0, or -1 if the node has to be rebuilt (or out of memory: *err).
 */
static int
array_swap(struct rib *rib, uint32_t ci, struct rib_node *nd, const struct rib_rent *e,
    uint32_t n, int *err)
{
	uint32_t	 h, old;

	*err = 0;
	if (IS_GLUE(ci) || NODE_KIND(nd->flags) != NODE_ARRAY || n == 0 ||
	    (n == 1 && e->path_id == 0))
		return -1;
	if ((h = arr_new(rib, e, n)) == 0) {
		*err = 1;
		return -1;
	}
	old = LOADW(&nd->r);
	PUBLISH(&nd->r, h);
	rib_retire(rib, RETIRE_ARRAY, old, NULL);
	return 0;
}

static int
node_replace(struct rib *rib, struct rib_trie *t, _Atomic uint32_t *slot,
    uint32_t ci, const uint8_t *key, const struct rib_rent *e, uint32_t n)
{
	uint32_t	 ni;
	int		 err;

	if (array_swap(rib, ci, node_at(t, ci), e, n, &err) == 0)
		return 0;
	if (err)
		return -1;

	if ((ni = node_copy(rib, t, ci, key, e, n)) == 0)
		return -1;
	PUBLISH(slot, ni);
	node_retire(rib, t, ci);
	return 0;
}

/* The route goes into an existing node ci (a prefix node or a glue node). */
static enum rib_result
node_set_route(struct rib *rib, struct rib_trie *t, _Atomic uint32_t *slot,
    uint32_t ci, const struct prefix *p, const struct rib_rent *r)
{
	struct rib_node	*nd = node_at(t, ci);
	struct rib_rent	*e;
	uint32_t	 n = IS_GLUE(ci) ? 0 : node_nroutes(rib, nd), pos, old = 0;
	int		 found;

	if ((e = scratch(rib, n + 1)) == NULL)
		return RIB_ERR;
	if (n > 0)
		node_rents(rib, nd, e);
	pos = rent_find(e, n, r->src, r->path_id, &found);
	if (found) {
		if (e[pos].attrs == r->attrs && e[pos].state == r->state)
			return RIB_UNCHANGED;
		old = e[pos].attrs;
	} else {
		memmove(&e[pos + 1], &e[pos], (n - pos) * sizeof(*e));
		n++;
	}
	e[pos] = *r;
	if (found && !IS_GLUE(ci) && NODE_KIND(nd->flags) == NODE_INLINE &&
	    NODE_STATE(nd->flags) == r->state)
		/* Only the attrs id changes: one atomic store, nothing to tear. */
		PUBLISH(&nd->r, r->attrs);
	else if (node_replace(rib, t, slot, ci, p->addr, e, n) == -1)
		return RIB_ERR;
	attrs_hold(rib, r->attrs);
	if (found)
		rib_attrs_drop(rib, old);
	else {
		if (n == 1)
			t->prefixes++;
		rib->routes++;
		rib->src[r->src]->st.routes++;
	}
	return RIB_OK;
}

/* Links a new node for r's prefix below *slot, above or beside node ci. */
static enum rib_result
node_insert(struct rib *rib, struct rib_trie *t, _Atomic uint32_t *slot,
    uint32_t ci, const struct prefix *p, const struct rib_rent *r, unsigned cb,
    const uint8_t *ckey)
{
	uint32_t	 ni, gi;
	unsigned	 b;

	if (ci == 0)
		ni = node_build(rib, t, p->addr, p->len, 0, 0, r, 1);
	else if (cb == p->len) {
		/* p is a less specific of node ci (whose key starts like ckey). */
		b = keybit(ckey, p->len);
		ni = node_build(rib, t, p->addr, p->len, b ? 0 : ci, b ? ci : 0, r, 1);
	} else {
		/* They diverge at bit cb: a glue node joins them. */
		if ((gi = node_build(rib, t, p->addr, p->len, 0, 0, r, 1)) == 0)
			return RIB_ERR;
		b = keybit(p->addr, cb);
		ni = node_build(rib, t, p->addr, cb, b ? ci : gi, b ? gi : ci, NULL, 0);
		if (ni == 0) {
			node_retire(rib, t, gi);
			return RIB_ERR;
		}
	}
	if (ni == 0)
		return RIB_ERR;
	PUBLISH(slot, ni);
	attrs_hold(rib, r->attrs);
	t->prefixes++;
	rib->routes++;
	rib->src[r->src]->st.routes++;
	return RIB_OK;
}

/* r's prefix goes below leaf ci: the leaf moves into an inner node. */
static enum rib_result
leaf_grow(struct rib *rib, struct rib_trie *t, _Atomic uint32_t *slot, uint32_t ci,
    const struct prefix *p, const struct rib_rent *r)
{
	unsigned	 b = keybit(p->addr, node_at(t, ci)->plen);
	uint32_t	 ni, nn;

	if ((ni = node_build(rib, t, p->addr, p->len, 0, 0, r, 1)) == 0)
		return RIB_ERR;
	if ((nn = node_move(rib, t, ci, b ? 0 : ni, b ? ni : 0)) == 0) {
		node_retire(rib, t, ni);
		return RIB_ERR;
	}
	PUBLISH(slot, nn);
	node_retire_moved(rib, t, ci);
	attrs_hold(rib, r->attrs);
	t->prefixes++;
	rib->routes++;
	rib->src[r->src]->st.routes++;
	return RIB_OK;
}

enum rib_result
rib_route_update(struct rib *rib, uint16_t source, uint32_t path_id,
    const struct prefix *p, struct rib_attrs *attrs, uint8_t state)
{
	struct rib_trie	*t;
	struct rib_node	*nd;
	_Atomic uint32_t *slot;
	struct rib_rent	 r;
	enum rib_result	 rc = RIB_ERR;
	const uint8_t	*key;
	uint32_t	 ci, n;
	unsigned	 cb;

	if (!prefix_ok(rib, p) || !source_ok(rib, source) || attrs == NULL || attrs->dead)
		return RIB_ERR;
	t = trie_of(rib, p->af);
	r.attrs = attrs->id;
	r.path_id = path_id;
	r.src = source;
	r.state = state & 15;
	r.pad = 0;
	/* Where p diverges from the trie: compare with a prefix node on its path. */
	key = p->addr;
	cb = p->len;
	if ((ci = LOADW(root_slot(t, p->addr, p->len))) != 0) {
		for (nd = node_at(t, ci); node_plen(ci, nd) < p->len; nd = node_at(t, ci)) {
			n = kid(ci, nd, keybit(p->addr, node_plen(ci, nd)));
			if (n == 0)
				break;
			ci = n;
		}
		key = node_key(t, ci);
		cb = common_bits(key, p->addr, p->len);
	}
	for (slot = root_slot(t, p->addr, p->len);;) {
		ci = LOADW(slot);
		nd = ci != 0 ? node_at(t, ci) : NULL;
		if (ci == 0 || node_plen(ci, nd) > cb) {
			rc = node_insert(rib, t, slot, ci, p, &r, cb, key);
			break;
		}
		if (node_plen(ci, nd) == p->len) {
			rc = node_set_route(rib, t, slot, ci, p, &r);
			break;
		}
		if (IS_LEAF(ci)) {
			rc = leaf_grow(rib, t, slot, ci, p, &r);
			break;
		}
		slot = &KIDS(nd)[keybit(p->addr, node_plen(ci, nd))];
	}
	if (rc == RIB_OK)
		rib->src[source]->st.updates++;
	return rc;
}

/*
 * The node ci at *slot lost its last route. Glue nodes keep two children, so a
 * node with one child is bypassed and a leaf goes away, possibly with its parent
 * glue node (pi at *pslot), which is left with one child.
 */
static int
node_remove(struct rib *rib, struct rib_trie *t, _Atomic uint32_t *slot, uint32_t ci,
    _Atomic uint32_t *pslot, uint32_t pi)
{
	struct rib_node	*nd = node_at(t, ci), *pn;
	uint32_t	 c0 = kid(ci, nd, 0), c1 = kid(ci, nd, 1), gi;

	if (c0 != 0 && c1 != 0) {
		if ((gi = glue_build(rib, t, nd->plen, c0, c1)) == 0)
			return -1;
		PUBLISH(slot, gi);
	} else if (c0 != 0 || c1 != 0)
		PUBLISH(slot, c0 | c1);
	else {
		PUBLISH(slot, 0);
		if (pi != 0 && node_kind(pi, (pn = node_at(t, pi))) == NODE_NONE) {
			PUBLISH(pslot, LOADW(&KIDS(pn)[0]) | LOADW(&KIDS(pn)[1]));
			node_retire(rib, t, pi);
		}
	}
	node_retire(rib, t, ci);
	t->prefixes--;
	return 0;
}

/* Exact node of p for the writer, with its link and its parent's. */
static uint32_t
find_exact(struct rib_trie *t, const struct prefix *p, _Atomic uint32_t **slotp,
    _Atomic uint32_t **pslotp, uint32_t *pip)
{
	_Atomic uint32_t *slot = root_slot(t, p->addr, p->len), *pslot = NULL;
	struct rib_node	*nd;
	uint32_t	 ci, pi = 0;
	unsigned	 pl;

	while ((ci = LOADW(slot)) != 0) {
		nd = node_at(t, ci);
		pl = node_plen(ci, nd);
		if (pl > p->len || (!IS_GLUE(ci) &&
		    common_bits(nd->key, p->addr, pl) < pl))
			return 0;
		if (pl == p->len) {
			if (IS_GLUE(ci))
				return 0;
			break;
		}
		if (IS_LEAF(ci))
			return 0;
		pslot = slot;
		pi = ci;
		slot = &KIDS(nd)[keybit(p->addr, pl)];
	}
	*slotp = slot;
	*pslotp = pslot;
	*pip = pi;
	return ci;
}

enum rib_result
rib_route_withdraw(struct rib *rib, uint16_t source, uint32_t path_id,
    const struct prefix *p)
{
	struct rib_trie	*t;
	_Atomic uint32_t *slot, *pslot;
	struct rib_rent	*e;
	uint32_t	 ci, pi, n, pos, old;
	int		 found, rc;

	if (!prefix_ok(rib, p) || !source_ok(rib, source))
		return RIB_ERR;
	t = trie_of(rib, p->af);
	if ((ci = find_exact(t, p, &slot, &pslot, &pi)) == 0)
		return RIB_UNCHANGED;
	n = node_nroutes(rib, node_at(t, ci));
	if ((e = scratch(rib, n)) == NULL)
		return RIB_ERR;
	node_rents(rib, node_at(t, ci), e);
	pos = rent_find(e, n, source, path_id, &found);
	if (!found)
		return RIB_UNCHANGED;
	old = e[pos].attrs;
	memmove(&e[pos], &e[pos + 1], (n - pos - 1) * sizeof(*e));
	if (n > 1)
		rc = node_replace(rib, t, slot, ci, p->addr, e, n - 1);
	else
		rc = node_remove(rib, t, slot, ci, pslot, pi);
	if (rc == -1)
		return RIB_ERR;
	rib_attrs_drop(rib, old);
	rib->routes--;
	rib->src[source]->st.routes--;
	rib->src[source]->st.withdraws++;
	return RIB_OK;
}

enum rib_result
rib_route_set_state(struct rib *rib, uint16_t source, uint32_t path_id,
    const struct prefix *p, uint8_t state)
{
	struct rib_trie	*t;
	_Atomic uint32_t *slot, *pslot;
	struct rib_rent	*e;
	uint32_t	 ci, pi, n, pos;
	int		 found;

	if (!prefix_ok(rib, p) || !source_ok(rib, source))
		return RIB_ERR;
	t = trie_of(rib, p->af);
	if ((ci = find_exact(t, p, &slot, &pslot, &pi)) == 0)
		return RIB_UNCHANGED;
	n = node_nroutes(rib, node_at(t, ci));
	if ((e = scratch(rib, n)) == NULL)
		return RIB_ERR;
	node_rents(rib, node_at(t, ci), e);
	pos = rent_find(e, n, source, path_id, &found);
	if (!found || e[pos].state == (state & 15))
		return RIB_UNCHANGED;
	e[pos].state = state & 15;
	return node_replace(rib, t, slot, ci, p->addr, e, n) == -1 ? RIB_ERR : RIB_OK;
}

/* --- withdraw-all: one post-order sweep that rebuilds what changes --------- */

struct sweep {
	struct rib	*rib;
	uint32_t	*drops;		/* per attrs id, or NULL: drop at once */
	struct rib_trie	*t;
	uint16_t	 src;
	uint32_t	 count;
};

static int
node_has_source(struct rib *rib, uint32_t ci, const struct rib_node *nd, uint16_t src)
{
	const struct rib_rarr *a;
	struct rib_rent	 e;
	uint32_t	 i, h;

	if (IS_GLUE(ci))
		return 0;
	if (NODE_KIND(nd->flags) == NODE_INLINE)
		return nd->src == src;
	if (NODE_KIND(nd->flags) != NODE_ARRAY)
		return 0;
	h = LOADW(&nd->r);
	a = arr_ptr(rib, h);
	for (i = 0; i < a->n; i++) {
		arr_get(rib, h, a, i, &e);
		if (e.src == src)
			return 1;
	}
	return 0;
}

/* Drops the source's routes from node ci (children c0, c1); returns its successor. */
static uint32_t
sweep_node(struct sweep *s, uint32_t ci, uint32_t c0, uint32_t c1)
{
	struct rib	*rib = s->rib;
	struct rib_node	*nd = node_at(s->t, ci);
	struct rib_rent	*e, *k;
	uint32_t	 n = node_nroutes(rib, nd), i, m = 0, ni = 0;
	int		 err;

	if ((e = scratch(rib, 2 * n)) == NULL)
		return ci;
	node_rents(rib, nd, e);
	k = e + n;	/* the routes that stay */
	for (i = 0; i < n; i++)
		if (e[i].src != s->src)
			k[m++] = e[i];
	if (array_swap(rib, ci, nd, k, m, &err) == 0)
		ni = ci;
	else if (err)
		return ci;
	else {
		if (m > 0 || (c0 != 0 && c1 != 0))
			if ((ni = node_build(rib, s->t, nd->key, nd->plen, c0, c1, k, m)) == 0)
				return ci;	/* out of memory: the routes stay */
		if (m == 0) {
			s->t->prefixes--;
			if (ni == 0)
				ni = c0 | c1;
		}
		node_retire(rib, s->t, ci);
	}
	for (i = 0; i < n; i++)
		if (e[i].src == s->src) {
			if (s->drops != NULL)
				s->drops[e[i].attrs]++;
			else
				rib_attrs_drop(rib, e[i].attrs);
			s->count++;
		}
	return ni;
}

static uint32_t
sweep(struct sweep *s, uint32_t ci)
{
	struct rib_node	*nd;
	uint32_t	 c0, c1, n0, n1;

	if (ci == 0)
		return 0;
	nd = node_at(s->t, ci);
	c0 = kid(ci, nd, 0);
	c1 = kid(ci, nd, 1);
	if (c1 != 0)
		__builtin_prefetch(node_at(s->t, c1));
	if ((n0 = sweep(s, c0)) != c0)
		PUBLISH(&KIDS(nd)[0], n0);
	if ((n1 = sweep(s, c1)) != c1)
		PUBLISH(&KIDS(nd)[1], n1);
	if (node_has_source(s->rib, ci, nd, s->src))
		return sweep_node(s, ci, n0, n1);
	if (IS_GLUE(ci) && (n0 == 0 || n1 == 0)) {
		node_retire(s->rib, s->t, ci);
		return n0 | n1;
	}
	return ci;
}

/* Both ends of a route array: a third of the small ones straddle two lines. */
static inline void
warm_array(struct rib *rib, uint32_t h)
{
	const uint8_t	*a = (const uint8_t *)arr_ptr(rib, h);

	__builtin_prefetch(a);
	if (ARR_CLASS(h) != ARR_BIG)
		__builtin_prefetch(a + rib->arr[ARR_CLASS(h)].size - 1);
}

/*
 * Warms the cache for the sweep of a subtree a few first-stride slots ahead:
 * its nodes and their route arrays. Arrays lie in allocation order (that of the
 * UPDATEs that made them), not in address order, so without this each node of
 * a source sharing its prefixes with others costs a dependent miss on its
 * array; touching them here lets those misses overlap. At most *budget nodes.
 */
static void
sweep_warm(struct rib *rib, struct rib_trie *t, uint32_t ci, unsigned *budget)
{
	struct rib_node	*nd;
	uint32_t	 c1;

	for (; ci != 0 && *budget > 0; ci = c1) {
		(*budget)--;
		nd = node_at(t, ci);
		if ((c1 = kid(ci, nd, 1)) != 0)
			__builtin_prefetch(node_at(t, c1));
		if (!IS_GLUE(ci) && NODE_KIND(nd->flags) == NODE_ARRAY)
			warm_array(rib, LOADW(&nd->r));
		sweep_warm(rib, t, kid(ci, nd, 0), budget);
	}
}

/*
 * Whole slots ahead, up to SWEEP_WARM nodes each: half of a full table's
 * prefixes sit in slots of more than 64 (up to ~750), so a few nodes per slot
 * left most arrays cold. Measured (medians, as loaded / compacted): 4 slots x
 * 96 nodes 72-101 / 62-101 ms, 2 x 2048 56 / 42-48 ms, 1 x 2048 55-59 / 42-53.
 */
#define SWEEP_AHEAD	2	/* first-stride slots */
#define SWEEP_WARM	2048	/* nodes per slot, so a huge slot cannot flush the cache */

uint32_t
rib_source_withdraw_all(struct rib *rib, uint16_t source)
{
	struct sweep	 s;
	_Atomic uint32_t *slot;
	uint32_t	 r, ni, id, k;
	unsigned	 a, budget;

	if (!source_ok(rib, source))
		return 0;
	s.rib = rib;
	s.src = source;
	s.count = 0;
	/*
	 * References are dropped per attribute set at the end: one visit per set
	 * instead of one cache miss per route (a full feed has ~7 routes per set).
	 */
	s.drops = calloc(rib->attrs.next, sizeof(*s.drops));
	/* The sweep retires a node before its parent's link moves past it. */
	rib_hold(rib);
	for (a = 0; a < 2; a++) {
		s.t = &rib->t[a];
		for (k = 0; k <= s.t->nslots; k++) {
			prefetch_slot(s.t, k + 8);
			/* Without route arrays (one source) there is nothing to warm. */
			if (rib->arrays > 0 && k + SWEEP_AHEAD < s.t->nslots) {
				budget = SWEEP_WARM;
				sweep_warm(rib, s.t, LOADW(&s.t->top[k + SWEEP_AHEAD]),
				    &budget);
			}
			slot = k < s.t->nslots ? &s.t->top[k] : &s.t->root;
			if ((r = LOADW(slot)) != 0 && (ni = sweep(&s, r)) != r)
				PUBLISH(slot, ni);
		}
	}
	if (s.drops != NULL) {
		for (id = 1; id < rib->attrs.next; id++)
			if (s.drops[id] != 0)
				rib_attrs_drop_n(rib, id, s.drops[id]);
		free(s.drops);
	}
	rib_unhold(rib);
	rib->routes -= s.count;
	rib->src[source]->st.routes -= s.count;
	rib->src[source]->st.withdraws += s.count;
	return s.count;
}

/* --- compaction: a copy of each trie in walk order ------------------------- */

static uint32_t
copy_sub(struct rib_trie *t, uint32_t ci)
{
	struct rib_node	*nd, *nn;
	uint32_t	 ni, c0, c1;

	if (ci == 0)
		return 0;
	nd = node_at(t, ci);
	c0 = kid(ci, nd, 0);
	c1 = kid(ci, nd, 1);
	if (IS_GLUE(ci)) {
		ni = GLUE_LINK(slab_alloc_seq(&t->glue), GLUE_PLEN(ci));
		nn = node_at(t, ni);
	} else {
		if (IS_LEAF(ci))
			ni = slab_alloc_seq(&t->leaves) | LEAF_BIT;
		else
			ni = slab_alloc_seq(&t->nodes);
		nn = node_at(t, ni);
		memcpy(nn->key, nd->key, t->klen);
		atomic_store_explicit(&nn->r, LOADW(&nd->r), memory_order_relaxed);
		nn->src = nd->src;
		nn->plen = nd->plen;
		nn->flags = nd->flags;
	}
	if (!IS_LEAF(ci)) {
		atomic_store_explicit(&KIDS(nn)[0], copy_sub(t, c0), memory_order_relaxed);
		atomic_store_explicit(&KIDS(nn)[1], copy_sub(t, c1), memory_order_relaxed);
	}
	return ni;
}

/* The old copy's nodes; their route arrays moved to the new copy. */
static void
retire_tree(struct rib *rib, struct rib_trie *t, uint32_t ci)
{
	struct rib_node	*nd;

	while (ci != 0) {
		nd = node_at(t, ci);
		retire_tree(rib, t, kid(ci, nd, 0));
		if (IS_GLUE(ci))
			rib_retire(rib, t == &rib->t[0] ? RETIRE_GLUE4 : RETIRE_GLUE6, ci,
			    NULL);
		else
			node_retire_moved(rib, t, ci);
		ci = kid(ci, nd, 1);
	}
}

int
rib_compact(struct rib *rib)
{
	struct rib_trie	*t;
	_Atomic uint32_t *slot;
	uint32_t	 old, k;
	unsigned	 a;

	for (a = 0; a < 2; a++) {
		t = &rib->t[a];
		if (t->nodes.live + t->leaves.live + t->glue.live == 0)
			continue;
		if (slab_reserve_seq(rib, &t->nodes, t->nodes.live) == -1 ||
		    slab_reserve_seq(rib, &t->leaves, t->leaves.live) == -1 ||
		    slab_reserve_seq(rib, &t->glue, t->glue.live) == -1)
			return -1;
		rib_hold(rib);
		for (k = 0; k <= t->nslots; k++) {
			slot = k == 0 ? &t->root : &t->top[k - 1];
			if ((old = LOADW(slot)) == 0)
				continue;
			PUBLISH(slot, copy_sub(t, old));
			retire_tree(rib, t, old);
		}
		rib_unhold(rib);
	}
	return 0;
}

/* --- lookups and walks: writer or registered readers ---------------------- */

struct walk {
	struct rib	*rib;
	struct rib_trie	*t;
	rib_walk_cb	 cb;
	void		*arg;
	int		 src;		/* only this source, or -1 */
	struct rib_route *buf;
	unsigned	 cap;
	int		 in_short;	/* walking the root trie: merge top[] in */
	uint32_t	 next;		/* next top[] slot to walk */
	struct rib_route stackbuf[16];
};

/* Copies node routes (of w->src only, if set) into out[0..max-1]; returns count. */
static unsigned
node_routes(struct rib *rib, const struct rib_node *nd, int src,
    struct rib_route *out, unsigned max)
{
	const struct rib_rarr *a;
	struct rib_rent	 e;
	unsigned	 i, n = 0;
	uint32_t	 h;

	if (NODE_KIND(nd->flags) == NODE_INLINE) {
		if (src >= 0 && nd->src != src)
			return 0;
		if (max > 0) {
			out->attrs = attrs_get(rib, LOAD(&nd->r));
			out->path_id = 0;
			out->source = nd->src;
			out->state = NODE_STATE(nd->flags);
		}
		return 1;
	}
	if (NODE_KIND(nd->flags) != NODE_ARRAY)
		return 0;
	h = LOAD(&nd->r);
	a = arr_ptr(rib, h);
	for (i = 0; i < a->n; i++) {
		arr_get(rib, h, a, i, &e);
		if (src >= 0 && e.src != src)
			continue;
		if (n < max) {
			out[n].attrs = attrs_get(rib, e.attrs);
			out[n].path_id = e.path_id;
			out[n].source = e.src;
			out[n].state = e.state;
		}
		n++;
	}
	return n;
}

static void
node_prefix(const struct rib_trie *t, const struct rib_node *nd, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->af = t->af;
	p->len = nd->plen;
	memcpy(p->addr, nd->key, t->klen);
}

static int
visit(struct walk *w, const struct rib_node *nd)
{
	struct rib_route *nb;
	struct prefix	 p;
	unsigned	 n;

	if ((n = node_routes(w->rib, nd, w->src, w->buf, w->cap)) == 0)
		return 0;
	if (n > w->cap) {
		if ((nb = malloc(n * sizeof(*nb))) == NULL)
			return -1;
		if (w->buf != w->stackbuf)
			free(w->buf);
		w->buf = nb;
		w->cap = n;
		n = node_routes(w->rib, nd, w->src, w->buf, w->cap);
		if (n > w->cap)
			n = w->cap;	/* cannot grow between two loads: node is immutable */
	}
	node_prefix(w->t, nd, &p);
	return w->cb(&p, w->buf, n, w->arg);
}

static int	walk_sub(struct walk *, uint32_t);

/*
 * While walking the root trie (prefixes shorter than topbits), the top[] tries
 * of slots below upto come first: a short prefix sorts before the longer ones
 * of its first slot and after those of lower slots.
 */
static int
flush(struct walk *w, uint32_t upto)
{
	uint32_t	 ci;
	int		 rc = 0;

	if (!w->in_short)
		return 0;
	w->in_short = 0;
	for (; w->next < upto && rc == 0; w->next++) {
		prefetch_slot(w->t, w->next + 8);
		if ((ci = LOAD(&w->t->top[w->next])) != 0)
			rc = walk_sub(w, ci);
	}
	w->in_short = 1;
	return rc;
}

/* Pre-order: a prefix before its more specifics, 0-branch before 1-branch. */
static int
walk_sub(struct walk *w, uint32_t ci)
{
	struct rib_node	*nd;
	uint32_t	 c1;
	int		 rc;

	while (ci != 0) {
		nd = node_at(w->t, ci);
		c1 = kid(ci, nd, 1);
		if (c1 != 0)
			__builtin_prefetch(node_at(w->t, c1));
		if (!IS_GLUE(ci) && (rc = flush(w, top_of(w->t, nd->key))) != 0)
			return rc;
		if (!IS_GLUE(ci) && NODE_KIND(nd->flags) != NODE_NONE &&
		    (rc = visit(w, nd)) != 0)
			return rc;
		if ((rc = walk_sub(w, kid(ci, nd, 0))) != 0)
			return rc;
		ci = c1;
	}
	return 0;
}

static void
walk_init(struct walk *w, struct rib *rib, rib_walk_cb cb, void *arg, int src)
{
	w->rib = rib;
	w->cb = cb;
	w->arg = arg;
	w->src = src;
	w->buf = w->stackbuf;
	w->cap = sizeof(w->stackbuf) / sizeof(w->stackbuf[0]);
	w->in_short = 0;
	w->next = 0;
}

/* Walks the root trie's subtree ci merged with top[] slots w->next..upto-1. */
static int
walk_merged(struct walk *w, uint32_t ci, uint32_t upto)
{
	int	 rc = 0;

	w->in_short = 1;
	if (ci != 0)
		rc = walk_sub(w, ci);
	if (rc == 0)
		rc = flush(w, upto);
	w->in_short = 0;
	return rc;
}

static void
walk_done(struct walk *w)
{
	if (w->buf != w->stackbuf)
		free(w->buf);
}

static int
walk_all(struct rib *rib, int src, rib_walk_cb cb, void *arg)
{
	struct walk	 w;
	int		 rc = 0;
	unsigned	 a;

	walk_init(&w, rib, cb, arg, src);
	for (a = 0; a < 2 && rc == 0; a++) {
		w.t = &rib->t[a];
		w.next = 0;
		rc = walk_merged(&w, LOAD(&w.t->root), w.t->nslots);
	}
	walk_done(&w);
	return rc;
}

int
rib_walk(struct rib *rib, rib_walk_cb cb, void *arg)
{
	return walk_all(rib, -1, cb, arg);
}

int
rib_source_walk(struct rib *rib, uint16_t source, rib_walk_cb cb, void *arg)
{
	return walk_all(rib, source, cb, arg);
}

int
rib_walk_more_specifics(struct rib *rib, const struct prefix *p, rib_walk_cb cb,
    void *arg)
{
	struct walk	 w;
	struct rib_node	*nd;
	uint32_t	 ci;
	unsigned	 pl;
	int		 rc = 0;

	if (!prefix_ok(rib, p))
		return -1;
	walk_init(&w, rib, cb, arg, -1);
	w.t = trie_of(rib, p->af);
	for (ci = LOAD(root_slot(w.t, p->addr, p->len)); ci != 0;
	    ci = kid(ci, nd, keybit(p->addr, pl))) {
		nd = node_at(w.t, ci);
		pl = node_plen(ci, nd);
		if (pl >= p->len) {
			if (common_bits(node_key(w.t, ci), p->addr, p->len) != p->len)
				ci = 0;
			break;
		}
		if (!IS_GLUE(ci) && common_bits(nd->key, p->addr, pl) < pl) {
			ci = 0;
			break;
		}
	}
	if (p->len >= w.t->topbits) {
		if (ci != 0)
			rc = walk_sub(&w, ci);
	} else {
		/* Slots of the first topbits bits inside p. */
		w.next = top_of(w.t, p->addr) & ~((1u << (w.t->topbits - p->len)) - 1);
		rc = walk_merged(&w, ci, w.next + (1u << (w.t->topbits - p->len)));
	}
	walk_done(&w);
	return rc;
}

/* Visits the prefixes of the trie at ci that contain p, shortest first. */
static int
less_sub(struct walk *w, uint32_t ci, const struct prefix *p)
{
	struct rib_node	*nd;
	unsigned	 pl;
	int		 rc = 0;

	for (; ci != 0; ci = kid(ci, nd, keybit(p->addr, pl))) {
		nd = node_at(w->t, ci);
		pl = node_plen(ci, nd);
		if (pl > p->len)
			break;
		if (!IS_GLUE(ci)) {
			if (common_bits(nd->key, p->addr, pl) < pl)
				break;
			if ((rc = visit(w, nd)) != 0)
				break;
		}
		if (pl == p->len)
			break;
	}
	return rc;
}

int
rib_walk_less_specifics(struct rib *rib, const struct prefix *p, rib_walk_cb cb,
    void *arg)
{
	struct walk	 w;
	int		 rc;

	if (!prefix_ok(rib, p))
		return -1;
	walk_init(&w, rib, cb, arg, -1);
	w.t = trie_of(rib, p->af);
	rc = less_sub(&w, LOAD(&w.t->root), p);
	if (rc == 0 && p->len >= w.t->topbits)
		rc = less_sub(&w, LOAD(root_slot(w.t, p->addr, p->len)), p);
	walk_done(&w);
	return rc;
}

/*
 * Link kinds by link >> 30 (inner prefix node, leaf, glue twice): the part of
 * the link that indexes the slab, and where the header is in the object. The
 * batch lookups pick them by table, not by branches: which kind comes next is
 * random, and a wrong guess throws away the work of the other descents.
 */
static const uint32_t kind_mask[4] = { ~LEAF_BIT, ~LEAF_BIT, GLUE_MAXIDX - 1,
    GLUE_MAXIDX - 1 };
static const uint8_t kind_off[4] = { KIDS_SIZE, 0, KIDS_SIZE, KIDS_SIZE };
static _Atomic uint32_t no_kids[2];

/* c ? a : b by masks: compilers turn the ?: of two addresses back into a branch. */
static inline const void *
pick(unsigned c, const void *a, const void *b)
{
	uintptr_t	 mk = (uintptr_t)0 - (uintptr_t)(c != 0);

	return (const void *)(((uintptr_t)a & mk) | ((uintptr_t)b & ~mk));
}

/* The object (not the header) link ci points at. */
static inline uint8_t *
link_obj(struct rib_trie *t, uint32_t ci)
{
	return slab_ptr(t->kslab[ci >> 30], ci & kind_mask[ci >> 30]);
}

/*
 * One node of an exact descent of p: the node at link ci, object o. Returns the
 * next link, or 0 when the descent ends there; *hit is then the node if it is p.
 * Every node below one shares its first plen bits, so the key is compared once,
 * at the end: a mismatch higher up shows in the last node's key too.
 */
static inline uint32_t
exact_next(uint32_t ci, uint8_t *o, const struct prefix *p, struct rib_node **hit)
{
	unsigned		 k = ci >> 30, pl;
	struct rib_node		*nd = (void *)(o + kind_off[k]);
	uint8_t			 gl = GLUE_PLEN(ci);
	_Atomic uint32_t	*kids;

	*hit = NULL;
	if ((pl = *(const uint8_t *)pick(k >= 2, &gl, &nd->plen)) >= p->len) {
		if (k < 2 && pl == p->len && common_bits(nd->key, p->addr, pl) == pl)
			*hit = nd;
		return 0;
	}
	kids = (_Atomic uint32_t *)(uintptr_t)pick(k == 1, no_kids, KIDS(nd));
	return LOAD(&kids[keybit(p->addr, pl)]);
}

/*
 * One lookup alone is a chain of dependent misses: here branches on the node
 * kind beat exact_next's tables, since a predicted branch lets the next load
 * start as soon as the link arrives (measured: the tables made it 30 % slower).
 */
int
rib_lookup_exact(struct rib *rib, const struct prefix *p, struct rib_route *out,
    unsigned max)
{
	struct rib_trie	*t;
	struct rib_node	*nd;
	uint32_t	 ci;
	unsigned	 pl;

	if (!prefix_ok(rib, p))
		return -1;
	t = trie_of(rib, p->af);
	ci = LOAD(root_slot(t, p->addr, p->len));
	while (ci != 0) {
		nd = node_at(t, ci);
		if (IS_GLUE(ci)) {
			if ((pl = GLUE_PLEN(ci)) >= p->len)
				return 0;
		} else if ((pl = nd->plen) >= p->len) {
			if (pl > p->len || common_bits(nd->key, p->addr, pl) < pl)
				return 0;
			return (int)node_routes(rib, nd, -1, out, max);
		} else if (IS_LEAF(ci))
			return 0;
		ci = LOAD(&KIDS(nd)[keybit(p->addr, pl)]);
	}
	return 0;
}

int
rib_lookup_exact_all(struct rib *rib, const struct prefix *p, struct rib_route **buf,
    unsigned *cap)
{
	struct rib_route	*nr;
	unsigned		 ncap;
	int			 n = rib_lookup_exact(rib, p, *buf, *cap);

	if (n <= (int)*cap)
		return n;
	ncap = (unsigned)n + (unsigned)n / 2;
	if ((nr = reallocarray(*buf, ncap, sizeof(*nr))) == NULL)
		return (int)*cap;
	*buf = nr;
	*cap = ncap;
	n = rib_lookup_exact(rib, p, nr, ncap);	/* a reader: more may have come */
	return n > (int)ncap ? (int)ncap : n;
}

/*
 * The longest prefix node in the trie at ci that contains p, or NULL. Unlike
 * the exact lookup this checks each prefix node's key on the way (already in
 * the cache line just loaded): a host address often leaves the stored keys
 * early, and stopping there saves the misses of a deeper, useless descent.
 */
static struct rib_node *
lpm_sub(struct rib_trie *t, uint32_t ci, const struct prefix *p)
{
	struct rib_node	*nd, *best = NULL;
	unsigned	 pl;

	while (ci != 0) {
		nd = node_at(t, ci);
		if (IS_GLUE(ci)) {
			if ((pl = GLUE_PLEN(ci)) >= p->len)
				break;
		} else {
			if ((pl = nd->plen) > p->len ||
			    common_bits(nd->key, p->addr, pl) < pl)
				break;
			best = nd;
			if (pl == p->len || IS_LEAF(ci))
				break;
		}
		ci = LOAD(&KIDS(nd)[keybit(p->addr, pl)]);
	}
	return best;
}

int
rib_lookup_lpm(struct rib *rib, const struct prefix *p, struct prefix *matched,
    struct rib_route *out, unsigned max)
{
	struct rib_trie	*t;
	struct rib_node	*best = NULL;

	if (!prefix_ok(rib, p))
		return -1;
	t = trie_of(rib, p->af);
	if (p->len >= t->topbits)
		best = lpm_sub(t, LOAD(root_slot(t, p->addr, p->len)), p);
	if (best == NULL)
		best = lpm_sub(t, LOAD(&t->root), p);
	if (best == NULL)
		return 0;
	if (matched != NULL)
		node_prefix(t, best, matched);
	return (int)node_routes(rib, best, -1, out, max);
}

/*
 * Many lookups at once. A random lookup is a chain of dependent cache misses
 * (first-stride slot, ~6 nodes, the route set); one lookup at a time, the CPU
 * cannot start the next chain before the current one ends, since where it ends
 * is a branch it cannot predict. Here MANY_WAYS descents are in flight: each
 * visit advances one of them by a node and prefetches that one's next node, so
 * the misses of different lookups overlap. A finished lookup's slot takes the
 * next query (whose first-stride slot was prefetched MANY_WAYS queries ago).
 */
#define MANY_WAYS	12	/* 8: 8.3, 12: 10.1-11.9, 16: 8.6, 24: 10.5 M/s in bench_rib */

enum { LK_FREE, LK_DESCEND, LK_ROUTES };

struct lk {
	struct rib_trie	*t;
	uint8_t		*o;		/* the object ci links to */
	struct rib_node	*best;		/* LPM: longest match so far; then the result */
	const struct prefix *p;		/* the query */
	size_t		 q;		/* its index */
	uint32_t	 ci;		/* link to visit next */
	uint8_t		 phase;		/* LK_* */
	uint8_t		 in_root;	/* LPM: now in the trie of short prefixes */
};

struct many {
	struct rib		*rib;
	const struct prefix	*q;
	size_t			 n, next;
	int			*count;
	struct prefix		*matched;
	struct rib_route	*out;
	unsigned		 max;
	int			 lpm;
};

/* Finds the object link ci points at and starts loading its line(s). */
static inline void
lk_prefetch(struct lk *l, uint32_t ci)
{
	l->ci = ci;
	l->o = link_obj(l->t, ci);
	__builtin_prefetch(l->o);
	__builtin_prefetch(l->o + l->t->kslab[ci >> 30]->size - 1);
}

static void
many_prefetch_root(struct many *m, size_t i)
{
	const struct prefix	*p = &m->q[i];
	struct rib_trie		*t;

	if (i < m->n && prefix_ok(m->rib, p)) {
		t = trie_of(m->rib, p->af);
		__builtin_prefetch(root_slot(t, p->addr, p->len));
	}
}

/* Ends lookup l: with nd (NULL: no routes) as its result, next visit copies. */
static void
lk_found(struct many *m, struct lk *l, struct rib_node *nd)
{
	l->best = nd;
	l->phase = LK_ROUTES;
	if (nd == NULL || m->max == 0)
		return;
	if (NODE_KIND(nd->flags) == NODE_INLINE)
		__builtin_prefetch(slab_ptr(&m->rib->attrs, LOAD(&nd->r)));
	else if (NODE_KIND(nd->flags) == NODE_ARRAY)
		__builtin_prefetch(arr_ptr(m->rib, LOAD(&nd->r)));
}

/* Gives slot l the next valid query, or frees it; 0 when no query is left. */
static int
lk_start(struct many *m, struct lk *l)
{
	const struct prefix	*p;

	for (; m->next < m->n; m->next++) {
		p = &m->q[m->next];
		many_prefetch_root(m, m->next + MANY_WAYS);
		if (!prefix_ok(m->rib, p)) {
			m->count[m->next] = -1;
			continue;
		}
		l->q = m->next++;
		l->p = p;
		l->t = trie_of(m->rib, p->af);
		l->best = NULL;
		l->in_root = !m->lpm ? 0 : p->len < l->t->topbits;
		l->ci = LOAD(root_slot(l->t, p->addr, p->len));
		l->phase = LK_DESCEND;
		if (l->ci == 0 && m->lpm && !l->in_root) {
			l->in_root = 1;
			l->ci = LOAD(&l->t->root);
		}
		if (l->ci == 0)
			lk_found(m, l, NULL);
		else
			lk_prefetch(l, l->ci);
		return 1;
	}
	l->phase = LK_FREE;
	return 0;
}

/* One node of an exact lookup's descent, as rib_lookup_exact. */
static void
lk_step_exact(struct many *m, struct lk *l)
{
	struct rib_node	*hit;
	uint32_t	 next = exact_next(l->ci, l->o, l->p, &hit);

	if (next == 0)
		lk_found(m, l, hit);
	else
		lk_prefetch(l, next);
}

/*
 * One node of a longest-match descent, as lpm_sub. Here branches measured
 * better than exact_next's tables (LPM batches 9.4 against 7.5 M/s): the key
 * compare at every prefix node outweighs the guesses.
 */
static void
lk_step_lpm(struct many *m, struct lk *l)
{
	const struct prefix	*p = l->p;
	unsigned		 k = l->ci >> 30, pl;
	struct rib_node		*nd = (void *)(l->o + kind_off[k]);
	uint32_t		 next;

	if (k >= 2) {
		if ((pl = GLUE_PLEN(l->ci)) >= p->len)
			goto stop;
	} else {
		if ((pl = nd->plen) > p->len || common_bits(nd->key, p->addr, pl) < pl)
			goto stop;
		l->best = nd;
		if (pl == p->len || k == 1)
			goto stop;
	}
	if ((next = LOAD(&KIDS(nd)[keybit(p->addr, pl)])) != 0) {
		lk_prefetch(l, next);
		return;
	}
stop:
	if (l->best == NULL && !l->in_root) {
		l->in_root = 1;		/* then the short prefixes' trie */
		if ((next = LOAD(&l->t->root)) != 0) {
			lk_prefetch(l, next);
			return;
		}
	}
	lk_found(m, l, l->best);
}

static void
lk_routes(struct many *m, struct lk *l)
{
	struct rib_route	*o = m->out != NULL ? &m->out[l->q * m->max] : NULL;

	if (l->best == NULL) {
		m->count[l->q] = 0;
		return;
	}
	if (m->matched != NULL)
		node_prefix(l->t, l->best, &m->matched[l->q]);
	m->count[l->q] = (int)node_routes(m->rib, l->best, -1, o, o ? m->max : 0);
}

static void
lookup_many(struct many *m)
{
	struct lk	 ways[MANY_WAYS];
	unsigned	 i, busy = 0;

	m->next = 0;
	for (i = 0; i < MANY_WAYS && i < m->n; i++)
		many_prefetch_root(m, i);
	for (i = 0; i < MANY_WAYS; i++)
		busy += (unsigned)lk_start(m, &ways[i]);
	while (busy > 0) {
		for (i = 0; i < MANY_WAYS; i++) {
			switch (ways[i].phase) {
			case LK_DESCEND:
				if (m->lpm)
					lk_step_lpm(m, &ways[i]);
				else
					lk_step_exact(m, &ways[i]);
				break;
			case LK_ROUTES:
				lk_routes(m, &ways[i]);
				if (!lk_start(m, &ways[i]))
					busy--;
				break;
			default:
				break;
			}
		}
	}
}

void
rib_lookup_exact_many(struct rib *rib, const struct prefix *q, size_t n, int *count,
    struct rib_route *out, unsigned max)
{
	struct many	m = { .rib = rib, .q = q, .n = n, .count = count, .out = out,
	    .max = out != NULL ? max : 0 };

	lookup_many(&m);
}

void
rib_lookup_lpm_many(struct rib *rib, const struct prefix *q, size_t n, int *count,
    struct prefix *matched, struct rib_route *out, unsigned max)
{
	struct many	m = { .rib = rib, .q = q, .n = n, .count = count,
	    .matched = matched, .out = out, .max = out != NULL ? max : 0, .lpm = 1 };

	lookup_many(&m);
}

/* --- readers -------------------------------------------------------------- */

struct rib_reader *
rib_reader_new(struct rib *rib)
{
	return rib_rcu_reader_new(rib->rcu);
}

void
rib_reader_free(struct rib_reader *r)
{
	rib_rcu_reader_free(r);
}

void
rib_read_lock(struct rib_reader *r)
{
	rib_rcu_read_lock(r);
}

void
rib_read_unlock(struct rib_reader *r)
{
	rib_rcu_read_unlock(r);
}

/* --- sources, counters, life cycle ----------------------------------------- */

int
rib_source_add(struct rib *rib, const char *descr)
{
	struct rib_source *s;
	uint32_t	 id, cap;
	size_t		 len;

	if (descr == NULL)
		descr = "";
	len = strlen(descr) + 1;

	for (id = 1; id < rib->nsrc && rib->src[id] != NULL; id++)
		;
	if (id > UINT16_MAX)
		return -1;
	if (id >= rib->nsrc) {
		cap = rib->nsrc ? rib->nsrc * 2 : 16;
		if (cap > UINT16_MAX + 1)
			cap = UINT16_MAX + 1;
		if (rib_regrow(rib, &rib->src, sizeof(*rib->src), &rib->nsrc, cap) == -1)
			return -1;
	}
	if ((s = rib_calloc(rib, sizeof(*s) + len)) == NULL)
		return -1;
	s->descr = (char *)(s + 1);
	memcpy(s->descr, descr, len);
	rib->src[id] = s;
	rib->sources++;
	return (int)id;
}

int
rib_source_remove(struct rib *rib, uint16_t source)
{
	struct rib_source *s;

	if (!source_ok(rib, source))
		return -1;
	rib_source_withdraw_all(rib, source);
	s = rib->src[source];
	rib_mfree(rib, s, sizeof(*s) + strlen(s->descr) + 1);
	rib->src[source] = NULL;
	rib->sources--;
	return 0;
}

const char *
rib_source_descr(const struct rib *rib, uint16_t source)
{
	return source_ok(rib, source) ? rib->src[source]->descr : NULL;
}

int
rib_source_stats(const struct rib *rib, uint16_t source, struct rib_source_stats *st)
{
	if (!source_ok(rib, source))
		return -1;
	*st = rib->src[source]->st;
	return 0;
}

void
rib_stats(const struct rib *rib, struct rib_stats *st)
{
	unsigned	 i;

	memset(st, 0, sizeof(*st));
	st->prefixes4 = rib->t[0].prefixes;
	st->prefixes6 = rib->t[1].prefixes;
	st->routes = rib->routes;
	st->nodes = rib->t[0].nodes.live + rib->t[1].nodes.live + rib->t[0].glue.live +
	    rib->t[1].glue.live + rib->t[0].leaves.live + rib->t[1].leaves.live;
	st->leaves = rib->t[0].leaves.live + rib->t[1].leaves.live;
	st->attrs = rib->attrs.live;
	st->arrays = rib->arrays;
	st->sources = rib->sources;
	st->pending = rib->pending;
	st->glue = rib->t[0].glue.live + rib->t[1].glue.live;
	st->bytes = rib->bytes;
	st->bytes_attrs = rib->attrs_bytes + (rib->ahash_mask + 1) * sizeof(uint32_t) +
	    rib->narefs * sizeof(*rib->arefs) +
	    (size_t)rib->narefc * SLAB_CHUNK * sizeof(uint32_t) +
	    ((size_t)(rib->attrs.nchunks - rib->attrs.released) * SLAB_CHUNK *
	    rib->attrs.size);
	for (i = 0; i < 2; i++)
		st->bytes_free += slab_free_bytes(&rib->t[i].nodes) +
		    slab_free_bytes(&rib->t[i].leaves) + slab_free_bytes(&rib->t[i].glue);
	for (i = 0; i <= ARR_SLABS; i++)
		st->bytes_free += slab_free_bytes(&rib->arr[i]);
	for (i = ARR_SLABS + 1; i < ARR_NCLASS; i++)
		st->bytes_free += slab_free_bytes(&rib->arr[i]);
	st->bytes_free += slab_free_bytes(&rib->bigarr) + slab_free_bytes(&rib->attrs);
}

struct rib *
rib_new(void)
{
	struct rib	*rib;
	unsigned	 i;

	/* Aligned: readers' and the writer's fields sit on separate cache lines. */
	if ((rib = aligned_alloc(RIB_LINE, (sizeof(*rib) + RIB_LINE - 1) &
	    ~(size_t)(RIB_LINE - 1))) == NULL)
		return NULL;
	memset(rib, 0, sizeof(*rib));
	rib->bytes = sizeof(*rib);
	for (i = 0; i < 2; i++) {
		atomic_init(&rib->t[i].root, 0);
		/*
		 * Zeroed by calloc (all-zero bits are a valid 0 for these lock-free 32-bit
		 * atomics): the stride tables (1 MB IPv4, 256 KB IPv6) cost memory only
		 * for the slots routes reach, as far as this kernel maps untouched
		 * pages lazily (issue 9, idle RSS).
		 */
		rib->t[i].topbits = i == 0 ? TOP_BITS4 : TOP_BITS6;
		rib->t[i].nslots = 1u << rib->t[i].topbits;
		if ((rib->t[i].top = rib_calloc(rib, rib->t[i].nslots *
		    sizeof(uint32_t))) == NULL) {
			rib_free(rib);
			return NULL;
		}
		rib->t[i].af = i == 0 ? PREFIX_AF_IPV4 : PREFIX_AF_IPV6;
		rib->t[i].klen = i == 0 ? 4 : 16;
		rib->t[i].kslab[0] = &rib->t[i].nodes;
		rib->t[i].kslab[1] = &rib->t[i].leaves;
		rib->t[i].kslab[2] = rib->t[i].kslab[3] = &rib->t[i].glue;
		slab_init(&rib->t[i].nodes, KIDS_SIZE + sizeof(struct rib_node) +
		    rib->t[i].klen);
		slab_init(&rib->t[i].leaves, sizeof(struct rib_node) + rib->t[i].klen);
		slab_init_max(&rib->t[i].glue, GLUE_SIZE, GLUE_MAXIDX);
	}
	for (i = 0; i <= ARR_SLABS; i++)
		slab_init(&rib->arr[i], sizeof(struct rib_rarr) + i * sizeof(struct rib_rent));
	for (i = 1; i <= ARR8_MAX; i++)
		slab_init(&rib->arr[ARR_SLABS + i], sizeof(struct rib_rarr8) +
		    i * sizeof(struct rib_rent8));
	slab_init(&rib->bigarr, sizeof(struct rib_rarr *));
	if ((rib->rcu = rib_rcu_new()) == NULL || rib_attrs_init(rib) == -1) {
		rib_free(rib);
		return NULL;
	}
	return rib;
}

/* Frees the large route arrays, which live outside the slabs. */
static void
free_big(struct rib *rib, struct rib_trie *t, uint32_t ci)
{
	struct rib_node	*nd;
	struct rib_rarr	*a;

	for (; ci != 0; ci = kid(ci, nd, 1)) {
		nd = node_at(t, ci);
		if (!IS_GLUE(ci) && NODE_KIND(nd->flags) == NODE_ARRAY &&
		    ARR_CLASS(LOADW(&nd->r)) == ARR_BIG) {
			a = arr_ptr(rib, LOADW(&nd->r));
			rib_mfree(rib, a, sizeof(*a) + a->n * sizeof(a->e[0]));
		}
		free_big(rib, t, kid(ci, nd, 0));
	}
}

void
rib_free(struct rib *rib)
{
	unsigned	 i;
	uint32_t	 s, k;

	if (rib == NULL)
		return;
	if (rib->rcu != NULL) {
		rib_reclaim_sync(rib);
		rib_rcu_free(rib->rcu);
	}
	for (i = 0; i < 2; i++) {
		free_big(rib, &rib->t[i], LOADW(&rib->t[i].root));
		for (k = 0; rib->t[i].top != NULL && k < rib->t[i].nslots; k++)
			free_big(rib, &rib->t[i], LOADW(&rib->t[i].top[k]));
		rib_mfree(rib, rib->t[i].top, rib->t[i].nslots * sizeof(uint32_t));
		slab_destroy(rib, &rib->t[i].nodes);
		slab_destroy(rib, &rib->t[i].leaves);
		slab_destroy(rib, &rib->t[i].glue);
	}
	for (i = 0; i <= ARR_SLABS; i++)
		slab_destroy(rib, &rib->arr[i]);
	for (i = ARR_SLABS + 1; i < ARR_NCLASS; i++)
		slab_destroy(rib, &rib->arr[i]);
	slab_destroy(rib, &rib->bigarr);
	rib_attrs_destroy(rib);
	for (s = 0; s < rib->nsrc; s++)
		if (rib->src[s] != NULL)
			rib_mfree(rib, rib->src[s], sizeof(struct rib_source) +
			    strlen(rib->src[s]->descr) + 1);
	rib_mfree(rib, rib->src, rib->nsrc * sizeof(*rib->src));
	rib_mfree(rib, rib->scratch, rib->scratch_cap * sizeof(*rib->scratch));
	free(rib);
}
