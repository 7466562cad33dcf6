/*
 * The BMP collector on the real loop, fed through socket pairs as routers: sources per
 * (router, peer, RIB type) from the per-peer header (RFC 7854 L flag, RFC 8671 O flag,
 * RFC 9069 Loc-RIB with its table name), ADD-PATH and 4-octet AS from the Peer Up
 * OPENs, the A flag, End-of-RIB, Peer Down, statistics, malformed input, and the
 * reconnect grace with its stale sweep.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>
#include <unistd.h>

#include "agent/bmp_collector.h"
#include "agent/config.h"
#include "agent/json.h"
#include "agent/loop.h"
#include "agent/source.h"
#include "bgp/bmp.h"
#include "bgp/rib.h"
#include "tests/unit/ut.h"

#define PEER_AS	65010

static struct config *
load(const char *grace)
{
	struct config_error	 err;
	struct config		*c;
	char			 text[256];

	snprintf(text, sizeof(text), "sources:\n  bmp:\n    reconnect-grace: %s\n"
	    "    max-routers: 2\n    allow: [ 192.0.2.0/24 ]\n", grace);
	c = config_load_mem(text, strlen(text), "test.yml", &err);
	UT_ASSERT(c != NULL);
	return c;
}

static void
stop_loop(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	loop_exit();
}

static void
spin(unsigned long ms)
{
	struct loop_event *t = loop_timer_new(stop_loop, NULL);

	UT_ASSERT(t != NULL);
	UT_EQ_INT(loop_timer_add(t, ms), 0);
	UT_EQ_INT(loop_run(), 0);
	loop_event_free(t);
}

/* Sets up the loop and the collector; returns the config to free at the end. */
static struct config *
setup(const char *grace)
{
	struct config *c = load(grace);

	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(source_init(), 0);
	UT_EQ_INT(bmp_collector_module.bind(c), 0);
	return c;
}

static void
teardown(struct config *c)
{
	bmp_collector_module.stop();
	source_shutdown();
	loop_free();
	config_free(c);
}

/* A router at 192.0.2.200 (TCP port port) connected through a socket pair; returns our end. */
static int
router_at(uint16_t port)
{
	struct sockaddr_in	 sin;
	int			 sv[2];

	UT_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0xc00002c8);
	sin.sin_port = htons(port);
	UT_EQ_INT(bmp_collector_attach(sv[0], (struct sockaddr *)&sin), 0);
	return sv[1];
}

static int
router(void)
{
	return router_at(40001);
}

/* An Initiation with sysName name. */
static void
initiation(struct wbuf *w, const char *name)
{
	struct bmp_tlv t[2] = {
		{ .type = BMP_INFO_SYSDESCR, .val = (const uint8_t *)"test", .len = 4 },
		{ .type = BMP_INFO_SYSNAME, .val = (const uint8_t *)name,
		  .len = (uint16_t)strlen(name) },
	};

	bmp_encode_initiation(w, t, 2);
}

static void
send_buf(int fd, struct wbuf *w)
{
	UT_ASSERT(!w->err);
	UT_EQ_INT((int)write(fd, w->buf, w->len), (int)w->len);
	wbuf_reset(w);
	spin(30);
}

static void
peer(struct bmp_peer_hdr *ph, uint8_t type, uint8_t flags)
{
	memset(ph, 0, sizeof(*ph));
	ph->type = type;
	ph->flags = flags;
	ph->af = PREFIX_AF_IPV4;
	if (type != BMP_PEER_LOC_RIB) {
		ph->addr[0] = 198;
		ph->addr[1] = 51;
		ph->addr[2] = 100;
		ph->addr[3] = 1;
		ph->as = PEER_AS;
		ph->bgp_id = 0xc6336401;
	} else
		ph->as = 64999;
}

/* What put_open offers: ADD-PATH mode, unicast or another SAFI (tests change it). */
static uint8_t	open_ap = BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE;
static uint8_t	open_safi = BGP_SAFI_UNICAST;

