/*
 * Interned attribute sets: canonical attribute blobs (opaque here) hash-consed in
 * a chained hash table and reference counted by the routes that use them (and by
 * callers holding rib_attrs_intern results). The last reference unlinks the set
 * from the table at once and retires it; the memory goes after a grace period,
 * so readers holding its id from a route can still read it.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/rib_impl.h"

#define AHASH_INIT	1024

/* FNV-1a with a final mix: the blobs are short. */
static uint32_t
blob_hash(const uint8_t *p, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h;
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
	struct rib_attrs *a;
	uint32_t	 i, id, next;

	if (rib->ahash == NULL)
		return;
	for (i = 0; i <= rib->ahash_mask; i++)
		for (id = rib->ahash[i]; id != 0; id = next) {
			a = attrs_get(rib, id);
			next = a->next;		/* a is gone after attrs_free */
			attrs_free(rib, a);
		}
	rib_mfree(rib, rib->ahash, (rib->ahash_mask + 1) * sizeof(uint32_t));
	rib->ahash = NULL;
	slab_destroy(rib, &rib->attrs);
}

/* Doubles the table; on failure the longer chains are merely slower. */
static void
ahash_grow(struct rib *rib)
{
	uint32_t	*nh, nmask = rib->ahash_mask * 2 + 1, i, id, next;
	struct rib_attrs *a;

	if ((nh = rib_calloc(rib, (nmask + 1) * sizeof(uint32_t))) == NULL)
		return;
	for (i = 0; i <= rib->ahash_mask; i++)
		for (id = rib->ahash[i]; id != 0; id = next) {
			a = attrs_get(rib, id);
			next = a->next;
			a->next = nh[a->hash & nmask];
			nh[a->hash & nmask] = id;
		}
	rib_mfree(rib, rib->ahash, (rib->ahash_mask + 1) * sizeof(uint32_t));
	rib->ahash = nh;
	rib->ahash_mask = nmask;
}

struct rib_attrs *
rib_attrs_intern(struct rib *rib, const uint8_t *blob, size_t len,
    uint32_t origin_as, uint8_t path_len)
{
	struct rib_attrs *a, **pp;
	uint32_t	 h, id;

	if (len > UINT16_MAX || (blob == NULL && len > 0))
		return NULL;
	h = blob_hash(blob, len);
	for (id = rib->ahash[h & rib->ahash_mask]; id != 0; id = a->next) {
		a = attrs_get(rib, id);
		if (a->hash == h && a->len == len && a->origin_as == origin_as &&
		    a->path_len == path_len && (len == 0 ||
		    memcmp(a->blob, blob, len) == 0)) {
			a->refcnt++;
			return a;
		}
	}
	if ((a = rib_malloc(rib, sizeof(*a) + len)) == NULL)
		return NULL;
	rib->attrs_bytes += sizeof(*a) + len;
	if ((id = slab_alloc(rib, &rib->attrs)) == 0) {
		attrs_free(rib, a);
		return NULL;
	}
	a->hash = h;
	a->id = id;
	a->refcnt = 1;
	a->origin_as = origin_as;
	a->len = (uint16_t)len;
	a->path_len = path_len;
	a->dead = 0;
	if (len > 0)
		memcpy(a->blob, blob, len);
	pp = slab_ptr(&rib->attrs, id);
	*pp = a;
	a->next = rib->ahash[h & rib->ahash_mask];
	rib->ahash[h & rib->ahash_mask] = id;
	if (++rib->nattrs > rib->ahash_mask + 1)
		ahash_grow(rib);
	return a;
}

void
rib_attrs_ref(struct rib_attrs *a)
{
	a->refcnt++;
}

static void
unlink_attrs(struct rib *rib, struct rib_attrs *a)
{
	uint32_t	*pp = &rib->ahash[a->hash & rib->ahash_mask];
	struct rib_attrs *c;

	while (*pp != a->id) {
		c = attrs_get(rib, *pp);
		pp = &c->next;
	}
	*pp = a->next;
	rib->nattrs--;
}

void
rib_attrs_unref(struct rib *rib, struct rib_attrs *a)
{
	if (a == NULL || --a->refcnt > 0)
		return;
	unlink_attrs(rib, a);
	a->dead = 1;
	if (rib_retire(rib, RETIRE_ATTRS, a->id, NULL) == -1)
		rib->bytes -= sizeof(*a) + a->len;	/* cannot free safely: leak */
}

void
rib_attrs_drop(struct rib *rib, uint32_t id)
{
	rib_attrs_unref(rib, attrs_get(rib, id));
}

void
rib_attrs_drop_n(struct rib *rib, uint32_t id, uint32_t n)
{
	struct rib_attrs *a = attrs_get(rib, id);

	a->refcnt -= n - 1;
	rib_attrs_unref(rib, a);
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
