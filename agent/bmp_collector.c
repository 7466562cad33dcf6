/*
 * The BMP collector: RFC 7854 (BGP Monitoring Protocol), RFC 8671 (Adj-RIB-Out),
 * RFC 9069 (Loc-RIB). Passive listeners accept routers (allow list, max-routers);
 * each router has its own framer and peer table and is read on the loop with a
 * per-callback byte budget, so one busy or broken router never stalls the others.
 * Route Monitoring goes through source_apply_update() of the source for (router,
 * peer, RD, RIB type). A router that goes away keeps its routes for the reconnect
 * grace: when it comes back they are marked stale and what was not re-announced by
 * End-of-RIB (or by the end of another grace period) is withdrawn.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/bmp_collector.h"
#include "agent/config_types.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/source.h"
#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "bgp/rib.h"

#define READ_CHUNK	(64 * 1024)
#define READ_BUDGET	(512 * 1024)	/* bytes per read callback, then yield */
#define MAX_STATS	16
#define NRIB		5		/* SOURCE_RIB_IN_PRE .. SOURCE_RIB_LOC */
#define MAX_LISTEN	16

struct stat_ent {
	uint16_t	type;
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		has_afi;
	uint64_t	value;
};

/* Routes of a source not yet re-announced after a router came back. */
struct stale_ent {
	struct prefix	p;
	uint32_t	path_id;
	uint8_t		used;
};
struct stale {
	struct stale_ent *tab;
	size_t		 cap;		/* power of two */
	size_t		 n;
};

struct router;

struct peer {
	TAILQ_ENTRY(peer)	 entry;
	struct router		*router;
	uint8_t			 type;		/* enum bmp_peer_type */
	uint8_t			 rd[8];
	uint8_t			 af;
	uint8_t			 addr[16];
	uint32_t		 as, bgp_id;
	int			 up;		/* Peer Up seen, no Peer Down since */
	int			 have_open;
	struct bgp_sess		 sess_in;	/* Adj-RIB-In and Loc-RIB decoding */
	struct bgp_sess		 sess_out;	/* Adj-RIB-Out decoding */
	uint8_t			 af_expect;
	char			 table_name[64];
	char			 down_reason[128];
	time_t			 up_since;
	time_t			 stats_at;
	unsigned		 nstats;
	struct stat_ent		 stats[MAX_STATS];
	struct source		*src[NRIB];
	struct stale		*stale[NRIB];
};

struct router {
	TAILQ_ENTRY(router)	 entry;
	int			 fd;		/* -1 while gone (within the grace) */
	struct loop_event	*ev;
	struct loop_event	*grace;		/* gone: withdraw all when it fires */
	struct loop_event	*sweep;		/* back: withdraw what is still stale */
	struct bmp_framer	*fr;
	struct source		*src;
	uint8_t			 af;
	uint8_t			 addr[16];
	uint16_t		 port;
	char			 name[64];
	char			 sysname[128];
	char			 sysdescr[256];
	char			 term_reason[128];
	uint64_t		 msgs, bytes;
	time_t			 connected;
	struct router		*same;		/* Initiation: the live router it is again */
	int			 over;		/* past max-routers until it proves to be one again */
	int			 pending_up;	/* a live router's address: up once it is not that one */
	struct loop_event	*init_dl;	/* over: the Initiation's deadline */
	uint16_t		 lport;		/* the listener's port it came to */
	TAILQ_HEAD(, peer)	 peers;
};

struct listener {
	int			 fd;
	struct loop_event	*ev;
	struct config_endpoint	 ep;
};

static struct {
	TAILQ_HEAD(, router)		 routers;
	int				 inited;
	struct listener			 lis[MAX_LISTEN];
	unsigned			 nlis;
	struct prefix			*allow;
	size_t				 nallow;
	uint32_t			 max_routers;
	uint32_t			 grace;		/* seconds */
	unsigned			 nlive;
	struct bmp_collector_counters	 c;
	struct log_rl			 rl_err, rl_conn, rl_refuse;
	uint8_t				 rbuf[READ_CHUNK];
} bc;

static void
init_once(void)
{
	if (bc.inited)
		return;
	TAILQ_INIT(&bc.routers);
	bc.max_routers = 16;
	bc.inited = 1;
}

static void	router_close(struct router *, const char *reason, int error);
static void	router_free(struct router *);
static struct router *router_takeover(struct router *, struct router *);
static void	router_resync(struct router *);

/* ---- stale sets ---------------------------------------------------------- */

static uint32_t
stale_hash(const struct prefix *p, uint32_t path_id)
{
	uint32_t	 h = 2166136261u ^ p->len ^ ((uint32_t)p->af << 8);
	unsigned	 i, n = prefix_addrlen(p->af);

	for (i = 0; i < n; i++)
		h = (h ^ p->addr[i]) * 16777619u;
	h = (h ^ path_id) * 16777619u;
	return h ^ (h >> 15);
}

static int
stale_grow(struct stale *s)
{
	struct stale_ent	*old = s->tab, *e;
	size_t			 oldcap = s->cap, i, j, ncap = s->cap ? s->cap * 2 : 1024;

	if ((s->tab = calloc(ncap, sizeof(*s->tab))) == NULL) {
		s->tab = old;
		return -1;
	}
	s->cap = ncap;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		j = stale_hash(&old[i].p, old[i].path_id) & (ncap - 1);
		while (s->tab[j].used)
			j = (j + 1) & (ncap - 1);
		e = &s->tab[j];
		*e = old[i];
	}
	free(old);
	return 0;
}

