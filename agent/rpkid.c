/*
 * Live RPKI (see rpkid.h): the VRP table and ASPA set of the daemon, their feeds
 * (RTR caches through the rtrlib glue, RFC 8210; local JSON files), validation of
 * routes at arrival (RFC 6811 ROV, ASPA), revalidation of the affected RIB subtrees
 * in time-bounded slices, RTR health, and the "show rpki" commands.
 * Everything here runs on the loop thread.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/config_types.h"
#include "agent/control.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/rpkid.h"
#include "agent/source.h"
#include "bgp/bgp.h"
#include "bgp/rib.h"
#include "rtr/rtr_aspa.h"
#include "rtr/rtr_file.h"
#include "rtr/rtr_glue.h"
#include "rtr/rtr_json.h"
#include "rtr/rtr_vrp.h"

#define SLICE_MS	4.0	/* a revalidation slice stops after this long */
#define SPLIT_LEN4	12	/* shorter roots are split (bounded walks) */
#define SPLIT_LEN6	28
#define DRAIN_MAX	8192	/* glue changes per loop callback */
#define MAX_CACHES	32
#define MAX_SUBS	8
#define TICK_MS		1000

struct vfile {
	char			*path;
	unsigned		 reload;	/* s; 0: once */
	int			 aspa;		/* the ASPA file: only its ASPAs are used */
	struct rtr_vrpset	 set;		/* what is applied now */
	time_t			 mtime;
	off_t			 size;
	time_t			 checked;
	time_t			 loaded;	/* 0: never */
	uint64_t		 loads, failures;
	char			 error[256];
};

/* One queued piece of revalidation: a RIB subtree (or only its top prefix). */
struct root {
	struct prefix	p;
	uint8_t		exact;		/* only p itself */
	uint8_t		full;		/* ASPA too */
};

struct change {
	struct prefix	p;
	uint32_t	path_id;
	uint16_t	source;
	uint8_t		state;
};

struct cacheset;

struct health_sub {
	rpkid_health_fn	 fn;
	void		*arg;
};

static struct {
	int			 open;
	struct rtr_vrp_store	*vrps;
	struct rtr_aspa_store	*aspa;
	int			 aspa_on;	/* an ASPA source is configured */
	const struct config_sources *sources;
	/* caches: the running set and the one a reload is bringing in sync */
	struct cacheset		*cur, *next;
	unsigned		 reload_timeout;	/* s */
	struct {
		uint64_t	 switches, failures;
		uint64_t	 last_changes;	/* VRP changes of the last switch */
		int		 failed;	/* reported to the event subscribers */
		char		 error[256];
		/*
		 * The swap in progress: 1 and 2 build the new table (the new set's
		 * VRPs, then the files'), 3 and 4 compare the old table with it
		 * (what it lost, then what it gained) once it is in use.
		 */
		int		 phase;
		int		 resume;	/* at: where the walk goes on */
		struct prefix	 at;
		struct cacheset	*old;
		struct rtr_vrp_store *tbl;	/* 1-2: being built; 3-4: the old one */
		size_t		 fi, fo;	/* 2: file and VRP going on from */
		size_t		 nvrps;		/* distinct VRPs of the new set */
		uint64_t	 before;	/* rk.st.vrp_changes at the start */
		double		 t0, busy_ms, max_step_ms, last_ms, last_max_step_ms;
		unsigned	 steps;
		struct loop_event *ev;
	} sw;
	/* files */
	struct vfile		*files;
	size_t			 nfiles;
	struct loop_event	*tick;
	/* revalidation */
	struct prefix		*dirty;
	size_t			 ndirty, capdirty;
	int			 dirty_full;
	struct root		*work;
	size_t			 nwork, capwork;
	struct change		*chg;
	size_t			 nchg, capchg;
	struct loop_event	*reval_ev;
	uint64_t		 cur_touched, cur_changed;
	/* health */
	struct rtr_health_conf	 hconf;
	struct rtr_health_state	 hstate;
	struct rtr_health	 health;
	unsigned		 hflags;
	unsigned		 ev_flags;	/* as reported to the event subscribers */
	time_t			 opened;
	int			 synced_once;	/* a cache was in sync since start */
	size_t			 min_vrps;
	struct rpkid_stats	 st;
	struct rib_route	*routes;	/* one prefix's routes (rib_lookup_exact_all) */
	unsigned		 caproutes;
} rk;

/* Kept across open/close. */
static struct health_sub	subs[MAX_SUBS];
static size_t			nsubs;
static rpkid_reval_fn		reval_subs[MAX_SUBS];
static size_t			nreval_subs;
static rpkid_rtr_event_fn	ev_subs[MAX_SUBS];
static size_t			nev_subs;
static int			hooked;

static void	reval_schedule(void);
static void	events_eval(void);
static void	switch_check(void);

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap;
	void	*np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* --- validation ------------------------------------------------------------ */

/* The origin for ROV and the AS path for ASPA (neighbor first), from the blob. */
struct path {
	uint64_t	origin;
	uint32_t	as[256];
	size_t		n;
	int		has_set;
};

static void
path_of(const struct rib_attrs *ra, struct path *pa)
{
	struct bgp_attrs	 a;
	struct bgp_aspath_iter	 it;
	const uint8_t		*blob;
	size_t			 len;
	uint8_t			 seg;
	uint32_t		 asn;

	pa->n = 0;
	pa->has_set = 0;
	pa->origin = RTR_ORIGIN_SET;
	blob = rib_attrs_blob(ra, &len);
	if (bgp_canon_decode(blob, len, &a) == -1)
		return;
	bgp_aspath_iter_init(&it, &a);
	while (bgp_aspath_next(&it, &seg, &asn) == 1) {
		if (seg == BGP_SEG_CONFED_SEQUENCE || seg == BGP_SEG_CONFED_SET)
			continue;
		if (seg == BGP_SEG_SET) {
			pa->has_set = 1;
			pa->origin = RTR_ORIGIN_SET;
			continue;
		}
		pa->origin = asn;
		if (pa->n < sizeof(pa->as) / sizeof(pa->as[0]))
			pa->as[pa->n++] = asn;
	}
	/* a path ending in AS_SET: the origin is "NONE" (RFC 6811 section 2) */
	if (pa->has_set && pa->n > 0 && a.origin_is_set)
		pa->origin = RTR_ORIGIN_SET;
}

/*
 * The origin only (ROV during revalidation), read straight from the canonical blob
 * (bgp.h: version, next hop, attributes sorted by type, AS_PATH 4-octet): the last
 * AS of the last non-confederation segment, or RTR_ORIGIN_SET if that is an AS_SET
 * or the path is empty. Falls back to path_of() on anything unexpected.
 */
static uint64_t
origin_of(const struct rib_attrs *ra)
{
	const uint8_t	*b, *v, *end;
	size_t		 len, off, alen;
	uint64_t	 origin = RTR_ORIGIN_SET;
	struct path	 pa;

	b = rib_attrs_blob(ra, &len);
	if (len < 2 || b[0] != BGP_CANON_VERSION)
		goto slow;
	for (off = 2 + (size_t)b[1]; off + 3 <= len; off += alen) {
		uint8_t flags = b[off], type = b[off + 1];

		if (flags & 0x10) {
			if (off + 4 > len)
				goto slow;
			alen = 4 + ((size_t)b[off + 2] << 8 | b[off + 3]);
		} else
			alen = 3 + (size_t)b[off + 2];
		if (off + alen > len)
			goto slow;
		if (type < BGP_ATTR_AS_PATH)
			continue;
		if (type > BGP_ATTR_AS_PATH)
			return RTR_ORIGIN_SET;	/* no AS_PATH */
		v = b + off + (flags & 0x10 ? 4 : 3);
		end = b + off + alen;
		while (v + 2 <= end) {
			uint8_t st = v[0], n = v[1];

			if (v + 2 + 4 * (size_t)n > end)
				goto slow;
			if (st == BGP_SEG_SET)
				origin = RTR_ORIGIN_SET;
			else if (st == BGP_SEG_SEQUENCE && n > 0)
				origin = (uint32_t)v[2 + 4 * (n - 1)] << 24 |
				    (uint32_t)v[3 + 4 * (n - 1)] << 16 |
				    (uint32_t)v[4 + 4 * (n - 1)] << 8 | v[5 + 4 * (n - 1)];
			v += 2 + 4 * (size_t)n;
		}
		return origin;
	}
	return RTR_ORIGIN_SET;
slow:
	path_of(ra, &pa);
	return pa.origin;
}

static enum rib_rpki
rov_rib(enum rtr_rov r)
{
	switch (r) {
	case RTR_ROV_VALID:
		return RIB_RPKI_VALID;
	case RTR_ROV_INVALID_AS:
	case RTR_ROV_INVALID_LEN:
		return RIB_RPKI_INVALID;
	default:
		return RIB_RPKI_NOT_FOUND;
	}
}

