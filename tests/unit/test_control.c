/* agent/control*.c: request framing, reply framing, the command table and the server. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include "agent/control.h"
#include "agent/json.h"
#include "agent/loop.h"
#include "bgp/buf.h"
#include "tests/unit/ut.h"

static enum control_parse
parse(const char *s, size_t *used, struct control_request *req)
{
	return control_request_parse((const uint8_t *)s, strlen(s), used, req);
}

static void
request_lines(void)
{
	struct control_request	 req;
	size_t			 used;

	UT_EQ_INT(parse("show status\nreload\n", &used, &req), CONTROL_PARSE_OK);
	UT_EQ_INT(used, 12);
	UT_EQ_INT(req.json, 0);
	UT_EQ_INT(req.argc, 2);
	UT_EQ_STR(req.argv[0], "show");
	UT_EQ_STR(req.argv[1], "status");
	UT_EQ_INT(parse("  --json\t show   routes 10.0.0.0/8 \r\n", &used, &req),
	    CONTROL_PARSE_OK);
	UT_EQ_INT(req.json, 1);
	UT_EQ_INT(req.argc, 3);
	UT_EQ_STR(req.argv[2], "10.0.0.0/8");
	UT_EQ_INT(parse("-j help\n", &used, &req), CONTROL_PARSE_OK);
	UT_EQ_INT(req.json, 1);
	UT_EQ_INT(req.argc, 1);
	UT_EQ_INT(parse("\n", &used, &req), CONTROL_PARSE_OK);
	UT_EQ_INT(req.argc, 0);
	UT_EQ_INT(used, 1);
}

static void
request_errors(void)
{
	struct control_request	 req;
	char			 big[CONTROL_MAX_REQUEST + 10];
	size_t			 used;

	UT_EQ_INT(parse("show stat", &used, &req), CONTROL_PARSE_MORE);
	UT_EQ_INT(used, 0);
	UT_EQ_INT(parse("show\x01status\n", &used, &req), CONTROL_PARSE_BAD_BYTES);
	UT_EQ_INT(used, 12);	/* the bad line is consumed */
	UT_EQ_INT(parse("show \xc3\xa9\n", &used, &req), CONTROL_PARSE_BAD_BYTES);
	UT_EQ_INT(parse("--yaml show\n", &used, &req), CONTROL_PARSE_BAD_OPTION);
	UT_EQ_INT(parse("a b c d e f g h i j k l m n o p q r s t u v w x y z "
	    "1 2 3 4 5 6 7\n", &used, &req), CONTROL_PARSE_TOO_MANY_WORDS);
	memset(big, 'a', sizeof(big));
	UT_EQ_INT(control_request_parse((uint8_t *)big, sizeof(big), &used, &req),
	    CONTROL_PARSE_TOO_LONG);
	big[CONTROL_MAX_REQUEST + 1] = '\n';
	UT_EQ_INT(control_request_parse((uint8_t *)big, sizeof(big), &used, &req),
	    CONTROL_PARSE_TOO_LONG);
	big[CONTROL_MAX_REQUEST] = '\n';
	UT_EQ_INT(control_request_parse((uint8_t *)big, sizeof(big), &used, &req),
	    CONTROL_PARSE_OK);
}

static void
status_lines(void)
{
	size_t	 len;
	int	 ok;

	UT_EQ_INT(control_status_parse("OK 12\n", 6, &ok, &len), 0);
	UT_EQ_INT(ok, 1);
	UT_EQ_INT(len, 12);
	UT_EQ_INT(control_status_parse("ERR 0\n", 6, &ok, &len), 0);
	UT_EQ_INT(ok, 0);
	UT_EQ_INT(len, 0);
	UT_EQ_INT(control_status_parse("OK \n", 4, &ok, &len), -1);
	UT_EQ_INT(control_status_parse("OK 12", 5, &ok, &len), -1);
	UT_EQ_INT(control_status_parse("OK 1x\n", 6, &ok, &len), -1);
	UT_EQ_INT(control_status_parse("YES 1\n", 6, &ok, &len), -1);
	UT_EQ_INT(control_status_parse("OK 99999999999\n", 15, &ok, &len), -1);
}

