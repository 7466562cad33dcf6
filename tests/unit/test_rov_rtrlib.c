/*
 * Cross-check: our RFC 6811 validation against rtrlib's pfx_table_validate on real
 * data — the 424k VRPs of the RIPE pre-production set, every route (prefix, origin)
 * of a full RouteViews table (IPv4) and of the IPv4+IPv6 pyasn table — plus
 * synthetic routes inside each VRP (at maxlen and maxlen + 1, right and wrong AS).
 */
#include <stdio.h>

#include "rtr/rtr_file.h"
#include "rtr/rtr_glue.h"
#include "tests/unit/ut.h"

struct tables {
	struct rtr_vrpset		 set;
	struct rtr_vrp_store		*ours;
	struct rtr_rtrlib_table		*theirs;
};

static void
load(struct tables *t)
{
	const char *path = ut_shared("vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz");
	char err[256];
	size_t i;

	if (path == NULL)
		ut_skip("shared data absent");
	rtr_vrpset_init(&t->set);
	UT_EQ_INT(rtr_file_load(path, 0, &t->set, err, sizeof(err)), 0);
	UT_ASSERT((t->ours = rtr_vrp_new()) != NULL);
	UT_ASSERT((t->theirs = rtr_rtrlib_table_new()) != NULL);
	for (i = 0; i < t->set.nvrp; i++) {
		UT_EQ_INT(rtr_vrp_add(t->ours, &t->set.vrp[i]), RTR_VRP_NEW);
		UT_EQ_INT(rtr_rtrlib_table_add(t->theirs, &t->set.vrp[i]), 0);
	}
}

static void
unload(struct tables *t)
{
	rtr_vrp_free(t->ours);
	rtr_rtrlib_table_free(t->theirs);
	rtr_vrpset_clear(&t->set);
}

static enum rtr_rov
coarse(enum rtr_rov r)
{
	return r == RTR_ROV_INVALID_LEN ? RTR_ROV_INVALID_AS : r;
}

/* Validate every "prefix<TAB>origin" line of a pyasn file with both; returns routes. */
static size_t
cross_pyasn(struct tables *t, const char *rel, size_t *outcome)
{
	const char *path = ut_shared(rel);
	char err[256], *buf, *line, *next, *tab;
	struct prefix p;
	size_t len, n = 0;
	enum rtr_rov a, b;
	unsigned long asn;

	if (path == NULL || (buf = rtr_file_read(path, &len, err, sizeof(err))) == NULL)
		ut_skip("shared data absent");
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == ';' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (prefix_parse(line, &p) != 0)
			continue;
		asn = strtoul(tab + 1, NULL, 10);
		a = rtr_rov_validate(t->ours, &p, asn);
		b = rtr_rtrlib_validate(t->theirs, &p, (uint32_t)asn);
		if (coarse(a) != b)
			ut_fail(__FILE__, __LINE__, "%s AS%lu: ours %s, rtrlib %s", line, asn,
			    rtr_rov_str(a), rtr_rov_str(b));
		outcome[a]++;
		n++;
	}
	free(buf);
	return n;
}

static void
routeviews_v4(void)
{
	struct tables t;
	size_t o[4] = { 0, 0, 0, 0 };

	load(&t);
	UT_EQ_INT(cross_pyasn(&t, "mrt/pyasn.ipasn_20140513.dat.gz", o), 512621);
	/* the pre-production set covers real space: all four outcomes occur */
	UT_ASSERT(o[RTR_ROV_VALID] > 0 && o[RTR_ROV_INVALID_AS] > 0 &&
	    o[RTR_ROV_INVALID_LEN] > 0 && o[RTR_ROV_NOT_FOUND] > 0);
	unload(&t);
}

static void
pyasn_v4_v6(void)
{
	struct tables t;
	size_t o[4] = { 0, 0, 0, 0 };

	load(&t);
	UT_EQ_INT(cross_pyasn(&t, "mrt/pyasn.ipasn6_20151101.dat.gz", o), 606138 + 27693);
	unload(&t);
}

static void
inside_each_vrp(void)
{
	struct tables t;
	struct prefix p;
	size_t i;
	unsigned len;
	uint32_t asn;

	load(&t);
	for (i = 0; i < t.set.nvrp; i += 7) {
		for (len = t.set.vrp[i].maxlen; len <= t.set.vrp[i].maxlen + 1u; len++) {
			if (len > prefix_maxlen(t.set.vrp[i].prefix.af))
				break;
			p = t.set.vrp[i].prefix;
			p.len = (uint8_t)len;
			for (asn = t.set.vrp[i].asn; asn <= t.set.vrp[i].asn + 1; asn++)
				UT_EQ_INT(coarse(rtr_rov_validate(t.ours, &p, asn)),
				    rtr_rtrlib_validate(t.theirs, &p, asn));
		}
	}
	unload(&t);
}

UT_MAIN(UT_CASE(routeviews_v4), UT_CASE(pyasn_v4_v6), UT_CASE(inside_each_vrp))
