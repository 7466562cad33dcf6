/*
 * Sources and the one path every route takes into the RIB.
 *
 * A source is where routes come from: a BMP router (no routes of its own), a BMP
 * monitored peer for one RIB type (RFC 7854 pre/post-policy, RFC 8671 Adj-RIB-Out,
 * RFC 9069 Loc-RIB), one of the agent's BGP sessions, or an MRT peer being replayed.
 * The collectors (BMP listener, BGP sessions, MRT replay) create sources and hand
 * them UPDATEs; this module decodes them with the source's negotiated capabilities,
 * applies the RFC 7606 outcome, interns the canonical attribute set and changes the
 * daemon's RIB, then tells the subscribers (RPKI validation before insertion,
 * detection and SNMP after). Everything runs on the loop thread.
 *
 * Numbering of types, RIB types and states follows IXWATCH-MIB (ixwatchSourceTable).
 */
#ifndef IXW_SOURCE_H
#define IXW_SOURCE_H

#include <stdint.h>
#include <time.h>

#include "bgp/bgp.h"
#include "bgp/prefix.h"

struct rib;
struct rib_attrs;

enum source_type {
	SOURCE_BMP_ROUTER = 1,
	SOURCE_BMP_PEER = 2,
	SOURCE_BGP = 3,
	SOURCE_MRT = 4,
};

enum source_rib_type {
	SOURCE_RIB_NONE = 1,
	SOURCE_RIB_IN_PRE = 2,
	SOURCE_RIB_IN_POST = 3,
	SOURCE_RIB_OUT_PRE = 4,
	SOURCE_RIB_OUT_POST = 5,
	SOURCE_RIB_LOC = 6,
};

enum source_state {
	SOURCE_DOWN = 1,
	SOURCE_CONNECTING = 2,
	SOURCE_SYNCING = 3,	/* up, End-of-RIB not yet seen for every family */
	SOURCE_UP = 4,
};

/* Address families a source carries, for End-of-RIB tracking. */
#define SOURCE_AF_IPV4	0x01
#define SOURCE_AF_IPV6	0x02

struct source_counters {
	uint64_t	updates;	/* UPDATE messages (or MRT RIB entries) applied */
	uint64_t	announcements;	/* routes added or replaced */
	uint64_t	withdrawals;	/* routes withdrawn, treat-as-withdraw included */
	uint64_t	attr_discards;	/* RFC 7606 attribute discard */
	uint64_t	treat_as_withdraw; /* RFC 7606 treat-as-withdraw */
	uint64_t	resets;		/* RFC 7606 session resets (the owner acts) */
};

struct source {
	uint32_t		 id;		/* registry id, never reused while running */
	uint16_t		 rib_id;	/* RIB source id; 0 for BMP routers */
	uint8_t			 type;		/* enum source_type */
	uint8_t			 rib_type;	/* enum source_rib_type */
	uint8_t			 state;		/* enum source_state */
	uint8_t			 af_expect;	/* SOURCE_AF_*: families to see EoR for */
	uint8_t			 af_eor;	/* SOURCE_AF_*: End-of-RIB seen */
	char			 name[64];
	struct source		*parent;	/* a BMP peer's router */
	/* who: the BMP router / the BGP neighbor or MRT peer */
	uint8_t			 router_af, peer_af;
	uint8_t			 router_addr[16], peer_addr[16];
	uint32_t		 peer_as;
	uint32_t		 peer_bgp_id;
	uint8_t			 has_rd;
	uint8_t			 rd[8];		/* BMP peer distinguisher */
	char			 table_name[64];	/* RFC 9069 Loc-RIB table */
	time_t			 state_since;	/* in this state since */
	time_t			 up_since;	/* came up (syncing or up) at, 0: down */
	struct bgp_sess		 sess;		/* how this source's UPDATEs are decoded */
	struct source_counters	 count;
	char			 last_error[160];
	void			*owner;		/* the collector's own state */
};

int		 source_init(void);
void		 source_shutdown(void);
/* The daemon's RIB. */
struct rib	*source_rib(void);

/*
 * A new source, in state DOWN. Sources of routes (all but BMP routers) get a RIB
 * source id; name is copied (truncated to 63 bytes). NULL on failure (logged).
 */
