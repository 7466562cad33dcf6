/*
 * Control commands over the sources and the RIB (agent/control.h): "show sources"
 * (routers, peers, sessions and replays with their state, RIB type, uptime, routes,
 * End-of-RIB progress, last error and counters), "show routes PREFIX [exact|longer|
 * shorter] [valid|invalid|notfound]" (per-source routes with the attributes decoded from the canonical blob:
 * RFC 4271 path attributes, RFC 1997/8092 communities, RFC 9234 OTC, RPKI/ASPA
 * state) and "show summary" (counts per family and source type, RIB memory).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/bmp_collector.h"
#include "agent/control.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/mrt_replay.h"
#include "agent/source.h"
#include "agent/source_ctl.h"
#include "bgp/bgp.h"
#include "bgp/rib.h"

#define ROUTES_MAX	10000	/* routes shown by one "show routes" */
#define LOOKUP_MAX	256	/* routes of one prefix fetched by an exact lookup */

static void
uptime_str(time_t secs, char *buf, size_t len)
{
	long long s = secs < 0 ? 0 : (long long)secs;

	snprintf(buf, len, "%lldd %02lld:%02lld:%02lld", s / 86400, s / 3600 % 24,
	    s / 60 % 60, s % 60);
}

static void
eor_str(const struct source *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
	    (s->af_expect & SOURCE_AF_IPV4) ? ((s->af_eor & SOURCE_AF_IPV4) ? "ipv4 " :
	    "ipv4? ") : "",
	    (s->af_expect & SOURCE_AF_IPV6) ? ((s->af_eor & SOURCE_AF_IPV6) ? "ipv6" :
	    "ipv6?") : "", s->af_expect == 0 ? "-" : "");
}

static void
source_json(const struct source *s, struct json *j, time_t now)
{
	char buf[64];

	json_object_open(j, NULL);
	json_uint(j, "id", s->id);
	json_string(j, "name", s->name);
	json_string(j, "type", source_type_str((enum source_type)s->type));
	json_string(j, "rib_type", source_rib_type_str((enum source_rib_type)s->rib_type));
	json_string(j, "state", source_state_str((enum source_state)s->state));
	uptime_str(s->state_since ? now - s->state_since : 0, buf, sizeof(buf));
	json_string(j, "uptime", buf);
	if (s->parent != NULL)
		json_string(j, "router", s->parent->name);
	if (s->type != SOURCE_BMP_ROUTER) {
		json_uint(j, "prefixes", source_routes(s));
		eor_str(s, buf, sizeof(buf));
		json_string(j, "eor", buf);
		json_bool(j, "eor_done", s->af_expect != 0 &&
		    (s->af_eor & s->af_expect) == s->af_expect);
		json_uint(j, "updates", s->count.updates);
		json_uint(j, "announcements", s->count.announcements);
		json_uint(j, "withdrawals", s->count.withdrawals);
		json_uint(j, "errors", s->count.attr_discards + s->count.treat_as_withdraw +
		    s->count.resets);
	}
	if (s->table_name[0])
		json_string(j, "table", s->table_name);
	json_string(j, "last_error", s->last_error);
	if (s->type == SOURCE_BMP_ROUTER || s->type == SOURCE_BMP_PEER)
		bmp_collector_describe(s, j);
	else if (s->type == SOURCE_MRT)
		mrt_replay_describe(s, j);
	json_close(j);
}

static int
cmd_sources(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json		*j = control_reply_json(r);
	const struct source	*s;
	time_t			 now = loop_now();

	(void)argv;
	(void)arg;
	if (argc != 0)
		return control_reply_error(r, "usage: show sources");
	json_uint(j, "count", source_count());
	json_array_open(j, "sources");
	for (s = source_next(NULL); s != NULL; s = source_next(s))
		source_json(s, j, now);
	json_close(j);
	return 0;
}

/* ---- show routes --------------------------------------------------------- */

struct routes_ctx {
	struct json	*j;
	unsigned	 n;
	int		 truncated;
	int		 rpki;		/* only routes in this RPKI state; -1: all */
};

static const char *
rpki_str(enum rib_rpki v)
{
	switch (v) {
	case RIB_RPKI_VALID:		return "valid";
	case RIB_RPKI_INVALID:		return "invalid";
	case RIB_RPKI_NOT_FOUND:	return "not-found";
	default:			return "not-checked";
	}
}

static const char *
aspa_str(enum rib_aspa v)
{
	switch (v) {
	case RIB_ASPA_VALID:	return "valid";
	case RIB_ASPA_INVALID:	return "invalid";
	case RIB_ASPA_UNKNOWN:	return "unknown";
	default:		return "not-checked";
	}
}