static int
cmd_echo(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json	*j = control_reply_json(r);
	int		 i;

	if (argc == 0)
		return control_reply_error(r, "echo what? (%s)", (const char *)arg);
	json_array_open(j, "words");
	for (i = 0; i < argc; i++)
		json_string(j, NULL, argv[i]);
	json_close(j);
	return 0;
}

static int
cmd_show(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	json_string(control_reply_json(r), "what", "show");
	return 0;
}

/* Runs line through control_execute() and returns the framed reply. */
static const char *
execute(const char *line)
{
	static char		 out[2048];
	struct control_request	 req;
	struct wbuf		 wb;
	size_t			 used;

	UT_EQ_INT(parse(line, &used, &req), CONTROL_PARSE_OK);
	wbuf_init(&wb, 0);
	control_execute(&req, &wb);
	UT_ASSERT(!wb.err && wb.len < sizeof(out));
	memcpy(out, wb.buf, wb.len);
	out[wb.len] = '\0';
	wbuf_free(&wb);
	return out;
}

static void
commands(void)
{
	UT_EQ_INT(control_register_builtin(), 0);
	UT_EQ_INT(control_register("show echo", "WORD...", "say it again", cmd_echo,
	    (void *)"arg"), 0);
	UT_EQ_INT(control_register("show", "", "show", cmd_show, NULL), 0);
	UT_EQ_INT(control_register("show echo", "", "twice", cmd_echo, NULL), -1);
	UT_EQ_STR(execute("show echo a \"b\n"), "OK 13\nwords: a, \"b\n");
	UT_EQ_STR(execute("--json show echo a \"b\n"), "OK 22\n{\"words\":[\"a\",\"\\\"b\"]}\n");
	UT_EQ_STR(execute("show echo\n"), "ERR 17\necho what? (arg)\n");
	UT_EQ_STR(execute("-j show echo\n"), "ERR 29\n{\"error\":\"echo what? (arg)\"}\n");
	UT_EQ_STR(execute("show\n"), "OK 11\nwhat: show\n");
	UT_EQ_STR(execute("show status\n"), "OK 11\nwhat: show\n");	/* longest match */
	UT_EQ_STR(execute("frobnicate\n"), "ERR 42\nunknown command 'frobnicate' (try 'help')\n");
	UT_EQ_STR(execute("\n"), "ERR 27\nempty request (try 'help')\n");
	UT_EQ_STR(execute("help\n"),
	    "OK 142\ncommands:\n"
	    "  COMMAND            DESCRIPTION\n"
	    "  help               list the commands\n"
	    "  show echo WORD...  say it again\n"
	    "  show               show\n");
	control_unregister_all();
	UT_EQ_STR(execute("help\n"), "ERR 36\nunknown command 'help' (try 'help')\n");
}

/* --- the server on a real loop ------------------------------------------ */

static void
stop_loop(int fd, short what, void *arg)
{
	loop_exit();
}

/* Runs the loop for ms milliseconds. */
static void
spin(unsigned long ms)
{
	struct loop_event	*t = loop_timer_new(stop_loop, NULL);

	UT_ASSERT(t != NULL);
	UT_EQ_INT(loop_timer_add(t, ms), 0);
	UT_EQ_INT(loop_run(), 0);
	loop_event_free(t);
}

