/*
 * Syslog alert outputs (see output_syslog.h): local RFC 3164 lines on a non-blocking
 * datagram socket to the system logger, and remote RFC 5424 receivers over UDP
 * (RFC 5426), TCP with octet-counting framing (RFC 6587 3.4.1) and TLS (RFC 5425)
 * driven on the loop. Each remote is a small state machine:
 * WAIT (backoff timer) -> CONNECTING -> [HANDSHAKE] -> UP -> (error/EOF) -> WAIT.
 * Stream messages are confirmed from the kernel's unacknowledged byte count
 * (SIOCOUTQ) and rewound for resending when a connection breaks.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/config_types.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/output_format.h"
#include "agent/output_queue.h"
#include "agent/output_syslog.h"
#include "agent/syslog_msg.h"
#include "agent/tls_mbedtls.h"

#define BACKOFF_MIN_MS	250
#define BACKOFF_MAX_MS	10000
#define ACK_POLL_MS	50
#define CONNECT_MS	10000	/* deadline for the TCP connect, then for the TLS handshake */
#define USER_TIMEOUT_MS	60000	/* unacknowledged data: the receiver is gone */
#define MSG_MAX		8192

enum rstate {
	R_WAIT,
	R_CONNECTING,
	R_HANDSHAKE,
	R_UP,
	R_RESOLVING,
};

static const char *const rstate_names[] = { "waiting", "connecting", "handshake", "up",
    "resolving" };
static const char *const transport_names[] = { "udp", "tcp", "tls" };

struct remote {
	int			 transport;	/* enum config_syslog_transport */
	char			*host;
	uint16_t		 port;
	int			 facility;
	char			*server_name;
	char			*tmpl;
	char			*ca_file, *cert_file, *key_file;
	enum rstate		 st;
	struct loop_resolve	*res;		/* R_RESOLVING: the lookup */
	int			 fd;
	struct loop_event	*rev, *wev, *timer;
	struct output_queue	*q;
	struct output_backoff	 bo;
	struct tls_config	*tlscfg;
	struct tls_conn		*tls;
	uint64_t		 wire;		/* bytes handed to the kernel, this connection */
	uint64_t		 connects;
	uint64_t		 failures;	/* failed connects, broken connections */
	uint64_t		 verify_failures;	/* TLS certificate/hostname refused */
	uint64_t		 send_errors;	/* UDP datagrams the kernel refused */
	uint64_t		 format_errors;
	uint64_t		 truncated;	/* messages cut to MSG_MAX */
	int			 dropping;	/* the last push dropped (log once) */
	int			 claimed;	/* reload: kept for a configured remote */
	char			 last_error[160];
	struct sockaddr_storage	 addr;		/* resolved once (DNS may block) */
	socklen_t		 addrlen;	/* 0: not resolved yet */
};

/* Drops of the remotes gone with their queues (reload): totals never go backwards. */
static uint64_t	retired_dropped;

static struct {
	int		 enabled;
	int		 facility;
	char		*ident;
	char		*tmpl;
	uint32_t	 pen;
	int		 local_fd;
	char		 local_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uint64_t	 local_sent, local_errors;
	char		 hostname[256];
	struct remote	**remotes;
	size_t		 nremotes;
	char		 config_error[320];	/* why the last configuration was refused */
	uint64_t	 local_truncated;
	struct log_rl	 rl_trunc;
} os = { .local_fd = -1 };

static void	 remote_connect(struct remote *);
static void	 remote_flush(struct remote *);

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/*
 * Length of at most max bytes of p[0..len) that ends on a UTF-8 character
 * boundary, never below min: a truncated MSG must stay valid UTF-8 (RFC 5424 6.4).
 */
