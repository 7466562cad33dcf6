/*
 * bmp_feed: a BMP (RFC 7854) router stand-in for the collector's tests and benchmark,
 * built on the bgp/bmp.h and bgp/bgp.h encoders (MRT conversion: feed_conv.c).
 *
 *   bmp_feed -o OUT -M MRTFILE     BGP4MP UPDATEs of an MRT file as one BMP stream:
 *                                  Initiation, one Peer Up per MRT peer (4-octet AS,
 *                                  IPv4 + IPv6 unicast OPENs), one Route Monitoring
 *                                  per UPDATE
 *   bmp_feed -o OUT -S N [-P peers] [-w] synthetic: Initiation, Peer Up, N IPv4
 *                                  routes per peer (pre-policy), End-of-RIB; -w adds
 *                                  a Peer Down for the first peer
 *   bmp_feed -c ADDR:PORT [-b SRC] [-t BYTES] [-H SECS] [-k CHUNK] FILE...
 *                                  connect (from SRC), send the files' bytes (plain or
 *                                  gzip/bzip2), stop after BYTES if given, hold the
 *                                  connection open SECS, close
 *   bmp_feed -c ADDR:PORT -g N     send N bytes of garbage after a valid Initiation
 *
 * Exit 0 when everything was sent.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "bgp/mrt.h"
#include "bgp/mrt_file.h"
#include "tests/tools/feed_conv.h"

static void
usage(void)
{
	fprintf(stderr, "usage: bmp_feed -o OUT (-M MRTFILE | -S N [-P PEERS] [-w])\n"
	    "       bmp_feed -c ADDR:PORT [-b SRC] [-t BYTES] [-H SECS] [-k CHUNK] "
	    "(FILE... | -g N)\n");
	exit(2);
}

static int
write_out(const char *path, const struct wbuf *w)
{
	FILE *f;

	if (w->err) {
		fprintf(stderr, "bmp_feed: encoding failed\n");
		return 1;
	}
	if ((f = fopen(path, "wb")) == NULL || fwrite(w->buf, 1, w->len, f) != w->len ||
	    fclose(f) != 0) {
		fprintf(stderr, "bmp_feed: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* MRT BGP4MP updates to BMP (tests/tools/feed_conv.c). */
static int
from_mrt(const char *out, const char *mrt)
{
	struct feed_bmp_stats	 st;
	struct wbuf		 w;
	int			 rc;

	wbuf_init(&w, 0);
	if (feed_bmp_from_mrt(&w, mrt, "bmp_feed-mrt", 0, &st) == -1) {
		fprintf(stderr, "bmp_feed: %s: %s\n", mrt, strerror(errno));
		wbuf_free(&w);
		return 1;
	}
	fprintf(stderr, "bmp_feed: %zu peers, %lu route monitoring messages, %zu bytes\n",
	    st.peers, st.updates, w.len);
	rc = write_out(out, &w);
	wbuf_free(&w);
	return rc;
}

/* Synthetic: nroutes IPv4 /24s per peer from 10.0.0.0 on. */
static int
synthetic(const char *out, unsigned nroutes, unsigned npeers, int down)
{
	struct bmp_peer_hdr	 ph;
	struct bmp_peer_down	 pd;
	struct bgp_attrs	 a;
	struct bgp_route	 rt;
	struct bgp_update_enc	 ue;
	struct bgp_sess		 sess = { .as4 = 1 };
	struct feed_peer	 p;
	struct wbuf		 w, pdu;
	uint32_t		 path[2];
	uint8_t			 nh[4] = { 192, 0, 2, 1 };
	unsigned		 i, k;
	int			 rc;

	wbuf_init(&w, 0);
	wbuf_init(&pdu, 0);
	feed_bmp_initiation(&w, "bmp_feed-synthetic");
	for (k = 0; k < npeers; k++) {
		memset(&p, 0, sizeof(p));
		p.af = PREFIX_AF_IPV4;
		p.addr[0] = 192;
		p.addr[1] = 0;
		p.addr[2] = 2;
		p.addr[3] = (uint8_t)(10 + k);
		p.as = 65100 + k;
		feed_bmp_peer_up(&w, &p);
		feed_bmp_peer_hdr(&ph, &p, 0);
		for (i = 0; i < nroutes; i++) {
			bgp_attrs_init(&a);
			a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
			path[0] = p.as;
			path[1] = 64500 + (i % 100);
			wbuf_reset(&pdu);
			bgp_aspath_put(&pdu, BGP_SEG_SEQUENCE, path, 2, 1);
			a.aspath = pdu.buf;
			a.aspath_len = (uint16_t)pdu.len;
			a.aspath_as4 = 1;
			bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
			memset(&rt, 0, sizeof(rt));
			rt.pfx.af = PREFIX_AF_IPV4;
			rt.pfx.len = 24;
			rt.pfx.addr[0] = 10;
			rt.pfx.addr[1] = (uint8_t)(i >> 8);
			rt.pfx.addr[2] = (uint8_t)i;
			memset(&ue, 0, sizeof(ue));
			ue.announce = &rt;
			ue.nannounce = 1;
			ue.attrs = &a;
			{
				struct wbuf	 msg;

				wbuf_init(&msg, 0);
				bgp_update_encode(&msg, &sess, &ue);
				bmp_encode_route_mon(&w, &ph, msg.buf, msg.len);
				wbuf_free(&msg);
			}
		}
		wbuf_reset(&pdu);
		bgp_eor_encode(&pdu, PREFIX_AF_IPV4, BGP_SAFI_UNICAST);
		bmp_encode_route_mon(&w, &ph, pdu.buf, pdu.len);
		wbuf_reset(&pdu);
		bgp_eor_encode(&pdu, PREFIX_AF_IPV6, BGP_SAFI_UNICAST);
		bmp_encode_route_mon(&w, &ph, pdu.buf, pdu.len);
		if (down && k == 0) {
			memset(&pd, 0, sizeof(pd));
			pd.reason = BMP_DOWN_REMOTE_NODATA;
			bmp_encode_peer_down(&w, &ph, &pd);
		}
	}
	rc = write_out(out, &w);
	wbuf_free(&w);
	wbuf_free(&pdu);
	return rc;
}

