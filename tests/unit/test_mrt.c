/*
 * MRT record decoder (RFC 6396, RFC 8050): golden records of every decoded type and
 * subtype family, annotated with their dissection, plus truncation and error results.
 */
#include "bgp/mrt.h"
#include "tests/unit/ut.h"

#define MARKER	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
/* BGP UPDATE, 47 octets: ORIGIN IGP, AS_PATH [65000] (4-octet), NEXT_HOP 10.0.0.1, 192.0.2.0/24. */
#define UPDATE	MARKER, 0x00, 0x2f, 0x02, 0x00, 0x00, 0x00, 0x14,		\
		0x40, 0x01, 0x01, 0x00,						\
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe8,		\
		0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,			\
		0x18, 0xc0, 0x00, 0x02

/*
 * BGP4MP (16) MESSAGE_AS4 (4), time 1445565678, length 67: peer AS 65001, local AS
 * 65000, ifindex 0, AFI 1, peer 192.0.2.1, local 192.0.2.254, the UPDATE.
 */
static const uint8_t bgp4mp_msg_as4[] = {
	0x56, 0x29, 0x94, 0xee, 0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x00, 0x43,
	0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0xfe,
	UPDATE,
};

/*
 * BGP4MP (16) MESSAGE (1, 2-octet ASes) with a KEEPALIVE, length 35: peer AS 3561,
 * local AS 12654, ifindex 0, AFI 1, peer 195.66.224.39, local 195.66.224.1.
 */
static const uint8_t bgp4mp_msg[] = {
	0x45, 0xce, 0x74, 0x2c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x23,
	0x0d, 0xe9, 0x31, 0x6e, 0x00, 0x00, 0x00, 0x01,
	0xc3, 0x42, 0xe0, 0x27, 0xc3, 0x42, 0xe0, 0x01,
	MARKER, 0x00, 0x13, 0x04,
};

/*
 * BGP4MP_ET (17) STATE_CHANGE (0), length 48: usec 509481, peer AS 3856, local AS
 * 6447, ifindex 0, AFI 2, peer 2001:db8::1, local 2001:db8::2, Idle(1) -> Connect(2).
 */
static const uint8_t bgp4mp_et_state[] = {
	0x56, 0x29, 0x94, 0xee, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30,
	0x00, 0x07, 0xc6, 0x29,
	0x0f, 0x10, 0x19, 0x2f, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x00, 0x01, 0x00, 0x02,
};

/*
 * TABLE_DUMP_V2 (13) PEER_INDEX_TABLE (1), length 44: collector 10.0.0.1, empty view,
 * 2 peers: type 0x02 (IPv4, AS4) ID 192.0.2.1 addr 192.0.2.1 AS 65001;
 * type 0x01 (IPv6, 2-octet AS) ID 10.0.0.2 addr 2001:db8::2 AS 65002.
 */
static const uint8_t peer_index[] = {
	0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2c,
	0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x02, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe9,
	0x01, 0x0a, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0xfd, 0xea,
};

/*
 * TABLE_DUMP_V2 RIB_IPV4_UNICAST (2), length 22: seq 1, 192.0.2.0/24, 1 entry:
 * peer 0, originated 1400824800, 4 octets of attributes (ORIGIN IGP).
 */
static const uint8_t rib_v4[] = {
	0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x0d, 0x00, 0x02, 0x00, 0x00, 0x00, 0x16,
	0x00, 0x00, 0x00, 0x01, 0x18, 0xc0, 0x00, 0x02, 0x00, 0x01,
	0x00, 0x00, 0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x04, 0x40, 0x01, 0x01, 0x00,
};

/*
 * TABLE_DUMP_V2 RIB_IPV6_UNICAST_ADDPATH (10), length 35: seq 2, 2001:db8::/32,
 * 2 entries from peer 1 with path ids 1 and 2, no attributes.
 */
static const uint8_t rib_v6_ap[] = {
	0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x0d, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x23,
	0x00, 0x00, 0x00, 0x02, 0x20, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02,
	0x00, 0x01, 0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x01, 0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
};

/*
 * TABLE_DUMP (12) AFI_IPv4 (1), length 26: view 0, seq 5, 198.51.100.0/24, status 1,
 * originated 1171158060, peer 195.66.224.39 AS 3561, attributes ORIGIN IGP.
 */
static const uint8_t td1[] = {
	0x45, 0xce, 0x74, 0x2c, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a,
	0x00, 0x00, 0x00, 0x05, 0xc6, 0x33, 0x64, 0x00, 0x18, 0x01,
	0x45, 0xce, 0x74, 0x2c, 0xc3, 0x42, 0xe0, 0x27, 0x0d, 0xe9,
	0x00, 0x04, 0x40, 0x01, 0x01, 0x00,
};

/* TABLE_DUMP_V2 RIB_GENERIC (6): not decoded, says so. */
static const uint8_t rib_generic[] = {
	0x53, 0x7e, 0xe3, 0xe0, 0x00, 0x0d, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x01,
};

