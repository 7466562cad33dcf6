/*
 * libFuzzer target for the JSON VRP loader: parse, then feed what was accepted into
 * the VRP table and the ASPA store through the reload delta and validate each VRP's
 * own prefix, so the whole path from bytes to ROV is exercised.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rtr/rtr_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sink {
	struct rtr_vrp_store	*vrps;
	struct rtr_aspa_store	*aspas;
};

static int
on_vrp(const struct rtr_vrp *v, int add, void *arg)
{
	struct sink *s = arg;

	if (add && rtr_vrp_add(s->vrps, v) != RTR_VRP_NEW)
		abort();
	return 0;
}

static int
on_aspa(uint32_t c, const uint32_t *p, size_t n, int add, void *arg)
{
	struct sink *s = arg;

	if (add && rtr_aspa_set(s->aspas, c, p, n) == -1)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rtr_vrpset set, empty;
	struct sink s;
	struct rtr_vrpset_delta d = { on_vrp, on_aspa, &s };
	char err[128];
	size_t i;
	uint32_t path[3];

	rtr_vrpset_init(&set);
	rtr_vrpset_init(&empty);
	if (rtr_json_parse((const char *)data, len, 1, &set, err, sizeof(err)) == -1)
		return 0;
	s.vrps = rtr_vrp_new();
	s.aspas = rtr_aspa_new();
	if (s.vrps == NULL || s.aspas == NULL)
		abort();
	rtr_vrpset_diff(&empty, &set, &d);
	for (i = 0; i < set.nvrp; i++)
		if (set.vrp[i].asn != 0 &&
		    rtr_rov_validate(s.vrps, &set.vrp[i].prefix, set.vrp[i].asn) != RTR_ROV_VALID)
			abort();
	for (i = 0; i < set.naspa; i++) {
		path[0] = set.aspa[i].customer + 1;
		path[1] = set.aspa[i].customer;
		path[2] = 64500;
		(void)rtr_aspa_verify(s.aspas, RTR_ASPA_DOWNSTREAM, path, 3, 0, 0);
	}
	rtr_vrp_free(s.vrps);
	rtr_aspa_free(s.aspas);
	rtr_vrpset_clear(&set);
	return 0;
}