struct source	*source_new(enum source_type, const char *name, struct source *parent);
/* Withdraws its routes (subscribers see them go), forgets it. NULL-safe. */
void		 source_free(struct source *);
struct source	*source_by_id(uint32_t);
struct source	*source_by_rib_id(uint16_t);
/* Iteration in id order: source_next(NULL) is the first. */
struct source	*source_next(const struct source *);
/* The source of the smallest id >= id, or NULL; a walk by growing ids costs O(1) a step. */
struct source	*source_from(uint32_t id);
unsigned	 source_count(void);
/* UPDATE messages applied since start, by every source there is or was. */
uint64_t	 source_updates_total(void);

/* State changes (reason may be NULL; it becomes last_error when going down). */
void		 source_set_state(struct source *, enum source_state, const char *reason);
const char	*source_state_str(enum source_state);
const char	*source_type_str(enum source_type);
const char	*source_rib_type_str(enum source_rib_type);

/*
 * Apply one UPDATE body (after the 19-byte header) decoded with src->sess. Returns
 * the RFC 7606 outcome: on BGP_ERR_SESSION_RESET nothing was applied and err says
 * what to send; the owner resets the session (BGP) or closes the router (BMP).
 * Treat-as-withdraw withdraws every prefix the UPDATE carries; attribute discard
 * applies the rest. End-of-RIB markers move the source from SYNCING to UP.
 */
enum bgp_result	 source_apply_update(struct source *, const uint8_t *body, size_t len,
		    struct bgp_error *err);
/*
 * Apply one route with a bare attribute block (MRT TABLE_DUMP_V2, flags as for
 * bgp_attrs_decode, e.g. BGP_ATTRS_MRT_NH). Same outcomes.
 */
enum bgp_result	 source_apply_route(struct source *, const struct prefix *, uint32_t path_id,
		    const uint8_t *attrs, size_t len, unsigned flags, struct bgp_error *err);
/* Withdraws one route; 1 if it was there. */
int		 source_withdraw(struct source *, const struct prefix *, uint32_t path_id);
/* Withdraws every route of the source (peer down, session reset); returns the count. */
uint32_t	 source_withdraw_all(struct source *);
/* Routes the source holds in the RIB. */
uint32_t	 source_routes(const struct source *);
/* Marks End-of-RIB for families SOURCE_AF_* (what an UPDATE marker does). */
void		 source_eor(struct source *, uint8_t af);

/*
 * The validator gives the cached validation state (bgp/rib.h RIB_STATE()) of a route
 * before it is inserted; without one, routes are inserted NOT_CHECKED.
 */
typedef uint8_t	(*source_validate_fn)(const struct prefix *, const struct rib_attrs *, void *);
void		 source_set_validator(source_validate_fn, void *arg);

/*
 * Subscribers: called after every route change (attrs NULL for a withdrawal) and
 * after every state change. At most SOURCE_MAX_HOOKS of each.
 */
#define SOURCE_MAX_HOOKS	8
typedef void	(*source_route_fn)(const struct source *, const struct prefix *,
		    uint32_t path_id, const struct rib_attrs *, void *arg);
typedef void	(*source_state_fn)(const struct source *, enum source_state old, void *arg);
int		 source_subscribe_routes(source_route_fn, void *arg);
/* Inside a route hook: the validation state (RIB_STATE()) the route was installed
 * with, as the validator gave it (0 for a withdrawal). */
uint8_t		 source_route_state(void);
int		 source_subscribe_state(source_state_fn, void *arg);
/*
 * Called with removed 0 when all of a source's routes are about to go at once
 * (session or BMP peer down, reset, source removed: source_withdraw_all), before
 * the route hooks see them go: what the source showed is no evidence any more,
 * not withdrawn. With removed 1 when the source itself goes (source_free), its
 * routes gone already: its RIB id may name another source next.
 */
typedef void	(*source_flush_fn)(const struct source *, int removed, void *arg);
int		 source_subscribe_flush(source_flush_fn, void *arg);
void		 source_unsubscribe_all(void);

#endif /* IXW_SOURCE_H */