static void
hdr(void)
{
	struct mrt_hdr	 h;

	UT_EQ_INT(mrt_hdr_decode(bgp4mp_msg_as4, 12, &h), MRT_OK);
	UT_EQ_INT(h.ts, 1445565678);
	UT_EQ_INT(h.type, MRT_BGP4MP);
	UT_EQ_INT(h.subtype, MRT_BGP4MP_MESSAGE_AS4);
	UT_EQ_INT(h.len, 67);
	UT_EQ_INT(mrt_hdr_decode(bgp4mp_msg_as4, 11, &h), MRT_ERR_SHORT);
}

static void
msg_as4(void)
{
	struct mrt_record	 r;

	UT_EQ_INT(mrt_record_decode(bgp4mp_msg_as4, sizeof(bgp4mp_msg_as4), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_BGP4MP_MSG);
	UT_EQ_INT(r.u.msg.peer_as, 65001);
	UT_EQ_INT(r.u.msg.local_as, 65000);
	UT_EQ_INT(r.u.msg.af, PREFIX_AF_IPV4);
	UT_EQ_MEM(r.u.msg.peer_addr, "\xc0\x00\x02\x01", 4);
	UT_EQ_MEM(r.u.msg.local_addr, "\xc0\x00\x02\xfe", 4);
	UT_ASSERT(r.u.msg.as4);
	UT_ASSERT(!r.u.msg.addpath);
	UT_ASSERT(!r.u.msg.local);
	UT_EQ_INT(r.u.msg.pdu_len, 47);
	UT_ASSERT(r.u.msg.pdu == bgp4mp_msg_as4 + 32);
}

static void
msg_as2(void)
{
	struct mrt_record	 r;

	UT_EQ_INT(mrt_record_decode(bgp4mp_msg, sizeof(bgp4mp_msg), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_BGP4MP_MSG);
	UT_EQ_INT(r.u.msg.peer_as, 3561);
	UT_EQ_INT(r.u.msg.local_as, 12654);
	UT_ASSERT(!r.u.msg.as4);
	UT_EQ_INT(r.u.msg.pdu_len, 19);
	UT_EQ_INT(r.u.msg.pdu[18], 4);
}

static void
subtypes(void)
{
	uint8_t			 b[sizeof(bgp4mp_msg_as4)];
	struct mrt_record	 r;

	memcpy(b, bgp4mp_msg_as4, sizeof(b));
	b[7] = MRT_BGP4MP_MESSAGE_AS4_ADDPATH;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_OK);
	UT_ASSERT(r.u.msg.as4 && r.u.msg.addpath && !r.u.msg.local);
	b[7] = MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_OK);
	UT_ASSERT(r.u.msg.as4 && r.u.msg.addpath && r.u.msg.local);
	b[7] = MRT_BGP4MP_MESSAGE_AS4_LOCAL;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_OK);
	UT_ASSERT(r.u.msg.as4 && !r.u.msg.addpath && r.u.msg.local);
	b[7] = 3;	/* deprecated ENTRY subtype */
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_UNSUPPORTED);
}

