/*
 * ixwatch-dump: print the route events of an MRT file (RFC 6396, RFC 8050; plain,
 * gzip or bzip2), a raw BMP byte stream (RFC 7854, as captured from TCP) or a raw BGP
 * message stream, one line per announced or withdrawn prefix. Three forms: the
 * canonical ixwatch line, bgpdump -m compatible lines (-m) and JSON lines (-J).
 * The cross-check tests compare its output with bgpdump and tshark.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "bgp/mrt.h"
#include "bgp/mrt_file.h"
#include "bgp/prefix.h"

enum out_form { OUT_CANON, OUT_BGPDUMP, OUT_JSON };

struct dump {
	int		 form;
	int		 msgs;		/* -M: one line per BMP/BGP message too */
	size_t		 chunk;		/* -c: BMP framer chunk size */
	FILE		*out;
	uint64_t	 events;
	uint64_t	 errors;
	struct mrt_peers peers;
};

/* Where an event comes from: record kind, time, peer. */
struct src {
	const char	*kind;		/* BGP4MP, BGP4MP_ET, TABLE_DUMP2, ..., BMP, BGP */
	char		 flag;		/* 'A' for updates, 'B' for RIB entries (bgpdump) */
	uint32_t	 sec;
	uint32_t	 usec;
	int		 has_usec;
	int		 has_path_id;
	uint8_t		 af;
	uint8_t		 addr[16];
	uint32_t	 as;
};

static void
put_time(struct dump *d, const struct src *s)
{
	if (s->has_usec)
		fprintf(d->out, "%" PRIu32 ".%06" PRIu32, s->sec, s->usec);
	else
		fprintf(d->out, "%" PRIu32, s->sec);
}

static void
put_aspath(struct dump *d, const struct bgp_attrs *a)
{
	static const char open[] = " {([", close[] = " })]";
	struct bgp_aspath_iter	 it;
	uint32_t		 asn;
	uint8_t			 st, cur = 0;
	int			 first = 1;

	if (!BGP_ATTR_HAS(a, BGP_ATTR_AS_PATH))
		return;
	bgp_aspath_iter_init(&it, a);
	while (bgp_aspath_next(&it, &st, &asn) == 1) {
		/* Sequences space-separated; sets {a,b}; confed (a b) and [a,b]. */
		int idx = st == BGP_SEG_SET ? 1 : st == BGP_SEG_CONFED_SEQUENCE ? 2 :
		    st == BGP_SEG_CONFED_SET ? 3 : 0;
		if (it.new_seg || first) {
			if (cur != 0 && close[cur] != ' ')
				fputc(close[cur], d->out);
			if (!first)
				fputc(' ', d->out);
			if (idx != 0)
				fputc(open[idx], d->out);
			cur = (uint8_t)idx;
		} else
			fputc(cur == 1 || cur == 3 ? ',' : ' ', d->out);
		fprintf(d->out, "%" PRIu32, asn);
		first = 0;
	}
	if (cur != 0)
		fputc(close[cur], d->out);
}

static const char *
origin_str(const struct bgp_attrs *a)
{
	static const char *const o[] = { "IGP", "EGP", "INCOMPLETE" };

	if (!BGP_ATTR_HAS(a, BGP_ATTR_ORIGIN) || a->origin > 2)
		return "";
	return o[a->origin];
}

static void
put_communities(struct dump *d, const struct bgp_attrs *a, const char *sep, int quote)
{
	uint32_t	 c;
	unsigned	 i;

	for (i = 0; i < a->ncommunities; i++) {
		c = be32_load(a->communities + 4 * i);
		fputs(i ? sep : "", d->out);
		if (quote)
			fputc('"', d->out);
		if (c == 0xffffff01)
			fputs("no-export", d->out);
		else if (c == 0xffffff02)
			fputs("no-advertise", d->out);
		else if (c == 0xffffff03)
			fputs("no-export-subconfed", d->out);
		else
			fprintf(d->out, "%u:%u", c >> 16, c & 0xffff);
		if (quote)
			fputc('"', d->out);
	}
}

