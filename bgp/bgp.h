/*
 * BGP-4 wire codec: message framing, OPEN and capabilities, UPDATE with path
 * attributes, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH; the RFC 7606 error outcomes;
 * the canonical attribute blob the RIB interns; encoders for every message.
 *
 * RFCs: 4271 (BGP-4), 4760 (multiprotocol), 2918 + 7313 (route refresh, enhanced),
 * 6793 (4-octet AS), 7911 (ADD-PATH), 8654 (extended messages), 4724 (graceful
 * restart), 9234 (roles, OTC), 8950 (IPv4 NLRI over IPv6 next hop), 1997/4360/8092
 * (communities), 4456 (route reflection), 7606 (revised error handling), 9072
 * (extended optional parameters length), draft-walton-bgp-hostname (FQDN).
 *
 * Decoding is zero-copy and allocation-free: a decoded message points into the
 * caller's buffer, which must stay valid while the decoded structs are used. NLRI,
 * AS paths and attributes are read with iterators over the validated wire bytes.
 * Nothing here logs, allocates while decoding, or keeps global state.
 */
#ifndef IXW_BGP_H
#define IXW_BGP_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/buf.h"
#include "bgp/prefix.h"

#define BGP_HDR_LEN		19
#define BGP_MAX_LEN		4096	/* RFC 4271 */
#define BGP_EXT_MAX_LEN		65535	/* RFC 8654, once negotiated */
#define BGP_AS_TRANS		23456	/* RFC 6793 */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

enum bgp_safi {
	BGP_SAFI_UNICAST = 1,
	BGP_SAFI_MULTICAST = 2,
};

/*
 * RFC 7606 outcomes, ordered by strength so the strongest of several errors wins
 * (RFC 7606 §3 (h)). AFI/SAFI disable (§2) is reported as a session reset.
 */
enum bgp_result {
	BGP_OK = 0,
	BGP_ERR_ATTR_DISCARD = 1,	/* the attribute was dropped, the rest is fine */
	BGP_ERR_TREAT_AS_WITHDRAW = 2,	/* withdraw every prefix the UPDATE carries */
	BGP_ERR_SESSION_RESET = 3,	/* send err.code/subcode/data and close */
};

/* NOTIFICATION error codes and subcodes (RFC 4271 §4.5, 6.x; RFC 4486; RFC 7313; RFC 9234). */
enum bgp_notify_code {
	BGP_NOTIFY_HEADER = 1,
	BGP_NOTIFY_OPEN = 2,
	BGP_NOTIFY_UPDATE = 3,
	BGP_NOTIFY_HOLD_TIMER = 4,
	BGP_NOTIFY_FSM = 5,
	BGP_NOTIFY_CEASE = 6,
	BGP_NOTIFY_ROUTE_REFRESH = 7,
};
enum bgp_notify_header_sub {
	BGP_NOTIFY_HDR_SYNC = 1,
	BGP_NOTIFY_HDR_BAD_LEN = 2,
	BGP_NOTIFY_HDR_BAD_TYPE = 3,
};
enum bgp_notify_open_sub {
	BGP_NOTIFY_OPEN_VERSION = 1,
	BGP_NOTIFY_OPEN_BAD_AS = 2,
	BGP_NOTIFY_OPEN_BAD_ID = 3,
	BGP_NOTIFY_OPEN_OPT_PARAM = 4,
	BGP_NOTIFY_OPEN_HOLD_TIME = 6,
	BGP_NOTIFY_OPEN_CAPABILITY = 7,
	BGP_NOTIFY_OPEN_ROLE = 11,
};
enum bgp_notify_update_sub {
	BGP_NOTIFY_UPD_ATTR_LIST = 1,	/* Malformed Attribute List */
	BGP_NOTIFY_UPD_UNREC_WK = 2,	/* Unrecognized Well-known Attribute */
	BGP_NOTIFY_UPD_MISSING_WK = 3,	/* Missing Well-known Attribute */
	BGP_NOTIFY_UPD_ATTR_FLAGS = 4,
	BGP_NOTIFY_UPD_ATTR_LEN = 5,
	BGP_NOTIFY_UPD_ORIGIN = 6,
	BGP_NOTIFY_UPD_NEXTHOP = 8,
	BGP_NOTIFY_UPD_OPT_ATTR = 9,
	BGP_NOTIFY_UPD_NETWORK = 10,	/* Invalid Network Field */
	BGP_NOTIFY_UPD_ASPATH = 11,
};
enum bgp_notify_cease_sub {
	BGP_NOTIFY_CEASE_MAX_PREFIX = 1,
	BGP_NOTIFY_CEASE_SHUTDOWN = 2,
	BGP_NOTIFY_CEASE_PEER_DECONF = 3,
	BGP_NOTIFY_CEASE_RESET = 4,
	BGP_NOTIFY_CEASE_REJECTED = 5,
	BGP_NOTIFY_CEASE_CONFIG = 6,
	BGP_NOTIFY_CEASE_COLLISION = 7,
	BGP_NOTIFY_CEASE_RESOURCES = 8,
	BGP_NOTIFY_CEASE_HARD_RESET = 9,
	BGP_NOTIFY_CEASE_BFD_DOWN = 10,
};

