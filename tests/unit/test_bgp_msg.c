/*
 * BGP messages other than UPDATE: framing, OPEN with every capability we know
 * (and an unknown one kept raw), RFC 9072 extended parameters, KEEPALIVE,
 * NOTIFICATION with an RFC 9003 shutdown communication, ROUTE-REFRESH with the
 * RFC 7313 subtypes, session negotiation, the NOTIFICATION texts; golden bytes
 * (Wireshark-style dissections in the comments) and encode->decode round trips.
 */
#include "bgp/bgp.h"
#include "tests/unit/ut.h"

#define MARKER	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

/*
 * Border Gateway Protocol - OPEN Message
 *   Marker: ffffffffffffffffffffffffffffffff
 *   Length: 98
 *   Type: OPEN Message (1)
 *   Version: 4
 *   My AS: 23456 (AS_TRANS)
 *   Hold Time: 180
 *   BGP Identifier: 192.0.2.1
 *   Optional Parameters Length: 69
 *   Optional Parameter: Capability (type 2, length 67)
 *     Multiprotocol extensions capability (1, 4): AFI IPv4 (1), SAFI Unicast (1)
 *     Multiprotocol extensions capability (1, 4): AFI IPv6 (2), SAFI Unicast (1)
 *     Extended Next Hop Encoding (5, 6): NLRI AFI 1, NLRI SAFI 1, Nexthop AFI 2
 *     Graceful Restart capability (64, 6): Restart flag R, Time 120s;
 *         AFI 1 SAFI 1 Forwarding state preserved (0x80)
 *     Support for Additional Paths (69, 8): AFI 1 SAFI 1 Send/Receive 3;
 *         AFI 2 SAFI 1 Receive 1
 *     Route refresh capability (2, 0)
 *     Enhanced route refresh capability (70, 0)
 *     BGP Extended Message (6, 0)
 *     BGP Role (9, 1): Customer (3)
 *     Support for 4-octet AS number capability (65, 4): 4200000000
 *     FQDN Capability (73, 10): hostname "rtr1", domain "test"
 *     Unknown capability 128 (length 0)
 */
static const uint8_t open_golden[] = {
	MARKER, 0x00, 0x62, 0x01,
	0x04, 0x5b, 0xa0, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0x45,
	0x02, 0x43,
	0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
	0x01, 0x04, 0x00, 0x02, 0x00, 0x01,
	0x05, 0x06, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02,
	0x40, 0x06, 0x80, 0x78, 0x00, 0x01, 0x01, 0x80,
	0x45, 0x08, 0x00, 0x01, 0x01, 0x03, 0x00, 0x02, 0x01, 0x01,
	0x02, 0x00,
	0x46, 0x00,
	0x06, 0x00,
	0x09, 0x01, 0x03,
	0x41, 0x04, 0xfa, 0x56, 0xea, 0x00,
	0x49, 0x0a, 0x04, 'r', 't', 'r', '1', 0x04, 't', 'e', 's', 't',
	0x80, 0x00,
};

