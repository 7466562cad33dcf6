/*
 * The control socket server on the event loop: a non-blocking AF_UNIX listener and
 * up to CONTROL_MAX_CLIENTS clients, each with a bounded input buffer. One request is
 * answered at a time per client (no reading while a reply is pending), so a client
 * that does not read its replies holds at most one reply in memory. A client that
 * sends garbage gets an ERR reply and is closed; the others are not affected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "agent/control.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "bgp/buf.h"

struct client {
	int			 fd;
	struct loop_event	*rev, *wev;
	uint8_t			 in[CONTROL_MAX_REQUEST + 2];
	size_t			 inlen;
	struct wbuf		 out;
	size_t			 outoff;
	int			 closing;	/* close once out is written */
	LIST_ENTRY(client)	 entry;
};

static int			 listen_fd = -1;
static struct loop_event	*listen_ev;
static char			*sock_path;
static LIST_HEAD(, client)	 clients = LIST_HEAD_INITIALIZER(clients);
static int			 nclients;

static void	 client_read(int, short, void *);
static void	 client_write(int, short, void *);

static void
client_free(struct client *c)
{
	LIST_REMOVE(c, entry);
	nclients--;
	loop_event_free(c->rev);
	loop_event_free(c->wev);
	close(c->fd);
	wbuf_free(&c->out);
	free(c);
	log_debug(LOG_SUB_CTL, "control client closed (%d left)", nclients);
}

static unsigned	idle_seconds = CONTROL_IDLE_SECONDS;

void
control_set_idle(unsigned seconds)
{
	idle_seconds = seconds;
}

/*
 * Read only when no reply is pending. The idle timeout runs while reading and
 * while a reply waits for the client to read it: one that sends requests and
 * never reads the replies would otherwise hold its slot (and its reply) for
 * good, and CONTROL_MAX_CLIENTS of them lock everybody out.
 */
static void
client_arm(struct client *c)
{
	struct timeval	 idle = { (time_t)idle_seconds, 0 };

	if (c->out.len > c->outoff) {
		loop_event_del(c->rev);
		loop_event_add(c->wev, &idle);
	} else {
		loop_event_del(c->wev);
		loop_event_add(c->rev, &idle);
	}
}

/* Answers every complete request in the input buffer (one at a time). */
static void
client_process(struct client *c)
{
	struct control_request	 req;
	enum control_parse	 pr;
	size_t			 used;

	while (!c->closing && c->out.len == c->outoff && c->inlen > 0) {
		wbuf_reset(&c->out);
		c->outoff = 0;
		pr = control_request_parse(c->in, c->inlen, &used, &req);
		if (pr == CONTROL_PARSE_MORE)
			break;
		memmove(c->in, c->in + used, c->inlen - used);
		c->inlen -= used;
		if (pr == CONTROL_PARSE_OK) {
			log_debug(LOG_SUB_CTL, "control request: %s%s",
			    req.json ? "--json " : "", req.argc > 0 ? req.argv[0] : "");
			control_execute(&req, &c->out);
		} else {
			control_frame_error(&c->out, req.json, control_parse_str(pr));
			if (pr == CONTROL_PARSE_TOO_LONG || pr == CONTROL_PARSE_BAD_BYTES) {
				log_debug(LOG_SUB_CTL, "control client: %s, closing",
				    control_parse_str(pr));
				c->closing = 1;
			}
		}
		if (c->out.err) {
			wbuf_reset(&c->out);
			control_frame_error(&c->out, req.json, "reply too large");
		}
	}
}

static void
client_read(int fd, short what, void *arg)
{
	struct client	*c = arg;
	ssize_t		 n;

	if (what & LOOP_TIMEOUT) {
		client_free(c);
		return;
	}
	n = read(fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_free(c);
		return;
	}
	c->inlen += (size_t)n;
	client_process(c);
	if (!c->closing && c->out.len == c->outoff && c->inlen == sizeof(c->in)) {
		/* a full buffer without a complete line cannot become one */
		control_frame_error(&c->out, 0, control_parse_str(CONTROL_PARSE_TOO_LONG));
		c->closing = 1;
	}
	client_arm(c);
}