static void
aspath_json(struct json *j, const struct bgp_attrs *a)
{
	struct bgp_aspath_iter	 it;
	struct wbuf		 w;
	uint8_t			 seg, open = 0;
	uint32_t		 asn;
	char			 num[16];
	int			 n;

	wbuf_init(&w, 0);
	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &seg, &asn) == 1) {
		if (it.new_seg && open) {
			wbuf_put_u8(&w, open == BGP_SEG_SET || open == BGP_SEG_CONFED_SET ?
			    '}' : ')');
			open = 0;
		}
		if (w.len > 0)
			wbuf_put_u8(&w, ' ');
		if (it.new_seg && seg != BGP_SEG_SEQUENCE) {
			wbuf_put_u8(&w, seg == BGP_SEG_SET || seg == BGP_SEG_CONFED_SET ?
			    '{' : '(');
			open = seg;
		}
		n = snprintf(num, sizeof(num), "%u", asn);
		wbuf_put_bytes(&w, num, (size_t)n);
	}
	if (open)
		wbuf_put_u8(&w, open == BGP_SEG_SET || open == BGP_SEG_CONFED_SET ? '}' : ')');
	wbuf_put_u8(&w, '\0');
	json_string(j, "as_path", w.err ? "?" : (const char *)w.buf);
	wbuf_free(&w);
}

static void
attrs_json(struct json *j, const struct rib_attrs *ra)
{
	static const char *const origins[] = { "igp", "egp", "incomplete" };
	struct bgp_attrs	 a;
	const uint8_t		*blob, *p;
	size_t			 len;
	char			 buf[ADDR_STRLEN];
	unsigned		 i;

	blob = rib_attrs_blob(ra, &len);
	if (bgp_canon_decode(blob, len, &a) == -1) {
		json_string(j, "error", "attribute blob not canonical");
		return;
	}
	aspath_json(j, &a);
	json_uint(j, "origin_as", a.origin_as);
	json_string(j, "origin", BGP_ATTR_HAS(&a, BGP_ATTR_ORIGIN) && a.origin < 3 ?
	    origins[a.origin] : "-");
	if (a.nexthop.af != PREFIX_AF_NONE)
		json_string(j, "next_hop", addr_fmt(a.nexthop.af, a.nexthop.addr, buf,
		    sizeof(buf)));
	else
		json_string(j, "next_hop", "-");
	if (BGP_ATTR_HAS(&a, BGP_ATTR_MED))
		json_uint(j, "med", a.med);
	if (BGP_ATTR_HAS(&a, BGP_ATTR_LOCAL_PREF))
		json_uint(j, "local_pref", a.local_pref);
	json_array_open(j, "communities");
	for (i = 0, p = a.communities; i < a.ncommunities; i++, p += 4)
		json_stringf(j, NULL, "%u:%u", be16_load(p), be16_load(p + 2));
	json_close(j);
	json_array_open(j, "large_communities");
	for (i = 0, p = a.large_communities; i < a.nlarge_communities; i++, p += 12)
		json_stringf(j, NULL, "%u:%u:%u", be32_load(p), be32_load(p + 4),
		    be32_load(p + 8));
	json_close(j);
	if (a.next_communities > 0) {
		json_array_open(j, "ext_communities");
		for (i = 0, p = a.ext_communities; i < a.next_communities; i++, p += 8)
			json_stringf(j, NULL, "%02x%02x:%02x%02x%02x%02x%02x%02x", p[0], p[1],
			    p[2], p[3], p[4], p[5], p[6], p[7]);
		json_close(j);
	}
	if (BGP_ATTR_HAS(&a, BGP_ATTR_OTC))
		json_uint(j, "otc", a.otc);
	if (a.atomic_aggregate)
		json_bool(j, "atomic_aggregate", 1);
}

static int
route_cb(const struct prefix *p, const struct rib_route *rt, unsigned n, void *arg)
{
	struct routes_ctx	*c = arg;
	const struct source	*s;
	char			 buf[PREFIX_STRLEN];
	unsigned		 i;

	for (i = 0; i < n; i++) {
		if (c->rpki >= 0 && (int)RIB_STATE_RPKI(rt[i].state) != c->rpki)
			continue;
		if (c->n == ROUTES_MAX) {
			c->truncated = 1;
			return 1;
		}
		c->n++;
		s = source_by_rib_id(rt[i].source);
		json_object_open(c->j, NULL);
		json_string(c->j, "prefix", prefix_fmt(p, buf, sizeof(buf)));
		json_string(c->j, "source", s ? s->name : "?");
		json_uint(c->j, "source_id", s ? s->id : 0);
		json_string(c->j, "source_type", s ? source_type_str((enum source_type)s->type) :
		    "?");
		json_string(c->j, "rib_type", s ? source_rib_type_str(
		    (enum source_rib_type)s->rib_type) : "?");
		json_uint(c->j, "path_id", rt[i].path_id);
		attrs_json(c->j, rt[i].attrs);
		json_string(c->j, "rpki", rpki_str(RIB_STATE_RPKI(rt[i].state)));
		json_string(c->j, "aspa", aspa_str(RIB_STATE_ASPA(rt[i].state)));
		json_close(c->j);
	}
	return 0;
}