static void
put_large(struct dump *d, const struct bgp_attrs *a, const char *sep, int quote)
{
	const uint8_t	*p;
	unsigned	 i;

	for (i = 0; i < a->nlarge_communities; i++) {
		p = a->large_communities + 12 * i;
		fprintf(d->out, "%s%s%" PRIu32 ":%" PRIu32 ":%" PRIu32 "%s", i ? sep : "",
		    quote ? "\"" : "", be32_load(p), be32_load(p + 4), be32_load(p + 8),
		    quote ? "\"" : "");
	}
}

static void
put_aggregator(struct dump *d, const struct bgp_attrs *a)
{
	char	 s[ADDR_STRLEN];

	if (BGP_ATTR_HAS(a, BGP_ATTR_AGGREGATOR))
		fprintf(d->out, "%" PRIu32 " %s", a->aggregator_as,
		    addr_fmt(PREFIX_AF_IPV4, a->aggregator_addr, s, sizeof(s)));
}

static void
put_prefix_head(struct dump *d, const struct src *s, char what, const struct prefix *p,
    uint32_t path_id)
{
	char	 a[ADDR_STRLEN], ps[PREFIX_STRLEN];

	addr_fmt(s->af, s->addr, a, sizeof(a));
	prefix_fmt(p, ps, sizeof(ps));
	switch (d->form) {
	case OUT_JSON:
		fprintf(d->out, "{\"kind\":\"%s\",\"time\":", s->kind);
		put_time(d, s);
		fprintf(d->out, ",\"type\":\"%c\",\"peer\":\"%s\",\"peer_as\":%" PRIu32
		    ",\"prefix\":\"%s\",\"path_id\":%" PRIu32, what, a, s->as, ps, path_id);
		break;
	case OUT_BGPDUMP:
		fprintf(d->out, "%s|", s->kind);
		put_time(d, s);
		fprintf(d->out, "|%c|%s|%" PRIu32 "|%s", what == 'A' ? s->flag : what, a,
		    s->as, ps);
		if (s->has_path_id)
			fprintf(d->out, "|%" PRIu32, path_id);
		break;
	default:
		put_time(d, s);
		fprintf(d->out, "|%c|%s|%" PRIu32 "|%s|%" PRIu32, what, a, s->as, ps, path_id);
	}
}

static void
put_attrs_text(struct dump *d, const struct bgp_attrs *a, const struct bgp_nexthop *nh)
{
	char	 n[ADDR_STRLEN] = "";

	if (nh->af != PREFIX_AF_NONE)
		addr_fmt(nh->af, nh->addr, n, sizeof(n));
	fputc('|', d->out);
	put_aspath(d, a);
	fprintf(d->out, "|%s|%s|", origin_str(a), n);
	if (d->form == OUT_BGPDUMP) {
		fprintf(d->out, "%" PRIu32 "|%" PRIu32 "|", a->local_pref, a->med);
		put_communities(d, a, " ", 0);
		fputs(a->atomic_aggregate ? "|AG|" : "|NAG|", d->out);
		put_aggregator(d, a);
		fputs("|\n", d->out);
		return;
	}
	if (BGP_ATTR_HAS(a, BGP_ATTR_LOCAL_PREF))
		fprintf(d->out, "%" PRIu32, a->local_pref);
	fputc('|', d->out);
	if (BGP_ATTR_HAS(a, BGP_ATTR_MED))
		fprintf(d->out, "%" PRIu32, a->med);
	fputc('|', d->out);
	put_communities(d, a, " ", 0);
	fputc('|', d->out);
	put_large(d, a, " ", 0);
	fputs(a->atomic_aggregate ? "|AG|" : "|NAG|", d->out);
	put_aggregator(d, a);
	fputc('\n', d->out);
}