static size_t
utf8_cut(const uint8_t *p, size_t len, size_t min, size_t max)
{
	if (len <= max)
		return len;
	while (max > min && (p[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* An oversized message was cut (RFC 5424 6.1 allows it); the count is per output. */
static void
truncated_log(const char *what, size_t len)
{
	if (log_ratelimit(&os.rl_trunc, 1, 3600))
		log_warnx("syslog output %s: a %zu-byte message was truncated to %d bytes",
		    what, len, MSG_MAX);
}

/* --- local ------------------------------------------------------------------ */

static void
local_open(void)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("IXWATCH_LOG_SOCKET");

	if (os.local_fd != -1)
		return;
	if (path == NULL || *path == '\0')
		path = _PATH_LOG;
	snprintf(os.local_path, sizeof(os.local_path), "%s", path);
	if ((os.local_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("syslog output: socket");
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", os.local_path);
	/* a missing logger is retried per message (sendto below) */
	if (connect(os.local_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		log_debug(LOG_SUB_SYSLOG, "syslog output: %s: %s", os.local_path,
		    strerror(errno));
}

static void
local_close(void)
{
	if (os.local_fd != -1)
		close(os.local_fd);
	os.local_fd = -1;
}

/* One RFC 3164 line, cut to MSG_MAX bytes rather than dropped. */
static void
local_send(const struct alert *a, enum alert_transition tr)
{
	struct sockaddr_un	 sun;
	struct wbuf		 wb, text;
	struct tm		 tm;
	time_t			 t = time(NULL);
	char			 ts[32], var[1024];
	size_t			 hlen, tlen;
	int			 pri;

	if (os.local_fd == -1)
		return;
	wbuf_init(&text, 0);	/* bounded below, after the header */
	if (os.tmpl != NULL)
		output_render(&text, os.tmpl, a, tr);
	else
		output_summary(&text, a, tr);
	pri = (os.facility & ~LOG_PRIMASK) | (tr == ALERT_TR_CLEARED ? LOG_NOTICE :
	    output_syslog_severity(a->severity));
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm);
	wbuf_init(&wb, MSG_MAX);
	snprintf(var, sizeof(var), "<%d>%s %s[%ld]: ", pri, ts, os.ident ? os.ident :
	    "ixwatch", (long)getpid());
	hlen = strlen(var);
	wbuf_put_bytes(&wb, var, hlen);
	if (!text.err && hlen < MSG_MAX) {
		tlen = utf8_cut(text.buf, text.len, 0, MSG_MAX - hlen);
		if (tlen < text.len) {
			os.local_truncated++;
			truncated_log("local", hlen + text.len);
		}
		wbuf_put_bytes(&wb, text.buf, tlen);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", os.local_path);
	if (wb.err || sendto(os.local_fd, wb.buf, wb.len, MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (os.local_errors++ == 0)
			log_warn("syslog output: %s", os.local_path);
	} else
		os.local_sent++;
	wbuf_free(&wb);
	wbuf_free(&text);
}

/* --- remote ----------------------------------------------------------------- */

static void
remote_error(struct remote *r, const char *what, int err)
{
	snprintf(r->last_error, sizeof(r->last_error), "%s%s%s", what,
	    err ? ": " : "", err ? strerror(err) : "");
}

static void
remote_close(struct remote *r)
{
	loop_resolve_cancel(r->res);
	r->res = NULL;
#ifdef HAVE_TLS
	tls_conn_free(r->tls);
	r->tls = NULL;
#endif
	loop_event_free(r->rev);
	loop_event_free(r->wev);
	r->rev = r->wev = NULL;
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	r->wire = 0;
}

/* The connection failed or broke: keep the messages, try again later. */
static void
remote_fail(struct remote *r)
{
	uint32_t	 delay;

	if (r->bo.failures == 0)
		log_warnx("syslog output %s:%u (%s): %s; retrying", r->host, r->port,
		    transport_names[r->transport], r->last_error);
	else
		log_debug(LOG_SUB_SYSLOG, "syslog output %s:%u: %s", r->host, r->port,
		    r->last_error);
	r->failures++;
	remote_close(r);
	output_queue_rewind(r->q);
	r->st = R_WAIT;
	delay = output_backoff_next(&r->bo);
	loop_timer_add(r->timer, delay);
}

/* Confirms what the peer acknowledged; polls again while some is outstanding. */
static void
remote_ack(struct remote *r)
{
	struct output_queue_stats	 st;
	int				 outq = 0;

	if (r->transport == CONFIG_SYSLOG_UDP) {
		output_queue_ack(r->q, UINT64_MAX);
		return;
	}
#ifdef SIOCOUTQ
	if (ioctl(r->fd, SIOCOUTQ, &outq) == -1)
		outq = 0;
#endif
	output_queue_ack(r->q, r->wire - (uint64_t)(outq > 0 ? outq : 0));
	output_queue_stats(r->q, &st);
	if (st.inflight > 0 && !loop_event_pending(r->timer))
		loop_timer_add(r->timer, ACK_POLL_MS);
}

static void
want_write(struct remote *r)
{
	if (r->wev != NULL && !loop_event_pending(r->wev))
		loop_event_add(r->wev, NULL);
}

/* Writes one message chunk; 1 written, 0 would block, -1 failed (handled). */
static int
remote_write(struct remote *r, const uint8_t *p, size_t len)
{
	ssize_t	 n;
	int	 tries = 0;

#ifdef HAVE_TLS
	if (r->tls != NULL) {
		n = tls_conn_write(r->tls, p, len);
		if (n == TLS_WANT_WRITE || n == TLS_WANT_READ) {
			if (n == TLS_WANT_WRITE)
				want_write(r);
			return 0;
		}
		if (n < 0) {
			remote_error(r, tls_conn_error(r->tls), 0);
			remote_fail(r);
			return -1;
		}
		output_queue_written(r->q, (size_t)n, r->wire);
		return 1;
	}
#endif
again:
	n = send(r->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			want_write(r);
			return 0;
		}
		if (errno == EINTR)
			goto again;
		if (r->transport == CONFIG_SYSLOG_UDP) {
			/* an ICMP error of an earlier datagram is reported once */
			if (tries++ == 0 && errno == ECONNREFUSED)
				goto again;
			r->send_errors++;
			remote_error(r, "send", errno);
			output_queue_written(r->q, len, r->wire);
			return 1;
		}
		remote_error(r, "send", errno);
		remote_fail(r);
		return -1;
	}
	r->wire += (uint64_t)n;
	output_queue_written(r->q, (size_t)n, r->wire);
	return 1;
}

static void
remote_flush(struct remote *r)
{
	const uint8_t	*p;
	size_t		 len;
	int		 rv;

	if (r->st != R_UP)
		return;
	while (output_queue_peek(r->q, &p, &len)) {
		if ((rv = remote_write(r, p, len)) == -1)
			return;
		if (rv == 0)
			break;
	}
	remote_ack(r);
}

/* Reads (and ignores) what the receiver sends; notices a closed connection. */
static int
remote_drain(struct remote *r)
{
	uint8_t	 buf[512];
	ssize_t	 n;
#ifdef HAVE_TLS
	int	 rv;

	if (r->tls != NULL) {
		rv = tls_conn_drain(r->tls);
		if (rv == TLS_CLOSED || rv == TLS_ERROR) {
			remote_error(r, rv == TLS_CLOSED ? "connection closed by the receiver"
			    : tls_conn_error(r->tls), 0);
			return -1;
		}
		return 0;
	}
#endif
	for (;;) {
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0) {
			remote_error(r, "connection closed by the receiver", 0);
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		remote_error(r, "recv", errno);
		return -1;
	}
}

static void
remote_up(struct remote *r)
{
	r->st = R_UP;
	r->connects++;
	loop_event_del(r->timer);	/* the connect/handshake deadline */
	output_backoff_reset(&r->bo);
	log_info("syslog output %s:%u (%s): connected", r->host, r->port,
	    transport_names[r->transport]);
	remote_flush(r);
}

#ifdef HAVE_TLS
static void
remote_handshake(struct remote *r)
{
	int	 rv = tls_conn_handshake(r->tls);

	if (rv == TLS_WANT_WRITE) {
		want_write(r);
		return;
	}
	if (rv == TLS_WANT_READ)
		return;
	if (rv != TLS_OK) {
		if (tls_conn_verify_failed(r->tls))
			r->verify_failures++;
		remote_error(r, tls_conn_error(r->tls), 0);
		remote_fail(r);
		return;
	}
	remote_up(r);
}
#endif

static void
remote_connected(struct remote *r)
{
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		remote_error(r, "connect", err);
		remote_fail(r);
		return;
	}
#ifdef HAVE_TLS
	if (r->transport == CONFIG_SYSLOG_TLS) {
		r->tls = tls_conn_new(r->tlscfg, r->fd, r->server_name ? r->server_name :
		    r->host, &r->wire);
		if (r->tls == NULL) {
			remote_error(r, "TLS session setup failed", 0);
			remote_fail(r);
			return;
		}
		r->st = R_HANDSHAKE;
		loop_timer_add(r->timer, CONNECT_MS);
		remote_handshake(r);
		return;
	}
#endif
	remote_up(r);
}

static void
remote_io(int fd, short what, void *arg)
{
	struct remote	*r = arg;

	(void)fd;
	switch (r->st) {
	case R_CONNECTING:
		if (what & LOOP_WRITE)
			remote_connected(r);
		break;
	case R_HANDSHAKE:
#ifdef HAVE_TLS
		remote_handshake(r);
#endif
		break;
	case R_UP:
		if ((what & LOOP_READ) && r->transport != CONFIG_SYSLOG_UDP &&
		    remote_drain(r) == -1) {
			remote_fail(r);
			return;
		}
		remote_flush(r);
		break;
	case R_WAIT:
	case R_RESOLVING:
		break;
	}
}

static void
remote_timer(int fd, short what, void *arg)
{
	struct remote	*r = arg;

	(void)fd;
	(void)what;
	switch (r->st) {
	case R_WAIT:
		remote_connect(r);
		break;
	case R_RESOLVING:
		/* the lookup goes on (and is ignored): the next try starts another */
		snprintf(r->last_error, sizeof(r->last_error), "%s: name lookup timed out",
		    r->host);
		remote_fail(r);
		break;
	case R_CONNECTING:
		/* a lost SYN is retried by the kernel for minutes: we retry sooner */
		remote_error(r, "connect timed out", 0);
		remote_fail(r);
		break;
	case R_HANDSHAKE:
		/* a receiver that accepts and says nothing would hold us forever */
		remote_error(r, "TLS handshake timed out", 0);
		remote_fail(r);
		break;
	case R_UP:
		remote_flush(r);
		break;
	}
}

/*
 * A receiver that vanished (power off, a firewall dropping the flow) sends no RST:
 * with data outstanding the kernel would retransmit for ~15 minutes, idle it would
 * never notice. Both are cut to about a minute, so the queue is kept and resent
 * to a restarted receiver instead of being counted delivered into a dead socket.
 */
static void
stream_timeouts(int fd)
{
	if (loop_sock_keepalive(fd, 30, 10, 3) == -1)
		return;
#ifdef TCP_USER_TIMEOUT
	{
		unsigned int ut = USER_TIMEOUT_MS;

		(void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
	}
#endif
}

static void	remote_dial(struct remote *, const struct sockaddr_storage *, socklen_t);

static void
on_resolved(int err, const struct sockaddr *sa, socklen_t salen, void *arg)
{
	struct remote	*r = arg;

	r->res = NULL;
	if (err != 0) {
		snprintf(r->last_error, sizeof(r->last_error), "%s: %s", r->host,
		    gai_strerror(err));
		remote_fail(r);
		return;
	}
	memcpy(&r->addr, sa, salen);
	r->addrlen = salen;
	remote_dial(r, &r->addr, r->addrlen);
}

/*
 * Connects to the remote's address. A host name is looked up once, off the loop
 * (loop_resolve: getaddrinfo may wait half a minute for a DNS server), within the
 * connect deadline, and kept: not looked up again on every reconnect. A failed
 * lookup is retried at the next attempt.
 */
static void
remote_connect(struct remote *r)
{
	struct addrinfo	 hints, *res;
	char		 port[8];

	remote_close(r);
	snprintf(port, sizeof(port), "%u", r->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;	/* asks no server */
	if (r->addrlen == 0 && getaddrinfo(r->host, port, &hints, &res) == 0) {
		if (res->ai_addrlen <= sizeof(r->addr)) {
			memcpy(&r->addr, res->ai_addr, res->ai_addrlen);
			r->addrlen = res->ai_addrlen;
		}
		freeaddrinfo(res);
	}
	if (r->addrlen != 0) {
		remote_dial(r, &r->addr, r->addrlen);
		return;
	}
	r->res = loop_resolve(r->host, port, r->transport == CONFIG_SYSLOG_UDP ?
	    SOCK_DGRAM : SOCK_STREAM, on_resolved, r);
	if (r->res == NULL) {
		snprintf(r->last_error, sizeof(r->last_error), "%s: cannot start the "
		    "name lookup", r->host);
		remote_fail(r);
		return;
	}
	r->st = R_RESOLVING;
	loop_timer_add(r->timer, CONNECT_MS);
}

static void
remote_dial(struct remote *r, const struct sockaddr_storage *ss, socklen_t sslen)
{
	int	 type;

	type = r->transport == CONFIG_SYSLOG_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if ((r->fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		remote_error(r, "socket", errno);
		remote_fail(r);
		return;
	}
	if (type == SOCK_STREAM)
		stream_timeouts(r->fd);
	r->rev = loop_event_new(r->fd, LOOP_READ | LOOP_PERSIST, remote_io, r);
	r->wev = loop_event_new(r->fd, LOOP_WRITE, remote_io, r);
	if (r->rev == NULL || r->wev == NULL) {
		remote_error(r, "out of memory", 0);
		remote_fail(r);
		return;
	}
	if (connect(r->fd, (const struct sockaddr *)ss, sslen) == -1 && errno != EINPROGRESS) {
		remote_error(r, "connect", errno);
		remote_fail(r);
		return;
	}
	if (r->transport != CONFIG_SYSLOG_UDP)
		loop_event_add(r->rev, NULL);
	r->st = R_CONNECTING;
	loop_event_add(r->wev, NULL);
	loop_timer_add(r->timer, CONNECT_MS);
}

static void
remote_free(struct remote *r)
{
	if (r == NULL)
		return;
	remote_close(r);
	loop_event_free(r->timer);
	if (r->q != NULL) {	/* NULL: another remote took the queue over */
		struct output_queue_stats st;

		output_queue_stats(r->q, &st);
		retired_dropped += st.dropped;
	}
	output_queue_free(r->q);
#ifdef HAVE_TLS
	tls_config_free(r->tlscfg);
#endif
	free(r->host);
	free(r->server_name);
	free(r->tmpl);
	free(r->ca_file);
	free(r->cert_file);
	free(r->key_file);
	free(r);
}

/* A remote for c, NULL (why in err) if it cannot work, e.g. unreadable TLS files. */
static struct remote *
remote_new(const struct config_syslog_remote *c, char *err, size_t errlen)
{
	struct remote	*r;
	char		 tlserr[256];

	snprintf(err, errlen, "syslog output %s:%u: out of memory", c->host, c->port);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->fd = -1;
	r->transport = c->transport;
	r->port = c->port;
	r->facility = c->facility;
	r->host = strdup(c->host);
	r->server_name = dup_or_null(c->server_name);
	r->tmpl = dup_or_null(c->template);
	r->ca_file = dup_or_null(c->ca_file);
	r->cert_file = dup_or_null(c->cert_file);
	r->key_file = dup_or_null(c->key_file);
	r->q = output_queue_new(c->queue_size ? c->queue_size : 1000);
	r->timer = loop_timer_new(remote_timer, r);
	output_backoff_init(&r->bo, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	if (r->host == NULL || r->q == NULL || r->timer == NULL) {
		remote_free(r);
		return NULL;
	}
#ifdef HAVE_TLS
	if (r->transport == CONFIG_SYSLOG_TLS && (r->tlscfg = tls_config_new(r->ca_file,
	    r->cert_file, r->key_file, tlserr, sizeof(tlserr))) == NULL) {
		snprintf(err, errlen, "syslog output %s:%u: %s", r->host, r->port, tlserr);
		remote_free(r);
		return NULL;
	}
#else
	(void)tlserr;
	if (r->transport == CONFIG_SYSLOG_TLS) {
		snprintf(err, errlen, "syslog output %s:%u: built without TLS", r->host,
		    r->port);
		remote_free(r);
		return NULL;
	}
#endif
	return r;
}

/*
 * Cuts an oversized message to MSG_MAX bytes inside its MSG part (RFC 5424 6.1:
 * a receiver may truncate, so may we), which is last: the header and structured
 * data stay whole. Their length comes from formatting again with an empty MSG.
 * -1 if even those do not fit.
 */
static int
remote_truncate(struct remote *r, struct wbuf *msg, const struct alert *a,
    enum alert_transition tr, struct output_format *f)
{
	struct wbuf	 head;
	size_t		 hlen, len = msg->len;
	int		 rv;

	wbuf_init(&head, MSG_MAX);
	f->tmpl = "";
	rv = output_format_syslog(&head, a, tr, f);
	hlen = head.len;
	wbuf_free(&head);
	if (rv == -1 || hlen > len)
		return -1;
	/* MSG starts after "... SD " and, if it is not ASCII, the BOM */
	if (len - hlen >= 3 && memcmp(msg->buf + hlen, "\xef\xbb\xbf", 3) == 0)
		hlen += 3;
	if (hlen >= MSG_MAX)
		return -1;
	msg->len = utf8_cut(msg->buf, msg->len, hlen, MSG_MAX);
	r->truncated++;
	truncated_log(r->host, len);
	return 0;
}

static void
remote_send(struct remote *r, const struct alert *a, enum alert_transition tr)
{
	struct output_format	 f;
	struct wbuf		 msg, framed;
	int			 rv;

	memset(&f, 0, sizeof(f));
	f.pen = os.pen;
	f.facility = r->facility >> 3;
	f.hostname = os.hostname[0] ? os.hostname : NULL;
	f.app_name = os.ident ? os.ident : "ixwatch";
	f.tmpl = r->tmpl ? r->tmpl : os.tmpl;
	f.now_ms = now_ms();
	wbuf_init(&msg, 0);	/* cut to MSG_MAX below */
	wbuf_init(&framed, MSG_MAX + 16);
	if (output_format_syslog(&msg, a, tr, &f) == -1 ||
	    (msg.len > MSG_MAX && remote_truncate(r, &msg, a, tr, &f) == -1)) {
		r->format_errors++;
		goto out;
	}
	if (r->transport == CONFIG_SYSLOG_UDP)
		rv = output_queue_push(r->q, msg.buf, msg.len);
	else if (syslog_msg_frame(&framed, msg.buf, msg.len) == -1) {
		r->format_errors++;
		goto out;
	} else
		rv = output_queue_push(r->q, framed.buf, framed.len);
	if (rv != 0 && !r->dropping)
		log_warnx("syslog output %s:%u: queue full (%s), dropping the oldest messages",
		    r->host, r->port, r->last_error[0] ? r->last_error : "receiver slow");
	r->dropping = rv != 0;
	remote_flush(r);
out:
	wbuf_free(&msg);
	wbuf_free(&framed);
}

/* --- module ----------------------------------------------------------------- */

static int
same_target(const struct remote *r, const struct config_syslog_remote *c)
{
	return r->transport == c->transport && r->port == c->port &&
	    strcmp(r->host, c->host) == 0;
}

/* Nothing that matters for the connection or the messages changed. */
static int
same_remote(const struct remote *r, const struct config_syslog_remote *c)
{
	return same_target(r, c) && r->facility == c->facility &&
	    config_str_eq(r->server_name, c->server_name) && config_str_eq(r->tmpl, c->template) &&
	    config_str_eq(r->ca_file, c->ca_file) && config_str_eq(r->cert_file, c->cert_file) &&
	    config_str_eq(r->key_file, c->key_file);
}

/*
 * Phase one of a reload, which touches nothing running: nr[i] is the old remote
 * kept as it is (marked claimed) or a new one. -1 if one could not be built
 * (unreadable TLS files; nr[i] NULL); with partial the others are still built
 * (start-up: there is nothing to keep).
 */
static int
remotes_build(const struct config_outputs *o, struct remote **nr, int partial)
{
	const struct config_syslog_remote	*c;
	char					 err[sizeof(os.config_error)];
	size_t					 i, j;
	int					 rv = 0;

	for (i = 0; i < o->syslog.nremote; i++) {
		c = &o->syslog.remote[i];
		for (j = 0; j < os.nremotes; j++)
			if (!os.remotes[j]->claimed && same_remote(os.remotes[j], c))
				break;
		if (j < os.nremotes) {
			nr[i] = os.remotes[j];
			nr[i]->claimed = 1;
		} else if ((nr[i] = remote_new(c, err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			/* the first reason is the one shown in "show status" */
			if (rv == 0)
				snprintf(os.config_error, sizeof(os.config_error), "%s", err);
			rv = -1;
			if (!partial)
				break;
		}
	}
	return rv;
}

/* A refused reload: the new remotes go, the old ones stay as they were. */
static void
remotes_unbuild(struct remote **nr, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (nr[i] != NULL && nr[i]->claimed)
			nr[i]->claimed = 0;
		else
			remote_free(nr[i]);
	}
}

/* Takes over the queued messages of an old remote for the same target (not kept). */
static void
remote_adopt(struct remote *r, const struct config_syslog_remote *c)
{
	size_t	 j;

	for (j = 0; j < os.nremotes; j++) {
		if (os.remotes[j] == NULL || os.remotes[j]->claimed ||
		    !same_target(os.remotes[j], c))
			continue;
		output_queue_free(r->q);
		r->q = os.remotes[j]->q;
		os.remotes[j]->q = NULL;
		output_queue_rewind(r->q);
		remote_free(os.remotes[j]);
		os.remotes[j] = NULL;
		return;
	}
}

/*
 * Phase two, which cannot fail: kept remotes keep their connection, a new one for
 * the same target takes over the old one's queue, the other old ones are freed.
 */
static void
remotes_swap(const struct config_outputs *o, struct remote **nr)
{
	const struct config_syslog_remote	*c;
	size_t					 i, j, n = 0;

	for (i = 0; i < o->syslog.nremote; i++) {
		c = &o->syslog.remote[i];
		if (nr[i] != NULL && !nr[i]->claimed)
			remote_adopt(nr[i], c);
	}
	for (j = 0; j < os.nremotes; j++)
		if (os.remotes[j] != NULL && !os.remotes[j]->claimed)
			remote_free(os.remotes[j]);
	for (i = 0; i < o->syslog.nremote; i++) {
		if (nr[i] == NULL)
			continue;
		nr[i]->claimed = 0;
		c = &o->syslog.remote[i];
		output_queue_resize(nr[i]->q, c->queue_size ? c->queue_size : 1000);
		nr[n++] = nr[i];
	}
	free(os.remotes);
	os.remotes = nr;
	os.nremotes = n;
	for (i = 0; i < n; i++)
		if (os.remotes[i]->fd == -1 && !loop_event_pending(os.remotes[i]->timer))
			remote_connect(os.remotes[i]);
}

/*
 * A reload is all or nothing for the remotes: if one of them cannot be built, the
 * running ones stay as they are, queues and connections included, rather than
 * losing a working receiver (and what is queued for it) to a typo in a ca-file
 * path. The daemon only logs a module's failed reload and keeps the new config,
 * so the reason is also shown in "show status" (syslog.config_error).
 */
static int
configure(const struct config *conf, int partial)
{
	const struct config_outputs	*o = &conf->outputs;
	struct remote			**nr = NULL;
	int				 rv;

	if (o->syslog.nremote > 0 &&
	    (nr = calloc(o->syslog.nremote, sizeof(*nr))) == NULL) {
		snprintf(os.config_error, sizeof(os.config_error), "out of memory");
		return -1;
	}
	if ((rv = remotes_build(o, nr, partial)) == -1 && !partial) {
		remotes_unbuild(nr, o->syslog.nremote);
		free(nr);
		log_warnx("syslog output: reload not applied, the running remotes are kept");
		return -1;
	}
	/* start-up with a broken remote: the others run, the reason stays shown */
	if (rv == 0)
		os.config_error[0] = '\0';
	free(os.ident);
	free(os.tmpl);
	os.enabled = o->syslog.enabled;
	os.facility = o->syslog.facility;
	os.ident = dup_or_null(o->syslog.ident);
	os.tmpl = dup_or_null(o->syslog.template);
	os.pen = o->snmp.enterprise ? o->snmp.enterprise : OUTPUT_DEFAULT_PEN;
	if (gethostname(os.hostname, sizeof(os.hostname) - 1) == -1)
		os.hostname[0] = '\0';
	if (os.enabled)
		local_open();
	else
		local_close();
	remotes_swap(o, nr);
	return rv;
}

int
output_syslog_start(const struct config *conf)
{
	return configure(conf, 1);
}

int
output_syslog_reload(const struct config *conf)
{
	return configure(conf, 0);
}

void
output_syslog_stop(void)
{
	size_t	 i;

	/* one last non-blocking attempt for what is still queued */
	for (i = 0; i < os.nremotes; i++) {
		remote_flush(os.remotes[i]);
		remote_free(os.remotes[i]);
	}
	free(os.remotes);
	os.remotes = NULL;
	os.nremotes = 0;
	local_close();
	free(os.ident);
	free(os.tmpl);
	os.ident = os.tmpl = NULL;
	os.config_error[0] = '\0';
}

void
output_syslog_alert(const struct alert *a, enum alert_transition tr)
{
	size_t	 i;

	if (os.enabled)
		local_send(a, tr);
	for (i = 0; i < os.nremotes; i++)
		remote_send(os.remotes[i], a, tr);
}

uint64_t
output_syslog_retired_dropped(void)
{
	return retired_dropped;
}

int
output_syslog_remote_stats(size_t i, struct output_queue_stats *st, int *up)
{
	if (i >= os.nremotes)
		return -1;
	output_queue_stats(os.remotes[i]->q, st);
	*up = os.remotes[i]->st == R_UP;
	return 0;
}

void
output_syslog_status(struct json *j)
{
	struct output_queue_stats	 st;
	size_t				 i;

	json_object_open(j, "syslog");
	json_bool(j, "local", os.enabled);
	json_uint(j, "local_sent", os.local_sent);
	json_uint(j, "local_errors", os.local_errors);
	json_uint(j, "local_truncated", os.local_truncated);
	json_string(j, "config_error", os.config_error);
	json_array_open(j, "remote");
	for (i = 0; i < os.nremotes; i++) {
		struct remote *r = os.remotes[i];
		output_queue_stats(r->q, &st);
		json_object_open(j, NULL);
		json_string(j, "host", r->host);
		json_uint(j, "port", r->port);
		json_string(j, "transport", transport_names[r->transport]);
		json_string(j, "state", rstate_names[r->st]);
		json_uint(j, "queued", st.queued);
		json_uint(j, "inflight", st.inflight);
		json_uint(j, "enqueued", st.enqueued);
		json_uint(j, "delivered", st.delivered);
		json_uint(j, "unconfirmed", st.unconfirmed);
		json_uint(j, "dropped", st.dropped);
		json_uint(j, "resent", st.resent);
		json_uint(j, "connects", r->connects);
		json_uint(j, "failures", r->failures);
		json_uint(j, "verify_failures", r->verify_failures);
		json_uint(j, "send_errors", r->send_errors);
		json_uint(j, "format_errors", r->format_errors);
		json_uint(j, "truncated", r->truncated);
		json_string(j, "last_error", r->last_error);
		json_close(j);
	}
	json_close(j);
	json_close(j);
}
