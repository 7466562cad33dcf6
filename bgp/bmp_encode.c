/*
 * BMP encoders (RFC 7854 section 4, RFC 9069): used by the tests, the benchmark sender
 * and the bmp_send tool. Each function appends one whole message; the common header
 * length is patched in at the end. Errors latch in the wbuf.
 */
#include <string.h>

#include "bgp/bmp.h"
#include "bgp/prefix.h"

static size_t
hdr_begin(struct wbuf *w, uint8_t type)
{
	size_t	 start = w->len;

	wbuf_put_u8(w, BMP_VERSION);
	wbuf_put_u32(w, 0);
	wbuf_put_u8(w, type);
	return start;
}

static void
hdr_end(struct wbuf *w, size_t start)
{
	if (w->err == 0)
		wbuf_set_u32(w, start + 1, (uint32_t)(w->len - start));
}

/* 16-octet address field: IPv4 goes in the last 4 octets. */
static void
put_addr16(struct wbuf *w, uint8_t af, const uint8_t *addr)
{
	uint8_t	 a[16];

	memset(a, 0, sizeof(a));
	if (af == PREFIX_AF_IPV6)
		memcpy(a, addr, 16);
	else
		memcpy(a + 12, addr, 4);
	wbuf_put_bytes(w, a, 16);
}

static void
put_peer(struct wbuf *w, const struct bmp_peer_hdr *ph)
{
	wbuf_put_u8(w, ph->type);
	wbuf_put_u8(w, ph->flags);
	wbuf_put_bytes(w, ph->rd, 8);
	put_addr16(w, (ph->flags & BMP_PEER_FLAG_V) && ph->type != BMP_PEER_LOC_RIB ?
	    PREFIX_AF_IPV6 : PREFIX_AF_IPV4, ph->addr);
	wbuf_put_u32(w, ph->as);
	wbuf_put_u32(w, ph->bgp_id);
	wbuf_put_u32(w, ph->ts_sec);
	wbuf_put_u32(w, ph->ts_usec);
}

static void
put_tlvs(struct wbuf *w, const struct bmp_tlv *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		wbuf_put_u16(w, t[i].type);
		wbuf_put_u16(w, t[i].len);
		wbuf_put_bytes(w, t[i].val, t[i].len);
	}
}

static void
tlv_msg(struct wbuf *w, uint8_t type, const struct bmp_tlv *t, size_t n)
{
	size_t	 s = hdr_begin(w, type);

	put_tlvs(w, t, n);
	hdr_end(w, s);
}

void
bmp_encode_initiation(struct wbuf *w, const struct bmp_tlv *t, size_t n)
{
	tlv_msg(w, BMP_MSG_INITIATION, t, n);
}

void
bmp_encode_termination(struct wbuf *w, const struct bmp_tlv *t, size_t n)
{
	tlv_msg(w, BMP_MSG_TERMINATION, t, n);
}

void
bmp_encode_peer_up(struct wbuf *w, const struct bmp_peer_hdr *ph,
    const struct bmp_peer_up *up, const struct bmp_tlv *t, size_t n)
{
	size_t	 s = hdr_begin(w, BMP_MSG_PEER_UP);

	put_peer(w, ph);
	put_addr16(w, up->local_af, up->local_addr);
	wbuf_put_u16(w, up->local_port);
	wbuf_put_u16(w, up->remote_port);
	wbuf_put_bytes(w, up->sent_open, up->sent_open_len);
	wbuf_put_bytes(w, up->recv_open, up->recv_open_len);
	put_tlvs(w, t, n);
	hdr_end(w, s);
}

void
bmp_encode_peer_down(struct wbuf *w, const struct bmp_peer_hdr *ph,
    const struct bmp_peer_down *d)
{
	size_t	 s = hdr_begin(w, BMP_MSG_PEER_DOWN);

	put_peer(w, ph);
	wbuf_put_u8(w, d->reason);
	if (d->reason == BMP_DOWN_LOCAL_FSM)
		wbuf_put_u16(w, d->fsm_event);
	else if (d->data_len > 0)
		wbuf_put_bytes(w, d->data, d->data_len);
	hdr_end(w, s);
}

void
bmp_encode_route_mon(struct wbuf *w, const struct bmp_peer_hdr *ph,
    const uint8_t *pdu, size_t len)
{
	size_t	 s = hdr_begin(w, BMP_MSG_ROUTE_MONITORING);

	put_peer(w, ph);
	wbuf_put_bytes(w, pdu, len);
	hdr_end(w, s);
}

void
bmp_encode_stats(struct wbuf *w, const struct bmp_peer_hdr *ph,
    const struct bmp_stat *st, size_t n)
{
	size_t	 s = hdr_begin(w, BMP_MSG_STATS), i;

	put_peer(w, ph);
	wbuf_put_u32(w, (uint32_t)n);
	for (i = 0; i < n; i++) {
		wbuf_put_u16(w, st[i].type);
		if (st[i].has_afi) {
			wbuf_put_u16(w, 11);
			wbuf_put_u16(w, st[i].afi);
			wbuf_put_u8(w, st[i].safi);
			wbuf_put_u64(w, st[i].value);
		} else if (st[i].len == 8) {
			wbuf_put_u16(w, 8);
			wbuf_put_u64(w, st[i].value);
		} else {
			wbuf_put_u16(w, 4);
			wbuf_put_u32(w, (uint32_t)st[i].value);
		}
	}
	hdr_end(w, s);
}

void
bmp_encode_route_mirror(struct wbuf *w, const struct bmp_peer_hdr *ph,
    const struct bmp_tlv *t, size_t n)
{
	size_t	 s = hdr_begin(w, BMP_MSG_ROUTE_MIRRORING);

	put_peer(w, ph);
	put_tlvs(w, t, n);
	hdr_end(w, s);
}
