/*
 * The control socket (a local stream socket, ixwatchctl's peer) and its protocol.
 *
 * Framing. A request is one line of at most CONTROL_MAX_REQUEST bytes ending in '\n'
 * (a '\r' before it is ignored), printable ASCII and tabs only: option words first
 * ("--json" or "-j": reply in JSON instead of text), then the command words and its
 * arguments, separated by spaces or tabs, e.g. "--json show status\n". A reply is a
 * status line "OK <length>\n" or "ERR <length>\n" (length in decimal bytes, at most
 * CONTROL_MAX_BODY) followed by exactly that many bytes of body: the rendered text,
 * or one JSON document and '\n' (errors in JSON: {"error":"message"}). A client may
 * send several requests on one connection; each gets its reply in order. A line that
 * is too long or holds other bytes gets an ERR reply and the connection is closed
 * after it; idle clients are closed after CONTROL_IDLE_SECONDS. Unknown commands get
 * an ERR reply and the connection stays open. The same lines work from a terminal
 * ("socat - UNIX-CONNECT:/run/ixwatchd.sock").
 *
 * Commands. Modules add commands with control_register(): a handler fills one json
 * tree (agent/json.h) that is rendered as text or JSON as the client asked, or fails
 * with control_reply_error(). The longest registered command matching the first
 * request words wins; the remaining words are the handler's arguments.
 */
#ifndef IXW_CONTROL_H
#define IXW_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct json;
struct wbuf;

#define CONTROL_MAX_REQUEST	1024
#define CONTROL_MAX_WORDS	32
#define CONTROL_MAX_BODY	(64u * 1024 * 1024)
#define CONTROL_MAX_CLIENTS	32
#define CONTROL_IDLE_SECONDS	60
#define CONTROL_STATUS_MAX	32	/* longest status line, '\n' included */

/* The idle timeout in seconds (CONTROL_IDLE_SECONDS; tests shorten it). */
void	control_set_idle(unsigned seconds);

struct control_request {
	int	 json;			/* reply in JSON */
	int	 argc;			/* words after the options */
	char	*argv[CONTROL_MAX_WORDS];
	char	 line[CONTROL_MAX_REQUEST + 1];
};

enum control_parse {
	CONTROL_PARSE_OK,		/* one request taken, *used bytes consumed */
	CONTROL_PARSE_MORE,		/* no complete line yet */
	CONTROL_PARSE_TOO_LONG,		/* line longer than CONTROL_MAX_REQUEST */
	CONTROL_PARSE_BAD_BYTES,	/* bytes outside printable ASCII and tab */
	CONTROL_PARSE_TOO_MANY_WORDS,
	CONTROL_PARSE_BAD_OPTION,	/* an option word other than --json / -j */
};

/* Takes the first request line out of data[0..len). */
enum control_parse control_request_parse(const uint8_t *data, size_t len, size_t *used,
		    struct control_request *);
const char	*control_parse_str(enum control_parse);

/* Client side: parses a status line ("OK 12\n"); -1 if it is not one. */
int		 control_status_parse(const char *line, size_t len, int *ok, size_t *bodylen);

struct control_reply;
/* The tree the handler fills (rendered after the handler returns 0). */
struct json	*control_reply_json(struct control_reply *);
/* Sets the error message of a failing handler; returns -1 for "return control_reply_error()". */
int		 control_reply_error(struct control_reply *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

typedef int	(*control_handler)(int argc, char *const *argv, struct control_reply *, void *arg);

/*
 * Registers command (words separated by single spaces, e.g. "show status"); args is
 * a usage hint for help ("PREFIX" or ""), help a one-line description. -1 if the
 * command exists or memory runs out.
 */
int	 control_register(const char *command, const char *args, const char *help,
	    control_handler, void *arg);
void	 control_unregister_all(void);
/* Registers the built-in commands: help. */
int	 control_register_builtin(void);

/* Runs one parsed request and appends the framed reply (status line and body) to out. */
int	 control_execute(const struct control_request *, struct wbuf *out);
/* Appends a framed error reply. */
void	 control_frame_error(struct wbuf *out, int json, const char *msg);

/* Server: binds path (replacing a stale socket), chmod mode, chgrp gid (-1: keep);
 * call as root before dropping privileges. Clients are served on the loop. */
int	 control_listen(const char *path, mode_t mode, gid_t gid);
/* Connected clients now; the socket path (NULL when not listening). */
int	 control_nclients(void);
const char *control_path(void);
/* Closes the listener and all clients; unlinks the socket if unlink_path. */
void	 control_close(int unlink_path);

#endif /* IXW_CONTROL_H */
