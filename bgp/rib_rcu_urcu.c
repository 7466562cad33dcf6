/*
 * RIB reclamation on liburcu, "memb" flavour (urcu-memb: read-side lock/unlock
 * are a TLS counter and compiler barriers; the grace period uses the membarrier
 * system call). QSBR would make read_lock free but obliges every reader thread to
 * announce quiescent states periodically, which a control-socket dump or
 * revalidation thread blocked in I/O cannot promise; memb costs a few ns more
 * per read section and needs nothing from the readers. Batches go to call_rcu;
 * its callback (liburcu's thread) only pushes the batch onto a lock-free stack
 * the writer drains, so all freeing stays on the writer thread.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include <urcu/urcu-memb.h>

#include "bgp/rib_rcu.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RIB_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define RIB_TSAN 1
#endif

#ifdef RIB_TSAN
/* TSan cannot see liburcu's grace periods: tell it what they order. */
void	__tsan_acquire(void *);
void	__tsan_release(void *);
#define TSAN_ACQUIRE(a)	__tsan_acquire(a)
#define TSAN_RELEASE(a)	__tsan_release(a)

/*
 * liburcu is not instrumented: its rcu_barrier completion, allocated by the caller
 * and freed on its call_rcu thread, looks like a race. Races in our own code are
 * still reported (only calls made from inside liburcu are suppressed).
 */
const char	*__tsan_default_suppressions(void);

const char *
__tsan_default_suppressions(void)
{
	return "called_from_lib:liburcu.so\n";
}
#else
#define TSAN_ACQUIRE(a)	do { } while (0)
#define TSAN_RELEASE(a)	do { } while (0)
#endif

_Static_assert(sizeof(struct rcu_head) <= sizeof(((struct rib_batch *)0)->backend),
    "rcu_head does not fit in rib_batch");

struct rib_rcu {
	_Atomic(struct rib_batch *) done;	/* pushed by the call_rcu thread */
	unsigned	 outstanding;		/* writer only */
};

struct rib_reader {
	struct rib_rcu	*rcu;
};

/* liburcu registration is per thread; readers and the writer may share one. */
static _Thread_local unsigned registered;

static void
reg(void)
{
	if (registered++ == 0)
		urcu_memb_register_thread();
}

static void
unreg(void)
{
	if (--registered == 0)
		urcu_memb_unregister_thread();
}

struct rib_rcu *
rib_rcu_new(void)
{
	struct rib_rcu	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	atomic_init(&r->done, NULL);
	return r;
}

void
rib_rcu_free(struct rib_rcu *r)
{
	if (r == NULL)
		return;
	free(r);
}

struct rib_reader *
rib_rcu_reader_new(struct rib_rcu *rcu)
{
	struct rib_reader *r;

	if ((r = malloc(sizeof(*r))) == NULL)
		return NULL;
	r->rcu = rcu;
	reg();
	return r;
}

void
rib_rcu_reader_free(struct rib_reader *r)
{
	if (r == NULL)
		return;
	unreg();
	free(r);
}

void
rib_rcu_read_lock(struct rib_reader *r)
{
	urcu_memb_read_lock();
}

void
rib_rcu_read_unlock(struct rib_reader *r)
{
	TSAN_RELEASE(r->rcu);
	urcu_memb_read_unlock();
}

static void
batch_done(struct rcu_head *h)
{
	struct rib_batch *b = (struct rib_batch *)(void *)
	    ((char *)h - offsetof(struct rib_batch, backend));
	struct rib_rcu	*r;
	struct rib_batch *old;

	TSAN_ACQUIRE(b);	/* liburcu's queue ordered b's set-up before us */
	r = b->owner;
	old = atomic_load_explicit(&r->done, memory_order_relaxed);

	do {
		b->next = old;
	} while (!atomic_compare_exchange_weak_explicit(&r->done, &old, b,
	    memory_order_release, memory_order_relaxed));
}

void
rib_rcu_defer(struct rib_rcu *r, struct rib_batch *b)
{
	b->owner = r;
	r->outstanding++;
	/* call_rcu takes the read lock internally: the caller must be registered. */
	reg();
	TSAN_RELEASE(b);
	urcu_memb_call_rcu((struct rcu_head *)(void *)b->backend, batch_done);
	unreg();
}

struct rib_batch *
rib_rcu_reap(struct rib_rcu *r)
{
	struct rib_batch *b, *n;

	if (r->outstanding == 0)
		return NULL;
	b = atomic_exchange_explicit(&r->done, NULL, memory_order_acquire);
	TSAN_ACQUIRE(r);
	for (n = b; n != NULL; n = n->next)
		r->outstanding--;
	return b;
}

void
rib_rcu_barrier(struct rib_rcu *r)
{
	if (r->outstanding == 0)
		return;
	urcu_memb_barrier();
}
