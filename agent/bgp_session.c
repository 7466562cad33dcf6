/*
 * The agent's BGP sessions on the loop: listeners, outbound connections, framing,
 * the RFC 4271 FSM (bgp/bgp_fsm.c) driven with real sockets and timers, collision
 * detection (RFC 4271 §6.8), OPEN/capabilities, UPDATEs into the source module with
 * their RFC 7606 outcomes, max-prefix, graceful restart as receiving speaker (RFC
 * 4724 §4.2: routes of the families the peer's capability lists kept stale across
 * a restart, those without forwarding state dropped when it is back, the rest
 * swept at End-of-RIB or when a timer runs out: the peer's restart time while it
 * is away, our restart-time after), TCP-MD5 (RFC 2385; a key the kernel refuses
 * stops the neighbor, never an unsigned session), NOTIFICATIONs counted per
 * code/subcode, reload, "show neighbors".
 *
 * The agent never announces routes: besides OPEN, KEEPALIVE and NOTIFICATION it
 * sends only one End-of-RIB marker per negotiated family once Established.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/bgp_session.h"
#include "agent/config_types.h"
#include "agent/control.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/source.h"
#include "bgp/bgp_fsm.h"
#include "bgp/rib.h"

#define IN_MAX		(BGP_EXT_MAX_LEN * 2)
#define RETRY_FIRST	5	/* s */
#define RETRY_MAX	120	/* s */

struct conn {
	int			 fd;
	int			 outgoing;	/* we dialed */
	int			 connecting;	/* non-blocking connect in progress */
	struct loop_event	*ev_rd, *ev_wr;
	struct wbuf		 out;
	size_t			 out_off;
	uint8_t			*in;
	size_t			 inlen;
};

/* A route kept over a peer's graceful restart (RFC 4724 §4.2). */
struct stale {
	struct prefix		 pfx;
	uint32_t		 path_id;
	uint8_t			 fresh;		/* announced again since */
};

/* NOTIFICATIONs sent and received, counted per code and subcode. */
#define NOTIF_KINDS	16
struct notif_count {
	uint8_t			 in;		/* 1 received, 0 sent */
	uint8_t			 code, subcode;
	uint32_t		 count;
};

struct nbr {
	TAILQ_ENTRY(nbr)	 entry;
	struct config_bgp_neighbor conf;	/* name and password are our copies */
	struct source		*src;
	struct bgp_fsm		 fsm;
	struct conn		 c;		/* the session's connection */
	struct conn		 coll;		/* a colliding incoming one (fd -1: none) */
	struct loop_event	*ev_timer, *ev_gr, *ev_maxpfx;
	struct bgp_sess		 sess;
	/* what the peer offered */
	uint32_t		 peer_id;
	uint16_t		 peer_hold;
	uint8_t			 peer_as4, peer_rr, peer_extmsg, peer_gr, peer_role;
	uint8_t			 peer_has_role, peer_addpath, peer_mp;
	uint16_t		 peer_gr_time;
	uint8_t			 peer_gr_afs;	/* BGP_GR_AF_* in its GR capability */
	uint8_t			 peer_gr_fwd;	/* ... with forwarding state kept */
	uint8_t			 af_neg;	/* SOURCE_AF_* negotiated */
	/* graceful restart (we are the receiving speaker) */
	uint8_t			 gr_active;	/* routes held stale */
	uint8_t			 gr_back;	/* re-established, waiting for EoR */
	uint8_t			 notified;	/* a NOTIFICATION ended this session */
	struct stale		*stale;		/* routes held across the restart, sorted */
	size_t			 nstale, capstale;
	uint8_t			 maxpfx_warned;
	uint8_t			 stopping;
	/* counters */
	uint64_t		 msgs_in, msgs_out, updates_in, notif_in, notif_out;
	time_t			 up_since;
	struct notif_count	 notifs[NOTIF_KINDS];	/* per direction, code, subcode */
	char			 last_notif[160];
	char			 reason[160];	/* why the session went down */
};

static TAILQ_HEAD(, nbr) nbrs = TAILQ_HEAD_INITIALIZER(nbrs);

struct listener {
	int			 fd;
	int			 af;		/* of its address: the keys it takes */
	struct loop_event	*ev;
};
static struct listener	*listeners;
static size_t		 nlisteners;
/* neighbors whose TCP-MD5 key a listener refused: their connections are refused */
static struct md5_fail {
	struct config_addr	 addr;
	int			 err;
}			*md5_fails;
static size_t		 nmd5_fails;
static int		 commands_done, hooks_done;

static void	 conn_close(struct conn *);
static void	 rearm(struct nbr *);
static void	 read_cb(int, short, void *);
static void	 write_cb(int, short, void *);
static void	 process_input(struct nbr *);
static int	 md5_missing(struct nbr *);

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t
id_of(const struct config_addr *a)
{
	return be32_load(a->addr);
}

/* ---- sockets ------------------------------------------------------------ */

static socklen_t
sockaddr_of(const struct config_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == PREFIX_AF_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->addr, 16);
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->addr, 4);
		return sizeof(*s4);
	}
}

static void
addr_of_sockaddr(const struct sockaddr_storage *ss, struct config_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(&s6->sin6_addr, mapped, 12) == 0) {
			a->af = PREFIX_AF_IPV4;
			memcpy(a->addr, (const uint8_t *)&s6->sin6_addr + 12, 4);
		} else {
			a->af = PREFIX_AF_IPV6;
			memcpy(a->addr, &s6->sin6_addr, 16);
		}
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a->af = PREFIX_AF_IPV4;
		memcpy(a->addr, &s4->sin_addr, 4);
	}
}

static int
addr_eq(const struct config_addr *a, const struct config_addr *b)
{
	return a->af == b->af && memcmp(a->addr, b->addr, a->af == PREFIX_AF_IPV6 ?
	    16 : 4) == 0;
}

/* RFC 2385 key for peer on socket fd (Linux TCP_MD5SIG); NULL password clears. */
static int
md5_set(int fd, const struct config_addr *peer, const char *password)
{
	struct tcp_md5sig	 md;
	size_t			 len = password ? strlen(password) : 0;

	memset(&md, 0, sizeof(md));
	sockaddr_of(peer, 0, &md.tcpm_addr);
	if (len > TCP_MD5SIG_MAXKEYLEN)
		len = TCP_MD5SIG_MAXKEYLEN;
	md.tcpm_keylen = (uint16_t)len;
	if (len)
		memcpy(md.tcpm_key, password, len);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md, sizeof(md));
}

static void
conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	wbuf_init(&c->out, 0);
}

static int
conn_attach(struct nbr *n, struct conn *c, int fd, int outgoing)
{
	c->fd = fd;
	c->outgoing = outgoing;
	c->inlen = 0;
	if (c->in == NULL && (c->in = malloc(IN_MAX)) == NULL)
		return -1;
	c->ev_rd = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, read_cb, n);
	c->ev_wr = loop_event_new(fd, LOOP_WRITE, write_cb, n);
	if (c->ev_rd == NULL || c->ev_wr == NULL)
		return -1;
	return loop_event_add(c->ev_rd, NULL);
}

