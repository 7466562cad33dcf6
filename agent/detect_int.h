/*
 * Private to the detection engine (agent/detect*.c): the indexes built at config
 * load, the per-(source, prefix) record of asserted alert keys, the AS path facts.
 */
#ifndef IXW_DETECT_INT_H
#define IXW_DETECT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "agent/alert.h"
#include "agent/bogon.h"
#include "agent/config_types.h"
#include "agent/detect.h"
#include "bgp/rib.h"

#define DPATH_MAX	256	/* ASes kept per path (longer paths are cut) */
#define DSET_MAX	16	/* AS_SET members kept for the origin */
#define DKEYS_MAX	32	/* keys one (source, prefix) can assert */
#define DADJ_MAX	16	/* monitored adjacencies one (source, prefix) counts */
#define DUPS_MAX	16	/* upstreams one monitored prefix is followed through */

/* One monitored-prefix index entry (per address family, sorted). */
struct dpfx {
	uint64_t		 hi, lo;	/* address, IPv4 in the top of hi */
	uint8_t			 len;
	int32_t			 parent;	/* nearest covering entry, -1: none */
	const struct config_prefix *cp;		/* NULL for a bogon entry */
	const struct bogon_block *bb;		/* bogon entry: the block (NULL: extra) */
	int			 ups;		/* has upstreams (own or its origins') */
};

/*
 * The space filter: which parts of an address family can need the engine on
 * the prefix alone (monitored prefixes, bogon blocks and extras, prefixes with
 * a (source, prefix) record). Two levels: a bit per /16 (8 KB: it stays in the
 * cache), then a marked /16 is either full or has a block of bits, one per
 * next-level cell (IPv4: /24, IPv6: /32). Blocks are stored in address order
 * of their /16s, found by rank (count of marked, not full /16s before it). A
 * prefix P inside a marked prefix M starts inside M, so the cell of P's first
 * address is marked whatever P's length: one test answers "nothing here" for
 * any route, with no false negative. Bits are only set after the build (a
 * record that goes stays marked: a stale bit costs a lookup, never a miss)
 * until the next dindex_build clears them.
 */
#define DSPACE_FULL	0xffffu
struct dspace {
	uint64_t		*blk;		/* nblk blocks of (1 << bits) bits */
	uint8_t			*sum;		/* per block: its eighths with a bit set */
	uint8_t			 bits;		/* cell: /(16 + bits) */
	uint32_t		 nblk, capblk, maxblk;
	uint16_t		*idx;		/* build: per /16 its block in bblk */
	uint64_t		*bblk;
	uint64_t		 l1[1024];	/* /16 marked */
	uint64_t		 full[1024];	/* ... all of it */
	uint32_t		 rank[1024];	/* blocks before l1[i] */
};

struct dindex {
	struct dpfx		*v;
	size_t			 n;
	uint64_t		*k4;		/* IPv4: v[i]'s address << 32 | len, the
						 * search's keys in 8 bytes, not 48 */
	char			(*txt)[PREFIX_STRLEN];	/* v[i]'s text, NULL: none */
};

/* A decoded AS path: as[] neighbor first, prepends kept. */
struct dpath {
	uint32_t		 as[DPATH_MAX];
	unsigned		 n;
	uint32_t		 cas[DPATH_MAX];	/* sequence ASes, prepends collapsed */
	unsigned		 nc;
	uint32_t		 set[DSET_MAX];		/* members of a final AS_SET */
	unsigned		 nset;
	int			 origin_set;
	uint32_t		 origin;		/* 0 with an empty path */
	uint32_t		 otc;
	int			 has_otc;
	int			 no_export;
	unsigned		 max_repeat;		/* most consecutive copies of one AS */
	uint32_t		 max_repeat_as;
	int			 set_pos[DPATH_MAX];	/* as[i] is inside an AS_SET */
};

/* Per-attribute-set path facts (a direct-mapped cache). */
#define PF_VALID	0x01
#define PF_BOGON_AS	0x02
#define PF_REL		0x04
#define PF_MON		0x08
#define PF_OTC		0x10
#define PF_MONAS	0x20	/* a monitorASns AS anywhere in the path */
struct dpf {			/* 8 bytes: the table stays in the cache */
	uint32_t		 hash;		/* content hash of the set */
	uint16_t		 pchk;		/* bits of its address */
	uint8_t			 flags;
};
#define DPF_BITS	12

