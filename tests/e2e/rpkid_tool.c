/*
 * Test driver for agent/rpkid against real RTR caches (StayRTR), used by
 * tests/e2e/rpki_stayrtr.sh. It runs the daemon's event loop with the rpki module
 * configured for two caches (preference 1 and 2), feeds routes through a source
 * (every IPv4 VRP of FILE announced with its own origin and with a foreign one, and
 * an uncovered prefix), and prints key=value lines:
 *   sync=      the caches synced, every route has the state a fresh table gives it
 *   reload=    after NEWFILE replaced the served file: the new states, and the number
 *              of routes revalidated equals the routes under the changed VRPs
 *   fallback=  preference 1 killed: preference 2 takes over, states kept
 *   down=      both killed: health reports no cache in sync, states kept
 * usage: rpkid_tool PORT1 PORT2 PID1 PID2 FILE NEWFILE SERVED TIMEOUT
 *        rpkid_tool load PORT FILE MRT TIMEOUT [PORT2 FILE2] (see load())
 * (SERVED is the file StayRTR 1 and 2 serve; NEWFILE is copied over it.)
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/config_types.h"
#include "agent/loop.h"
#include "agent/rpkid.h"
#include "agent/source.h"
#include "bgp/mrt_file.h"
#include "bgp/rib.h"
#include "rtr/rtr_file.h"

#define FOREIGN_AS	64496

static const struct bgp_sess sess4 = { 1, 0, 0, 0, 0 };
static struct source *good, *bad;
static unsigned health_events, health_flags;

static void
on_health(unsigned flags, unsigned old, const struct rtr_health *h, void *arg)
{
	(void)old; (void)h; (void)arg;
	health_events++;
	health_flags = flags;
}

static int
announce(struct source *src, const struct prefix *p, uint32_t origin)
{
	static const uint8_t	 nh[4] = { 192, 0, 2, 1 };
	uint32_t		 path[2] = { 64511, origin };
	struct bgp_route	 r;
	struct bgp_update_enc	 enc;
	struct bgp_attrs	 a;
	struct bgp_error	 e;
	struct wbuf		 w, pw;
	int			 rc;

	memset(&enc, 0, sizeof(enc));
	r.pfx = *p;
	r.path_id = 0;
	wbuf_init(&w, 0);
	wbuf_init(&pw, 0);
	bgp_attrs_init(&a);
	bgp_aspath_put(&pw, BGP_SEG_SEQUENCE, path, 2, 1);
	a.aspath = pw.buf;
	a.aspath_len = (uint16_t)pw.len;
	a.aspath_as4 = 1;
	a.origin = BGP_ORIGIN_IGP;
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	enc.announce = &r;
	enc.nannounce = 1;
	enc.attrs = &a;
	rc = bgp_update_encode(&w, &sess4, &enc) == 0 &&
	    source_apply_update(src, w.buf + BGP_HDR_LEN, w.len - BGP_HDR_LEN, &e) == BGP_OK;
	wbuf_free(&w);
	wbuf_free(&pw);
	return rc ? 0 : -1;
}

static void
stop_loop(int fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	loop_exit();
}

static void
run_loop(unsigned long ms)
{
	struct loop_event *t = loop_timer_new(stop_loop, NULL);

	loop_timer_add(t, ms);
	loop_run();
	loop_event_free(t);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Routes of src whose state disagrees with a fresh table built from set. */
struct cmp_arg {
	struct rtr_vrp_store	*ref;
	size_t			 routes, wrong, valid, invalid, notfound;
};

static int
cmp_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct cmp_arg	*c = arg;
	struct bgp_attrs a;
	const uint8_t	*blob;
	size_t		 len;
	uint64_t	 origin;
	enum rtr_rov	 v;
	enum rib_rpki	 want, got;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		/* an AS_SET at the end: no origin (RFC 6811 section 2) */
		blob = rib_attrs_blob(r[i].attrs, &len);
		if (bgp_canon_decode(blob, len, &a) == 0 && a.origin_is_set)
			origin = RTR_ORIGIN_SET;
		else
			origin = rib_attrs_origin_as(r[i].attrs);
		v = rtr_rov_validate(c->ref, p, origin);
		want = v == RTR_ROV_VALID ? RIB_RPKI_VALID : v == RTR_ROV_NOT_FOUND ?
		    RIB_RPKI_NOT_FOUND : RIB_RPKI_INVALID;
		got = RIB_STATE_RPKI(r[i].state);
		c->routes++;
		c->wrong += got != want;
		c->valid += got == RIB_RPKI_VALID;
		c->invalid += got == RIB_RPKI_INVALID;
		c->notfound += got == RIB_RPKI_NOT_FOUND;
	}
	return 0;
}