/* Text of a NOTIFICATION code ("UPDATE Message Error") and subcode; never NULL. */
const char	*bgp_notify_code_str(uint8_t code);
const char	*bgp_notify_subcode_str(uint8_t code, uint8_t subcode);

/*
 * One decode problem and what to do about it. data points into the decoded buffer
 * (or into the small copy in databuf) and is what goes into the NOTIFICATION's
 * data field when outcome is BGP_ERR_SESSION_RESET. what is a static description.
 */
struct bgp_error {
	uint8_t		 outcome;	/* enum bgp_result: the strongest seen */
	uint8_t		 code;		/* NOTIFICATION code/subcode for the strongest */
	uint8_t		 subcode;
	uint8_t		 attr_type;	/* attribute concerned, 0 if none */
	uint16_t	 ndiscarded;	/* attributes dropped (BGP_ERR_ATTR_DISCARD) */
	uint16_t	 datalen;
	const uint8_t	*data;
	uint8_t		 databuf[8];	/* for data that is not verbatim on the wire */
	const char	*what;		/* static text, NULL when outcome is BGP_OK */
};

const char	*bgp_result_str(enum bgp_result);

/*
 * What the session negotiated; the caller passes it to every decoder and encoder.
 * addpath_rx/addpath_tx: bit BGP_AP_BIT(afi, safi) set when path ids are carried
 * in that direction (RFC 7911) for IPv4/IPv6 unicast and multicast.
 */
struct bgp_sess {
	uint8_t		as4;		/* both sides sent the 4-octet AS capability */
	uint8_t		extmsg;		/* RFC 8654 negotiated: messages up to 65535 */
	uint8_t		addpath_rx;
	uint8_t		addpath_tx;
	uint8_t		ebgp;		/* an external peer's: LOCAL_PREF, ORIGINATOR_ID and
					 * CLUSTER_LIST discarded (RFC 7606 §7.5, 7.9, 7.10) */
};
#define BGP_AP_BIT(afi, safi)	((unsigned)(1u << ((((afi) - 1) & 1) * 2 + (((safi) - 1) & 1))))
#define BGP_AP_IPV4_UNICAST	BGP_AP_BIT(1, 1)
#define BGP_AP_IPV6_UNICAST	BGP_AP_BIT(2, 1)
/* Is ADD-PATH receive on for afi/safi? (only unicast and multicast are tracked) */
int	 bgp_sess_addpath(const struct bgp_sess *, uint16_t afi, uint8_t safi);

/* ---- framing ------------------------------------------------------------ */

struct bgp_hdr {
	uint16_t	 len;		/* whole message, header included */
	uint8_t		 type;
	const uint8_t	*body;		/* len - 19 bytes */
	uint16_t	 bodylen;
};

