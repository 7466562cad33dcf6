/*
 * Loading the real 424k-VRP rpki-client file (gzip) into the VRP set and the VRP
 * table, and spot-checking origin validation against entries of the file.
 */
#include <stdio.h>

#include "rtr/rtr_file.h"
#include "tests/unit/ut.h"

static void
full_rpki_client_gz(void)
{
	struct rtr_vrpset o;
	struct rtr_vrp_store *s;
	char err[256];
	const char *path = ut_shared("vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz");
	size_t i, v6 = 0;
	struct prefix p;

	if (path == NULL)
		ut_skip("shared data absent");
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_file_load(path, 0, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 424223);		/* metadata "vrps", "uniquevrps" */
	UT_EQ_INT(o.naspa, 6647);		/* metadata "aspas" */
	for (i = 0; i < o.nvrp; i++)
		v6 += o.vrp[i].prefix.af == PREFIX_AF_IPV6;
	UT_EQ_INT(v6, 100620);
	UT_ASSERT((s = rtr_vrp_new()) != NULL);
	for (i = 0; i < o.nvrp; i++)
		UT_EQ_INT(rtr_vrp_add(s, &o.vrp[i]), RTR_VRP_NEW);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV4), 323603);
	UT_EQ_INT(rtr_vrp_count(s, PREFIX_AF_IPV6), 100620);
	/* the first ROAs of the file: 1.178.112.0/20-20 for AS12975 and AS19905 */
	UT_EQ_INT(prefix_parse("1.178.112.0/20", &p), 0);
	UT_EQ_INT(rtr_rov_validate(s, &p, 12975), RTR_ROV_VALID);
	UT_EQ_INT(rtr_rov_validate(s, &p, 19905), RTR_ROV_VALID);
	UT_EQ_INT(rtr_rov_validate(s, &p, 1), RTR_ROV_INVALID_AS);
	UT_EQ_INT(prefix_parse("1.178.112.0/21", &p), 0);
	UT_EQ_INT(rtr_rov_validate(s, &p, 12975), RTR_ROV_INVALID_LEN);
	for (i = 0; i < o.nvrp; i += 97)	/* every VRP validates its own prefix */
		UT_EQ_INT(rtr_rov_validate(s, &o.vrp[i].prefix, o.vrp[i].asn == 0 ? 1 :
		    o.vrp[i].asn), o.vrp[i].asn == 0 ? RTR_ROV_INVALID_AS : RTR_ROV_VALID);
	/* well under rtrlib's 85 bytes per VRP (tests/bench/bench_rov.c measures it) */
	UT_ASSERT(rtr_vrp_mem(s) < o.nvrp * 48);
	rtr_vrp_free(s);
	rtr_vrpset_clear(&o);
}

static void
real_aspas(void)
{
	struct rtr_vrpset o;
	struct rtr_aspa_store *a;
	char err[256];
	const char *path = ut_shared("vrp/rpki-client.ripe-prepdev.2023-05-04.json.gz");
	size_t i;
	static const uint32_t up[] = { 41881, 28 }, leak[] = { 41881, 28, 137 };

	if (path == NULL)
		ut_skip("shared data absent");
	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_file_load(path, 0, &o, err, sizeof(err)), 0);
	UT_ASSERT((a = rtr_aspa_new()) != NULL);
	for (i = 0; i < o.naspa; i++)
		UT_EQ_INT(rtr_aspa_set(a, o.aspa[i].customer, o.prov + o.aspa[i].off,
		    o.aspa[i].nprov), 0);
	UT_EQ_INT(rtr_aspa_count(a), 6647);
	/* AS28 names 41881, 61036 and 204096; AS513 publishes AS0 (no providers) */
	UT_EQ_INT(rtr_aspa_hop(a, 28, 41881), RTR_ASPA_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(a, 28, 204096), RTR_ASPA_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(a, 28, 3356), RTR_ASPA_NOT_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(a, 513, 41881), RTR_ASPA_NOT_PROVIDER);
	UT_EQ_INT(rtr_aspa_hop(a, 64496, 1), RTR_ASPA_NO_ATTEST);
	UT_EQ_INT(rtr_aspa_verify(a, RTR_ASPA_UPSTREAM, up, 2, 0, 41881), RTR_ASPA_VALID);
	/* AS137 (providers 48167, 60517, 203895) does not name AS28: invalid */
	UT_EQ_INT(rtr_aspa_verify(a, RTR_ASPA_UPSTREAM, leak, 3, 0, 41881), RTR_ASPA_INVALID);
	rtr_aspa_free(a);
	rtr_vrpset_clear(&o);
}

static void
missing_and_broken(void)
{
	struct rtr_vrpset o;
	char err[256], path[512];

	rtr_vrpset_init(&o);
	UT_EQ_INT(rtr_file_load("/nonexistent/vrps.json", 0, &o, err, sizeof(err)), -1);
	UT_EQ_STR(err, "/nonexistent/vrps.json: No such file or directory");
	snprintf(path, sizeof(path), "%s", ut_fixture("rpki/bad-maxlen.json"));
	UT_EQ_INT(rtr_file_load(path, 0, &o, err, sizeof(err)), -1);
	UT_ASSERT(strstr(err, "bad-maxlen.json:4:3: maxLength 12") != NULL);
	snprintf(path, sizeof(path), "%s", ut_fixture("rpki/aspas-new.json"));
	UT_EQ_INT(rtr_file_load(path, 0, &o, err, sizeof(err)), 0);
	UT_EQ_INT(o.nvrp, 3);
	rtr_vrpset_clear(&o);
}

UT_MAIN(UT_CASE(full_rpki_client_gz), UT_CASE(real_aspas), UT_CASE(missing_and_broken))
