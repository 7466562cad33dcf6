/*
 * Deferred reclamation behind a small interface, so the RIB builds with liburcu
 * (rib_rcu_urcu.c) or with the built-in epoch scheme (rib_rcu_simple.c) chosen by
 * configure --with-rcu. The writer retires objects into batches; a batch is handed
 * over once full and comes back from rib_rcu_reap() after a grace period, when no
 * reader can still hold a reference into it. Freeing stays on the writer thread.
 */
#ifndef IXW_RIB_RCU_H
#define IXW_RIB_RCU_H

#include <stdint.h>

struct rib_rcu;
struct rib_reader;

struct rib_retired {
	void		*ptr;		/* RETIRE_PTR: memory to free */
	uint32_t	 idx;		/* slab index, attrs id or array handle */
	uint32_t	 kind;		/* enum retire_kind (rib_impl.h) */
};

struct rib_batch {
	void		*backend[2];	/* room for liburcu's struct rcu_head */
	struct rib_rcu	*owner;
	struct rib_batch *next;
	uint32_t	 epoch;		/* simple backend: epoch at hand-over */
	uint32_t	 n;
	struct rib_retired items[];
};

struct rib_rcu	*rib_rcu_new(void);
/* Waits for outstanding batches; they must have been reaped by the caller. */
void		 rib_rcu_free(struct rib_rcu *);
struct rib_reader *rib_rcu_reader_new(struct rib_rcu *);
void		 rib_rcu_reader_free(struct rib_reader *);
void		 rib_rcu_read_lock(struct rib_reader *);
void		 rib_rcu_read_unlock(struct rib_reader *);
/* Writer: a batch whose objects are unreachable for new readers. */
void		 rib_rcu_defer(struct rib_rcu *, struct rib_batch *);
/* Writer: batches whose grace period has elapsed (linked by next), or NULL. */
struct rib_batch *rib_rcu_reap(struct rib_rcu *);
/* Writer: block until every deferred batch can be reaped. */
void		 rib_rcu_barrier(struct rib_rcu *);

#endif /* IXW_RIB_RCU_H */