static void
put_attrs_json(struct dump *d, const struct bgp_attrs *a, const struct bgp_nexthop *nh)
{
	char	 n[ADDR_STRLEN] = "";

	if (nh->af != PREFIX_AF_NONE)
		addr_fmt(nh->af, nh->addr, n, sizeof(n));
	fputs(",\"as_path\":\"", d->out);
	put_aspath(d, a);
	fprintf(d->out, "\",\"origin\":\"%s\",\"next_hop\":\"%s\"", origin_str(a), n);
	if (BGP_ATTR_HAS(a, BGP_ATTR_LOCAL_PREF))
		fprintf(d->out, ",\"local_pref\":%" PRIu32, a->local_pref);
	if (BGP_ATTR_HAS(a, BGP_ATTR_MED))
		fprintf(d->out, ",\"med\":%" PRIu32, a->med);
	fputs(",\"communities\":[", d->out);
	put_communities(d, a, ",", 1);
	fputs("],\"large_communities\":[", d->out);
	put_large(d, a, ",", 1);
	fprintf(d->out, "],\"atomic_aggregate\":%s", a->atomic_aggregate ? "true" : "false");
	if (BGP_ATTR_HAS(a, BGP_ATTR_AGGREGATOR)) {
		fputs(",\"aggregator\":\"", d->out);
		put_aggregator(d, a);
		fputc('"', d->out);
	}
	fputs("}\n", d->out);
}

static void
emit_announce(struct dump *d, const struct src *s, const struct prefix *p, uint32_t path_id,
    const struct bgp_attrs *a, const struct bgp_nexthop *nh)
{
	d->events++;
	put_prefix_head(d, s, 'A', p, path_id);
	if (d->form == OUT_JSON)
		put_attrs_json(d, a, nh);
	else
		put_attrs_text(d, a, nh);
}

static void
emit_withdraw(struct dump *d, const struct src *s, const struct prefix *p, uint32_t path_id)
{
	d->events++;
	put_prefix_head(d, s, 'W', p, path_id);
	fputs(d->form == OUT_JSON ? "}\n" : "\n", d->out);
}

static void
emit_set(struct dump *d, const struct src *s, const struct bgp_nlri_set *set,
    const struct bgp_attrs *a, const struct bgp_nexthop *nh)
{
	struct bgp_nlri_iter	 it;
	struct prefix		 p;
	uint32_t		 id;
	int			 r;

	if (!set->present || set->count == 0)
		return;
	bgp_nlri_iter_init(&it, set);
	while ((r = bgp_nlri_next(&it, &p, &id)) == 1) {
		if (a == NULL)
			emit_withdraw(d, s, &p, id);
		else
			emit_announce(d, s, &p, id, a, nh);
	}
	if (r == -1)
		d->errors++;
}

/* A set of several prefixes one of which is /0: the likely misreading of path ids. */
static int
looks_like_addpath(const struct bgp_nlri_set *set)
{
	struct bgp_nlri_iter	 it;
	struct prefix		 p;

	if (!set->present || set->count < 2)
		return 0;
	bgp_nlri_iter_init(&it, set);
	while (bgp_nlri_next(&it, &p, NULL) == 1)
		if (p.len == 0)
			return 1;
	return 0;
}

/*
 * Without the Peer Up (a capture that starts mid-session) ADD-PATH is unknown. An
 * UPDATE read without path ids that yields /0 among other prefixes, and that reads
 * cleanly with path ids, is taken as ADD-PATH (the same guess Wireshark makes).
 */
static enum bgp_result
guess_addpath(const uint8_t *body, size_t len, struct bgp_sess *sess,
    struct bgp_update *u, struct bgp_error *err, enum bgp_result r)
{
	struct bgp_sess		 ap = *sess;
	struct bgp_update	 u2;
	struct bgp_error	 e2;
	enum bgp_result		 r2;

	if (r == BGP_ERR_SESSION_RESET || !(looks_like_addpath(&u->nlri) ||
	    looks_like_addpath(&u->withdrawn) || looks_like_addpath(&u->mp_reach) ||
	    looks_like_addpath(&u->mp_unreach)))
		return r;
	ap.addpath_rx = BGP_AP_IPV4_UNICAST | BGP_AP_IPV6_UNICAST;
	if ((r2 = bgp_update_decode(body, len, &ap, &u2, &e2)) == BGP_ERR_SESSION_RESET)
		return r;
	*sess = ap;
	*u = u2;
	*err = e2;
	return r2;
}