static int
stale_add(struct stale *s, const struct prefix *p, uint32_t path_id)
{
	size_t j;

	if ((s->n + 1) * 2 > s->cap && stale_grow(s) == -1)
		return -1;
	j = stale_hash(p, path_id) & (s->cap - 1);
	while (s->tab[j].used) {
		if (s->tab[j].path_id == path_id && prefix_eq(&s->tab[j].p, p))
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->tab[j].p = *p;
	s->tab[j].path_id = path_id;
	s->tab[j].used = 1;
	s->n++;
	return 0;
}

/* Removes one entry (linear probing: re-inserts the rest of its cluster). */
static void
stale_del(struct stale *s, const struct prefix *p, uint32_t path_id)
{
	struct stale_ent	 e;
	size_t			 j, k;

	if (s->n == 0)
		return;
	j = stale_hash(p, path_id) & (s->cap - 1);
	while (s->tab[j].used) {
		if (s->tab[j].path_id == path_id && prefix_eq(&s->tab[j].p, p))
			break;
		j = (j + 1) & (s->cap - 1);
	}
	if (!s->tab[j].used)
		return;
	s->tab[j].used = 0;
	s->n--;
	for (k = (j + 1) & (s->cap - 1); s->tab[k].used; k = (k + 1) & (s->cap - 1)) {
		e = s->tab[k];
		s->tab[k].used = 0;
		s->n--;
		stale_add(s, &e.p, e.path_id);
	}
}

static void
stale_free(struct stale *s)
{
	if (s == NULL)
		return;
	free(s->tab);
	free(s);
}

static int
stale_collect(const struct prefix *p, const struct rib_route *r, unsigned n, void *arg)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (stale_add(arg, p, r[i].path_id) == -1)
			return 1;
	return 0;
}

/* Withdraws every route still stale and forgets the set. */
static void
stale_sweep(struct peer *pe, unsigned i)
{
	struct stale	*s = pe->stale[i];
	size_t		 k;
	uint32_t	 n = 0;

	if (s == NULL)
		return;
	pe->stale[i] = NULL;
	for (k = 0; k < s->cap; k++)
		if (s->tab[k].used)
			n += (uint32_t)source_withdraw(pe->src[i], &s->tab[k].p, s->tab[k].path_id);
	if (n > 0)
		log_info("bmp: %s: %u stale routes withdrawn after the re-sync",
		    pe->src[i]->name, n);
	stale_free(s);
}

/* Announcements of a re-sync UPDATE are no longer stale. */
static void
stale_refresh(struct peer *pe, unsigned i, const uint8_t *body, size_t len)
{
	const struct bgp_nlri_set	*sets[4];
	struct bgp_update		 upd;
	struct bgp_error		 err;
	struct bgp_nlri_iter		 it;
	struct prefix			 p;
	uint32_t			 id;
	unsigned			 k;

	if (bgp_update_decode(body, len, &pe->src[i]->sess, &upd, &err) ==
	    BGP_ERR_SESSION_RESET)
		return;
	sets[0] = &upd.nlri;
	sets[1] = &upd.mp_reach;
	sets[2] = &upd.withdrawn;
	sets[3] = &upd.mp_unreach;
	for (k = 0; k < 4; k++) {
		if (sets[k]->count == 0)
			continue;
		bgp_nlri_iter_init(&it, sets[k]);
		while (bgp_nlri_next(&it, &p, &id) == 1)
			stale_del(pe->stale[i], &p, id);
	}
}

/* ---- peers and their sources ------------------------------------------- */

static const char *
rib_tag(unsigned rib_type)
{
	switch (rib_type) {
	case SOURCE_RIB_IN_PRE:		return "pre";
	case SOURCE_RIB_IN_POST:	return "post";
	case SOURCE_RIB_OUT_PRE:	return "out-pre";
	case SOURCE_RIB_OUT_POST:	return "out-post";
	case SOURCE_RIB_LOC:		return "loc";
	}
	return "?";
}

static unsigned
rib_type_of(const struct bmp_peer_hdr *ph)
{
	if (ph->type == BMP_PEER_LOC_RIB)
		return SOURCE_RIB_LOC;
	if (ph->flags & BMP_PEER_FLAG_O)
		return (ph->flags & BMP_PEER_FLAG_L) ? SOURCE_RIB_OUT_POST : SOURCE_RIB_OUT_PRE;
	return (ph->flags & BMP_PEER_FLAG_L) ? SOURCE_RIB_IN_POST : SOURCE_RIB_IN_PRE;
}

static int
rd_zero(const uint8_t *rd)
{
	static const uint8_t zero[8];

	return memcmp(rd, zero, 8) == 0;
}

/* A peer distinguisher as "%" and its RFC 4364 text (type 0 and 2 ASN:n, type 1
 * address:n, else the 8 bytes in hex); "" when all zero (the global table). */
static void
rd_fmt(const uint8_t *rd, char *buf, size_t len)
{
	unsigned	 type = (unsigned)rd[0] << 8 | rd[1];
	uint32_t	 hi = (uint32_t)rd[2] << 24 | (uint32_t)rd[3] << 16 |
			    (uint32_t)rd[4] << 8 | rd[5];

	if (rd_zero(rd))
		snprintf(buf, len, "%s", "");
	else if (type == 0)
		snprintf(buf, len, "%%%u:%u", (unsigned)rd[2] << 8 | rd[3],
		    (unsigned)((uint32_t)rd[4] << 24 | (uint32_t)rd[5] << 16 |
		    (uint32_t)rd[6] << 8 | rd[7]));
	else if (type == 1)
		snprintf(buf, len, "%%%u.%u.%u.%u:%u", rd[2], rd[3], rd[4], rd[5],
		    (unsigned)rd[6] << 8 | rd[7]);
	else if (type == 2)
		snprintf(buf, len, "%%%u:%u", (unsigned)hi, (unsigned)rd[6] << 8 | rd[7]);
	else
		snprintf(buf, len, "%%%02x%02x%02x%02x%02x%02x%02x%02x", rd[0], rd[1],
		    rd[2], rd[3], rd[4], rd[5], rd[6], rd[7]);
}

static struct peer *
peer_find(struct router *r, const struct bmp_peer_hdr *ph)
{
	struct peer	*pe;
	int		 loc = ph->type == BMP_PEER_LOC_RIB;

	TAILQ_FOREACH(pe, &r->peers, entry) {
		if (pe->type != ph->type || memcmp(pe->rd, ph->rd, 8) != 0)
			continue;
		if (loc || (pe->af == ph->af && memcmp(pe->addr, ph->addr, 16) == 0))
			return pe;
	}
	return NULL;
}

static struct peer *
peer_get(struct router *r, const struct bmp_peer_hdr *ph)
{
	struct peer *pe;

	if ((pe = peer_find(r, ph)) != NULL)
		return pe;
	if ((pe = calloc(1, sizeof(*pe))) == NULL) {
		log_warn("bmp: peer");
		return NULL;
	}
	pe->router = r;
	pe->type = ph->type;
	memcpy(pe->rd, ph->rd, 8);
	pe->af = ph->af;
	memcpy(pe->addr, ph->addr, 16);
	pe->as = ph->as;
	pe->bgp_id = ph->bgp_id;
	pe->af_expect = SOURCE_AF_IPV4 | SOURCE_AF_IPV6;
	TAILQ_INSERT_TAIL(&r->peers, pe, entry);
	return pe;
}

