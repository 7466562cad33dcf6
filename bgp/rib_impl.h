/*
 * RIB internals shared by rib.c (trie, routes, sources), rib_attrs.c (interning)
 * and rib_mem.c (slabs). Not for other modules: use bgp/rib.h.
 *
 * Memory layout, chosen for few bytes per route on a full table (measured: 20 B
 * prefix node + 10 B glue + 16 B attribute sets per route on a real IPv4 feed):
 * - trie nodes live in per-family slabs and link to each other by 32-bit indices
 *   (0 = none), so an IPv4 prefix node is 20 bytes (12 for a leaf, which has no
 *   child links) and 32-bit targets need no 64-bit atomics; a node is immutable
 *   once published except its two child links and, for array nodes, its array
 *   handle;
 * - glue nodes (branch points without a prefix) are 8 bytes (two links), in
 *   their own slab; links to them carry GLUE_BIT and the glue node's length;
 * - a prefix with a single route and path id 0 keeps it inline in the node;
 *   otherwise the node refers to a route array of exactly its size from per-size
 *   slabs, with 8-byte entries when no path id is set, else 12-byte entries;
 * - attribute sets are referred to by a 32-bit id resolved through an id table.
 * A slab is a directory of fixed chunks; chunks never move, the directory is
 * replaced (copy, publish, retire) when it grows, so readers can always index it.
 * Completely free chunks go back to malloc in rib_reclaim_sync(); rib_compact()
 * copies the tries into fresh chunks in walk order for cache locality.
 */
#ifndef IXW_RIB_IMPL_H
#define IXW_RIB_IMPL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/rib.h"
#include "bgp/rib_rcu.h"

#define SLAB_SHIFT	10
#define SLAB_CHUNK	(1u << SLAB_SHIFT)

/*
 * Readers load dir and size on every node access; the writer changes the
 * allocation fields on every insert and withdraw. Sharing one cache line made
 * each allocation invalidate the line in every walking reader's cache and come
 * back on the next access (the writer ran 20-40 % slower with one reader walking
 * in a loop), so each part has a line of its own.
 */
#define RIB_LINE	64

struct slab {
	_Alignas(RIB_LINE) _Atomic(uint8_t **) dir;
	uint32_t	 size;		/* object size */
	_Alignas(RIB_LINE) uint32_t dircap;	/* directory slots; writer only from here */
	uint32_t	 nchunks;
	uint32_t	 next;		/* next never used index (0 is reserved) */
	uint32_t	 free;		/* free list head, 0 = empty */
	uint32_t	 live;
	uint32_t	 released;	/* chunks given back (NULL in the directory) */
	uint32_t	 maxidx;	/* indices stay below this */
};

static inline void *
slab_ptr(struct slab *s, uint32_t i)
{
	uint8_t	**d = atomic_load_explicit(&s->dir, memory_order_acquire);

	return d[i >> SLAB_SHIFT] + (size_t)(i & (SLAB_CHUNK - 1)) * s->size;
}

/* Route set kinds in rib_node.flags bits 0-1; bits 4-7 hold the inline state. */
#define NODE_NONE	0
#define NODE_INLINE	1
#define NODE_ARRAY	2
#define NODE_KIND(f)	((f) & 3)
#define NODE_STATE(f)	((uint8_t)((f) >> 4))

/*
 * A prefix node's header. Three kinds of node, each in its own slab, told apart
 * by the link to them:
 * - inner prefix nodes: two child links (8 bytes), then the header; node_at()
 *   points at the header and KIDS() at the links just before it;
 * - leaves (LEAF_BIT in the link): prefix nodes without children, the header
 *   alone (12 bytes for IPv4): most prefixes of a full table are leaves;
 * - glue nodes (no route, always two children): only the two child links. A link
 *   to a glue node carries GLUE_BIT, the glue node's prefix length (< 128: 7
 *   bits) and its 24-bit slab index, so readers learn the length from the link
 *   they loaded. A glue node's key is that of any prefix node below it.
 * A leaf that gets a child is moved into an inner node (copy, publish, retire);
 * its route set moves along.
 */
