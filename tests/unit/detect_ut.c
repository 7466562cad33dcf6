/*
 * Detection engine test helpers (see detect_ut.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "tests/unit/detect_ut.h"
#include "tests/unit/ut.h"

static void
emit(const struct alert *a, enum alert_transition tr, void *arg)
{
	struct dut		*t = arg;
	struct dut_event	*e;

	if (t->nev == DUT_EVENTS_MAX)
		return;
	e = &t->ev[t->nev++];
	memset(e, 0, sizeof(*e));
	e->tr = tr;
	e->key = a->key;
	e->severity = a->severity;
	e->reason = a->reason;
	e->nprefixes = a->nprefixes;
	e->nsources = a->nsources;
	snprintf(e->as_path, sizeof(e->as_path), "%s", a->as_path);
	snprintf(e->descr, sizeof(e->descr), "%s", a->description);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	UT_ASSERT(f != NULL);
	fputs(text, f);
	UT_EQ_INT(fclose(f), 0);
}

void
dut_init(struct dut *t, const char *det, const char *pfx)
{
	struct config_error	 err;
	struct detect_params	 dp;
	char			 path[128], *yml;
	size_t			 len;

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/ixw-detect-XXXXXX");
	UT_ASSERT(mkdtemp(t->dir) != NULL);
	len = strlen(det) + 512;
	UT_ASSERT((yml = malloc(len)) != NULL);
	snprintf(yml, len, "%salerts:\n  group-window: 0s\n%s%s",
	    strstr(det, "sources:") ? "" : "sources:\n  bmp:\n    listen:\n"
	    "      - address: 127.0.0.1\n        port: 11019\n", det,
	    pfx ? "prefixes-file: prefixes.yml\n" : "");
	snprintf(path, sizeof(path), "%s/ixwatch.yml", t->dir);
	write_file(path, yml);
	free(yml);
	if (pfx != NULL) {
		snprintf(path, sizeof(path), "%s/prefixes.yml", t->dir);
		write_file(path, pfx);
	}
	snprintf(path, sizeof(path), "%s/ixwatch.yml", t->dir);
	t->cfg = config_load(path, &err);
	if (t->cfg == NULL)
		ut_fail(__FILE__, __LINE__, "config: %s:%d: %s", err.file, err.line, err.msg);
	UT_ASSERT((t->rib = rib_new()) != NULL);
	UT_ASSERT((t->ev = calloc(DUT_EVENTS_MAX, sizeof(*t->ev))) != NULL);
	UT_ASSERT((t->ae = alert_engine_new(NULL, emit, t)) != NULL);
	detect_policies_apply(t->ae, t->cfg);
	memset(&dp, 0, sizeof(dp));
	dp.rule_enabled = config_prefix_rule_enabled;
	dp.moas_all = 1;
	UT_ASSERT((t->d = detect_new(t->rib, t->ae, t->cfg, &dp)) != NULL);
	t->now = 1700000000000ull;
}

struct config *
dut_reload(struct dut *t, const char *pfx)
{
	struct config_error	 err;
	struct config		*nc;
	char			 path[128];

	snprintf(path, sizeof(path), "%s/prefixes.yml", t->dir);
	write_file(path, pfx);
	snprintf(path, sizeof(path), "%s/ixwatch.yml", t->dir);
	if ((nc = config_load(path, &err)) == NULL)
		ut_fail(__FILE__, __LINE__, "config: %s:%d: %s", err.file, err.line, err.msg);
	UT_EQ_INT(detect_reload(t->d, nc, t->now), 0);
	return nc;
}

void
dut_fini(struct dut *t)
{
	char path[128];

	int  i;

	detect_free(t->d);
	alert_engine_free(t->ae);
	/* routes first: rib_free with live attribute sets reads freed memory
	 * (bgp/rib_attrs.c rib_attrs_destroy, reported) */
	for (i = 1; i < 64; i++)
		rib_source_withdraw_all(t->rib, (uint16_t)i);
	rib_reclaim_sync(t->rib);
	rib_free(t->rib);
	config_free(t->cfg);
	free(t->ev);
	snprintf(path, sizeof(path), "%s/ixwatch.yml", t->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/prefixes.yml", t->dir);
	unlink(path);
	rmdir(t->dir);
}