static void
peer_free(struct peer *pe)
{
	unsigned i;

	for (i = 0; i < NRIB; i++) {
		stale_free(pe->stale[i]);
		source_free(pe->src[i]);
	}
	free(pe);
}

static void
source_fill(struct source *s, const struct peer *pe, unsigned rib_type)
{
	const struct router *r = pe->router;

	s->rib_type = (uint8_t)rib_type;
	s->router_af = r->af;
	memcpy(s->router_addr, r->addr, 16);
	s->peer_af = pe->af;
	memcpy(s->peer_addr, pe->addr, 16);
	s->peer_as = pe->as;
	s->peer_bgp_id = pe->bgp_id;
	s->has_rd = !rd_zero(pe->rd);
	memcpy(s->rd, pe->rd, 8);
	snprintf(s->table_name, sizeof(s->table_name), "%s", pe->table_name);
	s->af_expect = pe->af_expect;
	s->owner = (void *)(uintptr_t)pe;
}

static struct source *
peer_source(struct peer *pe, unsigned rib_type)
{
	unsigned	 i = rib_type - SOURCE_RIB_IN_PRE;
	char		 name[256], a[ADDR_STRLEN], rd[32];
	struct source	*s;

	if (pe->src[i] != NULL)
		return pe->src[i];
	rd_fmt(pe->rd, rd, sizeof(rd));
	if (pe->type == BMP_PEER_LOC_RIB)
		snprintf(name, sizeof(name), "%s/loc%s%s%s", pe->router->name,
		    pe->table_name[0] ? ":" : "", pe->table_name, rd);
	else
		snprintf(name, sizeof(name), "%s/%s%s/%s", pe->router->name,
		    addr_fmt(pe->af, pe->addr, a, sizeof(a)), rd, rib_tag(rib_type));
	if ((s = source_new(SOURCE_BMP_PEER, name, pe->router->src)) == NULL)
		return NULL;
	source_fill(s, pe, rib_type);
	source_set_state(s, SOURCE_SYNCING, NULL);
	pe->src[i] = s;
	return s;
}

static uint8_t
families(const struct bgp_caps *a, const struct bgp_caps *b)
{
	uint8_t	 fa = 0, fb = 0;
	unsigned i;

	for (i = 0; i < a->nmp; i++)
		if (a->mp[i].safi == BGP_SAFI_UNICAST)
			fa |= a->mp[i].afi == PREFIX_AF_IPV4 ? SOURCE_AF_IPV4 :
			    a->mp[i].afi == PREFIX_AF_IPV6 ? SOURCE_AF_IPV6 : 0;
	for (i = 0; i < b->nmp; i++)
		if (b->mp[i].safi == BGP_SAFI_UNICAST)
			fb |= b->mp[i].afi == PREFIX_AF_IPV4 ? SOURCE_AF_IPV4 :
			    b->mp[i].afi == PREFIX_AF_IPV6 ? SOURCE_AF_IPV6 : 0;
	if (a->nmp == 0)
		fa = SOURCE_AF_IPV4;	/* RFC 4760: no MP capability, IPv4 unicast */
	if (b->nmp == 0)
		fb = SOURCE_AF_IPV4;
	return fa & fb;		/* none (labeled unicast only...): no End-of-RIB awaited */
}

static int
open_decode(const uint8_t *msg, size_t len, struct bgp_open *op)
{
	struct bgp_error err;

	if (len < BGP_HDR_LEN || bmp_bgp_msglen(msg, len) != len || msg[18] != BGP_MSG_OPEN)
		return -1;
	return bgp_open_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, op, &err) ==
	    BGP_ERR_SESSION_RESET ? -1 : 0;
}

static void
copy_tlv_str(char *dst, size_t dlen, const struct bmp_tlv *t)
{
	size_t i, n = t->len < dlen - 1 ? t->len : dlen - 1;

	for (i = 0; i < n; i++)
		dst[i] = (t->val[i] >= 0x20 && t->val[i] < 0x7f) ? (char)t->val[i] : '?';
	dst[n] = '\0';
}

static void
on_peer_up(struct router *r, const struct bmp_msg *m)
{
	struct bgp_open	 sent, recv;
	struct bmp_tlv	 t;
	struct rbuf	 tl = m->u.up.tlvs;
	struct peer	*pe;
	unsigned	 i;

	if ((pe = peer_get(r, &m->peer)) == NULL)
		return;
	pe->as = m->peer.as;
	pe->bgp_id = m->peer.bgp_id;
	pe->up = 1;
	pe->up_since = loop_now();
	pe->down_reason[0] = '\0';
	while (bmp_tlv_next(&tl, &t) == 1)
		if (t.type == BMP_INFO_TABLE_NAME)
			copy_tlv_str(pe->table_name, sizeof(pe->table_name), &t);
	memset(&pe->sess_in, 0, sizeof(pe->sess_in));
	memset(&pe->sess_out, 0, sizeof(pe->sess_out));
	pe->have_open = 0;
	if (open_decode(m->u.up.sent_open, m->u.up.sent_open_len, &sent) == 0 &&
	    open_decode(m->u.up.recv_open, m->u.up.recv_open_len, &recv) == 0) {
		/* the monitored router sent `sent' and receives from the peer */
		bmp_peer_sessions(pe->type, &sent.caps, &recv.caps, &pe->sess_in,
		    &pe->sess_out);
		pe->af_expect = families(&sent.caps, &recv.caps);
		pe->have_open = 1;
	} else if (log_ratelimit(&bc.rl_err, 10, 60))
		log_warnx("bmp: router %s: Peer Up with unreadable OPENs; decoding with "
		    "defaults", r->name);
	for (i = 0; i < NRIB; i++) {
		if (pe->src[i] == NULL)
			continue;
		source_fill(pe->src[i], pe, i + SOURCE_RIB_IN_PRE);
		source_set_state(pe->src[i], SOURCE_CONNECTING, NULL);
		source_set_state(pe->src[i], SOURCE_SYNCING, NULL);
	}
	log_debug(LOG_SUB_BMP, "router %s: peer up AS%u", r->name, pe->as);
}