/* What one evaluation asserts. */
struct dkey {
	struct alert_key	 k;
	uint8_t			 severity;
	char			 path[ALERT_PATH_MAX];
	char			 matched[ALERT_TEXT_MAX];
	char			 descr[ALERT_TEXT_MAX];
};

struct dkeys {
	struct dkey		 v[DKEYS_MAX];
	unsigned		 n;
	int			 carried;	/* the source carries a monitored prefix */
	int			 was_valid;	/* in: a route was RPKI-valid before */
	int			 valid;		/* out: a monitored route is valid now */
	uint32_t		 adj[2 * DADJ_MAX];	/* (monitored AS, neighbor) */
	unsigned		 nadj;
	uint32_t		 ups[DUPS_MAX];	/* source 0: upstreams the prefix was seen via */
	unsigned		 nups;
};

/* Routes of one source that show the adjacency (x, y), x monitored (rule 7). */
struct dadj {
	struct dadj		*next;
	uint16_t		 src;
	uint32_t		 x, y;
	uint32_t		 count;
};
#define DADJ_BUCKETS	4096

/* The keys asserted for one (source, prefix); source 0: prefix-wide rules. */
#define DENT_CARRIED	0x01
#define DENT_VALID	0x02	/* a monitored route of it was RPKI-valid */
struct dent {
	struct dent		*next;
	uint32_t		 hash;
	uint16_t		 src;
	uint8_t			 flags;
	uint8_t			 nkeys;
	uint8_t			 nadj;
	uint32_t		*adj;		/* 2 * nadj: adjacencies counted */
	uint8_t			 nups;
	uint32_t		*ups;		/* source 0: see struct dkeys */
	struct prefix		 pfx;
	struct alert_key	 keys[];
};

struct dsrc {
	int			 role;		/* enum config_bgp_role */
	uint32_t		 peer_as;
	int			 monitored;
	char			 name[ALERT_VICTIM_MAX];
};

struct detect {
	/* what every route reads first, together (a line or two, not one per
	 * field strewn over the struct's 170 KB) */
	struct detect_counters	 cnt;
	const struct rib_attrs	*last_a;	/* relevant(): the last set's answer */
	uint32_t		 last_hash;
	int			 last_rel;
	int			 moas_enabled;	/* the config's moas rule */
	uint32_t		 nsrcseen;
	struct dpf		*pf;
	struct dsrc		**src;		/* by RIB source id, lazily */
	uint16_t		*cmp;		/* per compare pair: RIB ids of a, b (0: unknown) */
	struct rib		*rib;
	struct alert_engine	*ae;
	const struct config	*cfg;
	struct detect_params	 params;
	struct dindex		 mon[2];	/* monitored prefixes v4, v6 */
	struct dindex		 bog[2];	/* bogon blocks and extra prefixes */
	struct dspace		 space[2];	/* where the prefix alone may matter */
	uint8_t			 bogmap[2][8192];	/* first 16 bits touching a bogon */
	uint32_t		*monas;		/* monitored origins, sorted */
	size_t			 nmonas;
	uint32_t		*pathas;	/* monitored ASes with up/downstreams */
	size_t			 npathas;
	uint32_t		*relas;		/* ASes with relationships */
	size_t			 nrelas;
	uint32_t		*bogas;		/* extra bogon ASNs */
	size_t			 nbogas;
	uint8_t			 asbloom[8192];	/* any of the above, by hash */
	struct bogon_table	 bogons;
	struct dent		**ht;
	size_t			 htsize, htcount;
	uint8_t			 htbloom[1 << 15];	/* bit (hash & 0x3ffff): may be in ht */
	uint8_t			 srcseen[8192];	/* RIB sources that sent routes */
	struct dadj		*adjtab[DADJ_BUCKETS];
	uint32_t		 nadjrec;	/* records in adjtab */
	struct prefix		*work;		/* roots of the rescan left to do */
	size_t			 nwork, capwork;
	int			 reloading;	/* a rescan is in progress */
	int			 indexed;	/* the maps below were built once (not zero) */
	struct rib_route	*routes;	/* one prefix's routes, all of them (lookup) */
	unsigned		 caproutes;
};

