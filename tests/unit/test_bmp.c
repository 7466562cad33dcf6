/*
 * BMP codec (RFC 7854, RFC 8671, RFC 9069): golden messages for every message type,
 * each annotated with its dissection, encoder round trips, error results and the
 * stream framer fed byte by byte and in random chunks.
 */
#include <stdlib.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "bgp/prefix.h"
#include "tests/unit/ut.h"

#define MARKER	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
/*
 * Per-peer header: type 0 (global), flags 0, RD 0, peer 192.0.2.1 (IPv4 in the
 * last 4 octets), AS 65001, BGP ID 192.0.2.1, time 1600000000.000005.
 */
#define PEER_V4	0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,			\
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x02, 0x01,	\
		0x00, 0x00, 0xfd, 0xe9, 0xc0, 0x00, 0x02, 0x01,		\
		0x5f, 0x5e, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05
/* BGP OPEN: length 29, version 4, AS 65000, hold 180, BGP ID 10.0.0.1, no options. */
#define OPEN_A	MARKER, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xe8, 0x00, 0xb4,	\
		0x0a, 0x00, 0x00, 0x01, 0x00
/* BGP OPEN: AS 65001, hold 90, BGP ID 192.0.2.1. */
#define OPEN_B	MARKER, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xe9, 0x00, 0x5a,	\
		0xc0, 0x00, 0x02, 0x01, 0x00
/*
 * BGP UPDATE, length 47: no withdrawals, 20 octets of attributes: ORIGIN IGP,
 * AS_PATH AS_SEQUENCE [65000] (4-octet), NEXT_HOP 10.0.0.1; NLRI 192.0.2.0/24.
 */
#define UPDATE	MARKER, 0x00, 0x2f, 0x02, 0x00, 0x00, 0x00, 0x14,		\
		0x40, 0x01, 0x01, 0x00,						\
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe8,		\
		0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,			\
		0x18, 0xc0, 0x00, 0x02

/* Initiation, length 6 + 4+9 + 4+6 = 29: sysDescr "ixwatch 1", sysName "rtr-01". */
static const uint8_t initiation[] = {
	0x03, 0x00, 0x00, 0x00, 0x1d, 0x04,
	0x00, 0x01, 0x00, 0x09, 'i', 'x', 'w', 'a', 't', 'c', 'h', ' ', '1',
	0x00, 0x02, 0x00, 0x06, 'r', 't', 'r', '-', '0', '1',
};

/*
 * Peer Up, length 6 + 42 + 20 + 29 + 29 + 4+3 = 133: local 192.0.2.254 port 179,
 * remote port 51000, sent OPEN_A, received OPEN_B, TLV string "hi!".
 */
static const uint8_t peer_up[] = {
	0x03, 0x00, 0x00, 0x00, 0x85, 0x03,
	PEER_V4,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x02, 0xfe,
	0x00, 0xb3, 0xc7, 0x38,
	OPEN_A,
	OPEN_B,
	0x00, 0x00, 0x00, 0x03, 'h', 'i', '!',
};

/* Route Monitoring, length 6 + 42 + 47 = 95, carrying UPDATE. */
static const uint8_t route_mon[] = {
	0x03, 0x00, 0x00, 0x00, 0x5f, 0x00,
	PEER_V4,
	UPDATE,
};

/* Peer Down reason 1 (local NOTIFICATION): NOTIFICATION 6/2 (cease, shutdown), 21 octets. */
static const uint8_t peer_down_notify[] = {
	0x03, 0x00, 0x00, 0x00, 0x46, 0x02,
	PEER_V4,
	0x01,
	MARKER, 0x00, 0x15, 0x03, 0x06, 0x02,
};

/* Peer Down reason 2 (local, no NOTIFICATION): FSM event 18 (HoldTimer expires). */
static const uint8_t peer_down_fsm[] = {
	0x03, 0x00, 0x00, 0x00, 0x33, 0x02,
	PEER_V4,
	0x02, 0x00, 0x12,
};

/*
 * Statistics Report, 4 entries: type 0 (rejected prefixes, 32-bit) = 7,
 * type 7 (Adj-RIB-In routes, 64-bit gauge) = 0x100000000,
 * type 9 (per-AFI/SAFI Adj-RIB-In, AFI 2 SAFI 1) = 42, type 14 (pre-policy Adj-RIB-Out) = 3.
 * Length 6 + 42 + 4 + (4+4) + (4+8) + (4+11) + (4+8) = 99.
 */