static void
down_text(const struct bmp_peer_down *d, char *buf, size_t len)
{
	struct bgp_notification	 n;
	struct bgp_error	 err;

	switch (d->reason) {
	case BMP_DOWN_LOCAL_NOTIFY:
	case BMP_DOWN_REMOTE_NOTIFY:
		if (d->data_len >= BGP_HDR_LEN && bgp_notification_decode(d->data + BGP_HDR_LEN,
		    d->data_len - BGP_HDR_LEN, &n, &err) != BGP_ERR_SESSION_RESET) {
			snprintf(buf, len, "%s NOTIFICATION %u/%u (%s, %s)",
			    d->reason == BMP_DOWN_LOCAL_NOTIFY ? "local" : "remote",
			    n.code, n.subcode, bgp_notify_code_str(n.code),
			    bgp_notify_subcode_str(n.code, n.subcode));
			return;
		}
		snprintf(buf, len, "%s NOTIFICATION",
		    d->reason == BMP_DOWN_LOCAL_NOTIFY ? "local" : "remote");
		return;
	case BMP_DOWN_LOCAL_FSM:
		snprintf(buf, len, "local close, FSM event %u", d->fsm_event);
		return;
	case BMP_DOWN_REMOTE_NODATA:
		snprintf(buf, len, "remote close without NOTIFICATION");
		return;
	case BMP_DOWN_DECONFIGURED:
		snprintf(buf, len, "peer de-configured");
		return;
	case BMP_DOWN_LOCAL_TLV:
		snprintf(buf, len, "local close (Loc-RIB table gone)");
		return;
	}
	snprintf(buf, len, "reason %u", d->reason);
}

static void
on_peer_down(struct router *r, const struct bmp_msg *m)
{
	struct peer	*pe;
	unsigned	 i;
	uint32_t	 n = 0;

	if ((pe = peer_find(r, &m->peer)) == NULL)
		return;		/* FRR reports peers that never came up */
	pe->up = 0;
	down_text(&m->u.down, pe->down_reason, sizeof(pe->down_reason));
	for (i = 0; i < NRIB; i++) {
		if (pe->src[i] == NULL)
			continue;
		stale_free(pe->stale[i]);
		pe->stale[i] = NULL;
		n += source_withdraw_all(pe->src[i]);
		source_set_state(pe->src[i], SOURCE_DOWN, pe->down_reason);
	}
	log_debug(LOG_SUB_BMP, "router %s: peer AS%u down (%s): %u routes withdrawn",
	    r->name, pe->as, pe->down_reason, n);
}

static void
on_stats(struct router *r, const struct bmp_msg *m)
{
	struct rbuf	 e = m->u.stats.entries;
	struct bmp_stat	 st;
	struct peer	*pe;
	unsigned	 i;

	if ((pe = peer_get(r, &m->peer)) == NULL)
		return;
	pe->stats_at = loop_now();
	while (bmp_stat_next(&e, &st) == 1) {
		if (!st.has_value)
			continue;
		for (i = 0; i < pe->nstats; i++)
			if (pe->stats[i].type == st.type && pe->stats[i].afi == st.afi &&
			    pe->stats[i].safi == st.safi)
				break;
		if (i == pe->nstats) {
			if (pe->nstats == MAX_STATS)
				continue;
			pe->nstats++;
		}
		pe->stats[i].type = st.type;
		pe->stats[i].afi = st.afi;
		pe->stats[i].safi = st.safi;
		pe->stats[i].has_afi = (uint8_t)st.has_afi;
		pe->stats[i].value = st.value;
	}
}

/* Route Monitoring: -1 closes the router (reason in why). */
static int
on_route_mon(struct router *r, const struct bmp_msg *m, char *why, size_t whylen)
{
	struct bgp_error	 err;
	struct source		*s;
	struct peer		*pe;
	unsigned		 rt = rib_type_of(&m->peer), i = rt - SOURCE_RIB_IN_PRE;
	const uint8_t		*pdu = m->u.rm.pdu;
	size_t			 len = m->u.rm.pdu_len;

	if (len < BGP_HDR_LEN || bmp_bgp_msglen(pdu, len) != len || pdu[18] != BGP_MSG_UPDATE) {
		snprintf(why, whylen, "Route Monitoring without a valid BGP UPDATE");
		return -1;
	}
	if ((pe = peer_get(r, &m->peer)) == NULL || (s = peer_source(pe, rt)) == NULL)
		return 0;
	s->sess = (rt == SOURCE_RIB_OUT_PRE || rt == SOURCE_RIB_OUT_POST) ? pe->sess_out :
	    pe->sess_in;
	s->sess.as4 = !bmp_peer_legacy_as_path(&m->peer);
	s->sess.extmsg = 1;
	if (pe->stale[i] != NULL)
		stale_refresh(pe, i, pdu + BGP_HDR_LEN, len - BGP_HDR_LEN);
	if (source_apply_update(s, pdu + BGP_HDR_LEN, len - BGP_HDR_LEN, &err) ==
	    BGP_ERR_SESSION_RESET) {
		snprintf(why, whylen, "peer AS%u: malformed UPDATE (%s)", pe->as,
		    err.what ? err.what : "?");
		return -1;
	}
	if (pe->stale[i] != NULL && s->state == SOURCE_UP)
		stale_sweep(pe, i);
	return 0;
}

/*
 * A new connection's router that is a live one again: same address, same
 * sysName, nothing learnt on the new connection yet. The router restarted or
 * lost the path without the old connection's FIN reaching us (keepalives would
 * find that out only minutes later); several routers behind one address (NAT)
 * have sysNames of their own, and a router with two stations here (one per
 * listener, e.g. pre- and post-policy) keeps both: only a connection to the
 * same listener is the old one again.
 */
static struct router *
router_again(const struct router *r)
{
	struct router *o;

	if (r->sysname[0] == '\0' || !TAILQ_EMPTY(&r->peers))
		return NULL;
	TAILQ_FOREACH(o, &bc.routers, entry)
		if (o != r && o->fd != -1 && o->af == r->af && o->lport == r->lport &&
		    memcmp(o->addr, r->addr, 16) == 0 && strcmp(o->sysname, r->sysname) == 0)
			return o;
	return NULL;
}

