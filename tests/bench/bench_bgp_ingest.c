/*
 * bench_bgp_ingest: the real full feed ($IXW_SHARED/data/mrt/updates.et-header.2015.gz,
 * one IPv4 peer, 577,706 prefixes) sent over a BGP session (RFC 4271, 4-octet AS per
 * RFC 6793, IPv4 unicast) to ixwatchd, BIRD 2, OpenBGPD and GoBGP in turn, in one run.
 *
 * The sender is built on the project's encoders (bgp/bgp.h; tests/tools/feed_conv.c
 * re-encodes the MRT UPDATEs, one UPDATE per original so prefixes stay grouped by
 * attribute set). Everything is decoded and encoded before any timing. Each receiver
 * is started with its own scratch directory and port on loopback, configured as an
 * operator would run a full-feed peer (passive session, import all, export nothing,
 * logging at warning level, no debug), and killed by PID afterwards.
 *
 * Measured per receiver: wall time from Established (sender side: OPEN and KEEPALIVE
 * exchanged) to the last route installed (its own count, polled with its control
 * tool); its CPU time (utime + stime of the whole process tree from /proc) over that
 * interval, and until it is idle again; RSS (VmRSS, process tree) 3 s after it went
 * idle, and its growth over the idle baseline per route. Goals: ixwatchd >= 4x BIRD's rate,
 * <= 40 bytes per route (BIRD measured ~144 B here). A receiver that is missing or
 * fails is shown as such. Run from the build directory (make bench).
 *
 * -r ixwatchd,BIRD,... (or $BENCH_RECEIVERS) runs only those receivers (a round of
 * all four takes about a minute here, most of it GoBGP's); -n N (or $BENCH_REPEAT) runs N rounds of all of them in
 * turn and reports each one's run with the median routes per CPU second, and the
 * median of the per-round ixwatchd/BIRD ratios. CPU time is read from the scheduler's
 * per-thread ns accounting (/proc/PID/task/TID/schedstat), ticks where missing.
 * $BENCH_IXWATCHD_WRAP puts a command in front of ixwatchd (a profiler).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "tests/tools/feed_conv.h"

#define LOCAL_AS	4200000001UL	/* the receivers' AS: in no path of the feed */
#define HOLD		90
#define KEEPALIVE_S	10.0
#define CHUNK		(256 * 1024)	/* bytes written between keepalive checks */
#define MAXPROCS	64
#define STALL_S		10.0		/* no progress for this long: the receiver is done */
#define LIMIT_S		900.0		/* whatever happens, stop after this long */

enum rstate { R_NOT_RUN, R_FAILED, R_DONE, R_PARTIAL };

struct ctx {
	char			 dir[64];	/* scratch root */
	char			 rcv[16];	/* receivers' address */
	char			 snd[16];	/* sender's address */
	int			 port;		/* base port, from the PID */
	const struct feed_bgp	*fb;
};

struct rcv {
	const char	*name;
	const char	*how;		/* configuration, one line */
	int		 (*start)(struct rcv *, struct ctx *);
	long		 (*count)(struct rcv *, struct ctx *);
	int		 port;
	pid_t		 pid;
	char		 dir[128];
	char		 sock[160];
	char		 bin[256];
	/* results */
	int		 state;
	char		 why[200];
	double		 wall, cpu, cpu_idle;
	long		 rss0, rss1, routes;
	long		 flt0, flt;	/* minor page faults over the interval */
};

/* ---- time, processes ---------------------------------------------------- */

static volatile pid_t running;		/* the receiver to stop if we are stopped */

static void
on_signal(int sig)
{
	struct timespec	 ts = { 0, 100000000L };
	int		 i;

	if (running > 0) {
		kill(running, SIGTERM);
		for (i = 0; i < 30 && waitpid(running, NULL, WNOHANG) == 0; i++)
			nanosleep(&ts, NULL);
		if (i == 30)
			kill(running, SIGKILL);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
fail(struct rcv *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->state = R_FAILED;
}

/* Fields of /proc/PID/stat after the command: ppid (4), utime (14), stime (15). */
static int
proc_stat(pid_t pid, pid_t *ppid, long *ticks)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	long		 pp;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL || sscanf(p + 2, "%*c %ld", &pp) != 1)
		return -1;
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	*ppid = (pid_t)pp;
	*ticks = (long)(ut + st);
	return 0;
}

/* root and its descendants (OpenBGPD is a parent with privilege-separated children). */
static int
proc_tree(pid_t root, pid_t *out, int max)
{
	pid_t		 pids[4096], ppids[4096], pp;
	long		 t;
	int		 n = 0, k = 1, i, j, grew;
	DIR		*d;
	struct dirent	*e;

	out[0] = root;
	if ((d = opendir("/proc")) == NULL)
		return 1;
	while ((e = readdir(d)) != NULL && n < 4096)
		if (isdigit((unsigned char)e->d_name[0]) &&
		    proc_stat((pid_t)atol(e->d_name), &pp, &t) == 0) {
			pids[n] = (pid_t)atol(e->d_name);
			ppids[n++] = pp;
		}
	closedir(d);
	do {
		grew = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < k && k < max; j++)
				if (ppids[i] == out[j] && pids[i] != root) {
					int seen = 0;

					for (int m = 0; m < k; m++)
						seen |= out[m] == pids[i];
					if (!seen) {
						out[k++] = pids[i];
						grew = 1;
					}
					break;
				}
	} while (grew);
	return k;
}

