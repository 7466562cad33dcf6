/*
 * ixwatch's own VRP table and route origin validation (RFC 6811).
 *
 * The table is fed by deltas (RTR caches through rtr_rtrlib.c, local JSON files
 * through rtr_json.c) and keeps a reference count per VRP, because the same
 * (prefix, maxlen, asn) can come from several caches or files. Pure code: no I/O,
 * no globals, no locks; the event-loop thread is its only user.
 */
#ifndef IXW_RTR_VRP_H
#define IXW_RTR_VRP_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/prefix.h"

/* A Validated ROA Payload. */
struct rtr_vrp {
	struct prefix	prefix;
	uint8_t		maxlen;
	uint32_t	asn;
};

/* RFC 6811 outcomes; "invalid" split by reason (origin AS vs. max-length). */
enum rtr_rov {
	RTR_ROV_NOT_FOUND = 0,
	RTR_ROV_VALID,
	RTR_ROV_INVALID_AS,	/* covered, no VRP with this origin */
	RTR_ROV_INVALID_LEN,	/* a VRP has this origin, but the route is too long */
};

/* Results of add/del. */
enum rtr_vrp_res {
	RTR_VRP_ERR = -1,	/* bad input (maxlen < len, maxlen > 32/128) or no memory */
	RTR_VRP_NEW = 0,	/* add: first reference; del: last reference gone */
	RTR_VRP_REF,		/* add/del changed the count only */
	RTR_VRP_ABSENT,		/* del: no such VRP */
};

/* The origin of a route for ROV: an AS, or an AS_SET (never "matched"). */
#define RTR_ORIGIN_SET	UINT64_C(0x100000000)

struct rtr_vrp_store;

struct rtr_vrp_store *rtr_vrp_new(void);
void	 rtr_vrp_free(struct rtr_vrp_store *);
int	 rtr_vrp_add(struct rtr_vrp_store *, const struct rtr_vrp *);
int	 rtr_vrp_del(struct rtr_vrp_store *, const struct rtr_vrp *);
/* Reference count of a VRP (0 if absent). */
unsigned rtr_vrp_refs(const struct rtr_vrp_store *, const struct rtr_vrp *);
size_t	 rtr_vrp_count(const struct rtr_vrp_store *, uint8_t af);	/* NONE: both */
/* Bytes held by the table (node, key and entry arrays, by capacity). */
size_t	 rtr_vrp_mem(const struct rtr_vrp_store *);

/*
 * Validate a route: origin is the AS (uint32) or RTR_ORIGIN_SET when the path ends
 * in an AS_SET (or is empty). AS0 VRPs cover but never match (RFC 7607, 6483).
 */
enum rtr_rov rtr_rov_validate(const struct rtr_vrp_store *, const struct prefix *,
	    uint64_t origin);
const char *rtr_rov_str(enum rtr_rov);

/*
 * Validation of many routes in address order (a RIB walk): the cursor keeps the
 * path of VRP trie nodes that cover the last prefix, so the next prefix only pops
 * what no longer covers it and descends from there, instead of from the root.
 * The VRPs covering a prefix are shared by all its more-specifics. Results equal
 * rtr_rov_validate()'s for any order of queries; the store must not change while
 * a cursor is in use (rtr_rov_cursor_reset() after a change).
 */
struct rtr_rov_cursor {
	const struct rtr_vrp_store	*s;
	uint8_t				 af;
	uint8_t				 depth;		/* nodes on the path */
	uint8_t				 withents;	/* of which with VRPs */
	uint32_t			 path[129];
};

void	 rtr_rov_cursor_init(struct rtr_rov_cursor *, const struct rtr_vrp_store *);
void	 rtr_rov_cursor_reset(struct rtr_rov_cursor *);
enum rtr_rov rtr_rov_cursor_validate(struct rtr_rov_cursor *, const struct prefix *,
	    uint64_t origin);

typedef int (*rtr_vrp_cb)(const struct rtr_vrp *, void *);
/* Every VRP whose prefix covers p (shortest first); returns the count or the cb's non-0. */
int	 rtr_vrp_covering(const struct rtr_vrp_store *, const struct prefix *,
	    rtr_vrp_cb, void *);
/* Every VRP in the table, in prefix order (IPv4 first). */
int	 rtr_vrp_walk(const struct rtr_vrp_store *, rtr_vrp_cb, void *);
/*
 * The same walk in pieces: the VRPs after prefix *after (NULL: from the start),
 * whole prefixes at a time until at least max VRPs were passed to cb; *last is
 * set to the last prefix emitted, the place to go on from. Returns 0 when the
 * walk is complete, 1 when more remains, or cb's result (cb returns 0 or < 0).
 * The store must not change between the pieces.
 */
int	 rtr_vrp_walk_from(const struct rtr_vrp_store *, const struct prefix *after,
	    size_t max, rtr_vrp_cb, void *, struct prefix *last);

/*
 * Which routes can a set of VRP changes affect? Every route covered by a changed VRP's
 * prefix, at any length (a route longer than maxlen turns from not-found to invalid).
 * Sorts the prefixes and drops those inside another one, leaving the subtrees the RIB
 * has to revalidate. Returns the new count.
 */
size_t	 rtr_vrp_roots(struct prefix *, size_t n);

#endif /* IXW_RTR_VRP_H */