/* -M: what the UPDATE carries, whatever its address family: MP AFI/SAFI, AS path, origin. */
static void
update_line(struct dump *d, const struct bgp_update *u, enum bgp_result r)
{
	if (r == BGP_ERR_SESSION_RESET) {
		fputs("UPD|malformed\n", d->out);
		return;
	}
	if (u->mp_reach.present)
		fprintf(d->out, "UPD|%u/%u|", u->mp_reach.afi, u->mp_reach.safi);
	else
		fputs("UPD|-|", d->out);
	put_aspath(d, &u->attrs);
	fprintf(d->out, "|%s\n", origin_str(&u->attrs));
}

/*
 * One BGP UPDATE (header included): withdrawals first, then announcements (as
 * bgpdump). With guess set, ADD-PATH may be guessed and is then set in sess.
 */
static void
emit_update(struct dump *d, const struct src *s, const uint8_t *pdu, size_t len,
    struct bgp_sess *sess, int guess)
{
	struct bgp_update	 u;
	struct bgp_error	 err;
	enum bgp_result		 r;

	if (len < BGP_HDR_LEN || pdu[18] != BGP_MSG_UPDATE)
		return;
	r = bgp_update_decode(pdu + BGP_HDR_LEN, len - BGP_HDR_LEN, sess, &u, &err);
	if (guess && sess->addpath_rx == 0)
		r = guess_addpath(pdu + BGP_HDR_LEN, len - BGP_HDR_LEN, sess, &u, &err, r);
	if (d->msgs && d->form != OUT_JSON)
		update_line(d, &u, r);
	if (r == BGP_ERR_SESSION_RESET) {
		fprintf(stderr, "ixwatch-dump: bad UPDATE at %" PRIu32 ": %s\n", s->sec,
		    err.what ? err.what : "?");
		d->errors++;
		return;
	}
	emit_set(d, s, &u.withdrawn, NULL, NULL);
	emit_set(d, s, &u.mp_unreach, NULL, NULL);
	if (r == BGP_ERR_TREAT_AS_WITHDRAW) {
		fprintf(stderr, "ixwatch-dump: UPDATE at %" PRIu32 " treated as withdraw: %s\n",
		    s->sec, err.what ? err.what : "?");
		emit_set(d, s, &u.nlri, NULL, NULL);
		emit_set(d, s, &u.mp_reach, NULL, NULL);
		return;
	}
	emit_set(d, s, &u.nlri, &u.attrs, &u.attrs.nexthop);
	emit_set(d, s, &u.mp_reach, &u.attrs, &u.attrs.mp_nexthop);
}

/* ---- MRT ------------------------------------------------------------------ */

static void
mrt_bgp4mp(struct dump *d, const struct mrt_record *r)
{
	const struct mrt_bgp4mp	*m = &r->u.msg;
	struct bgp_sess		 sess;
	struct src		 s;
	char			 a[ADDR_STRLEN];

	memset(&s, 0, sizeof(s));
	s.kind = r->hdr.type == MRT_BGP4MP_ET ? "BGP4MP_ET" : "BGP4MP";
	s.flag = 'A';
	s.sec = r->hdr.ts;
	s.usec = r->hdr.usec;
	s.has_usec = r->hdr.type == MRT_BGP4MP_ET;
	s.af = m->af;
	memcpy(s.addr, m->peer_addr, 16);
	s.as = m->peer_as;
	if (r->kind == MRT_KIND_BGP4MP_STATE) {
		if (d->form == OUT_JSON)
			return;
		if (d->form == OUT_BGPDUMP)
			fprintf(d->out, "%s|", s.kind);
		put_time(d, &s);
		fprintf(d->out, "|STATE|%s|%" PRIu32 "|%u|%u\n",
		    addr_fmt(s.af, s.addr, a, sizeof(a)), s.as, m->old_state, m->new_state);
		return;
	}
	memset(&sess, 0, sizeof(sess));
	sess.as4 = (uint8_t)m->as4;
	sess.extmsg = 1;
	sess.addpath_rx = m->addpath ? 0x0f : 0;
	s.has_path_id = m->addpath;
	emit_update(d, &s, m->pdu, m->pdu_len, &sess, 0);
}