static long
tree_ticks(pid_t root)
{
	pid_t	 p[MAXPROCS], pp;
	long	 sum = 0, t;
	int	 n = proc_tree(root, p, MAXPROCS), i;

	for (i = 0; i < n; i++)
		if (proc_stat(p[i], &pp, &t) == 0)
			sum += t;
	return sum;
}

static long
tree_rss_kb(pid_t root)
{
	pid_t	 p[MAXPROCS];
	char	 path[64], line[256];
	long	 sum = 0, kb;
	int	 n = proc_tree(root, p, MAXPROCS), i;
	FILE	*f;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/status", (long)p[i]);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
				sum += kb;
				break;
			}
		fclose(f);
	}
	return sum;
}

static double
ticks_s(long t)
{
	return (double)t / (double)sysconf(_SC_CLK_TCK);
}

/* Minor page faults of the tree (/proc/PID/stat field 10). */
static long
tree_minflt(pid_t root)
{
	pid_t	 p[MAXPROCS];
	char	 path[64], buf[1024], *q;
	long	 sum = 0, v;
	int	 n = proc_tree(root, p, MAXPROCS), i, k;
	FILE	*f;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)p[i]);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		q = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (q == NULL || (q = strrchr(buf, ')')) == NULL)
			continue;
		for (k = 2; k < 10 && q != NULL; k++)
			q = strchr(q + 1, ' ');
		if (q != NULL && sscanf(q, " %ld", &v) == 1)
			sum += v;
	}
	return sum;
}

/* On-CPU ns of every thread of pid (/proc/PID/task/TID/schedstat); -1 if unreadable. */
static double
proc_cpu_ns(pid_t pid)
{
	char		 path[96];
	unsigned long long ns;
	double		 sum = 0;
	DIR		*d;
	struct dirent	*e;
	FILE		*f;

	snprintf(path, sizeof(path), "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/task/%.16s/schedstat", (long)pid,
		    e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += (double)ns;
		fclose(f);
	}
	closedir(d);
	return sum;
}

/*
 * CPU seconds of the tree: the scheduler's ns accounting where the kernel has it
 * (a full feed takes a few tenths of a second: 10 ms ticks are too coarse), the
 * stat ticks otherwise.
 */
static double
tree_cpu(pid_t root)
{
	pid_t	 p[MAXPROCS];
	double	 sum = 0, ns;
	int	 n = proc_tree(root, p, MAXPROCS), i;

	for (i = 0; i < n; i++) {
		if ((ns = proc_cpu_ns(p[i])) < 0)
			return ticks_s(tree_ticks(root));
		sum += ns;
	}
	return sum / 1e9;
}

/* Waits until the tree used no CPU for 1 s (at most limit s). */
static void
wait_idle(pid_t pid, double limit)
{
	long	 last = tree_ticks(pid), t;
	int	 idle = 0;
	double	 t0 = now();

	while (idle < 5 && now() - t0 < limit) {
		msleep(200);
		t = tree_ticks(pid);
		idle = t == last ? idle + 1 : 0;
		last = t;
	}
}

static int
alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/* Starts argv with stdout and stderr to log; -1 if it cannot be started. */
static pid_t
spawn(char *const argv[], const char *log)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void
stop(pid_t pid)
{
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0) {
			running = 0;
			return;
		}
		msleep(50);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	running = 0;
}

/* Runs a control command; its output (NUL-terminated) in out. -1 if it failed. */
static int
run_cmd(const char *cmd, char *out, size_t len)
{
	FILE	*f;
	size_t	 n;

	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	while (fgetc(f) != EOF)
		;
	return pclose(f) == 0 ? 0 : -1;
}

static int
write_file(const char *path, const char *text)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* ---- the receivers -------------------------------------------------------- */

/* Hold time we offer (and GoBGP's configured one): HOLD, or $BENCH_HOLD seconds. */
static int
hold_time(void)
{
	const char *e = getenv("BENCH_HOLD");

	return e != NULL && atoi(e) >= 3 && atoi(e) <= 65535 ? atoi(e) : HOLD;
}

