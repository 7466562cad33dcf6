/*
 * The one file that includes rtrlib (Debian's 0.8.0; the API was renamed after it).
 * RTR (RFC 6810/8210) caches in preference groups through rtr_mgr, over TCP or SSH.
 *
 * rtrlib calls back from its socket threads, with its pfx_table lock held: the
 * callbacks here only copy the record into a bounded queue under our mutex, and
 * write one byte to a pipe when the queue turns non-empty. When the queue is full
 * the rtrlib thread waits (the loop never calls into rtrlib while draining, so this
 * cannot deadlock). The socket state callback is wrapped to copy serial, session id
 * and intervals into our status snapshot from the thread that owns them. Once
 * stopping is set, the removals rtrlib sends while closing sockets are dropped.
 *
 * rtrlib stops a socket with pthread_cancel(): the callbacks disable cancellation
 * while they hold our mutex (pthread_cond_wait and write are cancellation points).
 *
 * pfx_update_fp carries no user pointer in 0.8.0, so live instances are found
 * through a small registry keyed by their rtr_socket addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rtrlib/rtrlib.h>

#include "bgp/buf.h"
#include "rtr/rtr_glue.h"

struct cache {
	struct rtr_socket	 rtr;
	struct tr_socket	 tr;
	struct tr_tcp_config	 tcp;
#ifdef RTRLIB_HAVE_LIBSSH
	struct tr_ssh_config	 sshc;
#endif
	char			*host;
	char			*port;
	char			*bindaddr;
	char			*user;
	char			*hostkey;
	char			*privkey;
	int			 tr_ok;
	rtr_connection_state_fp	 orig_fp;
	struct rtr_cache_status	 st;		/* under glue->mtx */
};

struct rtr_glue {
	struct cache		*c;
	size_t			 n;
	struct rtr_mgr_group	*groups;
	unsigned		 ngroups;
	struct rtr_mgr_config	*mgr;
	unsigned		 refresh, expire, retry;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 space;
	struct rtr_glue_event	*q;
	size_t			 qcap, qhead, qlen;
	int			 pipe[2];
	int			 signalled;
	int			 stopping;
	int			 started;
};

#define MAXGLUE	8
static pthread_mutex_t	 reg_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct rtr_glue	*reg[MAXGLUE];

static int
reg_add(struct rtr_glue *g)
{
	int i, r = -1;

	pthread_mutex_lock(&reg_mtx);
	for (i = 0; i < MAXGLUE; i++)
		if (reg[i] == NULL) {
			reg[i] = g;
			r = 0;
			break;
		}
	pthread_mutex_unlock(&reg_mtx);
	return r;
}

static void
reg_del(struct rtr_glue *g)
{
	int i;

	pthread_mutex_lock(&reg_mtx);
	for (i = 0; i < MAXGLUE; i++)
		if (reg[i] == g)
			reg[i] = NULL;
	pthread_mutex_unlock(&reg_mtx);
}

/* The instance and cache index a socket belongs to. */
static struct rtr_glue *
reg_find(const struct rtr_socket *s, size_t *idx)
{
	struct rtr_glue *g = NULL;
	size_t j;
	int i;

	pthread_mutex_lock(&reg_mtx);
	for (i = 0; i < MAXGLUE && g == NULL; i++) {
		if (reg[i] == NULL)
			continue;
		for (j = 0; j < reg[i]->n; j++)
			if (&reg[i]->c[j].rtr == s) {
				g = reg[i];
				*idx = j;
				break;
			}
	}
	pthread_mutex_unlock(&reg_mtx);
	return g;
}

/* Queue one event; called with g->mtx held. Waits while the queue is full. */
static void
enqueue(struct rtr_glue *g, const struct rtr_glue_event *ev)
{
	static const char one = 1;

	while (g->qlen == g->qcap && !g->stopping)
		pthread_cond_wait(&g->space, &g->mtx);
	if (g->stopping)
		return;
	g->q[(g->qhead + g->qlen) % g->qcap] = *ev;
	g->qlen++;
	if (!g->signalled) {
		g->signalled = 1;
		(void)!write(g->pipe[1], &one, 1);
	}
}