static void
et_state(void)
{
	struct mrt_record	 r;
	static const uint8_t	 a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	UT_EQ_INT(mrt_record_decode(bgp4mp_et_state, sizeof(bgp4mp_et_state), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_BGP4MP_STATE);
	UT_EQ_INT(r.hdr.usec, 509481);
	UT_EQ_INT(r.u.msg.peer_as, 3856);
	UT_EQ_INT(r.u.msg.local_as, 6447);
	UT_EQ_INT(r.u.msg.af, PREFIX_AF_IPV6);
	UT_EQ_MEM(r.u.msg.peer_addr, a6, 16);
	UT_EQ_INT(r.u.msg.old_state, 1);
	UT_EQ_INT(r.u.msg.new_state, 2);
}

static void
td2_peer_index(void)
{
	struct mrt_record	 r;
	struct mrt_peers	 t = { NULL, 0, 0 };
	struct mrt_peer		 p;
	struct rbuf		 e;

	UT_EQ_INT(mrt_record_decode(peer_index, sizeof(peer_index), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_PEER_INDEX);
	UT_EQ_INT(r.u.pi.collector_id, 0x0a000001);
	UT_EQ_INT(r.u.pi.view_len, 0);
	UT_EQ_INT(r.u.pi.count, 2);
	e = r.u.pi.entries;
	UT_EQ_INT(mrt_peer_next(&e, &p), 1);
	UT_EQ_INT(p.af, PREFIX_AF_IPV4);
	UT_ASSERT(p.as4);
	UT_EQ_INT(p.as, 65001);
	UT_EQ_INT(mrt_peer_next(&e, &p), 1);
	UT_EQ_INT(p.af, PREFIX_AF_IPV6);
	UT_ASSERT(!p.as4);
	UT_EQ_INT(p.as, 65002);
	UT_EQ_INT(p.bgp_id, 0x0a000002);
	UT_EQ_INT(mrt_peer_next(&e, &p), 0);
	UT_EQ_INT(mrt_peers_load(&t, &r.u.pi), 0);
	UT_EQ_INT(t.count, 2);
	UT_EQ_INT(t.peer[1].as, 65002);
	mrt_peers_clear(&t);
	mrt_peers_clear(NULL);
	UT_ASSERT(t.peer == NULL);
}

static void
td2_rib(void)
{
	struct mrt_record	 r;
	struct mrt_rib_entry	 e;
	struct rbuf		 b;
	char			 s[PREFIX_STRLEN];

	UT_EQ_INT(mrt_record_decode(rib_v4, sizeof(rib_v4), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_RIB);
	UT_EQ_INT(r.u.rib.seq, 1);
	UT_EQ_STR(prefix_fmt(&r.u.rib.prefix, s, sizeof(s)), "192.0.2.0/24");
	UT_EQ_INT(r.u.rib.count, 1);
	UT_ASSERT(!r.u.rib.addpath);
	b = r.u.rib.entries;
	UT_EQ_INT(mrt_rib_next(&b, r.u.rib.addpath, &e), 1);
	UT_EQ_INT(e.peer_index, 0);
	UT_EQ_INT(e.orig_time, 1400824800);
	UT_EQ_INT(e.attrs_len, 4);
	UT_EQ_INT(e.attrs[1], 1);
	UT_EQ_INT(mrt_rib_next(&b, r.u.rib.addpath, &e), 0);

	UT_EQ_INT(mrt_record_decode(rib_v6_ap, sizeof(rib_v6_ap), &r), MRT_OK);
	UT_ASSERT(r.u.rib.addpath);
	UT_EQ_STR(prefix_fmt(&r.u.rib.prefix, s, sizeof(s)), "2001:db8::/32");
	b = r.u.rib.entries;
	UT_EQ_INT(mrt_rib_next(&b, 1, &e), 1);
	UT_EQ_INT(e.peer_index, 1);
	UT_EQ_INT(e.path_id, 1);
	UT_EQ_INT(mrt_rib_next(&b, 1, &e), 1);
	UT_EQ_INT(e.path_id, 2);
	UT_EQ_INT(e.attrs_len, 0);
	UT_EQ_INT(mrt_rib_next(&b, 1, &e), 0);
}

static void
table_dump_v1(void)
{
	struct mrt_record	 r;
	char			 s[PREFIX_STRLEN];

	UT_EQ_INT(mrt_record_decode(td1, sizeof(td1), &r), MRT_OK);
	UT_EQ_INT(r.kind, MRT_KIND_TABLE_DUMP);
	UT_EQ_INT(r.u.td.seq, 5);
	UT_EQ_STR(prefix_fmt(&r.u.td.prefix, s, sizeof(s)), "198.51.100.0/24");
	UT_EQ_INT(r.u.td.status, 1);
	UT_EQ_INT(r.u.td.peer_as, 3561);
	UT_EQ_MEM(r.u.td.peer_addr, "\xc3\x42\xe0\x27", 4);
	UT_EQ_INT(r.u.td.attrs_len, 4);
}

static void
errors(void)
{
	struct mrt_record	 r;
	uint8_t			 b[sizeof(rib_v4)];
	size_t			 i;

	UT_EQ_INT(mrt_record_decode(rib_generic, sizeof(rib_generic), &r), MRT_UNSUPPORTED);
	/* Every cut of every record is reported, never read past. */
	for (i = 0; i < sizeof(bgp4mp_msg_as4); i++)
		UT_ASSERT(mrt_record_decode(bgp4mp_msg_as4, i, &r) < 0);
	for (i = 0; i < sizeof(peer_index); i++)
		UT_ASSERT(mrt_record_decode(peer_index, i, &r) < 0);
	for (i = 0; i < sizeof(rib_v6_ap); i++)
		UT_ASSERT(mrt_record_decode(rib_v6_ap, i, &r) < 0);
	for (i = 0; i < sizeof(td1); i++)
		UT_ASSERT(mrt_record_decode(td1, i, &r) < 0);
	/* Header length shorter than the entries claim. */
	memcpy(b, rib_v4, sizeof(b));
	b[11] = 0x15;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_ERR_SHORT);
	/* Prefix length 33 for IPv4. */
	memcpy(b, rib_v4, sizeof(b));
	b[16] = 33;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_ERR_FORMAT);
	/* Unknown type. */
	memcpy(b, rib_v4, sizeof(b));
	b[5] = 11;
	UT_EQ_INT(mrt_record_decode(b, sizeof(b), &r), MRT_UNSUPPORTED);
}

UT_MAIN(UT_CASE(hdr), UT_CASE(msg_as4), UT_CASE(msg_as2), UT_CASE(subtypes),
    UT_CASE(et_state), UT_CASE(td2_peer_index), UT_CASE(td2_rib),
    UT_CASE(table_dump_v1), UT_CASE(errors))
