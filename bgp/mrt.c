/*
 * MRT record decoder (RFC 6396 sections 2-4, RFC 8050 ADD-PATH subtypes). Records over
 * 64 KiB are fine: the record length is 32 bits and each RIB entry has its own 16-bit
 * attribute length, so nothing here assumes a 64 KiB record.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/mrt.h"

int
mrt_hdr_decode(const uint8_t *p, size_t len, struct mrt_hdr *h)
{
	if (len < MRT_HDRLEN)
		return MRT_ERR_SHORT;
	h->ts = be32_load(p);
	h->type = be16_load(p + 4);
	h->subtype = be16_load(p + 6);
	h->len = be32_load(p + 8);
	h->usec = 0;
	return MRT_OK;
}

static int
get_addr(struct rbuf *b, uint8_t af, uint8_t *addr)
{
	memset(addr, 0, 16);
	return rbuf_get_bytes(b, addr, prefix_addrlen(af));
}

static int
get_as(struct rbuf *b, int as4, uint32_t *as)
{
	uint16_t	 a16;

	if (as4)
		return rbuf_get_u32(b, as);
	if (rbuf_get_u16(b, &a16) == -1)
		return -1;
	*as = a16;
	return 0;
}

/* Prefix as in NLRI: length octet and the minimum number of address octets. */
static int
get_prefix(struct rbuf *b, uint8_t af, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->af = af;
	if (rbuf_get_u8(b, &p->len) == -1)
		return MRT_ERR_SHORT;
	if (p->len > prefix_maxlen(af))
		return MRT_ERR_FORMAT;
	if (rbuf_get_bytes(b, p->addr, (p->len + 7u) / 8) == -1)
		return MRT_ERR_SHORT;
	prefix_mask(p);
	return MRT_OK;
}

static int
bgp4mp_decode(struct rbuf *b, uint16_t st, struct mrt_record *r)
{
	struct mrt_bgp4mp	*m = &r->u.msg;
	uint16_t		 afi;
	int			 state;

	m->as4 = st == MRT_BGP4MP_MESSAGE_AS4 || st == MRT_BGP4MP_STATE_CHANGE_AS4 ||
	    st == MRT_BGP4MP_MESSAGE_AS4_LOCAL || st == MRT_BGP4MP_MESSAGE_AS4_ADDPATH ||
	    st == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->addpath = st >= MRT_BGP4MP_MESSAGE_ADDPATH && st <= MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	m->local = st == MRT_BGP4MP_MESSAGE_LOCAL || st == MRT_BGP4MP_MESSAGE_AS4_LOCAL ||
	    st == MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH || st == MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	state = st == MRT_BGP4MP_STATE_CHANGE || st == MRT_BGP4MP_STATE_CHANGE_AS4;
	if (!state && !(st == MRT_BGP4MP_MESSAGE || (st >= 4 && st <= 11)))
		return MRT_UNSUPPORTED;
	if (get_as(b, m->as4, &m->peer_as) == -1 || get_as(b, m->as4, &m->local_as) == -1 ||
	    rbuf_get_u16(b, &m->ifindex) == -1 || rbuf_get_u16(b, &afi) == -1)
		return MRT_ERR_SHORT;
	if (afi != PREFIX_AF_IPV4 && afi != PREFIX_AF_IPV6)
		return MRT_ERR_FORMAT;
	m->af = (uint8_t)afi;
	if (get_addr(b, m->af, m->peer_addr) == -1 || get_addr(b, m->af, m->local_addr) == -1)
		return MRT_ERR_SHORT;
	if (state) {
		r->kind = MRT_KIND_BGP4MP_STATE;
		if (rbuf_get_u16(b, &m->old_state) == -1 || rbuf_get_u16(b, &m->new_state) == -1)
			return MRT_ERR_SHORT;
		return MRT_OK;
	}
	r->kind = MRT_KIND_BGP4MP_MSG;
	m->pdu = rbuf_ptr(b);
	m->pdu_len = rbuf_left(b);
	if (m->pdu_len < 19)
		return MRT_ERR_SHORT;
	if (be16_load(m->pdu + 16) != m->pdu_len)
		return MRT_ERR_FORMAT;
	return MRT_OK;
}