static void
rec_to_vrp(const struct pfx_record *rec, struct rtr_vrp *v)
{
	int i;

	memset(v, 0, sizeof(*v));
	if (rec->prefix.ver == LRTR_IPV4) {
		v->prefix.af = PREFIX_AF_IPV4;
		be32_store(v->prefix.addr, rec->prefix.u.addr4.addr);
	} else {
		v->prefix.af = PREFIX_AF_IPV6;
		for (i = 0; i < 4; i++)
			be32_store(v->prefix.addr + 4 * i, rec->prefix.u.addr6.addr[i]);
	}
	v->prefix.len = rec->min_len;
	prefix_mask(&v->prefix);
	v->maxlen = rec->max_len;
	v->asn = rec->asn;
}

/* rtrlib thread, pfx_table lock held: copy and wake, nothing else. */
static void
pfx_cb(struct pfx_table *t, const struct pfx_record rec, const bool added)
{
	struct rtr_glue *g;
	struct rtr_glue_event ev;
	size_t idx;
	int cs;

	if ((g = reg_find(rec.socket, &idx)) == NULL)
		return;
	/* rtr_stop() cancels socket threads: never die holding our mutex */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	memset(&ev, 0, sizeof(ev));
	ev.type = added ? RTR_GLUE_VRP_ADD : RTR_GLUE_VRP_DEL;
	ev.cache = (uint16_t)idx;
	rec_to_vrp(&rec, &ev.vrp);
	pthread_mutex_lock(&g->mtx);
	if (!g->stopping) {
		if (added) {
			g->c[idx].st.vrps++;
			g->c[idx].st.added++;
		} else {
			if (g->c[idx].st.vrps > 0)
				g->c[idx].st.vrps--;
			g->c[idx].st.removed++;
		}
		enqueue(g, &ev);
	} else
		g->c[idx].st.ignored++;
	pthread_mutex_unlock(&g->mtx);
	pthread_setcancelstate(cs, NULL);
}

static enum rtr_cache_state
map_state(enum rtr_socket_state s)
{
	switch (s) {
	case RTR_CONNECTING:
	case RTR_FAST_RECONNECT:
		return RTR_CACHE_CONNECTING;
	case RTR_ESTABLISHED:
		return RTR_CACHE_UP;
	case RTR_RESET:
	case RTR_SYNC:
		return RTR_CACHE_SYNCING;
	case RTR_SHUTDOWN:
		return RTR_CACHE_DOWN;
	case RTR_CLOSED:
		return RTR_CACHE_IDLE;
	default:
		return RTR_CACHE_ERROR;
	}
}

