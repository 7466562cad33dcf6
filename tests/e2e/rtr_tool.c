/*
 * Test driver for the rtrlib glue against a real RTR cache (StayRTR), used by
 * tests/e2e/rtr_stayrtr.sh. It polls rtr_glue_fd() like the event loop would, feeds
 * the drained changes into the VRP table, and checks:
 *   1. after the initial sync the table holds exactly the VRPs of CACHEFILE;
 *   2. after NEWFILE replaces CACHEFILE (StayRTR re-reads it and notifies), the
 *      changes received are exactly the delta between the two files.
 * Prints key=value lines; exits 0 only if every check held.
 *
 * usage: rtr_tool PORT CACHEFILE NEWFILE TIMEOUT_SECONDS [QUEUE]
 * A small QUEUE makes the rtrlib thread wait for the loop (back-pressure).
 * With RTR_TOOL_DEAD_PORT set, a first cache with a better preference (1) is
 * configured on that closed port: rtr_mgr must fall back to the real one (2).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rtr/rtr_file.h"
#include "rtr/rtr_glue.h"

struct state {
	struct rtr_vrp_store	*vrps;
	size_t			 adds, dels, bad;
};

static void
apply(const struct rtr_glue_event *ev, void *arg)
{
	struct state *s = arg;

	if (ev->type == RTR_GLUE_VRP_ADD) {
		s->adds++;
		if (rtr_vrp_add(s->vrps, &ev->vrp) != RTR_VRP_NEW)
			s->bad++;
	} else if (ev->type == RTR_GLUE_VRP_DEL) {
		s->dels++;
		if (rtr_vrp_del(s->vrps, &ev->vrp) != RTR_VRP_NEW)
			s->bad++;
	}
}

/* Does the table hold exactly the VRPs of set? */
static int
same(const struct rtr_vrp_store *t, const struct rtr_vrpset *set)
{
	size_t i;

	if (rtr_vrp_count(t, PREFIX_AF_NONE) != set->nvrp)
		return 0;
	for (i = 0; i < set->nvrp; i++)
		if (rtr_vrp_refs(t, &set->vrp[i]) != 1)
			return 0;
	return 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the loop until the table equals set and the cache is up (or the deadline). */
static int
run_until(struct rtr_glue *g, struct state *s, const struct rtr_vrpset *set,
    double deadline, struct rtr_cache_status *st, size_t live)
{
	struct rtr_cache_status all[2];
	struct pollfd pfd;

	pfd.fd = rtr_glue_fd(g);
	pfd.events = POLLIN;
	while (now() < deadline) {
		if (poll(&pfd, 1, 100) > 0)
			rtr_glue_drain(g, apply, s, 1000);
		rtr_glue_status(g, all, 2);
		*st = all[live];
		if (st->state == RTR_CACHE_UP && same(s->vrps, set) &&
		    st->vrps == set->nvrp)
			return 0;
	}
	return -1;
}

static int
count_delta(const struct rtr_vrp *v, int add, void *arg)
{
	size_t *n = arg;

	n[add ? 0 : 1]++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rtr_glue_cache_conf cc[2] = {
		{ "127.0.0.1", NULL, 1, NULL, 0, NULL, NULL, NULL },
		{ "127.0.0.1", NULL, 2, NULL, 0, NULL, NULL, NULL },
	};
	struct rtr_glue_conf conf = { cc, 1, 1, 600, 1, 0 };
	struct rtr_cache_status dead;
	const char *deadport = getenv("RTR_TOOL_DEAD_PORT");
	size_t live = 0;
	struct rtr_vrpset a, b;
	struct rtr_vrpset_delta d = { count_delta, NULL, NULL };
	struct rtr_cache_status st;
	struct state s;
	struct rtr_glue *g;
	char err[256], tmp[1024], cmd[4096];
	size_t want[2] = { 0, 0 };
	double t0, deadline;
	uint32_t serial0;
	int fail = 0;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: rtr_tool PORT CACHEFILE NEWFILE TIMEOUT [QUEUE]\n");
		return 2;
	}
	cc[0].port = argv[1];
	if (deadport != NULL) {
		cc[0].port = deadport;
		cc[1].port = argv[1];
		conf.ncaches = 2;
		live = 1;
	}
	if (argc == 6)
		conf.queue = strtoul(argv[5], NULL, 10);
	rtr_vrpset_init(&a);
	rtr_vrpset_init(&b);
	if (rtr_file_load(argv[2], 0, &a, err, sizeof(err)) == -1 ||
	    rtr_file_load(argv[3], 0, &b, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	memset(&s, 0, sizeof(s));
	s.vrps = rtr_vrp_new();
	if ((g = rtr_glue_new(&conf, err, sizeof(err))) == NULL || s.vrps == NULL) {
		fprintf(stderr, "rtr_glue_new: %s\n", err);
		return 2;
	}
	t0 = now();
	deadline = t0 + atof(argv[4]);
	if (rtr_glue_start(g) == -1)
		return 2;
	fail |= run_until(g, &s, &a, deadline, &st, live);
	printf("sync=%s vrps=%zu file=%zu seconds=%.2f serial=%u session=%u state=%s "
	    "bad=%zu\n", fail ? "timeout" : "ok", rtr_vrp_count(s.vrps, PREFIX_AF_NONE),
	    a.nvrp, now() - t0, st.serial, st.session_id, rtr_cache_state_str(st.state),
	    s.bad);
	fflush(stdout);
	if (deadport != NULL) {
		rtr_glue_status(g, &dead, 1);
		fail |= dead.state == RTR_CACHE_UP || dead.synced;
		printf("fallback=%s preferred=%s:%s state=%s used=%s:%s pref=%u\n",
		    fail ? "bad" : "ok", dead.host, dead.port, rtr_cache_state_str(dead.state),
		    st.host, st.port, st.preference);
	}
	if (fail)
		goto out;
	serial0 = st.serial;
	d.arg = want;
	rtr_vrpset_diff(&a, &b, &d);
	s.adds = s.dels = 0;
	snprintf(tmp, sizeof(tmp), "%s.new", argv[2]);
	snprintf(cmd, sizeof(cmd), "cp '%.900s' '%s' && mv '%s' '%.900s'", argv[3], tmp, tmp,
	    argv[2]);
	if (system(cmd) != 0)
		return 2;
	t0 = now();
	fail |= run_until(g, &s, &b, t0 + atof(argv[4]), &st, live);
	/* anything arriving late would be an extra change */
	deadline = now() + 1.5;
	while (now() < deadline) {
		rtr_glue_drain(g, apply, &s, 0);
		usleep(100000);
	}
	fail |= s.adds != want[0] || s.dels != want[1] || s.bad != 0 || !same(s.vrps, &b);
	fail |= st.serial == serial0;
	printf("delta=%s added=%zu removed=%zu expected_added=%zu expected_removed=%zu "
	    "vrps=%zu serial=%u->%u seconds=%.2f\n", fail ? "bad" : "ok", s.adds, s.dels,
	    want[0], want[1], rtr_vrp_count(s.vrps, PREFIX_AF_NONE), serial0, st.serial,
	    now() - t0);
out:
	t0 = now();
	s.adds = s.dels = 0;
	rtr_glue_stop(g);
	rtr_glue_drain(g, apply, &s, 0);
	{
		struct rtr_cache_status all[2];

		rtr_glue_status(g, all, 2);
		st = all[live];
	}
	/* rtrlib removed every record while closing; none of it may reach the table */
	fail |= s.dels != 0 || st.ignored != rtr_vrp_count(s.vrps, PREFIX_AF_NONE);
	printf("shutdown=%s seconds=%.2f ignored=%llu delivered=%zu state=%s\n",
	    s.dels == 0 && st.ignored == rtr_vrp_count(s.vrps, PREFIX_AF_NONE) ? "ok" : "bad",
	    now() - t0, (unsigned long long)st.ignored, s.dels, rtr_cache_state_str(st.state));
	rtr_glue_free(g);
	rtr_vrp_free(s.vrps);
	rtr_vrpset_clear(&a);
	rtr_vrpset_clear(&b);
	return fail ? 1 : 0;
}
