/*
 * RTR cache status as the rest of ixwatch sees it (filled by rtr_rtrlib.c), and the
 * RPKI health evaluation behind the "RTR health" detection: no cache in sync, data
 * older than the expire interval (RFC 8210 section 6), a sudden drop of the VRP
 * count (a trust anchor or publication point in trouble). Pure code.
 */
#ifndef IXW_RTR_HEALTH_H
#define IXW_RTR_HEALTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum rtr_cache_state {
	RTR_CACHE_IDLE = 0,	/* not started (its group is not in use) */
	RTR_CACHE_CONNECTING,
	RTR_CACHE_SYNCING,	/* connected, receiving data */
	RTR_CACHE_UP,		/* connected and in sync */
	RTR_CACHE_ERROR,
	RTR_CACHE_DOWN,		/* shut down */
};

struct rtr_cache_status {
	char			host[64];
	char			port[16];
	uint8_t			preference;
	uint8_t			ssh;
	enum rtr_cache_state	state;
	char			detail[32];	/* rtrlib's socket state name */
	int			synced;		/* completed a sync at least once */
	uint32_t		serial;
	uint32_t		session_id;
	size_t			vrps;		/* VRPs this cache holds now */
	uint64_t		added;		/* VRP changes received */
	uint64_t		removed;
	uint64_t		ignored;	/* removals dropped while stopping */
	time_t			last_update;	/* wall clock of the last completed sync */
	unsigned		refresh;	/* intervals in force (the cache's) */
	unsigned		retry;
	unsigned		expire;
};

const char *rtr_cache_state_str(enum rtr_cache_state);

enum rtr_health_flag {
	RTR_HEALTH_NO_SYNC = 0x01,	/* no cache connected and in sync */
	RTR_HEALTH_STALE = 0x02,	/* newest data older than its expire interval */
	RTR_HEALTH_VRP_DROP = 0x04,	/* VRP count fell suddenly */
};

struct rtr_health_conf {
	unsigned	drop_pct;	/* a fall of at least this many percent ... (0: 10) */
	size_t		drop_min;	/* ... and of at least this many VRPs (0: 1000) */
	unsigned	drop_hold;	/* seconds before a lower count is accepted (0: 3600) */
};

/* Kept by the caller between evaluations. */
struct rtr_health_state {
	size_t		baseline;	/* the count a drop is measured against */
	time_t		drop_since;	/* 0: no drop in progress */
};

struct rtr_health {
	unsigned	flags;		/* enum rtr_health_flag */
	size_t		caches;
	size_t		connected;
	size_t		in_sync;
	size_t		stale;		/* synced caches whose data outlived expire */
	time_t		newest;		/* last_update of the freshest cache; 0: never */
	size_t		vrps;
	size_t		baseline;
};

/*
 * Evaluate n caches' status and the table's VRP count at time now. The state is
 * updated; out says what is wrong. Connected: syncing or up; in sync: up after a
 * completed sync and not past expire.
 */
void	 rtr_health_eval(const struct rtr_cache_status *, size_t n, size_t vrps, time_t now,
	    const struct rtr_health_conf *, struct rtr_health_state *, struct rtr_health *out);

#endif /* IXW_RTR_HEALTH_H */
