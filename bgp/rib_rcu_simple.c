/*
 * RIB reclamation without dependencies (--with-rcu=simple, static cross builds):
 * a global epoch per RIB and one announced epoch per registered reader, all
 * 32-bit atomics (no 64-bit atomics on 32-bit MIPS/ARM). A reader announces the
 * epoch it saw when it enters a read section and 0 when it leaves. A batch handed
 * over at epoch e is freed once every reader is outside (0) or entered after the
 * epoch moved past e. Readers never wait; the writer never waits except in
 * rib_rcu_barrier. The store/fence/load pairs on both sides make sure that either
 * the writer sees a reader's announcement or that reader sees the unlinking.
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bgp/rib_rcu.h"

#define MAX_READERS	64

struct rib_reader {
	_Atomic uint32_t epoch;		/* 0: not in a read section */
	_Atomic uint32_t used;
	struct rib_rcu	*rcu;
};

struct rib_rcu {
	_Atomic uint32_t epoch;
	struct rib_batch *head, *tail;	/* writer only, oldest first */
	struct rib_reader readers[MAX_READERS];
};

struct rib_rcu *
rib_rcu_new(void)
{
	struct rib_rcu	*r;
	unsigned	 i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	atomic_init(&r->epoch, 1);
	for (i = 0; i < MAX_READERS; i++) {
		atomic_init(&r->readers[i].epoch, 0);
		atomic_init(&r->readers[i].used, 0);
		r->readers[i].rcu = r;
	}
	return r;
}

void
rib_rcu_free(struct rib_rcu *r)
{
	free(r);
}

struct rib_reader *
rib_rcu_reader_new(struct rib_rcu *rcu)
{
	unsigned	 i;
	uint32_t	 z;

	for (i = 0; i < MAX_READERS; i++) {
		z = 0;
		if (atomic_compare_exchange_strong(&rcu->readers[i].used, &z, 1))
			return &rcu->readers[i];
	}
	return NULL;
}

void
rib_rcu_reader_free(struct rib_reader *r)
{
	if (r == NULL)
		return;
	atomic_store_explicit(&r->epoch, 0, memory_order_release);
	atomic_store_explicit(&r->used, 0, memory_order_release);
}

void
rib_rcu_read_lock(struct rib_reader *r)
{
	atomic_store(&r->epoch, atomic_load(&r->rcu->epoch));
	atomic_thread_fence(memory_order_seq_cst);
}

void
rib_rcu_read_unlock(struct rib_reader *r)
{
	atomic_store_explicit(&r->epoch, 0, memory_order_release);
}

void
rib_rcu_defer(struct rib_rcu *r, struct rib_batch *b)
{
	uint32_t	 e;

	b->owner = r;
	b->next = NULL;
	e = atomic_fetch_add(&r->epoch, 1);
	if (e + 1 == 0)
		atomic_fetch_add(&r->epoch, 1);	/* 0 means "outside" */
	b->epoch = e;
	if (r->tail != NULL)
		r->tail->next = b;
	else
		r->head = b;
	r->tail = b;
}

/* Is every reader outside, or inside since after epoch e? */
static int
grace_over(struct rib_rcu *r, uint32_t e)
{
	unsigned	 i;
	uint32_t	 re;

	for (i = 0; i < MAX_READERS; i++) {
		re = atomic_load(&r->readers[i].epoch);
		if (re != 0 && (int32_t)(re - (e + 1)) < 0)
			return 0;
	}
	return 1;
}

struct rib_batch *
rib_rcu_reap(struct rib_rcu *r)
{
	struct rib_batch *first = r->head, *last = NULL, *b;

	if (first == NULL)
		return NULL;
	atomic_thread_fence(memory_order_seq_cst);
	for (b = r->head; b != NULL && grace_over(r, b->epoch); b = b->next)
		last = b;
	if (last == NULL)
		return NULL;
	r->head = last->next;
	if (r->head == NULL)
		r->tail = NULL;
	last->next = NULL;
	return first;
}

void
rib_rcu_barrier(struct rib_rcu *r)
{
	while (r->tail != NULL) {
		atomic_thread_fence(memory_order_seq_cst);
		if (grace_over(r, r->tail->epoch))
			break;
		sched_yield();
	}
}