static void
compare(const struct rtr_vrpset *set, struct cmp_arg *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->ref = rtr_vrp_new();
	for (i = 0; i < set->nvrp; i++)
		rtr_vrp_add(c->ref, &set->vrp[i]);
	rib_walk(source_rib(), cmp_cb, c);
	rtr_vrp_free(c->ref);
}

static uint8_t
state_of(const char *pfx, const struct source *src)
{
	struct rib_route	r[4];
	struct prefix		p;
	int			i, n;

	prefix_parse(pfx, &p);
	n = rib_lookup_exact(source_rib(), &p, r, 4);
	for (i = 0; i < n && i < 4; i++)
		if (r[i].source == src->rib_id)
			return RIB_STATE_RPKI(r[i].state);
	return 0xff;
}

/* Routes under the prefixes changed between a and b (each route once). */
struct delta_arg {
	struct prefix	 p[64];
	size_t		 n;
};

static int
delta_cb(const struct rtr_vrp *v, int add, void *arg)
{
	struct delta_arg *d = arg;

	(void)add;
	if (d->n < 64)
		d->p[d->n++] = v->prefix;
	return 0;
}

static int
count_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	(void)p; (void)r;
	*(size_t *)arg += n;
	return 0;
}

static int
cache_up(size_t i)
{
	struct rtr_cache_status st[2];

	return rpkid_cache_status(st, 2) == 2 && st[i].state == RTR_CACHE_UP;
}

static int
copy_file(const char *from, const char *to)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s.tmp' && mv '%s.tmp' '%s'", from, to, to, to);
	return system(cmd);
}

/*
 * Load: the full feed (MRT BGP4MP UPDATEs) in the RIB, then the full VRP set synced
 * from one cache; every route must end with the state a fresh table gives it.
 * With PORT2 and FILE2: then a reload switches to the cache on PORT2 (serving
 * FILE2): while it syncs the routes keep FILE's states; after the swap they have
 * FILE2's, and only the differing VRPs were changed.
 * usage: rpkid_tool load PORT FILE MRT TIMEOUT [PORT2 FILE2]
 */
static int
cur_port(void)
{
	struct rtr_cache_status st[2];

	return rpkid_cache_status(st, 2) >= 1 ? atoi(st[0].port) : 0;
}

static int
diff_cb(const struct rtr_vrp *v, int add, void *arg)
{
	(void)v; (void)add;
	(*(size_t *)arg)++;
	return 0;
}