struct rib_node {
	uint8_t		 plen;
	uint8_t		 flags;
	uint16_t	 src;		/* INLINE: source id */
	/*
	 * INLINE: attrs id; ARRAY: array handle, which the writer may replace in
	 * place (one release store) when the node stays an ARRAY node.
	 */
	_Atomic uint32_t r;
	uint8_t		 key[];		/* 4 or 16 bytes, network order */
};
#define GLUE_SIZE	8
#define GLUE_BIT	(1u << 31)
#define GLUE_SHIFT	24
#define GLUE_MAXIDX	(1u << GLUE_SHIFT)
#define IS_GLUE(i)	(((i) & GLUE_BIT) != 0)
#define GLUE_INDEX(i)	((i) & (GLUE_MAXIDX - 1))
#define GLUE_PLEN(i)	(((i) >> GLUE_SHIFT) & 127)
#define GLUE_LINK(idx, plen) (GLUE_BIT | ((uint32_t)(plen) << GLUE_SHIFT) | (idx))
#define LEAF_BIT	(1u << 30)
#define IS_LEAF(i)	(((i) & (GLUE_BIT | LEAF_BIT)) == LEAF_BIT)
#define LEAF_INDEX(i)	((i) & ~LEAF_BIT)
/* The child links of an inner prefix node or a glue node. */
#define KIDS(nd)	((_Atomic uint32_t *)(void *)(nd) - 2)
#define KIDS_SIZE	(2 * sizeof(uint32_t))

/* A route as stored in arrays (12 bytes). */
struct rib_rent {
	uint32_t	 attrs;
	uint32_t	 path_id;
	uint16_t	 src;
	uint8_t		 state;
	uint8_t		 pad;
};

struct rib_rarr {
	uint32_t	 n;
	struct rib_rent	 e[];
};

/* Without ADD-PATH every path id is 0: arrays of 8-byte entries then. */
struct rib_rent8 {
	uint32_t	 attrs;
	uint16_t	 src;
	uint8_t		 state;
	uint8_t		 pad;
};

struct rib_rarr8 {
	uint32_t	 n;
	struct rib_rent8 e[];
};

/*
 * Arrays of n <= ARR_SLABS routes come from slab n, or from slab ARR_SLABS + n
 * (n <= ARR8_MAX) when all path ids are 0 (8-byte entries); larger ones from malloc.
 */
#define ARR_SLABS	16
#define ARR8_MAX	14
#define ARR_NCLASS	(ARR_SLABS + ARR8_MAX + 1)
#define ARR_IS8(c)	((c) > ARR_SLABS && (c) < ARR_BIG)
#define ARR_BIG		31
#define ARR_SHIFT	27
#define ARR_HANDLE(c, i) (((uint32_t)(c) << ARR_SHIFT) | (i))
#define ARR_CLASS(h)	((h) >> ARR_SHIFT)
#define ARR_INDEX(h)	((h) & ((1u << ARR_SHIFT) - 1))

/* Immutable once interned (readers read it), but for dead; counts in rib->arefs. */
struct rib_attrs {
	uint32_t	 hash;
	uint32_t	 id;
	uint32_t	 origin_as;
	uint16_t	 len;
	uint8_t		 path_len;
	uint8_t		 dead;
	uint8_t		 blob[];
};

enum retire_kind {
	RETIRE_NODE4,
	RETIRE_NODE6,
	RETIRE_ARRAY,
	RETIRE_ATTRS,
	RETIRE_PTR,
	RETIRE_GLUE4,
	RETIRE_GLUE6,
	RETIRE_LEAF4,
	RETIRE_LEAF6,
};

/*
 * Direct-indexed first stride: prefixes of length >= topbits hang in one small
 * trie per value of their first topbits bits, rooted in top[] (allocated with
 * the RIB, never moved); shorter prefixes are in the trie at root. Lookups thus
 * skip the first topbits levels. Walks merge the two in address order.
 * IPv4 takes 18 bits (a 1 MB table, ~1.4 B per route of a full feed): a random
 * lookup then visits 5.7 trie nodes instead of 7.0 with 16 bits, and batch
 * lookups ran 2-32 % faster in 4 of 5 alternating runs. IPv6, whose first 16
 * bits take few values, keeps 16.
 */
#define TOP_BITS4	18
#define TOP_BITS6	16