/*
 * Frame a stream: 0 when more bytes are needed, the message length when a whole
 * message is at buf, -1 on a header error (err filled: marker, length, type per
 * RFC 4271 §6.1, with the message-type-specific minimum lengths).
 */
int	 bgp_msg_frame(const uint8_t *buf, size_t len, const struct bgp_sess *,
	    struct bgp_hdr *, struct bgp_error *);

/* ---- OPEN and capabilities --------------------------------------------- */

enum bgp_cap_code {
	BGP_CAP_MP = 1,			/* RFC 4760 */
	BGP_CAP_ROUTE_REFRESH = 2,	/* RFC 2918 */
	BGP_CAP_EXT_NEXTHOP = 5,	/* RFC 8950 */
	BGP_CAP_EXT_MESSAGE = 6,	/* RFC 8654 */
	BGP_CAP_ROLE = 9,		/* RFC 9234 */
	BGP_CAP_GRACEFUL_RESTART = 64,	/* RFC 4724 */
	BGP_CAP_AS4 = 65,		/* RFC 6793 */
	BGP_CAP_ADD_PATH = 69,		/* RFC 7911 */
	BGP_CAP_ENHANCED_RR = 70,	/* RFC 7313 */
	BGP_CAP_FQDN = 73,		/* draft-walton-bgp-hostname-capability */
};

enum bgp_role {
	BGP_ROLE_PROVIDER = 0,
	BGP_ROLE_RS = 1,
	BGP_ROLE_RS_CLIENT = 2,
	BGP_ROLE_CUSTOMER = 3,
	BGP_ROLE_PEER = 4,
};

#define BGP_ADDPATH_RECEIVE	1
#define BGP_ADDPATH_SEND	2
#define BGP_CAPS_MAX		32	/* entries kept per list capability */

struct bgp_afisafi {
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		flags;		/* ADD-PATH: send/receive; GR: forwarding state (0x80) */
};

struct bgp_extnh {
	uint16_t	nlri_afi;
	uint16_t	nlri_safi;
	uint16_t	nh_afi;
};

struct bgp_cap_raw {
	uint8_t		 code;
	uint8_t		 len;
	const uint8_t	*value;
};

/*
 * Capabilities of one OPEN. Lists longer than BGP_CAPS_MAX are cut (ntrunc counts
 * the entries dropped). Pointers refer into the decoded OPEN (or, for encoding,
 * into the caller's memory).
 */
struct bgp_caps {
	uint8_t		 has_as4, has_route_refresh, has_enhanced_rr, has_extmsg;
	uint8_t		 has_gr, has_role, has_fqdn;
	uint8_t		 role;			/* enum bgp_role */
	uint8_t		 role_conflict;		/* several Role capabilities, values differ */
	uint32_t	 as4;
	uint8_t		 nmp, naddpath, ngr, nextnh, nunknown;
	uint8_t		 ntrunc;
	struct bgp_afisafi mp[BGP_CAPS_MAX];
	struct bgp_afisafi addpath[BGP_CAPS_MAX];	/* flags: BGP_ADDPATH_* */
	struct bgp_afisafi gr[BGP_CAPS_MAX];		/* flags: 0x80 forwarding kept */
	uint16_t	 gr_flags;			/* restart flags (4 bits) */
	uint16_t	 gr_time;			/* restart time (12 bits) */
	struct bgp_extnh extnh[BGP_CAPS_MAX];
	const uint8_t	*fqdn_host, *fqdn_domain;
	uint8_t		 fqdn_hostlen, fqdn_domainlen;
	struct bgp_cap_raw unknown[BGP_CAPS_MAX];	/* kept raw, incl. duplicates */
};

struct bgp_open {
	uint8_t		 version;
	uint16_t	 my_as;		/* the 2-octet field (AS_TRANS with big ASNs) */
	uint16_t	 holdtime;
	uint32_t	 bgp_id;	/* host order */
	struct bgp_caps	 caps;
	const uint8_t	*params;	/* raw optional parameters */
	uint16_t	 paramslen;
	uint8_t		 unknown_param;	/* type of the first one not a capability list, 0 none */
};

