/*
 * BMP message decoder (RFC 7854 section 4, RFC 8671, RFC 9069). Every read goes
 * through struct rbuf; BGP PDUs and TLV areas are returned as ranges into the input.
 */
#include <string.h>

#include "bgp/bmp.h"
#include "bgp/prefix.h"

size_t
bmp_bgp_msglen(const uint8_t *p, size_t len)
{
	static const uint8_t marker[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	uint16_t	 mlen;

	if (len < BGP_HDRLEN || memcmp(p, marker, sizeof(marker)) != 0)
		return 0;
	mlen = be16_load(p + 16);
	if (mlen < BGP_HDRLEN)
		return 0;
	return mlen;
}

int
bmp_msg_peek(const uint8_t *p, size_t len, uint32_t max, uint32_t *msglen)
{
	uint32_t	 l;

	if (len < BMP_COMMON_HDRLEN)
		return BMP_ERR_SHORT;
	if (p[0] != BMP_VERSION)
		return BMP_ERR_VERSION;
	l = be32_load(p + 1);
	if (l < BMP_COMMON_HDRLEN || (max != 0 && l > max))
		return BMP_ERR_LENGTH;
	*msglen = l;
	return BMP_OK;
}

static int
peer_hdr_decode(struct rbuf *b, struct bmp_peer_hdr *ph)
{
	uint8_t		 a[16];

	memset(ph, 0, sizeof(*ph));
	if (rbuf_get_u8(b, &ph->type) == -1 || rbuf_get_u8(b, &ph->flags) == -1 ||
	    rbuf_get_bytes(b, ph->rd, 8) == -1 || rbuf_get_bytes(b, a, 16) == -1 ||
	    rbuf_get_u32(b, &ph->as) == -1 || rbuf_get_u32(b, &ph->bgp_id) == -1 ||
	    rbuf_get_u32(b, &ph->ts_sec) == -1 || rbuf_get_u32(b, &ph->ts_usec) == -1)
		return BMP_ERR_SHORT;
	if (ph->type != BMP_PEER_LOC_RIB && (ph->flags & BMP_PEER_FLAG_V)) {
		ph->af = PREFIX_AF_IPV6;
		memcpy(ph->addr, a, 16);
	} else {
		/* IPv4 sits in the last 4 octets; Loc-RIB peers carry zeros. */
		ph->af = PREFIX_AF_IPV4;
		memcpy(ph->addr, a + 12, 4);
	}
	return BMP_OK;
}

int
bmp_tlv_next(struct rbuf *b, struct bmp_tlv *t)
{
	if (rbuf_left(b) == 0)
		return 0;
	if (rbuf_get_u16(b, &t->type) == -1 || rbuf_get_u16(b, &t->len) == -1)
		return BMP_ERR_SHORT;
	t->val = rbuf_ptr(b);
	if (rbuf_skip(b, t->len) == -1)
		return BMP_ERR_SHORT;
	return 1;
}

/* A TLV area must consist of whole TLVs. */
static int
tlvs_check(struct rbuf tl)
{
	struct bmp_tlv	 t;
	int		 r;

	while ((r = bmp_tlv_next(&tl, &t)) == 1)
		;
	return r == 0 ? BMP_OK : BMP_ERR_FORMAT;
}

int
bmp_stat_next(struct rbuf *b, struct bmp_stat *s)
{
	struct rbuf	 v;
	uint32_t	 u32;

	if (rbuf_left(b) == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	if (rbuf_get_u16(b, &s->type) == -1 || rbuf_get_u16(b, &s->len) == -1)
		return BMP_ERR_SHORT;
	s->raw = rbuf_ptr(b);
	if (rbuf_sub(b, s->len, &v) == -1)
		return BMP_ERR_SHORT;
	/* The width follows the length: 32-bit counters, 64-bit gauges, per-AFI/SAFI gauges. */
	switch (s->len) {
	case 4:
		rbuf_get_u32(&v, &u32);
		s->value = u32;
		s->has_value = 1;
		break;
	case 8:
		rbuf_get_u64(&v, &s->value);
		s->has_value = 1;
		break;
	case 11:
		rbuf_get_u16(&v, &s->afi);
		rbuf_get_u8(&v, &s->safi);
		rbuf_get_u64(&v, &s->value);
		s->has_afi = s->has_value = 1;
		break;
	}
	return 1;
}

static int
stats_decode(struct rbuf *b, struct bmp_stats *st)
{
	struct rbuf	 e;
	struct bmp_stat	 s;
	uint32_t	 i;
	int		 r = 0;

	if (rbuf_get_u32(b, &st->count) == -1)
		return BMP_ERR_SHORT;
	st->entries = *b;
	e = *b;
	for (i = 0; i < st->count; i++)
		if ((r = bmp_stat_next(&e, &s)) != 1)
			return r == 0 ? BMP_ERR_SHORT : r;
	if (rbuf_left(&e) != 0)
		return BMP_ERR_FORMAT;
	return BMP_OK;
}

/* A whole BGP message of the given type at the cursor. */
static int
bgp_pdu_take(struct rbuf *b, uint8_t type, const uint8_t **pdu, size_t *len)
{
	size_t	 l = bmp_bgp_msglen(rbuf_ptr(b), rbuf_left(b));

	if (l == 0)
		return rbuf_left(b) < BGP_HDRLEN ? BMP_ERR_SHORT : BMP_ERR_FORMAT;
	if (l > rbuf_left(b))
		return BMP_ERR_SHORT;
	if (rbuf_ptr(b)[18] != type)
		return BMP_ERR_FORMAT;
	*pdu = rbuf_ptr(b);
	*len = l;
	rbuf_skip(b, l);
	return BMP_OK;
}

static int
peer_up_decode(struct rbuf *b, const struct bmp_peer_hdr *ph, struct bmp_peer_up *up)
{
	uint8_t		 a[16];
	int		 r;

	memset(up, 0, sizeof(*up));
	if (rbuf_get_bytes(b, a, 16) == -1 || rbuf_get_u16(b, &up->local_port) == -1 ||
	    rbuf_get_u16(b, &up->remote_port) == -1)
		return BMP_ERR_SHORT;
	if (ph->af == PREFIX_AF_IPV6) {
		up->local_af = PREFIX_AF_IPV6;
		memcpy(up->local_addr, a, 16);
	} else {
		up->local_af = PREFIX_AF_IPV4;
		memcpy(up->local_addr, a + 12, 4);
	}
	if ((r = bgp_pdu_take(b, 1, &up->sent_open, &up->sent_open_len)) != BMP_OK ||
	    (r = bgp_pdu_take(b, 1, &up->recv_open, &up->recv_open_len)) != BMP_OK)
		return r;
	up->tlvs = *b;
	return tlvs_check(*b);
}

static int
peer_down_decode(struct rbuf *b, struct bmp_peer_down *d)
{
	struct rbuf	 n;
	int		 r;

	memset(d, 0, sizeof(*d));
	if (rbuf_get_u8(b, &d->reason) == -1)
		return BMP_ERR_SHORT;
	d->data = rbuf_ptr(b);
	d->data_len = rbuf_left(b);
	/*
	 * Reasons 1-3 with no data at all are taken as they are: GoBGP sends them
	 * so (an administrative shutdown as 2, a dying FSM as 1); the peer is down
	 * either way, and refusing the message would drop the router's other peers.
	 */
	switch (d->reason) {
	case BMP_DOWN_LOCAL_NOTIFY:
	case BMP_DOWN_REMOTE_NOTIFY:
		if (d->data_len == 0)
			break;
		n = *b;
		if ((r = bgp_pdu_take(&n, 3, &d->data, &d->data_len)) != BMP_OK)
			return r;
		break;
	case BMP_DOWN_LOCAL_FSM:
		if (d->data_len == 0)
			break;
		if (rbuf_get_u16(b, &d->fsm_event) == -1)
			return BMP_ERR_SHORT;
		break;
	case BMP_DOWN_LOCAL_TLV:
		return tlvs_check(*b);
	}
	return BMP_OK;
}

static int
body_decode(struct rbuf *b, struct bmp_msg *m)
{
	switch (m->type) {
	case BMP_MSG_ROUTE_MONITORING:
		return bgp_pdu_take(b, 2, &m->u.rm.pdu, &m->u.rm.pdu_len);
	case BMP_MSG_STATS:
		return stats_decode(b, &m->u.stats);
	case BMP_MSG_PEER_DOWN:
		return peer_down_decode(b, &m->u.down);
	case BMP_MSG_PEER_UP:
		return peer_up_decode(b, &m->peer, &m->u.up);
	default:
		m->u.tlvs = *b;
		return tlvs_check(*b);
	}
}

int
bmp_msg_decode(const uint8_t *p, size_t len, struct bmp_msg *m)
{
	struct rbuf	 b;
	uint32_t	 l;
	int		 r;

	memset(m, 0, sizeof(*m));
	if ((r = bmp_msg_peek(p, len, 0, &l)) != BMP_OK)
		return r;
	if (l > len)
		return BMP_ERR_SHORT;
	m->version = p[0];
	m->len = l;
	m->type = p[5];
	if (m->type > BMP_MSG_ROUTE_MIRRORING)
		return BMP_ERR_TYPE;
	rbuf_init(&b, p + BMP_COMMON_HDRLEN, l - BMP_COMMON_HDRLEN);
	if (m->type != BMP_MSG_INITIATION && m->type != BMP_MSG_TERMINATION) {
		m->has_peer = 1;
		if ((r = peer_hdr_decode(&b, &m->peer)) != BMP_OK)
			return r;
	}
	return body_decode(&b, m);
}

int
bmp_peer_legacy_as_path(const struct bmp_peer_hdr *ph)
{
	return ph->type != BMP_PEER_LOC_RIB && (ph->flags & BMP_PEER_FLAG_A) != 0;
}

const char *
bmp_msg_type_name(uint8_t t)
{
	static const char *const names[] = {
		"route-monitoring", "statistics", "peer-down", "peer-up",
		"initiation", "termination", "route-mirroring",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

const char *
bmp_result_str(int r)
{
	switch (r) {
	case BMP_OK:		return "ok";
	case BMP_ERR_SHORT:	return "truncated";
	case BMP_ERR_VERSION:	return "bad version";
	case BMP_ERR_LENGTH:	return "bad length";
	case BMP_ERR_TYPE:	return "unknown message type";
	case BMP_ERR_FORMAT:	return "malformed";
	case BMP_ERR_OVERFLOW:	return "buffer overflow";
	default:		return "unknown error";
	}
}
