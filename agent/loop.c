/*
 * The event loop (libevent): the one file that owns the event_base. Wraps fd events,
 * timers, deferred calls and signals, and keeps the module table that orders start-up
 * (bind as root, start after the privilege drop), reload and shutdown.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"

struct loop_event {
	struct event	*ev;
	loop_cb		 cb;
	void		*arg;
};

struct deferred {
	loop_defer_cb		 cb;
	void			*arg;
	TAILQ_ENTRY(deferred)	 entry;
};

static struct event_base	*base;
static struct event		*sig_hup, *sig_term, *sig_int;
static void			(*sighup_fn)(void);
static TAILQ_HEAD(loop_module_head, loop_module) modules = TAILQ_HEAD_INITIALIZER(modules);
static TAILQ_HEAD(, deferred) deferreds = TAILQ_HEAD_INITIALIZER(deferreds);
static unsigned			 resolving;	/* lookups whose thread still runs */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	switch (sig) {
	case SIGHUP:
		log_info("SIGHUP received, reloading");
		if (sighup_fn != NULL)
			sighup_fn();
		break;
	default:
		log_info("%s received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		loop_exit();
		break;
	}
}

int
loop_init(void)
{
	if (evthread_use_pthreads() == -1) {
		log_warnx("libevent: no pthread support");
		return -1;
	}
	if ((base = event_base_new()) == NULL) {
		log_warnx("libevent: cannot create the event base");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	sig_hup = evsignal_new(base, SIGHUP, on_signal, NULL);
	sig_term = evsignal_new(base, SIGTERM, on_signal, NULL);
	sig_int = evsignal_new(base, SIGINT, on_signal, NULL);
	if (sig_hup == NULL || sig_term == NULL || sig_int == NULL ||
	    evsignal_add(sig_hup, NULL) == -1 || evsignal_add(sig_term, NULL) == -1 ||
	    evsignal_add(sig_int, NULL) == -1) {
		log_warnx("libevent: cannot install signal events");
		loop_free();
		return -1;
	}
	log_debug(LOG_SUB_MAIN, "event loop: libevent %s, method %s",
	    event_get_version(), event_base_get_method(base));
	return 0;
}

int
loop_run(void)
{
	return event_base_dispatch(base) == -1 ? -1 : 0;
}

void
loop_exit(void)
{
	if (base != NULL)
		event_base_loopbreak(base);
}

void
loop_free(void)
{
	struct deferred	*d;

	while ((d = TAILQ_FIRST(&deferreds)) != NULL) {
		TAILQ_REMOVE(&deferreds, d, entry);
		free(d);
	}
	if (sig_hup != NULL)
		event_free(sig_hup);
	if (sig_term != NULL)
		event_free(sig_term);
	if (sig_int != NULL)
		event_free(sig_int);
	sig_hup = sig_term = sig_int = NULL;
	/* a lookup thread still running will activate its event on this base:
	 * leave it (the process is ending) rather than have it touch freed memory */
	if (base != NULL && resolving == 0)
		event_base_free(base);
	base = NULL;
}

time_t
loop_now(void)
{
	struct timeval	 tv;

	if (base == NULL || event_base_gettimeofday_cached(base, &tv) == -1)
		return time(NULL);
	return tv.tv_sec;
}

static void
trampoline(evutil_socket_t fd, short what, void *arg)
{
	struct loop_event	*le = arg;
	short			 w = 0;

	if (what & EV_READ)
		w |= LOOP_READ;
	if (what & EV_WRITE)
		w |= LOOP_WRITE;
	if (what & EV_TIMEOUT)
		w |= LOOP_TIMEOUT;
	le->cb((int)fd, w, le->arg);
}

struct loop_event *
loop_event_new(int fd, short flags, loop_cb cb, void *arg)
{
	struct loop_event	*le;
	short			 evf = 0;

	if (base == NULL || (le = calloc(1, sizeof(*le))) == NULL)
		return NULL;
	if (flags & LOOP_READ)
		evf |= EV_READ;
	if (flags & LOOP_WRITE)
		evf |= EV_WRITE;
	if (flags & LOOP_PERSIST)
		evf |= EV_PERSIST;
	le->cb = cb;
	le->arg = arg;
	if ((le->ev = event_new(base, fd, evf, trampoline, le)) == NULL) {
		free(le);
		return NULL;
	}
	return le;
}

int
loop_event_add(struct loop_event *le, const struct timeval *tv)
{
	return event_add(le->ev, tv);
}

void
loop_event_del(struct loop_event *le)
{
	if (le != NULL)
		event_del(le->ev);
}

int
loop_event_pending(const struct loop_event *le)
{
	return event_pending(le->ev, EV_READ | EV_WRITE | EV_TIMEOUT, NULL) != 0;
}

void
loop_event_free(struct loop_event *le)
{
	if (le == NULL)
		return;
	event_free(le->ev);
	free(le);
}

struct loop_event *
loop_timer_new(loop_cb cb, void *arg)
{
	return loop_event_new(-1, 0, cb, arg);
}

int
loop_timer_add(struct loop_event *le, unsigned long ms)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	return event_add(le->ev, &tv);
}