static void
on_initiation(struct router *r, const struct bmp_msg *m)
{
	struct rbuf	 tl = m->u.tlvs;
	struct bmp_tlv	 t;

	while (bmp_tlv_next(&tl, &t) == 1) {
		if (t.type == BMP_INFO_SYSNAME)
			copy_tlv_str(r->sysname, sizeof(r->sysname), &t);
		else if (t.type == BMP_INFO_SYSDESCR)
			copy_tlv_str(r->sysdescr, sizeof(r->sysdescr), &t);
	}
	log_debug(LOG_SUB_BMP, "router %s: initiation sysName %s", r->name, r->sysname);
	r->same = router_again(r);
}

static void
on_termination(struct router *r, const struct bmp_msg *m)
{
	static const char *const reasons[] = { "administratively closed", "unspecified",
	    "out of resources", "redundant connection", "permanently closed" };
	struct rbuf	 tl = m->u.tlvs;
	struct bmp_tlv	 t;
	uint16_t	 code;

	snprintf(r->term_reason, sizeof(r->term_reason), "termination");
	while (bmp_tlv_next(&tl, &t) == 1) {
		if (t.type == BMP_TERM_REASON && t.len == 2) {
			code = be16_load(t.val);
			snprintf(r->term_reason, sizeof(r->term_reason), "termination: %s",
			    code < 5 ? reasons[code] : "unknown reason");
		}
	}
}

/* One whole message: 0, or -1 to close the router with why. */
static int
handle_msg(struct router *r, const uint8_t *msg, size_t len, char *why, size_t whylen)
{
	struct bmp_msg	 m;
	int		 rc;

	r->msgs++;
	bc.c.messages++;
	if ((rc = bmp_msg_decode(msg, len, &m)) != BMP_OK) {
		snprintf(why, whylen, "malformed BMP message: %s", bmp_result_str(rc));
		return -1;
	}
	if (r->over && m.type != BMP_MSG_INITIATION) {
		snprintf(why, whylen, "max-routers reached");
		return -1;
	}
	if (r->pending_up && m.type != BMP_MSG_INITIATION) {
		r->pending_up = 0;	/* no Initiation first: a router of its own */
		source_set_state(r->src, SOURCE_UP, NULL);
	}
	switch (m.type) {
	case BMP_MSG_ROUTE_MONITORING:
		return on_route_mon(r, &m, why, whylen);
	case BMP_MSG_STATS:
		on_stats(r, &m);
		break;
	case BMP_MSG_PEER_DOWN:
		on_peer_down(r, &m);
		break;
	case BMP_MSG_PEER_UP:
		on_peer_up(r, &m);
		break;
	case BMP_MSG_INITIATION:
		on_initiation(r, &m);
		if (r->over && r->same == NULL) {
			snprintf(why, whylen, "max-routers reached");
			return -1;
		}
		if (r->pending_up && r->same == NULL) {
			r->pending_up = 0;
			source_set_state(r->src, SOURCE_UP, NULL);
		}
		break;
	case BMP_MSG_TERMINATION:
		on_termination(r, &m);
		break;
	default:
		break;		/* route mirroring: nothing to keep */
	}
	return 0;
}

/* ---- connections ---------------------------------------------------------- */

static void
on_read(int fd, short what, void *arg)
{
	struct router	*r = arg;
	const uint8_t	*msg;
	size_t		 mlen, budget = 0;
	ssize_t		 n;
	char		 why[192];
	int		 rc;

	(void)what;
	while (budget < READ_BUDGET) {
		n = read(fd, bc.rbuf, sizeof(bc.rbuf));
		if (n == 0) {
			router_close(r, r->term_reason[0] ? r->term_reason :
			    "connection closed by the router", 0);
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			snprintf(why, sizeof(why), "read: %s", strerror(errno));
			router_close(r, why, 0);
			return;
		}
		budget += (size_t)n;
		r->bytes += (uint64_t)n;
		bc.c.bytes += (uint64_t)n;
		if (bmp_framer_feed(r->fr, bc.rbuf, (size_t)n) != BMP_OK) {
			router_close(r, "framer overflow", 1);
			return;
		}
		while ((rc = bmp_framer_next(r->fr, &msg, &mlen)) == 1) {
			if (handle_msg(r, msg, mlen, why, sizeof(why)) == -1) {
				router_close(r, why, 1);
				return;
			}
			if (r->same != NULL && (r = router_takeover(r->same, r)) == NULL)
				return;
		}
		if (rc < 0) {
			snprintf(why, sizeof(why), "bad BMP stream: %s", bmp_result_str(rc));
			router_close(r, why, 1);
			return;
		}
	}
}

static void
router_free(struct router *r)
{
	struct peer *pe;

	while ((pe = TAILQ_FIRST(&r->peers)) != NULL) {
		TAILQ_REMOVE(&r->peers, pe, entry);
		peer_free(pe);
	}
	loop_event_free(r->ev);
	loop_event_free(r->grace);
	loop_event_free(r->sweep);
	loop_event_free(r->init_dl);
	bmp_framer_free(r->fr);
	if (r->fd != -1) {
		close(r->fd);
		bc.nlive--;
	}
	source_free(r->src);
	TAILQ_REMOVE(&bc.routers, r, entry);
	free(r);
}

static void
on_grace(int fd, short what, void *arg)
{
	struct router *r = arg;

	(void)fd;
	(void)what;
	bc.c.expired++;
	log_info("bmp: router %s did not come back within %us: its routes are withdrawn",
	    r->name, bc.grace);
	router_free(r);
}