/* Best-effort write of what is queued (a NOTIFICATION before a close). */
static int
conn_flush(struct conn *c)
{
	ssize_t	 w;

	while (c->fd != -1 && c->out_off < c->out.len) {
		w = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
		    MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		c->out_off += (size_t)w;
	}
	wbuf_reset(&c->out);
	c->out_off = 0;
	return 0;
}

static void
conn_close(struct conn *c)
{
	if (c->fd != -1 && !c->connecting)
		conn_flush(c);
	loop_event_free(c->ev_rd);
	loop_event_free(c->ev_wr);
	c->ev_rd = c->ev_wr = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->connecting = 0;
	c->inlen = 0;
	wbuf_reset(&c->out);
	c->out_off = 0;
}

static void
conn_free(struct conn *c)
{
	conn_close(c);
	wbuf_free(&c->out);
	free(c->in);
	c->in = NULL;
}

/* Queue bytes already in c->out; write now or when the socket allows. */
static void
conn_kick(struct nbr *n, struct conn *c)
{
	if (c->out.err) {
		log_warnx("bgp %s: out of memory for output", n->conf.name);
		return;
	}
	if (conn_flush(c) == -1) {
		snprintf(n->reason, sizeof(n->reason), "write: %s", strerror(errno));
		return;
	}
	if (c->out.len > c->out_off && c->ev_wr != NULL && !loop_event_pending(c->ev_wr))
		loop_event_add(c->ev_wr, NULL);
}

/* ---- our OPEN ------------------------------------------------------------ */

static void
our_caps(const struct nbr *n, struct bgp_caps *caps)
{
	const struct config_bgp_neighbor *cf = &n->conf;
	static const int roles[] = { -1, BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER, BGP_ROLE_RS,
	    BGP_ROLE_RS_CLIENT, BGP_ROLE_PEER };

	memset(caps, 0, sizeof(*caps));
	caps->has_as4 = 1;
	caps->as4 = cf->local_as;
	caps->has_route_refresh = 1;
	caps->has_extmsg = 1;
	if (cf->ipv4) {
		caps->mp[caps->nmp].afi = PREFIX_AF_IPV4;
		caps->mp[caps->nmp++].safi = BGP_SAFI_UNICAST;
	}
	if (cf->ipv6) {
		caps->mp[caps->nmp].afi = PREFIX_AF_IPV6;
		caps->mp[caps->nmp++].safi = BGP_SAFI_UNICAST;
	}
	if (cf->add_path_receive) {
		memcpy(caps->addpath, caps->mp, sizeof(caps->mp));
		caps->naddpath = caps->nmp;
		for (unsigned i = 0; i < caps->naddpath; i++)
			caps->addpath[i].flags = BGP_ADDPATH_RECEIVE;
	}
	if (cf->graceful_restart) {
		caps->has_gr = 1;
		caps->gr_time = (uint16_t)(cf->restart_time & 0x0fff);
		/* no forwarding state: we are not in the forwarding path; gr[] empty */
	}
	if (cf->role > 0 && (size_t)cf->role < sizeof(roles) / sizeof(roles[0])) {
		caps->has_role = 1;
		caps->role = (uint8_t)roles[cf->role];
	}
}

static int
policy_role(const struct nbr *n)
{
	struct bgp_caps	 caps;

	our_caps(n, &caps);
	return caps.has_role ? caps.role : -1;
}

/* ---- FSM actions --------------------------------------------------------- */

static void
act_connect(void *arg)
{
	struct nbr		*n = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			 fd, fam = n->conf.address.af == PREFIX_AF_IPV6 ? AF_INET6 : AF_INET;

	conn_close(&n->c);
	if ((fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("bgp %s: socket", n->conf.name);
		return;
	}
	if (n->conf.password != NULL && md5_set(fd, &n->conf.address, n->conf.password) == -1) {
		/* never fall back to an unsigned session */
		snprintf(n->reason, sizeof(n->reason), "TCP-MD5 refused by the kernel: "
		    "setsockopt TCP_MD5SIG: %s", strerror(errno));
		log_warnx("bgp %s: %s", n->conf.name, n->reason);
		source_set_state(n->src, SOURCE_DOWN, n->reason);
		close(fd);
		return;
	}
	if (n->conf.local_address.af != PREFIX_AF_NONE) {
		sl = sockaddr_of(&n->conf.local_address, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1)
			log_warn("bgp %s: bind local address", n->conf.name);
	}
	sl = sockaddr_of(&n->conf.address, n->conf.port, &ss);
	if (conn_attach(n, &n->c, fd, 1) == -1) {
		conn_close(&n->c);
		return;
	}
	loop_event_del(n->c.ev_rd);
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 && errno != EINPROGRESS) {
		/* the ConnectRetry timer tries again */
		snprintf(n->reason, sizeof(n->reason), "connect: %s", strerror(errno));
		conn_close(&n->c);
		return;
	}
	n->c.connecting = 1;
	loop_event_add(n->c.ev_wr, NULL);
}

static void
act_close(void *arg)
{
	struct nbr	*n = arg;

	if (n->c.fd != -1 && n->c.connecting) {
		/* ConnectRetry ran out before the peer answered our SYN */
		snprintf(n->reason, sizeof(n->reason), "connect: no answer%s",
		    n->conf.password ? " (TCP-MD5 password mismatch? the peer's kernel "
		    "drops segments with a wrong signature)" : "");
		source_set_state(n->src, SOURCE_DOWN, n->reason);
		log_debug(LOG_SUB_BGP, "bgp %s: %s", n->conf.name, n->reason);
	}
	conn_close(&n->c);
}

static void
act_send_open(void *arg)
{
	struct nbr	*n = arg;
	struct bgp_open	 o;

	memset(&o, 0, sizeof(o));
	o.version = 4;
	o.my_as = n->conf.local_as > 0xffff ? BGP_AS_TRANS : (uint16_t)n->conf.local_as;
	o.holdtime = (uint16_t)n->conf.hold_time;
	o.bgp_id = id_of(&n->conf.router_id);
	our_caps(n, &o.caps);
	if (bgp_open_encode(&n->c.out, &o) == 0)
		n->msgs_out++;
	conn_kick(n, &n->c);
}

static void
act_send_keepalive(void *arg)
{
	struct nbr	*n = arg;

	if (bgp_keepalive_encode(&n->c.out) == 0)
		n->msgs_out++;
	conn_kick(n, &n->c);
}

static void
notif_count(struct nbr *n, int in, uint8_t code, uint8_t sub)
{
	struct notif_count	*c;
	size_t			 i;

	for (i = 0; i < NOTIF_KINDS; i++) {
		c = &n->notifs[i];
		if (c->count == 0) {
			c->in = (uint8_t)in;
			c->code = code;
			c->subcode = sub;
		}
		if (c->in == in && c->code == code && c->subcode == sub) {
			c->count++;
			return;
		}
	}
	/* table full: the kinds seen first stay counted; the totals count all */
}

static void
act_send_notification(void *arg, uint8_t code, uint8_t sub, const uint8_t *data, size_t len)
{
	struct nbr	*n = arg;

	if (n->c.fd == -1 || n->c.connecting)
		return;
	n->notified = 1;
	notif_count(n, 0, code, sub);
	if (bgp_notification_encode(&n->c.out, code, sub, data, len) == 0) {
		n->msgs_out++;
		n->notif_out++;
	}
	snprintf(n->last_notif, sizeof(n->last_notif), "sent %u/%u %s: %s", code, sub,
	    bgp_notify_code_str(code), bgp_notify_subcode_str(code, sub));
	snprintf(n->reason, sizeof(n->reason), "%s", n->last_notif);
	log_info("bgp %s: %s", n->conf.name, n->last_notif);
	conn_flush(&n->c);
}

