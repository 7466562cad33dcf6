/*
 * UPDATE decode benchmark: how many routes per second one core turns from wire
 * bytes into prefixes + attributes (bgp_update_decode + NLRI iteration), and the
 * same with the canonical attribute blob the RIB interns.
 *
 * Inputs: the real full feed (MRT, ../shared/data/mrt/updates.et-header.2015.gz,
 * one IPv4 peer, 89,681 UPDATEs, read with the project's MRT reader), loaded into
 * memory first; and a synthetic stream built with our own encoder from the pyasn
 * prefix/origin table (pyasn.ipasn_20140513.dat.gz, 512,621 prefixes). Only the
 * decoding is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bgp/bgp.h"
#include "bgp/mrt_file.h"

#ifndef BENCH_SHARED
#define BENCH_SHARED	"../shared/data"
#endif

struct stream {
	struct wbuf	 buf;		/* whole BGP messages back to back */
	size_t		 nmsgs;
	uint64_t	 nroutes;	/* announced + withdrawn per pass */
	struct bgp_sess	 sess;
};

static const char *
shared(const char *rel, char *out, size_t len)
{
	const char *base = getenv("IXW_SHARED");

	snprintf(out, len, "%s/%s", base != NULL ? base : BENCH_SHARED, rel);
	return access(out, R_OK) == 0 ? out : NULL;
}

/*
 * CPU time of this thread: the machine is shared, and the figure wanted is what one
 * core does, not how much of it the scheduler gave us. Wall time is shown beside.
 */
static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
walk(const struct bgp_nlri_set *s, uint64_t *sum)
{
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint32_t		id;
	uint64_t		n = 0;

	bgp_nlri_iter_init(&it, s);
	while (bgp_nlri_next(&it, &p, &id) == 1) {
		*sum += p.addr[0] + p.len + id;
		n++;
	}
	return n;
}

/* One pass over the stream: routes seen; canon: also build the canonical blob. */
static uint64_t
pass(const struct stream *st, int canon, uint64_t *sum, struct wbuf *cw)
{
	const uint8_t		*p = st->buf.buf;
	size_t			 left = st->buf.len;
	struct bgp_hdr		 h;
	struct bgp_update	 u;
	struct bgp_error	 e;
	uint64_t		 n = 0;
	int			 len;

	while (left > 0 && (len = bgp_msg_frame(p, left, &st->sess, &h, &e)) > 0) {
		if (h.type == BGP_MSG_UPDATE &&
		    bgp_update_decode(h.body, h.bodylen, &st->sess, &u, &e) !=
		    BGP_ERR_SESSION_RESET) {
			n += walk(&u.withdrawn, sum) + walk(&u.nlri, sum) +
			    walk(&u.mp_reach, sum) + walk(&u.mp_unreach, sum);
			*sum += u.attrs.origin_as;
			if (canon && (u.nlri.count > 0 || u.mp_reach.count > 0)) {
				wbuf_reset(cw);
				bgp_canon_encode(cw, &u.attrs, -1);
				*sum += cw->len;
			}
		}
		p += len;
		left -= (size_t)len;
	}
	return n;
}

static void
run(const char *label, const struct stream *st, int canon)
{
	struct wbuf	cw;
	uint64_t	sum = 0, routes = 0, passes = 0;
	double		t0, w0, dt, wall;
	long		cores = sysconf(_SC_NPROCESSORS_ONLN);

	wbuf_init(&cw, 0);
	pass(st, canon, &sum, &cw);		/* warm up */
	t0 = now(CLOCK_THREAD_CPUTIME_ID);
	w0 = now(CLOCK_MONOTONIC);
	do {
		routes += pass(st, canon, &sum, &cw);
		passes++;
	} while ((dt = now(CLOCK_THREAD_CPUTIME_ID) - t0) < 2.0 || passes < 3);
	wall = now(CLOCK_MONOTONIC) - w0;
	printf("%-44s %6.2f M routes/s  %6.0f k UPDATEs/s  %5.0f MB/s  "
	    "(1 core of %ld, CPU time; wall %.2f M routes/s; %llu passes, chk %llu)\n",
	    label, (double)routes / dt / 1e6, (double)(passes * st->nmsgs) / dt / 1e3,
	    (double)(passes * st->buf.len) / dt / 1e6, cores, (double)routes / wall / 1e6,
	    (unsigned long long)passes, (unsigned long long)(sum & 0xffff));
	wbuf_free(&cw);
}

