/*
 * Benchmark of agent/rpkid at full scale: the 424k-VRP JSON set loaded into the
 * daemon's VRP table, the 577k-prefix full feed (one real IPv4 peer, MRT BGP4MP)
 * applied through a source with validation at arrival, then every route
 * revalidated (ROV on every route; goal < 0.5 s), both at once and in the loop's
 * time-bounded slices. Prints figures; not a test. Times are CPU time of this
 * thread (the machine is shared) with wall time beside them. "before" is the
 * per-route validation from the VRP trie's root (what revalidation did first),
 * "after" the cursor that walks the VRP trie in step with the RIB walk; both on
 * a copy of the VRP set, so the two are compared on the same routes and VRPs.
 * usage: bench_reval [VRP_JSON [MRT_UPDATES]]   (defaults: $IXW_SHARED/data/...)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/config_types.h"
#include "agent/loop.h"
#include "agent/rpkid.h"
#include "agent/source.h"
#include "bgp/mrt_file.h"
#include "bgp/rib.h"
#include "rtr/rtr_file.h"
#include "rtr/rtr_vrp.h"

/* rtrlib measured on this machine (bench_rov): 85 B/VRP, 1.43M validations/s */
#define RTRLIB_BPV	85.0
#define RTRLIB_VPS	1.43e6
#define GOAL_S		0.5

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cmp {
	struct rtr_vrp_store	*s;
	struct rtr_rov_cursor	 cur;
	int			 use_cursor;
	uint64_t		 n, sum;
};

static int
cmp_cb(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	struct cmp	*c = arg;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		uint32_t o = rib_attrs_origin_as(r[i].attrs);

		c->sum += c->use_cursor ? rtr_rov_cursor_validate(&c->cur, p, o) :
		    rtr_rov_validate(c->s, p, o);
		c->n++;
	}
	return 0;
}

/* Validate every route of the RIB once, per route from the root or with the cursor. */
static void
walk_validate(struct rtr_vrp_store *s, int use_cursor, const char *what)
{
	struct cmp	c;
	double		w0, c0, w, cp;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.use_cursor = use_cursor;
	rtr_rov_cursor_init(&c.cur, s);
	w0 = now();
	c0 = cpu();
	rib_walk(source_rib(), cmp_cb, &c);
	cp = cpu() - c0;
	w = now() - w0;
	printf("%s: %llu routes in %.3f s CPU (%.3f s wall), %.2fM validations/s "
	    "(rtrlib: %.2fM/s) [checksum %llu]\n", what, (unsigned long long)c.n, cp, w,
	    c.n / cp / 1e6, RTRLIB_VPS / 1e6, (unsigned long long)c.sum);
}

static struct rtr_vrp_store *
store_copy(const char *path)
{
	struct rtr_vrp_store	*s = rtr_vrp_new();
	struct rtr_vrpset	 set;
	char			 err[256];
	size_t			 i;

	rtr_vrpset_init(&set);
	if (s == NULL || rtr_file_load(path, 0, &set, err, sizeof(err)) == -1) {
		fprintf(stderr, "bench_reval: %s\n", err);
		exit(1);
	}
	for (i = 0; i < set.nvrp; i++)
		rtr_vrp_add(s, &set.vrp[i]);
	rtr_vrpset_clear(&set);
	return s;
}

static struct loop_event *stop_ev;

static void
stop_loop(int fd, short what, void *arg)
{
	struct rpkid_stats st;

	(void)fd; (void)what; (void)arg;
	rpkid_stats(&st);
	if (!st.busy)
		loop_exit();
	else
		loop_timer_add(stop_ev, 1);
}