/* The peer's AS: the 4-octet capability's value when present, else my_as. */
uint32_t bgp_open_peer_as(const struct bgp_open *);
/*
 * Session parameters from our OPEN and the peer's: as4 and extmsg when both sent
 * them; ADD-PATH receive where we receive and the peer sends, and vice versa.
 */
void	 bgp_sess_negotiate(struct bgp_sess *, const struct bgp_caps *ours,
	    const struct bgp_caps *theirs);
/*
 * BGP_AP_BIT of the families the capabilities name in ADD-PATH in any mode: a
 * BMP Loc-RIB peer's (RFC 9069 §5.2: its OPEN is made up and sent twice; the
 * capability "intent of advertise, receive, or both can be ignored").
 */
uint8_t	 bgp_addpath_any(const struct bgp_caps *);

/* ---- NOTIFICATION, ROUTE-REFRESH --------------------------------------- */

struct bgp_notification {
	uint8_t		 code, subcode;
	const uint8_t	*data;
	uint16_t	 datalen;
	/* RFC 8203/9003 shutdown communication, when code 6 subcode 2 or 4 carries one */
	const uint8_t	*shutdown_msg;
	uint8_t		 shutdown_len;
};

enum bgp_rr_subtype {
	BGP_RR_NORMAL = 0,	/* RFC 2918 */
	BGP_RR_BORR = 1,	/* RFC 7313 Beginning of Route Refresh */
	BGP_RR_EORR = 2,	/* RFC 7313 End of Route Refresh */
};

struct bgp_route_refresh {
	uint16_t	afi;
	uint8_t		subtype;	/* enum bgp_rr_subtype (the reserved octet) */
	uint8_t		safi;
};

/* ---- UPDATE ------------------------------------------------------------- */

enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
	BGP_ATTR_OTC = 35,
};

#define BGP_ATTR_F_OPTIONAL	0x80
#define BGP_ATTR_F_TRANSITIVE	0x40
#define BGP_ATTR_F_PARTIAL	0x20
#define BGP_ATTR_F_EXTLEN	0x10

enum bgp_origin {
	BGP_ORIGIN_IGP = 0,
	BGP_ORIGIN_EGP = 1,
	BGP_ORIGIN_INCOMPLETE = 2,
};

enum bgp_seg_type {
	BGP_SEG_SET = 1,
	BGP_SEG_SEQUENCE = 2,
	BGP_SEG_CONFED_SEQUENCE = 3,
	BGP_SEG_CONFED_SET = 4,
};

/* Bit for attribute type t (< 64) in bgp_attrs.present. */
#define BGP_ATTR_BIT(t)		((uint64_t)1 << (t))
#define BGP_ATTR_HAS(a, t)	(((a)->present & BGP_ATTR_BIT(t)) != 0)

struct bgp_nexthop {
	uint8_t		af;		/* PREFIX_AF_*, NONE when absent */
	uint8_t		has_ll;		/* IPv6 global + link-local (32-byte form) */
	uint8_t		addr[16];
	uint8_t		ll[16];
};

/*
 * A set of NLRI on the wire: the IPv4 withdrawn-routes or NLRI field, or the
 * NLRI of MP_REACH/MP_UNREACH. Validated by the decoder; read with bgp_nlri_next.
 */
struct bgp_nlri_set {
	const uint8_t	*p;
	uint16_t	 len;
	uint16_t	 afi;
	uint8_t		 safi;
	uint8_t		 addpath;	/* each prefix is preceded by a 4-byte path id */
	uint8_t		 mp;		/* from MP_REACH/MP_UNREACH (next hop: mp_nexthop) */
	uint8_t		 present;	/* the field/attribute was there (may be empty) */
	uint32_t	 count;		/* number of prefixes */
};

struct bgp_nlri_iter {
	const uint8_t	*p;
	size_t		 left;
	uint8_t		 af;
	uint8_t		 addpath;
};