static void
router_close(struct router *r, const char *reason, int error)
{
	struct peer	*pe;
	unsigned	 i;

	bc.c.disconnects++;
	if (error) {
		bc.c.errors++;
		if (log_ratelimit(&bc.rl_err, 10, 60))
			log_warnx("bmp: router %s (%s): closing the connection: %s", r->name,
			    r->sysname[0] ? r->sysname : "no sysName", reason);
	} else if (log_ratelimit(&bc.rl_conn, 20, 60))
		log_info("bmp: router %s disconnected: %s", r->name, reason);
	loop_event_free(r->ev);
	r->ev = NULL;
	loop_event_free(r->sweep);
	r->sweep = NULL;
	bmp_framer_free(r->fr);
	r->fr = NULL;
	close(r->fd);
	r->fd = -1;
	bc.nlive--;
	source_set_state(r->src, SOURCE_DOWN, reason);
	/* one let in past max-routers, or not known to be a router of its own yet,
	 * that was no router again has nothing to keep */
	if (bc.grace == 0 || ((r->over || r->pending_up) && TAILQ_EMPTY(&r->peers)) ||
	    (r->grace = loop_timer_new(on_grace, r)) == NULL ||
	    loop_timer_add(r->grace, (unsigned long)bc.grace * 1000) == -1) {
		router_free(r);
		return;
	}
	TAILQ_FOREACH(pe, &r->peers, entry) {
		pe->up = 0;
		for (i = 0; i < NRIB; i++)
			if (pe->src[i] != NULL && pe->src[i]->state != SOURCE_DOWN)
				source_set_state(pe->src[i], SOURCE_CONNECTING, reason);
	}
}

static void
on_sweep(int fd, short what, void *arg)
{
	struct router	*r = arg;
	struct peer	*pe;
	unsigned	 i;

	(void)fd;
	(void)what;
	TAILQ_FOREACH(pe, &r->peers, entry)
		for (i = 0; i < NRIB; i++)
			stale_sweep(pe, i);
}

/*
 * Router o's new connection came in as router n: o takes it over (its name, its
 * sources and their alerts stay), its old connection is closed, and its routes
 * are handled as those of a router back from a disconnect (kept stale within the
 * grace, else withdrawn). n is freed. Returns o, or NULL when o is gone too.
 */
static struct router *
router_takeover(struct router *o, struct router *n)
{
	struct peer	*pe;

	log_info("bmp: router %s (%s) connected again from port %u: closing its old "
	    "connection from port %u", o->name, o->sysname, n->port, o->port);
	bc.c.disconnects++;
	loop_event_free(o->ev);
	loop_event_free(o->sweep);
	o->sweep = NULL;
	bmp_framer_free(o->fr);
	close(o->fd);
	/* the new connection is o's: its socket, framer and counters */
	o->fd = n->fd;
	o->fr = n->fr;
	o->port = n->port;
	o->connected = n->connected;
	o->msgs += n->msgs;
	o->bytes += n->bytes;
	o->term_reason[0] = '\0';
	memcpy(o->sysdescr, n->sysdescr, sizeof(o->sysdescr));
	o->ev = loop_event_new(o->fd, LOOP_READ | LOOP_PERSIST, on_read, o);
	loop_event_free(n->ev);	/* the running callback's event: freeing it is safe */
	n->ev = NULL;
	n->fr = NULL;
	n->fd = -1;
	bc.nlive--;		/* two connections were live, one is */
	router_free(n);
	TAILQ_FOREACH(pe, &o->peers, entry)
		pe->up = 0;
	if (o->ev == NULL || loop_event_add(o->ev, NULL) == -1) {
		router_close(o, "out of memory", 1);
		return NULL;
	}
	if (bc.grace == 0) {
		/* no grace: what the old connection announced goes now */
		while ((pe = TAILQ_FIRST(&o->peers)) != NULL) {
			TAILQ_REMOVE(&o->peers, pe, entry);
			peer_free(pe);
		}
	} else
		router_resync(o);
	return o;
}

/* A router back within the grace: its routes become stale until re-announced. */
static void
router_resync(struct router *r)
{
	struct peer	*pe;
	unsigned	 i;

	loop_event_free(r->grace);
	r->grace = NULL;
	bc.c.resyncs++;
	TAILQ_FOREACH(pe, &r->peers, entry) {
		for (i = 0; i < NRIB; i++) {
			if (pe->src[i] == NULL)
				continue;
			stale_free(pe->stale[i]);
			if ((pe->stale[i] = calloc(1, sizeof(*pe->stale[i]))) != NULL &&
			    rib_source_walk(source_rib(), pe->src[i]->rib_id, stale_collect,
			    pe->stale[i]) != 0) {
				/* out of memory: keep no stale set (routes stay) */
				stale_free(pe->stale[i]);
				pe->stale[i] = NULL;
			}
			source_set_state(pe->src[i], SOURCE_SYNCING, NULL);
		}
	}
	if ((r->sweep = loop_timer_new(on_sweep, r)) != NULL)
		loop_timer_add(r->sweep, (unsigned long)(bc.grace ? bc.grace : 1) * 1000);
	log_info("bmp: router %s is back within the grace: re-syncing", r->name);
}

static int
allowed(uint8_t af, const uint8_t *addr)
{
	struct prefix	 p;
	size_t		 i;

	if (bc.nallow == 0)
		return 1;
	memset(&p, 0, sizeof(p));
	p.af = af;
	p.len = (uint8_t)prefix_maxlen(af);
	memcpy(p.addr, addr, prefix_addrlen(af));
	for (i = 0; i < bc.nallow; i++)
		if (prefix_contains(&bc.allow[i], &p))
			return 1;
	return 0;
}

static void
sockaddr_addr(const struct sockaddr_storage *ss, uint8_t *af, uint8_t *addr, uint16_t *port)
{
	memset(addr, 0, 16);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		*af = PREFIX_AF_IPV4;
		memcpy(addr, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		*af = PREFIX_AF_IPV6;
		memcpy(addr, &sin6->sin6_addr, 16);
		*port = ntohs(sin6->sin6_port);
		/* v4-mapped: the IPv4 router it is */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			*af = PREFIX_AF_IPV4;
			memmove(addr, addr + 12, 4);
			memset(addr + 4, 0, 12);
		}
	}
}

static int
router_live(uint8_t af, const uint8_t *addr)
{
	struct router *r;

	TAILQ_FOREACH(r, &bc.routers, entry)
		if (r->fd != -1 && r->af == af && memcmp(r->addr, addr, 16) == 0)
			return 1;
	return 0;
}

static struct router *
router_find_gone(uint8_t af, const uint8_t *addr)
{
	struct router *r;

	TAILQ_FOREACH(r, &bc.routers, entry)
		if (r->fd == -1 && r->af == af && memcmp(r->addr, addr, 16) == 0)
			return r;
	return NULL;
}