static void
open_decode_golden(void)
{
	struct bgp_msg		 m;
	struct bgp_error	 e;
	const struct bgp_caps	*c = &m.u.open.caps;

	UT_EQ_INT(sizeof(open_golden), 98);
	UT_EQ_INT(bgp_msg_decode(open_golden, sizeof(open_golden), NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.type, BGP_MSG_OPEN);
	UT_EQ_INT(m.u.open.version, 4);
	UT_EQ_INT(m.u.open.my_as, BGP_AS_TRANS);
	UT_EQ_INT(m.u.open.holdtime, 180);
	UT_EQ_INT(m.u.open.bgp_id, 0xc0000201);
	UT_EQ_INT(bgp_open_peer_as(&m.u.open), 4200000000u);
	UT_EQ_INT(c->nmp, 2);
	UT_EQ_INT(c->mp[1].afi, 2);
	UT_EQ_INT(c->mp[1].safi, 1);
	UT_EQ_INT(c->nextnh, 1);
	UT_EQ_INT(c->extnh[0].nh_afi, 2);
	UT_EQ_INT(c->has_gr, 1);
	UT_EQ_INT(c->gr_flags, 8);
	UT_EQ_INT(c->gr_time, 120);
	UT_EQ_INT(c->ngr, 1);
	UT_EQ_INT(c->gr[0].flags, 0x80);
	UT_EQ_INT(c->naddpath, 2);
	UT_EQ_INT(c->addpath[0].flags, BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE);
	UT_EQ_INT(c->addpath[1].afi, 2);
	UT_EQ_INT(c->addpath[1].flags, BGP_ADDPATH_RECEIVE);
	UT_ASSERT(c->has_route_refresh && c->has_enhanced_rr && c->has_extmsg);
	UT_EQ_INT(c->has_role, 1);
	UT_EQ_INT(c->role, BGP_ROLE_CUSTOMER);
	UT_EQ_INT(c->has_fqdn, 1);
	UT_EQ_INT(c->fqdn_hostlen, 4);
	UT_EQ_MEM(c->fqdn_host, "rtr1", 4);
	UT_EQ_MEM(c->fqdn_domain, "test", 4);
	UT_EQ_INT(c->nunknown, 1);
	UT_EQ_INT(c->unknown[0].code, 128);
}

/* Re-encoding the decoded OPEN gives the same bytes (the golden is in encoder order). */
static void
open_roundtrip(void)
{
	struct bgp_msg		m;
	struct bgp_error	e;
	struct wbuf		w;

	UT_EQ_INT(bgp_msg_decode(open_golden, sizeof(open_golden), NULL, &m, &e), BGP_OK);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_open_encode(&w, &m.u.open), 0);
	UT_EQ_INT(w.len, sizeof(open_golden));
	UT_EQ_MEM(w.buf, open_golden, sizeof(open_golden));
	wbuf_free(&w);
}

/* More than 255 bytes of capabilities: RFC 9072 extended parameter lengths. */
static void
open_extended_params(void)
{
	static const uint8_t	 blob[60] = { 1, 2, 3 };
	struct bgp_open		 o, d;
	struct bgp_msg		 m;
	struct bgp_error	 e;
	struct wbuf		 w;

	memset(&o, 0, sizeof(o));
	o.my_as = 65001;
	o.holdtime = 90;
	o.bgp_id = 0x0a000001;
	for (int i = 0; i < 6; i++) {
		o.caps.unknown[i].code = (uint8_t)(200 + i);
		o.caps.unknown[i].len = sizeof(blob);
		o.caps.unknown[i].value = blob;
	}
	o.caps.nunknown = 6;
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_open_encode(&w, &o), 0);
	UT_EQ_INT(w.buf[28], 255);	/* non-extended length */
	UT_EQ_INT(w.buf[29], 255);	/* extended type */
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, NULL, &m, &e), BGP_OK);
	d = m.u.open;
	UT_EQ_INT(d.caps.nunknown, 6);
	UT_EQ_INT(d.caps.unknown[5].code, 205);
	UT_EQ_INT(d.caps.unknown[5].len, 60);
	UT_EQ_MEM(d.caps.unknown[5].value, blob, 60);
	wbuf_free(&w);
}

/* More MP capabilities than BGP_CAPS_MAX: the first kept, the rest counted. */
static void
open_many_mp(void)
{
	struct bgp_open		o;
	struct bgp_msg		m;
	struct bgp_error	e;
	struct wbuf		w;

	memset(&o, 0, sizeof(o));
	o.my_as = 65001;
	o.bgp_id = 1;
	for (int i = 0; i < BGP_CAPS_MAX; i++)
		o.caps.mp[i] = (struct bgp_afisafi){ 1, (uint8_t)(i + 1), 0 };
	o.caps.nmp = BGP_CAPS_MAX;
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_open_encode(&w, &o), 0);
	/* append a ninth MP capability by hand: AFI 2 SAFI 1 */
	{
		static const uint8_t extra[] = { 0x01, 0x04, 0x00, 0x02, 0x00, 0x01 };

		wbuf_put_bytes(&w, extra, sizeof(extra));
		wbuf_set_u16(&w, 16, (uint16_t)w.len);
		wbuf_set_u8(&w, 28, (uint8_t)(w.buf[28] + 6));
		wbuf_set_u8(&w, 30, (uint8_t)(w.buf[30] + 6));
	}
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.open.caps.nmp, BGP_CAPS_MAX);
	UT_EQ_INT(m.u.open.caps.ntrunc, 1);
	UT_EQ_INT(m.u.open.caps.mp[7].safi, 8);
	wbuf_free(&w);
}