void	 bgp_nlri_iter_init(struct bgp_nlri_iter *, const struct bgp_nlri_set *);
/* 1 with the next prefix (path_id 0 without ADD-PATH; path_id may be NULL), 0 at the end, -1 if malformed. */
int	 bgp_nlri_next(struct bgp_nlri_iter *, struct prefix *, uint32_t *path_id);

/* An unknown (or otherwise kept-raw) attribute, exactly as received. */
struct bgp_attr_raw {
	uint8_t		 flags;
	uint8_t		 type;
	uint16_t	 len;
	const uint8_t	*value;
};
#define BGP_ATTRS_RAW_MAX	16

/*
 * Path attributes of one UPDATE. Variable-length values point at wire bytes:
 * communities are count x 4 bytes, ext communities count x 8, large count x 12
 * (big-endian), cluster list count x 4. AS paths are wire segments; read them with
 * bgp_aspath_iter_init(), which applies the RFC 6793 §4.2.3 AS4_PATH merge.
 * A discarded attribute (RFC 7606) is absent from present and its fields are zero.
 * The encoders write each known attribute whose present bit is set, from these
 * fields (NEXT_HOP from nexthop; MP_REACH's next hop from mp_nexthop), plus raw[];
 * AS4_PATH/AS4_AGGREGATOR are derived from the path and aggregator when needed.
 */
struct bgp_attrs {
	uint64_t	 present;		/* BGP_ATTR_BIT(type) of each kept attribute */
	uint8_t		 origin;		/* enum bgp_origin */
	uint8_t		 aspath_as4;		/* AS_PATH holds 4-octet ASNs */
	uint8_t		 atomic_aggregate;
	uint8_t		 origin_is_set;		/* origin is an AS_SET (origin_as = its last AS) */
	uint8_t		 use_as4path;		/* AS4_PATH is merged in (RFC 6793 §4.2.3) */
	const uint8_t	*aspath;		/* AS_PATH value (2- or 4-octet segments) */
	uint16_t	 aspath_len;
	const uint8_t	*as4path;		/* AS4_PATH value (4-octet) */
	uint16_t	 as4path_len;
	uint32_t	 origin_as;		/* after the merge; 0 for an empty path */
	uint16_t	 path_count;		/* ASes, AS_SET counting 1, confeds 0 */
	uint32_t	 med;
	uint32_t	 local_pref;
	uint32_t	 aggregator_as;		/* after AS4_AGGREGATOR (RFC 6793 §4.2.3) */
	uint8_t		 aggregator_addr[4];
	uint32_t	 otc;			/* Only-To-Customer AS (RFC 9234) */
	uint32_t	 originator_id;
	struct bgp_nexthop nexthop;		/* NEXT_HOP attribute (IPv4) */
	struct bgp_nexthop mp_nexthop;		/* MP_REACH next hop */
	const uint8_t	*communities;
	const uint8_t	*ext_communities;
	const uint8_t	*large_communities;
	const uint8_t	*cluster_list;
	uint16_t	 ncommunities, next_communities, nlarge_communities, ncluster;
	uint8_t		 nraw;			/* unknown attributes kept in raw[] */
	uint8_t		 nraw_dropped;		/* beyond BGP_ATTRS_RAW_MAX */
	struct bgp_attr_raw raw[BGP_ATTRS_RAW_MAX];
};

/* Zero attrs (no attribute present; raw[] past nraw is left as it was). */
void	 bgp_attrs_init(struct bgp_attrs *);

struct bgp_update {
	struct bgp_nlri_set withdrawn;		/* IPv4 unicast Withdrawn Routes */
	struct bgp_nlri_set nlri;		/* IPv4 unicast NLRI */
	struct bgp_nlri_set mp_reach;		/* MP_REACH_NLRI's NLRI */
	struct bgp_nlri_set mp_unreach;		/* MP_UNREACH_NLRI's NLRI */
	struct bgp_attrs attrs;
	const uint8_t	*attr_p;		/* the Path Attributes field */
	uint16_t	 attr_len;
	uint8_t		 eor;			/* End-of-RIB marker (RFC 4724 §2) */
	uint16_t	 eor_afi;
	uint8_t		 eor_safi;
};