int
mrt_peer_next(struct rbuf *b, struct mrt_peer *p)
{
	uint8_t		 t;

	if (rbuf_left(b) == 0)
		return 0;
	memset(p, 0, sizeof(*p));
	if (rbuf_get_u8(b, &t) == -1 || rbuf_get_u32(b, &p->bgp_id) == -1)
		return MRT_ERR_SHORT;
	p->af = (t & 0x01) ? PREFIX_AF_IPV6 : PREFIX_AF_IPV4;
	p->as4 = (t & 0x02) != 0;
	if (get_addr(b, p->af, p->addr) == -1 || get_as(b, p->as4, &p->as) == -1)
		return MRT_ERR_SHORT;
	return 1;
}

static int
peer_index_decode(struct rbuf *b, struct mrt_peer_index *pi)
{
	struct rbuf	 e;
	struct mrt_peer	 p;
	unsigned	 i;
	int		 r;

	if (rbuf_get_u32(b, &pi->collector_id) == -1 || rbuf_get_u16(b, &pi->view_len) == -1)
		return MRT_ERR_SHORT;
	pi->view = rbuf_ptr(b);
	if (rbuf_skip(b, pi->view_len) == -1 || rbuf_get_u16(b, &pi->count) == -1)
		return MRT_ERR_SHORT;
	pi->entries = *b;
	e = *b;
	for (i = 0; i < pi->count; i++)
		if ((r = mrt_peer_next(&e, &p)) != 1)
			return r == 0 ? MRT_ERR_SHORT : r;
	pi->entries.len -= rbuf_left(&e);
	return MRT_OK;
}

int
mrt_rib_next(struct rbuf *b, int addpath, struct mrt_rib_entry *e)
{
	uint16_t	 alen;

	if (rbuf_left(b) == 0)
		return 0;
	memset(e, 0, sizeof(*e));
	if (rbuf_get_u16(b, &e->peer_index) == -1 || rbuf_get_u32(b, &e->orig_time) == -1 ||
	    (addpath && rbuf_get_u32(b, &e->path_id) == -1) || rbuf_get_u16(b, &alen) == -1)
		return MRT_ERR_SHORT;
	e->attrs = rbuf_ptr(b);
	e->attrs_len = alen;
	if (rbuf_skip(b, alen) == -1)
		return MRT_ERR_SHORT;
	return 1;
}

static int
rib_decode(struct rbuf *b, uint16_t st, struct mrt_rib *rib)
{
	struct rbuf		 e;
	struct mrt_rib_entry	 ent;
	uint8_t			 af;
	unsigned		 i;
	int			 r;

	switch (st) {
	case MRT_TD2_RIB_IPV4_UNICAST: case MRT_TD2_RIB_IPV4_MULTICAST:
	case MRT_TD2_RIB_IPV4_UNICAST_ADDPATH: case MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH:
		af = PREFIX_AF_IPV4;
		break;
	case MRT_TD2_RIB_IPV6_UNICAST: case MRT_TD2_RIB_IPV6_MULTICAST:
	case MRT_TD2_RIB_IPV6_UNICAST_ADDPATH: case MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH:
		af = PREFIX_AF_IPV6;
		break;
	default:
		return MRT_UNSUPPORTED;		/* RIB_GENERIC and unknown */
	}
	rib->addpath = st >= MRT_TD2_RIB_IPV4_UNICAST_ADDPATH;
	if (rbuf_get_u32(b, &rib->seq) == -1)
		return MRT_ERR_SHORT;
	if ((r = get_prefix(b, af, &rib->prefix)) != MRT_OK)
		return r;
	if (rbuf_get_u16(b, &rib->count) == -1)
		return MRT_ERR_SHORT;
	rib->entries = *b;
	e = *b;
	for (i = 0; i < rib->count; i++)
		if ((r = mrt_rib_next(&e, rib->addpath, &ent)) != 1)
			return r == 0 ? MRT_ERR_SHORT : r;
	rib->entries.len -= rbuf_left(&e);
	return MRT_OK;
}