/* detect_index.c */
int	 dindex_build(struct detect *);
void	 dindex_free(struct detect *);
const struct dpfx *dindex_lpm(const struct dindex *, const struct prefix *);
const struct dpfx *dindex_mon(const struct detect *, const struct prefix *);
const struct bogon_block *dindex_bogon(const struct detect *, const struct prefix *,
	    const struct prefix **extra);
int	 dasn_in(const uint32_t *, size_t, uint32_t);
int	 dmon_as(const struct detect *, uint32_t);
void	 dspace_init(struct dspace *, uint8_t bits, uint32_t maxblk);
void	 dspace_clear(struct dspace *);
void	 dspace_free(struct dspace *);
void	 dspace_mark(struct dspace *, const struct prefix *);
int	 dspace_finish(struct dspace *);
void	 dspace_mark_start(struct dspace *, const struct prefix *);

static inline unsigned
dpopcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555u);
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (unsigned)((x * 0x0101010101010101u) >> 56);
}

/* The block number of marked, not full /16 c (after dspace_finish). */
static inline uint32_t
dspace_block(const struct dspace *s, uint32_t c)
{
	uint64_t part = s->l1[c >> 6] & ~s->full[c >> 6];

	return s->rank[c >> 6] + dpopcount64(part & (((uint64_t)1 << (c & 63)) - 1));
}

/* 0: p starts in no marked cell of s (p of s's address family). */
static inline int
dspace_in(const struct dspace *s, const struct prefix *p)
{
	uint32_t c = (uint32_t)p->addr[0] << 8 | p->addr[1], b, k;

	if (!((s->l1[c >> 6] >> (c & 63)) & 1))
		return 0;
	if (((s->full[c >> 6] >> (c & 63)) & 1) || s->blk == NULL)
		return 1;
	b = s->bits == 8 ? p->addr[2] : (uint32_t)p->addr[2] << 8 | p->addr[3];
	k = dspace_block(s, c);
	/* the eighth first (a byte per block, cached): most routes of a /16 with
	 * a monitored prefix are in another /19 (IPv4) of it */
	if (!((s->sum[k] >> (b >> (s->bits - 3))) & 1))
		return 0;
	return (s->blk[((size_t)k << s->bits >> 6) + (b >> 6)] >> (b & 63)) & 1;
}

/* 0: no monitored prefix, bogon or record can concern p (see struct dspace). */
static inline int
dspace_has(const struct detect *d, const struct prefix *p)
{
	return dspace_in(&d->space[p->af == PREFIX_AF_IPV6], p);
}

static inline unsigned
das_hash(uint32_t asn)
{
	return (asn * 2654435761u) >> 16;
}

/* 0: asn is in none of the AS lists (monitored, path, relationship, bogon). */
static inline int
dmon_as_maybe(const struct detect *d, uint32_t asn)
{
	unsigned h = das_hash(asn);

	return (d->asbloom[h >> 3] >> (h & 7)) & 1;
}

/* detect_rules.c */
int	 dpath_load(const struct rib_attrs *, struct dpath *);
uint8_t	 dpath_facts(const struct detect *, const struct rib_attrs *);
/* e: dindex_mon() of the prefix */
void	 drules_route(struct detect *, uint16_t src, const struct prefix *,
	    const struct dpfx *e, const struct rib_route *, struct dkeys *);
/* Route r's origin AS: the last AS of its path (as the codec reads it), the
 * source's AS for an empty path (RFC 4271 §5.1.2), 0 when that is unknown. */
uint32_t dorigin(const struct detect *, const struct rib_route *r);
void	 drules_moas(struct detect *, const struct prefix *, const struct rib_route *,
	    unsigned n, struct dkeys *);
void	 drules_upstreams(struct detect *, const struct prefix *,
	    const struct config_prefix *, const struct rib_route *, unsigned n,
	    const uint32_t *seen, unsigned nseen, struct dkeys *);
int	 dpfx_has_upstreams(const struct config *, const struct config_prefix *);
struct dkey *dkeys_add(struct dkeys *, enum alert_rule, const char *victim,
	    uint32_t offender, uint32_t offender2, const char *disc);

#endif /* IXW_DETECT_INT_H */