static void
put_open(struct wbuf *w, uint32_t as, int addpath)
{
	struct bgp_open o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = (uint16_t)as;
	o.holdtime = 90;
	o.bgp_id = as;
	o.caps.has_as4 = 1;
	o.caps.as4 = as;
	o.caps.nmp = 1;
	o.caps.mp[0].afi = PREFIX_AF_IPV4;
	o.caps.mp[0].safi = open_safi;
	if (addpath) {
		o.caps.naddpath = 1;
		o.caps.addpath[0].afi = PREFIX_AF_IPV4;
		o.caps.addpath[0].safi = BGP_SAFI_UNICAST;
		o.caps.addpath[0].flags = open_ap;
	}
	bgp_open_encode(w, &o);
}

static void
peer_up(struct wbuf *w, const struct bmp_peer_hdr *ph, int addpath, const char *table)
{
	struct bmp_peer_up	 up;
	struct bmp_tlv		 t;
	struct wbuf		 s, r;

	wbuf_init(&s, 0);
	wbuf_init(&r, 0);
	put_open(&s, 64999, addpath);
	put_open(&r, ph->as, addpath);
	memset(&up, 0, sizeof(up));
	up.local_af = PREFIX_AF_IPV4;
	up.sent_open = s.buf;
	up.sent_open_len = s.len;
	up.recv_open = r.buf;
	up.recv_open_len = r.len;
	t.type = BMP_INFO_TABLE_NAME;
	t.val = (const uint8_t *)table;
	t.len = table ? (uint16_t)strlen(table) : 0;
	bmp_encode_peer_up(w, ph, &up, &t, table ? 1 : 0);
	wbuf_free(&s);
	wbuf_free(&r);
}

/* Route Monitoring of one UPDATE for "10.0.N.0/24" routes with path ids. */
static void
route_mon(struct wbuf *w, const struct bmp_peer_hdr *ph, const unsigned *third,
    const uint32_t *ids, size_t n, int as4, int addpath, int withdraw)
{
	static const uint8_t	 nh[4] = { 192, 0, 2, 1 };
	struct bgp_sess		 sess = { (uint8_t)as4, 0, 0,
				    (uint8_t)(addpath ? BGP_AP_IPV4_UNICAST : 0), 0 };
	struct bgp_update_enc	 enc = { 0 };
	struct bgp_route	 rt[8];
	struct bgp_attrs	 a;
	struct wbuf		 pdu, path;
	uint32_t		 asns[2] = { PEER_AS, 64500 };
	size_t			 i;

	wbuf_init(&pdu, 0);
	wbuf_init(&path, 0);
	for (i = 0; i < n; i++) {
		memset(&rt[i], 0, sizeof(rt[i]));
		rt[i].pfx.af = PREFIX_AF_IPV4;
		rt[i].pfx.len = 24;
		rt[i].pfx.addr[0] = 10;
		rt[i].pfx.addr[2] = (uint8_t)third[i];
		rt[i].path_id = ids ? ids[i] : 0;
	}
	bgp_attrs_init(&a);
	bgp_aspath_put(&path, BGP_SEG_SEQUENCE, asns, 2, 1);
	a.aspath = path.buf;
	a.aspath_len = (uint16_t)path.len;
	a.aspath_as4 = 1;
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	if (withdraw) {
		enc.withdrawn = rt;
		enc.nwithdrawn = n;
	} else {
		enc.announce = rt;
		enc.nannounce = n;
		enc.attrs = &a;
	}
	UT_EQ_INT(bgp_update_encode(&pdu, &sess, &enc), 0);
	bmp_encode_route_mon(w, ph, pdu.buf, pdu.len);
	wbuf_free(&pdu);
	wbuf_free(&path);
}

static void
eor(struct wbuf *w, const struct bmp_peer_hdr *ph)
{
	struct wbuf pdu;

	wbuf_init(&pdu, 0);
	bgp_eor_encode(&pdu, PREFIX_AF_IPV4, BGP_SAFI_UNICAST);
	bmp_encode_route_mon(w, ph, pdu.buf, pdu.len);
	wbuf_free(&pdu);
}

