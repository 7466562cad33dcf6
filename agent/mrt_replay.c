/*
 * MRT replay (RFC 6396; ADD-PATH subtypes of RFC 8050): each sources.mrt file is read
 * with the project's MRT file reader on the loop, in slices of at most SLICE_MS so
 * the loop never stalls, or at the recorded pace divided by the speed factor. Every
 * MRT peer (BGP4MP peer, TABLE_DUMP_V2 peer index entry, TABLE_DUMP peer) becomes a
 * source; BGP4MP UPDATEs go through source_apply_update(), RIB entries through
 * source_apply_route(). A BGP4MP state change out of Established withdraws the
 * peer's routes. Sources are SYNCING during the replay and UP when it is done.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/config_types.h"
#include "agent/json.h"
#include "agent/log.h"
#include "agent/loop.h"
#include "agent/mrt_replay.h"
#include "agent/source.h"
#include "bgp/bgp.h"
#include "bgp/mrt.h"
#include "bgp/mrt_file.h"

#define SLICE_MS	5	/* longest run of one slice */
#define BGP_ESTABLISHED	6	/* RFC 6396 4.4.1 state numbering */

struct mpeer {
	uint8_t		 af;
	uint8_t		 addr[16];
	uint32_t	 as;
	struct source	*src;
};

struct replay {
	char			 name[64];
	char			*file;
	double			 speed;
	struct mrt_file		*mf;
	struct loop_event	*tm;
	struct mpeer		*peers;
	size_t			 npeers, cap;
	struct mrt_peers	 pi;		/* TABLE_DUMP_V2 peer index */
	struct mrt_record	 pending;	/* paced: waits for its time */
	int			 has_pending;
	int			 done;
	uint32_t		 first_ts, first_usec;
	int			 have_first;
	struct timespec		 t0;		/* when the replay started */
	time_t			 started, finished;
	double			 seconds;	/* wall time of the replay */
	uint64_t		 records, updates, rib_entries, skipped, errors;
	char			 error[160];
};

static struct {
	struct replay	*r;
	size_t		 n;
} mr;

static double
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static struct source *
peer_source(struct replay *rp, uint8_t af, const uint8_t *addr, uint32_t as)
{
	struct mpeer	*p;
	char		 a[ADDR_STRLEN], name[256];
	size_t		 i;

	for (i = 0; i < rp->npeers; i++) {
		p = &rp->peers[i];
		if (p->af == af && p->as == as && memcmp(p->addr, addr,
		    prefix_addrlen(af)) == 0)
			return p->src;
	}
	if (rp->npeers == rp->cap) {
		size_t	 ncap = rp->cap ? rp->cap * 2 : 8;
		void	*np = reallocarray(rp->peers, ncap, sizeof(*rp->peers));

		if (np == NULL)
			return NULL;
		rp->peers = np;
		rp->cap = ncap;
	}
	p = &rp->peers[rp->npeers];
	memset(p, 0, sizeof(*p));
	p->af = af;
	memcpy(p->addr, addr, prefix_addrlen(af));
	p->as = as;
	snprintf(name, sizeof(name), "%s:%s:AS%u", rp->name, addr_fmt(af, addr, a,
	    sizeof(a)), as);
	if ((p->src = source_new(SOURCE_MRT, name, NULL)) == NULL)
		return NULL;
	p->src->peer_af = af;
	memcpy(p->src->peer_addr, addr, prefix_addrlen(af));
	p->src->peer_as = as;
	p->src->owner = rp;
	source_set_state(p->src, SOURCE_SYNCING, NULL);
	rp->npeers++;
	return p->src;
}

static void
apply_msg(struct replay *rp, const struct mrt_bgp4mp *m)
{
	struct bgp_error	 err;
	struct source		*s;

	if (m->local || m->pdu_len < BGP_HDR_LEN || m->pdu[18] != BGP_MSG_UPDATE) {
		rp->skipped++;
		return;
	}
	if ((s = peer_source(rp, m->af, m->peer_addr, m->peer_as)) == NULL)
		return;
	s->sess.as4 = (uint8_t)(m->as4 != 0);
	s->sess.extmsg = 1;
	s->sess.addpath_rx = m->addpath ? 0x0f : 0;
	rp->updates++;
	if (source_apply_update(s, m->pdu + BGP_HDR_LEN, m->pdu_len - BGP_HDR_LEN, &err) ==
	    BGP_ERR_SESSION_RESET)
		rp->errors++;
}

static void
apply_state(struct replay *rp, const struct mrt_bgp4mp *m)
{
	struct source *s;

	if (m->old_state != BGP_ESTABLISHED || m->new_state == BGP_ESTABLISHED)
		return;
	if ((s = peer_source(rp, m->af, m->peer_addr, m->peer_as)) != NULL)
		source_withdraw_all(s);
}

/*
 * RFC 6396 4.3.4 abbreviates MP_REACH in RIB entries to next-hop length + next hop,
 * but some collectors wrote the whole attribute; the abbreviated form is exactly one
 * octet plus the length that octet gives.
 */