static const uint8_t stats[] = {
	0x03, 0x00, 0x00, 0x00, 0x63, 0x01,
	PEER_V4,
	0x00, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x07, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x09, 0x00, 0x0b, 0x00, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x2a,
	0x00, 0x0e, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x03,
};

/* Termination: string "bye", reason 1 (administratively closed). Length 6+7+6 = 19. */
static const uint8_t termination[] = {
	0x03, 0x00, 0x00, 0x00, 0x13, 0x05,
	0x00, 0x00, 0x00, 0x03, 'b', 'y', 'e',
	0x00, 0x01, 0x00, 0x02, 0x00, 0x01,
};

/* Route Mirroring: information TLV code 0 (errored PDU). Length 6 + 42 + 6 = 54. */
static const uint8_t mirroring[] = {
	0x03, 0x00, 0x00, 0x00, 0x36, 0x06,
	PEER_V4,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x00,
};

/*
 * Loc-RIB (RFC 9069) Peer Up: peer type 3, flags 0, RD 0:0, address zero, AS 65000,
 * BGP ID 10.0.0.1; local address 0, ports 0, the fabricated OPENs, and the
 * Table Name TLV (type 3) "main". Length 6 + 42 + 20 + 29 + 29 + 8 = 134.
 */
static const uint8_t locrib_up[] = {
	0x03, 0x00, 0x00, 0x00, 0x86, 0x03,
	0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0xfd, 0xe8, 0x0a, 0x00, 0x00, 0x01,
	0x5f, 0x5e, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x00, 0x00,
	OPEN_A,
	OPEN_A,
	0x00, 0x03, 0x00, 0x04, 'm', 'a', 'i', 'n',
};

/*
 * Peer Up for an IPv6 post-policy Adj-RIB-Out peer (flags V|L|O = 0xd0), RD type 0
 * 65000:1, peer 2001:db8::1, local 2001:db8::2. Length 6 + 42 + 20 + 29 + 29 = 126.
 */
static const uint8_t peer_up_v6[] = {
	0x03, 0x00, 0x00, 0x00, 0x7e, 0x03,
	0x01, 0xd0, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x00, 0x00, 0xfd, 0xe9, 0xc0, 0x00, 0x02, 0x01,
	0x5f, 0x5e, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x00, 0xb3, 0xc7, 0x38,
	OPEN_A,
	OPEN_B,
};

static struct bmp_peer_hdr
peer_v4(void)
{
	struct bmp_peer_hdr	 ph;

	memset(&ph, 0, sizeof(ph));
	ph.type = BMP_PEER_GLOBAL;
	ph.af = PREFIX_AF_IPV4;
	ph.addr[0] = 192, ph.addr[1] = 0, ph.addr[2] = 2, ph.addr[3] = 1;
	ph.as = 65001;
	ph.bgp_id = 0xc0000201;
	ph.ts_sec = 1600000000;
	ph.ts_usec = 5;
	return ph;
}

static void
check_peer_v4(const struct bmp_msg *m)
{
	UT_ASSERT(m->has_peer);
	UT_EQ_INT(m->peer.type, BMP_PEER_GLOBAL);
	UT_EQ_INT(m->peer.flags, 0);
	UT_EQ_INT(m->peer.af, PREFIX_AF_IPV4);
	UT_EQ_MEM(m->peer.addr, "\xc0\x00\x02\x01", 4);
	UT_EQ_INT(m->peer.as, 65001);
	UT_EQ_INT(m->peer.bgp_id, 0xc0000201);
	UT_EQ_INT(m->peer.ts_sec, 1600000000);
	UT_EQ_INT(m->peer.ts_usec, 5);
}

static void
dec_initiation(void)
{
	struct bmp_msg	 m;
	struct bmp_tlv	 t;
	struct rbuf	 b;

	UT_EQ_INT(bmp_msg_decode(initiation, sizeof(initiation), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_INITIATION);
	UT_EQ_INT(m.len, sizeof(initiation));
	UT_ASSERT(!m.has_peer);
	b = m.u.tlvs;
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_INFO_SYSDESCR);
	UT_EQ_INT(t.len, 9);
	UT_EQ_MEM(t.val, "ixwatch 1", 9);
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_INFO_SYSNAME);
	UT_EQ_MEM(t.val, "rtr-01", 6);
	UT_EQ_INT(bmp_tlv_next(&b, &t), 0);
}

