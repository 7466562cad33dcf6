/*
 * The BGP codec on real routers' data (../shared/data/mrt, read with the MRT
 * reader): every UPDATE of the full feed and of the RIS/bgpkit update files decodes
 * without a session reset and yields the prefix counts the data's README gives
 * (from bgpdump); every TABLE_DUMP_V2 attribute block decodes and survives the
 * canonical blob round trip.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/mrt_file.h"
#include "tests/unit/ut.h"

struct tally {
	uint64_t	updates, announced, withdrawn, resets, taw, discards, eor;
	/* open-addressing set of prefixes, for the unique count */
	struct prefix	*set;
	size_t		 setcap, nuniq;
};

static uint32_t
phash(const struct prefix *p)
{
	uint32_t h = 2166136261u ^ p->af ^ ((uint32_t)p->len << 8);

	for (int i = 0; i < 16; i++)
		h = (h ^ p->addr[i]) * 16777619u;
	return h;
}

static void
set_add(struct tally *t, const struct prefix *p)
{
	size_t i = phash(p) & (t->setcap - 1);

	while (t->set[i].af != 0) {
		if (prefix_eq(&t->set[i], p))
			return;
		i = (i + 1) & (t->setcap - 1);
	}
	t->set[i] = *p;
	t->nuniq++;
	UT_ASSERT(t->nuniq < t->setcap / 2);
}

static uint64_t
walk(struct tally *t, const struct bgp_nlri_set *s)
{
	struct bgp_nlri_iter	it;
	struct prefix		p;
	uint64_t		n = 0;
	int			r;

	bgp_nlri_iter_init(&it, s);
	while ((r = bgp_nlri_next(&it, &p, NULL)) == 1) {
		set_add(t, &p);
		n++;
	}
	UT_EQ_INT(r, 0);
	UT_EQ_INT(n, s->present && (s->afi == 1 || s->afi == 2) && s->safi <= 2 ? s->count : n);
	return n;
}

static void
one_update(struct tally *t, const struct mrt_bgp4mp *m)
{
	struct bgp_sess		s = { 0, 1, 0, 0, 0 };
	struct bgp_msg		msg;
	struct bgp_error	e;
	struct wbuf		w;
	struct bgp_attrs	d;

	s.as4 = (uint8_t)m->as4;
	s.addpath_rx = m->addpath ? 0x0f : 0;
	switch (bgp_msg_decode(m->pdu, m->pdu_len, &s, &msg, &e)) {
	case BGP_ERR_SESSION_RESET:
		t->resets++;
		return;
	case BGP_ERR_TREAT_AS_WITHDRAW:
		t->taw++;
		break;
	case BGP_ERR_ATTR_DISCARD:
		t->discards++;
		break;
	default:
		break;
	}
	t->updates++;
	t->eor += msg.u.update.eor;
	t->announced += walk(t, &msg.u.update.nlri) + walk(t, &msg.u.update.mp_reach);
	t->withdrawn += walk(t, &msg.u.update.withdrawn) + walk(t, &msg.u.update.mp_unreach);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_canon_encode(&w, &msg.u.update.attrs, -1), 0);
	UT_EQ_INT(bgp_canon_decode(w.buf, w.len, &d), 0);
	UT_EQ_INT(d.origin_as, msg.u.update.attrs.origin_as);
	wbuf_free(&w);
}

static void
tally_file(const char *rel, struct tally *t)
{
	const char		*path = ut_shared(rel);
	struct mrt_file		*f;
	struct mrt_record	 r;
	int			 res, rc;

	if (path == NULL)
		ut_skip("shared data not available");
	memset(t, 0, sizeof(*t));
	t->setcap = 1u << 21;
	UT_ASSERT((t->set = calloc(t->setcap, sizeof(*t->set))) != NULL);
	UT_ASSERT((f = mrt_file_open(path)) != NULL);
	while ((rc = mrt_file_next_record(f, &r, &res)) == 1)
		if (res == MRT_OK && r.kind == MRT_KIND_BGP4MP_MSG && r.u.msg.pdu_len >= 19 &&
		    r.u.msg.pdu[18] == BGP_MSG_UPDATE)
			one_update(t, &r.u.msg);
	UT_EQ_INT(rc, 0);
	mrt_file_close(f);
	printf("# %s: %llu UPDATEs, %llu announced, %llu withdrawn, %zu unique prefixes, "
	    "%llu EoR, %llu treat-as-withdraw, %llu discard, %llu reset\n", rel,
	    (unsigned long long)t->updates, (unsigned long long)t->announced,
	    (unsigned long long)t->withdrawn, t->nuniq, (unsigned long long)t->eor,
	    (unsigned long long)t->taw, (unsigned long long)t->discards,
	    (unsigned long long)t->resets);
	free(t->set);
	UT_EQ_INT(t->resets, 0);
}