/*
 * Decode an UPDATE body (after the 19-byte header). Returns the outcome (also in
 * err->outcome). On BGP_ERR_TREAT_AS_WITHDRAW the NLRI sets are still filled (and
 * valid) so the caller withdraws every prefix in nlri and mp_reach as well as
 * withdrawn and mp_unreach. On BGP_ERR_SESSION_RESET upd must not be used.
 */
enum bgp_result bgp_update_decode(const uint8_t *body, size_t len,
	    const struct bgp_sess *, struct bgp_update *, struct bgp_error *);

/* Flags for bgp_attrs_decode. */
#define BGP_ATTRS_MRT_NH	0x01	/* MP_REACH is the RFC 6396 §4.3.4 abbreviated form */

/*
 * Decode a bare path attribute block (BMP/MRT RIB entries). Same outcomes as for
 * an UPDATE; MP_REACH/MP_UNREACH NLRI, if any, land in mp_reach/mp_unreach (may be
 * NULL to ignore them).
 */
enum bgp_result bgp_attrs_decode(const uint8_t *p, size_t len, const struct bgp_sess *,
	    unsigned flags, struct bgp_attrs *, struct bgp_nlri_set *mp_reach,
	    struct bgp_nlri_set *mp_unreach, struct bgp_error *);

/* Iterator over all attributes of a Path Attributes field (already validated). */
struct bgp_attr_iter {
	const uint8_t	*p;
	size_t		 left;
};
void	 bgp_attr_iter_init(struct bgp_attr_iter *, const uint8_t *p, size_t len);
/* 1 with the next attribute, 0 at the end, -1 if malformed. */
int	 bgp_attr_next(struct bgp_attr_iter *, struct bgp_attr_raw *);

/*
 * AS path iteration with the RFC 6793 §4.2.3 merge done on the fly: the leading
 * ASes of AS_PATH followed by AS4_PATH when attrs->use_as4path.
 */
struct bgp_aspath_iter {
	const uint8_t	*p;
	size_t		 left;
	uint8_t		 as4;		/* current segments are 4-octet */
	uint8_t		 seg_type;
	uint8_t		 seg_left;	/* ASes left in the current segment */
	uint8_t		 new_seg;	/* the AS just returned starts a segment */
	uint32_t	 take;		/* merge: path-count units left from AS_PATH */
	uint8_t		 limited;	/* take applies */
	const uint8_t	*next_p;	/* AS4_PATH, after the leading part */
	size_t		 next_len;
};
void	 bgp_aspath_iter_init(struct bgp_aspath_iter *, const struct bgp_attrs *);
/* Iterate raw segments: as4 says whether ASNs are 4-octet. */
void	 bgp_aspath_iter_raw(struct bgp_aspath_iter *, const uint8_t *p, size_t len, int as4);
/* 1 with the next AS (it->new_seg set at the first AS of a segment), 0 at the end. */
int	 bgp_aspath_next(struct bgp_aspath_iter *, uint8_t *seg_type, uint32_t *asn);

/*
 * Write one AS path segment type + ASes in 4-octet (as4) or 2-octet form (ASNs
 * above 65535 become AS_TRANS), split into segments of at most 255 ASes.
 */
void	 bgp_aspath_put(struct wbuf *, uint8_t seg_type, const uint32_t *asns,
	    size_t n, int as4);

/* ---- canonical attribute blob (for interning in the RIB) ---------------- */

/*
 * Canonical form, identical for identical attribute sets however they arrived:
 *   byte 0      version (BGP_CANON_VERSION)
 *   byte 1      next hop length n: 0, 4 (IPv4), 16 (IPv6) or 32 (IPv6 + link-local)
 *   n bytes     the route's next hop (from NEXT_HOP or MP_REACH)
 *   attributes  in wire form sorted by type: flags (optional/transitive/partial
 *               bits as on the wire, extended-length bit iff the value is over 255
 *               bytes), type, length, value. AS_PATH is always 4-octet after the
 *               AS4 merge; AS4_PATH, AS4_AGGREGATOR, NEXT_HOP, MP_REACH and
 *               MP_UNREACH never appear; AGGREGATOR is 8 bytes (4-octet AS).
 *               Unknown attributes keep their flags and value.
 * mp selects the next hop: 1 = the MP_REACH next hop, 0 = NEXT_HOP, -1 = MP_REACH's
 * when present, else NEXT_HOP. Returns 0, or -1 if out->err was set.
 */