static enum rib_rpki
rov_state(const struct prefix *p, uint64_t origin)
{
	return rov_rib(rtr_rov_validate(rk.vrps, p, origin));
}

/* Direction and first-hop neighbor for a RIB source (see rpkid.h). */
static void
aspa_dir(uint16_t rib_id, enum rtr_aspa_dir *dir, uint32_t *neighbor)
{
	const struct source	*src;
	size_t			 i;

	*dir = RTR_ASPA_UPSTREAM;
	*neighbor = 0;
	/*
	 * The first-hop check needs the AS that sent us the route: only our own
	 * eBGP sessions say it. A BMP peer may be a transparent route server, a
	 * Loc-RIB or an Adj-RIB-Out (paths starting with another AS), an iBGP
	 * session passes paths of others.
	 */
	if (rib_id == 0 || (src = source_by_rib_id(rib_id)) == NULL ||
	    src->type != SOURCE_BGP || rk.sources == NULL)
		return;
	for (i = 0; i < rk.sources->bgp.nneighbors; i++) {
		const struct config_bgp_neighbor *n = &rk.sources->bgp.neighbors[i];

		if (n->name == NULL || strcmp(n->name, src->name) != 0)
			continue;
		if (n->remote_as == n->local_as)
			break;
		*neighbor = src->peer_as;
		if (n->role == CONFIG_ROLE_CUSTOMER)
			*dir = RTR_ASPA_DOWNSTREAM;
		else if (n->role == CONFIG_ROLE_RS_CLIENT)
			*neighbor = 0;
		break;
	}
}

/*
 * RFC 6811 §2: with an empty AS_PATH (or only confederation segments) the
 * origin is the AS of the speaker that sent it: the source's (an iBGP peer, a
 * BMP Loc-RIB); 0 when unknown.
 */
static uint32_t
own_origin(uint16_t rib_id)
{
	const struct source *src = rib_id != 0 ? source_by_rib_id(rib_id) : NULL;

	return src != NULL ? src->peer_as : 0;
}

static enum rib_aspa
aspa_state(const struct path *pa, uint16_t rib_id)
{
	enum rtr_aspa_dir	dir;
	uint32_t		neighbor;

	if (!rk.aspa_on)
		return RIB_ASPA_NOT_CHECKED;
	if (pa->n == 0 && !pa->has_set)
		return RIB_ASPA_UNKNOWN;	/* our own route: no path to judge */
	aspa_dir(rib_id, &dir, &neighbor);
	switch (rtr_aspa_verify(rk.aspa, dir, pa->as, pa->n, pa->has_set, neighbor)) {
	case RTR_ASPA_VALID:
		return RIB_ASPA_VALID;
	case RTR_ASPA_INVALID:
		return RIB_ASPA_INVALID;
	default:
		return RIB_ASPA_UNKNOWN;
	}
}

/*
 * The validator hook: the source is not known here, so ASPA is checked upstream
 * without the first-hop check; route_hook() corrects it for other sources. It
 * runs for every route that arrives: without ASPA, ROV needs the origin alone
 * (origin_of, not a decode of the set), and no VRP of the family means not-found.
 */
static uint8_t
validate_arrival(const struct prefix *p, const struct rib_attrs *ra, void *arg)
{
	struct path pa;

	(void)arg;
	if (!rk.aspa_on)
		return RIB_STATE(rtr_vrp_count(rk.vrps, p->af) == 0 ? RIB_RPKI_NOT_FOUND :
		    rov_state(p, origin_of(ra)), RIB_ASPA_NOT_CHECKED);
	path_of(ra, &pa);
	return RIB_STATE(rov_state(p, pa.origin), aspa_state(&pa, 0));
}

/*
 * What validate_arrival could not do without the source: ASPA with the
 * source's direction and first hop, ROV of an empty path with the source's AS.
 */
static void
route_hook(const struct source *src, const struct prefix *p, uint32_t path_id,
    const struct rib_attrs *ra, void *arg)
{
	struct rib_route	*r;
	struct path		 pa;
	enum rtr_aspa_dir	 dir = RTR_ASPA_UPSTREAM;
	enum rib_rpki		 rov;
	uint32_t		 nb = 0;
	int			 i, n, own;
	size_t			 k;
	uint8_t			 s;

	(void)arg;
	if (ra == NULL || src->rib_id == 0)
		return;
	own = rib_attrs_path_len(ra) == 0 && src->peer_as != 0;
	if (rk.aspa_on)
		aspa_dir(src->rib_id, &dir, &nb);
	if (!own && (!rk.aspa_on || (dir == RTR_ASPA_UPSTREAM && nb == 0)))
		return;		/* what validate_arrival did */
	n = rib_lookup_exact_all(source_rib(), p, &rk.routes, &rk.caproutes);
	r = rk.routes;
	for (i = 0; i < n; i++) {
		if (r[i].source != src->rib_id || r[i].path_id != path_id)
			continue;
		rov = own ? rov_state(p, src->peer_as) : RIB_STATE_RPKI(r[i].state);
		if (rk.aspa_on)
			path_of(ra, &pa);
		s = RIB_STATE(rov, rk.aspa_on ? aspa_state(&pa, src->rib_id) :
		    RIB_ASPA_NOT_CHECKED);
		if (s != r[i].state &&
		    rib_route_set_state(source_rib(), src->rib_id, path_id, p, s) == RIB_OK)
			for (k = 0; k < nreval_subs; k++)
				reval_subs[k](p);	/* the detection saw the arrival state */
		break;
	}
}

/* --- revalidation in slices -------------------------------------------------- */

static void
mark_dirty(const struct prefix *p)
{
	if (grow((void **)&rk.dirty, &rk.capdirty, rk.ndirty + 1, sizeof(*rk.dirty)) == -1) {
		rk.dirty_full = 1;	/* out of memory: revalidate everything */
		return;
	}
	rk.dirty[rk.ndirty++] = *p;
}

static int
push_root(const struct prefix *p, int exact, int full)
{
	if (grow((void **)&rk.work, &rk.capwork, rk.nwork + 1, sizeof(*rk.work)) == -1)
		return -1;
	rk.work[rk.nwork].p = *p;
	rk.work[rk.nwork].exact = (uint8_t)exact;
	rk.work[rk.nwork].full = (uint8_t)full;
	rk.nwork++;
	return 0;
}

struct walk_arg {
	int			full;
	struct rtr_rov_cursor	cur;	/* the walk is in address order */
};

static int
reval_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct walk_arg		*wa = arg;
	const struct rib_attrs	*last = NULL;
	struct path		 pa;	/* not zeroed: 1 kB per prefix otherwise */
	enum rib_rpki		 rov = RIB_RPKI_NOT_FOUND, rv;
	uint32_t		 own;
	unsigned		 i;
	uint8_t			 s;

	pa.n = 0;
	pa.has_set = 0;
	pa.origin = RTR_ORIGIN_SET;

	for (i = 0; i < n; i++) {
		if (r[i].attrs != last) {
			if (wa->full)
				path_of(r[i].attrs, &pa);
			else
				pa.origin = origin_of(r[i].attrs);
			rov = rov_rib(rtr_rov_cursor_validate(&wa->cur, p, pa.origin));
			last = r[i].attrs;
		}
		rv = rov;
		if (rib_attrs_path_len(r[i].attrs) == 0 && (own = own_origin(r[i].source)) != 0)
			rv = rov_rib(rtr_rov_cursor_validate(&wa->cur, p, own));
		s = RIB_STATE(rv, wa->full ? aspa_state(&pa, r[i].source) :
		    RIB_STATE_ASPA(r[i].state));
		rk.cur_touched++;
		if (s == r[i].state)
			continue;
		if (grow((void **)&rk.chg, &rk.capchg, rk.nchg + 1, sizeof(*rk.chg)) == -1)
			return -1;
		rk.chg[rk.nchg].p = *p;
		rk.chg[rk.nchg].path_id = r[i].path_id;
		rk.chg[rk.nchg].source = r[i].source;
		rk.chg[rk.nchg].state = s;
		rk.nchg++;
	}
	return 0;
}

static int
any_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	(void)p; (void)r; (void)n; (void)arg;
	return 1;
}

/*
 * Revalidate one root. Subtrees of short prefixes are split into their top prefix
 * and two halves (each skipped when empty), so no single walk is long.
 */
