/*
 * The SNMP module: an AgentX subagent (RFC 2741) serving IXWATCH-MIB and the
 * notification sender (RFC 3416 SNMPv2-Trap and InformRequest; SNMPv3 USM, RFC 3414,
 * with HMAC-SHA-96 or HMAC-SHA-256 (RFC 7860) and AES-128 (RFC 3826)).
 *
 * net-snmp runs on the daemon's loop: snmp_select_info2() gives its sockets (the
 * AgentX session and the trap sink sessions) and its next timeout; every socket gets
 * one persistent read event, and one timer runs snmp_timeout() and run_alarms()
 * (NETSNMP_DS_LIB_ALARM_DONT_USE_SIG: no SIGALRM). After every SNMP action the
 * events are built again from snmp_select_info2(). The AgentX ping alarm reconnects
 * to the master when snmpd restarts; the objects are registered again by net-snmp.
 *
 * Objects: one column-table driver answers GET and GETNEXT for every subtree
 * (general, counters, three tables): a table is a row finder (the smallest id >=
 * n, straight from the owners' id-ordered accessors) and a cell function; table
 * cells are {table 1 column id} with a single Unsigned32 index (source id, cache
 * number, alert id), scalar groups one row of {group n 0}. Notifications take
 * their varbinds from the same cell functions.
 *
 * This is the only file that includes net-snmp headers (they clash with ours).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/alert.h"
#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/control.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/source.h"
#include "bgp/rib.h"
#include "rtr/rtr_health.h"
#include "snmp/snmp.h"

static const char ixw_version[] = PACKAGE_VERSION;

/* net-snmp's config header defines these too */
#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/library/large_fd_set.h>

#define SNMP_APPNAME		"ixwatch"
#define SNMP_PING_INTERVAL	2	/* s between AgentX pings / reconnects */
#define SNMP_MAXFDS		32
#define SNMP_INFORM_QUEUE	256	/* unacknowledged informs per sink */
#define SNMP_MAXRTR		64
#define SNMP_STRMAX		255	/* SnmpAdminString */

enum subtree {
	ST_GENERAL = 1,
	ST_COUNTERS = 2,
	ST_SOURCES = 3,
	ST_RTR = 4,
	ST_ALERTS = 5,
};

/* Notifications: {ixwatchMIB 0 n}. */
enum notif {
	NOTIF_ALERT_RAISED = 1,
	NOTIF_ALERT_CLEARED = 2,
	NOTIF_SOURCE_UP = 3,
	NOTIF_SOURCE_DOWN = 4,
	NOTIF_RTR_STATE = 5,
};

struct sink {
	netsnmp_session		*ss;
	char			 name[128];
	int			 inform;
	uint32_t		 pending;
	/* a silent sink logs once per episode, not once per notification */
	int			 full_logged;
	uint32_t		 expired_run;	/* expiries since the last acknowledgement */
	time_t			 retry_open;	/* a failed open or discovery: not again before */
	/* the address to send to: conf->host, or what a host name resolved to
	 * (off the loop: net-snmp would resolve it right in snmp_open) */
	char			 addr[INET6_ADDRSTRLEN];
	struct loop_resolve	*res;		/* a lookup under way */
	int			 probe_logged;	/* the discovery failed, logged */
	const struct config_snmp_sink *conf;
};

struct fdev {
	int			 fd;
	struct loop_event	*ev;
};

/* One value for a varbind. */
struct val {
	u_char			 type;
	long			 l;
	struct counter64	 c64;
	size_t			 len;
	u_char			 buf[SNMP_STRMAX + 1];
};

static struct {
	int			 running;
	int			 subscribed;
	oid			 mib[16];	/* ixwatchMIB: enterprises PEN 1 */
	size_t			 miblen;
	char			*agentx;
	struct snmp_providers	 prov;
	struct loop_event	*timer;
	struct fdev		 fds[SNMP_MAXFDS];
	size_t			 nfds;
	struct sink		*sinks;
	size_t			 nsinks;
	struct snmp_counters	 cnt;
	time_t			 started;
	unsigned		 warned_connect;	/* reconnect failures logged */
	struct loop_event	*rtr_timer;
	long			 rtr_state[SNMP_MAXRTR];	/* last seen, MIB numbering */
	size_t			 nrtr;
	int			 closing;	/* sinks_close(): informs counted already */
	int			 sending;	/* in snmp_async_send: its failure is counted there */
	/* "snmp test-source" */
	struct source		*test_src;
} s;