static int
table_dump_decode(struct rbuf *b, uint16_t st, struct mrt_table_dump *td)
{
	uint16_t	 alen;
	uint32_t	 t;
	uint8_t		 plen;

	if (st != PREFIX_AF_IPV4 && st != PREFIX_AF_IPV6)
		return MRT_UNSUPPORTED;
	memset(&td->prefix, 0, sizeof(td->prefix));
	td->prefix.af = (uint8_t)st;
	if (rbuf_get_u16(b, &td->view) == -1 || rbuf_get_u16(b, &td->seq) == -1 ||
	    get_addr(b, td->prefix.af, td->prefix.addr) == -1 || rbuf_get_u8(b, &plen) == -1 ||
	    rbuf_get_u8(b, &td->status) == -1 || rbuf_get_u32(b, &t) == -1 ||
	    get_addr(b, td->prefix.af, td->peer_addr) == -1 ||
	    get_as(b, 0, &td->peer_as) == -1 || rbuf_get_u16(b, &alen) == -1)
		return MRT_ERR_SHORT;
	if (plen > prefix_maxlen(td->prefix.af))
		return MRT_ERR_FORMAT;
	td->prefix.len = plen;
	prefix_mask(&td->prefix);
	td->orig_time = t;
	td->attrs = rbuf_ptr(b);
	td->attrs_len = alen;
	if (rbuf_skip(b, alen) == -1)
		return MRT_ERR_SHORT;
	return MRT_OK;
}

int
mrt_record_decode(const uint8_t *p, size_t len, struct mrt_record *r)
{
	struct rbuf	 b;

	memset(r, 0, sizeof(*r));
	if (mrt_hdr_decode(p, len, &r->hdr) != MRT_OK || len - MRT_HDRLEN < r->hdr.len)
		return MRT_ERR_SHORT;
	rbuf_init(&b, p + MRT_HDRLEN, r->hdr.len);
	switch (r->hdr.type) {
	case MRT_BGP4MP_ET:
		if (rbuf_get_u32(&b, &r->hdr.usec) == -1)
			return MRT_ERR_SHORT;
		/* FALLTHROUGH */
	case MRT_BGP4MP:
		return bgp4mp_decode(&b, r->hdr.subtype, r);
	case MRT_TABLE_DUMP_V2:
		if (r->hdr.subtype == MRT_TD2_PEER_INDEX_TABLE) {
			r->kind = MRT_KIND_PEER_INDEX;
			return peer_index_decode(&b, &r->u.pi);
		}
		r->kind = MRT_KIND_RIB;
		return rib_decode(&b, r->hdr.subtype, &r->u.rib);
	case MRT_TABLE_DUMP:
		r->kind = MRT_KIND_TABLE_DUMP;
		return table_dump_decode(&b, r->hdr.subtype, &r->u.td);
	default:
		return MRT_UNSUPPORTED;
	}
}

int
mrt_peers_load(struct mrt_peers *t, const struct mrt_peer_index *pi)
{
	struct rbuf	 e = pi->entries;
	struct mrt_peer	*np = NULL;
	unsigned	 i;

	if (pi->count > 0 && (np = calloc(pi->count, sizeof(*np))) == NULL)
		return -1;
	for (i = 0; i < pi->count; i++) {
		if (mrt_peer_next(&e, &np[i]) != 1) {
			free(np);
			return -1;
		}
	}
	mrt_peers_clear(t);
	t->peer = np;
	t->count = pi->count;
	t->collector_id = pi->collector_id;
	return 0;
}

void
mrt_peers_clear(struct mrt_peers *t)
{
	if (t == NULL)
		return;
	free(t->peer);
	t->peer = NULL;
	t->count = 0;
}

const char *
mrt_result_str(int r)
{
	switch (r) {
	case MRT_OK:		return "ok";
	case MRT_ERR_SHORT:	return "truncated";
	case MRT_ERR_FORMAT:	return "malformed";
	case MRT_UNSUPPORTED:	return "unsupported type";
	default:		return "unknown error";
	}
}