static void
run_deferred(evutil_socket_t fd, short what, void *arg)
{
	struct deferred	*d = arg;

	TAILQ_REMOVE(&deferreds, d, entry);
	d->cb(d->arg);
	free(d);
}

int
loop_defer(loop_defer_cb cb, void *arg)
{
	struct deferred	*d;
	struct timeval	 now = { 0, 0 };

	if (base == NULL || (d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	d->cb = cb;
	d->arg = arg;
	if (event_base_once(base, -1, EV_TIMEOUT, run_deferred, d, &now) == -1) {
		free(d);
		return -1;
	}
	TAILQ_INSERT_TAIL(&deferreds, d, entry);
	return 0;
}

int
loop_sock_keepalive(int fd, int idle, int intvl, int cnt)
{
	int	 on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == -1)
		return -1;
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#else
	(void)idle;
	(void)intvl;
	(void)cnt;
#endif
	return 0;
}

/* ---- name resolution ------------------------------------------------------ */

struct loop_resolve {
	struct event		*done;		/* activated by the thread when it ends */
	loop_resolve_cb		 cb;		/* NULL: cancelled */
	void			*arg;
	int			 socktype;
	int			 err;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 host[256];
	char			 port[16];
};

static void *
resolve_thread(void *p)
{
	struct loop_resolve	*r = p;
	struct addrinfo		 hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = r->socktype;
	if ((r->err = getaddrinfo(r->host, r->port, &hints, &res)) == 0) {
		if (res->ai_addrlen <= sizeof(r->ss)) {
			memcpy(&r->ss, res->ai_addr, res->ai_addrlen);
			r->sslen = res->ai_addrlen;
		} else
			r->err = EAI_FAMILY;
		freeaddrinfo(res);
	}
	/* the base's lock orders these writes before the loop's reads */
	event_active(r->done, EV_READ, 1);
	return NULL;
}

static void
on_resolved(evutil_socket_t fd, short what, void *arg)
{
	struct loop_resolve *r = arg;

	(void)fd;
	(void)what;
	resolving--;
	if (r->cb != NULL)
		r->cb(r->err, (const struct sockaddr *)&r->ss, r->sslen, r->arg);
	event_free(r->done);
	free(r);
}

struct loop_resolve *
loop_resolve(const char *host, const char *port, int socktype, loop_resolve_cb cb,
    void *arg)
{
	struct loop_resolve	*r;
	pthread_attr_t		 attr;
	pthread_t		 t;
	int			 rc;

	if (base == NULL || strlen(host) >= sizeof(r->host) ||
	    strlen(port) >= sizeof(r->port) || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	memcpy(r->host, host, strlen(host) + 1);
	memcpy(r->port, port, strlen(port) + 1);
	r->socktype = socktype;
	r->cb = cb;
	r->arg = arg;
	if ((r->done = event_new(base, -1, 0, on_resolved, r)) == NULL) {
		free(r);
		return NULL;
	}
	/* a small stack: getaddrinfo needs little, and a router has little RAM */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	rc = pthread_create(&t, &attr, resolve_thread, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		log_warnx("resolving %s: cannot start a thread: %s", host, strerror(rc));
		event_free(r->done);
		free(r);
		return NULL;
	}
	resolving++;
	return r;
}

void
loop_resolve_cancel(struct loop_resolve *r)
{
	if (r != NULL)
		r->cb = NULL;	/* on_resolved frees it when the thread is done */
}

void
loop_on_sighup(void (*fn)(void))
{
	sighup_fn = fn;
}

void
loop_module_register(struct loop_module *m)
{
	TAILQ_INSERT_TAIL(&modules, m, entry);
}

int
loop_modules_bind(const struct config *conf)
{
	struct loop_module	*m;

	TAILQ_FOREACH(m, &modules, entry)
		if (m->bind != NULL && m->bind(conf) == -1) {
			log_warnx("%s: cannot set up its listeners", m->name);
			return -1;
		}
	return 0;
}

int
loop_modules_start(const struct config *conf)
{
	struct loop_module	*m;

	TAILQ_FOREACH(m, &modules, entry)
		if (m->start != NULL && m->start(conf) == -1) {
			log_warnx("%s: cannot start", m->name);
			return -1;
		}
	return 0;
}

int
loop_modules_reload(const struct config *newconf, const struct config *old)
{
	struct loop_module	*m;
	int			 rc = 0;

	TAILQ_FOREACH(m, &modules, entry)
		if (m->reload != NULL && m->reload(newconf, old) == -1) {
			log_warnx("%s: reload failed", m->name);
			rc = -1;
		}
	return rc;
}

void
loop_modules_stop(void)
{
	struct loop_module	*m;

	TAILQ_FOREACH_REVERSE(m, &modules, loop_module_head, entry)
		if (m->stop != NULL)
			m->stop();
}

void
loop_modules_status(struct json *j)
{
	struct loop_module	*m;

	TAILQ_FOREACH(m, &modules, entry)
		if (m->status != NULL) {
			json_object_open(j, m->name);
			m->status(j);
			json_close(j);
		}
}