static struct router *
router_new(uint8_t af, const uint8_t *addr)
{
	struct router	*r, *o;
	char		 a[ADDR_STRLEN];
	unsigned	 same = 0;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fd = -1;
	r->af = af;
	memcpy(r->addr, addr, 16);
	TAILQ_INIT(&r->peers);
	TAILQ_FOREACH(o, &bc.routers, entry)
		if (o->af == af && memcmp(o->addr, addr, 16) == 0)
			same++;
	addr_fmt(af, addr, a, sizeof(a));
	/* several routers behind one address (NAT, tests) get a number */
	if (same == 0)
		snprintf(r->name, sizeof(r->name), "bmp:%s", a);
	else
		snprintf(r->name, sizeof(r->name), "bmp:%s#%u", a, same + 1);
	if ((r->src = source_new(SOURCE_BMP_ROUTER, r->name, NULL)) == NULL) {
		free(r);
		return NULL;
	}
	r->src->router_af = af;
	memcpy(r->src->router_addr, addr, 16);
	r->src->owner = r;
	TAILQ_INSERT_TAIL(&bc.routers, r, entry);
	return r;
}

/* The local port of socket fd (0 if not TCP): which listener a router came to. */
static uint16_t
local_port(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	uint8_t			 af, addr[16];
	uint16_t		 port = 0;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
		return 0;
	sockaddr_addr(&ss, &af, addr, &port);
	return port;
}

/* One let in past max-routers that sends no Initiation has no place here. */
#define INIT_DEADLINE_MS	30000

static void
on_init_deadline(int fd, short what, void *arg)
{
	struct router *r = arg;

	(void)fd;
	(void)what;
	router_close(r, "max-routers reached (no Initiation)", 1);
}

int
bmp_collector_attach(int fd, const struct sockaddr *sa)
{
	struct sockaddr_storage	 ss;
	struct router		*r;
	uint8_t			 af, addr[16];
	uint16_t		 port;
	char			 a[ADDR_STRLEN];
	int			 over, live;

	init_once();
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		log_warn("bmp: fcntl");
		close(fd);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in));
	sockaddr_addr(&ss, &af, addr, &port);
	addr_fmt(af, addr, a, sizeof(a));
	/* over max-routers, a live router's address may still be that router again */
	over = bc.nlive >= bc.max_routers;
	live = router_live(af, addr);
	if (!allowed(af, addr) || (over && !live)) {
		bc.c.refused++;
		if (log_ratelimit(&bc.rl_refuse, 20, 60))
			log_warnx("bmp: refused router %s: %s", a, bc.nlive >= bc.max_routers ?
			    "max-routers reached" : "not in the allow list");
		close(fd);
		return -1;
	}
	/* one let in past the limit resumes no gone router before it is admitted */
	if ((over || (r = router_find_gone(af, addr)) == NULL) &&
	    (r = router_new(af, addr)) == NULL) {
		close(fd);
		return -1;
	}
	if ((r->fr = bmp_framer_new(0)) == NULL ||
	    (r->ev = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, on_read, r)) == NULL ||
	    loop_event_add(r->ev, NULL) == -1) {
		log_warnx("bmp: router %s: out of memory", r->name);
		bmp_framer_free(r->fr);
		r->fr = NULL;
		loop_event_free(r->ev);
		r->ev = NULL;
		close(fd);
		if (r->grace == NULL)
			router_free(r);
		return -1;
	}
	r->fd = fd;
	r->port = port;
	r->lport = local_port(fd);
	r->over = over;
	r->connected = loop_now();
	r->term_reason[0] = '\0';
	bc.nlive++;
	bc.c.accepted++;
	if (over && (r->init_dl = loop_timer_new(on_init_deadline, r)) != NULL)
		loop_timer_add(r->init_dl, INIT_DEADLINE_MS);
	if (r->grace != NULL)
		router_resync(r);
	/* maybe the live router again (its Initiation tells): no SourceUp yet */
	if (live)
		r->pending_up = 1;
	else
		source_set_state(r->src, SOURCE_UP, NULL);
	log_debug(LOG_SUB_BMP, "router %s connected from port %u", r->name, port);
	return 0;
}

static void
on_accept(int lfd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	int			 fd;

	(void)what;
	(void)arg;
	if ((fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR && log_ratelimit(&bc.rl_conn, 20, 60))
			log_warn("bmp: accept");
		return;
	}
	/*
	 * The station never writes to a router (RFC 7854), so a router that dies
	 * without closing (power cut, path lost) would stay connected, its routes
	 * never graced nor swept: TCP keepalives find it out in about two minutes.
	 */
	(void)loop_sock_keepalive(fd, 60, 15, 4);
	bmp_collector_attach(fd, (struct sockaddr *)&ss);
}

/* ---- module ------------------------------------------------------------ */

static int
apply_conf(const struct config *conf)
{
	const struct config_bmp	*b = &conf->sources.bmp;
	struct prefix		*na = NULL;

	if (b->nallow > 0) {
		if ((na = calloc(b->nallow, sizeof(*na))) == NULL) {
			log_warn("bmp");
			return -1;
		}
		memcpy(na, b->allow, b->nallow * sizeof(*na));
	}
	free(bc.allow);
	bc.allow = na;
	bc.nallow = b->nallow;
	bc.max_routers = b->max_routers ? b->max_routers : 16;
	bc.grace = b->reconnect_grace;
	return 0;
}

static int
listen_one(struct listener *l)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	char			 a[ADDR_STRLEN];
	int			 on = 1, fd;

	memset(&ss, 0, sizeof(ss));
	if (l->ep.address.af == PREFIX_AF_IPV6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, l->ep.address.addr, 16);
		sin6->sin6_port = htons(l->ep.port);
		sl = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, l->ep.address.addr, 4);
		sin->sin_port = htons(l->ep.port);
		sl = sizeof(*sin);
	}
	addr_fmt(l->ep.address.af, l->ep.address.addr, a, sizeof(a));
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("bmp: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 || listen(fd, 64) == -1) {
		log_warn("bmp: listen on %s port %u", a, l->ep.port);
		close(fd);
		return -1;
	}
	if ((l->ev = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, on_accept, NULL)) == NULL ||
	    loop_event_add(l->ev, NULL) == -1) {
		close(fd);
		return -1;
	}
	l->fd = fd;
	log_info("bmp: listening on %s port %u", a, l->ep.port);
	return 0;
}