static int
feed(struct source *src, const char *path, uint64_t *updates)
{
	struct mrt_file		*mf;
	struct mrt_record	 rec;
	struct bgp_error	 e;
	int			 r, res;

	if ((mf = mrt_file_open(path)) == NULL)
		return -1;
	while ((r = mrt_file_next_record(mf, &rec, &res)) == 1) {
		if (res != MRT_OK || rec.kind != MRT_KIND_BGP4MP_MSG || rec.u.msg.local ||
		    rec.u.msg.pdu_len < 19 || rec.u.msg.pdu[18] != 2)
			continue;
		src->sess.as4 = (uint8_t)rec.u.msg.as4;
		source_apply_update(src, rec.u.msg.pdu + 19, rec.u.msg.pdu_len - 19, &e);
		(*updates)++;
	}
	mrt_file_close(mf);
	return r == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char		*shared = getenv("IXW_SHARED");
	char			 vrp[1024], mrt[1024], tmp[64], cmd[2400];
	struct config_vrp_file	 vf;
	struct config_rpki	 rc;
	struct rpkid_stats	 st, st0;
	struct rib_stats	 rs;
	struct source		*src;
	struct loop_event	*t;
	uint64_t		 updates = 0;
	struct rtr_vrp_store	*copy;
	double			 t0, t1, c0, c1;
	int			 k;
	size_t			 nvrp;

	if (shared == NULL)
		shared = IXW_SHARED_DEFAULT;
	if (argc > 1)
		snprintf(vrp, sizeof(vrp), "%s", argv[1]);
	else
		snprintf(vrp, sizeof(vrp), "%s/data/vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz",
		    shared);
	if (argc > 2)
		snprintf(mrt, sizeof(mrt), "%s", argv[2]);
	else
		snprintf(mrt, sizeof(mrt), "%s/data/mrt/updates.et-header.2015.gz", shared);
	/* the 2023 set has expired: move "expires" ahead, as the e2e tests do */
	snprintf(tmp, sizeof(tmp), "/tmp/bench_reval.%ld.json", (long)getpid());
	snprintf(cmd, sizeof(cmd), "gzip -cdf '%s' | sed -E 's/\"expires\": *[0-9]+/"
	    "\"expires\": 4102444800/' > '%s'", vrp, tmp);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_reval: cannot prepare %s\n", vrp);
		return 1;
	}
	if (loop_init() == -1 || source_init() == -1)
		return 1;
	memset(&rc, 0, sizeof(rc));
	vf.file = tmp;
	vf.reload = 0;
	rc.vrp_files = &vf;
	rc.nvrp_files = 1;
	t0 = now();
	if (rpkid_open(&rc, NULL) == -1)
		return 1;
	t1 = now();
	rpkid_reval_flush();
	rpkid_stats(&st);
	nvrp = st.vrps4 + st.vrps6;
	copy = store_copy(tmp);
	unlink(tmp);
	if (nvrp == 0) {
		fprintf(stderr, "bench_reval: no VRPs from %s\n", vrp);
		return 1;
	}
	printf("vrp_load: %zu VRPs (%zu v4, %zu v6) in %.3f s; table %zu bytes = %.1f B/VRP "
	    "(rtrlib: %.0f B/VRP)\n", nvrp, st.vrps4, st.vrps6, t1 - t0, st.vrp_mem,
	    (double)st.vrp_mem / nvrp, RTRLIB_BPV);

	src = source_new(SOURCE_MRT, "feed", NULL);
	t0 = now();
	if (src == NULL || feed(src, mrt, &updates) == -1) {
		fprintf(stderr, "bench_reval: cannot read %s\n", mrt);
		return 1;
	}
	t1 = now();
	rib_stats(source_rib(), &rs);
	printf("feed: %llu UPDATEs, %u routes applied with validation at arrival in %.3f s "
	    "(%.0f routes/s)\n", (unsigned long long)updates, rs.routes, t1 - t0,
	    rs.routes / (t1 - t0));

	walk_validate(copy, 0, "before (per route from the root)");
	walk_validate(copy, 1, "after (cursor in step with the walk)");
	rtr_vrp_free(copy);

	/* the daemon's full revalidation; the first pass runs on a cold cache */
	for (k = 0; k < 3; k++) {
		rpkid_stats(&st0);
		rpkid_reval_all();
		t0 = now();
		c0 = cpu();
		rpkid_reval_flush();
		c1 = cpu();
		t1 = now();
		rpkid_stats(&st);
		printf("reval_all #%d: %llu routes revalidated in %.3f s CPU (%.3f s wall; "
		    "goal < %.1f s), %.2fM validations/s (rtrlib: %.2fM/s), %llu changed\n", k + 1,
		    (unsigned long long)(st.touched - st0.touched), c1 - c0, t1 - t0, GOAL_S,
		    (st.touched - st0.touched) / (c1 - c0) / 1e6, RTRLIB_VPS / 1e6,
		    (unsigned long long)(st.changed - st0.changed));
	}

	st0 = st;
	rpkid_reval_all();
	t = stop_ev = loop_timer_new(stop_loop, NULL);
	loop_timer_add(t, 1);
	t0 = now();
	loop_run();
	t1 = now();
	rpkid_stats(&st);
	printf("reval_sliced: %llu routes in %.3f s wall, %llu slices, longest %.2f ms\n",
	    (unsigned long long)(st.touched - st0.touched), t1 - t0,
	    (unsigned long long)(st.reval_slices - st0.reval_slices), st.max_slice_ms);
	loop_event_free(t);
	rpkid_close();
	source_shutdown();
	loop_free();
	return 0;
}