static const oid sysuptime_oid[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid trapoid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static void	sync_events(void);

/* --- values --------------------------------------------------------------- */

static void
v_int(struct val *v, u_char type, long l)
{
	v->type = type;
	v->l = l;
}

/*
 * TimeTicks of secs seconds: hundredths, modulo 2^32 as the type wraps (RFC
 * 2578 §7.1.8). Wider, net-snmp logs a truncation at every use, and on 32-bit
 * builds secs * 100 in a long overflows after 248 days.
 */
static long
ticks_of(uint64_t secs)
{
	return (long)(u_long)((secs * 100) & 0xffffffffu);
}

static void
v_str(struct val *v, const char *str)
{
	size_t	 n = strlen(str);

	if (n > SNMP_STRMAX)
		n = SNMP_STRMAX;
	v->type = ASN_OCTET_STR;
	memcpy(v->buf, str, n);
	v->len = n;
}

static void
v_c64(struct val *v, uint64_t x)
{
	v->type = ASN_COUNTER64;
	v->c64.high = (u_long)(x >> 32);
	v->c64.low = (u_long)(x & 0xffffffffu);
}

/* InetAddress of af (PREFIX_AF_*: the same numbers as InetAddressType). */
static void
v_addr(struct val *v, uint8_t af, const uint8_t *addr)
{
	v->type = ASN_OCTET_STR;
	v->len = af == PREFIX_AF_IPV4 ? 4 : af == PREFIX_AF_IPV6 ? 16 : 0;
	memcpy(v->buf, addr, v->len);
}

static long
addr_type(uint8_t af)
{
	return af == PREFIX_AF_IPV4 || af == PREFIX_AF_IPV6 ? af : 0;
}

/* DateAndTime (SNMPv2-TC), 11 octets in UTC. */
static void
v_date(struct val *v, time_t t, unsigned deci)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	v->type = ASN_OCTET_STR;
	v->buf[0] = (u_char)((tm.tm_year + 1900) >> 8);
	v->buf[1] = (u_char)((tm.tm_year + 1900) & 0xff);
	v->buf[2] = (u_char)(tm.tm_mon + 1);
	v->buf[3] = (u_char)tm.tm_mday;
	v->buf[4] = (u_char)tm.tm_hour;
	v->buf[5] = (u_char)tm.tm_min;
	v->buf[6] = (u_char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	v->buf[7] = (u_char)deci;
	v->buf[8] = '+';
	v->buf[9] = 0;
	v->buf[10] = 0;
	v->len = 11;
}

static void
v_date_ms(struct val *v, uint64_t ms)
{
	v_date(v, (time_t)(ms / 1000), (unsigned)(ms % 1000 / 100));
}

static void
val_set(netsnmp_variable_list *vb, const struct val *v)
{
	switch (v->type) {
	case ASN_OCTET_STR:
		snmp_set_var_typed_value(vb, v->type, v->buf, v->len);
		break;
	case ASN_COUNTER64:
		snmp_set_var_typed_value(vb, v->type, &v->c64, sizeof(v->c64));
		break;
	default:
		snmp_set_var_typed_value(vb, v->type, &v->l, sizeof(v->l));
		break;
	}
}

/* --- state read through the providers ----------------------------------- */

static const struct alert_engine *
alerts(void)
{
	return s.prov.alerts != NULL ? s.prov.alerts() : NULL;
}

static void
daemon_info(struct snmp_daemon_info *di)
{
	memset(di, 0, sizeof(*di));
	di->version = ixw_version;
	di->started = di->config_loaded = s.started;
	if (s.prov.daemon != NULL)
		s.prov.daemon(di);
}

int
snmp_mib_rule(enum alert_rule r)
{
	switch (r) {
	case ALERT_RULE_NONE:			return 0;
	case ALERT_RULE_EXACT_PREFIX_HIJACK:	return 1;
	case ALERT_RULE_SUBPREFIX_HIJACK:	return 2;
	case ALERT_RULE_SQUATTING:		return 3;
	case ALERT_RULE_NEW_NEIGHBOR:		return 4;
	case ALERT_RULE_NEW_PREFIX:		return 5;
	case ALERT_RULE_VISIBILITY_LOSS:	return 6;
	case ALERT_RULE_PEERING_VISIBILITY_LOSS: return 7;
	case ALERT_RULE_RPKI_INVALID:		return 8;
	case ALERT_RULE_RPKI_NOT_FOUND:		return 9;
	case ALERT_RULE_RTR_HEALTH:		return 11;
	case ALERT_RULE_ROUTE_LEAK:		return 12;
	case ALERT_RULE_AS_PATH:		return 13;
	case ALERT_RULE_BOGON:			return 14;
	case ALERT_RULE_MOAS:			return 15;
	case ALERT_RULE_SOURCE_COMPARISON:	return 16;
	case ALERT_RULE_SESSION_HEALTH:		return 17;
	case ALERT_RULE_TEST:			return 18;
	}
	return 0;
}

/* --- cells: one function per table, (row, column) -> value ---------------- */

/*
 * A row of a table. Scalar groups have one row (id 0) and no data; the RTR cache
 * table's rows are copies, since the provider fills an array.
 */
struct row {
	uint32_t		 id;
	const void		*p;
	struct rtr_cache_status	 rtr;
};

static int
get_general(const struct row *r, unsigned n, struct val *v)
{
	struct snmp_daemon_info	 di;

	daemon_info(&di);
	switch (n) {
	case 1:	v_str(v, di.version ? di.version : ""); return 0;
	case 2:	v_int(v, ASN_TIMETICKS, ticks_of((uint64_t)(time(NULL) - di.started)));
		return 0;
	case 3:	v_date(v, di.config_loaded, 0); return 0;
	case 4:	v_int(v, ASN_COUNTER, (long)di.reloads); return 0;
	case 5:	v_int(v, ASN_COUNTER, (long)di.reload_failures); return 0;
	}
	return -1;
}

static int
get_counter(const struct row *r, unsigned n, struct val *v)
{
	struct snmp_daemon_counters	 c;

	memset(&c, 0, sizeof(c));
	if (s.prov.counters != NULL)
		s.prov.counters(&c);
	switch (n) {
	case 1:	v_c64(v, c.updates); return 0;
	case 2:	v_int(v, ASN_GAUGE, (long)c.routes); return 0;
	case 3:	v_int(v, ASN_GAUGE, (long)c.prefixes4); return 0;
	case 4:	v_int(v, ASN_GAUGE, (long)c.prefixes6); return 0;
	case 5:	v_int(v, ASN_GAUGE, (long)c.alerts_active); return 0;
	case 6:	v_int(v, ASN_COUNTER, (long)c.alerts_raised); return 0;
	case 7:	v_int(v, ASN_COUNTER, (long)c.alerts_cleared); return 0;
	case 8:	v_int(v, ASN_COUNTER, (long)c.alerts_suppressed); return 0;
	case 9:	v_int(v, ASN_GAUGE, (long)(s.prov.vrps ? s.prov.vrps() : 0)); return 0;
	case 10: v_int(v, ASN_COUNTER, (long)s.cnt.sent); return 0;
	case 11: v_int(v, ASN_COUNTER, (long)s.cnt.dropped); return 0;
	case 12: v_int(v, ASN_GAUGE, (long)c.syslog_queued); return 0;
	case 13: v_c64(v, c.syslog_dropped); return 0;
	}
	return -1;
}

static int
get_source(const struct row *r, unsigned col, struct val *v)
{
	const struct source	*src = r->p;
	time_t			 now = time(NULL);

	switch (col) {
	case 2:	v_int(v, ASN_INTEGER, src->type); return 0;
	case 3:	v_str(v, src->name); return 0;
	case 4:	v_int(v, ASN_INTEGER, src->rib_type); return 0;
	case 5:	v_int(v, ASN_INTEGER, addr_type(src->router_af)); return 0;
	case 6:	v_addr(v, src->router_af, src->router_addr); return 0;
	case 7:	v_int(v, ASN_INTEGER, addr_type(src->peer_af)); return 0;
	case 8:	v_addr(v, src->peer_af, src->peer_addr); return 0;
	case 9:	v_int(v, ASN_UNSIGNED, (long)src->peer_as); return 0;
	case 10: v_int(v, ASN_UNSIGNED, (long)src->peer_bgp_id); return 0;
	case 11: v_int(v, ASN_INTEGER, src->state); return 0;
	case 12:
		v_int(v, ASN_TIMETICKS, src->up_since != 0 && now > src->up_since ?
		    ticks_of((uint64_t)(now - src->up_since)) : 0);
		return 0;
	case 13: v_int(v, ASN_GAUGE, (long)source_routes(src)); return 0;
	case 14:
		v_int(v, ASN_INTEGER, (src->af_eor & src->af_expect) == src->af_expect ?
		    1 : 2);
		return 0;
	case 15: v_c64(v, src->count.announcements); return 0;
	case 16: v_c64(v, src->count.withdrawals); return 0;
	case 17: v_str(v, src->last_error); return 0;
	}
	return -1;
}

/* IXWATCH-MIB ixwatchRtrCacheState. */
static long
rtr_state(const struct rtr_cache_status *c, time_t now)
{
	if (c->synced && c->expire != 0 && c->last_update != 0 &&
	    now - c->last_update > (time_t)c->expire)
		return 5;	/* expired */
	switch (c->state) {
	case RTR_CACHE_IDLE:		return 1;
	case RTR_CACHE_CONNECTING:	return 2;
	case RTR_CACHE_SYNCING:		return 4;
	case RTR_CACHE_UP:		return 3;
	case RTR_CACHE_ERROR:		return 6;
	case RTR_CACHE_DOWN:		return 1;
	}
	return 1;
}

static int
get_rtr(const struct row *r, unsigned col, struct val *v)
{
	const struct rtr_cache_status	*c = &r->rtr;
	struct prefix			 p;
	char				 name[sizeof(c->host) + sizeof(c->port) + 2];
	int				 isaddr;

	memset(&p, 0, sizeof(p));
	isaddr = inet_pton(AF_INET, c->host, p.addr) == 1 ? PREFIX_AF_IPV4 :
	    inet_pton(AF_INET6, c->host, p.addr) == 1 ? PREFIX_AF_IPV6 : 0;
	switch (col) {
	case 2:
		snprintf(name, sizeof(name), "%s:%s", c->host, c->port);
		v_str(v, name);
		return 0;
	case 3:	v_int(v, ASN_INTEGER, isaddr ? isaddr : 16); return 0;	/* dns(16) */
	case 4:
		if (isaddr)
			v_addr(v, (uint8_t)isaddr, p.addr);
		else
			v_str(v, c->host);	/* a name: dns(16) */
		return 0;
	case 5:	v_int(v, ASN_UNSIGNED, strtol(c->port, NULL, 10)); return 0;
	case 6:	v_int(v, ASN_UNSIGNED, c->preference); return 0;
	case 7:	v_int(v, ASN_INTEGER, c->ssh ? 2 : 1); return 0;
	case 8:	v_int(v, ASN_INTEGER, rtr_state(c, time(NULL))); return 0;
	case 9:	v_int(v, ASN_UNSIGNED, (long)(c->session_id & 0xffff)); return 0;
	case 10: v_int(v, ASN_UNSIGNED, (long)c->serial); return 0;
	/* 11, 12 (per-family counts) are not defined: the caches count both together */
	case 13:
		if (c->last_update == 0)
			return -1;
		v_date(v, c->last_update, 0);
		return 0;
	case 14: v_int(v, ASN_UNSIGNED, c->refresh); return 0;
	case 15: v_int(v, ASN_UNSIGNED, c->retry); return 0;
	case 16: v_int(v, ASN_UNSIGNED, c->expire); return 0;
	case 17: v_int(v, ASN_GAUGE, (long)c->vrps); return 0;
	}
	return -1;
}

static int
get_alert(const struct row *r, unsigned col, struct val *v)
{
	const struct alert	*a = r->p;
	const struct prefix	*p = alert_shown_prefix(a);
	char			 key[ALERT_KEY_STRLEN];
	long			 sev = a->severity >= 1 && a->severity <= 5 ? a->severity : 3;

	switch (col) {
	case 2:	v_str(v, alert_key_fmt(&a->key, key, sizeof(key))); return 0;
	case 3:	v_int(v, ASN_INTEGER, snmp_mib_rule(a->key.rule)); return 0;
	case 4:	v_int(v, ASN_INTEGER, sev); return 0;
	case 5:	v_int(v, ASN_INTEGER, alert_lifecycle(a)); return 0;
	case 6:	v_int(v, ASN_INTEGER, addr_type(p->af)); return 0;
	case 7:	v_addr(v, p->af, p->addr); return 0;
	case 8:	v_int(v, ASN_UNSIGNED, p->af ? p->len : 0); return 0;
	case 9:	v_int(v, ASN_UNSIGNED, (long)a->key.offender); return 0;
	case 10: v_date_ms(v, a->first_seen); return 0;
	case 11: v_date_ms(v, a->last_seen); return 0;
	case 12: v_int(v, ASN_UNSIGNED, (long)a->nsources); return 0;
	case 13: v_int(v, ASN_UNSIGNED, (long)a->routes); return 0;
	case 14: v_str(v, a->as_path); return 0;
	case 15: v_str(v, a->matched); return 0;
	case 16: v_str(v, a->description); return 0;
	}
	return -1;
}

/* --- rows in id order: the smallest id >= min, 0 when there is none ------- */

static int
row_scalar(uint64_t min, struct row *r)
{
	r->id = 0;
	r->p = NULL;
	return min == 0;
}

static int
row_source(uint64_t min, struct row *r)
{
	const struct source	*src;

	if (min > UINT32_MAX || (src = source_from((uint32_t)min)) == NULL)
		return 0;
	r->id = src->id;
	r->p = src;
	return 1;
}

static int
row_rtr(uint64_t min, struct row *r)
{
	static struct rtr_cache_status	 st[SNMP_MAXRTR];
	size_t				 n;

	if (s.prov.rtr_caches == NULL || min > SNMP_MAXRTR)
		return 0;
	n = s.prov.rtr_caches(st, SNMP_MAXRTR);
	if (n > SNMP_MAXRTR)
		n = SNMP_MAXRTR;
	if (min == 0)
		min = 1;
	if (min > n)
		return 0;
	r->id = (uint32_t)min;
	r->rtr = st[min - 1];
	r->p = &r->rtr;
	return 1;
}

static int
row_alert(uint64_t min, struct row *r)
{
	const struct alert_engine	*e;
	const struct alert		*a;

	if (min > UINT32_MAX || (e = alerts()) == NULL)
		return 0;
	if ((a = alert_find_next_id(e, min == 0 ? 0 : (uint32_t)(min - 1))) == NULL)
		return 0;
	r->id = a->id;
	r->p = a;
	return 1;
}

/* --- the column-table driver ----------------------------------------------- */

/*
 * Every subtree of ixwatchObjects is a column table: instances are
 * {subtree entry col id} with one Unsigned32 index (entry = 1), or, for scalar
 * groups, {subtree n 0}: one row with id 0 whose "columns" are the scalars and no
 * entry arc. GET and GETNEXT work on this shape alone.
 */
struct table {
	const char	*name;
	enum subtree	 st;
	int		 scalar;
	unsigned	 first, last;	/* readable columns */
	int		 (*row)(uint64_t min, struct row *);
	int		 (*cell)(const struct row *, unsigned col, struct val *);
};

static const struct table tables[] = {
	{ "ixwatchGeneral", ST_GENERAL, 1, 1, 5, row_scalar, get_general },
	{ "ixwatchCounters", ST_COUNTERS, 1, 1, 13, row_scalar, get_counter },
	{ "ixwatchSourceTable", ST_SOURCES, 0, 2, 17, row_source, get_source },
	{ "ixwatchRtrCacheTable", ST_RTR, 0, 2, 17, row_rtr, get_rtr },
	{ "ixwatchAlertTable", ST_ALERTS, 0, 2, 16, row_alert, get_alert },
};

/* The OID of column col (without the row id) below base; returns its length. */
static size_t
col_oid(const struct table *t, const oid *base, size_t blen, unsigned col, oid *out)
{
	memcpy(out, base, blen * sizeof(oid));
	if (!t->scalar)
		out[blen++] = 1;
	out[blen++] = col;
	return blen;
}

/* GET: the exact instance, or -1. */
static int
do_get(const struct table *t, const oid *base, size_t blen, const oid *req, size_t rlen,
    struct val *v)
{
	struct row	 r;
	oid		 c[MAX_OID_LEN];
	size_t		 clen;
	unsigned	 col;

	if (rlen <= blen || netsnmp_oid_equals(req, blen, base, blen) != 0)
		return -1;
	col = (unsigned)req[t->scalar ? blen : blen + 1];
	if (col < t->first || col > t->last)
		return -1;
	clen = col_oid(t, base, blen, col, c);
	if (rlen != clen + 1 || netsnmp_oid_equals(req, clen, c, clen) != 0)
		return -1;
	if (!t->row(req[clen], &r) || r.id != req[clen])
		return -1;
	return t->cell(&r, col, v);
}

/* GETNEXT: the first instance after req inside the subtree; fills out/outlen. */
static int
do_next(const struct table *t, const oid *base, size_t blen, const oid *req,
    size_t rlen, oid *out, size_t *outlen, struct val *v)
{
	struct row	 r;
	uint64_t	 min;
	size_t		 clen;
	unsigned	 col;

	for (col = t->first; col <= t->last; col++) {
		clen = col_oid(t, base, blen, col, out);
		if (rlen > clen && netsnmp_oid_equals(req, clen, out, clen) == 0) {
			if (req[clen] >= UINT32_MAX)
				continue;		/* no row id after it */
			min = (uint64_t)req[clen] + 1;	/* after req's row */
		} else if (snmp_oid_compare(out, clen, req, rlen) >= 0)
			min = 0;			/* the whole column is after req */
		else
			continue;
		for (; t->row(min, &r); min = (uint64_t)r.id + 1) {
			if (t->cell(&r, col, v) == 0) {
				out[clen] = r.id;
				*outlen = clen + 1;
				return 0;
			}
		}
	}
	return -1;
}

/* --- the request handler ------------------------------------------------- */

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct table	*t = h->myvoid;
	netsnmp_request_info	*rq;
	netsnmp_variable_list	*vb;
	struct val		 v;
	oid			 out[MAX_OID_LEN];
	size_t			 outlen;

	for (rq = requests; rq != NULL; rq = rq->next) {
		if (rq->processed)
			continue;
		vb = rq->requestvb;
		memset(&v, 0, sizeof(v));
		switch (reqinfo->mode) {
		case MODE_GET:
			if (do_get(t, reg->rootoid, reg->rootoid_len, vb->name,
			    vb->name_length, &v) == 0)
				val_set(vb, &v);
			else
				netsnmp_set_request_error(reqinfo, rq, SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			if (do_next(t, reg->rootoid, reg->rootoid_len, vb->name,
			    vb->name_length, out, &outlen, &v) == 0) {
				snmp_set_var_objid(vb, out, outlen);
				val_set(vb, &v);
			}
			/* else left unanswered: the agent goes on to the next subtree */
			break;
		default:
			netsnmp_set_request_error(reqinfo, rq, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int
register_table(const struct table *t)
{
	netsnmp_handler_registration	*reg;
	oid				 o[MAX_OID_LEN];

	memcpy(o, s.mib, s.miblen * sizeof(oid));
	o[s.miblen] = 1;	/* ixwatchObjects */
	o[s.miblen + 1] = (oid)t->st;
	reg = netsnmp_create_handler_registration(t->name, handler, o, s.miblen + 2,
	    HANDLER_CAN_RONLY);
	if (reg == NULL)
		return -1;
	reg->handler->myvoid = (void *)(uintptr_t)t;
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		log_warnx("snmp: cannot register %s", t->name);
		return -1;
	}
	return 0;
}

/* --- net-snmp on the loop ----------------------------------------------- */

static void
on_read(int fd, short what, void *arg)
{
	netsnmp_large_fd_set	 set;

	netsnmp_large_fd_set_init(&set, fd + 1);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	netsnmp_check_outstanding_agent_requests();
	sync_events();
}

static void
on_timer(int fd, short what, void *arg)
{
	snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	sync_events();
}

/*
 * Rebuilds the fd events from scratch each time: net-snmp may close a socket and
 * open another with the same number inside one call (AgentX reconnect), and an
 * event kept across that would watch a descriptor the kernel no longer has.
 */
static void
sync_events(void)
{
	netsnmp_large_fd_set	 set;
	struct timeval		 tv;
	int			 nfds = 0, block = 1, fd;
	size_t			 i;
	unsigned long		 ms;

	if (!s.running)
		return;
	for (i = 0; i < s.nfds; i++)
		loop_event_free(s.fds[i].ev);
	s.nfds = 0;
	timerclear(&tv);
	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	snmp_select_info2(&nfds, &set, &tv, &block);
	for (fd = 0; fd < nfds; fd++) {
		if (!NETSNMP_LARGE_FD_ISSET(fd, &set))
			continue;
		if (s.nfds == SNMP_MAXFDS) {
			log_warnx("snmp: more than %d sockets", SNMP_MAXFDS);
			break;
		}
		s.fds[s.nfds].fd = fd;
		s.fds[s.nfds].ev = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, on_read, NULL);
		if (s.fds[s.nfds].ev == NULL || loop_event_add(s.fds[s.nfds].ev, NULL) == -1) {
			loop_event_free(s.fds[s.nfds].ev);
			log_warnx("snmp: cannot watch socket %d", fd);
			continue;
		}
		s.nfds++;
	}
	netsnmp_large_fd_set_cleanup(&set);
	loop_event_del(s.timer);
	if (!block) {
		ms = (unsigned long)tv.tv_sec * 1000 + (unsigned long)(tv.tv_usec + 999) / 1000;
		loop_timer_add(s.timer, ms);
	} else
		loop_timer_add(s.timer, 1000);	/* alarms only: look again soon */
}

static int
on_log(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message	*m = serverarg;
	char				 buf[512];
	size_t				 n;

	snprintf(buf, sizeof(buf), "%s", m->msg ? m->msg : "");
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	/* the reconnect attempts repeat every ping interval: say it once */
	if (strstr(buf, "Failed to connect to the agentx master") != NULL) {
		if (s.warned_connect++ > 0) {
			log_debug(LOG_SUB_SNMP, "%s", buf);
			return 0;
		}
	}
	if (m->priority <= LOG_WARNING)
		log_warnx("snmp: %s", buf);
	else if (m->priority <= LOG_NOTICE)
		log_info("snmp: %s", buf);
	else
		log_debug(LOG_SUB_SNMP, "%s", buf);
	return 0;
}

static int
on_index_start(int major, int minor, void *serverarg, void *clientarg)
{
	s.cnt.agentx_connected = 1;
	s.cnt.agentx_connects++;
	s.warned_connect = 0;
	log_info("snmp: AgentX session to the master is up");
	return 0;
}

static int
on_index_stop(int major, int minor, void *serverarg, void *clientarg)
{
	if (s.cnt.agentx_connected)
		log_info("snmp: AgentX session to the master is down");
	s.cnt.agentx_connected = 0;
	return 0;
}

/* --- notifications --------------------------------------------------------- */

static void
sinks_close(void)
{
	size_t	 i;

	/* informs still waiting for an answer are lost with their session */
	s.closing = 1;
	for (i = 0; i < s.nsinks; i++) {
		loop_resolve_cancel(s.sinks[i].res);
		s.cnt.dropped += s.sinks[i].pending;
		s.cnt.informs_pending -= s.sinks[i].pending < s.cnt.informs_pending ?
		    s.sinks[i].pending : s.cnt.informs_pending;
		if (s.sinks[i].ss != NULL)
			snmp_close(s.sinks[i].ss);
	}
	s.closing = 0;
	free(s.sinks);
	s.sinks = NULL;
	s.nsinks = 0;
}

static int
set_key(oid *proto, size_t protolen, const char *pass, u_char *key, size_t *keylen)
{
	if (generate_Ku(proto, (u_int)protolen, (const u_char *)pass, strlen(pass), key,
	    keylen) != SNMPERR_SUCCESS)
		return -1;
	return 0;
}

/*
 * Opens the session of one sink, lazily (again SINK_REOPEN_S after a failure).
 * A v3 trap is sent with our own engine id as the authoritative one (RFC 3414
 * §1.5.1), the receiver knowing our user under it; a v3 inform session discovers
 * the receiver's engine id with its first send (sink_send).
 */
#define SINK_PROBE_S	1
#define SINK_REOPEN_S	30

static int	sink_open(struct sink *);

static void
on_sink_resolved(int err, const struct sockaddr *sa, socklen_t salen, void *arg)
{
	struct sink	*k = arg;
	const void	*a;

	k->res = NULL;
	a = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	if (err != 0 || salen == 0 ||
	    inet_ntop(sa->sa_family, a, k->addr, sizeof(k->addr)) == NULL) {
		k->addr[0] = '\0';
		k->retry_open = time(NULL) + SINK_REOPEN_S;
		log_warnx("snmp: trap sink %s: cannot resolve %s: %s; next try in %us",
		    k->name, k->conf->host, err != 0 ? gai_strerror(err) : "no address",
		    SINK_REOPEN_S);
		return;
	}
	log_debug(LOG_SUB_SNMP, "trap sink %s: %s is %s", k->name, k->conf->host, k->addr);
	sink_open(k);
}

/* The sink's address, numeric: 0, or -1 while (or since) a host name is looked up. */
static int
sink_addr(struct sink *k)
{
	const struct config_snmp_sink	*c = k->conf;
	uint8_t				 buf[16];
	char				 port[8];

	if (k->addr[0] != '\0')
		return 0;
	if (inet_pton(AF_INET, c->host, buf) == 1 || inet_pton(AF_INET6, c->host, buf) == 1) {
		snprintf(k->addr, sizeof(k->addr), "%s", c->host);
		return 0;
	}
	if (k->res == NULL && time(NULL) >= k->retry_open) {
		snprintf(port, sizeof(port), "%u", c->port);
		k->res = loop_resolve(c->host, port, SOCK_DGRAM, on_sink_resolved, k);
	}
	return -1;
}

static int
sink_open(struct sink *k)
{
	const struct config_snmp_sink	*c = k->conf;
	netsnmp_session			 sess;
	char				 peer[300];
	u_char				 eid[32];
	size_t				 elen;
	time_t				 now = time(NULL);

	if (k->ss != NULL)
		return 0;
	if (now < k->retry_open || sink_addr(k) == -1)
		return -1;
	snmp_sess_init(&sess);
	snprintf(peer, sizeof(peer), strchr(k->addr, ':') ? "udp6:[%s]:%u" : "udp:%s:%u",
	    k->addr, c->port);
	sess.peername = peer;
	sess.retries = (int)c->retries;
	sess.timeout = (long)c->timeout * 1000000L;
	if (c->version == CONFIG_SNMP_V2C) {
		sess.version = SNMP_VERSION_2c;
		sess.community = (u_char *)c->community;
		sess.community_len = strlen(c->community);
	} else {
		sess.version = SNMP_VERSION_3;
		if (!k->inform && (elen = snmpv3_get_engineID(eid, sizeof(eid))) > 0) {
			struct usmUser *u = usm_get_user(eid, elen, c->user);

			/* net-snmp keeps one key set per (engine id, user) and fills it
			 * only when empty: a changed passphrase (reload) would go on
			 * signing with the old key. The config refuses two v3 trap
			 * sinks of one user with different keys. */
			if (u != NULL) {
				usm_remove_user(u);	/* it is in the list: found there */
				usm_free_user(u);
			}
			sess.securityEngineID = eid;
			sess.securityEngineIDLen = elen;
			sess.contextEngineID = eid;
			sess.contextEngineIDLen = elen;
			sess.engineBoots = snmpv3_local_snmpEngineBoots();
			sess.engineTime = snmpv3_local_snmpEngineTime();
		}
		sess.securityName = c->user;
		sess.securityNameLen = strlen(c->user);
		sess.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		if (c->auth != CONFIG_SNMP_AUTH_NONE) {
			sess.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
			sess.securityAuthProto = c->auth == CONFIG_SNMP_AUTH_SHA256 ?
			    usmHMAC192SHA256AuthProtocol : usmHMACSHA1AuthProtocol;
			sess.securityAuthProtoLen = USM_AUTH_PROTO_SHA_LEN;
			sess.securityAuthKeyLen = USM_AUTH_KU_LEN;
			if (set_key(sess.securityAuthProto, sess.securityAuthProtoLen,
			    c->auth_passphrase, sess.securityAuthKey,
			    &sess.securityAuthKeyLen) == -1)
				goto keyfail;
		}
		if (c->priv == CONFIG_SNMP_PRIV_AES) {
			sess.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
			sess.securityPrivProto = usmAESPrivProtocol;
			sess.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
			sess.securityPrivKeyLen = USM_PRIV_KU_LEN;
			if (set_key(sess.securityAuthProto, sess.securityAuthProtoLen,
			    c->priv_passphrase, sess.securityPrivKey,
			    &sess.securityPrivKeyLen) == -1)
				goto keyfail;
		}
	}
	if ((k->ss = snmp_open(&sess)) == NULL) {
		k->retry_open = now + SINK_REOPEN_S;
		log_warnx("snmp: trap sink %s: cannot open the session; next try in %us",
		    k->name, SINK_REOPEN_S);
		return -1;
	}
	return 0;
keyfail:
	log_warnx("snmp: trap sink %s: cannot derive the USM keys", k->name);
	return -1;
}

static int
sinks_open(const struct config_snmp *cs)
{
	size_t	 i;

	sinks_close();
	if (cs->nsinks == 0)
		return 0;
	if ((s.sinks = calloc(cs->nsinks, sizeof(*s.sinks))) == NULL) {
		log_warn("snmp: sinks");
		return -1;
	}
	s.nsinks = cs->nsinks;
	for (i = 0; i < cs->nsinks; i++) {
		s.sinks[i].conf = &cs->sinks[i];
		s.sinks[i].inform = cs->sinks[i].inform;
		snprintf(s.sinks[i].name, sizeof(s.sinks[i].name), "%s:%u (v%s %s)",
		    cs->sinks[i].host, cs->sinks[i].port,
		    cs->sinks[i].version == CONFIG_SNMP_V3 ? "3" : "2c",
		    cs->sinks[i].inform ? "inform" : "trap");
		sink_open(&s.sinks[i]);
	}
	return 0;
}

static int
on_inform(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct sink	*k = magic;

	/*
	 * A retransmission (RESEND, once per retry) or a connection event is no
	 * outcome: only an answer or the final failure ends the inform.
	 * sinks_close() counted the ones it ends; k is live otherwise.
	 */
	if (op == NETSNMP_CALLBACK_OP_RESEND || op == NETSNMP_CALLBACK_OP_CONNECT ||
	    s.closing || s.sending)
		return 1;
	if (k->pending > 0)
		k->pending--;
	if (k->pending < SNMP_INFORM_QUEUE / 2)
		k->full_logged = 0;
	if (s.cnt.informs_pending > 0)
		s.cnt.informs_pending--;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) {
		s.cnt.sent++;
		if (k->expired_run > 1)
			log_info("snmp: trap sink %s answers again (%u informs expired)",
			    k->name, k->expired_run);
		k->expired_run = 0;
		log_debug(LOG_SUB_SNMP, "inform %d acknowledged", reqid);
	} else {
		s.cnt.dropped++;
		if (k->expired_run++ == 0)
			log_warnx("snmp: trap sink %s: inform %d expired unacknowledged",
			    k->name, reqid);
		else
			log_debug(LOG_SUB_SNMP, "inform %d expired", reqid);
	}
	return 1;
}

/*
 * Sends an inform. A v3 session without the receiver's engine id yet discovers
 * it first: net-snmp waits for the answer right there, holding the event loop
 * for timeout x (retries + 1). The discovery gets one try of at most
 * SINK_PROBE_S, and a receiver that does not answer it is not asked again for
 * SINK_REOPEN_S (the informs meanwhile are dropped, counted). 0 on failure.
 */
static int
inform_send(struct sink *k, netsnmp_pdu *pdu)
{
	netsnmp_session	*ss = k->ss;
	time_t		 now = time(NULL);
	int		 probe = ss->version == SNMP_VERSION_3 && ss->securityEngineIDLen == 0,
			 rc;

	if (probe) {
		if (now < k->retry_open)
			return 0;
		ss->retries = 0;
		if (ss->timeout > SINK_PROBE_S * 1000000L)
			ss->timeout = SINK_PROBE_S * 1000000L;
	}
	rc = snmp_async_send(ss, pdu, on_inform, k);
	if (!probe)
		return rc;
	ss->retries = (int)k->conf->retries;
	ss->timeout = (long)k->conf->timeout * 1000000L;
	if (ss->securityEngineIDLen == 0) {
		k->retry_open = now + SINK_REOPEN_S;
		if (!k->probe_logged)
			log_warnx("snmp: trap sink %s: no answer to the engine id discovery; "
			    "informs to it are dropped, tried again every %us", k->name,
			    SINK_REOPEN_S);
		k->probe_logged = 1;
	} else if (k->probe_logged) {
		log_info("snmp: trap sink %s answers the engine id discovery again", k->name);
		k->probe_logged = 0;
	}
	return rc;
}

static void
send_sink(struct sink *k, netsnmp_variable_list *vars, long ticks)
{
	netsnmp_variable_list	*v;
	netsnmp_pdu		*pdu;
	int			 rc;

	if (k->inform && k->pending >= SNMP_INFORM_QUEUE) {
		s.cnt.dropped++;
		if (!k->full_logged)
			log_warnx("snmp: trap sink %s: %u informs unacknowledged, dropping "
			    "new ones", k->name, k->pending);
		k->full_logged = 1;
		return;
	}
	if (sink_open(k) == -1) {
		s.cnt.dropped++;
		return;
	}
	pdu = snmp_pdu_create(k->inform ? SNMP_MSG_INFORM : SNMP_MSG_TRAP2);
	if (pdu == NULL) {
		s.cnt.dropped++;
		return;
	}
	snmp_pdu_add_variable(pdu, sysuptime_oid, OID_LENGTH(sysuptime_oid), ASN_TIMETICKS,
	    &ticks, sizeof(ticks));
	for (v = vars; v != NULL; v = v->next_variable)
		snmp_pdu_add_variable(pdu, v->name, v->name_length, v->type, v->val.string,
		    v->val_len);
	if (k->inform) {
		/* a send that fails calls on_inform too, before returning 0 */
		s.sending = 1;
		rc = inform_send(k, pdu);
		s.sending = 0;
		if (rc == 0)
			goto fail;
		k->pending++;
		s.cnt.informs_pending++;
	} else {
		if (snmp_send(k->ss, pdu) == 0)
			goto fail;
		s.cnt.sent++;
	}
	return;
fail:
	if (!k->probe_logged)	/* else said once for the episode */
		log_warnx("snmp: trap sink %s: %s", k->name,
		    snmp_api_errstring(k->ss->s_snmp_errno));
	snmp_free_pdu(pdu);
	s.cnt.dropped++;
}

/* vars starts with snmpTrapOID.0; it is freed here. */
static void
send_notification(netsnmp_variable_list *vars)
{
	struct snmp_daemon_info	 di;
	size_t			 i;
	long			 ticks;

	daemon_info(&di);
	ticks = ticks_of((uint64_t)(time(NULL) - di.started));
	if (s.nsinks == 0) {
		if (s.cnt.agentx_connected) {
			send_v2trap(vars);
			s.cnt.sent++;
		} else
			s.cnt.dropped++;
	}
	for (i = 0; i < s.nsinks; i++)
		send_sink(&s.sinks[i], vars, ticks);
	snmp_free_varbind(vars);
	sync_events();
}

/* Adds column col of row r of table t as a varbind. */
static void
add_col(netsnmp_variable_list **vars, const struct table *t, unsigned col,
    const struct row *r)
{
	oid		 base[MAX_OID_LEN], o[MAX_OID_LEN];
	struct val	 v;
	size_t		 olen;

	memset(&v, 0, sizeof(v));
	if (t->cell(r, col, &v) == -1)
		return;
	memcpy(base, s.mib, s.miblen * sizeof(oid));
	base[s.miblen] = 1;
	base[s.miblen + 1] = (oid)t->st;
	olen = col_oid(t, base, s.miblen + 2, col, o);
	o[olen++] = r->id;
	switch (v.type) {
	case ASN_OCTET_STR:
		snmp_varlist_add_variable(vars, o, olen, v.type, v.buf, v.len);
		break;
	case ASN_COUNTER64:
		snmp_varlist_add_variable(vars, o, olen, v.type, &v.c64, sizeof(v.c64));
		break;
	default:
		snmp_varlist_add_variable(vars, o, olen, v.type, &v.l, sizeof(v.l));
		break;
	}
}

/*
 * Sends notification n with the given columns of one row, in the order of the
 * notification's OBJECTS clause in IXWATCH-MIB.
 */
static void
notify(enum notif n, enum subtree st, const struct row *r, const unsigned *cols,
    size_t ncols)
{
	netsnmp_variable_list	*vars = NULL;
	const struct table	*t = &tables[st - 1];
	oid			 o[MAX_OID_LEN];
	size_t			 i;

	memcpy(o, s.mib, s.miblen * sizeof(oid));
	o[s.miblen] = 0;
	o[s.miblen + 1] = n;
	snmp_varlist_add_variable(&vars, trapoid_oid, OID_LENGTH(trapoid_oid),
	    ASN_OBJECT_ID, o, (s.miblen + 2) * sizeof(oid));
	for (i = 0; i < ncols; i++)
		add_col(&vars, t, cols[i], r);
	send_notification(vars);
}

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

void
snmp_notify_alert(const struct alert *a, enum alert_transition tr)
{
	static const unsigned	 raised[] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16 };
	static const unsigned	 cleared[] = { 2, 3, 4, 5, 6, 7, 8, 9, 11, 16 };
	struct row		 r;

	if (!s.running || a == NULL || tr == ALERT_TR_SUPPRESSED)
		return;
	memset(&r, 0, sizeof(r));
	r.id = a->id;
	r.p = a;
	if (tr == ALERT_TR_CLEARED)
		notify(NOTIF_ALERT_CLEARED, ST_ALERTS, &r, cleared, NITEMS(cleared));
	else
		notify(NOTIF_ALERT_RAISED, ST_ALERTS, &r, raised, NITEMS(raised));
}

static void
on_source_state(const struct source *src, enum source_state old, void *arg)
{
	static const unsigned	 up[] = { 2, 3, 7, 8, 9, 11 };
	static const unsigned	 down[] = { 2, 3, 7, 8, 9, 11, 17 };
	struct row		 r;
	int			 was_up, is_up;

	/*
	 * Up and down alternate: a source that leaves up for connecting (a BMP
	 * router gone within its grace, its peers waiting) is down too, its state
	 * varbind says which; it comes back up from there or goes for good.
	 */
	was_up = old == SOURCE_SYNCING || old == SOURCE_UP;
	is_up = src->state == SOURCE_SYNCING || src->state == SOURCE_UP;
	if (!s.running || was_up == is_up)
		return;
	memset(&r, 0, sizeof(r));
	r.id = src->id;
	r.p = src;
	if (is_up)
		notify(NOTIF_SOURCE_UP, ST_SOURCES, &r, up, NITEMS(up));
	else
		notify(NOTIF_SOURCE_DOWN, ST_SOURCES, &r, down, NITEMS(down));
}

/*
 * ixwatchRtrCacheStateChange for every cache whose MIB state changed since the
 * last look. The first look only records (start-up is not a change); a cache
 * list that changes length (reload) starts the record again.
 */
void
snmp_notify_rtr(void)
{
	static const unsigned	 cols[] = { 2, 8, 10, 17 };
	struct rtr_cache_status	 st[SNMP_MAXRTR];
	struct row		 r;
	time_t			 now = time(NULL);
	size_t			 i, n;
	long			 state;

	if (!s.running || s.prov.rtr_caches == NULL)
		return;
	n = s.prov.rtr_caches(st, SNMP_MAXRTR);
	if (n > SNMP_MAXRTR)
		n = SNMP_MAXRTR;
	if (n != s.nrtr) {
		for (i = 0; i < n; i++)
			s.rtr_state[i] = rtr_state(&st[i], now);
		s.nrtr = n;
		return;
	}
	for (i = 0; i < n; i++) {
		if ((state = rtr_state(&st[i], now)) == s.rtr_state[i])
			continue;
		s.rtr_state[i] = state;
		memset(&r, 0, sizeof(r));
		r.id = (uint32_t)(i + 1);
		r.rtr = st[i];
		r.p = &r.rtr;
		notify(NOTIF_RTR_STATE, ST_RTR, &r, cols, NITEMS(cols));
	}
}

static void
on_rtr_poll(int fd, short what, void *arg)
{
	snmp_notify_rtr();
	loop_timer_add(s.rtr_timer, 1000);
}

/* --- test hook (ixwatchctl snmp test-source) ------------------------------ */

/* A synthetic BGP source (peer 192.0.2.1 AS64496) set up or down. */
static int
cmd_test_source(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	static const uint8_t	 peer[4] = { 192, 0, 2, 1 };

	if (argc != 1 || (strcmp(argv[0], "up") != 0 && strcmp(argv[0], "down") != 0))
		return control_reply_error(r, "usage: snmp test-source up|down");
	if (s.test_src == NULL) {
		if ((s.test_src = source_new(SOURCE_BGP, "snmp-test", NULL)) == NULL)
			return control_reply_error(r, "cannot create the source");
		s.test_src->peer_af = PREFIX_AF_IPV4;
		memcpy(s.test_src->peer_addr, peer, sizeof(peer));
		s.test_src->peer_as = 64496;
		s.test_src->peer_bgp_id = 0xc0000201;
	}
	if (strcmp(argv[0], "up") == 0)
		source_set_state(s.test_src, SOURCE_UP, NULL);
	else
		source_set_state(s.test_src, SOURCE_DOWN, "test: administratively down");
	json_uint(control_reply_json(r), "id", s.test_src->id);
	json_string(control_reply_json(r), "state", source_state_str(s.test_src->state));
	return 0;
}

/* --- the module ------------------------------------------------------------ */

/*
 * OpenSSL, when net-snmp was built with it, is initialised by net-snmp's first use
 * of it (init_snmp(): a random number for the USM salts) with OpenSSL's defaults:
 * every libcrypto error string loaded into a hash table, and openssl.cnf read. The
 * daemon prints no OpenSSL error text and takes no OpenSSL settings (net-snmp's
 * TLS/DTLS transports are never opened): initialising it first without both leaves
 * 0.6 MB out of idle RSS (issue 9). ixwatchd does not link libcrypto itself: the
 * function is looked up in what is loaded, and builds whose net-snmp has its own
 * crypto find none. Both flags have these values since OpenSSL 1.1.0; LibreSSL
 * takes NO_LOAD_CONFIG and ignores the other.
 */
#define OSSL_INIT_NO_LOAD_CRYPTO_STRINGS	0x00000001UL
#define OSSL_INIT_NO_LOAD_CONFIG		0x00000080UL

static void
openssl_init_lean(void)
{
	int	(*init)(uint64_t, const void *);
	void	*sym;

	if ((sym = dlsym(RTLD_DEFAULT, "OPENSSL_init_crypto")) == NULL)
		return;
	memcpy(&init, &sym, sizeof(init));
	if (init(OSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		log_warnx("snmp: OpenSSL initialisation failed");
}

/*
 * snmpEngineBoots for this start: the seconds since 2020-01-01, or one more than
 * the last start's (kept in dir) when that is more: a router without a real-time
 * clock starts before NTP set the time, and a lower value than the last run's
 * would put its traps outside the receivers' time window.
 */
static long
engine_boots(const char *dir)
{
	char	 path[1024], tmp[1040];
	long	 boots = (long)(time(NULL) - 1577836800), stored = 0;
	FILE	*f;

	if (dir == NULL || snprintf(path, sizeof(path), "%s/snmp-engine-boots", dir) >=
	    (int)sizeof(path))
		return boots < 1 ? 1 : boots;
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &stored) != 1 || stored < 0)
			stored = 0;
		fclose(f);
	}
	if (boots <= stored)
		boots = stored + 1;
	if (boots < 1)
		boots = 1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL || fprintf(f, "%ld\n", boots) < 0 ||
	    fclose(f) != 0 || rename(tmp, path) == -1)
		log_debug(LOG_SUB_SNMP, "cannot keep snmpEngineBoots in %s", path);
	return boots;
}

