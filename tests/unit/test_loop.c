/* agent/loop.c: fd events, timers, deferred calls, signals and the module table order. */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <signal.h>
#include <unistd.h>

#include "agent/json.h"
#include "agent/loop.h"
#include "bgp/buf.h"
#include "tests/unit/ut.h"

static char	 trace[256];

static void
note(const char *s)
{
	strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static void
on_timer(int fd, short what, void *arg)
{
	UT_ASSERT(what & LOOP_TIMEOUT);
	note(arg);
	loop_exit();
}

static void
deferred(void *arg)
{
	note(arg);
}

static void
on_read(int fd, short what, void *arg)
{
	char	 c;

	UT_ASSERT(what & LOOP_READ);
	UT_EQ_INT(read(fd, &c, 1), 1);
	note("r");
	UT_EQ_INT(loop_defer(deferred, "d"), 0);
	note("R");	/* the deferred call runs after this callback returns */
}

static void
events(void)
{
	struct loop_event	*rev, *t;
	int			 p[2];

	UT_EQ_INT(pipe(p), 0);
	UT_EQ_INT(loop_init(), 0);
	UT_ASSERT(loop_now() > 0);
	rev = loop_event_new(p[0], LOOP_READ | LOOP_PERSIST, on_read, NULL);
	t = loop_timer_new(on_timer, "t");
	UT_ASSERT(rev != NULL && t != NULL);
	UT_EQ_INT(loop_event_add(rev, NULL), 0);
	UT_ASSERT(loop_event_pending(rev));
	UT_EQ_INT(loop_timer_add(t, 100), 0);
	UT_EQ_INT(write(p[1], "xx", 2), 2);
	UT_EQ_INT(loop_run(), 0);
	UT_EQ_STR(trace, "rRdrRdt");	/* both bytes read (persist), then the timer */
	loop_event_del(rev);
	UT_ASSERT(!loop_event_pending(rev));
	loop_event_free(rev);
	loop_event_free(t);
	loop_event_free(NULL);
	UT_EQ_INT(loop_defer(deferred, "never"), 0);	/* freed by loop_free */
	loop_free();
}

static void
hup(void)
{
	note("H");
}

static void
raise_term(int fd, short what, void *arg)
{
	raise(SIGHUP);
	raise(SIGTERM);
}

static void
signals(void)
{
	struct loop_event	*t;

	UT_EQ_INT(loop_init(), 0);
	loop_on_sighup(hup);
	t = loop_timer_new(raise_term, NULL);
	UT_EQ_INT(loop_timer_add(t, 10), 0);
	UT_EQ_INT(raise(SIGPIPE), 0);	/* ignored */
	UT_EQ_INT(loop_run(), 0);	/* SIGTERM ends it */
	UT_EQ_STR(trace, "H");
	loop_event_free(t);
	loop_free();
}

static int
bind_a(const struct config *c)
{
	note("ba");
	return 0;
}

static int
bind_b(const struct config *c)
{
	note("bb");
	return 0;
}

static int
start_a(const struct config *c)
{
	note("sa");
	return 0;
}

static int
reload_a(const struct config *n, const struct config *o)
{
	note("ra");
	return -1;
}

static int
reload_b(const struct config *n, const struct config *o)
{
	note("rb");
	return 0;
}

static void
stop_a(void)
{
	note("xa");
}

static void
stop_b(void)
{
	note("xb");
}

static int
fail_bind(const struct config *c)
{
	note("F");
	return -1;
}

static void
status_a(struct json *j)
{
	json_int(j, "n", 1);
}

static void
modules(void)
{
	struct json	*j = json_new();
	struct wbuf	 wb;

	static struct loop_module a = { .name = "a", .bind = bind_a, .start = start_a,
	    .reload = reload_a, .stop = stop_a, .status = status_a };
	static struct loop_module b = { .name = "b", .bind = bind_b, .reload = reload_b,
	    .stop = stop_b };
	static struct loop_module c = { .name = "c", .bind = fail_bind };

	loop_module_register(&a);
	loop_module_register(&b);
	UT_EQ_INT(loop_modules_bind(NULL), 0);
	UT_EQ_INT(loop_modules_start(NULL), 0);
	UT_EQ_INT(loop_modules_reload(NULL, NULL), -1);	/* a failed, b still ran */
	loop_modules_stop();				/* in reverse order */
	UT_EQ_STR(trace, "babbsararbxbxa");
	loop_modules_status(j);
	wbuf_init(&wb, 0);
	UT_EQ_INT(json_render(j, JSON_STYLE_JSON, &wb), 0);
	UT_EQ_INT(wb.len, 14);
	UT_EQ_MEM(wb.buf, "{\"a\":{\"n\":1}}\n", wb.len);
	wbuf_free(&wb);
	json_free(j);
	loop_module_register(&c);
	UT_EQ_INT(loop_modules_bind(NULL), -1);
}

static int	 nresolved, last_err;
static char	 last_addr[64];

static void
on_resolved(int err, const struct sockaddr *sa, socklen_t salen, void *arg)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;

	nresolved++;
	last_err = err;
	last_addr[0] = '\0';
	if (err == 0 && salen >= sizeof(*sin) && sa->sa_family == AF_INET)
		snprintf(last_addr, sizeof(last_addr), "%s:%u", inet_ntoa(sin->sin_addr),
		    ntohs(sin->sin_port));
	if (arg != NULL)
		loop_exit();
}

/*
 * Name resolution on a thread: the answer (or the error) comes to the loop
 * thread; a cancelled lookup never calls back.
 */
static void
resolve(void)
{
	struct loop_event	*t;
	struct loop_resolve	*r;

	UT_EQ_INT(loop_init(), 0);
	t = loop_timer_new(on_timer, "t");
	UT_EQ_INT(loop_timer_add(t, 5000), 0);	/* a bound, never reached */
	UT_ASSERT(loop_resolve("127.0.0.9", "514", SOCK_STREAM, on_resolved, "x") != NULL);
	UT_EQ_INT(loop_run(), 0);
	UT_EQ_INT(nresolved, 1);
	UT_EQ_INT(last_err, 0);
	UT_EQ_STR(last_addr, "127.0.0.9:514");
	/* a service that does not exist fails without asking any server */
	UT_ASSERT(loop_resolve("127.0.0.9", "no-such-service", SOCK_STREAM, on_resolved,
	    "x") != NULL);
	UT_EQ_INT(loop_run(), 0);
	UT_EQ_INT(nresolved, 2);
	UT_ASSERT(last_err != 0);
	/* cancelled: no call, then the next lookup's answer ends the run */
	r = loop_resolve("127.0.0.8", "1", SOCK_STREAM, on_resolved, "x");
	UT_ASSERT(r != NULL);
	loop_resolve_cancel(r);
	UT_ASSERT(loop_resolve("127.0.0.7", "2", SOCK_STREAM, on_resolved, "x") != NULL);
	UT_EQ_INT(loop_run(), 0);
	usleep(100 * 1000);
	loop_event_free(t);
	t = loop_timer_new(on_timer, "t");
	UT_EQ_INT(loop_timer_add(t, 100), 0);
	UT_EQ_INT(loop_run(), 0);	/* the cancelled one has finished by now */
	UT_EQ_INT(nresolved, 3);
	UT_EQ_STR(last_addr, "127.0.0.7:2");
	UT_ASSERT(strchr(trace, 't') != NULL);
	loop_event_free(t);
	loop_free();
}

UT_MAIN(UT_CASE(events), UT_CASE(signals), UT_CASE(modules), UT_CASE(resolve))