/* The full IPv4 feed of AS3856 (README: 89,681 UPDATEs, 577,706 unique prefixes). */
static void
full_feed(void)
{
	struct tally t;

	tally_file("mrt/updates.et-header.2015.gz", &t);
	UT_EQ_INT(t.nuniq, 577706);
	UT_ASSERT(t.updates >= 89679);
}

/* 15 minutes of RIS updates (README: 51,329 announcements, 2,328 withdrawals). */
static void
ris_updates(void)
{
	struct tally t;

	tally_file("mrt/updates.20070211.0141.gz", &t);
	UT_EQ_INT(t.announced, 51329);
	UT_EQ_INT(t.withdrawn, 2328);
}

/* One UPDATE withdrawing 4,096 IPv6 prefixes. */
static void
long_withdrawal(void)
{
	struct tally t;

	tally_file("mrt/updates.long_withdrawal.gz", &t);
	UT_EQ_INT(t.withdrawn, 4096);
}

static void
bgpkit(void)
{
	struct tally t;

	tally_file("mrt/bgpkit.updates.2024-09-14.bz2", &t);
	UT_ASSERT(t.announced + t.withdrawn > 0);
}

/* TABLE_DUMP_V2: attribute blocks (abbreviated MP_REACH) and canonical round trips. */
static void
rib_file(const char *rel, uint64_t *nattrs)
{
	const char		*path = ut_shared(rel);
	struct mrt_file		*f;
	struct mrt_record	 r;
	struct mrt_rib_entry	 re;
	struct bgp_sess		 s = { 1, 1, 0, 0, 0 };
	struct bgp_attrs	 a, d;
	struct bgp_error	 e;
	struct wbuf		 w1, w2;
	int			 res;

	if (path == NULL)
		ut_skip("shared data not available");
	UT_ASSERT((f = mrt_file_open(path)) != NULL);
	wbuf_init(&w1, 0);
	wbuf_init(&w2, 0);
	*nattrs = 0;
	while (mrt_file_next_record(f, &r, &res) == 1) {
		if (res != MRT_OK || r.kind != MRT_KIND_RIB)
			continue;
		while (mrt_rib_next(&r.u.rib.entries, r.u.rib.addpath, &re) == 1) {
			UT_ASSERT(bgp_attrs_decode(re.attrs, re.attrs_len, &s, BGP_ATTRS_MRT_NH,
			    &a, NULL, NULL, &e) != BGP_ERR_SESSION_RESET);
			wbuf_reset(&w1);
			wbuf_reset(&w2);
			UT_EQ_INT(bgp_canon_encode(&w1, &a, -1), 0);
			UT_EQ_INT(bgp_canon_decode(w1.buf, w1.len, &d), 0);
			UT_EQ_INT(bgp_canon_encode(&w2, &d, -1), 0);
			UT_EQ_INT(w1.len, w2.len);
			UT_EQ_MEM(w1.buf, w2.buf, w1.len);
			(*nattrs)++;
		}
	}
	mrt_file_close(f);
	wbuf_free(&w1);
	wbuf_free(&w2);
	printf("# %s: %llu attribute blocks\n", rel, (unsigned long long)*nattrs);
}

static void
rib_addpath(void)
{
	uint64_t n4, n6;

	rib_file("mrt/bview.ipv4_unicast_add_path.gz", &n4);
	rib_file("mrt/bview.ipv6_unicast_add_path.gz", &n6);
	UT_ASSERT(n4 > 0 && n6 > 0);
}

static void
rib_routeviews(void)
{
	uint64_t n4, n6;

	rib_file("mrt/routeviews.rib.20140523.0600_firstMB.bz2", &n4);
	rib_file("mrt/routeviews.rib6.20151101.0600_firstMB.bz2", &n6);
	UT_ASSERT(n4 > 1000 && n6 > 1000);
}

UT_MAIN(UT_CASE(full_feed), UT_CASE(ris_updates), UT_CASE(long_withdrawal), UT_CASE(bgpkit),
    UT_CASE(rib_addpath), UT_CASE(rib_routeviews))