static int
load_switch(struct config_rpki *rc, struct config_rtr_cache *c1, const char *port2,
    const char *file2, const struct rtr_vrpset *a, double timeout, size_t nroutes)
{
	struct rtr_vrpset	 b;
	struct rtr_vrpset_delta	 d = { diff_cb, NULL, NULL };
	struct rpkid_stats	 st0, st;
	struct cmp_arg		 cmp;
	struct rusage		 ru0, ru1;
	double			 t0, deadline, tsw = 0;
	char			 err[256];
	size_t			 ndiff = 0, pending_wrong = 0, pending_checks = 0;
	int			 ok, p2 = atoi(port2);

	rtr_vrpset_init(&b);
	if (rtr_file_load(file2, 0, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	d.arg = &ndiff;
	rtr_vrpset_diff(a, &b, &d);
	rpkid_stats(&st0);
	c1->port = (uint16_t)p2;
	rc->reload_timeout = (uint32_t)timeout;
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now();
	if (rpkid_reconfigure(rc, NULL) == -1)
		return 2;
	deadline = t0 + timeout;
	do {
		run_loop(100);
		rpkid_stats(&st);
		if (cur_port() != p2 && pending_checks == 0) {
			/* still syncing beside the old cache: the old states hold */
			compare(a, &cmp);
			pending_wrong += cmp.wrong;
			pending_checks++;
		}
		if (tsw == 0 && cur_port() == p2)
			tsw = now() - t0;
	} while (now() < deadline && (cur_port() != p2 || st.busy));
	getrusage(RUSAGE_SELF, &ru1);
	compare(&b, &cmp);
	ok = cur_port() == p2 && st.vrps4 + st.vrps6 == b.nvrp && cmp.wrong == 0 &&
	    cmp.routes == nroutes && pending_wrong == 0 && pending_checks > 0 &&
	    st.vrp_changes - st0.vrp_changes == ndiff;
	printf("switch=%s vrps=%zu file=%zu vrp_changes=%llu expected=%zu wrong=%zu "
	    "pending_checks=%zu pending_wrong=%zu seconds_to_swap=%.1f routes_touched=%llu "
	    "cpu_s=%.2f cache_vrp_mem=%zu vrp_mem=%zu\n", ok ? "ok" : "FAIL",
	    st.vrps4 + st.vrps6, b.nvrp,
	    (unsigned long long)(st.vrp_changes - st0.vrp_changes), ndiff, cmp.wrong,
	    pending_checks, pending_wrong, tsw,
	    (unsigned long long)(st.touched - st0.touched),
	    (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
	    (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6,
	    st.cache_vrp_mem, st.vrp_mem);
	rtr_vrpset_clear(&b);
	return ok ? 0 : 1;
}

static int
load(int argc, char **argv)
{
	struct config_rtr_cache	 c1;
	struct config_rtr_group	 g;
	struct config_rpki	 rc;
	struct rtr_vrpset	 a;
	struct rpkid_stats	 st;
	struct cmp_arg		 cmp;
	struct mrt_file		*mf;
	struct mrt_record	 rec;
	struct bgp_error	 e;
	struct source		*src;
	double			 t0, deadline;
	char			 err[256];
	size_t			 nroutes = 0;
	int			 r, res, ok;

	rtr_vrpset_init(&a);
	if (rtr_file_load(argv[3], 0, &a, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (loop_init() == -1 || source_init() == -1 ||
	    (src = source_new(SOURCE_MRT, "feed", NULL)) == NULL ||
	    (mf = mrt_file_open(argv[4])) == NULL)
		return 2;
	while ((r = mrt_file_next_record(mf, &rec, &res)) == 1) {
		if (res != MRT_OK || rec.kind != MRT_KIND_BGP4MP_MSG || rec.u.msg.local ||
		    rec.u.msg.pdu_len < 19 || rec.u.msg.pdu[18] != 2)
			continue;
		src->sess.as4 = (uint8_t)rec.u.msg.as4;
		source_apply_update(src, rec.u.msg.pdu + 19, rec.u.msg.pdu_len - 19, &e);
	}
	mrt_file_close(mf);
	rib_walk(source_rib(), count_cb, &nroutes);
	memset(&c1, 0, sizeof(c1));
	c1.host = (char *)(uintptr_t)"127.0.0.1";
	c1.port = (uint16_t)atoi(argv[2]);
	g.preference = 1;
	g.caches = &c1;
	g.ncaches = 1;
	memset(&rc, 0, sizeof(rc));
	rc.refresh = 60;
	rc.retry = 1;
	rc.expire = 600;
	rc.groups = &g;
	rc.ngroups = 1;
	t0 = now();
	if (rpkid_open(&rc, NULL) == -1)
		return 2;
	deadline = t0 + strtod(argv[5], NULL);
	do {
		run_loop(100);
		rpkid_stats(&st);
	} while (now() < deadline && (st.vrps4 + st.vrps6 != a.nvrp || st.busy));
	compare(&a, &cmp);
	ok = st.vrps4 + st.vrps6 == a.nvrp && cmp.wrong == 0 && cmp.routes == nroutes &&
	    nroutes > 500000;
	printf("load=%s vrps=%zu file=%zu routes=%zu valid=%zu invalid=%zu notfound=%zu "
	    "wrong=%zu seconds=%.1f slices=%llu longest_slice_ms=%.1f\n", ok ? "ok" : "FAIL",
	    st.vrps4 + st.vrps6, a.nvrp, cmp.routes, cmp.valid, cmp.invalid, cmp.notfound,
	    cmp.wrong, now() - t0, (unsigned long long)st.reval_slices, st.max_slice_ms);
	if (ok && argc == 8 && load_switch(&rc, &c1, argv[6], argv[7], &a,
	    strtod(argv[5], NULL), nroutes) != 0)
		ok = 0;
	rpkid_close();
	source_shutdown();
	loop_free();
	rtr_vrpset_clear(&a);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct config_rtr_cache	 c1, c2;
	struct config_rtr_group	 g[2];
	struct config_rpki	 rc;
	struct rtr_vrpset	 a, b;
	struct rtr_vrpset_delta	 dd;
	struct delta_arg	 da;
	struct rpkid_stats	 st, st0;
	struct cmp_arg		 cmp;
	struct prefix		 unc;
	double			 deadline, timeout;
	char			 err[256];
	size_t			 i, nroutes = 0, expect_touched = 0, n;
	int			 fail = 0, ok;

	if ((argc == 6 || argc == 8) && strcmp(argv[1], "load") == 0)
		return load(argc, argv);
	if (argc != 9) {
		fprintf(stderr, "usage: rpkid_tool PORT1 PORT2 PID1 PID2 FILE NEWFILE SERVED "
		    "TIMEOUT\n");
		return 2;
	}
	timeout = strtod(argv[8], NULL);
	rtr_vrpset_init(&a);
	rtr_vrpset_init(&b);
	if (rtr_file_load(argv[5], 0, &a, err, sizeof(err)) == -1 ||
	    rtr_file_load(argv[6], 0, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	c1.host = c2.host = (char *)(uintptr_t)"127.0.0.1";
	c1.port = (uint16_t)atoi(argv[1]);
	c2.port = (uint16_t)atoi(argv[2]);
	g[0].preference = 1;
	g[0].caches = &c1;
	g[0].ncaches = 1;
	g[1].preference = 2;
	g[1].caches = &c2;
	g[1].ncaches = 1;
	memset(&rc, 0, sizeof(rc));
	rc.refresh = 1;
	rc.retry = 1;
	rc.expire = 600;
	rc.groups = g;
	rc.ngroups = 2;
	if (loop_init() == -1 || source_init() == -1)
		return 2;
	rpkid_subscribe_health(on_health, NULL);
	if (rpkid_open(&rc, NULL) == -1)
		return 2;
	good = source_new(SOURCE_BGP, "good", NULL);
	bad = source_new(SOURCE_BGP, "bad", NULL);
	good->sess = bad->sess = sess4;
	/* routes for the VRPs of both files (so the moved VRP has a route too) */
	for (i = 0; i < a.nvrp + b.nvrp; i++) {
		const struct rtr_vrp *v = i < a.nvrp ? &a.vrp[i] : &b.vrp[i - a.nvrp];

		if (v->prefix.af != PREFIX_AF_IPV4 || v->asn == 0)
			continue;
		announce(good, &v->prefix, v->asn);
		announce(bad, &v->prefix, FOREIGN_AS);
	}
	prefix_parse("203.0.113.0/24", &unc);
	announce(good, &unc, FOREIGN_AS);
	rib_walk(source_rib(), count_cb, &nroutes);

	/* 1. initial sync */
	deadline = now() + timeout;
	do {
		run_loop(100);
		rpkid_stats(&st);
	} while (now() < deadline && (st.vrps4 + st.vrps6 != a.nvrp || st.busy ||
	    (health_flags & RTR_HEALTH_NO_SYNC) || health_events == 0));
	compare(&a, &cmp);
	ok = st.vrps4 + st.vrps6 == a.nvrp && cmp.wrong == 0 && cmp.routes == nroutes &&
	    cmp.valid > 0 && cmp.invalid > 0 && state_of("203.0.113.0/24", good) ==
	    RIB_RPKI_NOT_FOUND && state_of("1.0.4.0/24", good) == RIB_RPKI_VALID &&
	    state_of("1.0.4.0/24", bad) == RIB_RPKI_INVALID;
	printf("sync=%s vrps=%zu file=%zu routes=%zu valid=%zu invalid=%zu notfound=%zu "
	    "wrong=%zu health=%u\n", ok ? "ok" : "FAIL", st.vrps4 + st.vrps6, a.nvrp,
	    cmp.routes, cmp.valid, cmp.invalid, cmp.notfound, cmp.wrong, health_flags);
	fail |= !ok;

	/* 2. the served file changes; StayRTR sends the delta */
	memset(&da, 0, sizeof(da));
	memset(&dd, 0, sizeof(dd));
	dd.vrp = delta_cb;
	dd.arg = &da;
	rtr_vrpset_diff(&a, &b, &dd);
	n = rtr_vrp_roots(da.p, da.n);
	for (i = 0; i < n; i++)
		rib_walk_more_specifics(source_rib(), &da.p[i], count_cb, &expect_touched);
	rpkid_stats(&st0);
	if (copy_file(argv[6], argv[7]) != 0)
		fail = 1;
	deadline = now() + timeout;
	do {
		run_loop(100);
		rpkid_stats(&st);
	} while (now() < deadline && (st.vrps4 + st.vrps6 != b.nvrp || st.busy));
	compare(&b, &cmp);
	ok = st.vrps4 + st.vrps6 == b.nvrp && cmp.wrong == 0 &&
	    st.touched - st0.touched == expect_touched && expect_touched > 0 &&
	    expect_touched < nroutes && state_of("1.0.4.0/24", good) == RIB_RPKI_INVALID &&
	    state_of("192.0.2.0/24", good) == RIB_RPKI_NOT_FOUND &&
	    state_of("198.51.100.0/24", good) == RIB_RPKI_VALID;
	printf("reload=%s vrps=%zu file=%zu changed_vrps=%zu touched=%llu expected=%zu "
	    "of=%zu state_changes=%llu wrong=%zu\n", ok ? "ok" : "FAIL",
	    st.vrps4 + st.vrps6, b.nvrp, da.n,
	    (unsigned long long)(st.touched - st0.touched), expect_touched, nroutes,
	    (unsigned long long)(st.changed - st0.changed), cmp.wrong);
	fail |= !ok;

	/* 3. preference 1 dies: preference 2 takes over, nothing changes */
	rpkid_stats(&st0);
	kill((pid_t)atoi(argv[3]), SIGKILL);
	{
		unsigned ev0 = health_events;
		int used2 = 0;

		deadline = now() + timeout;
		do {
			run_loop(200);
			rpkid_stats(&st);
			used2 = cache_up(1) && !cache_up(0);
			/* under load the health lags the status: wait for both */
		} while (now() < deadline && !(used2 && st.vrps4 + st.vrps6 == b.nvrp &&
		    !(health_flags & RTR_HEALTH_NO_SYNC)));
		run_loop(1500);		/* settle: the old group's records go */
		rpkid_stats(&st);
		compare(&b, &cmp);
		/*
		 * Not asserted: state changes during the switch. rtrlib may drop the dead
		 * group's VRPs before the new group's arrive (a transient flap, counted).
		 */
		ok = used2 && st.vrps4 + st.vrps6 == b.nvrp && cmp.wrong == 0 &&
		    !(health_flags & RTR_HEALTH_NO_SYNC);
		printf("fallback=%s preferred_up=%d second_up=%d vrps=%zu wrong=%zu "
		    "state_changes=%llu health_events=%u health=%u\n", ok ? "ok" : "FAIL",
		    cache_up(0), cache_up(1), st.vrps4 + st.vrps6, cmp.wrong,
		    (unsigned long long)(st.changed - st0.changed), health_events - ev0,
		    health_flags);
		fail |= !ok;
	}

	/* 4. preference 2 dies too: health says so, the data stays until expire */
	kill((pid_t)atoi(argv[4]), SIGKILL);
	deadline = now() + timeout;
	do {
		run_loop(200);
	} while (now() < deadline && !(health_flags & RTR_HEALTH_NO_SYNC));
	rpkid_stats(&st);
	compare(&b, &cmp);
	ok = (health_flags & RTR_HEALTH_NO_SYNC) && st.vrps4 + st.vrps6 == b.nvrp &&
	    cmp.wrong == 0;
	printf("down=%s health=%u vrps=%zu wrong=%zu\n", ok ? "ok" : "FAIL", health_flags,
	    st.vrps4 + st.vrps6, cmp.wrong);
	fail |= !ok;

	rpkid_close();
	source_shutdown();
	loop_free();
	rtr_vrpset_clear(&a);
	rtr_vrpset_clear(&b);
	return fail;
}
