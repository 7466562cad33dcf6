/*
 * First-seen store for the new-prefix rule: (prefix, origin AS) -> when it was
 * first seen, bounded with least-recently-used eviction, persisted with the alert
 * state (alert_state.c) so a restart does not make every prefix "new" again.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"
#include "agent/alert_priv.h"

static void
lru_unlink(struct alert_engine *e, struct alert_fs *f)
{
	if (f->lprev != NULL)
		f->lprev->lnext = f->lnext;
	else
		e->fs_head = f->lnext;
	if (f->lnext != NULL)
		f->lnext->lprev = f->lprev;
	else
		e->fs_tail = f->lprev;
}

static void
lru_push(struct alert_engine *e, struct alert_fs *f)
{
	f->lprev = NULL;
	f->lnext = e->fs_head;
	if (e->fs_head != NULL)
		e->fs_head->lprev = f;
	else
		e->fs_tail = f;
	e->fs_head = f;
}

static uint32_t
fs_hash(const struct prefix *p, uint32_t origin)
{
	return alert_prefix_hash(0x811c9dc5u ^ (origin * 0x9e3779b1u), p);
}

struct alert_fs *
alert_fs_find(const struct alert_engine *e, const struct prefix *p, uint32_t origin)
{
	struct alert_hnode	*n;
	struct alert_fs		*f;
	uint32_t		 h = fs_hash(p, origin);

	for (n = e->fs.b[h & e->fs.mask]; n != NULL; n = n->next) {
		f = ALERT_CONTAINER(n, struct alert_fs, hn);
		if (n->hash == h && f->origin == origin && alert_pfx_eq(&f->pfx, p))
			return f;
	}
	return NULL;
}

/* Adds a record (the caller checked it is absent); evicts the LRU one when full. */
int
alert_fs_add(struct alert_engine *e, const struct prefix *p, uint32_t origin, uint64_t first)
{
	struct alert_fs *f;

	if (e->fs.n >= e->p.firstseen_max && (f = e->fs_tail) != NULL) {
		lru_unlink(e, f);
		alert_htab_remove(&e->fs, &f->hn);
		free(f);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->pfx = *p;
	f->origin = origin;
	f->first = first;
	lru_push(e, f);
	alert_htab_insert(&e->fs, &f->hn, fs_hash(p, origin));
	return 0;
}

uint64_t
alert_firstseen(struct alert_engine *e, const struct prefix *p, uint32_t origin,
    uint64_t now, int *is_new)
{
	struct alert_fs *f;

	*is_new = 0;
	if ((f = alert_fs_find(e, p, origin)) != NULL) {
		lru_unlink(e, f);
		lru_push(e, f);
		return f->first;
	}
	if (alert_fs_add(e, p, origin, now) == -1)
		return 0;
	*is_new = 1;
	e->state_gen++;
	return now;
}

uint32_t
alert_firstseen_count(const struct alert_engine *e)
{
	return e->fs.n;
}