static void	 established(struct nbr *);

static int
stale_cmp(const void *a, const void *b)
{
	const struct stale	*x = a, *y = b;
	int			 c = prefix_cmp(&x->pfx, &y->pfx);

	if (c != 0)
		return c;
	return x->path_id < y->path_id ? -1 : x->path_id > y->path_id;
}

static int
stale_add(const struct prefix *p, const struct rib_route *r, unsigned nr, void *arg)
{
	struct nbr	*n = arg;
	struct stale	*s;
	unsigned	 i;

	for (i = 0; i < nr; i++) {
		if (r[i].source != n->src->rib_id)
			continue;
		if (n->nstale == n->capstale) {
			size_t	 cap = n->capstale ? n->capstale * 2 : 1024;

			if ((s = reallocarray(n->stale, cap, sizeof(*s))) == NULL)
				return 1;
			n->stale = s;
			n->capstale = cap;
		}
		s = &n->stale[n->nstale++];
		s->pfx = *p;
		s->path_id = r[i].path_id;
		s->fresh = 0;
	}
	return 0;
}

static uint8_t
gr_af(const struct prefix *p)
{
	return p->af == PREFIX_AF_IPV6 ? BGP_GR_AF_IPV6 : BGP_GR_AF_IPV4;
}

/*
 * Withdraws the stale routes of the families not in keep (BGP_GR_AF_*) that were
 * not announced again, and forgets them; the list stays sorted.
 */
static uint32_t
stale_drop(struct nbr *n, uint8_t keep)
{
	size_t		 i, j;
	uint32_t	 w = 0;

	for (i = j = 0; i < n->nstale; i++) {
		if (!(keep & gr_af(&n->stale[i].pfx))) {
			if (!n->stale[i].fresh)
				w += (uint32_t)source_withdraw(n->src, &n->stale[i].pfx,
				    n->stale[i].path_id);
			continue;
		}
		n->stale[j++] = n->stale[i];
	}
	n->nstale = j;
	return w;
}

static size_t
stale_pending(const struct nbr *n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n->nstale; i++)
		c += !n->stale[i].fresh;
	return c;
}

/* End of a graceful restart: withdraw what was not announced again. */
static void
gr_sweep(struct nbr *n, const char *why)
{
	uint32_t	 w;

	if (!n->gr_active)
		return;
	w = stale_drop(n, 0);
	log_info("bgp %s: graceful restart ended (%s): %u stale routes withdrawn",
	    n->conf.name, why, w);
	free(n->stale);
	n->stale = NULL;
	n->nstale = n->capstale = 0;
	n->gr_active = 0;
	n->gr_back = 0;
	loop_event_del(n->ev_gr);
}

static void
gr_timer_cb(int fd, short what, void *arg)
{
	struct nbr	*n = arg;

	(void)fd;
	(void)what;
	gr_sweep(n, n->gr_back ? "no End-of-RIB within restart-time" :
	    "restart time over");
}

/*
 * RFC 4724 §4.2: the session of a peer that does graceful restart ended without a
 * NOTIFICATION: keep its routes of the families its capability listed (stale) for
 * the restart time it announced; the others go at once. Down again during a
 * restart: everything held now (stale or refreshed) is stale again.
 */
static int
gr_begin(struct nbr *n)
{
	uint32_t	 w;

	if (!n->peer_gr || !n->conf.graceful_restart || n->notified || n->stopping ||
	    n->peer_gr_time == 0 || n->peer_gr_afs == 0 || n->ev_gr == NULL)
		return 0;
	free(n->stale);
	n->stale = NULL;
	n->nstale = n->capstale = 0;
	if (rib_source_walk(source_rib(), n->src->rib_id, stale_add, n) != 0) {
		free(n->stale);
		n->stale = NULL;
		n->nstale = n->capstale = 0;
		n->gr_active = 0;
		return 0;
	}
	qsort(n->stale, n->nstale, sizeof(*n->stale), stale_cmp);
	n->gr_active = 1;
	n->gr_back = 0;
	w = stale_drop(n, n->peer_gr_afs);
	loop_event_del(n->ev_gr);
	loop_timer_add(n->ev_gr, (unsigned long)n->peer_gr_time * 1000);
	log_info("bgp %s: peer restarting: %zu routes kept stale for %us, %u of families "
	    "without graceful restart withdrawn", n->conf.name, n->nstale, n->peer_gr_time, w);
	return 1;
}

/*
 * RFC 4724 §4.2, the peer is back: the restart timer stops; stale routes of the
 * families its new OPEN does not list with the Forwarding State bit go at once, the
 * rest wait for End-of-RIB, at most restart-time (our configured value).
 */
static void
gr_resume(struct nbr *n)
{
	uint32_t	 w;

	if (!n->gr_active)
		return;
	loop_event_del(n->ev_gr);
	w = stale_drop(n, n->peer_gr_fwd);
	if (w > 0)
		log_info("bgp %s: back without forwarding state for some families: %u stale "
		    "routes withdrawn", n->conf.name, w);
	if (n->nstale == 0) {
		gr_sweep(n, "no family with forwarding state kept");
		return;
	}
	n->gr_back = 1;
	loop_timer_add(n->ev_gr, (unsigned long)n->conf.restart_time * 1000);
}

/* Route subscriber: marks stale routes announced again. */
static void
gr_route(const struct source *src, const struct prefix *p, uint32_t path_id,
    const struct rib_attrs *a, void *arg)
{
	struct nbr	*n = src->owner;
	struct stale	 key, *s;

	(void)arg;
	if (src->type != SOURCE_BGP || n == NULL || !n->gr_active || a == NULL)
		return;
	key.pfx = *p;
	key.path_id = path_id;
	if ((s = bsearch(&key, n->stale, n->nstale, sizeof(*s), stale_cmp)) != NULL)
		s->fresh = 1;
}

static void
gr_mark_set(struct nbr *n, const struct bgp_nlri_set *set)
{
	struct bgp_nlri_iter	 it;
	struct stale		 key, *s;

	if (set->count == 0)
		return;
	memset(&key, 0, sizeof(key));
	bgp_nlri_iter_init(&it, set);
	while (bgp_nlri_next(&it, &key.pfx, &key.path_id) == 1)
		if ((s = bsearch(&key, n->stale, n->nstale, sizeof(*s), stale_cmp)) != NULL)
			s->fresh = 1;
}

/*
 * During a restart, every route the peer announces again is fresh, also when it
 * is the very route already held: the RIB reports no change for that, so the
 * route subscriber alone would leave it stale and the End-of-RIB sweep would
 * remove a route the peer just refreshed. Read the NLRI of the UPDATE here.
 */