/*
 * The SNMPv3 engine v3 traps come from (receivers know our user under its id,
 * e.g. snmptrapd's "createUser -e ID"): the configured engine-id, else one that
 * stays across restarts, RFC 3411 format 4 (text): the enterprise number, then
 * "ixwatch@" and the host name. snmpEngineBoots grows at every start as
 * receivers require (RFC 3414 §3.2 step 7: a restart with lower boots is
 * outside the time window): see engine_boots.
 */
static void
engine_setup(const struct config_snmp *cs, const char *state_dir)
{
	u_char		 id[32];
	char		 host[64], text[28], hex[2 * sizeof(id) + 1] = "";
	const char	*h = cs->engine_id;
	size_t		 n = 0;
	long		 boots = engine_boots(state_dir);
	unsigned	 b;

	if (h != NULL) {
		if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
			h += 2;
		for (; n < sizeof(id) && sscanf(h + 2 * n, "%2x", &b) == 1; n++)
			id[n] = (u_char)b;
	} else {
		if (gethostname(host, sizeof(host)) == -1)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		snprintf(text, sizeof(text), "ixwatch@%s", host);
		id[n++] = (u_char)(0x80 | ((cs->enterprise >> 24) & 0x7f));
		id[n++] = (u_char)(cs->enterprise >> 16);
		id[n++] = (u_char)(cs->enterprise >> 8);
		id[n++] = (u_char)cs->enterprise;
		id[n++] = 4;
		memcpy(id + n, text, strlen(text));
		n += strlen(text);
	}
	if (set_exact_engineID(id, n) != SNMPERR_SUCCESS) {
		log_warnx("snmp: cannot set the engine id");
	} else {
		for (b = 0; b < n; b++)
			snprintf(hex + 2 * b, 3, "%02x", id[b]);
		log_info("snmp: SNMPv3 engine id 0x%s (v3 trap receivers know the user "
		    "under it)", hex);
	}
	/* the persistent-state reader's setter (libnetsnmp does not export
	 * snmpv3_set_engineBootsAndTime): boots become the number given + 1 */
	snprintf(text, sizeof(text), "%ld", boots > 2147483646 ? 2147483645 : boots - 1);
	engineBoots_conf("engineBoots", text);
}

