/*
 * Control protocol (framing described in control.h): request line parsing, the
 * command table and reply framing. No I/O here, so ixwatchctl and the unit tests
 * use the same code as the daemon.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include "agent/control.h"
#include "agent/json.h"
#include "bgp/buf.h"

struct control_cmd {
	char			*words[CONTROL_MAX_WORDS];
	int			 nwords;
	char			*name;
	char			*args;
	char			*help;
	control_handler		 fn;
	void			*arg;
	TAILQ_ENTRY(control_cmd) entry;
};

struct control_reply {
	struct json	*json;
	char		 err[512];
	int		 failed;
};

static TAILQ_HEAD(, control_cmd) cmds = TAILQ_HEAD_INITIALIZER(cmds);

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line (in place) into words; -1 if there are too many. */
static int
split(char *line, char **argv, int *argc)
{
	char	*p = line;

	*argc = 0;
	for (;;) {
		while (is_space(*p))
			*p++ = '\0';
		if (*p == '\0')
			return 0;
		if (*argc == CONTROL_MAX_WORDS)
			return -1;
		argv[(*argc)++] = p;
		while (*p != '\0' && !is_space(*p))
			p++;
	}
}

/* Takes the option words off the front of the request. */
static enum control_parse
options(struct control_request *req)
{
	int	 i;

	for (i = 0; i < req->argc && req->argv[i][0] == '-'; i++) {
		if (strcmp(req->argv[i], "--json") == 0 || strcmp(req->argv[i], "-j") == 0)
			req->json = 1;
		else
			return CONTROL_PARSE_BAD_OPTION;
	}
	req->argc -= i;
	memmove(req->argv, req->argv + i, (size_t)req->argc * sizeof(req->argv[0]));
	return CONTROL_PARSE_OK;
}

enum control_parse
control_request_parse(const uint8_t *data, size_t len, size_t *used,
    struct control_request *req)
{
	const uint8_t	*nl;
	size_t		 n, i;

	memset(req, 0, sizeof(*req));
	*used = 0;
	if ((nl = memchr(data, '\n', len)) == NULL)
		return len > CONTROL_MAX_REQUEST ? CONTROL_PARSE_TOO_LONG : CONTROL_PARSE_MORE;
	n = (size_t)(nl - data);
	*used = n + 1;
	if (n > 0 && data[n - 1] == '\r')
		n--;
	if (n > CONTROL_MAX_REQUEST)
		return CONTROL_PARSE_TOO_LONG;
	for (i = 0; i < n; i++)
		if ((data[i] < 0x20 && data[i] != '\t') || data[i] > 0x7e)
			return CONTROL_PARSE_BAD_BYTES;
	memcpy(req->line, data, n);
	req->line[n] = '\0';
	if (split(req->line, req->argv, &req->argc) == -1)
		return CONTROL_PARSE_TOO_MANY_WORDS;
	return options(req);
}

const char *
control_parse_str(enum control_parse r)
{
	switch (r) {
	case CONTROL_PARSE_OK:			return "ok";
	case CONTROL_PARSE_MORE:		return "incomplete request";
	case CONTROL_PARSE_TOO_LONG:		return "request line too long";
	case CONTROL_PARSE_BAD_BYTES:		return "request holds non-printable bytes";
	case CONTROL_PARSE_TOO_MANY_WORDS:	return "too many words in request";
	case CONTROL_PARSE_BAD_OPTION:		return "unknown option (only --json)";
	}
	return "?";
}

int
control_status_parse(const char *line, size_t len, int *ok, size_t *bodylen)
{
	unsigned long long	 v = 0;
	size_t			 i, digits = 0;

	if (len >= 4 && memcmp(line, "OK ", 3) == 0) {
		*ok = 1;
		i = 3;
	} else if (len >= 5 && memcmp(line, "ERR ", 4) == 0) {
		*ok = 0;
		i = 4;
	} else
		return -1;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		v = v * 10 + (unsigned)(line[i] - '0');
		if (++digits > 10)
			return -1;
	}
	if (digits == 0 || i + 1 != len || line[i] != '\n' || v > CONTROL_MAX_BODY)
		return -1;
	*bodylen = (size_t)v;
	return 0;
}

struct json *
control_reply_json(struct control_reply *r)
{
	return r->json;
}

int
control_reply_error(struct control_reply *r, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -1;
}

static void
cmd_free(struct control_cmd *c)
{
	if (c == NULL)
		return;
	free(c->words[0]);
	free(c->name);
	free(c->args);
	free(c->help);
	free(c);
}