#define BGP_CANON_VERSION	1
int	 bgp_canon_encode(struct wbuf *out, const struct bgp_attrs *, int mp);
/*
 * Decode a canonical blob: attrs points into blob; the next hop (of either family)
 * is in attrs->nexthop. Returns 0, or -1 if the blob is not canonical.
 */
int	 bgp_canon_decode(const uint8_t *blob, size_t len, struct bgp_attrs *);

/* ---- whole messages ------------------------------------------------------ */

struct bgp_msg {
	uint8_t		 type;		/* enum bgp_msg_type */
	uint16_t	 len;
	union {
		struct bgp_open			open;
		struct bgp_update		update;
		struct bgp_notification		notification;
		struct bgp_route_refresh	route_refresh;
	} u;
};

/* Decode one framed message (header included). Same outcomes as bgp_update_decode. */
enum bgp_result bgp_msg_decode(const uint8_t *buf, size_t len, const struct bgp_sess *,
	    struct bgp_msg *, struct bgp_error *);
enum bgp_result bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *,
	    struct bgp_error *);
enum bgp_result bgp_notification_decode(const uint8_t *body, size_t len,
	    struct bgp_notification *, struct bgp_error *);
enum bgp_result bgp_route_refresh_decode(const uint8_t *body, size_t len,
	    struct bgp_route_refresh *, struct bgp_error *);

/* ---- encoders: append one whole message to out; 0, or -1 on error ------- */

int	 bgp_open_encode(struct wbuf *, const struct bgp_open *);
int	 bgp_keepalive_encode(struct wbuf *);
int	 bgp_notification_encode(struct wbuf *, uint8_t code, uint8_t subcode,
	    const void *data, size_t datalen);
int	 bgp_route_refresh_encode(struct wbuf *, uint16_t afi, uint8_t safi, uint8_t subtype);

struct bgp_route {
	struct prefix	pfx;
	uint32_t	path_id;
};

/*
 * An UPDATE to encode. IPv4 unicast routes go in the Withdrawn Routes / NLRI
 * fields unless v4_mp is set (then MP_REACH/MP_UNREACH, as with RFC 8950); IPv6
 * routes always go in MP_REACH/MP_UNREACH. All routes of one direction must share
 * a family when mp is used. attrs supplies the path attributes (AS_PATH read
 * through the merge iterator and written 2- or 4-octet per sess->as4, with
 * AS4_PATH added when needed; NEXT_HOP from attrs->nexthop, MP next hop from
 * attrs->mp_nexthop); attrs may be NULL for a pure withdrawal.
 */
struct bgp_update_enc {
	const struct bgp_route	*withdrawn;
	size_t			 nwithdrawn;
	const struct bgp_route	*announce;
	size_t			 nannounce;
	const struct bgp_attrs	*attrs;
	uint8_t			 v4_mp;
};
int	 bgp_update_encode(struct wbuf *, const struct bgp_sess *, const struct bgp_update_enc *);
/* End-of-RIB for afi/safi: empty UPDATE for IPv4 unicast, else empty MP_UNREACH. */
int	 bgp_eor_encode(struct wbuf *, uint16_t afi, uint8_t safi);
/* Path attributes only (no UPDATE framing), as bgp_update_encode writes them. */
int	 bgp_attrs_encode(struct wbuf *, const struct bgp_sess *, const struct bgp_attrs *);

/* Helpers for building attrs by hand. */
void	 bgp_nexthop_set(struct bgp_nexthop *, uint8_t af, const uint8_t *addr,
	    const uint8_t *ll);

#endif /* IXW_BGP_H */
