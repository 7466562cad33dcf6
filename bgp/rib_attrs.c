/*
 * Interned attribute sets: canonical attribute blobs (opaque here) hash-consed in
 * an open-addressing table and reference counted by the routes that use them (and
 * by callers holding rib_attrs_intern results). The last reference unlinks the set
 * from the table at once and retires it; the memory goes after a grace period,
 * so readers holding its id from a route can still read it.
 *
 * A table slot holds the set's id (below 2^27, the attrs slab's limit) with five
 * more bits of its hash on top: a probe compares those and touches the set itself
 * only on a match (1 in 32 for a stranger), so a lookup that misses - every new
 * set of a full table - reads the table alone, a line or two of it, instead of a
 * chain of sets scattered over memory. Linear probing, at most 3/4 full;
 * removal shifts the following slots back (no tombstones).
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/rib_impl.h"

#define AHASH_INIT	4096
#define TAG_SHIFT	27
#define ID_MASK		((1u << TAG_SHIFT) - 1)
#define TAG_OF(h)	((h) >> TAG_SHIFT)
#define SLOT(h, id)	(((h) & ~ID_MASK) | (id))

/*
 * 8 bytes per step (loads through memcpy: no alignment assumed) and a final mix:
 * a blob is ~50-150 bytes and hashed once per UPDATE, where a byte-wise FNV spent
 * a multiply per byte. The value differs between byte orders; it never leaves
 * the process.
 */
static uint32_t
blob_hash(const uint8_t *p, size_t len)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

int
rib_attrs_init(struct rib *rib)
{
	slab_init(&rib->attrs, sizeof(struct rib_attrs *));
	if ((rib->ahash = rib_calloc(rib, AHASH_INIT * sizeof(uint32_t))) == NULL)
		return -1;
	rib->ahash_mask = AHASH_INIT - 1;
	return 0;
}

static void
attrs_free(struct rib *rib, struct rib_attrs *a)
{
	rib->attrs_bytes -= sizeof(*a) + a->len;
	rib_mfree(rib, a, sizeof(*a) + a->len);
}

void
rib_attrs_destroy(struct rib *rib)
{
	uint32_t	 i;

	if (rib->ahash == NULL)
		return;
	for (i = 0; i <= rib->ahash_mask; i++)
		if (rib->ahash[i] != 0)
			attrs_free(rib, attrs_get(rib, rib->ahash[i] & ID_MASK));
	rib_mfree(rib, rib->ahash, (rib->ahash_mask + 1) * sizeof(uint32_t));
	rib->ahash = NULL;
	slab_destroy(rib, &rib->attrs);
	for (i = 0; i < rib->narefs; i++)
		rib_mfree(rib, rib->arefs[i], SLAB_CHUNK * sizeof(uint32_t));
	rib_mfree(rib, rib->arefs, rib->narefs * sizeof(*rib->arefs));
	rib->arefs = NULL;
	rib->narefs = rib->narefc = 0;
}

/* Room for the count of set id: 0, or -1 when out of memory. */
static int
aref_room(struct rib *rib, uint32_t id)
{
	uint32_t	 c = id >> SLAB_SHIFT, n;

	if (c >= rib->narefs) {
		for (n = rib->narefs ? rib->narefs * 2 : 16; n <= c; n *= 2)
			;
		if (rib_regrow(rib, &rib->arefs, sizeof(*rib->arefs), &rib->narefs, n) == -1)
			return -1;
	}
	if (rib->arefs[c] == NULL) {
		if ((rib->arefs[c] = rib_calloc(rib, SLAB_CHUNK * sizeof(uint32_t))) == NULL)
			return -1;
		rib->narefc++;
	}
	return 0;
}

/*
 * Doubles the table; on failure it merely fills up further (probes get longer).
 * A slot keeps only 5 bits of the hash, so each set must be read for its new
 * place: in id order (a bitmap of the ids in the table first), which is about the
 * order the sets were allocated in, not in the table's random order, where every
 * set was a cache miss (5% of a full-table load went here).
 */
static void
ahash_grow(struct rib *rib)
{
	uint32_t	*nh, *bits, nmask = rib->ahash_mask * 2 + 1, i, j, s, id;
	uint32_t	 top = rib->attrs.next;
	struct rib_attrs *a;

	if (nmask >= ID_MASK || (nh = rib_calloc(rib, (nmask + 1) * sizeof(uint32_t))) == NULL)
		return;
	if ((bits = calloc(top / 32 + 1, sizeof(*bits))) == NULL) {
		rib_mfree(rib, nh, (nmask + 1) * sizeof(uint32_t));
		return;
	}
	for (i = 0; i <= rib->ahash_mask; i++)
		if ((s = rib->ahash[i]) != 0)
			bits[(s & ID_MASK) >> 5] |= 1u << (s & 31);
	for (id = 1; id < top; id++) {
		if (!(bits[id >> 5] >> (id & 31) & 1))
			continue;
		a = attrs_get(rib, id);
		for (j = a->hash & nmask; nh[j] != 0; j = (j + 1) & nmask)
			;
		nh[j] = SLOT(a->hash, id);
	}
	free(bits);
	rib_mfree(rib, rib->ahash, (rib->ahash_mask + 1) * sizeof(uint32_t));
	rib->ahash = nh;
	rib->ahash_mask = nmask;
}