static void
open_check_err(const uint8_t *msg, size_t len, uint8_t sub)
{
	struct bgp_msg		m;
	struct bgp_error	e;

	UT_EQ_INT(bgp_msg_decode(msg, len, NULL, &m, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.code, BGP_NOTIFY_OPEN);
	UT_EQ_INT(e.subcode, sub);
}

/*
 * OPEN errors (RFC 4271 §6.2): version 3 (data = 0x0004, the version we speak),
 * hold time 1, identifier 0, optional parameter overrunning the message.
 */
static void
open_errors(void)
{
	static const uint8_t v3[] = { MARKER, 0x00, 0x1d, 0x01,
	    0x03, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t hold1[] = { MARKER, 0x00, 0x1d, 0x01,
	    0x04, 0xfd, 0xe9, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t id0[] = { MARKER, 0x00, 0x1d, 0x01,
	    0x04, 0xfd, 0xe9, 0x00, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x00 };
	/* Optional Parameters Length 4, Capability parameter claiming 5 bytes */
	static const uint8_t badparm[] = { MARKER, 0x00, 0x21, 0x01,
	    0x04, 0xfd, 0xe9, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0x04,
	    0x02, 0x05, 0x02, 0x00 };
	struct bgp_msg		m;
	struct bgp_error	e;

	open_check_err(v3, sizeof(v3), BGP_NOTIFY_OPEN_VERSION);
	UT_EQ_INT(bgp_msg_decode(v3, sizeof(v3), NULL, &m, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.datalen, 2);
	UT_EQ_INT(e.data[1], 4);
	open_check_err(hold1, sizeof(hold1), BGP_NOTIFY_OPEN_HOLD_TIME);
	open_check_err(id0, sizeof(id0), BGP_NOTIFY_OPEN_BAD_ID);
	open_check_err(badparm, sizeof(badparm), 0);
}

/* KEEPALIVE: Marker, Length: 19, Type: KEEPALIVE Message (4). */
static void
keepalive(void)
{
	static const uint8_t	ka[] = { MARKER, 0x00, 0x13, 0x04 };
	struct wbuf		w;
	struct bgp_msg		m;
	struct bgp_error	e;

	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_keepalive_encode(&w), 0);
	UT_EQ_INT(w.len, sizeof(ka));
	UT_EQ_MEM(w.buf, ka, sizeof(ka));
	UT_EQ_INT(bgp_msg_decode(ka, sizeof(ka), NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.type, BGP_MSG_KEEPALIVE);
	wbuf_free(&w);
}

/*
 * NOTIFICATION Message, Length 25
 *   Major error Code: Cease (6)
 *   Minor error Code (Cease): Administratively Shutdown (2)
 *   Shutdown communication: length 3, "bye"
 */
static void
notification(void)
{
	static const uint8_t	nt[] = { MARKER, 0x00, 0x19, 0x03,
	    0x06, 0x02, 0x03, 'b', 'y', 'e' };
	struct wbuf		w;
	struct bgp_msg		m;
	struct bgp_error	e;

	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_notification_encode(&w, 6, 2, "\003bye", 4), 0);
	UT_EQ_INT(w.len, sizeof(nt));
	UT_EQ_MEM(w.buf, nt, sizeof(nt));
	UT_EQ_INT(bgp_msg_decode(nt, sizeof(nt), NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.notification.code, 6);
	UT_EQ_INT(m.u.notification.subcode, 2);
	UT_EQ_INT(m.u.notification.datalen, 4);
	UT_EQ_INT(m.u.notification.shutdown_len, 3);
	UT_EQ_MEM(m.u.notification.shutdown_msg, "bye", 3);
	UT_EQ_STR(bgp_notify_code_str(6), "Cease");
	UT_EQ_STR(bgp_notify_subcode_str(6, 2), "Administrative Shutdown");
	wbuf_free(&w);
}

/* The data of an error in an extended message (an 8000-byte attribute) is cut
 * to fit a 4096-byte NOTIFICATION, never a message with a broken length. */
static void
notification_long_data(void)
{
	static uint8_t		data[8000];
	struct wbuf		w;
	struct bgp_msg		m;
	struct bgp_error	e;

	memset(data, 0xab, sizeof(data));
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_notification_encode(&w, 3, 9, data, sizeof(data)), 0);
	UT_EQ_INT(w.err, 0);
	UT_EQ_INT(w.len, 4096);
	UT_EQ_INT(w.buf[16] << 8 | w.buf[17], 4096);
	UT_EQ_INT(bgp_msg_decode(w.buf, w.len, NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.notification.code, 3);
	UT_EQ_INT(m.u.notification.subcode, 9);
	UT_EQ_INT(m.u.notification.datalen, 4096 - 21);
	wbuf_free(&w);
}

static void
notify_texts(void)
{
	UT_EQ_STR(bgp_notify_code_str(3), "UPDATE Message Error");
	UT_EQ_STR(bgp_notify_subcode_str(3, 11), "Malformed AS_PATH");
	UT_EQ_STR(bgp_notify_subcode_str(3, 7), "Unknown");	/* deprecated */
	UT_EQ_STR(bgp_notify_subcode_str(1, 2), "Bad Message Length");
	UT_EQ_STR(bgp_notify_subcode_str(2, 11), "Role Mismatch");
	UT_EQ_STR(bgp_notify_subcode_str(6, 200), "Unknown");
	UT_EQ_STR(bgp_notify_code_str(99), "Unknown");
	UT_EQ_STR(bgp_result_str(BGP_ERR_TREAT_AS_WITHDRAW), "treat-as-withdraw");
}

/*
 * ROUTE-REFRESH Message, Length 23: AFI IPv6 (2), Subtype 1 (BoRR, RFC 7313), SAFI 1;
 * then normal (0) and EoRR (2) round trips.
 */
static void
route_refresh(void)
{
	static const uint8_t	borr[] = { MARKER, 0x00, 0x17, 0x05, 0x00, 0x02, 0x01, 0x01 };
	static const uint8_t	bad[] = { MARKER, 0x00, 0x18, 0x05, 0x00, 0x02, 0x01, 0x01, 0 };
	struct wbuf		w;
	struct bgp_msg		m;
	struct bgp_error	e;

	UT_EQ_INT(bgp_msg_decode(borr, sizeof(borr), NULL, &m, &e), BGP_OK);
	UT_EQ_INT(m.u.route_refresh.afi, 2);
	UT_EQ_INT(m.u.route_refresh.safi, 1);
	UT_EQ_INT(m.u.route_refresh.subtype, BGP_RR_BORR);
	wbuf_init(&w, 0);
	UT_EQ_INT(bgp_route_refresh_encode(&w, 2, 1, BGP_RR_BORR), 0);
	UT_EQ_MEM(w.buf, borr, sizeof(borr));
	for (uint8_t st = BGP_RR_NORMAL; st <= BGP_RR_EORR; st++) {
		wbuf_reset(&w);
		UT_EQ_INT(bgp_route_refresh_encode(&w, 1, 1, st), 0);
		UT_EQ_INT(bgp_msg_decode(w.buf, w.len, NULL, &m, &e), BGP_OK);
		UT_EQ_INT(m.u.route_refresh.subtype, st);
		UT_EQ_INT(m.u.route_refresh.afi, 1);
	}
	/* RFC 7313 §5: wrong length → ROUTE-REFRESH Message Error / Invalid Message Length */
	UT_EQ_INT(bgp_msg_decode(bad, sizeof(bad), NULL, &m, &e), BGP_ERR_SESSION_RESET);
	UT_EQ_INT(e.code, BGP_NOTIFY_ROUTE_REFRESH);
	UT_EQ_INT(e.subcode, 1);
	wbuf_free(&w);
}

/* Framing: partial input, marker, type, per-type and extended-message lengths. */
static void
framing(void)
{
	static const uint8_t	 ka[] = { MARKER, 0x00, 0x13, 0x04, 0xaa };
	uint8_t			 b[32];
	struct bgp_hdr		 h;
	struct bgp_error	 e;
	struct bgp_sess		 ext = { 1, 1, 0, 0, 0 };

	UT_EQ_INT(bgp_msg_frame(ka, 10, NULL, &h, &e), 0);
	UT_EQ_INT(bgp_msg_frame(ka, sizeof(ka), NULL, &h, &e), 19);
	UT_EQ_INT(h.type, BGP_MSG_KEEPALIVE);
	memcpy(b, ka, 19);
	b[3] = 0;
	UT_EQ_INT(bgp_msg_frame(b, 19, NULL, &h, &e), -1);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_HDR_SYNC);
	memcpy(b, ka, 19);
	b[18] = 6;
	UT_EQ_INT(bgp_msg_frame(b, 19, NULL, &h, &e), -1);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_HDR_BAD_TYPE);
	UT_EQ_INT(e.data[0], 6);
	memcpy(b, ka, 19);
	b[17] = 20;		/* KEEPALIVE of 20 bytes */
	UT_EQ_INT(bgp_msg_frame(b, 20, NULL, &h, &e), -1);
	UT_EQ_INT(e.subcode, BGP_NOTIFY_HDR_BAD_LEN);
	UT_EQ_INT(e.data[1], 20);
	/* an UPDATE of 6000 bytes: bad without RFC 8654, fine with it; a header is enough */
	b[16] = 6000 >> 8;
	b[17] = 6000 & 0xff;
	b[18] = BGP_MSG_UPDATE;
	UT_EQ_INT(bgp_msg_frame(b, 19, NULL, &h, &e), -1);
	UT_EQ_INT(e.outcome, BGP_ERR_SESSION_RESET);
	UT_EQ_INT(bgp_msg_frame(b, 19, &ext, &h, &e), 0);	/* needs more bytes */
	/* OPEN never exceeds 4096 (RFC 8654 §3) */
	b[18] = BGP_MSG_OPEN;
	UT_EQ_INT(bgp_msg_frame(b, 19, &ext, &h, &e), -1);
}

static void
negotiate(void)
{
	struct bgp_caps	ours, theirs;
	struct bgp_sess	s;

	memset(&ours, 0, sizeof(ours));
	memset(&theirs, 0, sizeof(theirs));
	ours.has_as4 = theirs.has_as4 = 1;
	ours.has_extmsg = 1;
	ours.naddpath = 2;
	ours.addpath[0] = (struct bgp_afisafi){ 1, 1, BGP_ADDPATH_RECEIVE };
	ours.addpath[1] = (struct bgp_afisafi){ 2, 1, BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE };
	theirs.naddpath = 2;
	theirs.addpath[0] = (struct bgp_afisafi){ 1, 1, BGP_ADDPATH_SEND };
	theirs.addpath[1] = (struct bgp_afisafi){ 2, 1, BGP_ADDPATH_RECEIVE };
	bgp_sess_negotiate(&s, &ours, &theirs);
	UT_EQ_INT(s.as4, 1);
	UT_EQ_INT(s.extmsg, 0);
	UT_EQ_INT(bgp_sess_addpath(&s, 1, 1), 1);
	UT_EQ_INT(bgp_sess_addpath(&s, 2, 1), 0);
	UT_EQ_INT(s.addpath_tx, BGP_AP_IPV6_UNICAST);
	theirs.has_extmsg = 1;
	bgp_sess_negotiate(&s, &ours, &theirs);
	UT_EQ_INT(s.extmsg, 1);
}

UT_MAIN(UT_CASE(open_decode_golden), UT_CASE(open_roundtrip), UT_CASE(open_extended_params), UT_CASE(open_many_mp),
    UT_CASE(open_errors), UT_CASE(keepalive), UT_CASE(notification), UT_CASE(notification_long_data), UT_CASE(notify_texts),
    UT_CASE(route_refresh), UT_CASE(framing), UT_CASE(negotiate))