static void
gr_mark_update(struct nbr *n, const uint8_t *body, size_t len)
{
	struct bgp_update	 upd;
	struct bgp_error	 err;
	enum bgp_result		 r;

	if (!n->gr_active || n->nstale == 0)
		return;
	r = bgp_update_decode(body, len, &n->sess, &upd, &err);
	if (r != BGP_OK && r != BGP_ERR_ATTR_DISCARD)
		return;		/* withdrawn or reset: nothing refreshed */
	if (upd.eor) {
		/* RFC 4724 §4.2: a family's End-of-RIB ends its stale routes at once,
		 * whatever the other families still send */
		uint8_t af = upd.eor_afi == PREFIX_AF_IPV6 ? BGP_GR_AF_IPV6 : BGP_GR_AF_IPV4;
		uint32_t w;

		if (upd.eor_safi != BGP_SAFI_UNICAST)
			return;
		w = stale_drop(n, (uint8_t)((BGP_GR_AF_IPV4 | BGP_GR_AF_IPV6) & ~af));
		log_info("bgp %s: End-of-RIB for %s during graceful restart: %u stale "
		    "routes withdrawn", n->conf.name, af == BGP_GR_AF_IPV6 ? "IPv6" : "IPv4",
		    w);
		if (n->nstale == 0)
			gr_sweep(n, "End-of-RIB");
		return;
	}
	gr_mark_set(n, &upd.nlri);
	if (upd.mp_reach.safi == BGP_SAFI_UNICAST)
		gr_mark_set(n, &upd.mp_reach);
}

/* State subscriber: End-of-RIB for every family ends the restart. */
static void
gr_state(const struct source *src, enum source_state old, void *arg)
{
	struct nbr	*n = src->owner;

	(void)old;
	(void)arg;
	if (src->type == SOURCE_BGP && n != NULL && n->gr_active && src->state == SOURCE_UP)
		gr_sweep(n, "End-of-RIB");
}

static void
went_down(struct nbr *n)
{
	const char	*why = n->reason[0] ? n->reason : "session closed";
	uint32_t	 w;

	n->up_since = 0;
	source_set_state(n->src, SOURCE_DOWN, why);
	if (gr_begin(n))
		return;
	gr_sweep(n, "session down again");
	w = source_withdraw_all(n->src);
	log_info("bgp %s: down: %s (%u routes withdrawn)", n->conf.name, why, w);
}

static void
act_state(void *arg, enum bgp_fsm_state old, enum bgp_fsm_state new)
{
	struct nbr	*n = arg;

	log_debug(LOG_SUB_BGP, "bgp %s: %s -> %s", n->conf.name, bgp_fsm_state_str(old),
	    bgp_fsm_state_str(new));
	if (new == BGP_FSM_ESTABLISHED) {
		established(n);
		return;
	}
	if (old == BGP_FSM_ESTABLISHED) {
		went_down(n);
		return;
	}
	if (new == BGP_FSM_IDLE)
		source_set_state(n->src, SOURCE_DOWN, n->reason[0] ? n->reason : NULL);
	else if (n->src->state == SOURCE_DOWN)
		source_set_state(n->src, SOURCE_CONNECTING, NULL);
}

static const struct bgp_fsm_ops fsm_ops = {
	act_connect, act_close, act_send_open, act_send_keepalive, act_send_notification,
	act_state,
};

/* Established: the source's decode parameters, SYNCING until End-of-RIB, our EoRs. */
static void
established(struct nbr *n)
{
	uint8_t	 af = 0;

	n->up_since = time(NULL);
	n->reason[0] = '\0';
	n->maxpfx_warned = 0;
	n->notified = 0;
	gr_resume(n);
	n->src->sess = n->sess;
	n->src->peer_bgp_id = n->peer_id;
	if (n->conf.ipv4 && (n->peer_mp & SOURCE_AF_IPV4))
		af |= SOURCE_AF_IPV4;
	if (n->conf.ipv6 && (n->peer_mp & SOURCE_AF_IPV6))
		af |= SOURCE_AF_IPV6;
	n->af_neg = af;
	n->src->af_expect = af;
	source_set_state(n->src, SOURCE_SYNCING, NULL);
	if (af == 0)
		source_set_state(n->src, SOURCE_UP, NULL);
	if ((af & SOURCE_AF_IPV4) && bgp_eor_encode(&n->c.out, PREFIX_AF_IPV4,
	    BGP_SAFI_UNICAST) == 0)
		n->msgs_out++;
	if ((af & SOURCE_AF_IPV6) && bgp_eor_encode(&n->c.out, PREFIX_AF_IPV6,
	    BGP_SAFI_UNICAST) == 0)
		n->msgs_out++;
	conn_kick(n, &n->c);
	log_info("bgp %s: established (AS%u id %08x hold %us)", n->conf.name,
	    n->conf.remote_as, n->peer_id, n->fsm.hold);
}

/* ---- input --------------------------------------------------------------- */

static void
peer_caps(struct nbr *n, const struct bgp_open *o)
{
	const struct bgp_caps	*pc = &o->caps;
	struct bgp_caps		 ours;
	unsigned		 i;

	our_caps(n, &ours);
	bgp_sess_negotiate(&n->sess, &ours, pc);
	n->sess.ebgp = n->conf.local_as != n->conf.remote_as;
	n->peer_id = o->bgp_id;
	n->peer_hold = o->holdtime;
	n->peer_as4 = pc->has_as4;
	n->peer_rr = pc->has_route_refresh;
	n->peer_extmsg = pc->has_extmsg;
	n->peer_gr = pc->has_gr;
	n->peer_gr_time = pc->gr_time;
	n->peer_gr_afs = bgp_gr_families(pc, 0);
	n->peer_gr_fwd = bgp_gr_families(pc, 1);
	n->peer_has_role = pc->has_role;
	n->peer_role = pc->role;
	n->peer_addpath = pc->naddpath > 0;
	n->peer_mp = 0;
	for (i = 0; i < pc->nmp; i++)
		if (pc->mp[i].safi == BGP_SAFI_UNICAST)
			n->peer_mp |= pc->mp[i].afi == PREFIX_AF_IPV4 ? SOURCE_AF_IPV4 :
			    pc->mp[i].afi == PREFIX_AF_IPV6 ? SOURCE_AF_IPV6 : 0;
	/* RFC 4760 §8: no MP capability at all means IPv4 unicast */
	if (pc->nmp == 0)
		n->peer_mp = SOURCE_AF_IPV4;
}

static void
got_open(struct nbr *n, const struct bgp_hdr *h, uint64_t now)
{
	struct bgp_open		 o;
	struct bgp_open_policy	 pol;
	struct bgp_error	 err;

	if (bgp_open_decode(h->body, h->bodylen, &o, &err) != BGP_OK) {
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_OPEN_ERR, now, &err);
		return;
	}
	memset(&pol, 0, sizeof(pol));
	pol.remote_as = n->conf.remote_as;
	pol.local_as = n->conf.local_as;
	pol.local_id = id_of(&n->conf.router_id);
	pol.role = policy_role(n);
	pol.role_strict = (uint8_t)n->conf.role_strict;
	if (bgp_fsm_open_check(&pol, &o, &err) != BGP_OK) {
		snprintf(n->reason, sizeof(n->reason), "OPEN refused: %s", err.what);
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_OPEN_ERR, now, &err);
		return;
	}
	if (n->fsm.state == BGP_FSM_OPENSENT)
		peer_caps(n, &o);
	bgp_fsm_open(&n->fsm, o.holdtime, now);
}