/* The real feed: every BGP4MP UPDATE of the file, copied into memory. */
static int
load_mrt(const char *path, struct stream *st)
{
	struct mrt_file		*f;
	struct mrt_record	 r;
	int			 res, rc;

	if ((f = mrt_file_open(path)) == NULL)
		return -1;
	while ((rc = mrt_file_next_record(f, &r, &res)) == 1) {
		if (res != MRT_OK || r.kind != MRT_KIND_BGP4MP_MSG || r.u.msg.pdu_len < 23 ||
		    r.u.msg.pdu[18] != BGP_MSG_UPDATE)
			continue;
		/* this feed is a single 4-octet-AS peer without ADD-PATH */
		st->sess.as4 = (uint8_t)r.u.msg.as4;
		st->sess.addpath_rx = r.u.msg.addpath ? BGP_AP_IPV4_UNICAST | BGP_AP_IPV6_UNICAST : 0;
		wbuf_put_bytes(&st->buf, r.u.msg.pdu, r.u.msg.pdu_len);
		st->nmsgs++;
	}
	mrt_file_close(f);
	return rc < 0 || st->buf.err ? -1 : 0;
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Flush the routes gathered for one origin as one UPDATE with a made-up path. */
static void
flush(struct stream *st, struct bgp_route *r, size_t n, uint32_t origin, uint32_t *seed)
{
	static const uint8_t	 nh[4] = { 192, 0, 2, 1 };
	uint8_t			 comm[8];
	uint32_t		 path[8];
	size_t			 plen = 2 + rnd(seed) % 5, i;
	struct bgp_attrs	 a;
	struct bgp_update_enc	 enc;
	struct wbuf		 pw;

	path[0] = 3856;
	for (i = 1; i + 1 < plen; i++)
		path[i] = 1000 + rnd(seed) % 60000;
	path[plen - 1] = origin;
	wbuf_init(&pw, 0);
	bgp_aspath_put(&pw, BGP_SEG_SEQUENCE, path, plen, 1);
	bgp_attrs_init(&a);
	a.origin = BGP_ORIGIN_IGP;
	a.aspath = pw.buf;
	a.aspath_len = (uint16_t)pw.len;
	a.aspath_as4 = 1;
	bgp_nexthop_set(&a.nexthop, PREFIX_AF_IPV4, nh, NULL);
	a.med = rnd(seed) % 100;
	be32_store(comm, 3856u << 16 | 100);
	be32_store(comm + 4, 3856u << 16 | (rnd(seed) % 1000));
	a.communities = comm;
	a.ncommunities = 2;
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED) |
	    BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	memset(&enc, 0, sizeof(enc));
	enc.announce = r;
	enc.nannounce = n;
	enc.attrs = &a;
	if (bgp_update_encode(&st->buf, &st->sess, &enc) == 0) {
		st->nmsgs++;
		st->nroutes += n;
	}
	wbuf_free(&pw);
}

/* Synthetic: pyasn prefixes, consecutive prefixes of one origin share an UPDATE (≤ 12). */
static int
load_synth(const char *path, struct stream *st)
{
	gzFile			 gz;
	char			 line[256], *tab;
	struct bgp_route	 r[12];
	size_t			 n = 0;
	uint32_t		 origin = 0, o, seed = 12345;

	if ((gz = gzopen(path, "rb")) == NULL)
		return -1;
	st->sess.as4 = 1;
	while (gzgets(gz, line, sizeof(line)) != NULL) {
		if (line[0] == ';' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		o = (uint32_t)strtoul(tab + 1, NULL, 10);
		if (n > 0 && (o != origin || n == 12 || rnd(&seed) % 8 == 0)) {
			flush(st, r, n, origin, &seed);
			n = 0;
		}
		memset(&r[n], 0, sizeof(r[n]));
		if (prefix_parse(line, &r[n].pfx) == -1)
			continue;
		origin = o;
		n++;
	}
	if (n > 0)
		flush(st, r, n, origin, &seed);
	gzclose(gz);
	return st->buf.err ? -1 : 0;
}

int
main(void)
{
	struct stream	st;
	char		path[1024];

	memset(&st, 0, sizeof(st));
	wbuf_init(&st.buf, 0);
	if (shared("mrt/updates.et-header.2015.gz", path, sizeof(path)) != NULL &&
	    load_mrt(path, &st) == 0) {
		printf("real feed %s: %zu UPDATEs, %.1f MB in memory\n", path, st.nmsgs,
		    (double)st.buf.len / 1e6);
		run("real feed: decode + iterate NLRI", &st, 0);
		run("real feed: decode + iterate + canonical blob", &st, 1);
	} else
		printf("real feed: not available (set IXW_SHARED)\n");
	wbuf_free(&st.buf);
	memset(&st, 0, sizeof(st));
	wbuf_init(&st.buf, 0);
	if (shared("mrt/pyasn.ipasn_20140513.dat.gz", path, sizeof(path)) != NULL &&
	    load_synth(path, &st) == 0) {
		printf("synthetic stream (own encoder, pyasn 2014 prefixes/origins): "
		    "%zu UPDATEs, %llu routes, %.1f MB\n", st.nmsgs,
		    (unsigned long long)st.nroutes, (double)st.buf.len / 1e6);
		run("synthetic: decode + iterate NLRI", &st, 0);
		run("synthetic: decode + iterate + canonical blob", &st, 1);
	} else
		printf("synthetic stream: pyasn file not available\n");
	wbuf_free(&st.buf);
	return 0;
}
