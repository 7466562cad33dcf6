/*
 * The RIB: one path-compressed binary (Patricia) trie per address family whose
 * prefix nodes carry the routes for that prefix, and a hash-consed, reference
 * counted table of attribute sets ("canonical attribute blobs", opaque here).
 *
 * A route is (source id, ADD-PATH path id (RFC 7911), interned attribute set,
 * cached validation state: RPKI ROV (RFC 6811) and ASPA, 2 bits each).
 *
 * Threads: ONE writer (the event-loop thread) calls every function that changes
 * the RIB, plus the source and counter functions. Any number of reader threads
 * look up and walk concurrently without locks and without blocking the writer:
 * each reader thread registers once (rib_reader_new) and brackets its accesses
 * with rib_read_lock/rib_read_unlock. Nodes and route sets are copy-on-write and
 * published with release stores, so a reader sees every prefix either before or
 * after a change, never half of it. Memory is reclaimed after a grace period
 * (liburcu, or a small built-in epoch scheme with --with-rcu=simple).
 *
 * Pointers handed to readers (struct rib_route.attrs) stay valid until
 * rib_read_unlock; on the writer thread until the next call that changes the RIB.
 */
#ifndef IXW_RIB_H
#define IXW_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/prefix.h"

struct rib;
struct rib_attrs;
struct rib_reader;

/* RPKI route origin validation state (RFC 6811), 2 bits. */
enum rib_rpki {
	RIB_RPKI_NOT_CHECKED = 0,
	RIB_RPKI_VALID = 1,
	RIB_RPKI_INVALID = 2,
	RIB_RPKI_NOT_FOUND = 3,
};

/* ASPA verification state (draft-ietf-sidrops-aspa-verification), 2 bits. */
enum rib_aspa {
	RIB_ASPA_NOT_CHECKED = 0,
	RIB_ASPA_VALID = 1,
	RIB_ASPA_INVALID = 2,
	RIB_ASPA_UNKNOWN = 3,
};

/* The cached validation state of a route: rpki | aspa << 2. */
#define RIB_STATE(rpki, aspa)	((uint8_t)(((rpki) & 3) | (((aspa) & 3) << 2)))
#define RIB_STATE_RPKI(s)	((enum rib_rpki)((s) & 3))
#define RIB_STATE_ASPA(s)	((enum rib_aspa)(((s) >> 2) & 3))

enum rib_result {
	RIB_OK = 0,		/* changed */
	RIB_UNCHANGED = 1,	/* same route already there / nothing to withdraw */
	RIB_ERR = -1,		/* bad argument or out of memory; RIB unchanged */
};

/* One route as lookups and walks report it. */
struct rib_route {
	const struct rib_attrs	*attrs;
	uint32_t		 path_id;	/* ADD-PATH path id, 0 without ADD-PATH */
	uint16_t		 source;
	uint8_t			 state;		/* RIB_STATE() */
};

struct rib_source_stats {
	uint32_t	routes;		/* routes currently held */
	uint64_t	updates;	/* rib_route_update calls that changed a route */
	uint64_t	withdraws;	/* routes removed (withdraw or withdraw-all) */
};

/* Object counts include retired objects still waiting for a grace period. */
struct rib_stats {
	uint32_t	prefixes4, prefixes6;	/* prefixes with at least one route */
	uint32_t	routes;
	uint32_t	nodes;		/* trie nodes, glue included */
	uint32_t	glue;		/* of which glue nodes (no route) */
	uint32_t	attrs;		/* live interned attribute sets */
	uint32_t	arrays;		/* multi-route sets */
	uint32_t	sources;
	uint32_t	pending;	/* retired objects waiting for a grace period */
	size_t		bytes;		/* bytes the RIB holds from malloc, all included */
	size_t		bytes_free;	/* of which free slab slots kept for reuse */
	size_t		bytes_attrs;	/* of which attribute sets, their table and ids */
	uint32_t	leaves;		/* of nodes: prefix nodes without children */
};

/*
 * Walk callback: one prefix and all its routes (n >= 1). Return non-zero to stop
 * the walk; that value is then returned by the walk function.
 */
typedef int (*rib_walk_cb)(const struct prefix *, const struct rib_route *,
    unsigned n, void *arg);

/* --- life cycle (writer thread) ---------------------------------------- */
struct rib	*rib_new(void);
void		 rib_free(struct rib *);
/* Hand retired memory to the reclamation backend and free what is due. */
void		 rib_reclaim(struct rib *);
/*
 * Wait for a grace period, free everything retired and give completely free slab
 * chunks back to malloc (after a table is dropped or compacted; tests, shutdown).
 */
void		 rib_reclaim_sync(struct rib *);
/*
 * Copies each trie into consecutive memory in walk order and publishes the copy
 * (readers see the old or the new one); the old nodes are retired. Walks, sweeps
 * and lookups then touch far fewer cache lines. Call when idle, e.g. after the
 * initial table load (End-of-RIB), then rib_reclaim_sync() later to give back the
 * old chunks. Needs room for a second copy of the nodes meanwhile. 0 or -1.
 */
int		 rib_compact(struct rib *);
void		 rib_stats(const struct rib *, struct rib_stats *);