static void
client_write(int fd, short what, void *arg)
{
	struct client	*c = arg;
	ssize_t		 n;

	if (what & LOOP_TIMEOUT) {
		log_debug(LOG_SUB_CTL, "control client reads no reply for %us: closing",
		    idle_seconds);
		client_free(c);
		return;
	}
	n = write(fd, c->out.buf + c->outoff, c->out.len - c->outoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		client_free(c);
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff < c->out.len)
		return;
	if (c->closing) {
		client_free(c);
		return;
	}
	wbuf_reset(&c->out);
	c->outoff = 0;
	client_process(c);
	client_arm(c);
}

static void
reject(int fd)
{
	struct wbuf	 out;

	wbuf_init(&out, 0);
	control_frame_error(&out, 0, "too many control clients");
	if (!out.err && write(fd, out.buf, out.len) == -1)
		log_debug(LOG_SUB_CTL, "control: rejecting a client: %s", strerror(errno));
	wbuf_free(&out);
	close(fd);
}

static void
on_accept(int lfd, short what, void *arg)
{
	struct client	*c;
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control: accept");
		return;
	}
	if (nclients >= CONTROL_MAX_CLIENTS) {
		reject(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->fd = fd;
	wbuf_init(&c->out, 0);
	c->rev = loop_event_new(fd, LOOP_READ | LOOP_PERSIST, client_read, c);
	c->wev = loop_event_new(fd, LOOP_WRITE | LOOP_PERSIST, client_write, c);
	LIST_INSERT_HEAD(&clients, c, entry);
	nclients++;
	if (c->rev == NULL || c->wev == NULL) {
		client_free(c);
		return;
	}
	client_arm(c);
	log_debug(LOG_SUB_CTL, "control client connected (%d)", nclients);
}

/* Binds path, replacing a stale socket (the pidfile lock guarantees we are alone). */
static int
bind_path(const char *path, mode_t mode)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control socket %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("control socket %s: cannot remove the old one", path);
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("control socket %s: bind", path);
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, mode) == -1) {
		log_warn("control socket %s: chmod", path);
		close(fd);
		return -1;
	}
	return fd;
}

int
control_listen(const char *path, mode_t mode, gid_t gid)
{
	if ((listen_fd = bind_path(path, mode)) == -1)
		return -1;
	if ((sock_path = strdup(path)) == NULL) {
		log_warnx("control socket %s: out of memory", path);
		goto fail;
	}
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1) {
		log_warn("control socket %s: chgrp to %ld", path, (long)gid);
		goto fail;
	}
	if (listen(listen_fd, 16) == -1) {
		log_warn("control socket %s: listen", path);
		goto fail;
	}
	if ((listen_ev = loop_event_new(listen_fd, LOOP_READ | LOOP_PERSIST, on_accept,
	    NULL)) == NULL || loop_event_add(listen_ev, NULL) == -1) {
		log_warnx("control socket %s: cannot add it to the loop", path);
		goto fail;
	}
	log_debug(LOG_SUB_CTL, "control socket %s mode %04o", path, (unsigned)mode);
	return 0;
fail:
	control_close(1);
	return -1;
}

int
control_nclients(void)
{
	return nclients;
}

const char *
control_path(void)
{
	return sock_path;
}

void
control_close(int unlink_path)
{
	struct client	*c;

	while ((c = LIST_FIRST(&clients)) != NULL)
		client_free(c);
	loop_event_free(listen_ev);
	listen_ev = NULL;
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	if (unlink_path && sock_path != NULL && unlink(sock_path) == -1)
		log_debug(LOG_SUB_CTL, "control socket %s: unlink: %s", sock_path,
		    strerror(errno));
	free(sock_path);
	sock_path = NULL;
}