static int
cmd_routes(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json		*j = control_reply_json(r);
	struct rib		*rib = source_rib();
	struct rib_route	 rt[LOOKUP_MAX];
	struct routes_ctx	 c = { .j = j, .rpki = -1 };
	struct prefix		 p, m;
	const char		*mode, *last = argc > 1 ? argv[argc - 1] : "";
	char			 buf[PREFIX_STRLEN];
	int			 n;

	(void)arg;
	/* a trailing RPKI state filters the routes */
	if (strcmp(last, "valid") == 0)
		c.rpki = RIB_RPKI_VALID;
	else if (strcmp(last, "invalid") == 0)
		c.rpki = RIB_RPKI_INVALID;
	else if (strcmp(last, "notfound") == 0)
		c.rpki = RIB_RPKI_NOT_FOUND;
	if (c.rpki >= 0)
		argc--;
	mode = argc > 1 ? argv[1] : "";
	if (argc < 1 || argc > 2 || (argc == 2 && strcmp(mode, "exact") != 0 &&
	    strcmp(mode, "longer") != 0 && strcmp(mode, "shorter") != 0))
		return control_reply_error(r, "usage: show routes PREFIX "
		    "[exact|longer|shorter] [valid|invalid|notfound]");
	if (prefix_parse(argv[0], &p) == -1)
		return control_reply_error(r, "not a prefix or address: %s", argv[0]);
	prefix_mask(&p);
	json_string(j, "query", prefix_fmt(&p, buf, sizeof(buf)));
	json_string(j, "match", argc == 2 ? mode : "best");
	if (c.rpki >= 0)
		json_string(j, "rpki", rpki_str((enum rib_rpki)c.rpki));
	json_array_open(j, "routes");
	if (rib == NULL)
		;
	else if (strcmp(mode, "longer") == 0)
		rib_walk_more_specifics(rib, &p, route_cb, &c);
	else if (strcmp(mode, "shorter") == 0)
		rib_walk_less_specifics(rib, &p, route_cb, &c);
	else if ((n = rib_lookup_exact(rib, &p, rt, LOOKUP_MAX)) > 0)
		route_cb(&p, rt, n > LOOKUP_MAX ? LOOKUP_MAX : (unsigned)n, &c);
	else if (argc == 1 && (n = rib_lookup_lpm(rib, &p, &m, rt, LOOKUP_MAX)) > 0)
		route_cb(&m, rt, n > LOOKUP_MAX ? LOOKUP_MAX : (unsigned)n, &c);
	json_close(j);
	json_uint(j, "count", c.n);
	if (c.truncated)
		json_bool(j, "truncated", 1);
	return 0;
}

/* ---- show summary ---------------------------------------------------------- */

static int
cmd_summary(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json		*j = control_reply_json(r);
	struct rib		*rib = source_rib();
	struct rib_stats	 st;
	const struct source	*s;
	uint32_t		 nsrc[5] = { 0 }, nup[5] = { 0 };
	uint64_t		 nroutes[5] = { 0 };
	unsigned		 t;

	(void)argv;
	(void)arg;
	if (argc != 0)
		return control_reply_error(r, "usage: show summary");
	memset(&st, 0, sizeof(st));
	if (rib != NULL)
		rib_stats(rib, &st);
	json_object_open(j, "rib");
	json_uint(j, "prefixes_ipv4", st.prefixes4);
	json_uint(j, "prefixes_ipv6", st.prefixes6);
	json_uint(j, "routes", st.routes);
	json_uint(j, "attribute_sets", st.attrs);
	json_uint(j, "nodes", st.nodes);
	json_uint(j, "memory_bytes", st.bytes);
	json_close(j);
	for (s = source_next(NULL); s != NULL; s = source_next(s)) {
		if (s->type < 1 || s->type > 4)
			continue;
		nsrc[s->type]++;
		nup[s->type] += s->state == SOURCE_UP;
		nroutes[s->type] += source_routes(s);
	}
	json_array_open(j, "sources");
	for (t = 1; t <= 4; t++) {
		json_object_open(j, NULL);
		json_string(j, "type", source_type_str((enum source_type)t));
		json_uint(j, "count", nsrc[t]);
		json_uint(j, "up", nup[t]);
		json_uint(j, "routes", nroutes[t]);
		json_close(j);
	}
	json_close(j);
	bmp_collector_summary(j);
	mrt_replay_summary(j);
	return 0;
}

static int
ctl_bind(const struct config *conf)
{
	(void)conf;
	if (control_register("show sources", "", "BMP routers and peers, BGP sessions, "
	    "MRT replays: state, routes, End-of-RIB", cmd_sources, NULL) == -1 ||
	    control_register("show routes", "PREFIX [exact|longer|shorter] "
	    "[valid|invalid|notfound]",
	    "routes per source with their attributes", cmd_routes, NULL) == -1 ||
	    control_register("show summary", "", "RIB counts per family and source type, "
	    "memory", cmd_summary, NULL) == -1) {
		log_warnx("control: cannot register the source commands");
		return -1;
	}
	return 0;
}

struct loop_module source_ctl_module = {
	.name = "source-ctl",
	.bind = ctl_bind,
};
