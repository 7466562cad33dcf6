/*
 * ROV benchmark: load the 424k-VRP rpki-client JSON (gzip), report load time and
 * bytes per VRP (our allocation accounting and the RSS growth), then validate every
 * (prefix, origin) of a full RouteViews IPv4 table (pyasn, 512,621 routes) on one
 * thread, with our table and with rtrlib's pfx_table side by side.
 * Issue 6 goal: revalidating 577k routes after a full sync in < 0.5 s (> 1.2M/s).
 * Reference figures measured here for rtrlib: 85 B/VRP, 1.43M validations/s.
 *
 * usage: bench_rov [VRP_JSON [PYASN_FILE]]   (defaults: $IXW_SHARED/data/...)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rtr/rtr_file.h"
#include "rtr/rtr_glue.h"

struct route {
	struct prefix	p;
	uint32_t	asn;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

static struct route *
load_routes(const char *path, size_t *n)
{
	char err[256], *buf, *line, *next, *tab;
	struct route *r;
	size_t len, cap = 1 << 20;

	if ((buf = rtr_file_read(path, &len, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if ((r = malloc(cap * sizeof(*r))) == NULL)
		exit(1);
	*n = 0;
	for (line = buf; line != NULL && *line != '\0' && *n < cap; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == ';' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (prefix_parse(line, &r[*n].p) != 0)
			continue;
		r[*n].asn = (uint32_t)strtoul(tab + 1, NULL, 10);
		(*n)++;
	}
	free(buf);
	return r;
}

int
main(int argc, char **argv)
{
	const char *shared = getenv("IXW_SHARED");
	char vrpf[1024], ribf[1024], err[256];
	struct rtr_vrpset set;
	struct rtr_vrp_store *s;
	struct rtr_rtrlib_table *rt;
	struct route *r;
	size_t nr, i, k, rounds = 5, out[4] = { 0, 0, 0, 0 }, rss0, rss1, rss2;
	double t0, t1, t2, ours, theirs;
	volatile unsigned sink = 0;

	if (shared == NULL)
		shared = IXW_SHARED_DEFAULT;
	snprintf(vrpf, sizeof(vrpf), "%s", argc > 1 ? argv[1] : "");
	snprintf(ribf, sizeof(ribf), "%s", argc > 2 ? argv[2] : "");
	if (argc <= 1)
		snprintf(vrpf, sizeof(vrpf), "%s/data/vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz",
		    shared);
	if (argc <= 2)
		snprintf(ribf, sizeof(ribf), "%s/data/mrt/pyasn.ipasn_20140513.dat.gz", shared);
	if (access(vrpf, R_OK) != 0 || access(ribf, R_OK) != 0) {
		printf("bench_rov: data not found (set IXW_SHARED), nothing measured\n");
		return 0;
	}
	rtr_vrpset_init(&set);
	t0 = now();
	if (rtr_file_load(vrpf, 0, &set, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t1 = now();
	rss0 = rss();
	if ((s = rtr_vrp_new()) == NULL)
		return 1;
	for (i = 0; i < set.nvrp; i++)
		rtr_vrp_add(s, &set.vrp[i]);
	t2 = now();
	rss1 = rss();
	printf("VRPs: %zu (%zu IPv4, %zu IPv6), ASPAs: %zu\n", rtr_vrp_count(s, PREFIX_AF_NONE),
	    rtr_vrp_count(s, PREFIX_AF_IPV4), rtr_vrp_count(s, PREFIX_AF_IPV6), set.naspa);
	printf("load: gunzip+parse %.3f s, table build %.3f s (%.0f VRPs/s)\n", t1 - t0,
	    t2 - t1, (double)set.nvrp / (t2 - t1));
	printf("memory: %.1f B/VRP by allocation, %.1f B/VRP by RSS growth (rtrlib: 85)\n",
	    (double)rtr_vrp_mem(s) / (double)set.nvrp, (double)(rss1 - rss0) / (double)set.nvrp);

	r = load_routes(ribf, &nr);
	t0 = now();
	for (k = 0; k < rounds; k++)
		for (i = 0; i < nr; i++)
			out[rtr_rov_validate(s, &r[i].p, r[i].asn)]++;
	ours = (double)(nr * rounds) / (now() - t0);
	printf("routes: %zu; valid %zu, invalid-origin %zu, invalid-length %zu, "
	    "not-found %zu\n", nr, out[RTR_ROV_VALID] / rounds, out[RTR_ROV_INVALID_AS] / rounds,
	    out[RTR_ROV_INVALID_LEN] / rounds, out[RTR_ROV_NOT_FOUND] / rounds);
	printf("ixwatch ROV: %.2fM validations/s on one thread; 577,706 routes in %.3f s "
	    "(goal < 0.5 s)\n", ours / 1e6, 577706.0 / ours);

	rss2 = rss();
	if ((rt = rtr_rtrlib_table_new()) == NULL)
		return 1;
	t0 = now();
	for (i = 0; i < set.nvrp; i++)
		rtr_rtrlib_table_add(rt, &set.vrp[i]);
	t1 = now();
	printf("rtrlib pfx_table: build %.3f s, %.1f B/VRP by RSS growth\n", t1 - t0,
	    (double)(rss() - rss2) / (double)set.nvrp);
	t0 = now();
	for (k = 0; k < rounds; k++)
		for (i = 0; i < nr; i++)
			sink += rtr_rtrlib_validate(rt, &r[i].p, r[i].asn);
	theirs = (double)(nr * rounds) / (now() - t0);
	printf("rtrlib ROV: %.2fM validations/s on one thread (ours is %.1fx)\n",
	    theirs / 1e6, ours / theirs);
	rtr_rtrlib_table_free(rt);
	rtr_vrp_free(s);
	rtr_vrpset_clear(&set);
	free(r);
	return sink == 0xffffffffu;
}