/* --- sources (writer thread) ------------------------------------------- */
/* Returns the new source id (1..65535) or -1. descr is copied (NULL: ""). */
int		 rib_source_add(struct rib *, const char *descr);
/* Withdraws all routes of the source, then releases its id. */
int		 rib_source_remove(struct rib *, uint16_t);
const char	*rib_source_descr(const struct rib *, uint16_t);
int		 rib_source_stats(const struct rib *, uint16_t,
		    struct rib_source_stats *);

/* --- attribute sets (writer thread) ------------------------------------ */
/*
 * Interns an opaque canonical attribute blob (identical sets give identical
 * bytes; see bgp codec). origin_as and path_len are cached beside it for the
 * detection rules. Returns a referenced set (drop with rib_attrs_unref) or NULL.
 */
struct rib_attrs *rib_attrs_intern(struct rib *, const uint8_t *blob, size_t len,
		    uint32_t origin_as, uint8_t path_len);
void		 rib_attrs_ref(struct rib *, struct rib_attrs *);
void		 rib_attrs_unref(struct rib *, struct rib_attrs *);
/* Accessors, also safe on reader threads for sets obtained from a route. */
const uint8_t	*rib_attrs_blob(const struct rib_attrs *, size_t *len);
uint32_t	 rib_attrs_origin_as(const struct rib_attrs *);
uint8_t		 rib_attrs_path_len(const struct rib_attrs *);
uint32_t	 rib_attrs_hash(const struct rib_attrs *);

/* --- routes (writer thread) -------------------------------------------- */
/* Adds or replaces the route (source, path_id) for prefix. Takes its own reference. */
enum rib_result	 rib_route_update(struct rib *, uint16_t source, uint32_t path_id,
		    const struct prefix *, struct rib_attrs *, uint8_t state);
enum rib_result	 rib_route_withdraw(struct rib *, uint16_t source, uint32_t path_id,
		    const struct prefix *);
/* Changes only the cached validation state of an existing route. */
enum rib_result	 rib_route_set_state(struct rib *, uint16_t source, uint32_t path_id,
		    const struct prefix *, uint8_t state);
/* Removes every route of a source (peer down) in one sweep; returns the count. */
uint32_t	 rib_source_withdraw_all(struct rib *, uint16_t source);

/* --- readers ------------------------------------------------------------ */
/* Called on the reader thread before/after its first/last use of the RIB. */
struct rib_reader *rib_reader_new(struct rib *);
void		 rib_reader_free(struct rib_reader *);
void		 rib_read_lock(struct rib_reader *);
void		 rib_read_unlock(struct rib_reader *);

/*
 * Lookups and walks: on the writer thread, or on a reader thread inside
 * rib_read_lock/unlock. Lookups copy up to max routes into out and return how
 * many the prefix has (0: none). rib_lookup_lpm finds the longest prefix with
 * routes that contains p (an address is a prefix of full length) and stores it
 * in matched.
 */
int		 rib_lookup_exact(struct rib *, const struct prefix *,
		    struct rib_route *out, unsigned max);
int		 rib_lookup_lpm(struct rib *, const struct prefix *, struct prefix *matched,
		    struct rib_route *out, unsigned max);
/*
 * n lookups at once, each as the function above would do it: count[i] gets what
 * it returns for q[i] (-1: a bad prefix), up to max routes of q[i] go to
 * out[i * max ...] (out may be NULL), and for the LPM its match to matched[i]
 * (may be NULL). Several descents run interleaved, so their cache misses
 * overlap: for many random lookups (a reader checking a list of prefixes).
 */
/*
 * All of p's routes (a route server's prefix may have hundreds) into *buf, which
 * grows as needed (*cap its room; the caller frees it; NULL and 0 to start): the
 * count, -1 for a bad prefix; out of memory, what fits.
 */
int		 rib_lookup_exact_all(struct rib *, const struct prefix *,
		    struct rib_route **buf, unsigned *cap);
void		 rib_lookup_exact_many(struct rib *, const struct prefix *q, size_t n,
		    int *count, struct rib_route *out, unsigned max);
void		 rib_lookup_lpm_many(struct rib *, const struct prefix *q, size_t n,
		    int *count, struct prefix *matched, struct rib_route *out,
		    unsigned max);
/* p and every prefix inside it, in address order. */
int		 rib_walk_more_specifics(struct rib *, const struct prefix *,
		    rib_walk_cb, void *);
/* Every prefix containing p (p included), shortest first. */
int		 rib_walk_less_specifics(struct rib *, const struct prefix *,
		    rib_walk_cb, void *);
/* The whole RIB: IPv4 then IPv6, in address order. */
int		 rib_walk(struct rib *, rib_walk_cb, void *);
/* Routes of one source: the callback sees only that source's routes. */
int		 rib_source_walk(struct rib *, uint16_t source, rib_walk_cb, void *);

/* The RIB allocator's reserved but untouched memory (a partly used huge page is
 * resident whole): call periodically; returns 1 while the RIB grew since the
 * previous call, and once it stopped (0) gives that memory back to the system. */
int		 rib_memory_trim(void);

#endif /* IXW_RIB_H */