static int
agentx_setup(const struct config_snmp *cs, const char *state_dir)
{
	char	 sock[512];
	size_t	 i;

	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL);
	netsnmp_enable_subagent();
	if (cs->agentx_socket[0] == '/')
		snprintf(sock, sizeof(sock), "unix:%s", cs->agentx_socket);
	else
		snprintf(sock, sizeof(sock), "%s", cs->agentx_socket);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, sock);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD,
	    1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE,
	    1);
	/*
	 * A subagent parses no MIB and reads no snmp.conf/snmpd.conf or host files (its
	 * settings come from the YAML): init_snmp() then opens none of them (issue 9).
	 * SNMPv1 is never sent; SNMPv3 stays (the v3 inform sinks).
	 */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_LOAD_HOST_FILES,
	    1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_V1, 1);
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
	    on_index_start, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
	    on_index_stop, NULL);
	openssl_init_lean();	/* before net-snmp's first use of OpenSSL */
	if (init_agent(SNMP_APPNAME) != 0) {
		log_warnx("snmp: init_agent failed");
		return -1;
	}
	/* after init_agent(), which resets it */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	    SNMP_PING_INTERVAL);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (register_table(&tables[i]) == -1)
			return -1;
	init_snmp(SNMP_APPNAME);	/* connects to the master (or retries later) */
	engine_setup(cs, state_dir);	/* init_snmp() made up a random one */
	if ((s.agentx = strdup(sock)) == NULL)
		return -1;
	return 0;
}

