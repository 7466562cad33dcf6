/*
 * output_syslog over TCP on the real loop: a receiver (a forked child) that does not
 * read until told to, so the kernel buffers fill: emitting thousands of alerts never
 * blocks (messages wait in the queue), and once the receiver reads, every message
 * arrives exactly once, in order, as an RFC 6587 octet-counted frame.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <unistd.h>

#include "agent/config.h"
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

UT_MAIN(
	UT_CASE(backpressure_in_order),
)