static int
client(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	UT_ASSERT(fd != -1);
	UT_EQ_INT(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* Everything the server sent so far (non-blocking read). */
static const char *
drain(int fd, int *eof)
{
	static char	 buf[4096];
	ssize_t		 n;
	size_t		 len = 0;

	*eof = 0;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (n == 0 || (n == -1 && errno == ECONNRESET))	/* closed with our data unread */
		*eof = 1;
	buf[len] = '\0';
	return buf;
}

static int
cmd_big(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	static char	big[64 * 1024];

	(void)argc;
	(void)argv;
	(void)arg;
	memset(big, 'x', sizeof(big) - 1);
	json_string(control_reply_json(r), "what", big);
	return 0;
}

/*
 * A client that sends requests and never reads the replies: once the socket is
 * full the reply waits, and after the idle timeout the client is closed instead
 * of holding its slot for good.
 */
static void
never_reads(const char *path)
{
	char	 buf[8192];
	int	 fd = client(path), eof = 0, i;
	ssize_t	 n;

	UT_EQ_INT(control_register("big", "", "a big reply", cmd_big, NULL), 0);
	control_set_idle(1);
	for (i = 0; i < 8; i++)
		UT_EQ_INT(write(fd, "big\n", 4), 4);
	spin(1600);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = read(fd, buf, sizeof(buf))) > 0)	/* what was sent before */
		;
	if (n == 0 || (n == -1 && errno == ECONNRESET))
		eof = 1;
	UT_EQ_INT(eof, 1);
	control_set_idle(CONTROL_IDLE_SECONDS);
	close(fd);
}

/* CONTROL_MAX_CLIENTS idle clients: the next one is turned away, a slot frees up. */
static void
too_many(const char *path)
{
	int		 fds[CONTROL_MAX_CLIENTS], extra, eof, i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		fds[i] = client(path);
		spin(5);
	}
	extra = client(path);
	spin(50);
	UT_EQ_STR(drain(extra, &eof), "ERR 25\ntoo many control clients\n");
	UT_EQ_INT(eof, 1);
	close(extra);
	close(fds[0]);
	spin(50);
	extra = client(path);
	UT_EQ_INT(write(extra, "show\n", 5), 5);
	spin(50);
	UT_EQ_STR(drain(extra, &eof), "OK 11\nwhat: show\n");
	close(extra);
	for (i = 1; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
}

static void
server(void)
{
	char		 dir[] = "/tmp/ixw-ctl.XXXXXX", path[64], junk[CONTROL_MAX_REQUEST + 100];
	int		 good, bad, eof;

	UT_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sock", dir);
	UT_EQ_INT(loop_init(), 0);
	UT_EQ_INT(control_listen(path, 0600, (gid_t)-1), 0);
	UT_EQ_INT(control_register("show", "", "show", cmd_show, NULL), 0);
	good = client(path);
	bad = client(path);
	UT_EQ_INT(write(good, "show\nsh", 7), 7);	/* one request and a partial one */
	UT_EQ_INT(write(bad, "\x16\x03\x01\x02\x00\x01\x00\n", 8), 8);	/* a TLS hello */
	spin(100);
	UT_EQ_STR(drain(good, &eof), "OK 11\nwhat: show\n");
	UT_EQ_INT(eof, 0);
	UT_EQ_STR(drain(bad, &eof), "ERR 34\nrequest holds non-printable bytes\n");
	UT_EQ_INT(eof, 1);
	UT_EQ_INT(write(good, "ow\n-j show\n", 11), 11);
	spin(100);
	UT_EQ_STR(drain(good, &eof), "OK 11\nwhat: show\nOK 16\n{\"what\":\"show\"}\n");
	bad = client(path);
	memset(junk, 'a', sizeof(junk));
	UT_EQ_INT(write(bad, junk, sizeof(junk)), (ssize_t)sizeof(junk));	/* no newline */
	spin(100);
	UT_EQ_STR(drain(bad, &eof), "ERR 22\nrequest line too long\n");
	UT_EQ_INT(eof, 1);
	close(good);
	close(bad);
	too_many(path);
	never_reads(path);
	control_close(1);
	UT_EQ_INT(access(path, F_OK), -1);
	control_unregister_all();
	loop_free();
	rmdir(dir);
}

UT_MAIN(UT_CASE(request_lines), UT_CASE(request_errors), UT_CASE(status_lines),
    UT_CASE(commands), UT_CASE(server))