static int
snmp_start(const struct config *conf)
{
	const struct config_snmp	*cs = &conf->outputs.snmp;

	if (!cs->enabled)
		return 0;
	s.started = time(NULL);
	s.miblen = 0;
	s.mib[s.miblen++] = 1;
	s.mib[s.miblen++] = 3;
	s.mib[s.miblen++] = 6;
	s.mib[s.miblen++] = 1;
	s.mib[s.miblen++] = 4;
	s.mib[s.miblen++] = 1;
	s.mib[s.miblen++] = cs->enterprise;
	s.mib[s.miblen++] = 1;
	if ((s.timer = loop_timer_new(on_timer, NULL)) == NULL ||
	    (s.rtr_timer = loop_timer_new(on_rtr_poll, NULL)) == NULL)
		return -1;
	if (agentx_setup(cs, config_daemon(conf)->state_dir) == -1)
		return -1;
	s.running = 1;
	snmp_notify_rtr();	/* the first look records the caches' states */
	loop_timer_add(s.rtr_timer, 1000);
	if (!s.subscribed && source_subscribe_state(on_source_state, NULL) == 0)
		s.subscribed = 1;
	sinks_open(cs);
	if (control_register("snmp test-source", "up|down", "a synthetic source for SNMP tests",
	    cmd_test_source, NULL) == -1)
		log_warnx("snmp: cannot register the test commands");
	sync_events();
	log_info("snmp: AgentX subagent on %s, %zu trap sink(s)", s.agentx, s.nsinks);
	return 0;
}

