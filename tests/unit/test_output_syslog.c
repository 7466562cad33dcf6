/*
 * output_syslog over TCP on the real loop: a receiver (a forked child) that does not
 * read until told to, so the kernel buffers fill: emitting thousands of alerts never
 * blocks (messages wait in the queue), and once the receiver reads, every message
 * arrives exactly once, in order, as an RFC 6587 octet-counted frame. A message
 * over 8192 bytes is truncated within its MSG, on a UTF-8 boundary, both remote
 * (RFC 5424 6.1) and local, and counted.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include "agent/config.h"
#include "agent/json.h"
#include "agent/loop.h"
#include "agent/output_queue.h"
#include "agent/output_syslog.h"
#include "bgp/prefix.h"
#include "tests/unit/ut.h"

#define NMSG	10000

static pid_t		 child;
static int		 child_status = -1;
static struct loop_event *poll_ev;

/* Child: accept, wait, then read NMSG frames and check their order by id. */
static int
receiver(int lfd, int go)
{
	static char	 buf[1 << 16];
	size_t		 have = 0, off;
	unsigned	 want = 1, id, len;
	char		*p, *e;
	int		 fd;
	ssize_t		 n;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return 2;
	/* the sender's buffers fill until the parent says go (or dies) */
	if (read(go, buf, 1) == -1)
		return 6;
	while (want <= NMSG) {
		if ((n = read(fd, buf + have, sizeof(buf) - have)) <= 0)
			return 3;
		have += (size_t)n;
		off = 0;
		for (;;) {
			/* "LEN SP MSG" */
			p = memchr(buf + off, ' ', have - off);
			if (p == NULL)
				break;
			len = (unsigned)strtoul(buf + off, &e, 10);
			if (e != p || len == 0)
				return 4;
			if ((size_t)(p + 1 - buf) + len > have)
				break;
			if ((e = memmem(p + 1, len, " id=\"", 5)) == NULL ||
			    sscanf(e + 5, "%u", &id) != 1 || id != want)
				return 5;
			want++;
			off = (size_t)(p + 1 - buf) + len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	return 0;
}

static void
poll_child(int fd, short what, void *arg)
{
	int	 st;

	(void)fd;
	(void)what;
	(void)arg;
	if (waitpid(child, &st, WNOHANG) == child) {
		child_status = WIFEXITED(st) ? WEXITSTATUS(st) : 100;
		loop_exit();
		return;
	}
	loop_timer_add(poll_ev, 20);
}

static void
on_deadline(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	loop_exit();
}

static void
wait_up(void)
{
	struct output_queue_stats	 st;
	struct loop_event		*t = loop_timer_new(on_deadline, NULL);
	int				 up = 0, i;

	for (i = 0; i < 100 && !up; i++) {
		loop_timer_add(t, 50);
		loop_run();
		UT_EQ_INT(output_syslog_remote_stats(0, &st, &up), 0);
	}
	loop_event_free(t);
	UT_ASSERT(up);
}

static void
backpressure_in_order(void)
{
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	struct config_error		 ce;
	struct config			*conf;
	struct output_queue_stats	 st;
	struct loop_event		*deadline;
	struct alert			 a;
	char				 yml[512];
	int				 lfd, up, i;

	int				 small = 4096, go[2];

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	/* a small receive window, inherited by the accepted socket */
	UT_EQ_INT(setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	UT_EQ_INT(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	UT_EQ_INT(listen(lfd, 1), 0);
	UT_EQ_INT(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	UT_EQ_INT(pipe(go), 0);
	if ((child = fork()) == 0) {
		close(go[1]);
		_exit(receiver(lfd, go[0]));
	}
	close(go[0]);
	close(lfd);
	snprintf(yml, sizeof(yml), "outputs:\n  syslog:\n    enabled: false\n"
	    "    remote:\n      - transport: tcp\n        address: 127.0.0.1\n"
	    "        port: %u\n        queue-size: %u\n", ntohs(sin.sin_port), NMSG);
	memset(&ce, 0, sizeof(ce));
	conf = config_load_mem(yml, strlen(yml), "test.yml", &ce);
	UT_ASSERT(conf != NULL);
	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(output_syslog_start(conf), 0);
	wait_up();

	memset(&a, 0, sizeof(a));
	alert_key_init(&a.key, ALERT_RULE_AS_PATH, "AS64500", 64501, 0, NULL);
	a.severity = ALERT_SEV_WARNING;
	memset(a.description, 'x', sizeof(a.description) - 1);
	for (i = 1; i <= NMSG; i++) {
		a.id = (uint32_t)i;
		output_syslog_alert(&a, ALERT_TR_RAISED);
	}
	/* about 7 MB: more than the kernel buffers take while nobody reads */
	UT_EQ_INT(output_syslog_remote_stats(0, &st, &up), 0);
	UT_ASSERT(st.queued > st.inflight);	/* some wait in the queue: no blocking */
	UT_EQ_INT(st.dropped, 0);

	/* the receiver starts reading; the loop drains the queue */
	UT_EQ_INT(write(go[1], "g", 1), 1);
	poll_ev = loop_timer_new(poll_child, NULL);
	deadline = loop_timer_new(on_deadline, NULL);
	loop_timer_add(poll_ev, 20);
	loop_timer_add(deadline, 30000);
	loop_run();
	UT_EQ_INT(child_status, 0);
	UT_EQ_INT(output_syslog_remote_stats(0, &st, &up), 0);
	UT_EQ_INT(st.dropped, 0);
	UT_EQ_INT(st.enqueued, NMSG);
	loop_event_free(poll_ev);
	loop_event_free(deadline);
	output_syslog_stop();
	config_free(conf);
	loop_free();
	close(go[1]);
}


/* Reads one octet-counted frame ("LEN SP MSG") from a blocking stream socket. */
static size_t
read_frame(int fd, char *buf, size_t len)
{
	size_t	 n = 0, want;
	char	 c;

	for (;;) {
		UT_EQ_INT(read(fd, &c, 1), 1);
		if (c == ' ')
			break;
		UT_ASSERT(c >= '0' && c <= '9');
		n = n * 10 + (size_t)(c - '0');
	}
	UT_ASSERT(n <= len);
	for (want = 0; want < n; ) {
		ssize_t r = read(fd, buf + want, n - want);
		UT_ASSERT(r > 0);
		want += (size_t)r;
	}
	return n;
}

/* The end of a cut MSG: whole "é" characters, nothing after the last one. */
static void
check_cut(const char *buf, size_t len)
{
	UT_ASSERT(len >= 2 && len <= 8192);
	UT_ASSERT(len > 8100);	/* cut near the limit, not emptied */
	UT_EQ_MEM(buf + len - 2, "\xc3\xa9", 2);
}

static void
truncate_long_message(void)
{
	struct sockaddr_in		 sin;
	struct sockaddr_un		 sun;
	socklen_t			 slen = sizeof(sin);
	struct config_error		 ce;
	struct config			*conf;
	struct alert			 a;
	struct json			*j;
	struct wbuf			 out;
	struct timeval			 tv = { 5, 0 };
	static char			 yml[32768], buf[16384], dir[] = "/tmp/ixwut.XXXXXX";
	char				*p;
	int				 lfd, lg, fd, i;
	size_t				 n;
	ssize_t				 dn;

	/* a TCP receiver, accepted once the message is out */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	UT_EQ_INT(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	UT_EQ_INT(listen(lfd, 1), 0);
	UT_EQ_INT(getsockname(lfd, (struct sockaddr *)&sin, &slen), 0);
	/* and a private log socket for the local output */
	UT_ASSERT(mkdtemp(dir) != NULL);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/log", dir);
	lg = socket(AF_UNIX, SOCK_DGRAM, 0);
	UT_EQ_INT(bind(lg, (struct sockaddr *)&sun, sizeof(sun)), 0);
	n = 32768;
	UT_EQ_INT(setsockopt(lg, SOL_SOCKET, SO_RCVBUF, &n, sizeof(int)), 0);
	setenv("IXWATCH_LOG_SOCKET", sun.sun_path, 1);

	/* about 10 kB of two-byte characters after an ASCII start */
	p = yml + snprintf(yml, sizeof(yml), "outputs:\n  syslog:\n    enabled: true\n"
	    "    template: \"BEGIN ${id} ");
	for (i = 0; i < 5000; i++)
		p += snprintf(p, sizeof(yml) - (size_t)(p - yml), "\xc3\xa9");
	snprintf(p, sizeof(yml) - (size_t)(p - yml), "\"\n    remote:\n"
	    "      - transport: tcp\n        address: 127.0.0.1\n        port: %u\n",
	    ntohs(sin.sin_port));
	memset(&ce, 0, sizeof(ce));
	conf = config_load_mem(yml, strlen(yml), "test.yml", &ce);
	UT_ASSERT(conf != NULL);
	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(output_syslog_start(conf), 0);
	wait_up();

	memset(&a, 0, sizeof(a));
	alert_key_init(&a.key, ALERT_RULE_AS_PATH, "AS64500", 64501, 0, NULL);
	a.severity = ALERT_SEV_WARNING;
	a.id = 7;
	output_syslog_alert(&a, ALERT_TR_RAISED);

	/* remote: the header and structured data whole, then BOM, start, cut MSG */
	fd = accept(lfd, NULL, NULL);
	UT_ASSERT(fd != -1);
	/* a dropped message fails here, not at the case's alarm */
	UT_EQ_INT(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	n = read_frame(fd, buf, sizeof(buf));
	check_cut(buf, n);
	UT_ASSERT(memmem(buf, n, " id=\"7\"", 7) != NULL);
	UT_ASSERT(memmem(buf, n, "] \xef\xbb\xbf" "BEGIN 7 \xc3\xa9", 13) != NULL);

	/* local: the line is cut the same way instead of losing its text */
	dn = recv(lg, buf, sizeof(buf), MSG_DONTWAIT);
	UT_ASSERT(dn > 0);
	check_cut(buf, (size_t)dn);
	UT_ASSERT(memmem(buf, (size_t)dn, "]: BEGIN 7 \xc3\xa9", 13) != NULL);

	/* counted in the status */
	j = json_new();
	output_syslog_status(j);
	wbuf_init(&out, 0);
	UT_EQ_INT(json_render(j, JSON_STYLE_JSON, &out), 0);
	wbuf_put_u8(&out, 0);
	UT_ASSERT(strstr((char *)out.buf, "\"local_truncated\":1") != NULL);
	UT_ASSERT(strstr((char *)out.buf, "\"truncated\":1") != NULL);
	UT_ASSERT(strstr((char *)out.buf, "\"format_errors\":0") != NULL);
	wbuf_free(&out);
	json_free(j);

	close(fd);
	close(lfd);
	close(lg);
	unlink(sun.sun_path);
	rmdir(dir);
	output_syslog_stop();
	config_free(conf);
	loop_free();
}

/*
 * A remote a reload removes takes its queue along, but not its drops out of the
 * daemon's total (ixwatchSyslogDropped is a Counter64: it must not go back).
 */
static void
retired_drops(void)
{
	struct config_error		 ce;
	struct config			*c1, *c2;
	struct output_queue_stats	 st;
	struct alert			 a;
	char				 yml[512];
	int				 up, i;

	/* port 9 of 127.0.0.1: nothing listens, the messages wait in the queue */
	snprintf(yml, sizeof(yml), "outputs:\n  syslog:\n    enabled: false\n"
	    "    remote:\n      - transport: tcp\n        address: 127.0.0.1\n"
	    "        port: 9\n        queue-size: 2\n");
	memset(&ce, 0, sizeof(ce));
	UT_ASSERT((c1 = config_load_mem(yml, strlen(yml), "test.yml", &ce)) != NULL);
	snprintf(yml, sizeof(yml), "outputs:\n  syslog:\n    enabled: false\n");
	UT_ASSERT((c2 = config_load_mem(yml, strlen(yml), "test.yml", &ce)) != NULL);
	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(output_syslog_start(c1), 0);
	memset(&a, 0, sizeof(a));
	alert_key_init(&a.key, ALERT_RULE_AS_PATH, "AS64500", 64501, 0, NULL);
	for (i = 1; i <= 5; i++) {
		a.id = (uint32_t)i;
		output_syslog_alert(&a, ALERT_TR_RAISED);
	}
	UT_EQ_INT(output_syslog_remote_stats(0, &st, &up), 0);
	UT_EQ_INT(st.dropped, 3);
	UT_EQ_INT(output_syslog_retired_dropped(), 0);
	UT_EQ_INT(output_syslog_reload(c2), 0);
	UT_EQ_INT(output_syslog_remote_stats(0, &st, &up), -1);	/* gone */
	UT_EQ_INT(output_syslog_retired_dropped(), 3);
	output_syslog_stop();
	config_free(c1);
	config_free(c2);
	loop_free();
}

UT_MAIN(
	UT_CASE(backpressure_in_order),
	UT_CASE(truncate_long_message),
	UT_CASE(retired_drops),
)