static void
got_notification(struct nbr *n, const struct bgp_hdr *h, uint64_t now)
{
	struct bgp_notification	 nt;
	struct bgp_error	 err;

	n->notif_in++;
	n->notified = 1;
	if (bgp_notification_decode(h->body, h->bodylen, &nt, &err) != BGP_OK) {
		notif_count(n, 1, 0, 0);
		snprintf(n->last_notif, sizeof(n->last_notif), "received a malformed one");
	} else if (nt.shutdown_len > 0) {
		notif_count(n, 1, nt.code, nt.subcode);
		snprintf(n->last_notif, sizeof(n->last_notif), "received %u/%u %s: %s \"%.*s\"",
		    nt.code, nt.subcode, bgp_notify_code_str(nt.code),
		    bgp_notify_subcode_str(nt.code, nt.subcode), (int)nt.shutdown_len,
		    (const char *)nt.shutdown_msg);
	} else {
		notif_count(n, 1, nt.code, nt.subcode);
		snprintf(n->last_notif, sizeof(n->last_notif), "received %u/%u %s: %s",
		    nt.code, nt.subcode, bgp_notify_code_str(nt.code),
		    bgp_notify_subcode_str(nt.code, nt.subcode));
	}
	snprintf(n->reason, sizeof(n->reason), "%s", n->last_notif);
	log_info("bgp %s: %s", n->conf.name, n->last_notif);
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_NOTIFICATION, now, NULL);
}

static void
max_prefix(struct nbr *n, uint64_t now)
{
	struct bgp_error	 err;
	uint32_t		 routes = source_routes(n->src);

	if (n->conf.max_prefix == 0 || routes <= n->conf.max_prefix)
		return;
	if (n->conf.max_prefix_action == CONFIG_MAXPFX_WARN) {
		if (!n->maxpfx_warned)
			log_warnx("bgp %s: %u routes, over max-prefix %u", n->conf.name,
			    routes, n->conf.max_prefix);
		n->maxpfx_warned = 1;
		return;
	}
	memset(&err, 0, sizeof(err));
	err.code = BGP_NOTIFY_CEASE;
	err.subcode = BGP_NOTIFY_CEASE_MAX_PREFIX;
	log_warnx("bgp %s: %u routes, over max-prefix %u: session stopped", n->conf.name,
	    routes, n->conf.max_prefix);
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_STOP, now, &err);
	if (n->conf.max_prefix_action == CONFIG_MAXPFX_RESTART && n->ev_maxpfx != NULL)
		loop_timer_add(n->ev_maxpfx, (unsigned long)n->conf.max_prefix_restart * 1000);
}

static void
got_update(struct nbr *n, const struct bgp_hdr *h, uint64_t now)
{
	struct bgp_error	 err;
	enum bgp_result		 r;

	bgp_fsm_event(&n->fsm, BGP_FSM_EV_UPDATE, now, NULL);
	if (n->fsm.state != BGP_FSM_ESTABLISHED)
		return;
	n->updates_in++;
	gr_mark_update(n, h->body, h->bodylen);
	r = source_apply_update(n->src, h->body, h->bodylen, &err);
	if (r == BGP_ERR_SESSION_RESET) {
		snprintf(n->reason, sizeof(n->reason), "UPDATE error: %s",
		    err.what ? err.what : "?");
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_UPDATE_ERR, now, &err);
		return;
	}
	if (r != BGP_OK)
		log_debug(LOG_SUB_BGP, "bgp %s: UPDATE %s: %s", n->conf.name,
		    bgp_result_str(r), err.what ? err.what : "");
	max_prefix(n, now);
}

/* One framed message; returns -1 when the connection is gone. */
static int
dispatch(struct nbr *n, const struct bgp_hdr *h, uint64_t now)
{
	n->msgs_in++;
	switch (h->type) {
	case BGP_MSG_OPEN:
		got_open(n, h, now);
		break;
	case BGP_MSG_UPDATE:
		got_update(n, h, now);
		break;
	case BGP_MSG_NOTIFICATION:
		got_notification(n, h, now);
		break;
	case BGP_MSG_KEEPALIVE:
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_KEEPALIVE, now, NULL);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		/* we announce nothing: nothing to resend */
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_ROUTE_REFRESH, now, NULL);
		break;
	}
	return n->c.fd == -1 ? -1 : 0;
}

static void
process_input(struct nbr *n)
{
	struct conn		*c = &n->c;
	struct bgp_hdr		 h;
	struct bgp_error	 err;
	size_t			 off = 0;
	int			 len;
	uint64_t		 now = now_ms();
	struct bgp_sess		 rx = n->sess;

	/* RFC 8654: we offer extended messages, so we take them whether or not the
	 * peer offered them too (that only limits what we may send) */
	rx.extmsg = 1;
	while (c->fd != -1 && off < c->inlen) {
		len = bgp_msg_frame(c->in + off, c->inlen - off, &rx, &h, &err);
		if (len == 0)
			break;
		if (len < 0) {
			snprintf(n->reason, sizeof(n->reason), "message header error: %s",
			    err.what ? err.what : "?");
			bgp_fsm_event(&n->fsm, BGP_FSM_EV_HDR_ERR, now, &err);
			break;
		}
		if (dispatch(n, &h, now) == -1)
			break;
		off += (size_t)len;
	}
	if (c->fd == -1)
		return;
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

static void
read_cb(int fd, short what, void *arg)
{
	struct nbr	*n = arg;
	struct conn	*c = &n->c;
	ssize_t		 r;

	(void)what;
	if (fd != c->fd)
		return;
	r = recv(fd, c->in + c->inlen, IN_MAX - c->inlen, 0);
	if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (r <= 0) {
		snprintf(n->reason, sizeof(n->reason), "%s", r == 0 ?
		    "connection closed by peer" : strerror(errno));
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_FAIL, now_ms(), NULL);
		rearm(n);
		return;
	}
	c->inlen += (size_t)r;
	process_input(n);
	rearm(n);
}

static void
write_cb(int fd, short what, void *arg)
{
	struct nbr	*n = arg;
	struct conn	*c = &n->c;
	int		 e = 0;
	socklen_t	 el = sizeof(e);

	(void)what;
	if (fd != c->fd)
		return;
	if (c->connecting) {
		c->connecting = 0;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1 || e != 0) {
			snprintf(n->reason, sizeof(n->reason), "connect: %s", strerror(e));
			bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_FAIL, now_ms(), NULL);
			rearm(n);
			return;
		}
		loop_event_add(c->ev_rd, NULL);
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_UP, now_ms(), NULL);
		rearm(n);
		return;
	}
	if (conn_flush(c) == -1) {
		snprintf(n->reason, sizeof(n->reason), "write: %s", strerror(errno));
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_FAIL, now_ms(), NULL);
		rearm(n);
		return;
	}
	if (c->out.len > c->out_off)
		loop_event_add(c->ev_wr, NULL);
}

/* ---- timers -------------------------------------------------------------- */

static void
timer_cb(int fd, short what, void *arg)
{
	struct nbr	*n = arg;

	(void)fd;
	(void)what;
	bgp_fsm_tick(&n->fsm, now_ms());
	rearm(n);
}