/* rtrlib socket thread: the fields of sock are its own, so they are read here. */
static void
state_cb(const struct rtr_socket *sock, const enum rtr_socket_state state, void *pc,
    void *pg)
{
	struct rtr_glue *g;
	struct rtr_glue_event ev;
	struct rtr_cache_status *st;
	rtr_connection_state_fp orig = NULL;
	const char *name;
	size_t idx;
	int cs;

	if ((g = reg_find(sock, &idx)) == NULL)
		return;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	pthread_mutex_lock(&g->mtx);
	orig = g->c[idx].orig_fp;
	st = &g->c[idx].st;
	st->state = map_state(state);
	name = rtr_state_to_str(state);
	snprintf(st->detail, sizeof(st->detail), "%s", name ? name : "?");
	st->refresh = sock->refresh_interval;
	st->retry = sock->retry_interval;
	st->expire = sock->expire_interval;
	if (state == RTR_ESTABLISHED) {
		st->synced = 1;
		st->serial = sock->serial_number;
		st->session_id = sock->session_id;
		st->last_update = time(NULL);
	}
	if (!g->stopping) {
		memset(&ev, 0, sizeof(ev));
		ev.type = RTR_GLUE_STATE;
		ev.cache = (uint16_t)idx;
		ev.state = st->state;
		ev.synced = st->synced;
		enqueue(g, &ev);
	}
	pthread_mutex_unlock(&g->mtx);
	pthread_setcancelstate(cs, NULL);
	if (orig != NULL)
		orig(sock, state, pc, pg);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
cache_init(struct cache *c, const struct rtr_glue_cache_conf *cf, char *err, size_t errlen)
{
	c->host = dup_or_null(cf->host);
	c->port = dup_or_null(cf->port);
	c->bindaddr = dup_or_null(cf->bindaddr);
	if (c->host == NULL || c->port == NULL) {
		snprintf(err, errlen, "cache without host or port");
		return -1;
	}
	snprintf(c->st.host, sizeof(c->st.host), "%s", c->host);
	snprintf(c->st.port, sizeof(c->st.port), "%s", c->port);
	c->st.preference = cf->preference;
	c->st.ssh = cf->ssh != 0;
	snprintf(c->st.detail, sizeof(c->st.detail), "not started");
	if (cf->ssh) {
#ifdef RTRLIB_HAVE_LIBSSH
		c->user = dup_or_null(cf->ssh_user);
		c->hostkey = dup_or_null(cf->ssh_hostkey);
		c->privkey = dup_or_null(cf->ssh_privkey);
		c->sshc.host = c->host;
		c->sshc.port = (unsigned)strtoul(c->port, NULL, 10);
		c->sshc.bindaddr = c->bindaddr;
		c->sshc.username = c->user;
		c->sshc.server_hostkey_path = c->hostkey;
		c->sshc.client_privkey_path = c->privkey;
		if (tr_ssh_init(&c->sshc, &c->tr) != TR_SUCCESS) {
			snprintf(err, errlen, "%s: cannot set up RTR over SSH", c->host);
			return -1;
		}
#else
		snprintf(err, errlen, "%s: this rtrlib has no SSH transport", c->host);
		return -1;
#endif
	} else {
		c->tcp.host = c->host;
		c->tcp.port = c->port;
		c->tcp.bindaddr = c->bindaddr;
		if (tr_tcp_init(&c->tcp, &c->tr) != TR_SUCCESS) {
			snprintf(err, errlen, "%s: cannot set up RTR over TCP", c->host);
			return -1;
		}
	}
	c->tr_ok = 1;
	c->rtr.tr_socket = &c->tr;
	return 0;
}

/* One rtr_mgr group per distinct preference. */
static int
make_groups(struct rtr_glue *g)
{
	unsigned i, k;
	size_t j;
	int seen;

	if ((g->groups = calloc(g->n, sizeof(*g->groups))) == NULL)
		return -1;
	for (j = 0; j < g->n; j++) {
		for (i = 0, seen = 0; i < g->ngroups; i++)
			seen |= g->groups[i].preference == g->c[j].st.preference;
		if (seen)
			continue;
		i = g->ngroups++;
		g->groups[i].preference = g->c[j].st.preference;
		if ((g->groups[i].sockets = calloc(g->n, sizeof(struct rtr_socket *))) == NULL)
			return -1;
		for (k = 0; k < g->n; k++)
			if (g->c[k].st.preference == g->groups[i].preference)
				g->groups[i].sockets[g->groups[i].sockets_len++] = &g->c[k].rtr;
	}
	return 0;
}

static int
setup_pipe(struct rtr_glue *g)
{
	int i;

	if (pipe(g->pipe) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(g->pipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(g->pipe[i], F_SETFD, FD_CLOEXEC) == -1)
			return -1;
	return 0;
}

struct rtr_glue *
rtr_glue_new(const struct rtr_glue_conf *conf, char *err, size_t errlen)
{
	struct rtr_glue *g;
	size_t i;

	if (conf->ncaches == 0 || conf->ncaches > UINT16_MAX) {
		snprintf(err, errlen, "no RTR cache configured");
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		goto nomem;
	g->pipe[0] = g->pipe[1] = -1;
	pthread_mutex_init(&g->mtx, NULL);
	pthread_cond_init(&g->space, NULL);
	g->refresh = conf->refresh ? conf->refresh : 3600;
	g->expire = conf->expire ? conf->expire : 7200;
	g->retry = conf->retry ? conf->retry : 600;
	g->qcap = conf->queue ? conf->queue : 8192;
	g->n = conf->ncaches;
	if ((g->q = calloc(g->qcap, sizeof(*g->q))) == NULL ||
	    (g->c = calloc(g->n, sizeof(*g->c))) == NULL)
		goto nomem;
	for (i = 0; i < g->n; i++)
		if (cache_init(&g->c[i], &conf->caches[i], err, errlen) == -1)
			goto fail;
	if (make_groups(g) == -1 || setup_pipe(g) == -1)
		goto nomem;
	if (rtr_mgr_init(&g->mgr, g->groups, g->ngroups, g->refresh, g->expire, g->retry,
	    pfx_cb, NULL, NULL, NULL) != RTR_SUCCESS) {
		g->mgr = NULL;
		snprintf(err, errlen, "rtrlib refused the configuration (refresh 1..86400, "
		    "expire 600..172800, retry 1..7200, unique preferences)");
		goto fail;
	}
	for (i = 0; i < g->n; i++) {
		g->c[i].orig_fp = g->c[i].rtr.connection_state_fp;
		g->c[i].rtr.connection_state_fp = state_cb;
	}
	if (reg_add(g) == -1) {
		snprintf(err, errlen, "too many RTR instances");
		goto fail;
	}
	return g;
nomem:
	snprintf(err, errlen, "%s", strerror(errno ? errno : ENOMEM));
fail:
	rtr_glue_free(g);
	return NULL;
}

int
rtr_glue_start(struct rtr_glue *g)
{
	if (g->started || g->stopping)
		return g->started ? 0 : -1;
	if (rtr_mgr_start(g->mgr) != RTR_SUCCESS)
		return -1;
	g->started = 1;
	return 0;
}

int
rtr_glue_fd(const struct rtr_glue *g)
{
	return g->pipe[0];
}

/* Take up to max events off the queue into buf. */
static size_t
dequeue(struct rtr_glue *g, struct rtr_glue_event *buf, size_t max)
{
	size_t k;

	pthread_mutex_lock(&g->mtx);
	for (k = 0; k < max && g->qlen > 0; k++) {
		buf[k] = g->q[g->qhead];
		g->qhead = (g->qhead + 1) % g->qcap;
		g->qlen--;
	}
	if (k > 0)
		pthread_cond_broadcast(&g->space);
	pthread_mutex_unlock(&g->mtx);
	return k;
}

size_t
rtr_glue_drain(struct rtr_glue *g, rtr_glue_cb cb, void *arg, size_t max)
{
	struct rtr_glue_event buf[256];
	char junk[64];
	size_t k, i, done = 0, want;
	static const char one = 1;

	pthread_mutex_lock(&g->mtx);
	while (read(g->pipe[0], junk, sizeof(junk)) > 0)
		;
	g->signalled = 0;
	pthread_mutex_unlock(&g->mtx);
	for (;;) {
		want = sizeof(buf) / sizeof(buf[0]);
		if (max != 0 && max - done < want)
			want = max - done;
		if (want == 0 || (k = dequeue(g, buf, want)) == 0)
			break;
		for (i = 0; i < k; i++)
			cb(&buf[i], arg);
		done += k;
	}
	pthread_mutex_lock(&g->mtx);
	if (g->qlen > 0 && !g->signalled) {
		g->signalled = 1;
		(void)!write(g->pipe[1], &one, 1);
	}
	pthread_mutex_unlock(&g->mtx);
	return done;
}

size_t
rtr_glue_status(struct rtr_glue *g, struct rtr_cache_status *out, size_t n)
{
	size_t i;

	pthread_mutex_lock(&g->mtx);
	for (i = 0; i < n && i < g->n; i++)
		out[i] = g->c[i].st;
	pthread_mutex_unlock(&g->mtx);
	return g->n;
}

int
rtr_glue_has_ssh(void)
{
#ifdef RTRLIB_HAVE_LIBSSH
	return 1;
#else
	return 0;
#endif
}

void
rtr_glue_stop(struct rtr_glue *g)
{
	pthread_mutex_lock(&g->mtx);
	g->stopping = 1;		/* drop the removal flood of the shutdown */
	pthread_cond_broadcast(&g->space);
	pthread_mutex_unlock(&g->mtx);
	if (g->mgr != NULL && g->started) {
		rtr_mgr_stop(g->mgr);
		g->started = 0;
	}
}

void
rtr_glue_free(struct rtr_glue *g)
{
	size_t i;
	int mgr;

	if (g == NULL)
		return;
	mgr = g->mgr != NULL;
	rtr_glue_stop(g);
	if (mgr)
		rtr_mgr_free(g->mgr);
	reg_del(g);
	for (i = 0; g->c != NULL && i < g->n; i++) {
		/* rtr_mgr_free() already freed the transports it was given */
		if (!mgr && g->c[i].tr_ok && g->c[i].tr.free_fp != NULL)
			g->c[i].tr.free_fp(&g->c[i].tr);
		free(g->c[i].host);
		free(g->c[i].port);
		free(g->c[i].bindaddr);
		free(g->c[i].user);
		free(g->c[i].hostkey);
		free(g->c[i].privkey);
	}
	for (i = 0; g->groups != NULL && i < g->ngroups; i++)
		free(g->groups[i].sockets);
	if (g->pipe[0] != -1)
		close(g->pipe[0]);
	if (g->pipe[1] != -1)
		close(g->pipe[1]);
	pthread_cond_destroy(&g->space);
	pthread_mutex_destroy(&g->mtx);
	free(g->groups);
	free(g->c);
	free(g->q);
	free(g);
}

struct rtr_rtrlib_table {
	struct pfx_table	t;
};

struct rtr_rtrlib_table *
rtr_rtrlib_table_new(void)
{
	struct rtr_rtrlib_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	pfx_table_init(&t->t, NULL);
	return t;
}

static void
to_lrtr(const struct prefix *p, struct lrtr_ip_addr *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (p->af == PREFIX_AF_IPV4) {
		a->ver = LRTR_IPV4;
		a->u.addr4.addr = be32_load(p->addr);
	} else {
		a->ver = LRTR_IPV6;
		for (i = 0; i < 4; i++)
			a->u.addr6.addr[i] = be32_load(p->addr + 4 * i);
	}
}

int
rtr_rtrlib_table_add(struct rtr_rtrlib_table *t, const struct rtr_vrp *v)
{
	struct pfx_record r;

	memset(&r, 0, sizeof(r));
	r.asn = v->asn;
	to_lrtr(&v->prefix, &r.prefix);
	r.min_len = v->prefix.len;
	r.max_len = v->maxlen;
	return pfx_table_add(&t->t, &r) == PFX_SUCCESS ? 0 : -1;
}

enum rtr_rov
rtr_rtrlib_validate(struct rtr_rtrlib_table *t, const struct prefix *p, uint32_t asn)
{
	struct lrtr_ip_addr a;
	enum pfxv_state r = BGP_PFXV_STATE_NOT_FOUND;

	to_lrtr(p, &a);
	if (pfx_table_validate(&t->t, asn, &a, p->len, &r) != PFX_SUCCESS)
		return RTR_ROV_NOT_FOUND;
	if (r == BGP_PFXV_STATE_VALID)
		return RTR_ROV_VALID;
	return r == BGP_PFXV_STATE_INVALID ? RTR_ROV_INVALID_AS : RTR_ROV_NOT_FOUND;
}

void
rtr_rtrlib_table_free(struct rtr_rtrlib_table *t)
{
	if (t == NULL)
		return;
	pfx_table_free(&t->t);
	free(t);
}

/* Threads freeing managers (rtr_glue_free_async); only the caller's thread uses these. */
static pthread_t	reaper[MAXGLUE];
static int		nreaper;

static void *
reaper_main(void *arg)
{
	rtr_glue_free(arg);
	return NULL;
}

void
rtr_glue_reap(void)
{
	while (nreaper > 0)
		pthread_join(reaper[--nreaper], NULL);
}

void
rtr_glue_free_async(struct rtr_glue *g)
{
	if (g == NULL)
		return;
	if (nreaper == MAXGLUE)
		rtr_glue_reap();
	if (pthread_create(&reaper[nreaper], NULL, reaper_main, g) != 0) {
		rtr_glue_free(g);	/* no thread: here, then */
		return;
	}
	nreaper++;
}
