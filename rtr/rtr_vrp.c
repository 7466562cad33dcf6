/*
 * The VRP table and route origin validation (RFC 6811, with RFC 6483/7607 AS0).
 *
 * One path-compressed binary trie per address family. Nodes live in one array and
 * link by 32-bit indices (no pointers to move on realloc, no 64-bit atomics); keys
 * live in a parallel array of 4 or 16 bytes per node, so an IPv4 node costs 20
 * bytes. A node that carries VRPs points at a block of (asn, maxlen, refcount)
 * entries sorted by AS, in a shared pool of power-of-two blocks with free lists.
 * Nodes without entries are branch points ("glue") and are pruned when they are
 * left with a single child.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtr/rtr_vrp.h"

struct vnode {
	uint32_t	child[2];
	uint32_t	ent;	/* first entry in the pool; 0: none */
	uint16_t	n;	/* entries */
	uint8_t		len;
	uint8_t		pad;
};

struct vent {
	uint32_t	asn;	/* in a free block: index of the next free block */
	uint8_t		maxlen;
	uint8_t		pad;
	uint16_t	ref;
};

struct vtrie {
	struct vnode	*node;	/* [0] is unused: index 0 means "none" */
	uint8_t		*key;	/* klen bytes per node */
	uint32_t	 nnode;
	uint32_t	 capnode;
	uint32_t	 root;
	uint32_t	 freenode;	/* free list through child[0] */
	unsigned	 klen;
	size_t		 count;	/* distinct VRPs */
};

#define NCLASS	17	/* block classes 1, 2, 4, ... 65536 entries */

struct rtr_vrp_store {
	struct vtrie	 t[2];
	struct vent	*ent;
	uint32_t	 nent;
	uint32_t	 capent;
	uint32_t	 freeblk[NCLASS];
};

static struct vtrie *
trie_of(struct rtr_vrp_store *s, uint8_t af)
{
	if (af == PREFIX_AF_IPV4)
		return &s->t[0];
	if (af == PREFIX_AF_IPV6)
		return &s->t[1];
	return NULL;
}

static const struct vtrie *
ctrie_of(const struct rtr_vrp_store *s, uint8_t af)
{
	return trie_of((struct rtr_vrp_store *)(uintptr_t)s, af);
}