/* Do the two configs list the same sinks, field by field, in the same order? */
static int
sinks_same(const struct config_snmp *n, const struct config_snmp *o)
{
	const struct config_snmp_sink	*a, *b;
	size_t				 i;

	if (n->nsinks != o->nsinks)
		return 0;
	for (i = 0; i < n->nsinks; i++) {
		a = &n->sinks[i];
		b = &o->sinks[i];
		if (!config_str_eq(a->host, b->host) || a->port != b->port ||
		    a->version != b->version || !config_str_eq(a->community, b->community) ||
		    !config_str_eq(a->user, b->user) || a->auth != b->auth ||
		    !config_str_eq(a->auth_passphrase, b->auth_passphrase) || a->priv != b->priv ||
		    !config_str_eq(a->priv_passphrase, b->priv_passphrase) ||
		    a->inform != b->inform || a->retries != b->retries ||
		    a->timeout != b->timeout)
			return 0;
	}
	return 1;
}

static int
snmp_reload(const struct config *newc, const struct config *old)
{
	const struct config_snmp	*n = &newc->outputs.snmp, *o = &old->outputs.snmp;

	if (!s.running) {
		if (n->enabled)
			log_warnx("snmp: enabling SNMP takes effect at the next restart");
		return 0;
	}
	if (!n->enabled || strcmp(n->agentx_socket, o->agentx_socket) != 0 ||
	    n->enterprise != o->enterprise || (n->engine_id == NULL) != (o->engine_id == NULL) ||
	    (n->engine_id != NULL && strcmp(n->engine_id, o->engine_id) != 0))
		log_warnx("snmp: changes to enabled, agentx-socket, enterprise or engine-id "
		    "take effect at the next restart");
	/*
	 * The sink table points into the config. Unchanged sinks keep their sessions
	 * (and the informs waiting for an answer) and point into the new one; any
	 * change rebuilds the table, dropping (and counting) what was waiting.
	 */
	if (sinks_same(n, o) && s.nsinks == n->nsinks) {
		for (size_t i = 0; i < s.nsinks; i++)
			s.sinks[i].conf = &n->sinks[i];
	} else
		sinks_open(n);
	sync_events();
	return 0;
}