static struct control_cmd *
cmd_find_exact(const char *name)
{
	struct control_cmd	*c;

	TAILQ_FOREACH(c, &cmds, entry)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
control_register(const char *command, const char *args, const char *help,
    control_handler fn, void *arg)
{
	struct control_cmd	*c;

	if (cmd_find_exact(command) != NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->name = strdup(command);
	c->words[0] = strdup(command);
	c->args = strdup(args != NULL ? args : "");
	c->help = strdup(help != NULL ? help : "");
	if (c->name == NULL || c->words[0] == NULL || c->args == NULL || c->help == NULL ||
	    split(c->words[0], c->words, &c->nwords) == -1 || c->nwords == 0) {
		cmd_free(c);
		return -1;
	}
	c->fn = fn;
	c->arg = arg;
	TAILQ_INSERT_TAIL(&cmds, c, entry);
	return 0;
}

void
control_unregister_all(void)
{
	struct control_cmd	*c;

	while ((c = TAILQ_FIRST(&cmds)) != NULL) {
		TAILQ_REMOVE(&cmds, c, entry);
		cmd_free(c);
	}
}

/* The longest command whose words start the request. */
static struct control_cmd *
cmd_match(const struct control_request *req)
{
	struct control_cmd	*c, *best = NULL;
	int			 i;

	TAILQ_FOREACH(c, &cmds, entry) {
		if (c->nwords > req->argc || (best != NULL && c->nwords <= best->nwords))
			continue;
		for (i = 0; i < c->nwords; i++)
			if (strcmp(c->words[i], req->argv[i]) != 0)
				break;
		if (i == c->nwords)
			best = c;
	}
	return best;
}

static void
frame(struct wbuf *out, int ok, const struct wbuf *body)
{
	char	 st[CONTROL_STATUS_MAX];
	int	 n;

	n = snprintf(st, sizeof(st), "%s %zu\n", ok ? "OK" : "ERR", body->len);
	wbuf_put_bytes(out, st, (size_t)n);
	if (body->len > 0)
		wbuf_put_bytes(out, body->buf, body->len);
}

void
control_frame_error(struct wbuf *out, int json, const char *msg)
{
	struct wbuf	 body;

	wbuf_init(&body, 0);
	if (json) {
		wbuf_put_bytes(&body, "{\"error\":", 9);
		json_escape(&body, msg);
		wbuf_put_bytes(&body, "}\n", 2);
	} else {
		wbuf_put_bytes(&body, msg, strlen(msg));
		wbuf_put_u8(&body, '\n');
	}
	frame(out, 0, &body);
	wbuf_free(&body);
}

int
control_execute(const struct control_request *req, struct wbuf *out)
{
	struct control_cmd	*c;
	struct control_reply	 r;
	struct wbuf		 body;
	int			 rc = -1;

	memset(&r, 0, sizeof(r));
	wbuf_init(&body, CONTROL_MAX_BODY);
	if (req->argc == 0) {
		control_frame_error(out, req->json, "empty request (try 'help')");
		goto done;
	}
	if ((c = cmd_match(req)) == NULL) {
		control_reply_error(&r, "unknown command '%s' (try 'help')", req->argv[0]);
		control_frame_error(out, req->json, r.err);
		goto done;
	}
	if ((r.json = json_new()) == NULL ||
	    c->fn(req->argc - c->nwords, req->argv + c->nwords, &r, c->arg) == -1 ||
	    json_render(r.json, req->json ? JSON_STYLE_JSON : JSON_STYLE_TEXT, &body) == -1) {
		control_frame_error(out, req->json, r.failed ? r.err : "internal error: no memory"
		    " or reply too large");
		goto done;
	}
	frame(out, 1, &body);
	rc = 0;
done:
	json_free(r.json);
	wbuf_free(&body);
	return rc;
}

/* "help": the command table. */
static int
cmd_help(int argc, char *const *argv, struct control_reply *r, void *arg)
{
	struct json		*j = control_reply_json(r);
	struct control_cmd	*c;

	json_array_open(j, "commands");
	TAILQ_FOREACH(c, &cmds, entry) {
		json_object_open(j, NULL);
		json_stringf(j, "command", "%s%s%s", c->name, c->args[0] ? " " : "", c->args);
		json_string(j, "description", c->help);
		json_close(j);
	}
	json_close(j);
	return 0;
}

int
control_register_builtin(void)
{
	return control_register("help", "", "list the commands", cmd_help, NULL);
}