static inline unsigned
abit(const uint8_t *a, unsigned i)
{
	return (a[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Number of leading bits a and b share, at most max. */
static inline unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i, n;
	uint8_t x;

	for (i = 0, n = 0; n < max; i++, n += 8) {
		if ((x = a[i] ^ b[i]) != 0) {
			n += (unsigned)__builtin_clz(x) - 24;
			return n < max ? n : max;
		}
	}
	return max;
}

static inline uint8_t *
nkey(const struct vtrie *t, uint32_t i)
{
	return t->key + (size_t)i * t->klen;
}

static size_t
grow(uint32_t cap)
{
	if (cap < 1024)
		return 1024;
	return cap < 65536 ? (size_t)cap * 2 : (size_t)cap + cap / 4;
}

/* Make room for two more nodes so links into the array stay valid during an insert. */
static int
trie_reserve(struct vtrie *t)
{
	struct vnode *n;
	uint8_t *k;
	size_t cap;

	if (t->nnode + 2 <= t->capnode)
		return 0;
	cap = grow(t->capnode);
	if (cap > UINT32_MAX / 2)
		return -1;
	if ((n = realloc(t->node, cap * sizeof(*n))) == NULL)
		return -1;
	t->node = n;
	if ((k = realloc(t->key, cap * t->klen)) == NULL)
		return -1;
	t->key = k;
	t->capnode = (uint32_t)cap;
	return 0;
}

static uint32_t
node_new(struct vtrie *t, const uint8_t *addr, unsigned len)
{
	uint32_t i;
	uint8_t *k;
	unsigned full = len / 8, rest = len % 8;

	if (t->freenode != 0) {
		i = t->freenode;
		t->freenode = t->node[i].child[0];
	} else
		i = t->nnode++;
	memset(&t->node[i], 0, sizeof(t->node[i]));
	t->node[i].len = (uint8_t)len;
	k = nkey(t, i);
	memset(k, 0, t->klen);
	memcpy(k, addr, full);
	if (rest)
		k[full] = addr[full] & (uint8_t)(0xff << (8 - rest));
	return i;
}

static void
node_free(struct vtrie *t, uint32_t i)
{
	memset(&t->node[i], 0, sizeof(t->node[i]));
	t->node[i].child[0] = t->freenode;
	t->freenode = i;
}

/* Find or make the node for addr/len. 0 on allocation failure. */
static uint32_t
trie_get(struct vtrie *t, const uint8_t *addr, unsigned len)
{
	uint32_t *link, i, g, leaf;
	struct vnode *nd;
	unsigned cl;

	if (trie_reserve(t) == -1)
		return 0;
	link = &t->root;
	while ((i = *link) != 0) {
		nd = &t->node[i];
		cl = common_bits(nkey(t, i), addr, nd->len < len ? nd->len : len);
		if (cl < nd->len) {
			if (cl == len) {	/* new node above i */
				leaf = node_new(t, addr, len);
				t->node[leaf].child[abit(nkey(t, i), len)] = i;
				*link = leaf;
				return leaf;
			}
			g = node_new(t, addr, cl);	/* branch where they part */
			leaf = node_new(t, addr, len);
			t->node[g].child[abit(addr, cl)] = leaf;
			t->node[g].child[abit(nkey(t, i), cl)] = i;
			*link = g;
			return leaf;
		}
		if (nd->len == len)
			return i;
		link = &nd->child[abit(addr, nd->len)];
	}
	i = node_new(t, addr, len);
	*link = i;
	return i;
}

static unsigned
blk_class(unsigned n)
{
	unsigned k = 0;

	while ((1u << k) < n)
		k++;
	return k;
}

static uint32_t
blk_alloc(struct rtr_vrp_store *s, unsigned k)
{
	uint32_t i, need = 1u << k;
	struct vent *e;
	size_t cap;

	if ((i = s->freeblk[k]) != 0) {
		s->freeblk[k] = s->ent[i].asn;
		return i;
	}
	if (s->nent + need > s->capent) {
		cap = grow(s->capent);
		while (cap < (size_t)s->nent + need)
			cap *= 2;
		if (cap > UINT32_MAX / 2)
			return 0;
		if ((e = realloc(s->ent, cap * sizeof(*e))) == NULL)
			return 0;
		s->ent = e;
		s->capent = (uint32_t)cap;
	}
	i = s->nent;
	s->nent += need;
	return i;
}

static void
blk_free(struct rtr_vrp_store *s, uint32_t i, unsigned k)
{
	s->ent[i].asn = s->freeblk[k];
	s->freeblk[k] = i;
}

/* Move a node's n entries into a block of the class for want entries. */
static int
blk_resize(struct rtr_vrp_store *s, struct vtrie *t, uint32_t ni, unsigned want)
{
	unsigned oldk, newk;
	uint32_t nb, n = t->node[ni].n;

	oldk = blk_class(n);
	newk = blk_class(want);
	if (n != 0 && oldk == newk)
		return 0;
	if (want == 0) {
		blk_free(s, t->node[ni].ent, oldk);
		t->node[ni].ent = 0;
		return 0;
	}
	if ((nb = blk_alloc(s, newk)) == 0)
		return -1;
	if (n != 0) {
		memcpy(&s->ent[nb], &s->ent[t->node[ni].ent],
		    (n < want ? n : want) * sizeof(struct vent));
		blk_free(s, t->node[ni].ent, oldk);
	}
	t->node[ni].ent = nb;
	return 0;
}

/* Position of (asn, maxlen) in a node's sorted entries; *found set if present. */
static unsigned
ent_find(const struct vent *e, unsigned n, uint32_t asn, uint8_t maxlen, int *found)
{
	unsigned lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (e[mid].asn < asn || (e[mid].asn == asn && e[mid].maxlen < maxlen))
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n && e[lo].asn == asn && e[lo].maxlen == maxlen;
	return lo;
}

static int
vrp_ok(const struct rtr_vrp *v)
{
	unsigned max = prefix_maxlen(v->prefix.af);

	return max != 0 && v->prefix.len <= max && v->maxlen >= v->prefix.len &&
	    v->maxlen <= max;
}

struct rtr_vrp_store *
rtr_vrp_new(void)
{
	struct rtr_vrp_store *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->t[0].klen = 4;
	s->t[1].klen = 16;
	s->t[0].nnode = s->t[1].nnode = 1;
	s->nent = 1;
	return s;
}

void
rtr_vrp_free(struct rtr_vrp_store *s)
{
	if (s == NULL)
		return;
	free(s->t[0].node);
	free(s->t[0].key);
	free(s->t[1].node);
	free(s->t[1].key);
	free(s->ent);
	free(s);
}

int
rtr_vrp_add(struct rtr_vrp_store *s, const struct rtr_vrp *v)
{
	struct vtrie *t;
	struct vent *e;
	uint32_t ni;
	unsigned pos, n;
	int found;

	if (!vrp_ok(v) || (t = trie_of(s, v->prefix.af)) == NULL)
		return RTR_VRP_ERR;
	if ((ni = trie_get(t, v->prefix.addr, v->prefix.len)) == 0)
		return RTR_VRP_ERR;
	n = t->node[ni].n;
	pos = 0;
	found = 0;
	if (n != 0)
		pos = ent_find(&s->ent[t->node[ni].ent], n, v->asn, v->maxlen, &found);
	if (found) {
		e = &s->ent[t->node[ni].ent + pos];
		if (e->ref == UINT16_MAX)
			return RTR_VRP_ERR;
		e->ref++;
		return RTR_VRP_REF;
	}
	if (n == UINT16_MAX || blk_resize(s, t, ni, n + 1) == -1)
		return RTR_VRP_ERR;
	e = &s->ent[t->node[ni].ent];
	memmove(&e[pos + 1], &e[pos], (n - pos) * sizeof(*e));
	e[pos].asn = v->asn;
	e[pos].maxlen = v->maxlen;
	e[pos].pad = 0;
	e[pos].ref = 1;
	t->node[ni].n++;
	t->count++;
	return RTR_VRP_NEW;
}

/* Node i (at *link, below *plink) lost its last entry: unlink what is now useless. */
static void
prune(struct vtrie *t, uint32_t *plink, uint32_t *link)
{
	uint32_t i = *link, c, p;
	struct vnode *pn;

	if (t->node[i].child[0] != 0 && t->node[i].child[1] != 0)
		return;		/* stays as a branch point */
	c = t->node[i].child[0] ? t->node[i].child[0] : t->node[i].child[1];
	*link = c;
	node_free(t, i);
	if (c != 0 || plink == NULL)
		return;
	p = *plink;
	pn = &t->node[p];
	if (pn->n != 0)
		return;
	*plink = pn->child[0] ? pn->child[0] : pn->child[1];
	node_free(t, p);
}

int
rtr_vrp_del(struct rtr_vrp_store *s, const struct rtr_vrp *v)
{
	struct vtrie *t;
	struct vnode *nd;
	struct vent *e;
	uint32_t *link, *plink = NULL, i;
	unsigned pos, len = v->prefix.len;
	int found;

	if (!vrp_ok(v) || (t = trie_of(s, v->prefix.af)) == NULL)
		return RTR_VRP_ERR;
	link = &t->root;
	while ((i = *link) != 0) {
		nd = &t->node[i];
		if (nd->len > len ||
		    common_bits(nkey(t, i), v->prefix.addr, nd->len) < nd->len)
			return RTR_VRP_ABSENT;
		if (nd->len == len)
			break;
		plink = link;
		link = &nd->child[abit(v->prefix.addr, nd->len)];
	}
	if (i == 0)
		return RTR_VRP_ABSENT;
	nd = &t->node[i];
	if (nd->n == 0)
		return RTR_VRP_ABSENT;
	e = &s->ent[nd->ent];
	pos = ent_find(e, nd->n, v->asn, v->maxlen, &found);
	if (!found)
		return RTR_VRP_ABSENT;
	if (e[pos].ref > 1) {
		e[pos].ref--;
		return RTR_VRP_REF;
	}
	memmove(&e[pos], &e[pos + 1], (nd->n - pos - 1) * sizeof(*e));
	/*
	 * If the smaller block cannot be had, the entries stay in the bigger one: it
	 * is then recycled as a smaller class, which only wastes the difference.
	 */
	(void)blk_resize(s, t, i, nd->n - 1u);
	nd->n--;
	t->count--;
	if (nd->n == 0)
		prune(t, plink, link);
	return RTR_VRP_NEW;
}

/* The node for exactly addr/len, or 0. */
static uint32_t
trie_find(const struct vtrie *t, const uint8_t *addr, unsigned len)
{
	uint32_t i = t->root;
	const struct vnode *nd;

	while (i != 0) {
		nd = &t->node[i];
		if (nd->len > len || common_bits(nkey(t, i), addr, nd->len) < nd->len)
			return 0;
		if (nd->len == len)
			return i;
		i = nd->child[abit(addr, nd->len)];
	}
	return 0;
}

unsigned
rtr_vrp_refs(const struct rtr_vrp_store *s, const struct rtr_vrp *v)
{
	const struct vtrie *t;
	const struct vnode *nd;
	uint32_t i;
	unsigned pos;
	int found;

	if (!vrp_ok(v) || (t = ctrie_of(s, v->prefix.af)) == NULL)
		return 0;
	if ((i = trie_find(t, v->prefix.addr, v->prefix.len)) == 0)
		return 0;
	nd = &t->node[i];
	if (nd->n == 0)
		return 0;
	pos = ent_find(&s->ent[nd->ent], nd->n, v->asn, v->maxlen, &found);
	return found ? s->ent[nd->ent + pos].ref : 0;
}

size_t
rtr_vrp_count(const struct rtr_vrp_store *s, uint8_t af)
{
	const struct vtrie *t;

	if ((t = ctrie_of(s, af)) != NULL)
		return t->count;
	return s->t[0].count + s->t[1].count;
}

size_t
rtr_vrp_mem(const struct rtr_vrp_store *s)
{
	size_t m = sizeof(*s);
	int i;

	for (i = 0; i < 2; i++)
		m += (size_t)s->t[i].capnode * (sizeof(struct vnode) + s->t[i].klen);
	return m + (size_t)s->capent * sizeof(struct vent);
}

enum rtr_rov
rtr_rov_validate(const struct rtr_vrp_store *s, const struct prefix *p, uint64_t origin)
{
	const struct vtrie *t;
	const struct vnode *nd;
	const struct vent *e;
	uint32_t i;
	unsigned k;
	int covered = 0, toolong = 0;

	if ((t = ctrie_of(s, p->af)) == NULL)
		return RTR_ROV_NOT_FOUND;
	for (i = t->root; i != 0; i = nd->child[abit(p->addr, nd->len)]) {
		nd = &t->node[i];
		if (nd->len > p->len ||
		    common_bits(nkey(t, i), p->addr, nd->len) < nd->len)
			break;
		if (nd->n != 0) {
			covered = 1;
			/* AS0 VRPs and AS_SET origins never match: origin 0 is skipped too. */
			if (origin != 0 && origin <= UINT32_MAX) {
				e = &s->ent[nd->ent];
				for (k = 0; k < nd->n && e[k].asn <= origin; k++) {
					if (e[k].asn != origin)
						continue;
					if (p->len <= e[k].maxlen)
						return RTR_ROV_VALID;
					toolong = 1;
				}
			}
		}
		if (nd->len == p->len)
			break;
	}
	if (!covered)
		return RTR_ROV_NOT_FOUND;
	return toolong ? RTR_ROV_INVALID_LEN : RTR_ROV_INVALID_AS;
}

void
rtr_rov_cursor_init(struct rtr_rov_cursor *c, const struct rtr_vrp_store *s)
{
	c->s = s;
	rtr_rov_cursor_reset(c);
}

void
rtr_rov_cursor_reset(struct rtr_rov_cursor *c)
{
	c->af = PREFIX_AF_NONE;
	c->depth = 0;
	c->withents = 0;
}

/* Does trie node i contain p? */
static inline int
node_covers(const struct vtrie *t, uint32_t i, const struct prefix *p)
{
	unsigned len = t->node[i].len;

	return len <= p->len && common_bits(nkey(t, i), p->addr, len) == len;
}

enum rtr_rov
rtr_rov_cursor_validate(struct rtr_rov_cursor *c, const struct prefix *p, uint64_t origin)
{
	const struct rtr_vrp_store *s = c->s;
	const struct vtrie *t;
	const struct vnode *nd;
	const struct vent *e;
	uint32_t i;
	unsigned d, k;
	int toolong = 0;

	if ((t = ctrie_of(s, p->af)) == NULL)
		return RTR_ROV_NOT_FOUND;
	if (c->af != p->af)
		rtr_rov_cursor_reset(c);
	c->af = p->af;
	/* the nodes covering p are a prefix of the path that covered the last one */
	while (c->depth > 0 && !node_covers(t, c->path[c->depth - 1], p)) {
		c->depth--;
		if (t->node[c->path[c->depth]].n != 0)
			c->withents--;
	}
	if (c->depth == 0)
		i = t->root;
	else {
		nd = &t->node[c->path[c->depth - 1]];
		i = nd->len < p->len ? nd->child[abit(p->addr, nd->len)] : 0;
	}
	for (; i != 0 && node_covers(t, i, p); ) {
		nd = &t->node[i];
		c->path[c->depth++] = i;
		if (nd->n != 0)
			c->withents++;
		if (nd->len == p->len)
			break;
		i = nd->child[abit(p->addr, nd->len)];
	}
	if (c->withents == 0)
		return RTR_ROV_NOT_FOUND;
	/* AS0 VRPs and AS_SET origins never match: origin 0 is skipped too. */
	if (origin == 0 || origin > UINT32_MAX)
		return RTR_ROV_INVALID_AS;
	for (d = 0; d < c->depth; d++) {
		nd = &t->node[c->path[d]];
		e = &s->ent[nd->ent];
		for (k = 0; k < nd->n && e[k].asn <= origin; k++) {
			if (e[k].asn != origin)
				continue;
			if (p->len <= e[k].maxlen)
				return RTR_ROV_VALID;
			toolong = 1;
		}
	}
	return toolong ? RTR_ROV_INVALID_LEN : RTR_ROV_INVALID_AS;
}

const char *
rtr_rov_str(enum rtr_rov r)
{
	switch (r) {
	case RTR_ROV_VALID:
		return "valid";
	case RTR_ROV_INVALID_AS:
		return "invalid-origin";
	case RTR_ROV_INVALID_LEN:
		return "invalid-length";
	case RTR_ROV_NOT_FOUND:
		break;
	}
	return "not-found";
}

/* Call cb for each entry of node i; 0, or the cb's non-zero result. */
static int
node_emit(const struct rtr_vrp_store *s, const struct vtrie *t, uint32_t i, uint8_t af,
    rtr_vrp_cb cb, void *arg)
{
	const struct vnode *nd = &t->node[i];
	struct rtr_vrp v;
	unsigned k;
	int r;

	memset(&v, 0, sizeof(v));
	v.prefix.af = af;
	v.prefix.len = nd->len;
	memcpy(v.prefix.addr, nkey(t, i), t->klen);
	for (k = 0; k < nd->n; k++) {
		v.asn = s->ent[nd->ent + k].asn;
		v.maxlen = s->ent[nd->ent + k].maxlen;
		if ((r = cb(&v, arg)) != 0)
			return r;
	}
	return 0;
}

int
rtr_vrp_covering(const struct rtr_vrp_store *s, const struct prefix *p, rtr_vrp_cb cb,
    void *arg)
{
	const struct vtrie *t;
	const struct vnode *nd;
	uint32_t i;
	int r, n = 0;

	if ((t = ctrie_of(s, p->af)) == NULL)
		return 0;
	for (i = t->root; i != 0; i = nd->child[abit(p->addr, nd->len)]) {
		nd = &t->node[i];
		if (nd->len > p->len ||
		    common_bits(nkey(t, i), p->addr, nd->len) < nd->len)
			break;
		if ((r = node_emit(s, t, i, p->af, cb, arg)) != 0)
			return r;
		n += nd->n;
		if (nd->len == p->len)
			break;
	}
	return n;
}

static int
walk(const struct rtr_vrp_store *s, const struct vtrie *t, uint32_t i, uint8_t af,
    rtr_vrp_cb cb, void *arg)
{
	int r;

	if (i == 0)
		return 0;
	if ((r = node_emit(s, t, i, af, cb, arg)) != 0)
		return r;
	if ((r = walk(s, t, t->node[i].child[0], af, cb, arg)) != 0)
		return r;
	return walk(s, t, t->node[i].child[1], af, cb, arg);
}

int
rtr_vrp_walk(const struct rtr_vrp_store *s, rtr_vrp_cb cb, void *arg)
{
	int r;

	if ((r = walk(s, &s->t[0], s->t[0].root, PREFIX_AF_IPV4, cb, arg)) != 0)
		return r;
	return walk(s, &s->t[1], s->t[1].root, PREFIX_AF_IPV6, cb, arg);
}

/* State of a resumable walk (rtr_vrp_walk_from). */
struct walk_from {
	const struct prefix	*after;
	size_t			 left;		/* entries still to emit in this call */
	rtr_vrp_cb		 cb;
	void			*arg;
	struct prefix		*last;		/* the last node emitted */
	int			 stopped;
};

static int
walk_after(const struct rtr_vrp_store *s, const struct vtrie *t, uint32_t i, uint8_t af,
    struct walk_from *w)
{
	const struct vnode	*nd;
	struct prefix		 p;
	int			 self = 1, r;

	if (i == 0 || w->stopped)
		return 0;
	nd = &t->node[i];
	memset(&p, 0, sizeof(p));
	p.af = af;
	p.len = nd->len;
	memcpy(p.addr, nkey(t, i), t->klen);
	if (w->after != NULL && w->after->af == af) {
		/*
		 * Preorder is (address, length) order and a subtree holds only what its
		 * node's prefix contains: a node before the resume point that does not
		 * contain it has its whole subtree before it too.
		 */
		if (prefix_contains(&p, w->after))
			self = 0;
		else if (prefix_cmp(&p, w->after) <= 0)
			return 0;
	}
	if (self && nd->n > 0) {
		if (w->left == 0) {
			w->stopped = 1;
			return 0;
		}
		if ((r = node_emit(s, t, i, af, w->cb, w->arg)) != 0)
			return r;
		*w->last = p;
		w->left = w->left > nd->n ? w->left - nd->n : 0;
	}
	if ((r = walk_after(s, t, nd->child[0], af, w)) != 0)
		return r;
	return walk_after(s, t, nd->child[1], af, w);
}

int
rtr_vrp_walk_from(const struct rtr_vrp_store *s, const struct prefix *after, size_t max,
    rtr_vrp_cb cb, void *arg, struct prefix *last)
{
	struct walk_from	 w = { NULL, max, cb, arg, last, 0 };
	struct prefix		 a;
	int			 r;

	if (after != NULL) {	/* after may be last */
		a = *after;
		w.after = &a;
	}

	if (after == NULL || after->af != PREFIX_AF_IPV6) {
		r = walk_after(s, &s->t[0], s->t[0].root, PREFIX_AF_IPV4, &w);
		if (r != 0)
			return r;
	}
	if (!w.stopped &&
	    (r = walk_after(s, &s->t[1], s->t[1].root, PREFIX_AF_IPV6, &w)) != 0)
		return r;
	return w.stopped;
}

static int
pfx_qcmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

size_t
rtr_vrp_roots(struct prefix *p, size_t n)
{
	size_t i, k;

	if (n == 0)
		return 0;
	qsort(p, n, sizeof(*p), pfx_qcmp);
	/* In (addr, len) order a prefix comes before everything it contains. */
	for (i = 1, k = 1; i < n; i++) {
		if (prefix_contains(&p[k - 1], &p[i]))
			continue;
		p[k++] = p[i];
	}
	return k;
}
