/*
 * libFuzzer target for the BMP codec (RFC 7854/8671/9069): the input after its first
 * two bytes is a BMP byte stream, fed to the framer in chunks whose sizes a generator
 * seeded by those two bytes chooses (1 to 300 bytes). Every framed message is decoded;
 * TLVs and statistics are iterated; Peer Up OPENs go through the BGP OPEN decoder and
 * set the session the next Route Monitoring UPDATEs are decoded with (A flag: 2-octet).
 * Invariants: the framer never returns a message its header does not describe, and a
 * decoded message re-encodes (where an encoder exists) to the same length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "tests/fuzz/fuzz_bgp_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
walk_tlvs(struct rbuf b)
{
	struct bmp_tlv	 t;
	volatile uint8_t sink = 0;

	while (bmp_tlv_next(&b, &t) == 1)
		if (t.len > 0)
			sink ^= t.val[t.len - 1];
	(void)sink;
}

static void
peer_up(const struct bmp_msg *m, struct bgp_sess *sess)
{
	struct bgp_open		 a, b;
	struct bgp_error	 err;

	walk_tlvs(m->u.up.tlvs);
	if (bgp_open_decode(m->u.up.sent_open + BGP_HDR_LEN, m->u.up.sent_open_len - BGP_HDR_LEN,
	    &a, &err) == BGP_OK && bgp_open_decode(m->u.up.recv_open + BGP_HDR_LEN,
	    m->u.up.recv_open_len - BGP_HDR_LEN, &b, &err) == BGP_OK)
		bgp_sess_negotiate(sess, &a.caps, &b.caps);
}

static void
route_mon(const struct bmp_msg *m, struct bgp_sess *sess)
{
	struct bgp_update	 u;
	struct bgp_error	 err;
	struct bmp_msg		 back;
	struct wbuf		 w;

	sess->as4 = !bmp_peer_legacy_as_path(&m->peer);
	sess->extmsg = 1;
	if (bgp_update_decode(m->u.rm.pdu + BGP_HDR_LEN, m->u.rm.pdu_len - BGP_HDR_LEN, sess,
	    &u, &err) != BGP_ERR_SESSION_RESET) {
		fuzz_check_nlri(&u.withdrawn);
		fuzz_check_nlri(&u.nlri);
		fuzz_check_nlri(&u.mp_reach);
		fuzz_check_nlri(&u.mp_unreach);
	}
	/* Route Monitoring round trip: the same peer header and PDU come back. */
	wbuf_init(&w, 0);
	bmp_encode_route_mon(&w, &m->peer, m->u.rm.pdu, m->u.rm.pdu_len);
	if (w.err == 0 && (bmp_msg_decode(w.buf, w.len, &back) != BMP_OK ||
	    memcmp(&back.peer, &m->peer, sizeof(back.peer)) != 0 ||
	    back.u.rm.pdu_len != m->u.rm.pdu_len ||
	    memcmp(back.u.rm.pdu, m->u.rm.pdu, m->u.rm.pdu_len) != 0))
		abort();
	wbuf_free(&w);
}

static void
one(const uint8_t *p, size_t len, struct bgp_sess *sess)
{
	struct bmp_msg	 m;
	struct bmp_stat	 s;
	struct rbuf	 b;

	if (len < BMP_COMMON_HDRLEN || p[0] != BMP_VERSION || be32_load(p + 1) != len)
		abort();	/* the framer handed out something that is not one message */
	if (bmp_msg_decode(p, len, &m) != BMP_OK)
		return;
	switch (m.type) {
	case BMP_MSG_PEER_UP:
		peer_up(&m, sess);
		break;
	case BMP_MSG_ROUTE_MONITORING:
		route_mon(&m, sess);
		break;
	case BMP_MSG_STATS:
		b = m.u.stats.entries;
		while (bmp_stat_next(&b, &s) == 1)
			;
		break;
	case BMP_MSG_PEER_DOWN:
		if (m.u.down.reason == BMP_DOWN_LOCAL_TLV)
			rbuf_init(&b, m.u.down.data, m.u.down.data_len), walk_tlvs(b);
		break;
	default:
		walk_tlvs(m.u.tlvs);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bmp_framer	*f;
	struct bgp_sess		 sess;
	const uint8_t		*msg;
	size_t			 off, k, mlen;
	uint32_t		 rng;
	int			 r = 0;

	if (size < 2)
		return 0;
	rng = (uint32_t)data[0] << 8 | data[1];
	data += 2, size -= 2;
	memset(&sess, 0, sizeof(sess));
	if ((f = bmp_framer_new(64 * 1024)) == NULL)
		return 0;
	for (off = 0; off < size && r >= 0; off += k) {
		rng = rng * 1103515245u + 12345u;
		k = 1 + (rng >> 16) % 300;
		if (k > size - off)
			k = size - off;
		if ((r = bmp_framer_feed(f, data + off, k)) < 0)
			break;
		while ((r = bmp_framer_next(f, &msg, &mlen)) == 1)
			one(msg, mlen, &sess);
	}
	bmp_framer_free(f);
	return 0;
}
