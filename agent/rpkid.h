/*
 * Live RPKI in the daemon: a loop module that owns the VRP table and the ASPA set,
 * feeds them from RTR caches (rtrlib, through rtr/rtr_glue.h) and local JSON VRP
 * files (polled for changes), validates every route at arrival (RFC 6811 route
 * origin validation, ASPA verification) through the source validator hook, and
 * revalidates only the routes a VRP change can affect (the RIB subtrees under the
 * changed VRP prefixes, RFC 6811 section 2) in slices of a few milliseconds on the
 * loop. Tracks RTR health (RFC 8210 section 6 expire; VRP count drops; minimum
 * count) and tells subscribers when it changes. A reload that changes the RTR
 * cache list starts the new caches beside the running ones and swaps the VRP sets
 * in one step once they are in sync (or drops them after rpki.reload-timeout,
 * raising an rtr-health "cache-switch" event). Control: "show rpki",
 * "show rpki validate PREFIX ASN",
 * "show rpki routes valid|invalid|notfound [PREFIX] [LIMIT]".
 *
 * ASPA direction (draft-ietf-sidrops-aspa-verification): routes from a BGP neighbor
 * for which our configured role is "customer" come from a provider and get the
 * downstream procedure; everything else (peers, RS, RS clients, BMP and MRT
 * sources) the upstream one. When our role is "rs-client" the neighbor is a
 * transparent route server and the first-hop check is skipped.
 */
#ifndef IXW_RPKID_H
#define IXW_RPKID_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/prefix.h"
#include "rtr/rtr_health.h"

struct config_rpki;
struct config_sources;
struct loop_module;

/* Health flags: rtr_health.h's RTR_HEALTH_* plus this one. */
#define RPKID_HEALTH_FEW_VRPS	0x08	/* fewer VRPs than rpki.min-vrps */

/* Called when the health flags change (and not otherwise). */
typedef void	(*rpkid_health_fn)(unsigned flags, unsigned old_flags,
		    const struct rtr_health *, void *arg);

/* Called once per revalidated RIB subtree in which some route changed state. */
typedef void	(*rpkid_reval_fn)(const struct prefix *root);
/*
 * RTR health as events for the detection (rule 10): what is "no-sync", "stale",
 * "vrp-drop" or "few-vrps"; bad 1 when it starts, 0 when it ends; cache is the
 * stable name "rpki" (the caches are named in detail). A missing sync is only
 * reported once a cache was in sync or RPKID_SYNC_GRACE seconds after start.
 */
typedef void	(*rpkid_rtr_event_fn)(const char *cache, const char *what, int bad,
		    const char *detail);
#define RPKID_SYNC_GRACE	60

struct rpkid_stats {
	size_t		vrps4, vrps6;
	size_t		aspas;
	size_t		vrp_mem;	/* bytes held by the VRP table */
	size_t		cache_vrp_mem;	/* bytes of a pending cache list's VRPs (and of
					   the table a swap is building) */
	uint64_t	vrp_changes;	/* first adds / last removes applied */
	uint64_t	reval_batches;	/* revalidation passes completed */
	uint64_t	reval_slices;	/* loop callbacks they took */
	uint64_t	touched;	/* routes revalidated, all passes */
	uint64_t	changed;	/* of those, routes whose state changed */
	uint64_t	last_touched;	/* in the last completed pass */
	uint64_t	last_changed;
	double		max_slice_ms;	/* longest slice */
	int		busy;		/* a pass is running or queued */
	unsigned	health;		/* RTR_HEALTH_* | RPKID_HEALTH_* */
};

/* The loop module ("rpki"): start, reload, stop, status. */
extern struct loop_module rpkid_module;

/*
 * What the module hooks call; tests call them directly. sources may be NULL (no
 * BGP neighbor roles: every route is checked upstream). Returns -1 (logged) when a
 * cache cannot be configured; an unreadable file is logged and retried.
 */
int		 rpkid_open(const struct config_rpki *, const struct config_sources *);
int		 rpkid_reconfigure(const struct config_rpki *, const struct config_sources *);
void		 rpkid_close(void);
/* Registers the control commands (rpkid_open does not). */
int		 rpkid_register_commands(void);

int		 rpkid_subscribe_health(rpkid_health_fn, void *arg);
int		 rpkid_subscribe_revalidated(rpkid_reval_fn);
int		 rpkid_subscribe_rtr_events(rpkid_rtr_event_fn);
void		 rpkid_stats(struct rpkid_stats *);
/* Status of up to n RTR caches (configuration order); returns how many there are. */
size_t		 rpkid_cache_status(struct rtr_cache_status *, size_t n);
/* Poll files and evaluate health now (the module does it every second). */
void		 rpkid_tick(void);
/* Finish any queued revalidation at once (tests, benchmarks). */
void		 rpkid_reval_flush(void);
/* Revalidate every route (ROV and ASPA) in slices. */
void		 rpkid_reval_all(void);

#endif /* IXW_RPKID_H */