static int
bmpc_bind(const struct config *conf)
{
	const struct config_bmp	*b = &conf->sources.bmp;
	size_t			 i;

	init_once();
	if (apply_conf(conf) == -1)
		return -1;
	for (i = 0; i < b->nlisten; i++) {
		if (bc.nlis == MAX_LISTEN) {
			log_warnx("bmp: more than %d listeners; the rest are ignored", MAX_LISTEN);
			break;
		}
		bc.lis[bc.nlis].ep = b->listen[i];
		if (listen_one(&bc.lis[bc.nlis]) == -1)
			return -1;
		bc.nlis++;
	}
	return 0;
}

static int
bmpc_reload(const struct config *newconf, const struct config *old)
{
	const struct config_bmp	*n = &newconf->sources.bmp,
				*o = &old->sources.bmp;

	if (n->nlisten != o->nlisten || (n->nlisten > 0 &&
	    memcmp(n->listen, o->listen, n->nlisten * sizeof(*n->listen)) != 0))
		log_warnx("bmp: listener changes take effect at the next restart");
	return apply_conf(newconf);
}

static void
bmpc_stop(void)
{
	struct router	*r;
	unsigned	 i;

	init_once();
	while ((r = TAILQ_FIRST(&bc.routers)) != NULL)
		router_free(r);
	for (i = 0; i < bc.nlis; i++) {
		loop_event_free(bc.lis[i].ev);
		close(bc.lis[i].fd);
	}
	bc.nlis = 0;
	free(bc.allow);
	bc.allow = NULL;
	bc.nallow = 0;
}

struct loop_module bmp_collector_module = {
	.name = "bmp",
	.bind = bmpc_bind,
	.reload = bmpc_reload,
	.stop = bmpc_stop,
};

/* ---- introspection -------------------------------------------------------- */

void
bmp_collector_counters(struct bmp_collector_counters *c)
{
	*c = bc.c;
}

unsigned
bmp_collector_routers(void)
{
	return bc.nlive;
}

static const char *
stat_name(uint16_t t)
{
	static const char *const names[] = {
		"rejected_prefixes", "duplicate_prefix_advertisements",
		"duplicate_withdraws", "cluster_list_loop", "as_path_loop",
		"originator_id_loop", "as_confed_loop", "adj_rib_in_routes",
		"loc_rib_routes", "adj_rib_in_routes_afi", "loc_rib_routes_afi",
		"updates_treat_as_withdraw", "prefixes_treat_as_withdraw",
		"duplicate_update_messages", "adj_rib_out_pre_routes",
		"adj_rib_out_post_routes", "adj_rib_out_pre_routes_afi",
		"adj_rib_out_post_routes_afi",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

static void
describe_peer(const struct peer *pe, struct json *j)
{
	char		 a[ADDR_STRLEN], key[80];
	const char	*n;
	unsigned	 i;

	json_string(j, "peer_address", addr_fmt(pe->af, pe->addr, a, sizeof(a)));
	json_uint(j, "peer_as", pe->as);
	json_stringf(j, "peer_bgp_id", "%u.%u.%u.%u", pe->bgp_id >> 24,
	    (pe->bgp_id >> 16) & 0xff, (pe->bgp_id >> 8) & 0xff, pe->bgp_id & 0xff);
	if (!rd_zero(pe->rd))
		json_stringf(j, "rd", "%02x%02x:%02x%02x%02x%02x%02x%02x", pe->rd[0], pe->rd[1],
		    pe->rd[2], pe->rd[3], pe->rd[4], pe->rd[5], pe->rd[6], pe->rd[7]);
	json_bool(j, "peer_up", pe->up);
	json_bool(j, "add_path", pe->sess_in.addpath_rx != 0);
	if (pe->down_reason[0])
		json_string(j, "down_reason", pe->down_reason);
	if (pe->nstats == 0)
		return;
	json_object_open(j, "statistics");
	for (i = 0; i < pe->nstats; i++) {
		n = stat_name(pe->stats[i].type);
		if (pe->stats[i].has_afi)
			snprintf(key, sizeof(key), "%s_%u_%u", n ? n : "type",
			    pe->stats[i].afi, pe->stats[i].safi);
		else if (n == NULL)
			snprintf(key, sizeof(key), "type_%u", pe->stats[i].type);
		else
			snprintf(key, sizeof(key), "%s", n);
		json_uint(j, key, pe->stats[i].value);
	}
	json_close(j);
}

void
bmp_collector_describe(const struct source *s, struct json *j)
{
	const struct router	*r;
	char			 a[ADDR_STRLEN];

	if (s->type == SOURCE_BMP_ROUTER && s->owner != NULL) {
		r = s->owner;
		json_string(j, "address", addr_fmt(r->af, r->addr, a, sizeof(a)));
		json_bool(j, "connected", r->fd != -1);
		if (r->fd != -1)
			json_uint(j, "port", r->port);
		json_string(j, "sys_name", r->sysname);
		json_string(j, "sys_descr", r->sysdescr);
		json_uint(j, "messages", r->msgs);
		json_uint(j, "bytes", r->bytes);
	} else if (s->type == SOURCE_BMP_PEER && s->owner != NULL)
		describe_peer(s->owner, j);
}

void
bmp_collector_summary(struct json *j)
{
	char		 a[ADDR_STRLEN];
	unsigned	 i;

	json_object_open(j, "bmp");
	json_array_open(j, "listen");
	for (i = 0; i < bc.nlis; i++)
		json_stringf(j, NULL, "%s port %u", addr_fmt(bc.lis[i].ep.address.af,
		    bc.lis[i].ep.address.addr, a, sizeof(a)), bc.lis[i].ep.port);
	json_close(j);
	json_uint(j, "routers", bc.nlive);
	json_uint(j, "accepted", bc.c.accepted);
	json_uint(j, "refused", bc.c.refused);
	json_uint(j, "disconnects", bc.c.disconnects);
	json_uint(j, "errors", bc.c.errors);
	json_uint(j, "expired", bc.c.expired);
	json_uint(j, "resyncs", bc.c.resyncs);
	json_uint(j, "messages", bc.c.messages);
	json_uint(j, "bytes", bc.c.bytes);
	json_close(j);
}