static int
start_ixwatchd(struct rcv *r, struct ctx *c)
{
	char	 conf[256], log[256], text[2048], wrap[512], *wv[16];
	char	*argv[] = { r->bin, "-d", "-f", conf, NULL };
	int	 n = 0;

	snprintf(r->bin, sizeof(r->bin), "./agent/ixwatchd");
	if (access(r->bin, X_OK) == -1)
		return -1;
	snprintf(conf, sizeof(conf), "%s/ixwatch.yml", r->dir);
	snprintf(log, sizeof(log), "%s/ixwatchd.log", r->dir);
	snprintf(r->sock, sizeof(r->sock), "%s/ixwatchd.sock", r->dir);
	snprintf(text, sizeof(text),
	    "daemon:\n  pidfile: %s/ixwatchd.pid\n  control-socket:\n    path: %s\n"
	    "sources:\n  bgp:\n    local-as: %lu\n    router-id: %s\n"
	    "    listen:\n      - address: %s\n        port: %d\n"
	    "    neighbors:\n      - name: feed\n        address: %s\n"
	    "        remote-as: %lu\n        passive: true\n",
	    r->dir, r->sock, LOCAL_AS, c->rcv, c->rcv, r->port, c->snd,
	    (unsigned long)c->fb->peer.as);
	if (write_file(conf, text) == -1)
		return -1;
	/* $BENCH_IXWATCHD_WRAP: a profiler in front, e.g. "valgrind --tool=callgrind" */
	if (getenv("BENCH_IXWATCHD_WRAP") != NULL) {
		snprintf(wrap, sizeof(wrap), "%s", getenv("BENCH_IXWATCHD_WRAP"));
		for (char *t = strtok(wrap, " "); t != NULL && n < 11; t = strtok(NULL, " "))
			wv[n++] = t;
		memcpy(wv + n, argv, sizeof(argv));
		return (running = r->pid = spawn(wv, log)) == -1 ? -1 : 0;
	}
	return (running = r->pid = spawn(argv, log)) == -1 ? -1 : 0;
}

static long
count_ixwatchd(struct rcv *r, struct ctx *c)
{
	char	 cmd[512], out[8192], *p;

	(void)c;
	snprintf(cmd, sizeof(cmd), "./agent/ixwatchctl -s %s --json show summary 2>/dev/null",
	    r->sock);
	if (run_cmd(cmd, out, sizeof(out)) == -1 || (p = strstr(out, "\"routes\":")) == NULL)
		return -1;
	return strtol(p + 9, NULL, 10);
}

static int
start_bird(struct rcv *r, struct ctx *c)
{
	char	 conf[256], log[256], pidf[256], text[2048];
	char	*argv[] = { r->bin, "-f", "-c", conf, "-s", r->sock, "-P", pidf, NULL };

	snprintf(r->bin, sizeof(r->bin), "bird");
	snprintf(conf, sizeof(conf), "%s/bird.conf", r->dir);
	snprintf(log, sizeof(log), "%s/bird.out", r->dir);
	snprintf(pidf, sizeof(pidf), "%s/bird.pid", r->dir);
	snprintf(r->sock, sizeof(r->sock), "%s/bird.ctl", r->dir);
	snprintf(text, sizeof(text),
	    "log \"%s/bird.log\" %s;\n"
	    "router id %s;\n"
	    "protocol device { scan time 60; }\n"
	    "# next hops of the multihop peer resolve through an IGP table\n"
	    "ipv4 table igp4;\n"
	    "protocol static nh4 { ipv4 { table igp4; }; route 0.0.0.0/0 via \"lo\"; }\n"
	    "protocol bgp feed {\n"
	    "  local %s port %d as %lu;\n  strict bind on;\n"
	    "  neighbor %s as %lu;\n  passive on;\n  multihop 2;\n"
	    "  ipv4 { import all; export none; igp table igp4; };\n}\n",
	    r->dir, getenv("BENCH_VERBOSE") ? "all" : "{ warning, error, fatal, bug }",
	    c->rcv, c->rcv, r->port, LOCAL_AS, c->snd, (unsigned long)c->fb->peer.as);
	if (write_file(conf, text) == -1)
		return -1;
	return (running = r->pid = spawn(argv, log)) == -1 ? -1 : 0;
}

static long
count_bird(struct rcv *r, struct ctx *c)
{
	char	 cmd[512], out[8192], *p;

	(void)c;
	snprintf(cmd, sizeof(cmd), "birdc -s %s show protocols all feed 2>/dev/null", r->sock);
	if (run_cmd(cmd, out, sizeof(out)) == -1 || strstr(out, "feed") == NULL)
		return -1;
	if ((p = strstr(out, "Routes:")) == NULL)
		return 0;		/* channel not up yet */
	return strtol(p + 7, NULL, 10);
}

static int
start_openbgpd(struct rcv *r, struct ctx *c)
{
	char	 conf[256], log[256], text[2048];
	char	*argv[] = { r->bin, "-d", "-f", conf, NULL };

	if (geteuid() != 0) {
		fail(r, "not run: OpenBGPD needs root");
		return -1;
	}
	mkdir("/run/openbgpd", 0755);	/* its privsep chroot, normally made by systemd */
	snprintf(r->bin, sizeof(r->bin), "bgpd");
	snprintf(conf, sizeof(conf), "%s/bgpd.conf", r->dir);
	snprintf(log, sizeof(log), "%s/bgpd.log", r->dir);
	snprintf(r->sock, sizeof(r->sock), "%s/bgpd.sock", r->dir);
	snprintf(text, sizeof(text),
	    "AS %lu\nrouter-id %s\nlisten on %s port %d\nsocket \"%s\"\n"
	    "fib-update no\nnexthop qualify via default\n"
	    "neighbor %s {\n    remote-as %lu\n    local-address %s\n    passive\n"
	    "    announce IPv4 unicast\n    enforce neighbor-as no\n    descr \"feed\"\n}\n"
	    "allow from any\ndeny to any\n",
	    LOCAL_AS, c->rcv, c->rcv, r->port, r->sock, c->snd, (unsigned long)c->fb->peer.as,
	    c->rcv);
	if (write_file(conf, text) == -1)
		return -1;
	chmod(r->dir, 0755);
	return (running = r->pid = spawn(argv, log)) == -1 ? -1 : 0;
}