static void
snmp_stop(void)
{
	size_t	 i;

	if (!s.running)
		return;
	sinks_close();
	for (i = 0; i < s.nfds; i++)
		loop_event_free(s.fds[i].ev);
	s.nfds = 0;
	loop_event_free(s.timer);
	s.timer = NULL;
	loop_event_free(s.rtr_timer);
	s.rtr_timer = NULL;
	s.nrtr = 0;
	s.running = 0;
	snmp_shutdown(SNMP_APPNAME);
	shutdown_agent();
	if (s.test_src != NULL)
		source_free(s.test_src);
	s.test_src = NULL;
	free(s.agentx);
	s.agentx = NULL;
}

static void
snmp_status(struct json *j)
{
	json_bool(j, "enabled", s.running);
	if (!s.running)
		return;
	json_string(j, "agentx_socket", s.agentx);
	json_bool(j, "agentx_connected", s.cnt.agentx_connected);
	json_uint(j, "agentx_connects", s.cnt.agentx_connects);
	json_uint(j, "sinks", s.nsinks);
	json_uint(j, "notifications_sent", s.cnt.sent);
	json_uint(j, "notifications_dropped", s.cnt.dropped);
	json_uint(j, "informs_pending", s.cnt.informs_pending);
}

struct loop_module snmp_module = {
	.name = "snmp",
	.start = snmp_start,
	.reload = snmp_reload,
	.stop = snmp_stop,
	.status = snmp_status,
};

void
snmp_set_providers(const struct snmp_providers *p)
{
	if (p == NULL)
		memset(&s.prov, 0, sizeof(s.prov));
	else
		s.prov = *p;
}

void
snmp_counters_get(struct snmp_counters *c)
{
	*c = s.cnt;
}