static struct source *
find(const char *name)
{
	struct source *s;

	for (s = source_next(NULL); s != NULL; s = source_next(s))
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static uint32_t
origin_of(const char *pfx, uint16_t rib_id, uint32_t path_id)
{
	struct rib_route	 r[8];
	struct prefix		 p;
	int			 n, i;

	UT_EQ_INT(prefix_parse(pfx, &p), 0);
	n = rib_lookup_exact(source_rib(), &p, r, 8);
	for (i = 0; i < n && i < 8; i++)
		if (r[i].source == rib_id && r[i].path_id == path_id)
			return rib_attrs_origin_as(r[i].attrs);
	return 0;
}

static void
rib_types_and_addpath(void)
{
	struct config		*c = setup("0s");
	struct bmp_peer_hdr	 pre, post, out, loc;
	struct wbuf		 w;
	struct source		*s;
	unsigned		 t[3] = { 1, 2, 3 };
	uint32_t		 ids[3] = { 7, 8, 9 };
	int			 fd = router();

	wbuf_init(&w, 0);
	peer(&pre, BMP_PEER_GLOBAL, 0);
	peer(&post, BMP_PEER_GLOBAL, BMP_PEER_FLAG_L);
	peer(&out, BMP_PEER_GLOBAL, BMP_PEER_FLAG_O | BMP_PEER_FLAG_L);
	peer(&loc, BMP_PEER_LOC_RIB, 0);
	bmp_encode_initiation(&w, NULL, 0);
	peer_up(&w, &pre, 1, NULL);
	peer_up(&w, &loc, 0, "global");
	route_mon(&w, &pre, t, ids, 3, 1, 1, 0);	/* ADD-PATH negotiated: path ids */
	route_mon(&w, &post, t, ids, 2, 1, 1, 0);
	route_mon(&w, &out, t, ids, 1, 1, 1, 0);	/* we send with ADD-PATH too */
	route_mon(&w, &loc, t, NULL, 3, 1, 0, 0);
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
	UT_EQ_INT(s->rib_type, SOURCE_RIB_IN_PRE);
	UT_EQ_INT(s->type, SOURCE_BMP_PEER);
	UT_EQ_INT(s->peer_as, PEER_AS);
	UT_EQ_INT(source_routes(s), 3);
	UT_EQ_INT(origin_of("10.0.2.0/24", s->rib_id, 8), 64500);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/post")) != NULL);
	UT_EQ_INT(s->rib_type, SOURCE_RIB_IN_POST);
	UT_EQ_INT(source_routes(s), 2);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/out-post")) != NULL);
	UT_EQ_INT(s->rib_type, SOURCE_RIB_OUT_POST);
	UT_EQ_INT(origin_of("10.0.1.0/24", s->rib_id, 7), 64500);
	UT_ASSERT((s = find("bmp:192.0.2.200/loc:global")) != NULL);
	UT_EQ_INT(s->rib_type, SOURCE_RIB_LOC);
	UT_EQ_STR(s->table_name, "global");
	UT_EQ_INT(source_routes(s), 3);
	UT_EQ_INT(s->state, SOURCE_SYNCING);
	UT_EQ_INT(s->af_expect, SOURCE_AF_IPV4);	/* only IPv4 in the OPENs */
	eor(&w, &loc);
	send_buf(fd, &w);
	UT_EQ_INT(s->state, SOURCE_UP);
	UT_ASSERT((s = find("bmp:192.0.2.200")) != NULL);
	UT_EQ_INT(s->type, SOURCE_BMP_ROUTER);
	UT_EQ_INT(s->state, SOURCE_UP);
	close(fd);
	spin(30);
	UT_EQ_INT(source_count(), 0);		/* grace 0: all gone */
	wbuf_free(&w);
	teardown(c);
}

static void
legacy_as_path_flag(void)
{
	struct config		*c = setup("0s");
	struct bmp_peer_hdr	 ph;
	struct wbuf		 w;
	struct source		*s;
	unsigned		 t[1] = { 5 };
	int			 fd = router();

	wbuf_init(&w, 0);
	peer(&ph, BMP_PEER_GLOBAL, BMP_PEER_FLAG_A);
	route_mon(&w, &ph, t, NULL, 1, 0, 0, 0);	/* 2-octet AS_PATH, no Peer Up */
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
	UT_EQ_INT(source_routes(s), 1);
	UT_EQ_INT(origin_of("10.0.5.0/24", s->rib_id, 0), 64500);
	close(fd);
	wbuf_free(&w);
	teardown(c);
}

static void
peer_down_and_stats(void)
{
	struct config		*c = setup("0s");
	struct bmp_peer_hdr	 ph;
	struct bmp_peer_down	 pd;
	struct bmp_stat		 st[2];
	struct wbuf		 w, out;
	struct json		*j;
	struct source		*s;
	unsigned		 t[2] = { 1, 2 };
	int			 fd = router();

	wbuf_init(&w, 0);
	wbuf_init(&out, 0);
	peer(&ph, BMP_PEER_GLOBAL, 0);
	peer_up(&w, &ph, 0, NULL);
	route_mon(&w, &ph, t, NULL, 2, 1, 0, 0);
	memset(st, 0, sizeof(st));
	st[0].type = 7;		/* routes in Adj-RIB-In */
	st[0].len = 8;
	st[0].value = 100;
	st[1].type = 0;
	st[1].len = 4;
	st[1].value = 3;
	bmp_encode_stats(&w, &ph, st, 2);
	st[0].value = 2;	/* only the latest counters are kept */
	bmp_encode_stats(&w, &ph, st, 1);
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
	UT_EQ_INT(source_routes(s), 2);
	j = json_new();
	bmp_collector_describe(s, j);
	UT_EQ_INT(json_render(j, JSON_STYLE_JSON, &out), 0);
	wbuf_put_u8(&out, 0);
	UT_ASSERT(strstr((char *)out.buf, "\"adj_rib_in_routes\":2") != NULL);
	UT_ASSERT(strstr((char *)out.buf, "\"rejected_prefixes\":3") != NULL);
	json_free(j);
	memset(&pd, 0, sizeof(pd));
	pd.reason = BMP_DOWN_REMOTE_NODATA;
	bmp_encode_peer_down(&w, &ph, &pd);
	send_buf(fd, &w);
	UT_EQ_INT(source_routes(s), 0);
	UT_EQ_INT(s->state, SOURCE_DOWN);
	UT_EQ_STR(s->last_error, "remote close without NOTIFICATION");
	close(fd);
	wbuf_free(&w);
	wbuf_free(&out);
	teardown(c);
}

/* Peer Down of reason 1 or 2 without data (GoBGP's admin down, dying FSM): the
 * peer goes down, the router stays connected. */
static void
peer_down_without_data(void)
{
	struct config		*c = setup("0s");
	struct bmp_peer_hdr	 ph;
	struct bmp_peer_down	 pd;
	struct wbuf		 w;
	struct source		*s;
	unsigned		 t[2] = { 1, 2 }, reason;
	int			 fd = router();

	wbuf_init(&w, 0);
	for (reason = BMP_DOWN_LOCAL_NOTIFY; reason <= BMP_DOWN_LOCAL_FSM; reason++) {
		peer(&ph, BMP_PEER_GLOBAL, 0);
		peer_up(&w, &ph, 0, NULL);
		route_mon(&w, &ph, t, NULL, 2, 1, 0, 0);
		send_buf(fd, &w);
		UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
		UT_EQ_INT(source_routes(s), 2);
		memset(&pd, 0, sizeof(pd));
		pd.reason = (uint8_t)reason;
		bmp_encode_peer_down(&w, &ph, &pd);
		if (reason == BMP_DOWN_LOCAL_FSM) {	/* drop the FSM event code */
			w.len -= 2;
			w.buf[4] = (uint8_t)(w.buf[4] - 2);
		}
		send_buf(fd, &w);
		UT_EQ_INT(source_routes(s), 0);
		UT_EQ_INT(s->state, SOURCE_DOWN);
		UT_ASSERT((s = find("bmp:192.0.2.200")) != NULL);
		UT_EQ_INT(s->state, SOURCE_UP);		/* still connected */
	}
	close(fd);
	wbuf_free(&w);
	teardown(c);
}

/*
 * RFC 9069 §5.2: a Loc-RIB peer's ADD-PATH in any mode means path ids; peers
 * told apart by their distinguisher get names that tell them apart; a peer
 * with no unicast family to wait for is synced at once.
 */
static void
loc_rib_addpath_rd_names(void)
{
	struct config		*c = setup("0s");
	struct bmp_peer_hdr	 loc, v1, v2, lab;
	struct wbuf		 w;
	struct source		*s, *s2;
	unsigned		 t[2] = { 1, 2 };
	uint32_t		 ids[2] = { 7, 8 };
	int			 fd = router();

	wbuf_init(&w, 0);
	open_ap = BGP_ADDPATH_SEND;
	peer(&loc, BMP_PEER_LOC_RIB, 0);
	peer_up(&w, &loc, 1, NULL);
	route_mon(&w, &loc, t, ids, 2, 1, 1, 0);
	send_buf(fd, &w);
	open_ap = BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE;
	UT_ASSERT((s = find("bmp:192.0.2.200/loc")) != NULL);
	UT_EQ_INT(source_routes(s), 2);
	UT_EQ_INT(origin_of("10.0.1.0/24", s->rib_id, 7), 64500);
	UT_EQ_INT(origin_of("10.0.2.0/24", s->rib_id, 8), 64500);
	/* two VRF peers with one address: RD 65000:1 and 192.0.2.9:2 */
	peer(&v1, BMP_PEER_RD, 0);
	v1.rd[3] = 0xe8;
	v1.rd[2] = 0xfd;
	v1.rd[7] = 1;
	peer(&v2, BMP_PEER_RD, 0);
	v2.rd[1] = 1;
	v2.rd[2] = 192;
	v2.rd[4] = 2;
	v2.rd[5] = 9;
	v2.rd[7] = 2;
	peer_up(&w, &v1, 0, NULL);
	peer_up(&w, &v2, 0, NULL);
	route_mon(&w, &v1, t, NULL, 1, 1, 0, 0);
	route_mon(&w, &v2, t, NULL, 2, 1, 0, 0);
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1%65000:1/pre")) != NULL);
	UT_ASSERT((s2 = find("bmp:192.0.2.200/198.51.100.1%192.0.2.9:2/pre")) != NULL);
	UT_EQ_INT(source_routes(s), 1);
	UT_EQ_INT(source_routes(s2), 2);
	/* a peer with labeled unicast only: no End-of-RIB to wait for */
	open_safi = 4;
	peer(&lab, BMP_PEER_GLOBAL, 0);
	lab.addr[3] = 2;
	peer_up(&w, &lab, 0, NULL);
	route_mon(&w, &lab, t, NULL, 1, 1, 0, 0);
	send_buf(fd, &w);
	open_safi = BGP_SAFI_UNICAST;
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.2/pre")) != NULL);
	UT_EQ_INT(s->af_expect, 0);
	UT_EQ_INT(s->state, SOURCE_UP);
	close(fd);
	wbuf_free(&w);
	teardown(c);
}

static void
malformed_closes(void)
{
	struct config			*c = setup("0s");
	struct bmp_collector_counters	 cnt;
	struct bmp_peer_hdr		 ph;
	struct wbuf			 w;
	unsigned			 t[1] = { 1 };
	int				 fd = router();

	wbuf_init(&w, 0);
	peer(&ph, BMP_PEER_GLOBAL, 0);
	route_mon(&w, &ph, t, NULL, 1, 1, 0, 0);
	wbuf_put_u8(&w, 3);		/* version 3, length 2: below the header */
	wbuf_put_u32(&w, 2);
	wbuf_put_u8(&w, 0);
	send_buf(fd, &w);
	bmp_collector_counters(&cnt);
	UT_EQ_INT((int)cnt.errors, 1);
	UT_EQ_INT((int)bmp_collector_routers(), 0);
	UT_EQ_INT(source_count(), 0);
	UT_EQ_INT((int)send(fd, "x", 1, MSG_NOSIGNAL), -1);	/* closed by the collector */
	close(fd);
	wbuf_free(&w);
	teardown(c);
}

static void
grace_resync_sweeps_stale(void)
{
	struct config			*c = setup("1m");
	struct bmp_collector_counters	 cnt;
	struct bmp_peer_hdr		 ph;
	struct wbuf			 w;
	struct source			*s;
	unsigned			 t[3] = { 1, 2, 3 };
	int				 fd = router();

	wbuf_init(&w, 0);
	peer(&ph, BMP_PEER_GLOBAL, 0);
	peer_up(&w, &ph, 0, NULL);
	route_mon(&w, &ph, t, NULL, 3, 1, 0, 0);
	eor(&w, &ph);
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
	UT_EQ_INT(s->state, SOURCE_UP);
	close(fd);
	spin(30);
	UT_EQ_INT(source_routes(s), 3);		/* kept within the grace */
	UT_EQ_INT(s->state, SOURCE_CONNECTING);
	fd = router();				/* same address: the same router */
	bmp_collector_counters(&cnt);
	UT_EQ_INT((int)cnt.resyncs, 1);
	UT_EQ_INT(s->state, SOURCE_SYNCING);
	peer_up(&w, &ph, 0, NULL);
	route_mon(&w, &ph, t + 1, NULL, 1, 1, 0, 0);	/* only 10.0.2.0/24 again */
	send_buf(fd, &w);
	UT_EQ_INT(source_routes(s), 3);		/* stale ones wait for End-of-RIB */
	eor(&w, &ph);
	send_buf(fd, &w);
	UT_EQ_INT(s->state, SOURCE_UP);
	UT_EQ_INT(source_routes(s), 1);
	UT_EQ_INT(origin_of("10.0.2.0/24", s->rib_id, 0), 64500);
	close(fd);
	wbuf_free(&w);
	teardown(c);
}

/*
 * A router connecting again while its old connection still looks alive (it
 * rebooted, no FIN reached us): the Initiation's sysName tells it is the same
 * router, so the new connection takes over at once, under the same name and
 * sources, its routes stale until End-of-RIB. A router of another sysName
 * behind the same address (NAT) is a router of its own.
 */
static void
reconnect_replaces_live(void)
{
	struct config			*c = setup("1m");
	struct bmp_collector_counters	 cnt;
	struct bmp_peer_hdr		 ph;
	struct wbuf			 w;
	struct source			*s;
	unsigned			 t[3] = { 1, 2, 3 };
	int				 fd = router_at(40001), fd2, fd3, fd4;

	wbuf_init(&w, 0);
	peer(&ph, BMP_PEER_GLOBAL, 0);
	initiation(&w, "r1");
	peer_up(&w, &ph, 0, NULL);
	route_mon(&w, &ph, t, NULL, 3, 1, 0, 0);
	eor(&w, &ph);
	send_buf(fd, &w);
	UT_ASSERT((s = find("bmp:192.0.2.200/198.51.100.1/pre")) != NULL);
	UT_EQ_INT(source_routes(s), 3);
	/* another router behind the same address: both stay; it is up once its
	 * Initiation shows it is not r1 again (no SourceUp before) */
	fd3 = router_at(40003);
	spin(30);
	UT_ASSERT(find("bmp:192.0.2.200#2") != NULL);
	UT_EQ_INT(find("bmp:192.0.2.200#2")->state, SOURCE_DOWN);
	initiation(&w, "r2");
	send_buf(fd3, &w);
	UT_EQ_INT(find("bmp:192.0.2.200#2")->state, SOURCE_UP);
	UT_EQ_INT((int)bmp_collector_routers(), 2);
	UT_ASSERT(send(fd, "", 0, MSG_NOSIGNAL) == 0);
	/* r1 again from another port, its first connection still open */
	fd2 = router_at(40002);
	initiation(&w, "r1");
	peer_up(&w, &ph, 0, NULL);
	route_mon(&w, &ph, t + 1, NULL, 1, 1, 0, 0);	/* only 10.0.2.0/24 again */
	send_buf(fd2, &w);
	UT_EQ_INT((int)bmp_collector_routers(), 2);
	UT_ASSERT(find("bmp:192.0.2.200#3") == NULL);
	UT_ASSERT(find("bmp:192.0.2.200#2") != NULL);
	UT_ASSERT(find("bmp:192.0.2.200") != NULL);
	UT_ASSERT(send(fd3, "", 0, MSG_NOSIGNAL) == 0);	/* r2 is left alone */
	/* max-routers (2) reached: the new connection got in as r1's address is
	 * live; one that is no router again is closed at its Initiation */
	fd4 = router_at(40004);
	initiation(&w, "r3");
	send_buf(fd4, &w);
	UT_EQ_INT((int)send(fd4, "x", 1, MSG_NOSIGNAL), -1);
	UT_EQ_INT((int)bmp_collector_routers(), 2);
	UT_ASSERT(find("bmp:192.0.2.200#3") == NULL);
	close(fd4);
	UT_EQ_INT((int)send(fd, "x", 1, MSG_NOSIGNAL), -1);	/* the old one is closed */
	UT_ASSERT(find("bmp:192.0.2.200/198.51.100.1/pre") == s);
	UT_EQ_INT(s->state, SOURCE_SYNCING);
	bmp_collector_counters(&cnt);
	UT_EQ_INT((int)cnt.resyncs, 1);
	UT_EQ_INT(source_routes(s), 3);		/* stale ones wait for End-of-RIB */
	eor(&w, &ph);
	send_buf(fd2, &w);
	UT_EQ_INT(s->state, SOURCE_UP);
	UT_EQ_INT(source_routes(s), 1);
	UT_EQ_INT(origin_of("10.0.2.0/24", s->rib_id, 0), 64500);
	/* and the connection it took over is read on */
	route_mon(&w, &ph, t, NULL, 1, 1, 0, 0);
	send_buf(fd2, &w);
	UT_EQ_INT(source_routes(s), 2);
	close(fd);
	close(fd2);
	spin(30);
	UT_EQ_INT((int)bmp_collector_routers(), 1);	/* r1 gone (within the grace), r2 on */
	close(fd3);
	wbuf_free(&w);
	teardown(c);
}

static int
attach_from(uint32_t addr)
{
	struct sockaddr_in	 sin;
	int			 sv[2], rc;

	UT_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	rc = bmp_collector_attach(sv[0], (struct sockaddr *)&sin);
	close(sv[1]);
	return rc;
}

static void
allow_list_and_max_routers(void)
{
	struct config			*c = setup("1m");
	struct bmp_collector_counters	 cnt;

	UT_EQ_INT(attach_from(0xc6336401), -1);		/* 198.51.100.1: not allowed */
	UT_EQ_INT(attach_from(0xc0000201), 0);
	UT_EQ_INT(attach_from(0xc0000202), 0);
	UT_EQ_INT(attach_from(0xc0000203), -1);		/* a third: over max-routers */
	bmp_collector_counters(&cnt);
	UT_EQ_INT((int)cnt.refused, 2);
	UT_EQ_INT((int)cnt.accepted, 2);
	UT_EQ_INT((int)bmp_collector_routers(), 2);
	spin(30);					/* both peers closed: gone */
	UT_EQ_INT((int)bmp_collector_routers(), 0);
	UT_EQ_INT(attach_from(0xc0000203), 0);		/* room again */
	teardown(c);
}

UT_MAIN(UT_CASE(rib_types_and_addpath), UT_CASE(allow_list_and_max_routers), UT_CASE(legacy_as_path_flag),
    UT_CASE(peer_down_and_stats), UT_CASE(peer_down_without_data),
    UT_CASE(loc_rib_addpath_rd_names), UT_CASE(malformed_closes),
    UT_CASE(grace_resync_sweeps_stale), UT_CASE(reconnect_replaces_live))