static void
dec_peer_up(void)
{
	struct bmp_msg	 m;
	struct bmp_tlv	 t;
	struct rbuf	 b;

	UT_EQ_INT(bmp_msg_decode(peer_up, sizeof(peer_up), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_PEER_UP);
	check_peer_v4(&m);
	UT_EQ_INT(m.u.up.local_af, PREFIX_AF_IPV4);
	UT_EQ_MEM(m.u.up.local_addr, "\xc0\x00\x02\xfe", 4);
	UT_EQ_INT(m.u.up.local_port, 179);
	UT_EQ_INT(m.u.up.remote_port, 51000);
	UT_EQ_INT(m.u.up.sent_open_len, 29);
	UT_EQ_INT(m.u.up.recv_open_len, 29);
	UT_ASSERT(m.u.up.sent_open == peer_up + 68);
	UT_ASSERT(m.u.up.recv_open == peer_up + 97);
	UT_EQ_INT(be16_load(m.u.up.recv_open + 20), 65001);
	b = m.u.up.tlvs;
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_INFO_STRING);
	UT_EQ_MEM(t.val, "hi!", 3);
	UT_EQ_INT(bmp_tlv_next(&b, &t), 0);
}

static void
dec_peer_up_v6(void)
{
	struct bmp_msg	 m;
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	static const uint8_t l6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };

	UT_EQ_INT(bmp_msg_decode(peer_up_v6, sizeof(peer_up_v6), &m), BMP_OK);
	UT_EQ_INT(m.peer.type, BMP_PEER_RD);
	UT_EQ_INT(m.peer.flags, BMP_PEER_FLAG_V | BMP_PEER_FLAG_L | BMP_PEER_FLAG_O);
	UT_EQ_INT(m.peer.af, PREFIX_AF_IPV6);
	UT_EQ_MEM(m.peer.addr, a6, 16);
	UT_EQ_MEM(m.peer.rd, "\x00\x00\xfd\xe8\x00\x00\x00\x01", 8);
	UT_EQ_INT(m.u.up.local_af, PREFIX_AF_IPV6);
	UT_EQ_MEM(m.u.up.local_addr, l6, 16);
	UT_EQ_INT(bmp_peer_legacy_as_path(&m.peer), 0);
	UT_EQ_INT(rbuf_left(&m.u.up.tlvs), 0);
}

static void
dec_locrib(void)
{
	struct bmp_msg	 m;
	struct bmp_tlv	 t;
	struct rbuf	 b;

	UT_EQ_INT(bmp_msg_decode(locrib_up, sizeof(locrib_up), &m), BMP_OK);
	UT_EQ_INT(m.peer.type, BMP_PEER_LOC_RIB);
	UT_EQ_INT(m.peer.as, 65000);
	UT_EQ_INT(m.peer.bgp_id, 0x0a000001);
	b = m.u.up.tlvs;
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_INFO_TABLE_NAME);
	UT_EQ_MEM(t.val, "main", 4);
	/* For Loc-RIB, 0x80 is the F flag, not V: the address stays IPv4/zero. */
	m.peer.flags = BMP_PEER_FLAG_F | BMP_PEER_FLAG_A;
	UT_EQ_INT(bmp_peer_legacy_as_path(&m.peer), 0);
}