static void
rearm(struct nbr *n)
{
	uint64_t	 d = bgp_fsm_deadline(&n->fsm), now = now_ms();

	if (n->ev_timer == NULL)
		return;
	loop_event_del(n->ev_timer);
	if (d != 0)
		loop_timer_add(n->ev_timer, d > now ? (unsigned long)(d - now) : 1);
}

static void
maxpfx_cb(int fd, short what, void *arg)
{
	struct nbr	*n = arg;

	(void)fd;
	(void)what;
	log_info("bgp %s: max-prefix restart timer expired, starting", n->conf.name);
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_START, now_ms(), NULL);
	rearm(n);
}

/* ---- neighbors ------------------------------------------------------------ */

static void
nbr_free(struct nbr *n)
{
	if (n == NULL)
		return;
	conn_free(&n->c);
	conn_free(&n->coll);
	loop_event_free(n->ev_timer);
	loop_event_free(n->ev_gr);
	loop_event_free(n->ev_maxpfx);
	free(n->stale);
	if (n->src != NULL)
		n->src->owner = NULL;
	source_free(n->src);
	free(n->conf.name);
	free(n->conf.password);
	free(n);
}

static struct nbr *
nbr_new(const struct config_bgp_neighbor *cf)
{
	struct nbr		*n;
	struct bgp_fsm_conf	 fc;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->conf = *cf;
	n->conf.name = strdup(cf->name);
	n->conf.password = cf->password ? strdup(cf->password) : NULL;
	conn_init(&n->c);
	conn_init(&n->coll);
	n->ev_timer = loop_timer_new(timer_cb, n);
	n->ev_maxpfx = loop_timer_new(maxpfx_cb, n);
	n->ev_gr = loop_timer_new(gr_timer_cb, n);
	n->src = source_new(SOURCE_BGP, cf->name, NULL);
	if (n->conf.name == NULL || (cf->password && n->conf.password == NULL) ||
	    n->ev_timer == NULL || n->ev_maxpfx == NULL || n->src == NULL) {
		log_warnx("bgp %s: cannot set up the neighbor", cf->name);
		nbr_free(n);
		return NULL;
	}
	n->src->rib_type = SOURCE_RIB_IN_PRE;
	n->src->peer_af = cf->address.af;
	memcpy(n->src->peer_addr, cf->address.addr, 16);
	n->src->peer_as = cf->remote_as;
	n->src->owner = n;
	memset(&fc, 0, sizeof(fc));
	fc.hold_time = (uint16_t)cf->hold_time;
	fc.passive = (uint8_t)cf->passive;
	fc.auto_restart = 1;
	fc.connect_retry = RETRY_FIRST;
	fc.connect_retry_max = RETRY_MAX;
	fc.ops = &fsm_ops;
	fc.arg = n;
	bgp_fsm_init(&n->fsm, &fc);
	return n;
}

static void
nbr_start(struct nbr *n)
{
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_START, now_ms(), NULL);
	rearm(n);
}

static void
nbr_stop(struct nbr *n, uint8_t subcode)
{
	struct bgp_error	 err;

	memset(&err, 0, sizeof(err));
	err.code = BGP_NOTIFY_CEASE;
	err.subcode = subcode;
	n->stopping = 1;
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_STOP, now_ms(), &err);
	n->stopping = 0;
	rearm(n);
}

static struct nbr *
nbr_by_addr(const struct config_addr *a)
{
	struct nbr	*n;

	TAILQ_FOREACH(n, &nbrs, entry)
		if (addr_eq(&n->conf.address, a))
			return n;
	return NULL;
}

static struct nbr *
nbr_by_name(const char *name)
{
	struct nbr	*n;

	TAILQ_FOREACH(n, &nbrs, entry)
		if (strcmp(n->conf.name, name) == 0)
			return n;
	return NULL;
}

/* ---- listeners ------------------------------------------------------------ */

static void
reject(int fd, uint8_t subcode)
{
	struct wbuf	 w;

	wbuf_init(&w, 0);
	if (bgp_notification_encode(&w, BGP_NOTIFY_CEASE, subcode, NULL, 0) == 0 && !w.err)
		(void)!send(fd, w.buf, w.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	wbuf_free(&w);
	close(fd);
}

/*
 * RFC 4271 §6.8 on an incoming connection while ours is in OpenSent/OpenConfirm:
 * the peer's OPEN on the new connection would carry the identifier we already know
 * (or will know); the connection initiated by the higher identifier survives. With
 * the session Established the new connection is closed, unless the peer does
 * graceful restart (RFC 4724 §4.2: it restarted; the old connection is dead).
 */
static void
accepted(struct nbr *n, int fd)
{
	uint64_t	 now = now_ms();
	int		 st = n->fsm.state;

	if (st == BGP_FSM_ESTABLISHED && !(n->peer_gr && n->conf.graceful_restart)) {
		reject(fd, BGP_NOTIFY_CEASE_COLLISION);
		return;
	}
	if (st == BGP_FSM_OPENSENT || st == BGP_FSM_OPENCONFIRM) {
		/* our own connection is outgoing (an incoming one would be this one) */
		if (n->c.outgoing && n->peer_id != 0 &&
		    bgp_fsm_collision_keep_local(id_of(&n->conf.router_id), n->peer_id,
		    n->conf.local_as, n->conf.remote_as)) {
			reject(fd, BGP_NOTIFY_CEASE_COLLISION);
			return;
		}
		/* identifier not known yet: the peer's connection is taken */
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_COLLISION, now, NULL);
	} else if (st == BGP_FSM_ESTABLISHED) {
		snprintf(n->reason, sizeof(n->reason), "peer reconnected (graceful restart)");
		bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_FAIL, now, NULL);
	} else if (n->c.fd != -1)
		conn_close(&n->c);	/* an outgoing attempt in Connect: take this one */
	if (!n->fsm.started) {
		reject(fd, BGP_NOTIFY_CEASE_REJECTED);
		rearm(n);
		return;
	}
	if (conn_attach(n, &n->c, fd, 0) == -1) {
		conn_close(&n->c);
		rearm(n);
		return;
	}
	bgp_fsm_event(&n->fsm, BGP_FSM_EV_TCP_UP, now, NULL);
	rearm(n);
}

static void
accept_cb(int lfd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	struct config_addr	 a;
	struct nbr		*n;
	char			 buf[INET6_ADDRSTRLEN];
	int			 fd;

	(void)what;
	(void)arg;
	fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return;
	addr_of_sockaddr(&ss, &a);
	if ((n = nbr_by_addr(&a)) != NULL && md5_missing(n)) {
		log_warnx("bgp %s: connection refused: %s", n->conf.name, n->reason);
		reject(fd, BGP_NOTIFY_CEASE_REJECTED);
		return;
	}
	if (n == NULL) {
		inet_ntop(a.af == PREFIX_AF_IPV6 ? AF_INET6 : AF_INET, a.addr, buf, sizeof(buf));
		log_info("bgp: connection from %s refused: not a configured neighbor", buf);
		reject(fd, BGP_NOTIFY_CEASE_REJECTED);
		return;
	}
	accepted(n, fd);
}