uint16_t
dut_source(struct dut *t, const char *name)
{
	int id = rib_source_add(t->rib, name);

	UT_ASSERT(id > 0);
	return (uint16_t)id;
}

void
dut_announce(struct dut *t, uint16_t src, const char *pfx, const struct dut_route *r)
{
	static const uint8_t	 nh[4] = { 192, 0, 2, 1 };
	struct bgp_attrs	 a;
	struct wbuf		 pw, cw, comm;
	struct prefix		 p;
	struct rib_attrs	*ra;
	uint8_t			 c[4] = { 0xff, 0xff, 0xff, 0x01 };
	uint32_t		 origin;

	UT_EQ_INT(prefix_parse(pfx, &p), 0);
	memset(&pw, 0, sizeof(pw));
	memset(&cw, 0, sizeof(cw));
	memset(&comm, 0, sizeof(comm));
	bgp_attrs_init(&a);
	bgp_aspath_put(&pw, BGP_SEG_SEQUENCE, r->path, r->npath, 1);
	if (r->set != NULL)
		bgp_aspath_put(&pw, BGP_SEG_SET, r->set, r->nset, 1);
	UT_EQ_INT(pw.err, 0);
	a.aspath = pw.buf;
	a.aspath_len = (uint16_t)pw.len;
	a.aspath_as4 = 1;
	a.origin = BGP_ORIGIN_IGP;
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	if (r->no_export) {
		a.communities = c;
		a.ncommunities = 1;
		a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	}
	if (r->otc) {
		a.otc = r->otc;
		a.present |= BGP_ATTR_BIT(BGP_ATTR_OTC);
	}
	UT_EQ_INT(bgp_canon_encode(&cw, &a, 0), 0);
	origin = r->set ? r->set[r->nset - 1] : r->npath ? r->path[r->npath - 1] : 0;
	ra = rib_attrs_intern(t->rib, cw.buf, cw.len, origin, (uint8_t)r->npath);
	UT_ASSERT(ra != NULL);
	UT_ASSERT(rib_route_update(t->rib, src, r->path_id, &p, ra, r->state) != RIB_ERR);
	rib_attrs_unref(t->rib, ra);
	wbuf_free(&pw);
	wbuf_free(&cw);
	UT_ASSERT(rib_lookup_exact(t->rib, &p, NULL, 0) > 0);
	{
		struct rib_route	*rr = NULL;
		unsigned		 cap = 0;
		int			 n = rib_lookup_exact_all(t->rib, &p, &rr, &cap), i;

		UT_EQ_INT(n, rib_lookup_exact(t->rib, &p, NULL, 0));
		for (i = 0; i < n; i++)
			if (rr[i].source == src && rr[i].path_id == r->path_id)
				/* as the daemon: the state the route came with */
				detect_route_state(t->d, src, &p, rr[i].attrs,
				    rr[i].state, t->now);
		free(rr);
	}
}

void
dut_path(struct dut *t, uint16_t src, const char *pfx, const uint32_t *path, unsigned n)
{
	struct dut_route r;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.npath = n;
	dut_announce(t, src, pfx, &r);
}

void
dut_withdraw(struct dut *t, uint16_t src, const char *pfx)
{
	struct prefix p;

	UT_EQ_INT(prefix_parse(pfx, &p), 0);
	UT_EQ_INT(rib_route_withdraw(t->rib, src, 0, &p), RIB_OK);
	detect_route(t->d, src, &p, NULL, t->now);
}

void
dut_tick(struct dut *t, uint64_t ms)
{
	t->now += ms;
	alert_tick(t->ae, t->now);
}

unsigned
dut_count(const struct dut *t, int rule, int tr)
{
	unsigned i, n = 0;

	for (i = 0; i < t->nev; i++)
		if ((rule == 0 || t->ev[i].key.rule == rule) && (tr == 0 || t->ev[i].tr == tr))
			n++;
	return n;
}

const struct dut_event *
dut_find(const struct dut *t, int rule, int tr, unsigned nth)
{
	unsigned i;

	for (i = 0; i < t->nev; i++)
		if ((rule == 0 || t->ev[i].key.rule == rule) && (tr == 0 || t->ev[i].tr == tr) &&
		    nth-- == 0)
			return &t->ev[i];
	return NULL;
}