static void
dec_route_mon(void)
{
	struct bmp_msg	 m;

	UT_EQ_INT(bmp_msg_decode(route_mon, sizeof(route_mon), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_ROUTE_MONITORING);
	check_peer_v4(&m);
	UT_EQ_INT(m.u.rm.pdu_len, 47);
	UT_ASSERT(m.u.rm.pdu == route_mon + 48);
	UT_EQ_INT(m.u.rm.pdu[18], 2);
	UT_EQ_INT(bmp_bgp_msglen(m.u.rm.pdu, m.u.rm.pdu_len), 47);
}

static void
dec_peer_down(void)
{
	struct bmp_msg	 m;

	UT_EQ_INT(bmp_msg_decode(peer_down_notify, sizeof(peer_down_notify), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_PEER_DOWN);
	check_peer_v4(&m);
	UT_EQ_INT(m.u.down.reason, BMP_DOWN_LOCAL_NOTIFY);
	UT_EQ_INT(m.u.down.data_len, 21);
	UT_EQ_INT(m.u.down.data[19], 6);
	UT_EQ_INT(m.u.down.data[20], 2);
	UT_EQ_INT(bmp_msg_decode(peer_down_fsm, sizeof(peer_down_fsm), &m), BMP_OK);
	UT_EQ_INT(m.u.down.reason, BMP_DOWN_LOCAL_FSM);
	UT_EQ_INT(m.u.down.fsm_event, 18);
}

static void
dec_stats(void)
{
	struct bmp_msg	 m;
	struct bmp_stat	 s;
	struct rbuf	 b;

	UT_EQ_INT(bmp_msg_decode(stats, sizeof(stats), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_STATS);
	UT_EQ_INT(m.u.stats.count, 4);
	b = m.u.stats.entries;
	UT_EQ_INT(bmp_stat_next(&b, &s), 1);
	UT_EQ_INT(s.type, 0);
	UT_EQ_INT(s.value, 7);
	UT_EQ_INT(bmp_stat_next(&b, &s), 1);
	UT_EQ_INT(s.type, 7);
	UT_ASSERT(s.value == 0x100000000ULL);
	UT_EQ_INT(bmp_stat_next(&b, &s), 1);
	UT_EQ_INT(s.type, 9);
	UT_ASSERT(s.has_afi);
	UT_EQ_INT(s.afi, 2);
	UT_EQ_INT(s.safi, 1);
	UT_EQ_INT(s.value, 42);
	UT_EQ_INT(bmp_stat_next(&b, &s), 1);
	UT_EQ_INT(s.type, 14);
	UT_EQ_INT(s.value, 3);
	UT_EQ_INT(bmp_stat_next(&b, &s), 0);
}

static void
dec_term_mirror(void)
{
	struct bmp_msg	 m;
	struct bmp_tlv	 t;
	struct rbuf	 b;

	UT_EQ_INT(bmp_msg_decode(termination, sizeof(termination), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_TERMINATION);
	b = m.u.tlvs;
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_TERM_STRING);
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_TERM_REASON);
	UT_EQ_INT(be16_load(t.val), 1);
	UT_EQ_INT(bmp_msg_decode(mirroring, sizeof(mirroring), &m), BMP_OK);
	UT_EQ_INT(m.type, BMP_MSG_ROUTE_MIRRORING);
	check_peer_v4(&m);
	b = m.u.tlvs;
	UT_EQ_INT(bmp_tlv_next(&b, &t), 1);
	UT_EQ_INT(t.type, BMP_MIRROR_INFO);
	UT_EQ_INT(t.len, 2);
}

static void
dec_errors(void)
{
	struct bmp_msg	 m;
	uint8_t		 buf[sizeof(route_mon)];
	size_t		 i;

	memcpy(buf, route_mon, sizeof(buf));
	buf[0] = 1;
	UT_EQ_INT(bmp_msg_decode(buf, sizeof(buf), &m), BMP_ERR_VERSION);
	memcpy(buf, route_mon, sizeof(buf));
	buf[4] = 5;
	UT_EQ_INT(bmp_msg_decode(buf, sizeof(buf), &m), BMP_ERR_LENGTH);
	memcpy(buf, route_mon, sizeof(buf));
	buf[5] = 7;
	UT_EQ_INT(bmp_msg_decode(buf, sizeof(buf), &m), BMP_ERR_TYPE);
	memcpy(buf, route_mon, sizeof(buf));
	buf[48 + 18] = 4;	/* KEEPALIVE type inside Route Monitoring */
	UT_EQ_INT(bmp_msg_decode(buf, sizeof(buf), &m), BMP_ERR_FORMAT);
	/* Every truncation of every golden message fails cleanly. */
	for (i = 0; i < sizeof(route_mon); i++)
		UT_ASSERT(bmp_msg_decode(route_mon, i, &m) < 0);
	for (i = 0; i < sizeof(peer_up); i++)
		UT_ASSERT(bmp_msg_decode(peer_up, i, &m) < 0);
	/* A message whose header claims less than its body holds: the TLV is cut. */
	memcpy(buf, initiation, sizeof(initiation));
	buf[4] = 0x1c;
	UT_EQ_INT(bmp_msg_decode(buf, sizeof(initiation), &m), BMP_ERR_FORMAT);
}

static void
encode_roundtrip(void)
{
	static const uint8_t open_a[] = { OPEN_A }, open_b[] = { OPEN_B };
	static const uint8_t upd[] = { UPDATE };
	static const uint8_t notif[] = { MARKER, 0x00, 0x15, 0x03, 0x06, 0x02 };
	struct bmp_peer_hdr	 ph = peer_v4();
	struct bmp_peer_up	 up;
	struct bmp_peer_down	 d;
	struct bmp_tlv		 t[2];
	struct bmp_stat		 st[4];
	struct wbuf		 w;

	wbuf_init(&w, 0);
	t[0] = (struct bmp_tlv){ BMP_INFO_SYSDESCR, 9, (const uint8_t *)"ixwatch 1" };
	t[1] = (struct bmp_tlv){ BMP_INFO_SYSNAME, 6, (const uint8_t *)"rtr-01" };
	bmp_encode_initiation(&w, t, 2);
	UT_EQ_INT(w.len, sizeof(initiation));
	UT_EQ_MEM(w.buf, initiation, w.len);

	wbuf_reset(&w);
	memset(&up, 0, sizeof(up));
	up.local_af = PREFIX_AF_IPV4;
	memcpy(up.local_addr, "\xc0\x00\x02\xfe", 4);
	up.local_port = 179;
	up.remote_port = 51000;
	up.sent_open = open_a, up.sent_open_len = sizeof(open_a);
	up.recv_open = open_b, up.recv_open_len = sizeof(open_b);
	t[0] = (struct bmp_tlv){ BMP_INFO_STRING, 3, (const uint8_t *)"hi!" };
	bmp_encode_peer_up(&w, &ph, &up, t, 1);
	UT_EQ_INT(w.len, sizeof(peer_up));
	UT_EQ_MEM(w.buf, peer_up, w.len);

	wbuf_reset(&w);
	bmp_encode_route_mon(&w, &ph, upd, sizeof(upd));
	UT_EQ_INT(w.len, sizeof(route_mon));
	UT_EQ_MEM(w.buf, route_mon, w.len);

	wbuf_reset(&w);
	memset(&d, 0, sizeof(d));
	d.reason = BMP_DOWN_LOCAL_NOTIFY;
	d.data = notif, d.data_len = sizeof(notif);
	bmp_encode_peer_down(&w, &ph, &d);
	UT_EQ_INT(w.len, sizeof(peer_down_notify));
	UT_EQ_MEM(w.buf, peer_down_notify, w.len);
	wbuf_reset(&w);
	d.reason = BMP_DOWN_LOCAL_FSM;
	d.fsm_event = 18;
	bmp_encode_peer_down(&w, &ph, &d);
	UT_EQ_INT(w.len, sizeof(peer_down_fsm));
	UT_EQ_MEM(w.buf, peer_down_fsm, w.len);

	wbuf_reset(&w);
	memset(st, 0, sizeof(st));
	st[0].type = 0, st[0].len = 4, st[0].value = 7;
	st[1].type = 7, st[1].len = 8, st[1].value = 0x100000000ULL;
	st[2].type = 9, st[2].has_afi = 1, st[2].afi = 2, st[2].safi = 1, st[2].value = 42;
	st[3].type = 14, st[3].len = 8, st[3].value = 3;
	bmp_encode_stats(&w, &ph, st, 4);
	UT_EQ_INT(w.len, sizeof(stats));
	UT_EQ_MEM(w.buf, stats, w.len);

	wbuf_reset(&w);
	t[0] = (struct bmp_tlv){ BMP_TERM_STRING, 3, (const uint8_t *)"bye" };
	t[1] = (struct bmp_tlv){ BMP_TERM_REASON, 2, (const uint8_t *)"\x00\x01" };
	bmp_encode_termination(&w, t, 2);
	UT_EQ_INT(w.len, sizeof(termination));
	UT_EQ_MEM(w.buf, termination, w.len);

	wbuf_reset(&w);
	t[0] = (struct bmp_tlv){ BMP_MIRROR_INFO, 2, (const uint8_t *)"\x00\x00" };
	bmp_encode_route_mirror(&w, &ph, t, 1);
	UT_EQ_INT(w.len, sizeof(mirroring));
	UT_EQ_MEM(w.buf, mirroring, w.len);
	UT_EQ_INT(w.err, 0);
	wbuf_free(&w);
}

/*
 * OPEN with capabilities, length 49: AS 65000, hold 180, ID 10.0.0.1, optional
 * parameters 20 octets: one capabilities parameter (2, 18) holding 4-octet AS 65000
 * (65, 4), ADD-PATH IPv4 unicast with send/receive mode m (69, 4) and MP IPv4
 * unicast (1, 4).
 */
#define OPEN_CAPS(m)	MARKER, 0x00, 0x31, 0x01, 0x04, 0xfd, 0xe8, 0x00, 0xb4,	\
		0x0a, 0x00, 0x00, 0x01, 0x14, 0x02, 0x12,			\
		0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8,				\
		0x45, 0x04, 0x00, 0x01, 0x01, (m),				\
		0x01, 0x04, 0x00, 0x01, 0x00, 0x01

static void
peer_up_session(void)
{
	static const uint8_t both[] = { OPEN_CAPS(3) }, send[] = { OPEN_CAPS(2) },
	    recv[] = { OPEN_CAPS(1) };
	struct bmp_peer_hdr	 ph = peer_v4();
	struct bmp_peer_up	 up;
	struct bmp_msg		 m;
	struct bgp_sess		 s, o, rm;
	struct wbuf		 w;

	memset(&up, 0, sizeof(up));
	up.local_af = PREFIX_AF_IPV4;
	up.sent_open = both, up.sent_open_len = sizeof(both);
	up.recv_open = both, up.recv_open_len = sizeof(both);
	wbuf_init(&w, 0);
	bmp_encode_peer_up(&w, &ph, &up, NULL, 0);
	UT_EQ_INT(bmp_msg_decode(w.buf, w.len, &m), BMP_OK);
	UT_EQ_INT(bmp_peer_up_sess(&m, &s, &o), 0);
	UT_EQ_INT(s.as4, 1);
	UT_ASSERT(bgp_sess_addpath(&s, 1, 1));
	UT_ASSERT(!bgp_sess_addpath(&s, 2, 1));
	/* The A flag turns 4-octet AS_PATHs off for Route Monitoring, ADD-PATH stays. */
	ph.flags = BMP_PEER_FLAG_A;
	bmp_rm_sess(&ph, &s, &rm);
	UT_EQ_INT(rm.as4, 0);
	UT_ASSERT(bgp_sess_addpath(&rm, 1, 1));
	bmp_rm_sess(&ph, NULL, &rm);
	UT_ASSERT(!bgp_sess_addpath(&rm, 1, 1));

	/* The router only sends path ids: Adj-RIB-In has none, Adj-RIB-Out (O flag) has. */
	up.sent_open = send, up.recv_open = recv;
	ph.flags = 0;
	wbuf_reset(&w);
	bmp_encode_peer_up(&w, &ph, &up, NULL, 0);
	UT_EQ_INT(bmp_msg_decode(w.buf, w.len, &m), BMP_OK);
	UT_EQ_INT(bmp_peer_up_sess(&m, &s, &o), 0);
	UT_ASSERT(!bgp_sess_addpath(&s, 1, 1));
	UT_ASSERT(bgp_sess_addpath(&o, 1, 1));
	/* A Loc-RIB peer's made-up OPEN: ADD-PATH in one mode is path ids (RFC 9069). */
	ph.type = BMP_PEER_LOC_RIB;
	up.recv_open = send;
	wbuf_reset(&w);
	bmp_encode_peer_up(&w, &ph, &up, NULL, 0);
	UT_EQ_INT(bmp_msg_decode(w.buf, w.len, &m), BMP_OK);
	UT_EQ_INT(bmp_peer_up_sess(&m, &s, &o), 0);
	UT_ASSERT(bgp_sess_addpath(&s, 1, 1));
	/* Not a Peer Up. */
	UT_EQ_INT(bmp_msg_decode(route_mon, sizeof(route_mon), &m), BMP_OK);
	UT_EQ_INT(bmp_peer_up_sess(&m, &s, &o), -1);
	wbuf_free(&w);
}

/* The whole golden set back to back, as a collector would receive it. */
static size_t
stream(uint8_t *out)
{
	static const struct { const uint8_t *p; size_t n; } all[] = {
		{ initiation, sizeof(initiation) }, { peer_up, sizeof(peer_up) },
		{ route_mon, sizeof(route_mon) }, { stats, sizeof(stats) },
		{ peer_down_notify, sizeof(peer_down_notify) },
		{ peer_down_fsm, sizeof(peer_down_fsm) }, { mirroring, sizeof(mirroring) },
		{ locrib_up, sizeof(locrib_up) }, { peer_up_v6, sizeof(peer_up_v6) },
		{ termination, sizeof(termination) },
	};
	size_t	 i, n = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		memcpy(out + n, all[i].p, all[i].n);
		n += all[i].n;
	}
	return n;
}

/* Feed in chunks (chunk 0: random sizes from seed); return messages decoded. */
static int
frame_all(const uint8_t *s, size_t n, size_t chunk, unsigned seed)
{
	struct bmp_framer	*f = bmp_framer_new(0);
	struct bmp_msg		 m;
	const uint8_t		*msg;
	size_t			 off = 0, k, mlen;
	int			 count = 0, r;

	UT_ASSERT(f != NULL);
	srand(seed);
	while (off < n) {
		k = chunk ? chunk : (size_t)(rand() % 200) + 1;
		if (k > n - off)
			k = n - off;
		UT_EQ_INT(bmp_framer_feed(f, s + off, k), BMP_OK);
		off += k;
		while ((r = bmp_framer_next(f, &msg, &mlen)) == 1) {
			UT_EQ_INT(bmp_msg_decode(msg, mlen, &m), BMP_OK);
			count++;
		}
		UT_EQ_INT(r, 0);
	}
	UT_EQ_INT(bmp_framer_pending(f), 0);
	bmp_framer_free(f);
	return count;
}

static void
framer_chunks(void)
{
	uint8_t		 s[2048];
	size_t		 n = stream(s);
	unsigned	 seed;

	UT_EQ_INT(frame_all(s, n, 1, 0), 10);
	UT_EQ_INT(frame_all(s, n, 7, 0), 10);
	UT_EQ_INT(frame_all(s, n, n, 0), 10);
	for (seed = 1; seed <= 20; seed++)
		UT_EQ_INT(frame_all(s, n, 0, seed), 10);
}

static void
framer_errors(void)
{
	struct bmp_framer	*f;
	const uint8_t		*msg;
	size_t			 mlen;
	uint8_t			 big[6] = { 0x03, 0x00, 0x20, 0x00, 0x00, 0x00 };

	/* Wrong version: detected on the first byte, and sticky. */
	f = bmp_framer_new(0);
	UT_EQ_INT(bmp_framer_feed(f, "\x02", 1), BMP_OK);
	UT_EQ_INT(bmp_framer_next(f, &msg, &mlen), BMP_ERR_VERSION);
	UT_EQ_INT(bmp_framer_feed(f, initiation, sizeof(initiation)), BMP_ERR_VERSION);
	bmp_framer_free(f);
	/* A length over the limit fails at the header, before any payload is buffered. */
	f = bmp_framer_new(1024);
	UT_EQ_INT(bmp_framer_feed(f, big, sizeof(big)), BMP_OK);
	UT_EQ_INT(bmp_framer_next(f, &msg, &mlen), BMP_ERR_LENGTH);
	bmp_framer_free(f);
	/* A length below the common header. */
	f = bmp_framer_new(0);
	UT_EQ_INT(bmp_framer_feed(f, "\x03\x00\x00\x00\x02\x04", 6), BMP_OK);
	UT_EQ_INT(bmp_framer_next(f, &msg, &mlen), BMP_ERR_LENGTH);
	bmp_framer_free(f);
	/* A caller that never drains is stopped. */
	f = bmp_framer_new(64);
	UT_EQ_INT(bmp_framer_feed(f, peer_up, 100), BMP_OK);
	UT_EQ_INT(bmp_framer_feed(f, peer_up, 100), BMP_ERR_OVERFLOW);
	bmp_framer_free(f);
	bmp_framer_free(NULL);
}

UT_MAIN(UT_CASE(dec_initiation), UT_CASE(dec_peer_up), UT_CASE(dec_peer_up_v6),
    UT_CASE(dec_locrib), UT_CASE(dec_route_mon), UT_CASE(dec_peer_down),
    UT_CASE(dec_stats), UT_CASE(dec_term_mirror), UT_CASE(dec_errors),
    UT_CASE(encode_roundtrip), UT_CASE(peer_up_session), UT_CASE(framer_chunks), UT_CASE(framer_errors))