static unsigned
rib_attr_flags(const uint8_t *p, size_t len)
{
	struct bgp_attr_iter	it;
	struct bgp_attr_raw	ra;

	bgp_attr_iter_init(&it, p, len);
	while (bgp_attr_next(&it, &ra) == 1)
		if (ra.type == BGP_ATTR_MP_REACH)
			return ra.len >= 1 && ra.len == 1 + ra.value[0] ? BGP_ATTRS_MRT_NH : 0;
	return BGP_ATTRS_MRT_NH;
}

static void
apply_rib(struct replay *rp, const struct mrt_record *rec)
{
	const struct mrt_rib	*rib = &rec->u.rib;
	struct rbuf		 e = rib->entries;
	struct mrt_rib_entry	 ent;
	struct bgp_error	 err;
	const struct mrt_peer	*p;
	struct source		*s;

	switch (rec->hdr.subtype) {
	case MRT_TD2_RIB_IPV4_UNICAST:
	case MRT_TD2_RIB_IPV6_UNICAST:
	case MRT_TD2_RIB_IPV4_UNICAST_ADDPATH:
	case MRT_TD2_RIB_IPV6_UNICAST_ADDPATH:
		break;
	default:
		rp->skipped++;
		return;
	}
	while (mrt_rib_next(&e, rib->addpath, &ent) == 1) {
		if (ent.peer_index >= rp->pi.count) {
			rp->errors++;
			continue;
		}
		p = &rp->pi.peer[ent.peer_index];
		if ((s = peer_source(rp, p->af, p->addr, p->as)) == NULL)
			continue;
		s->sess.as4 = 1;
		s->sess.addpath_rx = 0;
		rp->rib_entries++;
		if (source_apply_route(s, &rib->prefix, ent.path_id, ent.attrs, ent.attrs_len,
		    rib_attr_flags(ent.attrs, ent.attrs_len), &err) == BGP_ERR_SESSION_RESET)
			rp->errors++;
	}
}

static void
apply_td1(struct replay *rp, const struct mrt_table_dump *td)
{
	struct bgp_error	 err;
	struct source		*s;

	if ((s = peer_source(rp, td->prefix.af, td->peer_addr, td->peer_as)) == NULL)
		return;
	s->sess.as4 = 0;
	s->sess.addpath_rx = 0;
	rp->rib_entries++;
	if (source_apply_route(s, &td->prefix, 0, td->attrs, td->attrs_len, 0, &err) ==
	    BGP_ERR_SESSION_RESET)
		rp->errors++;
}

static void
apply(struct replay *rp, const struct mrt_record *rec)
{
	rp->records++;
	switch (rec->kind) {
	case MRT_KIND_BGP4MP_MSG:
		apply_msg(rp, &rec->u.msg);
		break;
	case MRT_KIND_BGP4MP_STATE:
		apply_state(rp, &rec->u.msg);
		break;
	case MRT_KIND_PEER_INDEX:
		if (mrt_peers_load(&rp->pi, &rec->u.pi) == -1)
			rp->errors++;
		break;
	case MRT_KIND_RIB:
		apply_rib(rp, rec);
		break;
	case MRT_KIND_TABLE_DUMP:
		apply_td1(rp, &rec->u.td);
		break;
	default:
		rp->skipped++;
	}
}

static void
finish(struct replay *rp, const char *error)
{
	size_t i;

	rp->done = 1;
	rp->finished = loop_now();
	rp->seconds = ms_since(&rp->t0) / 1e3;
	if (error != NULL)
		snprintf(rp->error, sizeof(rp->error), "%s", error);
	for (i = 0; i < rp->npeers; i++)
		source_set_state(rp->peers[i].src, SOURCE_UP, NULL);
	mrt_file_close(rp->mf);
	rp->mf = NULL;
	log_info("mrt %s: replayed %llu records (%llu updates, %llu RIB entries) from %u "
	    "peers in %.2fs%s%s", rp->name, (unsigned long long)rp->records,
	    (unsigned long long)rp->updates, (unsigned long long)rp->rib_entries,
	    (unsigned)rp->npeers, rp->seconds, error ? ": " : "", error ? error : "");
}

/* Milliseconds to wait before the record may be applied (paced replay). */
static double
wait_ms(struct replay *rp, const struct mrt_record *rec)
{
	double due;

	if (rp->speed <= 0)
		return 0;
	if (!rp->have_first) {
		rp->have_first = 1;
		rp->first_ts = rec->hdr.ts;
		rp->first_usec = rec->hdr.usec;
	}
	due = ((double)rec->hdr.ts - rp->first_ts) * 1e3 +
	    ((double)rec->hdr.usec - rp->first_usec) / 1e3;
	due /= rp->speed;
	return due - ms_since(&rp->t0);
}