static int
dial(const char *target, const char *src)
{
	struct sockaddr_storage	 ss, bs;
	char			 host[128], *colon;
	int			 fd, port;
	socklen_t		 sl;

	snprintf(host, sizeof(host), "%s", target);
	if ((colon = strrchr(host, ':')) == NULL)
		usage();
	*colon = '\0';
	port = atoi(colon + 1);
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else
		usage();
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (src != NULL) {
		memset(&bs, 0, sizeof(bs));
		bs.ss_family = ss.ss_family;
		if ((ss.ss_family == AF_INET && inet_pton(AF_INET, src,
		    &((struct sockaddr_in *)&bs)->sin_addr) != 1) ||
		    (ss.ss_family == AF_INET6 && inet_pton(AF_INET6, src,
		    &((struct sockaddr_in6 *)&bs)->sin6_addr) != 1) ||
		    bind(fd, (struct sockaddr *)&bs, sl) == -1) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1) {
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

int
main(int argc, char **argv)
{
	const char	*out = NULL, *mrt = NULL, *target = NULL, *src = NULL;
	unsigned long	 limit = 0, sent = 0, garbage = 0;
	unsigned	 nsyn = 0, npeers = 1, hold = 0;
	size_t		 chunk = 65536;
	uint8_t		*buf;
	int		 ch, fd, i, down = 0;

	while ((ch = getopt(argc, argv, "b:c:g:H:k:M:o:P:S:t:w")) != -1) {
		switch (ch) {
		case 'b': src = optarg; break;
		case 'c': target = optarg; break;
		case 'g': garbage = strtoul(optarg, NULL, 10); break;
		case 'H': hold = (unsigned)atoi(optarg); break;
		case 'k': chunk = strtoul(optarg, NULL, 10); break;
		case 'M': mrt = optarg; break;
		case 'o': out = optarg; break;
		case 'P': npeers = (unsigned)atoi(optarg); break;
		case 'S': nsyn = (unsigned)atoi(optarg); break;
		case 't': limit = strtoul(optarg, NULL, 10); break;
		case 'w': down = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (out != NULL && mrt != NULL)
		return from_mrt(out, mrt);
	if (out != NULL && nsyn > 0)
		return synthetic(out, nsyn, npeers, down);
	if (target == NULL || chunk == 0 || (argc == 0 && garbage == 0))
		usage();
	if ((fd = dial(target, src)) == -1) {
		fprintf(stderr, "bmp_feed: connect %s: %s\n", target, strerror(errno));
		return 1;
	}
	if ((buf = malloc(chunk)) == NULL)
		return 1;
	if (garbage > 0) {
		struct wbuf w;

		wbuf_init(&w, 0);
		feed_bmp_initiation(&w, "bmp_feed-garbage");
		for (sent = 0; sent < garbage; sent++)
			wbuf_put_u8(&w, (uint8_t)(sent * 131 + 7));
		if (send_all(fd, w.buf, w.len) == -1)
			fprintf(stderr, "bmp_feed: send: %s\n", strerror(errno));
		wbuf_free(&w);
	}
	for (i = 0; i < argc; i++) {
		struct mrt_file	*f;
		ssize_t		 n;

		if ((f = mrt_file_open(argv[i])) == NULL) {
			fprintf(stderr, "bmp_feed: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		while ((n = mrt_file_read(f, buf, chunk)) > 0) {
			size_t take = (size_t)n;

			if (limit > 0 && sent + take > limit)
				take = limit - sent;
			if (send_all(fd, buf, take) == -1) {
				fprintf(stderr, "bmp_feed: send: %s\n", strerror(errno));
				return 1;
			}
			sent += take;
			if (limit > 0 && sent >= limit)
				break;
		}
		mrt_file_close(f);
		if (limit > 0 && sent >= limit)
			break;
	}
	if (hold > 0)
		sleep(hold);
	close(fd);
	free(buf);
	return 0;
}