/* Read-mostly fields first, the writer's counter on a line of its own (struct slab). */
struct rib_trie {
	_Alignas(RIB_LINE) _Atomic uint32_t root; /* prefixes shorter than topbits */
	_Atomic uint32_t *top;		/* nslots roots */
	uint32_t	 nslots;	/* 1 << topbits */
	uint8_t		 topbits;
	uint8_t		 af;
	uint8_t		 klen;
	struct slab	*kslab[4];	/* by link >> 30: nodes, leaves, glue, glue */
	struct slab	 nodes;		/* inner prefix nodes */
	struct slab	 leaves;	/* prefix nodes without children */
	struct slab	 glue;
	_Alignas(RIB_LINE) uint32_t prefixes;
};

/* The top[] slot of address a (its first topbits bits; topbits <= 24). */
static inline uint32_t
top_of(const struct rib_trie *t, const uint8_t *a)
{
	return ((uint32_t)a[0] << 16 | (uint32_t)a[1] << 8 | a[2]) >> (24 - t->topbits);
}

struct rib_source {
	char		*descr;
	struct rib_source_stats st;
};

#define RIB_BATCH	2048

struct rib {
	struct rib_trie	 t[2];
	struct slab	 arr[ARR_NCLASS];
	struct slab	 bigarr;	/* pointers to large arrays */
	struct slab	 attrs;		/* attrs id -> pointer */
	/*
	 * Reference counts by attrs id, in chunks of SLAB_CHUNK (writer only). Kept
	 * in the sets, every route change wrote a line that walking readers read.
	 */
	uint32_t	**arefs;
	uint32_t	 narefs;	/* chunk slots in arefs */
	uint32_t	 narefc;	/* of which allocated */
	uint32_t	*ahash;
	uint32_t	 ahash_mask;
	uint32_t	 nattrs;
	size_t		 attrs_bytes;	/* attribute set objects */
	struct rib_source **src;
	uint32_t	 nsrc;		/* slots in src */
	uint32_t	 sources;
	uint32_t	 routes;
	uint32_t	 arrays;
	uint32_t	 pending;
	struct rib_rent	*scratch;
	uint32_t	 scratch_cap;
	struct rib_rcu	*rcu;
	struct rib_batch *batch;
	struct rib_batch *held;		/* full batches kept back while holding */
	int		 hold;
	size_t		 bytes;
};

/* rib_mem.c */
void	*rib_malloc(struct rib *, size_t);
void	*rib_calloc(struct rib *, size_t);
void	 rib_mfree(struct rib *, void *, size_t);
/* Grows the writer-only array at *pp (any pointer type) of *cap elements to ncap, zero-filled. */
int	 rib_regrow(struct rib *, void *pp, size_t elem, uint32_t *cap, uint32_t ncap);
int	 rib_retire(struct rib *, uint32_t kind, uint32_t idx, void *ptr);
void	 slab_init(struct slab *, uint32_t size);
void	 slab_init_max(struct slab *, uint32_t size, uint32_t maxidx);
uint32_t slab_alloc(struct rib *, struct slab *);
void	 slab_release(struct slab *, uint32_t);
void	 slab_destroy(struct rib *, struct slab *);
void	 slab_trim(struct rib *, struct slab *);
int	 slab_reserve_seq(struct rib *, struct slab *, uint32_t n);
uint32_t slab_alloc_seq(struct slab *);
/*
 * While holding, retired objects are not handed to the backend: for changes that
 * retire a node before its parent's link to it is replaced (sweeps, compaction).
 */
void	 rib_hold(struct rib *);
void	 rib_unhold(struct rib *);

/* rib_attrs.c */
int	 rib_attrs_init(struct rib *);
void	 rib_attrs_destroy(struct rib *);
void	 rib_attrs_drop(struct rib *, uint32_t id);	/* a route's reference */
void	 rib_attrs_drop_n(struct rib *, uint32_t id, uint32_t n);
void	 rib_attrs_reclaim(struct rib *, uint32_t id);

static inline struct rib_attrs *
attrs_get(struct rib *rib, uint32_t id)
{
	struct rib_attrs **pp = slab_ptr(&rib->attrs, id);

	return *pp;
}

/* The reference count of set id (writer). */
static inline uint32_t *
attrs_refs(struct rib *rib, uint32_t id)
{
	return &rib->arefs[id >> SLAB_SHIFT][id & (SLAB_CHUNK - 1)];
}

/* A route's reference to set id (writer). */
static inline void
attrs_hold(struct rib *rib, uint32_t id)
{
	(*attrs_refs(rib, id))++;
}

#endif /* IXW_RIB_IMPL_H */