static void
md5_failed(const struct config_bgp_neighbor *nb)
{
	struct md5_fail	*f;
	int		 e = errno;

	log_warnx("bgp %s: TCP-MD5 refused by the kernel: setsockopt TCP_MD5SIG: %s; "
	    "its connections will be refused", nb->name, strerror(e));
	if ((f = reallocarray(md5_fails, nmd5_fails + 1, sizeof(*f))) == NULL)
		return;
	md5_fails = f;
	md5_fails[nmd5_fails].addr = nb->address;
	md5_fails[nmd5_fails++].err = e;
}

/* Did a listener refuse the key of neighbor n? (then its password is not checked) */
static int
md5_missing(struct nbr *n)
{
	size_t	 i;

	if (n->conf.password == NULL)
		return 0;
	for (i = 0; i < nmd5_fails; i++)
		if (addr_eq(&md5_fails[i].addr, &n->conf.address)) {
			snprintf(n->reason, sizeof(n->reason), "TCP-MD5 refused by the kernel: "
			    "setsockopt TCP_MD5SIG: %s", strerror(md5_fails[i].err));
			source_set_state(n->src, SOURCE_DOWN, n->reason);
			return 1;
		}
	return 0;
}

/* The TCP-MD5 keys of bgp's neighbors of family af on listening socket fd. */
static void
listener_keys(int fd, int af, const struct config_bgp *bgp)
{
	size_t i;

	for (i = 0; i < bgp->nneighbors; i++)
		if (bgp->neighbors[i].password != NULL &&
		    bgp->neighbors[i].address.af == af &&
		    md5_set(fd, &bgp->neighbors[i].address, bgp->neighbors[i].password) == -1)
			md5_failed(&bgp->neighbors[i]);
}

static int
listen_one(const struct config_endpoint *ep, const struct config_bgp *bgp)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sockaddr_of(&ep->address, ep->port, &ss);
	struct listener		*l;
	int			 fd, one = 1;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	listener_keys(fd, ep->address.af, bgp);
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 || listen(fd, 16) == -1)
		goto fail;
	if ((l = reallocarray(listeners, nlisteners + 1, sizeof(*l))) == NULL)
		goto fail;
	listeners = l;
	l = &listeners[nlisteners];
	l->fd = fd;
	l->af = ep->address.af;
	if ((l->ev = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, accept_cb, NULL)) == NULL ||
	    loop_event_add(l->ev, NULL) == -1) {
		loop_event_free(l->ev);
		goto fail;
	}
	nlisteners++;
	return 0;
fail:
	log_warn("bgp: cannot listen on port %u", ep->port);
	if (fd != -1)
		close(fd);
	return -1;
}

/* ---- show neighbors ------------------------------------------------------- */

static void
gr_afs_json(struct json *j, const char *key, uint8_t afs)
{
	json_array_open(j, key);
	if (afs & BGP_GR_AF_IPV4)
		json_string(j, NULL, "ipv4");
	if (afs & BGP_GR_AF_IPV6)
		json_string(j, NULL, "ipv6");
	json_close(j);
}