static void
reval_root(const struct root *w)
{
	struct rib		*rib = source_rib();
	struct rib_stats	 st;
	struct walk_arg		 wa;
	struct prefix		 half;
	unsigned		 split = w->p.af == PREFIX_AF_IPV4 ? SPLIT_LEN4 : SPLIT_LEN6;
	size_t			 i, changed;
	int			 n;

	wa.full = w->full && rk.aspa_on;
	rtr_rov_cursor_init(&wa.cur, rk.vrps);
	rk.nchg = 0;
	/* An empty family: nothing to walk (a walk of it would still scan its slots). */
	rib_stats(rib, &st);
	if ((w->p.af == PREFIX_AF_IPV4 ? st.prefixes4 : st.prefixes6) == 0)
		return;
	if (!w->exact && w->p.len < split &&
	    rib_walk_more_specifics(rib, &w->p, any_cb, NULL) == 0)
		return;		/* nothing under it */
	if (w->exact || w->p.len < split) {
		n = rib_lookup_exact_all(rib, &w->p, &rk.routes, &rk.caproutes);
		if (n > 0)
			reval_cb(&w->p, rk.routes, (unsigned)n, &wa);
		if (!w->exact) {
			for (i = 0; i < 2; i++) {
				half = w->p;
				half.len++;
				if (i == 1)
					half.addr[w->p.len / 8] |= (uint8_t)(0x80 >> (w->p.len % 8));
				push_root(&half, 0, w->full);
			}
		}
	} else
		rib_walk_more_specifics(rib, &w->p, reval_cb, &wa);
	changed = 0;
	for (i = 0; i < rk.nchg; i++) {
		if (rib_route_set_state(rib, rk.chg[i].source, rk.chg[i].path_id,
		    &rk.chg[i].p, rk.chg[i].state) == RIB_OK)
			changed++;
	}
	rk.cur_changed += changed;
	/* the detection re-evaluates the subtree once, not once per route */
	for (i = 0; changed > 0 && i < nreval_subs; i++)
		reval_subs[i](&w->p);
}

/* Turns the dirty prefixes into work; 0 if there is nothing to do. */
static int
reval_take(void)
{
	struct prefix	all;
	size_t		i, n;

	if (rk.dirty_full) {
		rk.dirty_full = 0;
		rk.ndirty = 0;
		memset(&all, 0, sizeof(all));
		all.af = PREFIX_AF_IPV6;
		push_root(&all, 0, 1);
		all.af = PREFIX_AF_IPV4;
		push_root(&all, 0, 1);
		return 1;
	}
	if (rk.ndirty == 0)
		return 0;
	n = rtr_vrp_roots(rk.dirty, rk.ndirty);
	/* pushed in reverse: work is popped from the end, so address order is kept */
	for (i = n; i > 0; i--)
		if (push_root(&rk.dirty[i - 1], 0, 0) == -1) {
			rk.dirty_full = 1;
			break;
		}
	rk.ndirty = 0;
	return 1;
}

/* A pass ends when its work list is empty. */
static void
batch_done(void)
{
	rk.st.reval_batches++;
	rk.st.last_touched = rk.cur_touched;
	rk.st.last_changed = rk.cur_changed;
	rk.st.touched += rk.cur_touched;
	rk.st.changed += rk.cur_changed;
	rk.cur_touched = rk.cur_changed = 0;
	rk.st.busy = 0;
}

/* One slice: work until the budget is used up (0: no limit); 1 if more remains. */
static int
reval_slice(double budget_ms)
{
	double		t0 = mono_ms(), dt;
	struct root	w;

	for (;;) {
		if (rk.nwork == 0) {
			if (!reval_take())
				break;
			rk.st.busy = 1;
		}
		w = rk.work[--rk.nwork];
		reval_root(&w);
		if (rk.nwork == 0)
			batch_done();
		if (budget_ms > 0 && mono_ms() - t0 >= budget_ms)
			break;
	}
	if (rk.nwork == 0 && rk.ndirty == 0 && !rk.dirty_full)
		rk.st.busy = 0;
	dt = mono_ms() - t0;
	rk.st.reval_slices++;
	if (budget_ms > 0 && dt > rk.st.max_slice_ms)
		rk.st.max_slice_ms = dt;
	rib_reclaim(source_rib());
	return rk.nwork > 0 || rk.ndirty > 0 || rk.dirty_full;
}

static void
reval_event(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	if (reval_slice(SLICE_MS))
		reval_schedule();
}

static void
reval_schedule(void)
{
	if (rk.reval_ev == NULL || loop_event_pending(rk.reval_ev))
		return;
	rk.st.busy = 1;
	loop_timer_add(rk.reval_ev, 0);
}

void
rpkid_reval_flush(void)
{
	if (!rk.open)
		return;
	reval_slice(0);
	if (rk.reval_ev != NULL)
		loop_event_del(rk.reval_ev);
}

void
rpkid_reval_all(void)
{
	rk.dirty_full = 1;
	reval_schedule();
}

/* --- VRP changes --------------------------------------------------------------- */

static void
vrp_change(const struct rtr_vrp *v, int add)
{
	int r = add ? rtr_vrp_add(rk.vrps, v) : rtr_vrp_del(rk.vrps, v);

	if (r == RTR_VRP_NEW) {
		rk.st.vrp_changes++;
		mark_dirty(&v->prefix);
	} else if (r == RTR_VRP_ERR)
		log_warnx("rpki: cannot %s a VRP", add ? "add" : "remove");
}

/* --- files ----------------------------------------------------------------------- */

static int
file_vrp_delta(const struct rtr_vrp *v, int add, void *arg)
{
	(void)arg;
	vrp_change(v, add);
	return 0;
}

static int
file_aspa_delta(uint32_t customer, const uint32_t *prov, size_t n, int add, void *arg)
{
	(void)arg;
	if (add)
		return rtr_aspa_set(rk.aspa, customer, prov, n);
	rtr_aspa_del(rk.aspa, customer);
	return 0;
}

static void
file_load(struct vfile *f, const struct stat *sb)
{
	struct rtr_vrpset	 set;
	struct rtr_vrpset_delta	 d = { NULL, NULL, NULL };
	char			 err[256];

	rtr_vrpset_init(&set);
	f->mtime = sb->st_mtime;
	f->size = sb->st_size;
	if (rtr_file_load(f->path, (uint64_t)time(NULL), &set, err, sizeof(err)) == -1) {
		f->failures++;
		snprintf(f->error, sizeof(f->error), "%s", err);
		log_warnx("rpki: %s (keeping the previous data)", err);
		rtr_vrpset_clear(&set);
		return;
	}
	if (f->aspa) {
		/* the ASPA file contributes only ASPAs */
		set.nvrp = 0;
		d.aspa = file_aspa_delta;
	} else
		d.vrp = file_vrp_delta;
	rtr_vrpset_diff(&f->set, &set, &d);
	rtr_vrpset_clear(&f->set);
	f->set = set;
	f->loaded = time(NULL);
	f->loads++;
	f->error[0] = '\0';
	log_info("rpki: loaded %s: %zu VRPs, %zu ASPAs", f->path, set.nvrp, set.naspa);
	if (f->aspa) {
		rk.dirty_full = 1;
		rk.st.aspas = rtr_aspa_count(rk.aspa);
	}
	if (rk.ndirty > 0 || rk.dirty_full)
		reval_schedule();
}

static void
file_poll(struct vfile *f, time_t now, int force)
{
	struct stat sb;

	/* an entry's "expires" passed: read again (drops it) though the file is
	 * the same (its producer may have stopped) */
	if (f->loaded != 0 && f->set.next_expiry != 0 && (uint64_t)now >= f->set.next_expiry)
		force = 2;
	if (!force && f->loaded != 0 && (f->reload == 0 || now - f->checked < (time_t)f->reload))
		return;
	if (!force && f->loaded == 0 && f->failures > 0 && now - f->checked < 10)
		return;
	f->checked = now;
	if (stat(f->path, &sb) == -1) {
		if (f->failures++ == 0 || f->loaded == 0)
			log_warnx("rpki: %s: %s", f->path, strerror(errno));
		snprintf(f->error, sizeof(f->error), "%s", strerror(errno));
		return;
	}
	if (force != 2 && f->loaded != 0 && sb.st_mtime == f->mtime && sb.st_size == f->size)
		return;
	file_load(f, &sb);
}

static void
files_free(void)
{
	size_t i;

	for (i = 0; i < rk.nfiles; i++) {
		free(rk.files[i].path);
		rtr_vrpset_clear(&rk.files[i].set);
	}
	free(rk.files);
	rk.files = NULL;
	rk.nfiles = 0;
}

