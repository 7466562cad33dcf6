/*
 * bench_bmp_ingest: BMP ingest cost of ixwatchd against pmacct's pmbmpd keeping a RIB
 * (-O FILE -i 3600), on the real full feed $IXW_SHARED/data/mrt/updates.et-header.2015.gz
 * turned into one BMP stream (RFC 7854): one Initiation, one Peer Up whose OPENs
 * announce 4-octet AS and IPv4/IPv6 unicast, one post-policy Route Monitoring per
 * UPDATE. The stream is pre-encoded and sent in one go to each receiver in turn; the
 * receiver's CPU time (utime + stime from /proc/PID/stat) is measured from before the
 * send until it has been idle for a second, and its RSS growth then. Prints a table
 * with route events per CPU second and the ratio (goal: ixwatchd >= 3x pmbmpd).
 * Run from the build directory (make bench): ./agent/ixwatchd is used.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "tests/tools/feed_conv.h"

#define PORT_IXW	21090
#define PORT_PM		21091

struct result {
	const char	*name;
	int		 ran;
	double		 cpu;		/* seconds */
	long		 rss0, rss1;	/* kB */
	long		 routes;	/* routes held afterwards (-1: not known) */
};

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long
cpu_ticks(pid_t pid)
{
	char		 path[64], buf[2048], *p;
	unsigned long	 ut, st;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL || (p = strrchr(buf, ')')) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* after "pid (comm)": field 3 is state; utime and stime are fields 14 and 15 */
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static long
rss_kb(pid_t pid)
{
	char	 path[64], line[256];
	long	 kb = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
dial(int port)
{
	struct sockaddr_in	 sin;
	int			 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static pid_t
spawn(char *const argv[])
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", 0);

		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Sends the stream to a started receiver and measures it until idle. */
static int
measure(struct result *r, pid_t pid, int port, const struct wbuf *w)
{
	long	 t0, t, last;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd = -1, i, idle = 0;

	for (i = 0; i < 100 && (fd = dial(port)) == -1; i++)
		msleep(100);
	if (fd == -1)
		return -1;
	close(fd);		/* a probe; the receiver sees a short session */
	msleep(500);
	r->rss0 = rss_kb(pid);
	t0 = cpu_ticks(pid);
	if ((fd = dial(port)) == -1)
		return -1;
	while (off < w->len) {
		if ((n = write(fd, w->buf + off, w->len - off)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	last = cpu_ticks(pid);
	while (idle < 5) {		/* idle: no CPU used for 5 x 200 ms */
		msleep(200);
		t = cpu_ticks(pid);
		idle = t == last ? idle + 1 : 0;
		last = t;
	}
	r->cpu = (double)(last - t0) / (double)sysconf(_SC_CLK_TCK);
	r->rss1 = rss_kb(pid);
	r->ran = 1;
	close(fd);
	return 0;
}

static long
ixw_routes(const char *sock)
{
	char	 cmd[1024], buf[4096], *p;
	long	 n = -1;
	size_t	 len;
	FILE	*f;

	snprintf(cmd, sizeof(cmd), "./agent/ixwatchctl -s %s --json show summary", sock);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = '\0';
	pclose(f);
	if ((p = strstr(buf, "\"routes\":")) != NULL)
		n = strtol(p + 9, NULL, 10);
	return n;
}

static void
run_ixwatchd(struct result *r, const char *dir, const struct wbuf *w)
{
	char	 conf[512], sock[512];
	FILE	*f;
	pid_t	 pid;
	char	*argv[] = { "./agent/ixwatchd", "-d", "-f", conf, NULL };

	snprintf(conf, sizeof(conf), "%s/ixwatch.yml", dir);
	snprintf(sock, sizeof(sock), "%s/ixwatchd.sock", dir);
	if ((f = fopen(conf, "w")) == NULL)
		return;
	fprintf(f, "daemon:\n  pidfile: %s/ixwatchd.pid\n  control-socket:\n    path: %s\n"
	    "sources:\n  bmp:\n    listen:\n      - address: 127.0.0.1\n        port: %d\n",
	    dir, sock, PORT_IXW);
	fclose(f);
	if (access(argv[0], X_OK) == -1 || (pid = spawn(argv)) == -1)
		return;
	if (measure(r, pid, PORT_IXW, w) == 0)
		r->routes = ixw_routes(sock);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void
run_pmbmpd(struct result *r, const char *dir, const struct wbuf *w)
{
	char	 dump[512], port[16];
	pid_t	 pid;
	char	*argv[] = { "pmbmpd", "-L", "127.0.0.1", "-l", port, "-O", dump, "-i", "3600",
		    NULL };

	snprintf(dump, sizeof(dump), "%s/pmbmpd.dump", dir);
	snprintf(port, sizeof(port), "%d", PORT_PM);
	if ((pid = spawn(argv)) == -1)
		return;
	msleep(300);
	if (waitpid(pid, NULL, WNOHANG) == pid)
		return;		/* not installed or failed to start */
	measure(r, pid, PORT_PM, w);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void
row(const struct result *r, unsigned long events)
{
	if (!r->ran) {
		printf("%-10s  %s\n", r->name, "not run (missing or failed to start)");
		return;
	}
	printf("%-10s  %8.2f  %14.0f  %9.1f  %10.0f  %s%ld\n", r->name, r->cpu,
	    r->cpu > 0 ? (double)events / r->cpu : 0.0, (double)r->rss1 / 1024.0,
	    r->routes > 0 ? (double)(r->rss1 - r->rss0) * 1024.0 / (double)r->routes :
	    (double)(r->rss1 - r->rss0) * 1024.0 / 577706.0,
	    r->routes >= 0 ? "" : "~", r->routes >= 0 ? r->routes : 577706L);
}

int
main(int argc, char **argv)
{
	struct result	 ixw = { "ixwatchd", 0, 0, 0, 0, -1 };
	struct result	 pm = { "pmbmpd", 0, 0, 0, 0, -1 };
	const char	*sh = getenv("IXW_SHARED");
	char		 path[1024], dir[] = "/tmp/bench_bmp.XXXXXX", cmd[1100];
	struct feed_bmp_stats st;
	struct wbuf	 w;

	snprintf(path, sizeof(path), "%s", argc > 1 ? argv[1] : "");
	if (argc < 2)
		snprintf(path, sizeof(path), "%s/data/mrt/updates.et-header.2015.gz",
		    sh ? sh : IXW_SHARED_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	wbuf_init(&w, 0);
	if (feed_bmp_from_mrt(&w, path, "bench", FEED_BMP_POST_POLICY, &st) == -1) {
		fprintf(stderr, "bench_bmp_ingest: cannot read %s\n", path);
		return 1;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	printf("BMP ingest: %s\n  %lu UPDATEs as post-policy Route Monitoring, %lu route "
	    "events, %.1f MB of BMP, sent in one go; CPU = utime+stime until idle 1 s\n",
	    path, st.updates, st.events, (double)w.len / 1e6);
	run_ixwatchd(&ixw, dir, &w);
	run_pmbmpd(&pm, dir, &w);
	printf("%-10s  %8s  %14s  %9s  %10s  %s\n", "receiver", "CPU s", "events/CPU s",
	    "RSS MB", "B/route", "routes");
	row(&ixw, st.events);
	row(&pm, st.events);
	if (ixw.ran && pm.ran && ixw.cpu > 0)
		printf("ratio: ixwatchd is %.1fx pmbmpd's rate (goal >= 3x); pmbmpd keeps a RIB "
		    "(-O dump -i 3600), ixwatchd its full RIB with interned attributes\n",
		    pm.cpu / ixw.cpu);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_bmp_ingest: could not remove %s\n", dir);
	wbuf_free(&w);
	return 0;
}