/* bgpctl show summary: the neighbor's last column is its prefix count once up. */
static long
count_openbgpd(struct rcv *r, struct ctx *c)
{
	char	 cmd[512], out[8192], *p, *e;

	snprintf(cmd, sizeof(cmd), "bgpctl -s %s show summary 2>/dev/null", r->sock);
	if (run_cmd(cmd, out, sizeof(out)) == -1)
		return -1;
	if ((p = strstr(out, "feed")) == NULL && (p = strstr(out, c->snd)) == NULL)
		return 0;
	if ((e = strchr(p, '\n')) != NULL)
		*e = '\0';
	if ((p = strrchr(p, ' ')) == NULL || !isdigit((unsigned char)p[1]))
		return 0;		/* a state name: not established */
	return strtol(p + 1, NULL, 10);
}

static int
start_gobgpd(struct rcv *r, struct ctx *c)
{
	char	 conf[256], log[256], api[64], text[2048];
	char	*argv[] = { r->bin, "-f", conf, "--api-hosts", api, "--pprof-disable", "-p",
		    "-l", "warn", NULL };

	snprintf(r->bin, sizeof(r->bin), "gobgpd");
	snprintf(conf, sizeof(conf), "%s/gobgpd.toml", r->dir);
	snprintf(log, sizeof(log), "%s/gobgpd.log", r->dir);
	snprintf(api, sizeof(api), "127.0.0.1:%d", r->port + 1);
	snprintf(text, sizeof(text),
	    "[global.config]\n  as = %lu\n  router-id = \"%s\"\n  port = %d\n"
	    "  local-address-list = [\"%s\"]\n"
	    "[global.apply-policy.config]\n  default-export-policy = \"reject-route\"\n"
	    "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"%s\"\n"
	    "    peer-as = %lu\n  [neighbors.timers.config]\n    hold-time = %d\n"
	    "  [neighbors.transport.config]\n    passive-mode = true\n"
	    "    local-address = \"%s\"\n  [[neighbors.afi-safis]]\n"
	    "    [neighbors.afi-safis.config]\n      afi-safi-name = \"ipv4-unicast\"\n",
	    LOCAL_AS, c->rcv, r->port, c->rcv, c->snd, (unsigned long)c->fb->peer.as,
	    hold_time(), c->rcv);
	if (write_file(conf, text) == -1)
		return -1;
	return (running = r->pid = spawn(argv, log)) == -1 ? -1 : 0;
}

/* gobgp neighbor ADDR -j: the "accepted" count of the IPv4 unicast AFI/SAFI. */
static long
count_gobgpd(struct rcv *r, struct ctx *c)
{
	char	 cmd[512], out[16384], *p;

	snprintf(cmd, sizeof(cmd), "gobgp -u 127.0.0.1 -p %d neighbor %s -j 2>/dev/null",
	    r->port + 1, c->snd);
	if (run_cmd(cmd, out, sizeof(out)) == -1)
		return -1;
	if ((p = strstr(out, "\"accepted\":")) == NULL)
		return 0;
	return strtol(p + 11, NULL, 10);
}

/* ---- the sender ------------------------------------------------------------ */