static int
files_setup(const struct config_rpki *c)
{
	size_t i, n = c->nvrp_files + (c->aspa_file != NULL);

	if (n == 0)
		return 0;
	if ((rk.files = calloc(n, sizeof(*rk.files))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct vfile *f = &rk.files[i];

		rtr_vrpset_init(&f->set);
		if (i < c->nvrp_files) {
			f->path = strdup(c->vrp_files[i].file);
			f->reload = c->vrp_files[i].reload;
		} else {
			f->path = strdup(c->aspa_file);
			f->reload = c->aspa_reload;
			f->aspa = 1;
		}
		rk.nfiles++;
		if (f->path == NULL)
			return -1;
	}
	return 0;
}

/*
 * Applies a new file list: files that stay keep their data; dropped files are
 * unloaded (their VRPs removed), new ones loaded.
 */
static int
files_reconfigure(const struct config_rpki *c)
{
	struct vfile		*old = rk.files;
	size_t			 nold = rk.nfiles, i, j;
	struct rtr_vrpset	 empty;
	struct rtr_vrpset_delta	 d = { file_vrp_delta, file_aspa_delta, NULL };

	rk.files = NULL;
	rk.nfiles = 0;
	if (files_setup(c) == -1) {
		files_free();
		rk.files = old;
		rk.nfiles = nold;
		return -1;
	}
	for (i = 0; i < nold; i++) {
		for (j = 0; j < rk.nfiles; j++)
			if (rk.files[j].aspa == old[i].aspa &&
			    strcmp(rk.files[j].path, old[i].path) == 0 &&
			    rk.files[j].loaded == 0)
				break;
		if (j < rk.nfiles) {
			unsigned reload = rk.files[j].reload;

			free(rk.files[j].path);
			rk.files[j] = old[i];
			rk.files[j].reload = reload;
			continue;
		}
		rtr_vrpset_init(&empty);
		if (old[i].aspa) {
			old[i].set.nvrp = 0;
			d.vrp = NULL;
			d.aspa = file_aspa_delta;
			rk.dirty_full = 1;
		} else {
			d.vrp = file_vrp_delta;
			d.aspa = NULL;
		}
		rtr_vrpset_diff(&old[i].set, &empty, &d);
		log_info("rpki: %s is no longer used", old[i].path);
		free(old[i].path);
		rtr_vrpset_clear(&old[i].set);
	}
	free(old);
	if (rk.ndirty > 0 || rk.dirty_full)
		reval_schedule();	/* its VRPs went: their routes change state */
	return 0;
}

/* --- caches ----------------------------------------------------------------------- */

/*
 * A set of RTR caches (one rtrlib manager through the glue). The live set feeds
 * rk.vrps directly, one reference per cache and VRP, so the table routes are
 * validated against is the only copy the daemon keeps of it. A reload that
 * changes the cache list starts a second set beside the running one; it collects
 * its VRPs in a table of its own ("mine") until it is in sync, and then a new
 * rk.vrps is built from them and the files' VRPs and swapped in (switch_commit).
 */
struct cacheset {
	struct rtr_glue		*glue;
	struct loop_event	*ev;
	struct rtr_glue_cache_conf *cc;	/* its strings point into own[] ... */
	struct cache_strs {
		char	*host, *port, *user, *hostkey, *privkey;
	}			*own;		/* ... (a reload frees the config) */
	size_t			 ncc;
	unsigned		 refresh, expire, retry;
	struct rtr_vrp_store	*mine;
	uint8_t			*up;		/* per cache: up and synced, as drained */
	int			 live;
	int			 ready;		/* pending set now in sync */
	time_t			 started;
};

static char *
sdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
cacheset_free(struct cacheset *cs)
{
	size_t i;

	if (cs == NULL)
		return;
	loop_event_free(cs->ev);
	if (cs->glue != NULL)
		rtr_glue_stop(cs->glue);	/* its removal flood is ignored */
	rtr_glue_free(cs->glue);
	for (i = 0; cs->own != NULL && i < cs->ncc; i++) {
		free(cs->own[i].host);
		free(cs->own[i].port);
		free(cs->own[i].user);
		free(cs->own[i].hostkey);
		free(cs->own[i].privkey);
	}
	free(cs->cc);
	free(cs->own);
	free(cs->up);
	rtr_vrp_free(cs->mine);
	free(cs);
}

/* The cache list of a config, with own copies of its strings; NULL on error. */
static struct cacheset *
cacheset_new(const struct config_rpki *c)
{
	struct cacheset	*cs;
	size_t		 g, i, n = 0;
	char		 port[8];

	for (g = 0; g < c->ngroups; g++)
		n += c->groups[g].ncaches;
	if (n > MAX_CACHES) {
		log_warnx("rpki: at most %d caches", MAX_CACHES);
		return NULL;
	}
	if ((cs = calloc(1, sizeof(*cs))) == NULL ||
	    (n > 0 && ((cs->cc = calloc(n, sizeof(*cs->cc))) == NULL ||
	    (cs->own = calloc(n, sizeof(*cs->own))) == NULL ||
	    (cs->up = calloc(n, sizeof(*cs->up))) == NULL)))
		goto nomem;
	cs->refresh = c->refresh;
	cs->expire = c->expire;
	cs->retry = c->retry;
	for (g = 0; g < c->ngroups; g++) {
		for (i = 0; i < c->groups[g].ncaches; i++) {
			const struct config_rtr_cache *cf = &c->groups[g].caches[i];
			struct rtr_glue_cache_conf *cc = &cs->cc[cs->ncc];
			struct cache_strs *o = &cs->own[cs->ncc++];

			snprintf(port, sizeof(port), "%u", cf->port);
			cc->host = o->host = sdup(cf->host);
			cc->port = o->port = sdup(port);
			cc->preference = (uint8_t)(c->groups[g].preference > 255 ? 255 :
			    c->groups[g].preference);
			cc->ssh = cf->transport == CONFIG_RTR_SSH;
			cc->ssh_user = o->user = sdup(cf->ssh_user);
			cc->ssh_hostkey = o->hostkey = sdup(cf->ssh_host_key);
			cc->ssh_privkey = o->privkey = sdup(cf->ssh_private_key);
			if (cc->host == NULL || cc->port == NULL ||
			    (cf->ssh_user != NULL && cc->ssh_user == NULL) ||
			    (cf->ssh_host_key != NULL && cc->ssh_hostkey == NULL) ||
			    (cf->ssh_private_key != NULL && cc->ssh_privkey == NULL))
				goto nomem;
		}
	}
	return cs;
nomem:
	log_warnx("rpki: out of memory");
	cacheset_free(cs);
	return NULL;
}

/* Same caches (host, port, preference, transport and its keys) and intervals? */
static int
cacheset_same(const struct cacheset *a, const struct cacheset *b)
{
	size_t i;

	if (a->ncc != b->ncc || a->refresh != b->refresh || a->expire != b->expire ||
	    a->retry != b->retry)
		return 0;
	for (i = 0; i < a->ncc; i++) {
		const struct rtr_glue_cache_conf *x = &a->cc[i], *y = &b->cc[i];

		if (!config_str_eq(x->host, y->host) || !config_str_eq(x->port, y->port) ||
		    x->preference != y->preference || x->ssh != y->ssh ||
		    !config_str_eq(x->ssh_user, y->ssh_user) ||
		    !config_str_eq(x->ssh_hostkey, y->ssh_hostkey) ||
		    !config_str_eq(x->ssh_privkey, y->ssh_privkey))
			return 0;
	}
	return 1;
}

static void	glue_readable(int, short, void *);

/* Starts the rtrlib manager of a set with caches; -1 (logged) on error. */
static int
cacheset_start(struct cacheset *cs)
{
	struct rtr_glue_conf	 gc;
	char			 err[256];

	if (!cs->live && (cs->mine = rtr_vrp_new()) == NULL)
		return -1;
	cs->started = loop_now();
	if (cs->ncc == 0)
		return 0;
	memset(&gc, 0, sizeof(gc));
	gc.caches = cs->cc;
	gc.ncaches = cs->ncc;
	gc.refresh = cs->refresh;
	gc.expire = cs->expire;
	gc.retry = cs->retry;
	if ((cs->glue = rtr_glue_new(&gc, err, sizeof(err))) == NULL) {
		log_warnx("rpki: %s", err);
		return -1;
	}
	if ((cs->ev = loop_event_new(rtr_glue_fd(cs->glue), LOOP_READ | LOOP_PERSIST,
	    glue_readable, cs)) == NULL || loop_event_add(cs->ev, NULL) == -1)
		return -1;
	if (rtr_glue_start(cs->glue) == -1) {
		log_warnx("rpki: cannot start the RTR caches");
		return -1;
	}
	return 0;
}

/*
 * Some preference group whose caches all completed a sync and are up, as far as
 * the drained events tell (so every VRP of that sync is already collected)?
 */
static int
cacheset_in_sync(const struct cacheset *cs)
{
	size_t	i, j;
	int	all;

	for (i = 0; i < cs->ncc; i++) {
		for (j = 0, all = 1; j < cs->ncc; j++)
			if (cs->cc[j].preference == cs->cc[i].preference && !cs->up[j])
				all = 0;
		if (all)
			return 1;
	}
	return 0;
}

static void
cset_event(const struct rtr_glue_event *ev, void *arg)
{
	struct cacheset	*cs = arg;
	int		 r;

	if (ev->type == RTR_GLUE_STATE) {
		if (ev->cache < cs->ncc)
			cs->up[ev->cache] = ev->state == RTR_CACHE_UP && ev->synced;
		if (cs == rk.next && cacheset_in_sync(cs))
			cs->ready = 1;
		return;
	}
	if (cs->live) {
		vrp_change(&ev->vrp, ev->type == RTR_GLUE_VRP_ADD);
		return;
	}
	r = ev->type == RTR_GLUE_VRP_ADD ? rtr_vrp_add(cs->mine, &ev->vrp) :
	    rtr_vrp_del(cs->mine, &ev->vrp);
	if (r == RTR_VRP_ERR)
		log_warnx("rpki: cannot keep a VRP of the RTR caches");
}

/* Phase 1: a VRP of the new set, with as many references as caches announce it. */
static int
copy_vrp(const struct rtr_vrp *v, void *arg)
{
	unsigned	 n = rtr_vrp_refs(rk.next->mine, v);

	(void)arg;
	while (n-- > 0)
		if (rtr_vrp_add(rk.sw.tbl, v) == RTR_VRP_ERR)
			return -1;
	return 0;
}

/* Phases 3 and 4: a VRP of one table that the other one (arg) does not hold. */
static int
diff_vrp(const struct rtr_vrp *v, void *arg)
{
	if (rtr_vrp_refs(arg, v) == 0) {
		rk.st.vrp_changes++;
		mark_dirty(&v->prefix);
	}
	return 0;
}

static void
switch_event(int bad, const char *detail)
{
	size_t i;

	for (i = 0; i < nev_subs; i++)
		ev_subs[i]("rpki", "cache-switch", bad, detail);
}

/*
 * The pending set replaces the running one in slices on the loop (SLICE_MS each,
 * like revalidation): a new table is built from the pending set's VRPs and the
 * files' while validation goes on with the old one; it is put in use at once,
 * and then the two are compared so that only the VRPs that differ mark RIB
 * subtrees for revalidation. Neither set takes RTR changes and the files are not
 * re-read meanwhile: events wait in the glue's queue until the swap is done.
 */
#define SWAP_PIECE	512	/* VRPs per walk piece; the clock is read between */

static void	switch_step(double budget_ms);
static void	switch_abort(const char *);

/* A switch failed (not synced in time, or no memory): shown, logged, counted,
 * and raised once until a switch succeeds. */
static void
switch_failed(const char *detail)
{
	snprintf(rk.sw.error, sizeof(rk.sw.error), "%s", detail);
	log_warnx("rpki: %s", detail);
	rk.sw.failures++;
	if (!rk.sw.failed) {
		rk.sw.failed = 1;
		switch_event(1, detail);
	}
}

static void
switch_timer(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	switch_step(SLICE_MS);
}

static void
switch_done(void)
{
	struct cacheset	*old = rk.sw.old, *nw = rk.next;
	double		 t1 = mono_ms();

	nw->live = 1;	/* from now on its events go to rk.vrps */
	nw->ready = 0;
	rk.cur = nw;
	rk.next = NULL;
	rk.sw.phase = 0;
	rk.sw.old = NULL;
	if (nw->ev != NULL && loop_event_add(nw->ev, NULL) == -1)
		log_warnx("rpki: cannot watch the RTR caches again");
	if (old != NULL) {	/* its manager stops on a thread: the removals are ignored */
		loop_event_free(old->ev);
		old->ev = NULL;
		rtr_glue_free_async(old->glue);
		old->glue = NULL;
		cacheset_free(old);
	}
	rk.sw.switches++;
	rk.sw.last_changes = rk.st.vrp_changes - rk.sw.before;
	rk.sw.last_ms = t1 - rk.sw.t0;
	rk.sw.last_max_step_ms = rk.sw.max_step_ms;
	rk.sw.error[0] = '\0';
	log_info("rpki: switched to the new RTR cache list (%zu caches, %zu VRPs from them, "
	    "%zu VRP changes; swap %.1f ms of work in %u slices of at most %.1f ms over "
	    "%.1f ms, old caches stopping on a thread after %.1f ms)", nw->ncc,
	    rk.sw.nvrps, (size_t)rk.sw.last_changes,
	    rk.sw.busy_ms, rk.sw.steps, rk.sw.max_step_ms, rk.sw.last_ms, mono_ms() - t1);
	if (rk.sw.failed) {
		rk.sw.failed = 0;
		switch_event(0, "the new RTR cache list is in use");
	}
}

/* Phase 2: the files' VRPs into the new table, up to max of them; 1 if more remain. */
static int
copy_files(size_t max)
{
	struct vfile	*f;

	for (; rk.sw.fi < rk.nfiles; rk.sw.fi++, rk.sw.fo = 0) {
		f = &rk.files[rk.sw.fi];
		for (; rk.sw.fo < f->set.nvrp; rk.sw.fo++) {
			if (max-- == 0)
				return 1;
			if (rtr_vrp_add(rk.sw.tbl, &f->set.vrp[rk.sw.fo]) == RTR_VRP_ERR)
				return -1;
		}
	}
	return 0;
}

/* One piece of the swap's current phase: 1 if the phase goes on, 0 done, -1 error. */
static int
switch_piece(void)
{
	struct rtr_vrp_store *t;
	int		 more;

	switch (rk.sw.phase) {
	case 1:
		more = rtr_vrp_walk_from(rk.next->mine, rk.sw.resume ? &rk.sw.at : NULL,
		    SWAP_PIECE, copy_vrp, NULL, &rk.sw.at);
		break;
	case 2:
		more = copy_files(SWAP_PIECE);
		break;
	case 3:
		more = rtr_vrp_walk_from(rk.sw.tbl, rk.sw.resume ? &rk.sw.at : NULL,
		    SWAP_PIECE, diff_vrp, rk.vrps, &rk.sw.at);
		break;
	default:
		more = rtr_vrp_walk_from(rk.vrps, rk.sw.resume ? &rk.sw.at : NULL,
		    SWAP_PIECE, diff_vrp, rk.sw.tbl, &rk.sw.at);
		break;
	}
	rk.sw.resume = more == 1;
	if (more == 0 && rk.sw.phase == 2) {
		/* built: in use from here on; the pending set's own table goes */
		t = rk.vrps;
		rk.vrps = rk.sw.tbl;
		rk.sw.tbl = t;
		rtr_vrp_free(rk.next->mine);
		rk.next->mine = NULL;
	}
	return more < 0 ? -1 : more;
}

/* One slice of the swap (budget 0: to the end). */
static void
switch_step(double budget_ms)
{
	double	t0 = mono_ms(), dt;
	int	more;

	while (rk.sw.phase != 0) {
		if ((more = switch_piece()) == -1) {
			/* only building can fail (memory): the running caches stay */
			rtr_vrp_free(rk.sw.tbl);
			rk.sw.tbl = NULL;
			rk.sw.phase = 0;
			if (rk.sw.old != NULL && rk.sw.old->ev != NULL &&
			    loop_event_add(rk.sw.old->ev, NULL) == -1)
				log_warnx("rpki: cannot watch the RTR caches again");
			rk.sw.old = NULL;
			switch_failed("out of memory for the new cache list's VRPs; "
			    "keeping the running caches");
			switch_abort(NULL);
			return;
		}
		if (more == 0) {
			rk.sw.resume = 0;
			if (++rk.sw.phase > 4) {
				rk.sw.phase = 0;
				rtr_vrp_free(rk.sw.tbl);
				rk.sw.tbl = NULL;
				break;
			}
		}
		if (budget_ms > 0 && mono_ms() - t0 >= budget_ms)
			break;
	}
	dt = mono_ms() - t0;
	rk.sw.busy_ms += dt;
	rk.sw.steps++;
	if (dt > rk.sw.max_step_ms)
		rk.sw.max_step_ms = dt;
	if (rk.sw.phase == 0)
		switch_done();
	else if (rk.sw.ev == NULL || loop_timer_add(rk.sw.ev, 0) == -1) {
		log_warnx("rpki: cannot schedule the cache switch; finishing it now");
		switch_step(0);
		return;
	}
	if (rk.ndirty > 0 || rk.dirty_full)
		reval_schedule();
}

/* Starts swapping rk.next in for rk.cur (nothing if a swap is under way). */
static void
switch_commit(void)
{
	if (rk.sw.phase != 0 || rk.next == NULL)
		return;
	if ((rk.sw.tbl = rtr_vrp_new()) == NULL) {
		log_warnx("rpki: no memory to swap in the new RTR caches yet");
		return;
	}
	rk.sw.fi = rk.sw.fo = 0;
	rk.sw.nvrps = rtr_vrp_count(rk.next->mine, PREFIX_AF_NONE);
	rk.sw.old = rk.cur;	/* still rk.cur (status, health) until done */
	if (rk.next->ev != NULL)
		loop_event_del(rk.next->ev);
	if (rk.sw.old != NULL && rk.sw.old->ev != NULL)
		loop_event_del(rk.sw.old->ev);
	if (rk.sw.ev == NULL)
		rk.sw.ev = loop_timer_new(switch_timer, NULL);
	rk.sw.phase = 1;
	rk.sw.resume = 0;
	rk.sw.before = rk.st.vrp_changes;
	rk.sw.t0 = mono_ms();
	rk.sw.busy_ms = rk.sw.max_step_ms = 0;
	rk.sw.steps = 0;
	switch_step(SLICE_MS);
}

/* Ends a swap under way at once (a reload or shutdown needs the sets settled). */
static void
switch_finish(void)
{
	if (rk.sw.phase != 0)
		switch_step(0);
}

/* The pending set did not sync in time (or is superseded): drop it. */
static void
switch_abort(const char *why)
{
	char	detail[256];

	if (rk.next == NULL || rk.sw.phase != 0)
		return;
	if (why != NULL) {
		snprintf(detail, sizeof(detail), "the new RTR cache list did not sync "
		    "within %us (%s); keeping the running caches and their VRPs",
		    rk.reload_timeout, why);
		switch_failed(detail);
	}
	cacheset_free(rk.next);
	rk.next = NULL;
}

static void
switch_check(void)
{
	struct rtr_cache_status	 st[MAX_CACHES];
	size_t			 n, i, off = 0;
	char			 why[160];

	if (rk.next == NULL || rk.sw.phase != 0)
		return;
	if (rk.next->ready) {
		switch_commit();
		return;
	}
	if (loop_now() - rk.next->started < (time_t)rk.reload_timeout)
		return;
	why[0] = '\0';
	n = rtr_glue_status(rk.next->glue, st, MAX_CACHES);
	for (i = 0; i < n && i < MAX_CACHES && off < sizeof(why); i++)
		off += (size_t)snprintf(why + off, sizeof(why) - off, "%s%s:%s %s",
		    i ? ", " : "", st[i].host, st[i].port, st[i].detail);
	switch_abort(why);
}

static void
glue_readable(int fd, short what, void *arg)
{
	struct cacheset *cs = arg;

	(void)fd; (void)what;
	if (cs->glue == NULL)
		return;
	rtr_glue_drain(cs->glue, cset_event, cs, DRAIN_MAX);
	if (cs == rk.next && cs->ready)
		switch_commit();
	if (rk.ndirty > 0 || rk.dirty_full)
		reval_schedule();
}

static int
caches_start(const struct config_rpki *c)
{
	if ((rk.cur = cacheset_new(c)) == NULL)
		return -1;
	rk.cur->live = 1;	/* feeds rk.vrps from the start */
	if (cacheset_start(rk.cur) == -1) {
		cacheset_free(rk.cur);
		rk.cur = NULL;
		return -1;
	}
	return 0;
}

/*
 * A reload: an unchanged list keeps the running manager (no reconnect); a changed
 * one starts beside it and is swapped in once in sync (switch_check), or dropped
 * after rpki.reload-timeout. With no caches running the new ones are used at
 * once (as at start-up); with none configured the running ones go at once.
 */
static int
caches_reconfigure(const struct config_rpki *c)
{
	struct cacheset *nw;

	switch_finish();
	if ((nw = cacheset_new(c)) == NULL)
		return -1;
	if (rk.cur != NULL && cacheset_same(nw, rk.cur)) {
		cacheset_free(nw);
		if (rk.next != NULL) {
			log_info("rpki: back to the running RTR cache list; the pending "
			    "one is dropped");
			switch_abort(NULL);
		}
		return 0;
	}
	if (rk.next != NULL && cacheset_same(nw, rk.next)) {
		cacheset_free(nw);
		return 0;
	}
	switch_abort(NULL);
	if (cacheset_start(nw) == -1) {
		log_warnx("rpki: the new RTR cache list cannot be started; keeping the "
		    "running one");
		cacheset_free(nw);
		return -1;
	}
	rk.next = nw;
	if (rk.cur == NULL || rk.cur->ncc == 0 || nw->ncc == 0) {
		switch_commit();
		return 0;
	}
	log_info("rpki: the RTR cache list changed: %zu caches starting; the running "
	    "ones keep serving until they are in sync (at most %us)", nw->ncc,
	    rk.reload_timeout);
	return 0;
}

/* The running manager, if any. */
static struct rtr_glue *
cur_glue(void)
{
	return rk.cur != NULL ? rk.cur->glue : NULL;
}

/* --- health ------------------------------------------------------------------------ */

static void
health_eval(void)
{
	struct rtr_cache_status	st[MAX_CACHES];
	size_t			n = 0, vrps = rtr_vrp_count(rk.vrps, PREFIX_AF_NONE);
	unsigned		flags, old = rk.hflags;
	size_t			i;

	if (cur_glue() != NULL)
		n = rtr_glue_status(cur_glue(), st, MAX_CACHES);
	if (n > MAX_CACHES)
		n = MAX_CACHES;
	rtr_health_eval(st, n, vrps, loop_now(), &rk.hconf, &rk.hstate, &rk.health);
	flags = rk.health.flags;
	if (n == 0)
		flags &= ~(unsigned)(RTR_HEALTH_NO_SYNC | RTR_HEALTH_STALE);
	if (rk.min_vrps > 0 && vrps < rk.min_vrps)
		flags |= RPKID_HEALTH_FEW_VRPS;
	rk.hflags = flags;
	events_eval();
	if (flags == old)
		return;
	log_info("rpki: health %s%s%s%s%s (%zu VRPs, %zu of %zu caches in sync)",
	    flags == 0 ? "ok" : "", flags & RTR_HEALTH_NO_SYNC ? " no-sync" : "",
	    flags & RTR_HEALTH_STALE ? " stale" : "",
	    flags & RTR_HEALTH_VRP_DROP ? " vrp-drop" : "",
	    flags & RPKID_HEALTH_FEW_VRPS ? " few-vrps" : "", vrps,
	    rk.health.in_sync, rk.health.caches);
	for (i = 0; i < nsubs; i++)
		subs[i].fn(flags, old, &rk.health, subs[i].arg);
}

static const struct {
	unsigned	 flag;
	const char	*what;
} ev_kinds[] = {
	{ RTR_HEALTH_NO_SYNC, "no-sync" },
	{ RTR_HEALTH_STALE, "stale" },
	{ RTR_HEALTH_VRP_DROP, "vrp-drop" },
	{ RPKID_HEALTH_FEW_VRPS, "few-vrps" },
};

static void
ev_detail(unsigned flag, char *buf, size_t len)
{
	struct rtr_cache_status	st[MAX_CACHES];
	size_t	vrps = rtr_vrp_count(rk.vrps, PREFIX_AF_NONE), off, i, n;

	switch (flag) {
	case RTR_HEALTH_NO_SYNC:
		off = (size_t)snprintf(buf, len, "no RTR cache in sync (%zu of %zu connected, "
		    "%zu VRPs kept):", rk.health.connected, rk.health.caches, vrps);
		n = cur_glue() != NULL ? rtr_glue_status(cur_glue(), st, MAX_CACHES) : 0;
		for (i = 0; i < n && i < MAX_CACHES && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, " %s:%s", st[i].host,
			    st[i].port);
		break;
	case RTR_HEALTH_STALE:
		snprintf(buf, len, "RPKI data older than the expire interval (%zu of %zu "
		    "caches stale, %zu VRPs)", rk.health.stale, rk.health.caches, vrps);
		break;
	case RTR_HEALTH_VRP_DROP:
		snprintf(buf, len, "VRP count fell suddenly from %zu to %zu",
		    rk.health.baseline, vrps);
		break;
	default:
		snprintf(buf, len, "%zu VRPs, fewer than rpki.min-vrps (%zu)", vrps,
		    rk.min_vrps);
	}
}

/* Tells the event subscribers which kinds of trouble started or ended. */
static void
events_eval(void)
{
	unsigned	rep = rk.hflags, diff;
	char		detail[256];
	size_t		i, k;

	if (rk.health.in_sync > 0)
		rk.synced_once = 1;
	if (!rk.synced_once && loop_now() - rk.opened < RPKID_SYNC_GRACE)
		rep &= ~(unsigned)RTR_HEALTH_NO_SYNC;	/* still starting */
	if ((diff = rep ^ rk.ev_flags) == 0)
		return;
	rk.ev_flags = rep;
	for (k = 0; k < sizeof(ev_kinds) / sizeof(ev_kinds[0]); k++) {
		if (!(diff & ev_kinds[k].flag))
			continue;
		ev_detail(ev_kinds[k].flag, detail, sizeof(detail));
		for (i = 0; i < nev_subs; i++)
			ev_subs[i]("rpki", ev_kinds[k].what, (rep & ev_kinds[k].flag) != 0,
			    detail);
	}
}

int
rpkid_subscribe_revalidated(rpkid_reval_fn fn)
{
	if (nreval_subs >= MAX_SUBS)
		return -1;
	reval_subs[nreval_subs++] = fn;
	return 0;
}

int
rpkid_subscribe_rtr_events(rpkid_rtr_event_fn fn)
{
	if (nev_subs >= MAX_SUBS)
		return -1;
	ev_subs[nev_subs++] = fn;
	return 0;
}

int
rpkid_subscribe_health(rpkid_health_fn fn, void *arg)
{
	if (nsubs >= MAX_SUBS)
		return -1;
	subs[nsubs].fn = fn;
	subs[nsubs].arg = arg;
	nsubs++;
	return 0;
}

void
rpkid_tick(void)
{
	time_t	now = loop_now();
	size_t	i;

	for (i = 0; rk.sw.phase == 0 && i < rk.nfiles; i++)
		file_poll(&rk.files[i], now, 0);	/* a swap copies their sets */
	switch_check();
	health_eval();
}

static void
tick_event(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	rpkid_tick();
	loop_timer_add(rk.tick, TICK_MS);
}

/* --- life cycle -------------------------------------------------------------------- */

static void
conf_apply(const struct config_rpki *c, const struct config_sources *s)
{
	memset(&rk.hconf, 0, sizeof(rk.hconf));
	rk.hconf.drop_pct = c->vrp_drop_percent;
	rk.min_vrps = c->min_vrps;
	rk.sources = s;
	rk.aspa_on = c->aspa_file != NULL;
	rk.reload_timeout = c->reload_timeout ? c->reload_timeout : 120;
}

int
rpkid_open(const struct config_rpki *c, const struct config_sources *s)
{
	size_t i;

	if (rk.open)
		rpkid_close();
	memset(&rk, 0, sizeof(rk));
	if (source_rib() == NULL && source_init() == -1)
		return -1;
	if ((rk.vrps = rtr_vrp_new()) == NULL || (rk.aspa = rtr_aspa_new()) == NULL ||
	    (rk.reval_ev = loop_timer_new(reval_event, NULL)) == NULL ||
	    (rk.tick = loop_timer_new(tick_event, NULL)) == NULL)
		goto fail;
	rk.open = 1;
	rk.opened = loop_now();
	conf_apply(c, s);
	if (files_setup(c) == -1)
		goto fail;
	for (i = 0; i < rk.nfiles; i++)
		file_poll(&rk.files[i], loop_now(), 1);
	if (caches_start(c) == -1)
		goto fail;
	source_set_validator(validate_arrival, NULL);
	if (!hooked && source_subscribe_routes(route_hook, NULL) == -1)
		goto fail;
	hooked = 1;
	loop_timer_add(rk.tick, TICK_MS);
	/* routes already in the RIB */
	rpkid_reval_all();
	return 0;
fail:
	log_warnx("rpki: start-up failed");
	rpkid_close();
	return -1;
}

int
rpkid_reconfigure(const struct config_rpki *c, const struct config_sources *s)
{
	int	aspa_was = rk.aspa_on, rc = 0;
	size_t	i;

	if (!rk.open)
		return rpkid_open(c, s);
	switch_finish();	/* a swap in progress copies the files' sets */
	conf_apply(c, s);
	if (files_reconfigure(c) == -1)
		rc = -1;
	for (i = 0; i < rk.nfiles; i++)
		file_poll(&rk.files[i], loop_now(), 0);
	if (caches_reconfigure(c) == -1)
		rc = -1;
	if (aspa_was != rk.aspa_on)
		rpkid_reval_all();
	return rc;
}

void
rpkid_close(void)
{
	switch_finish();
	loop_event_free(rk.sw.ev);
	rk.sw.ev = NULL;
	cacheset_free(rk.next);	/* stops the managers; their removals are ignored */
	cacheset_free(rk.cur);
	rtr_glue_reap();	/* and those of earlier switches */
	if (rk.open)
		source_set_validator(NULL, NULL);
	loop_event_free(rk.reval_ev);
	loop_event_free(rk.tick);
	files_free();
	rtr_vrp_free(rk.vrps);
	rtr_aspa_free(rk.aspa);
	free(rk.dirty);
	free(rk.work);
	free(rk.chg);
	free(rk.routes);
	memset(&rk, 0, sizeof(rk));
}

void
rpkid_stats(struct rpkid_stats *out)
{
	*out = rk.st;
	out->vrps4 = rk.vrps ? rtr_vrp_count(rk.vrps, PREFIX_AF_IPV4) : 0;
	out->vrps6 = rk.vrps ? rtr_vrp_count(rk.vrps, PREFIX_AF_IPV6) : 0;
	out->vrp_mem = rk.vrps ? rtr_vrp_mem(rk.vrps) : 0;
	out->cache_vrp_mem = (rk.next != NULL && rk.next->mine != NULL ?
	    rtr_vrp_mem(rk.next->mine) : 0) + (rk.sw.tbl != NULL ? rtr_vrp_mem(rk.sw.tbl) : 0);
	out->aspas = rk.aspa ? rtr_aspa_count(rk.aspa) : 0;
	out->health = rk.hflags;
	out->busy = rk.st.busy || rk.nwork > 0 || rk.ndirty > 0 || rk.dirty_full;
}

size_t
rpkid_cache_status(struct rtr_cache_status *st, size_t n)
{
	return cur_glue() != NULL ? rtr_glue_status(cur_glue(), st, n) : 0;
}

/* --- control ----------------------------------------------------------------------- */

static void
iso(struct json *j, const char *key, time_t t)
{
	struct tm	tm;
	char		buf[32];

	if (t == 0) {
		json_null(j, key);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_string(j, key, buf);
}

static void
health_json(struct json *j)
{
	json_object_open(j, "health");
	json_string(j, "status", rk.hflags == 0 ? "ok" : "trouble");
	json_bool(j, "no_sync", (rk.hflags & RTR_HEALTH_NO_SYNC) != 0);
	json_bool(j, "stale", (rk.hflags & RTR_HEALTH_STALE) != 0);
	json_bool(j, "vrp_drop", (rk.hflags & RTR_HEALTH_VRP_DROP) != 0);
	json_bool(j, "few_vrps", (rk.hflags & RPKID_HEALTH_FEW_VRPS) != 0);
	json_uint(j, "caches_connected", rk.health.connected);
	json_uint(j, "caches_in_sync", rk.health.in_sync);
	json_uint(j, "vrp_baseline", rk.health.baseline);
	json_close(j);
}

/* What names a cache and says how it is doing: the first fields of each cache in
 * show rpki, for the caches in use and those of a pending switch alike. */
static void
cache_json(struct json *j, const struct rtr_cache_status *c)
{
	json_stringf(j, "cache", "%s:%s", c->host, c->port);
	json_uint(j, "preference", c->preference);
	json_string(j, "transport", c->ssh ? "ssh" : "tcp");
	json_string(j, "state", rtr_cache_state_str(c->state));
	json_string(j, "detail", c->detail);
}

/* A changed cache list being brought in sync, and the switches so far. */
static void
reload_json(struct json *j)
{
	struct rtr_cache_status	st[MAX_CACHES];
	size_t			i, n = 0;

	json_object_open(j, "cache_switch");
	json_bool(j, "pending", rk.next != NULL);
	json_bool(j, "swapping", rk.sw.phase != 0);
	json_uint(j, "timeout", rk.reload_timeout);
	json_uint(j, "switches", rk.sw.switches);
	json_uint(j, "failures", rk.sw.failures);
	json_uint(j, "last_vrp_changes", rk.sw.last_changes);
	json_stringf(j, "last_swap_ms", "%.1f", rk.sw.last_ms);
	json_stringf(j, "last_swap_longest_slice_ms", "%.2f", rk.sw.last_max_step_ms);
	if (rk.sw.error[0] != '\0')
		json_string(j, "error", rk.sw.error);
	if (rk.next != NULL) {
		json_uint(j, "pending_since_s", (uint64_t)(loop_now() - rk.next->started));
		json_uint(j, "pending_vrps", rk.next->mine != NULL ?
		    rtr_vrp_count(rk.next->mine, PREFIX_AF_NONE) : rk.sw.nvrps);
		if (rk.next->glue != NULL)
			n = rtr_glue_status(rk.next->glue, st, MAX_CACHES);
		json_array_open(j, "pending_caches");
		for (i = 0; i < n && i < MAX_CACHES; i++) {
			json_object_open(j, NULL);
			cache_json(j, &st[i]);
			json_uint(j, "vrps", st[i].vrps);
			json_close(j);
		}
		json_close(j);
	}
	json_close(j);
}

static int
cmd_show(int argc, char *const *argv, struct control_reply *rep, void *arg)
{
	struct json		*j = control_reply_json(rep);
	struct rtr_cache_status	 st[MAX_CACHES];
	struct rpkid_stats	 s;
	size_t			 i, n = 0;

	(void)argv; (void)arg;
	if (argc != 0)
		return control_reply_error(rep, "usage: show rpki");
	if (!rk.open)
		return control_reply_error(rep, "rpki is not running");
	rpkid_stats(&s);
	if (cur_glue() != NULL)
		n = rtr_glue_status(cur_glue(), st, MAX_CACHES);
	json_uint(j, "vrps_ipv4", s.vrps4);
	json_uint(j, "vrps_ipv6", s.vrps6);
	json_uint(j, "vrp_memory", s.vrp_mem);
	json_uint(j, "cache_vrp_memory", s.cache_vrp_mem);
	json_uint(j, "aspas", s.aspas);
	health_json(j);
	json_array_open(j, "caches");
	for (i = 0; i < n && i < MAX_CACHES; i++) {
		json_object_open(j, NULL);
		cache_json(j, &st[i]);
		json_bool(j, "synced", st[i].synced);
		json_uint(j, "serial", st[i].serial);
		json_uint(j, "session_id", st[i].session_id);
		json_uint(j, "vrps", st[i].vrps);
		json_uint(j, "added", st[i].added);
		json_uint(j, "removed", st[i].removed);
		iso(j, "last_update", st[i].last_update);
		json_uint(j, "refresh", st[i].refresh);
		json_uint(j, "retry", st[i].retry);
		json_uint(j, "expire", st[i].expire);
		json_close(j);
	}
	json_close(j);
	reload_json(j);
	json_array_open(j, "files");
	for (i = 0; i < rk.nfiles; i++) {
		const struct vfile *f = &rk.files[i];

		json_object_open(j, NULL);
		json_string(j, "file", f->path);
		json_string(j, "kind", f->aspa ? "aspa" : "vrp");
		json_uint(j, "vrps", f->set.nvrp);
		json_uint(j, "aspas", f->set.naspa);
		json_uint(j, "reload", f->reload);
		iso(j, "loaded", f->loaded);
		json_uint(j, "loads", f->loads);
		json_uint(j, "failures", f->failures);
		if (f->error[0] != '\0')
			json_string(j, "error", f->error);
		json_close(j);
	}
	json_close(j);
	json_object_open(j, "revalidation");
	json_bool(j, "busy", s.busy);
	json_uint(j, "vrp_changes", s.vrp_changes);
	json_uint(j, "passes", s.reval_batches);
	json_uint(j, "slices", s.reval_slices);
	json_uint(j, "routes_touched", s.touched);
	json_uint(j, "routes_changed", s.changed);
	json_uint(j, "last_touched", s.last_touched);
	json_uint(j, "last_changed", s.last_changed);
	json_stringf(j, "longest_slice_ms", "%.2f", s.max_slice_ms);
	json_close(j);
	return 0;
}

static int
vrp_json(const struct rtr_vrp *v, void *arg)
{
	struct json	*j = arg;
	char		 buf[PREFIX_STRLEN];

	json_object_open(j, NULL);
	json_string(j, "prefix", prefix_fmt(&v->prefix, buf, sizeof(buf)));
	json_uint(j, "max_length", v->maxlen);
	json_stringf(j, "asn", "AS%u", v->asn);
	json_close(j);
	return 0;
}

static int
parse_asn(const char *s, uint32_t *asn)
{
	char			*end;
	unsigned long long	 v;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > UINT32_MAX)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

static int
cmd_validate(int argc, char *const *argv, struct control_reply *rep, void *arg)
{
	struct json	*j = control_reply_json(rep);
	struct prefix	 p;
	uint32_t	 asn;
	enum rtr_rov	 r;
	char		 buf[PREFIX_STRLEN];

	(void)arg;
	if (argc != 2 || prefix_parse(argv[0], &p) == -1 || parse_asn(argv[1], &asn) == -1)
		return control_reply_error(rep, "usage: show rpki validate PREFIX ASN");
	if (!rk.open)
		return control_reply_error(rep, "rpki is not running");
	r = rtr_rov_validate(rk.vrps, &p, asn);
	json_string(j, "prefix", prefix_fmt(&p, buf, sizeof(buf)));
	json_stringf(j, "origin", "AS%u", asn);
	json_string(j, "state", rtr_rov_str(r));
	json_array_open(j, "matching_vrps");
	rtr_vrp_covering(rk.vrps, &p, vrp_json, j);
	json_close(j);
	return 0;
}

struct routes_arg {
	struct json	*j;
	enum rib_rpki	 want;
	unsigned	 limit, n;
};

static const char *
rpki_str(enum rib_rpki r)
{
	static const char *s[] = { "not-checked", "valid", "invalid", "not-found" };

	return s[r & 3];
}

static int
routes_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct routes_arg	*ra = arg;
	const char		*sd;
	char			 buf[PREFIX_STRLEN];
	unsigned		 i;

	for (i = 0; i < n; i++) {
		if (RIB_STATE_RPKI(r[i].state) != ra->want)
			continue;
		if (ra->n++ >= ra->limit)
			return 1;
		sd = rib_source_descr(source_rib(), r[i].source);
		json_object_open(ra->j, NULL);
		json_string(ra->j, "prefix", prefix_fmt(p, buf, sizeof(buf)));
		json_stringf(ra->j, "origin", "AS%u", rib_attrs_origin_as(r[i].attrs));
		json_string(ra->j, "source", sd ? sd : "?");
		json_uint(ra->j, "path_id", r[i].path_id);
		json_string(ra->j, "rpki", rpki_str(RIB_STATE_RPKI(r[i].state)));
		json_close(ra->j);
	}
	return 0;
}

static int
cmd_routes(int argc, char *const *argv, struct control_reply *rep, void *arg)
{
	struct routes_arg	 ra;
	struct prefix		 within;
	char			*end;
	unsigned long		 lim = 100;
	int			 i, have_pfx = 0, bad = argc < 1;

	(void)arg;
	memset(&ra, 0, sizeof(ra));
	if (argc >= 1 && strcmp(argv[0], "invalid") == 0)
		ra.want = RIB_RPKI_INVALID;
	else if (argc >= 1 && strcmp(argv[0], "notfound") == 0)
		ra.want = RIB_RPKI_NOT_FOUND;
	else if (argc >= 1 && strcmp(argv[0], "valid") == 0)
		ra.want = RIB_RPKI_VALID;
	else
		bad = 1;
	/* then, in any order: a prefix (its more-specifics only) and a limit */
	for (i = 1; !bad && i < argc; i++) {
		if (!have_pfx && strchr(argv[i], '/') != NULL &&
		    prefix_parse(argv[i], &within) == 0) {
			have_pfx = 1;
			continue;
		}
		lim = strtoul(argv[i], &end, 10);
		if (*argv[i] == '\0' || *end != '\0' || lim == 0 || lim > 1000000)
			bad = 1;
	}
	if (bad || argc > 3)
		return control_reply_error(rep,
		    "usage: show rpki routes valid|invalid|notfound [PREFIX] [LIMIT]");
	ra.j = control_reply_json(rep);
	ra.limit = (unsigned)lim;
	json_string(ra.j, "state", rpki_str(ra.want));
	json_array_open(ra.j, "routes");
	if (have_pfx)
		rib_walk_more_specifics(source_rib(), &within, routes_cb, &ra);
	else
		rib_walk(source_rib(), routes_cb, &ra);
	json_close(ra.j);
	json_bool(ra.j, "truncated", ra.n > ra.limit);
	return 0;
}

int
rpkid_register_commands(void)
{
	if (control_register("show rpki", "", "RTR caches, VRP files, ASPAs, health",
	    cmd_show, NULL) == -1 ||
	    control_register("show rpki validate", "PREFIX ASN",
	    "route origin validation of a route, with the matching VRPs",
	    cmd_validate, NULL) == -1 ||
	    control_register("show rpki routes", "valid|invalid|notfound [PREFIX] [LIMIT]",
	    "routes in the RIB (under PREFIX) by RPKI state", cmd_routes, NULL) == -1)
		return -1;
	return 0;
}

/* --- the loop module ------------------------------------------------------------------ */

static int
mod_start(const struct config *conf)
{
	if (rpkid_register_commands() == -1)
		log_warnx("rpki: cannot register the control commands");
	return rpkid_open(&conf->rpki, &conf->sources);
}

static int
mod_reload(const struct config *newconf, const struct config *old)
{
	(void)old;
	return rpkid_reconfigure(&newconf->rpki, &newconf->sources);
}

static void
mod_stop(void)
{
	rpkid_close();
}

static void
mod_status(struct json *j)
{
	struct rpkid_stats s;

	rpkid_stats(&s);
	json_uint(j, "vrps", s.vrps4 + s.vrps6);
	json_uint(j, "aspas", s.aspas);
	json_string(j, "health", s.health == 0 ? "ok" : "trouble");
}

struct loop_module rpkid_module = {
	.name = "rpki",
	.start = mod_start,
	.reload = mod_reload,
	.stop = mod_stop,
	.status = mod_status,
};