static void
on_slice(int fd, short what, void *arg)
{
	struct replay	*rp = arg;
	struct timespec	 start;
	double		 w;
	unsigned	 n = 0;
	char		 err[160];
	int		 rc, res;

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (!rp->has_pending) {
			rc = mrt_file_next_record(rp->mf, &rp->pending, &res);
			if (rc == 0) {
				finish(rp, NULL);
				return;
			}
			if (rc < 0) {
				snprintf(err, sizeof(err), "%s", rc == MRT_FILE_EIO ?
				    strerror(errno) : mrt_result_str(rc));
				finish(rp, err);
				return;
			}
			if (res != MRT_OK) {
				rp->skipped++;
				continue;
			}
			rp->has_pending = 1;
		}
		if ((w = wait_ms(rp, &rp->pending)) > 0.5) {
			loop_timer_add(rp->tm, (unsigned long)w);
			return;
		}
		rp->has_pending = 0;
		apply(rp, &rp->pending);
		if ((++n & 63) == 0 && ms_since(&start) >= SLICE_MS)
			break;
	}
	loop_timer_add(rp->tm, 0);
}

static int
replay_start(struct replay *rp)
{
	if ((rp->mf = mrt_file_open(rp->file)) == NULL) {
		log_warn("mrt %s: %s", rp->name, rp->file);
		snprintf(rp->error, sizeof(rp->error), "cannot open %s: %s", rp->file,
		    strerror(errno));
		rp->done = 1;
		return 0;	/* the daemon runs on; the source shows the error */
	}
	if ((rp->tm = loop_timer_new(on_slice, rp)) == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &rp->t0);
	rp->started = loop_now();
	log_info("mrt %s: replaying %s%s", rp->name, rp->file, rp->speed > 0 ?
	    " at the recorded pace" : "");
	return loop_timer_add(rp->tm, 0);
}

static int
mrt_start(const struct config *conf)
{
	const struct config_sources	*cs = &conf->sources;
	size_t				 i;

	if (cs->nmrt == 0)
		return 0;
	if ((mr.r = calloc(cs->nmrt, sizeof(*mr.r))) == NULL) {
		log_warn("mrt");
		return -1;
	}
	mr.n = cs->nmrt;
	for (i = 0; i < mr.n; i++) {
		snprintf(mr.r[i].name, sizeof(mr.r[i].name), "%s", cs->mrt[i].name);
		mr.r[i].speed = cs->mrt[i].speed;
		if ((mr.r[i].file = strdup(cs->mrt[i].file)) == NULL ||
		    replay_start(&mr.r[i]) == -1) {
			log_warnx("mrt %s: cannot start the replay", mr.r[i].name);
			return -1;
		}
	}
	return 0;
}

static int
mrt_reload(const struct config *newconf, const struct config *old)
{
	(void)old;
	if (newconf->sources.nmrt != mr.n)
		log_warnx("mrt: changes to sources.mrt take effect at the next restart");
	return 0;
}

static void
mrt_stop(void)
{
	struct replay	*rp;
	size_t		 i, k;

	for (i = 0; i < mr.n; i++) {
		rp = &mr.r[i];
		loop_event_free(rp->tm);
		mrt_file_close(rp->mf);
		for (k = 0; k < rp->npeers; k++)
			source_free(rp->peers[k].src);
		free(rp->peers);
		mrt_peers_clear(&rp->pi);
		free(rp->file);
	}
	free(mr.r);
	mr.r = NULL;
	mr.n = 0;
}

struct loop_module mrt_replay_module = {
	.name = "mrt",
	.start = mrt_start,
	.reload = mrt_reload,
	.stop = mrt_stop,
};

static void
replay_json(const struct replay *rp, struct json *j)
{
	json_string(j, "replay", rp->name);
	json_string(j, "file", rp->file ? rp->file : "");
	json_stringf(j, "speed", "%g", rp->speed);
	json_bool(j, "done", rp->done);
	json_uint(j, "records", rp->records);
	json_uint(j, "updates_read", rp->updates);
	json_uint(j, "rib_entries", rp->rib_entries);
	json_uint(j, "skipped", rp->skipped);
	json_uint(j, "decode_errors", rp->errors);
	if (rp->done)
		json_stringf(j, "seconds", "%.3f", rp->seconds);
	if (rp->error[0])
		json_string(j, "error", rp->error);
}

void
mrt_replay_describe(const struct source *s, struct json *j)
{
	char a[ADDR_STRLEN];

	if (s->type != SOURCE_MRT || s->owner == NULL)
		return;
	json_string(j, "peer_address", addr_fmt(s->peer_af, s->peer_addr, a, sizeof(a)));
	json_uint(j, "peer_as", s->peer_as);
	replay_json(s->owner, j);
}

void
mrt_replay_summary(struct json *j)
{
	size_t i;

	json_array_open(j, "mrt");
	for (i = 0; i < mr.n; i++) {
		json_object_open(j, NULL);
		replay_json(&mr.r[i], j);
		json_uint(j, "peers", mr.r[i].npeers);
		json_close(j);
	}
	json_close(j);
}
