/*
 * RTR caches through rtrlib, seen from the event loop: rtrlib runs its own threads;
 * its callbacks only copy each VRP change into a bounded queue and wake the loop
 * through a pipe. The loop polls rtr_glue_fd() and calls rtr_glue_drain(), which
 * hands the changes over in slices, and reads per-cache status snapshots. Nothing
 * here validates: the VRP table (rtr_vrp.h) is fed by the drain callback.
 * The only user of rtrlib is rtr_rtrlib.c; this header does not include it.
 */
#ifndef IXW_RTR_GLUE_H
#define IXW_RTR_GLUE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rtr/rtr_health.h"
#include "rtr/rtr_vrp.h"

struct rtr_glue_cache_conf {
	const char	*host;
	const char	*port;		/* TCP port or service name */
	uint8_t		 preference;	/* caches with equal preference form a group;
					   the lowest group that syncs is used */
	const char	*bindaddr;	/* NULL: any */
	int		 ssh;		/* RTR over SSH (when rtrlib has libssh) */
	const char	*ssh_user;
	const char	*ssh_hostkey;	/* known host key file */
	const char	*ssh_privkey;
};

struct rtr_glue_conf {
	const struct rtr_glue_cache_conf *caches;
	size_t		 ncaches;
	unsigned	 refresh;	/* seconds; 0: 3600 */
	unsigned	 expire;	/* 0: 7200 */
	unsigned	 retry;		/* 0: 600 */
	size_t		 queue;		/* queued changes before rtrlib waits; 0: 8192 */
};

enum rtr_glue_ev {
	RTR_GLUE_VRP_ADD = 0,
	RTR_GLUE_VRP_DEL,
	RTR_GLUE_STATE,		/* the status of cache `cache` changed */
};

struct rtr_glue_event {
	enum rtr_glue_ev	type;
	uint16_t		cache;	/* index into conf.caches */
	struct rtr_vrp		vrp;
	/* RTR_GLUE_STATE: the cache's state then (the status snapshot may be newer;
	   this one is in order with the VRP changes) */
	enum rtr_cache_state	state;
	int			synced;
};

typedef void (*rtr_glue_cb)(const struct rtr_glue_event *, void *);

struct rtr_glue;

/* Configure (no thread runs yet); NULL with err set. */
struct rtr_glue *rtr_glue_new(const struct rtr_glue_conf *, char *err, size_t errlen);
int	 rtr_glue_start(struct rtr_glue *);
/* Readable when changes are queued. */
int	 rtr_glue_fd(const struct rtr_glue *);
/* Deliver up to max queued changes (0: all) in order; returns how many. If some
 * remain the fd stays readable. Call from the loop thread only. */
size_t	 rtr_glue_drain(struct rtr_glue *, rtr_glue_cb, void *, size_t max);
/* Copy the status of up to n caches; returns the number of caches. */
size_t	 rtr_glue_status(struct rtr_glue *, struct rtr_cache_status *, size_t n);
/* Does this rtrlib build speak RTR over SSH? */
int	 rtr_glue_has_ssh(void);
/* Stop rtrlib, ignoring the removals it sends while closing (counted as "ignored"):
 * the loop keeps its VRPs until it decides otherwise. Not restartable. */
void	 rtr_glue_stop(struct rtr_glue *);
/* Stop if needed and free. NULL-safe. */
void	 rtr_glue_free(struct rtr_glue *);
/*
 * rtr_glue_free() on a thread of its own: stopping a manager frees rtrlib's table
 * (a removal callback per VRP, ~0.5 s for a full set), which must not stall the
 * caller's loop. rtr_glue_reap() waits for every such thread (call it before exit).
 */
void	 rtr_glue_free_async(struct rtr_glue *);
void	 rtr_glue_reap(void);

/*
 * rtrlib's own prefix table, only to cross-check and benchmark rtr_vrp.c against it.
 * rtr_rtrlib_validate() answers VALID, INVALID_AS (any invalid) or NOT_FOUND.
 */
struct rtr_rtrlib_table;
struct rtr_rtrlib_table *rtr_rtrlib_table_new(void);
int	 rtr_rtrlib_table_add(struct rtr_rtrlib_table *, const struct rtr_vrp *);
enum rtr_rov rtr_rtrlib_validate(struct rtr_rtrlib_table *, const struct prefix *,
	    uint32_t asn);
void	 rtr_rtrlib_table_free(struct rtr_rtrlib_table *);

#endif /* IXW_RTR_GLUE_H */