static struct rib_attrs *
attrs_new(struct rib *rib, const uint8_t *blob, size_t len, uint32_t h,
    uint32_t origin_as, uint8_t path_len)
{
	struct rib_attrs *a, **pp;
	uint32_t	 id;

	if ((a = rib_malloc(rib, sizeof(*a) + len)) == NULL)
		return NULL;
	rib->attrs_bytes += sizeof(*a) + len;
	if ((id = slab_alloc(rib, &rib->attrs)) == 0) {
		attrs_free(rib, a);
		return NULL;
	}
	if (aref_room(rib, id) == -1) {
		slab_release(&rib->attrs, id);
		attrs_free(rib, a);
		return NULL;
	}
	*attrs_refs(rib, id) = 1;
	a->hash = h;
	a->id = id;
	a->origin_as = origin_as;
	a->len = (uint16_t)len;
	a->path_len = path_len;
	a->dead = 0;
	if (len > 0)
		memcpy(a->blob, blob, len);
	pp = slab_ptr(&rib->attrs, id);
	*pp = a;
	return a;
}

struct rib_attrs *
rib_attrs_intern(struct rib *rib, const uint8_t *blob, size_t len,
    uint32_t origin_as, uint8_t path_len)
{
	struct rib_attrs *a;
	uint32_t	 h, i, s;

	if (len > UINT16_MAX || (blob == NULL && len > 0))
		return NULL;
	h = blob_hash(blob, len);
	for (i = h & rib->ahash_mask; (s = rib->ahash[i]) != 0; i = (i + 1) & rib->ahash_mask) {
		if (TAG_OF(s) != TAG_OF(h))
			continue;
		a = attrs_get(rib, s & ID_MASK);
		if (a->hash == h && a->len == len && a->origin_as == origin_as &&
		    a->path_len == path_len && (len == 0 ||
		    memcmp(a->blob, blob, len) == 0)) {
			(*attrs_refs(rib, a->id))++;
			return a;
		}
	}
	/* the table keeps a free slot whatever happens: a failed grow leaves it full */
	if (rib->nattrs >= rib->ahash_mask)
		return NULL;
	if ((a = attrs_new(rib, blob, len, h, origin_as, path_len)) == NULL)
		return NULL;
	rib->ahash[i] = SLOT(h, a->id);
	if (++rib->nattrs > (rib->ahash_mask + 1) / 4 * 3)
		ahash_grow(rib);
	return a;
}

void
rib_attrs_ref(struct rib *rib, struct rib_attrs *a)
{
	(*attrs_refs(rib, a->id))++;
}

/* In cyclic order, is slot h in (i, j]? */
static int
between(uint32_t i, uint32_t h, uint32_t j)
{
	return i <= j ? i < h && h <= j : i < h || h <= j;
}

/* Takes a's slot out and moves later slots of its run back (linear probing). */
static void
unlink_attrs(struct rib *rib, struct rib_attrs *a)
{
	uint32_t	*t = rib->ahash, m = rib->ahash_mask, i, j, s;

	for (i = a->hash & m; (t[i] & ID_MASK) != a->id; i = (i + 1) & m)
		;
	for (j = (i + 1) & m; (s = t[j]) != 0; j = (j + 1) & m)
		if (!between(i, attrs_get(rib, s & ID_MASK)->hash & m, j)) {
			t[i] = s;
			i = j;
		}
	t[i] = 0;
	rib->nattrs--;
}

/* The count of set id just reached 0. */
static void
attrs_dies(struct rib *rib, uint32_t id)
{
	struct rib_attrs *a = attrs_get(rib, id);

	unlink_attrs(rib, a);
	a->dead = 1;
	if (rib_retire(rib, RETIRE_ATTRS, a->id, NULL) == -1)
		rib->bytes -= sizeof(*a) + a->len;	/* cannot free safely: leak */
}

void
rib_attrs_unref(struct rib *rib, struct rib_attrs *a)
{
	if (a != NULL)
		rib_attrs_drop(rib, a->id);
}

/* Routes drop their references by id: the set itself is read only when it dies. */
void
rib_attrs_drop(struct rib *rib, uint32_t id)
{
	if (--*attrs_refs(rib, id) == 0)
		attrs_dies(rib, id);
}

void
rib_attrs_drop_n(struct rib *rib, uint32_t id, uint32_t n)
{
	if ((*attrs_refs(rib, id) -= n) == 0)
		attrs_dies(rib, id);
}

void
rib_attrs_reclaim(struct rib *rib, uint32_t id)
{
	attrs_free(rib, attrs_get(rib, id));
	slab_release(&rib->attrs, id);
}

const uint8_t *
rib_attrs_blob(const struct rib_attrs *a, size_t *len)
{
	*len = a->len;
	return a->blob;
}

uint32_t
rib_attrs_origin_as(const struct rib_attrs *a)
{
	return a->origin_as;
}

uint8_t
rib_attrs_path_len(const struct rib_attrs *a)
{
	return a->path_len;
}

uint32_t
rib_attrs_hash(const struct rib_attrs *a)
{
	return a->hash;
}