static int
dial(struct ctx *c, int port)
{
	struct sockaddr_in	 sin, src;
	int			 fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, c->rcv, &sin.sin_addr);
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	inet_pton(AF_INET, c->snd, &src.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
send_keepalive(int fd)
{
	struct wbuf	 w;
	int		 rc;

	wbuf_init(&w, 0);
	bgp_keepalive_encode(&w);
	rc = w.err ? -1 : send_all(fd, w.buf, w.len);
	wbuf_free(&w);
	return rc;
}

/* What the receiver sends us. */
struct inbox {
	uint8_t	 buf[BGP_EXT_MAX_LEN * 2];
	size_t	 len;
};

/*
 * Next whole message from the receiver within ms milliseconds (0: only what is
 * already there): 1 with its type in *type, 0 on timeout, -1 if the session ended
 * (why filled: a NOTIFICATION's text, or the socket error).
 */
static int
next_msg(int fd, struct inbox *in, int ms, uint8_t *type, char *why, size_t whylen)
{
	struct bgp_sess		 sess = { 1, 1, 0, 0, 0 };
	struct bgp_hdr		 h;
	struct bgp_error	 err;
	struct bgp_notification	 n;
	struct pollfd		 pfd = { fd, POLLIN, 0 };
	ssize_t			 got;
	int			 len;

	for (;;) {
		len = bgp_msg_frame(in->buf, in->len, &sess, &h, &err);
		if (len < 0) {
			snprintf(why, whylen, "bad message from the receiver");
			return -1;
		}
		if (len > 0) {
			*type = h.type;
			if (h.type == BGP_MSG_NOTIFICATION &&
			    bgp_notification_decode(h.body, h.bodylen, &n, &err) == BGP_OK) {
				snprintf(why, whylen, "NOTIFICATION %s / %s",
				    bgp_notify_code_str(n.code),
				    bgp_notify_subcode_str(n.code, n.subcode));
				return -1;
			}
			memmove(in->buf, in->buf + len, in->len - (size_t)len);
			in->len -= (size_t)len;
			return 1;
		}
		if (poll(&pfd, 1, ms) <= 0)
			return 0;
		got = read(fd, in->buf + in->len, sizeof(in->buf) - in->len);
		if (got <= 0) {
			snprintf(why, whylen, "the receiver closed the session%s%s",
			    got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
			return -1;
		}
		in->len += (size_t)got;
	}
}

/* Connects and exchanges OPEN and KEEPALIVE; the socket once Established, else -1. */
static int
establish(struct rcv *r, struct ctx *c, struct inbox *in)
{
	struct wbuf	 w;
	uint32_t	 id;
	uint8_t		 type;
	int		 fd = -1, i, got_open = 0, rc;
	double		 t0;

	for (i = 0; i < 100 && (fd = dial(c, r->port)) == -1; i++)
		msleep(100);
	if (fd == -1) {
		fail(r, "cannot connect to %s:%d: %s", c->rcv, r->port, strerror(errno));
		return -1;
	}
	inet_pton(AF_INET, c->snd, &id);
	wbuf_init(&w, 0);
	feed_open_encode(&w, c->fb->peer.as, ntohl(id), hold_time(), 0);
	rc = w.err ? -1 : send_all(fd, w.buf, w.len);
	wbuf_free(&w);
	in->len = 0;
	for (t0 = now(); rc == 0 && now() - t0 < 30;) {
		if ((rc = next_msg(fd, in, 1000, &type, r->why, sizeof(r->why))) == -1)
			break;
		if (rc == 0)
			continue;
		if (type == BGP_MSG_OPEN && !got_open) {
			got_open = 1;
			rc = send_keepalive(fd);
		} else if (type == BGP_MSG_KEEPALIVE && got_open)
			return fd;
		rc = 0;
	}
	if (r->why[0] == '\0')
		snprintf(r->why, sizeof(r->why), "no session within 30 s");
	r->state = R_FAILED;
	close(fd);
	return -1;
}

/* Sends the feed and End-of-RIB, with a KEEPALIVE between chunks when one is due. */
static int
send_feed(int fd, const struct wbuf *msgs, double *last_ka)
{
	struct wbuf	 eor;
	size_t		 off = 0, end;
	int		 rc;

	while (off < msgs->len) {
		for (end = off; end < msgs->len && end - off < CHUNK;)
			end += (size_t)msgs->buf[end + 16] << 8 | msgs->buf[end + 17];
		if (send_all(fd, msgs->buf + off, end - off) == -1)
			return -1;
		off = end;
		if (now() - *last_ka >= KEEPALIVE_S) {
			if (send_keepalive(fd) == -1)
				return -1;
			*last_ka = now();
		}
	}
	wbuf_init(&eor, 0);
	bgp_eor_encode(&eor, PREFIX_AF_IPV4, BGP_SAFI_UNICAST);
	rc = eor.err ? -1 : send_all(fd, eor.buf, eor.len);
	wbuf_free(&eor);
	return rc;
}

/*
 * The pause before the next poll of a receiver that holds n routes at elapsed
 * seconds after Established, a poll taking poll_s. Polling costs the receiver
 * too, so polls are about a tenth of the time, 10 ms..1 s apart; but a pause
 * that long would put up to its whole length on a fast receiver's wall time,
 * so the pause ends when the receiver should be done at the rate it has shown
 * so far (less the time a poll takes to see it), and near the end polls follow
 * each other closely (at most half the time spent polling).
 */
static long
poll_pause(const struct ctx *c, long n, double elapsed, double poll_s)
{
	double	 pause = poll_s < 0.001 ? 0.01 : poll_s > 0.1 ? 1.0 : poll_s * 10, left;

	if (n > 0 && elapsed > 0) {
		left = (double)((long)c->fb->routes - n) / ((double)n / elapsed) - poll_s;
		if (left < pause)
			pause = left > poll_s ? left : poll_s;
	}
	return pause < 0.001 ? 1 : (long)(pause * 1000);
}

/*
 * Polls the receiver's count until it has every route, or until it stops making
 * progress: no new route and under 0.2 s of CPU per second for STALL_S (a receiver
 * may refuse some routes under its own rules; its count is then what it holds).
 */
static void
wait_routes(struct rcv *r, struct ctx *c, int fd, struct inbox *in, double t0,
    double cpu0, double *last_ka)
{
	long	 n, ticks, win_ticks = tree_ticks(r->pid);
	long	 busy = sysconf(_SC_CLK_TCK) / 5;
	double	 t, last_change = now(), win = last_change, poll_s;
	uint8_t	 type;
	int	 rc;

	r->routes = 0;
	for (;;) {
		poll_s = now();
		n = r->count(r, c);
		t = now();
		poll_s = t - poll_s;
		if (n > r->routes) {
			r->routes = n;
			r->wall = t - t0;
			r->cpu = tree_cpu(r->pid) - cpu0;
			r->flt = tree_minflt(r->pid) - r->flt0;
			last_change = t;
		}
		if (n >= (long)c->fb->routes) {
			r->state = R_DONE;
			return;
		}
		while ((rc = next_msg(fd, in, 0, &type, r->why, sizeof(r->why))) == 1)
			;
		if (rc == -1 || !alive(r->pid)) {
			if (!alive(r->pid))
				snprintf(r->why, sizeof(r->why), "the receiver exited");
			r->state = R_FAILED;
			return;
		}
		if (t - *last_ka >= KEEPALIVE_S) {
			send_keepalive(fd);
			*last_ka = t;
		}
		if (t - win >= 1.0) {
			ticks = tree_ticks(r->pid);
			if (ticks - win_ticks > busy)
				last_change = t;
			win = t;
			win_ticks = ticks;
		}
		if (t - last_change > STALL_S || t - t0 > LIMIT_S) {
			r->state = R_PARTIAL;
			snprintf(r->why, sizeof(r->why), "%lu fewer than sent", c->fb->routes -
			    (unsigned long)r->routes);
			return;
		}
		msleep(poll_pause(c, r->routes, t - t0, poll_s));
	}
}

static void
run(struct rcv *r, struct ctx *c, int rep)
{
	struct inbox	*in;
	double		 t0, last_ka;
	double		 cpu0;
	int		 fd, i;

	snprintf(r->dir, sizeof(r->dir), "%s/%s.%d", c->dir, r->name, rep);
	if (mkdir(r->dir, 0755) == -1 || (in = malloc(sizeof(*in))) == NULL) {
		fail(r, "cannot make %s", r->dir);
		return;
	}
	r->pid = -1;
	if (r->start(r, c) == -1) {
		if (r->state != R_FAILED)
			fail(r, "not run: %s missing or not startable", r->bin[0] ? r->bin : r->name);
		free(in);
		return;
	}
	for (i = 0; i < 200 && alive(r->pid) && r->count(r, c) < 0; i++)
		msleep(50);
	if (!alive(r->pid) || r->count(r, c) < 0) {
		fail(r, "%s did not start (see %s)", r->name, r->dir);
		r->pid = alive(r->pid) ? r->pid : -1;
		stop(r->pid);
		free(in);
		return;
	}
	wait_idle(r->pid, 10);
	r->rss0 = tree_rss_kb(r->pid);
	if ((fd = establish(r, c, in)) == -1) {
		stop(r->pid);
		free(in);
		return;
	}
	t0 = last_ka = now();
	cpu0 = tree_cpu(r->pid);
	r->flt0 = tree_minflt(r->pid);
	if (send_feed(fd, &c->fb->msgs, &last_ka) == -1) {
		fail(r, "sending failed: %s", strerror(errno));
	} else {
		wait_routes(r, c, fd, in, t0, cpu0, &last_ka);
		if (r->state != R_FAILED) {
			wait_idle(r->pid, 120);
			r->cpu_idle = tree_cpu(r->pid) - cpu0;
			/* the settled size, as an operator sees it: every receiver gets
			 * 3 s to hand back what the burst left (ixwatchd's RIB pool trims
			 * its untouched reserve once growth stopped for a second) */
			msleep(3000);
			r->rss1 = tree_rss_kb(r->pid);
		}
	}
	if (getenv("BENCH_VERBOSE") != NULL && strcmp(r->name, "BIRD") == 0) {
		char cmd[600], out[16];

		snprintf(cmd, sizeof(cmd), "birdc -s %s show route table master4 > %s/routes.txt",
		    r->sock, r->dir);
		run_cmd(cmd, out, sizeof(out));
	}
	close(fd);
	stop(r->pid);
	free(in);
}

static int measured(const struct rcv *);
static double rate_cpu(const struct rcv *);
static int selected(const char *, const char *);

static int
by_rate(const void *a, const void *b)
{
	double x = rate_cpu(a), y = rate_cpu(b);

	return x < y ? -1 : x > y;
}

static int
by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MAXREP	15

/*
 * n rounds (-n, $BENCH_REPEAT), each running every selected receiver once in
 * turn, so that a receiver and BIRD are measured minutes, not a quarter of an
 * hour, apart on a machine whose load drifts. Per receiver the run with the median
 * routes per CPU second is reported; each round's rates (and ixwatchd's ratio to
 * BIRD in that round) on stderr, and the median of those ratios in *ratio (0 if
 * not measured). A failed run fails that receiver.
 */
static void
run_rounds(struct rcv *rs, size_t nrs, struct ctx *c, int n, const char *only,
    double *ratio)
{
	static struct rcv runs[4][MAXREP];
	double		 ratios[MAXREP];
	int		 k, nr = 0;
	size_t		 i;

	*ratio = 0;
	for (k = 0; k < n; k++) {
		for (i = 0; i < nrs && i < 4; i++) {
			if (only != NULL && !selected(only, rs[i].name))
				continue;
			if (k > 0 && !measured(&runs[i][0]))
				continue;
			runs[i][k] = rs[i];
			run(&runs[i][k], c, k);
			fprintf(stderr, "bench_bgp_ingest: round %d: %s: %s", k + 1, rs[i].name,
			    measured(&runs[i][k]) ? "measured" : runs[i][k].why);
			if (measured(&runs[i][k]))
				fprintf(stderr, ", %.0f routes per CPU s (%.3f CPU s)",
				    rate_cpu(&runs[i][k]), runs[i][k].cpu);
			fprintf(stderr, "\n");
			if (!measured(&runs[i][k]))
				runs[i][0] = runs[i][k];	/* reported as failed */
		}
		if (measured(&runs[0][k]) && measured(&runs[1][k]) && rate_cpu(&runs[1][k]) > 0) {
			ratios[nr] = rate_cpu(&runs[0][k]) / rate_cpu(&runs[1][k]);
			fprintf(stderr, "bench_bgp_ingest: round %d: ixwatchd/BIRD %.2fx\n", k + 1,
			    ratios[nr]);
			nr++;
		}
	}
	for (i = 0; i < nrs && i < 4; i++) {
		if (only != NULL && !selected(only, rs[i].name)) {
			snprintf(rs[i].why, sizeof(rs[i].why), "not run (not in -r %s)", only);
			continue;
		}
		if (!measured(&runs[i][0])) {
			rs[i] = runs[i][0];
			continue;
		}
		qsort(runs[i], (size_t)n, sizeof(runs[i][0]), by_rate);
		rs[i] = runs[i][n / 2];
	}
	if (nr > 0) {
		qsort(ratios, (size_t)nr, sizeof(ratios[0]), by_double);
		*ratio = ratios[nr / 2];
	}
}

/* ---- report ------------------------------------------------------------- */

static int
measured(const struct rcv *r)
{
	return r->state == R_DONE || r->state == R_PARTIAL;
}

static double
rate_cpu(const struct rcv *r)
{
	return r->cpu > 0 ? (double)r->routes / r->cpu : 0;
}

static double
bytes_per_route(const struct rcv *r)
{
	return r->routes > 0 ? (double)(r->rss1 - r->rss0) * 1024.0 / (double)r->routes : 0;
}

static void
row(const struct rcv *r, const struct rcv *bird)
{
	double	 bpr = bytes_per_route(r);
	int	 ok_bird = measured(bird) && rate_cpu(bird) > 0;

	if (!measured(r)) {
		printf("%-9s  %s\n", r->name, r->why[0] ? r->why : "not run");
		return;
	}
	printf("%-9s %7.2f %9.0f %7.2f %7.2f %10.0f %7.1f %7.0f  ", r->name, r->wall,
	    r->wall > 0 ? (double)r->routes / r->wall : 0, r->cpu, r->cpu_idle, rate_cpu(r),
	    (double)r->rss1 / 1024.0, bpr);
	if (ok_bird && r->wall > 0 && bird->wall > 0)
		printf("%5.1fx %5.1fx", rate_cpu(r) / rate_cpu(bird),
		    ((double)r->routes / r->wall) / ((double)bird->routes / bird->wall));
	else
		printf("%6s %6s", "-", "-");
	printf(" %7ld  %ld%s%s%s\n", r->flt, r->routes, r->state == R_PARTIAL ? " (" : "",
	    r->state == R_PARTIAL ? r->why : "", r->state == R_PARTIAL ? ")" : "");
}

static void
goals(const struct rcv *ixw, const struct rcv *bird)
{
	double	 bpr, ratio;

	if (!measured(ixw) || ixw->routes <= 0) {
		printf("goals: not measured (ixwatchd did not complete)\n");
		return;
	}
	bpr = bytes_per_route(ixw);
	if (measured(bird) && rate_cpu(bird) > 0 && bird->wall > 0) {
		ratio = rate_cpu(ixw) / rate_cpu(bird);
		printf("goal rate:   ixwatchd %.1fx BIRD's routes per CPU second (wall: %.1fx); "
		    "goal >= 4x: %s\n", ratio, (ixw->routes / ixw->wall) /
		    (bird->routes / bird->wall), ratio >= 4 ? "met" : "NOT met");
	} else
		printf("goal rate:   no BIRD figure to compare with\n");
	printf("goal memory: ixwatchd %.0f B/route", bpr);
	if (measured(bird))
		printf(" (BIRD %.0f B/route)", bytes_per_route(bird));
	printf("; goal <= 40 B: %s\n", bpr <= 40 ? "met" : "NOT met");
}

/* Is name in the comma-separated list (any case)? */
static int
selected(const char *list, const char *name)
{
	size_t	 n = strlen(name);
	const char *p;

	for (p = list; p != NULL; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncasecmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rcv rs[] = {
		{ .name = "ixwatchd", .start = start_ixwatchd, .count = count_ixwatchd,
		    .how = "ixwatchd: passive neighbor, defaults (no RPKI cache, no rules); "
		    "-d: logs on stderr, no debug" },
		{ .name = "BIRD", .start = start_bird, .count = count_bird,
		    .how = "BIRD 2: bgp passive, multihop (next hops resolved through an IGP "
		    "table with a static default), ipv4 import all, export none; log file at "
		    "warning" },
		{ .name = "OpenBGPD", .start = start_openbgpd, .count = count_openbgpd,
		    .how = "OpenBGPD: passive neighbor, allow from any, deny to any, "
		    "fib-update no; -d (logs on stderr, default level)" },
		{ .name = "GoBGP", .start = start_gobgpd, .count = count_gobgpd,
		    .how = "gobgpd: passive neighbor, ipv4-unicast, default export policy "
		    "reject; -l warn" },
	};
	const size_t	 nrs = sizeof(rs) / sizeof(rs[0]);
	const char	*sh = getenv("IXW_SHARED");
	char		 path[1024], cmd[200];
	struct ctx	 c;
	struct feed_bgp	 fb;
	double		 t0;
	const char	*only = NULL;
	size_t		 i;
	pid_t		 me = getpid();
	int		 ch, keep = 0, reps = 1;
	double		 ratio;

	if ((only = getenv("BENCH_RECEIVERS")) != NULL && *only == '\0')
		only = NULL;
	if (getenv("BENCH_REPEAT") != NULL)
		reps = atoi(getenv("BENCH_REPEAT"));
	while ((ch = getopt(argc, argv, "kn:r:")) != -1) {
		switch (ch) {
		case 'k': keep = 1; break;
		case 'n': reps = atoi(optarg); break;
		case 'r': only = optarg; break;
		default:
			fprintf(stderr, "usage: bench_bgp_ingest [-k] [-n runs] [-r receiver,...] "
			    "[MRTFILE]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > MAXREP)
		reps = 1;
	if (optind < argc)
		snprintf(path, sizeof(path), "%s", argv[optind]);
	else
		snprintf(path, sizeof(path), "%s/data/mrt/updates.et-header.2015.gz",
		    sh ? sh : IXW_SHARED_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = now();
	if (feed_bgp_from_mrt(&fb, path) == -1 || fb.routes == 0) {
		fprintf(stderr, "bench_bgp_ingest: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.fb = &fb;
	c.port = 30000 + (int)(me % 5000) * 6;	/* never 179; apart from other runs */
	snprintf(c.rcv, sizeof(c.rcv), "127.0.%d.1", 100 + (int)(me % 100));
	snprintf(c.snd, sizeof(c.snd), "127.0.%d.2", 100 + (int)(me % 100));
	snprintf(c.dir, sizeof(c.dir), "/tmp/bench_bgp.XXXXXX");
	if (mkdtemp(c.dir) == NULL)
		return 1;
	printf("BGP ingest: %s\n  peer AS%lu: %lu UPDATEs -> %lu IPv4 UPDATEs (%.1f MB, "
	    "4-octet AS), %lu prefixes announced, %lu withdrawn, %lu routes at the end; "
	    "encoded in %.1f s before timing\n", path, (unsigned long)fb.peer.as,
	    fb.mrt_updates, fb.updates, (double)fb.msgs.len / 1e6, fb.announced, fb.withdrawn,
	    fb.routes, now() - t0);
	printf("  sender %s -> receivers on %s, ports %d-%d; wall = Established (sender side) "
	    "to the last route counted by the receiver\n", c.snd, c.rcv, c.port, c.port + 4);
	for (i = 0; i < nrs; i++) {
		rs[i].port = c.port + (int)i;	/* GoBGP's API: port + 4 */
		printf("  %s\n", rs[i].how);
	}
	fflush(stdout);
	run_rounds(rs, nrs, &c, reps, only, &ratio);
	printf("%-9s %7s %9s %7s %7s %10s %7s %7s  %6s %6s %7s  %s\n", "receiver", "wall s",
	    "routes/s", "CPU s", "CPU+ s", "routes/CPUs", "RSS MB", "B/route", "vsBIRD",
	    "(wall)", "pgfault", "routes");
	for (i = 0; i < nrs; i++)
		row(&rs[i], &rs[1]);
	printf("  CPU s: receiver's process tree over the wall interval; CPU+ s: until idle "
	    "1 s after; routes/CPUs from CPU s; vsBIRD: routes per CPU s (and per wall s) "
	    "against BIRD's; B/route: RSS growth (3 s after idle) over the idle baseline "
	    "per route; pgfault: minor page faults over the wall interval (each costs the receiver CPU time, "
	    "~20 us apiece in some VMs)\n");
	goals(&rs[0], &rs[1]);
	if (reps > 1 && ratio > 0)
		printf("rounds:      ixwatchd/BIRD routes per CPU second, median of %d rounds "
		    "(each round runs the receivers in turn): %.1fx\n", reps, ratio);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", c.dir);
	if (keep)
		printf("scratch directory kept: %s\n", c.dir);
	else if (system(cmd) != 0)
		fprintf(stderr, "bench_bgp_ingest: could not remove %s\n", c.dir);
	feed_bgp_free(&fb);
	return 0;
}