/*
 * RFC 6396 4.3.4 abbreviates MP_REACH in RIB entries to next-hop length + next hop,
 * but some collectors (RIPE RIS in 2018, see bview.64k_stream_overflow) wrote the
 * full attribute. The abbreviated form is exactly 1 + its first octet long.
 */
static int
rib_mp_reach_abbreviated(const uint8_t *p, size_t len)
{
	struct bgp_attr_iter	 it;
	struct bgp_attr_raw	 ra;

	bgp_attr_iter_init(&it, p, len);
	while (bgp_attr_next(&it, &ra) == 1)
		if (ra.type == BGP_ATTR_MP_REACH)
			return ra.len >= 1 && ra.len == 1 + ra.value[0];
	return 1;
}

static int
rib_attrs(struct dump *d, const uint8_t *p, size_t len, int as4, struct bgp_attrs *a)
{
	struct bgp_sess		 sess;
	struct bgp_error	 err;
	unsigned		 flags = 0;

	memset(&sess, 0, sizeof(sess));
	sess.as4 = (uint8_t)as4;
	if (as4 && rib_mp_reach_abbreviated(p, len))
		flags = BGP_ATTRS_MRT_NH;
	bgp_attrs_init(a);
	if (bgp_attrs_decode(p, len, &sess, flags, a, NULL, NULL, &err) ==
	    BGP_ERR_SESSION_RESET) {
		fprintf(stderr, "ixwatch-dump: bad RIB attributes: %s\n",
		    err.what ? err.what : "?");
		d->errors++;
		return -1;
	}
	return 0;
}

static const struct bgp_nexthop *
rib_nexthop(const struct prefix *p, const struct bgp_attrs *a)
{
	if (p->af == PREFIX_AF_IPV4 && a->nexthop.af != PREFIX_AF_NONE)
		return &a->nexthop;
	return &a->mp_nexthop;
}

static void
mrt_rib(struct dump *d, const struct mrt_record *r)
{
	struct mrt_rib_entry	 e;
	struct bgp_attrs	 a;
	struct rbuf		 b = r->u.rib.entries;
	struct src		 s;

	memset(&s, 0, sizeof(s));
	s.kind = r->u.rib.addpath ? "TABLE_DUMP2_AP" : "TABLE_DUMP2";
	s.flag = 'B';
	s.sec = r->hdr.ts;
	s.has_path_id = r->u.rib.addpath;
	while (mrt_rib_next(&b, r->u.rib.addpath, &e) == 1) {
		if (e.peer_index >= d->peers.count) {
			d->errors++;
			continue;
		}
		s.af = d->peers.peer[e.peer_index].af;
		memcpy(s.addr, d->peers.peer[e.peer_index].addr, 16);
		s.as = d->peers.peer[e.peer_index].as;
		if (rib_attrs(d, e.attrs, e.attrs_len, 1, &a) == 0)
			emit_announce(d, &s, &r->u.rib.prefix, e.path_id, &a,
			    rib_nexthop(&r->u.rib.prefix, &a));
	}
}

static void
mrt_td1(struct dump *d, const struct mrt_record *r)
{
	struct bgp_attrs	 a;
	struct src		 s;

	memset(&s, 0, sizeof(s));
	s.kind = "TABLE_DUMP";
	s.flag = 'B';
	s.sec = r->hdr.ts;
	s.af = r->u.td.prefix.af;
	memcpy(s.addr, r->u.td.peer_addr, 16);
	s.as = r->u.td.peer_as;
	if (rib_attrs(d, r->u.td.attrs, r->u.td.attrs_len, 0, &a) == 0)
		emit_announce(d, &s, &r->u.td.prefix, 0, &a, rib_nexthop(&r->u.td.prefix, &a));
}