/* The port of a connected socket's local or remote end, 0 without one. */
static unsigned
conn_port(const struct conn *c, int remote)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	int			 rv;

	if (c->fd == -1 || c->connecting)
		return 0;
	rv = remote ? getpeername(c->fd, (struct sockaddr *)&ss, &sl) :
	    getsockname(c->fd, (struct sockaddr *)&ss, &sl);
	if (rv == -1)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&ss)->sin6_port);
	if (ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

static void
render_nbr(struct json *j, const struct nbr *n)
{
	unsigned	 lport = conn_port(&n->c, 0), rport = conn_port(&n->c, 1);
	char		 buf[INET6_ADDRSTRLEN];
	time_t		 now = time(NULL);

	json_object_open(j, NULL);
	json_string(j, "name", n->conf.name);
	inet_ntop(n->conf.address.af == PREFIX_AF_IPV6 ? AF_INET6 : AF_INET,
	    n->conf.address.addr, buf, sizeof(buf));
	json_string(j, "address", buf);
	/* the configured port is where an active neighbor is dialled; the ports of
	 * the connection in use (either way round) follow when there is one */
	json_uint(j, "port", n->conf.port);
	if (rport != 0) {
		json_uint(j, "remote_port", rport);
		json_uint(j, "local_port", lport);
		json_bool(j, "outgoing", n->c.outgoing);
	} else {
		json_null(j, "remote_port");
		json_null(j, "local_port");
		json_null(j, "outgoing");
	}
	json_uint(j, "remote_as", n->conf.remote_as);
	json_uint(j, "local_as", n->conf.local_as);
	json_bool(j, "passive", n->conf.passive);
	json_string(j, "state", bgp_fsm_state_str(n->fsm.state));
	json_string(j, "source_state", source_state_str(n->src->state));
	json_uint(j, "uptime_seconds", n->up_since ? (uint64_t)(now - n->up_since) : 0);
	json_uint(j, "hold_time", n->fsm.state >= BGP_FSM_OPENCONFIRM ? n->fsm.hold :
	    n->conf.hold_time);
	json_uint(j, "keepalive", n->fsm.keepalive);
	json_stringf(j, "peer_id", "%u.%u.%u.%u", n->peer_id >> 24, (n->peer_id >> 16) & 255,
	    (n->peer_id >> 8) & 255, n->peer_id & 255);
	json_object_open(j, "capabilities");
	json_bool(j, "as4", n->sess.as4);
	json_bool(j, "extended_message", n->sess.extmsg);
	json_bool(j, "route_refresh", n->peer_rr);
	json_bool(j, "add_path_rx_ipv4", (n->sess.addpath_rx & BGP_AP_IPV4_UNICAST) != 0);
	json_bool(j, "add_path_rx_ipv6", (n->sess.addpath_rx & BGP_AP_IPV6_UNICAST) != 0);
	json_bool(j, "graceful_restart", n->peer_gr && n->conf.graceful_restart);
	json_bool(j, "ipv4_unicast", (n->af_neg & SOURCE_AF_IPV4) != 0);
	json_bool(j, "ipv6_unicast", (n->af_neg & SOURCE_AF_IPV6) != 0);
	if (n->peer_has_role)
		json_uint(j, "peer_role", n->peer_role);
	else
		json_null(j, "peer_role");
	json_close(j);
	json_uint(j, "routes", source_routes(n->src));
	json_uint(j, "messages_in", n->msgs_in);
	json_uint(j, "messages_out", n->msgs_out);
	json_uint(j, "updates_in", n->updates_in);
	json_uint(j, "notifications_in", n->notif_in);
	json_uint(j, "notifications_out", n->notif_out);
	json_uint(j, "attr_discards", n->src->count.attr_discards);
	json_uint(j, "treat_as_withdraw", n->src->count.treat_as_withdraw);
	json_uint(j, "established_transitions", n->fsm.transitions);
	json_bool(j, "graceful_restart_active", n->gr_active);
	json_uint(j, "stale_routes", n->nstale);
	gr_afs_json(j, "peer_gr_families", n->peer_gr_afs);
	gr_afs_json(j, "peer_gr_forwarding", n->peer_gr_fwd);
	json_uint(j, "stale_pending", stale_pending(n));
	json_array_open(j, "notifications");
	for (size_t i = 0; i < NOTIF_KINDS && n->notifs[i].count > 0; i++) {
		const struct notif_count *c = &n->notifs[i];

		json_object_open(j, NULL);
		json_string(j, "direction", c->in ? "received" : "sent");
		json_uint(j, "code", c->code);
		json_uint(j, "subcode", c->subcode);
		json_stringf(j, "what", "%s: %s", bgp_notify_code_str(c->code),
		    bgp_notify_subcode_str(c->code, c->subcode));
		json_uint(j, "count", c->count);
		json_close(j);
	}
	json_close(j);
	json_string(j, "last_notification", n->last_notif);
	json_string(j, "last_error", n->src->last_error);
	json_close(j);
}

static int
cmd_neighbors(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json	*j = control_reply_json(r);
	struct nbr	*n;

	(void)arg;
	if (argc > 1)
		return control_reply_error(r, "usage: show neighbors [NAME]");
	if (argc == 1 && nbr_by_name(argv[0]) == NULL)
		return control_reply_error(r, "no neighbor %s", argv[0]);
	json_array_open(j, "neighbors");
	TAILQ_FOREACH(n, &nbrs, entry)
		if (argc == 0 || strcmp(n->conf.name, argv[0]) == 0)
			render_nbr(j, n);
	json_close(j);
	return 0;
}

/* ---- the module ------------------------------------------------------------ */

unsigned
bgp_session_count(void)
{
	struct nbr	*n;
	unsigned	 c = 0;

	TAILQ_FOREACH(n, &nbrs, entry)
		c++;
	return c;
}

unsigned
bgp_session_established(void)
{
	struct nbr	*n;
	unsigned	 c = 0;

	TAILQ_FOREACH(n, &nbrs, entry)
		c += n->fsm.state == BGP_FSM_ESTABLISHED;
	return c;
}

static int
mod_bind(const struct config *conf)
{
	const struct config_bgp	*bgp = &conf->sources.bgp;
	size_t			 i;

	if (!commands_done) {
		if (control_register("show neighbors", "[NAME]",
		    "the agent's BGP sessions: state, capabilities, counters",
		    cmd_neighbors, NULL) == -1)
			return -1;
		commands_done = 1;
	}
	for (i = 0; i < bgp->nlisten; i++)
		if (listen_one(&bgp->listen[i], bgp) == -1)
			return -1;
	return 0;
}

static int
mod_start(const struct config *conf)
{
	const struct config_bgp	*bgp = &conf->sources.bgp;
	struct nbr		*n;
	size_t			 i;

	if (bgp->nneighbors > 0 && source_init() == -1)
		return -1;
	if (!hooks_done && (source_subscribe_routes(gr_route, NULL) == -1 ||
	    source_subscribe_state(gr_state, NULL) == -1))
		return -1;
	hooks_done = 1;
	for (i = 0; i < bgp->nneighbors; i++) {
		if ((n = nbr_new(&bgp->neighbors[i])) == NULL)
			return -1;
		TAILQ_INSERT_TAIL(&nbrs, n, entry);
		nbr_start(n);
	}
	return 0;
}

/* Do two configurations of one neighbor differ in anything the session uses? */
static int
nbr_changed(const struct config_bgp_neighbor *a, const struct config_bgp_neighbor *b)
{
	struct config_bgp_neighbor	 x = *a, y = *b;

	if ((a->password == NULL) != (b->password == NULL) ||
	    (a->password && strcmp(a->password, b->password) != 0))
		return 1;
	x.name = y.name = NULL;
	x.password = y.password = NULL;
	x.line = y.line = 0;
	return memcmp(&x, &y, sizeof(x)) != 0;
}

/*
 * The listeners take the TCP-MD5 keys of the new configuration: a key that went
 * (neighbor removed, password dropped) is deleted, or the kernel would keep
 * dropping that peer's unsigned SYNs; a new or changed one is set, or signed SYNs
 * would be dropped. The list of refused keys is made again.
 */
static void
listeners_md5(const struct config_bgp *bgp, const struct config_bgp *old)
{
	const struct config_bgp_neighbor	*nb;
	size_t					 i, j, k;

	free(md5_fails);
	md5_fails = NULL;
	nmd5_fails = 0;
	for (i = 0; i < nlisteners; i++) {
		for (j = 0; old != NULL && j < old->nneighbors; j++) {
			nb = &old->neighbors[j];
			if (nb->password == NULL || nb->address.af != listeners[i].af)
				continue;
			for (k = 0; k < bgp->nneighbors; k++)
				if (bgp->neighbors[k].password != NULL &&
				    addr_eq(&bgp->neighbors[k].address, &nb->address))
					break;
			if (k == bgp->nneighbors)
				(void)md5_set(listeners[i].fd, &nb->address, NULL);
		}
		listener_keys(listeners[i].fd, listeners[i].af, bgp);
	}
}

static int
mod_reload(const struct config *conf, const struct config *old)
{
	const struct config_bgp	*bgp = &conf->sources.bgp;
	struct nbr		*n, *tmp;
	size_t			 i;
	int			 found;

	listeners_md5(bgp, old != NULL ? &old->sources.bgp : NULL);
	TAILQ_FOREACH_SAFE(n, &nbrs, entry, tmp) {
		for (found = 0, i = 0; i < bgp->nneighbors && !found; i++)
			found = strcmp(bgp->neighbors[i].name, n->conf.name) == 0;
		if (!found) {
			log_info("bgp %s: removed from the configuration", n->conf.name);
			nbr_stop(n, BGP_NOTIFY_CEASE_PEER_DECONF);
			TAILQ_REMOVE(&nbrs, n, entry);
			nbr_free(n);
		}
	}
	for (i = 0; i < bgp->nneighbors; i++) {
		if ((n = nbr_by_name(bgp->neighbors[i].name)) != NULL) {
			if (!nbr_changed(&n->conf, &bgp->neighbors[i]))
				continue;
			log_info("bgp %s: configuration changed, resetting", n->conf.name);
			nbr_stop(n, BGP_NOTIFY_CEASE_CONFIG);
			TAILQ_REMOVE(&nbrs, n, entry);
			nbr_free(n);
		}
		if ((n = nbr_new(&bgp->neighbors[i])) == NULL)
			return -1;
		TAILQ_INSERT_TAIL(&nbrs, n, entry);
		nbr_start(n);
	}
	return 0;
}

static void
mod_stop(void)
{
	struct nbr	*n;
	size_t		 i;

	while ((n = TAILQ_FIRST(&nbrs)) != NULL) {
		nbr_stop(n, BGP_NOTIFY_CEASE_SHUTDOWN);
		TAILQ_REMOVE(&nbrs, n, entry);
		nbr_free(n);
	}
	for (i = 0; i < nlisteners; i++) {
		loop_event_free(listeners[i].ev);
		close(listeners[i].fd);
	}
	free(listeners);
	listeners = NULL;
	nlisteners = 0;
	free(md5_fails);
	md5_fails = NULL;
	nmd5_fails = 0;
}

static void
mod_status(struct json *j)
{
	json_uint(j, "neighbors", bgp_session_count());
	json_uint(j, "established", bgp_session_established());
	json_uint(j, "listeners", nlisteners);
}

struct loop_module bgp_session_module = {
	.name = "bgp",
	.bind = mod_bind,
	.start = mod_start,
	.reload = mod_reload,
	.stop = mod_stop,
	.status = mod_status,
};
