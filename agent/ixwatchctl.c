/*
 * ixwatchctl: sends one command to ixwatchd's control socket and prints the reply
 * (text, or JSON with -j). Exit 0 on an OK reply, 1 on an error reply or when the
 * daemon cannot be reached. Protocol: agent/control.h.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include "agent/control.h"
#include "bgp/buf.h"

#define DEFAULT_SOCKET	IXW_RUNDIR "/ixwatchd.sock"

static void
usage(void)
{
	fprintf(stderr, "usage: ixwatchctl [-j] [-s socket] command [argument ...]\n"
	    "       ixwatchctl help\n");
	exit(2);
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ixwatchctl: %s: socket path too long\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "ixwatchctl: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "ixwatchctl: ixwatchd is not running "
			    "(no daemon listening on %s)\n", path);
		else
			fprintf(stderr, "ixwatchctl: cannot connect to %s: %s\n", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The request line: options, then the words joined by spaces. */
static int
build_request(int json, int argc, char **argv, struct wbuf *req)
{
	const char	*p;
	int		 i;

	if (json)
		wbuf_put_bytes(req, "--json ", 7);
	for (i = 0; i < argc; i++) {
		for (p = argv[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || *p == ' ') {
				fprintf(stderr, "ixwatchctl: argument '%s': only printable "
				    "characters without spaces\n", argv[i]);
				return -1;
			}
		if (i > 0)
			wbuf_put_u8(req, ' ');
		wbuf_put_bytes(req, argv[i], strlen(argv[i]));
	}
	wbuf_put_u8(req, '\n');
	if (req->err || req->len > CONTROL_MAX_REQUEST) {
		fprintf(stderr, "ixwatchctl: command too long\n");
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const void *p, size_t len)
{
	const uint8_t	*b = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads the status line (byte by byte: it is short) and then the body to out. */
static int
read_reply(int fd, int *ok)
{
	char		 st[CONTROL_STATUS_MAX], buf[65536];
	size_t		 len = 0, body, want;
	ssize_t		 n;

	while (len == 0 || st[len - 1] != '\n') {
		if (len == sizeof(st) || (n = read(fd, st + len, 1)) <= 0)
			goto bad;
		len++;
	}
	if (control_status_parse(st, len, ok, &body) == -1)
		goto bad;
	while (body > 0) {
		want = body < sizeof(buf) ? body : sizeof(buf);
		if ((n = read(fd, buf, want)) <= 0)
			goto bad;
		if (write_all(*ok ? STDOUT_FILENO : STDERR_FILENO, buf, (size_t)n) == -1)
			return -1;
		body -= (size_t)n;
	}
	return 0;
bad:
	fprintf(stderr, "ixwatchctl: the daemon closed the connection or sent a "
	    "malformed reply\n");
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*path = DEFAULT_SOCKET;
	struct wbuf	 req;
	int		 ch, json = 0, fd, ok = 0, rc = 1;

	signal(SIGPIPE, SIG_IGN);	/* a daemon going away is reported, not fatal */
	while ((ch = getopt_long(argc, argv, "+hjs:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage();
	wbuf_init(&req, 0);
	if (build_request(json, argc, argv, &req) == -1)
		goto done;
	if ((fd = connect_to(path)) == -1)
		goto done;
	if (write_all(fd, req.buf, req.len) == -1)
		fprintf(stderr, "ixwatchctl: sending to %s: %s\n", path, strerror(errno));
	else if (read_reply(fd, &ok) == 0 && ok)
		rc = 0;
	close(fd);
done:
	wbuf_free(&req);
	return rc;
}