static int
dump_mrt(struct dump *d, const char *path)
{
	struct mrt_file		*f;
	struct mrt_record	 r;
	int			 res, n;

	if ((f = mrt_file_open(path)) == NULL) {
		fprintf(stderr, "ixwatch-dump: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = mrt_file_next_record(f, &r, &res)) == 1) {
		if (res != MRT_OK) {
			if (res != MRT_UNSUPPORTED)
				d->errors++;
			continue;
		}
		switch (r.kind) {
		case MRT_KIND_BGP4MP_MSG:
		case MRT_KIND_BGP4MP_STATE:
			mrt_bgp4mp(d, &r);
			break;
		case MRT_KIND_PEER_INDEX:
			if (mrt_peers_load(&d->peers, &r.u.pi) == -1)
				d->errors++;
			break;
		case MRT_KIND_RIB:
			mrt_rib(d, &r);
			break;
		case MRT_KIND_TABLE_DUMP:
			mrt_td1(d, &r);
			break;
		}
	}
	if (n != 0)
		fprintf(stderr, "ixwatch-dump: %s: record %" PRIu64 ": %s\n", path,
		    mrt_file_count(f) + 1, n == MRT_FILE_EIO ? strerror(errno) : mrt_result_str(n));
	mrt_file_close(f);
	return 0;
}

/* ---- BMP ------------------------------------------------------------------ */

/*
 * Session parameters per monitored peer, from its Peer Up (RFC 7854 4.10): one
 * Peer Up (without the O flag) serves its Adj-RIB-In and, with the direction of
 * ADD-PATH turned round, its Adj-RIB-Out (RFC 8671) Route Monitoring.
 */
struct bmp_peer_state {
	uint8_t		 type;
	uint8_t		 rd[8];
	uint8_t		 addr[16];
	int		 guess;		/* no Peer Up seen: ADD-PATH unknown */
	struct bgp_sess	 sess;		/* what the router receives */
	struct bgp_sess	 sess_out;	/* what it sends */
};

struct bmp_state {
	struct bmp_peer_state	*p;
	size_t			 n;
};

static struct bmp_peer_state *
bmp_peer_find(struct bmp_state *st, const struct bmp_peer_hdr *ph, int create)
{
	struct bmp_peer_state	*np;
	size_t			 i;

	for (i = 0; i < st->n; i++)
		if (st->p[i].type == ph->type && memcmp(st->p[i].rd, ph->rd, 8) == 0 &&
		    memcmp(st->p[i].addr, ph->addr, 16) == 0)
			return &st->p[i];
	if (!create || (np = realloc(st->p, (st->n + 1) * sizeof(*np))) == NULL)
		return NULL;
	st->p = np;
	np = &st->p[st->n++];
	memset(np, 0, sizeof(*np));
	np->type = ph->type;
	memcpy(np->rd, ph->rd, 8);
	memcpy(np->addr, ph->addr, 16);
	return np;
}

/* The encapsulated UPDATEs follow the two OPENs (ADD-PATH); the A flag says 2-octet ASes. */
static void
peer_up(struct bmp_state *st, const struct bmp_msg *m)
{
	struct bmp_peer_state	*ps;

	if ((ps = bmp_peer_find(st, &m->peer, 1)) == NULL)
		return;
	ps->guess = 0;
	(void)bmp_peer_up_sess(m, &ps->sess, &ps->sess_out);
}

static void
bmp_msg_line(struct dump *d, const struct bmp_msg *m)
{
	char	 a[ADDR_STRLEN];

	if (!d->msgs || d->form == OUT_JSON)
		return;
	fprintf(d->out, "BMP|%s", bmp_msg_type_name(m->type));
	if (m->has_peer)
		fprintf(d->out, "|%u|0x%02x|%s|%" PRIu32 "|%u.%u.%u.%u|%" PRIu32 ".%06" PRIu32,
		    m->peer.type, m->peer.flags, addr_fmt(m->peer.af, m->peer.addr, a, sizeof(a)),
		    m->peer.as, m->peer.bgp_id >> 24, (m->peer.bgp_id >> 16) & 0xff,
		    (m->peer.bgp_id >> 8) & 0xff, m->peer.bgp_id & 0xff, m->peer.ts_sec,
		    m->peer.ts_usec);
	if (m->type == BMP_MSG_PEER_DOWN)
		fprintf(d->out, "|reason=%u", m->u.down.reason);
	if (m->type == BMP_MSG_STATS)
		fprintf(d->out, "|count=%" PRIu32, m->u.stats.count);
	fputc('\n', d->out);
}

static void
bmp_handle(struct dump *d, struct bmp_state *st, const uint8_t *p, size_t len)
{
	struct bmp_msg		 m;
	struct bmp_peer_state	*ps;
	struct bgp_sess		 sess;
	struct src		 s;
	int			 r;

	if ((r = bmp_msg_decode(p, len, &m)) != BMP_OK) {
		fprintf(stderr, "ixwatch-dump: BMP message: %s\n", bmp_result_str(r));
		d->errors++;
		return;
	}
	bmp_msg_line(d, &m);
	if (m.type == BMP_MSG_PEER_UP)
		peer_up(st, &m);
	if (m.type != BMP_MSG_ROUTE_MONITORING)
		return;
	if ((ps = bmp_peer_find(st, &m.peer, 0)) == NULL &&
	    (ps = bmp_peer_find(st, &m.peer, 1)) != NULL)
		ps->guess = 1;
	bmp_rm_sess(&m.peer, ps == NULL ? NULL : (m.peer.flags & BMP_PEER_FLAG_O) ?
	    &ps->sess_out : &ps->sess, &sess);
	memset(&s, 0, sizeof(s));
	s.kind = "BMP";
	s.flag = 'A';
	s.sec = m.peer.ts_sec;
	s.usec = m.peer.ts_usec;
	s.has_usec = 1;
	s.af = m.peer.af;
	memcpy(s.addr, m.peer.addr, 16);
	s.as = m.peer.as;
	s.has_path_id = sess.addpath_rx != 0;
	emit_update(d, &s, m.u.rm.pdu, m.u.rm.pdu_len, &sess, ps != NULL && ps->guess);
	if (ps != NULL && ps->guess && sess.addpath_rx != 0) {
		ps->sess.addpath_rx = sess.addpath_rx;
		ps->guess = 0;
	}
}

static int
dump_bmp(struct dump *d, const char *path)
{
	struct bmp_framer	*fr;
	struct mrt_file		*f;
	struct bmp_state	 st = { NULL, 0 };
	uint8_t			*buf;
	const uint8_t		*msg;
	size_t			 mlen;
	ssize_t			 n;
	int			 r = 0, ret = -1;

	fr = bmp_framer_new(0);
	buf = malloc(d->chunk);
	if ((f = mrt_file_open(path)) == NULL || fr == NULL || buf == NULL) {
		fprintf(stderr, "ixwatch-dump: %s: %s\n", path, strerror(errno));
		goto out;
	}
	while (r >= 0 && (n = mrt_file_read(f, buf, d->chunk)) > 0) {
		if ((r = bmp_framer_feed(fr, buf, (size_t)n)) < 0)
			break;
		while ((r = bmp_framer_next(fr, &msg, &mlen)) == 1)
			bmp_handle(d, &st, msg, mlen);
	}
	if (r < 0) {
		fprintf(stderr, "ixwatch-dump: %s: BMP stream: %s\n", path, bmp_result_str(r));
		d->errors++;
	} else if (bmp_framer_pending(fr) != 0) {
		fprintf(stderr, "ixwatch-dump: %s: %zu bytes of a cut message at the end\n",
		    path, bmp_framer_pending(fr));
	}
	ret = 0;
out:
	free(st.p);
	free(buf);
	bmp_framer_free(fr);
	mrt_file_close(f);
	return ret;
}

/* ---- raw BGP -------------------------------------------------------------- */

/* One direction of a BGP session: its own OPEN decides 4-octet ASes and ADD-PATH. */
static void
bgp_handle(struct dump *d, struct bgp_sess *sess, struct src *s, const uint8_t *p, size_t len)
{
	struct bgp_open		 o;
	struct bgp_error	 err;
	unsigned		 i;

	if (p[18] == BGP_MSG_OPEN) {
		if (bgp_open_decode(p + BGP_HDR_LEN, len - BGP_HDR_LEN, &o, &err) != BGP_OK)
			return;
		sess->as4 = o.caps.has_as4;
		sess->addpath_rx = 0;
		for (i = 0; i < o.caps.naddpath; i++)
			if (o.caps.addpath[i].flags & BGP_ADDPATH_SEND)
				sess->addpath_rx |= (uint8_t)BGP_AP_BIT(o.caps.addpath[i].afi,
				    o.caps.addpath[i].safi);
		s->as = bgp_open_peer_as(&o);
		s->af = PREFIX_AF_IPV4;
		be32_store(s->addr, o.bgp_id);
		s->has_path_id = sess->addpath_rx != 0;
	}
	if (d->msgs && d->form != OUT_JSON)
		fprintf(d->out, "BGP|%u|%zu\n", p[18], len);
	if (p[18] == BGP_MSG_UPDATE)
		emit_update(d, s, p, len, sess, 0);
}

static int
dump_bgp(struct dump *d, const char *path)
{
	struct mrt_file		*f;
	struct bgp_sess		 sess;
	struct src		 s;
	uint8_t			*buf = NULL;
	size_t			 have = 0, off = 0, cap = 1 << 20, l;
	ssize_t			 n;

	memset(&sess, 0, sizeof(sess));
	sess.as4 = 1;
	sess.extmsg = 1;
	memset(&s, 0, sizeof(s));
	s.kind = "BGP";
	s.flag = 'A';
	if ((f = mrt_file_open(path)) == NULL || (buf = malloc(cap)) == NULL) {
		fprintf(stderr, "ixwatch-dump: %s: %s\n", path, strerror(errno));
		mrt_file_close(f);
		return -1;
	}
	while ((n = mrt_file_read(f, buf + have, cap - have)) > 0) {
		have += (size_t)n;
		while ((l = bmp_bgp_msglen(buf + off, have - off)) != 0 && l <= have - off) {
			bgp_handle(d, &sess, &s, buf + off, l);
			off += l;
		}
		if (have - off >= BGP_HDR_LEN && l == 0) {
			fprintf(stderr, "ixwatch-dump: %s: bad BGP header\n", path);
			d->errors++;
			break;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		off = 0;
	}
	free(buf);
	mrt_file_close(f);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ixwatch-dump [-J | -m] [-M] [-b | -g] [-c chunk] file ...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct dump	 d;
	int		 ch, input = 'r', i, rc = 0;
	long		 c;

	memset(&d, 0, sizeof(d));
	d.out = stdout;
	d.chunk = 65536;
	while ((ch = getopt(argc, argv, "bc:gJmM")) != -1) {
		switch (ch) {
		case 'b':
		case 'g':
			input = ch;
			break;
		case 'c':
			c = strtol(optarg, NULL, 10);
			if (c < 1 || c > 16 * 1024 * 1024)
				usage();
			d.chunk = (size_t)c;
			break;
		case 'J':
			d.form = OUT_JSON;
			break;
		case 'm':
			d.form = OUT_BGPDUMP;
			break;
		case 'M':
			d.msgs = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (i = optind; i < argc; i++) {
		if ((input == 'b' ? dump_bmp(&d, argv[i]) : input == 'g' ?
		    dump_bgp(&d, argv[i]) : dump_mrt(&d, argv[i])) == -1)
			rc = 1;
	}
	mrt_peers_clear(&d.peers);
	if (fflush(stdout) == EOF)
		rc = 1;
	if (d.errors > 0) {
		fprintf(stderr, "ixwatch-dump: %" PRIu64 " events, %" PRIu64 " errors\n",
		    d.events, d.errors);
		rc = 1;
	}
	return rc;
}
