/*
 * BGP Monitoring Protocol (RFC 7854), with Adj-RIB-Out peers (RFC 8671) and the
 * Loc-RIB peer type (RFC 9069): message decoder, stream framer and encoders.
 *
 * Pure code: bytes in, structs and a result out. The decoder is zero-copy: BGP PDUs
 * (OPENs, UPDATEs, NOTIFICATIONs) and TLV areas are returned as byte ranges that
 * point into the message and are valid as long as the message bytes are.
 */
#ifndef IXW_BMP_H
#define IXW_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/buf.h"

#define BMP_VERSION		3
#define BMP_COMMON_HDRLEN	6
#define BMP_PEER_HDRLEN		42
/* Largest message the framer accepts by default: 1 MiB of payload plus headers. */
#define BMP_MAX_MSGLEN		(1024 * 1024 + BMP_COMMON_HDRLEN + BMP_PEER_HDRLEN)
#define BGP_HDRLEN		19	/* marker, length, type */

enum bmp_result {
	BMP_OK = 0,
	BMP_ERR_SHORT = -1,	/* message or a field is truncated */
	BMP_ERR_VERSION = -2,	/* not BMP version 3 */
	BMP_ERR_LENGTH = -3,	/* common header length below 6 or above the limit */
	BMP_ERR_TYPE = -4,	/* unknown message type */
	BMP_ERR_FORMAT = -5,	/* a field or TLV is inconsistent */
	BMP_ERR_OVERFLOW = -6,	/* framer: caller fed more than it may buffer */
};

enum bmp_msg_type {
	BMP_MSG_ROUTE_MONITORING = 0,
	BMP_MSG_STATS = 1,
	BMP_MSG_PEER_DOWN = 2,
	BMP_MSG_PEER_UP = 3,
	BMP_MSG_INITIATION = 4,
	BMP_MSG_TERMINATION = 5,
	BMP_MSG_ROUTE_MIRRORING = 6,
};

enum bmp_peer_type {
	BMP_PEER_GLOBAL = 0,
	BMP_PEER_RD = 1,
	BMP_PEER_LOCAL = 2,
	BMP_PEER_LOC_RIB = 3,	/* RFC 9069 */
};

/* Per-peer header flags (RFC 7854 4.2, RFC 8671). */
#define BMP_PEER_FLAG_V		0x80	/* IPv6 peer address */
#define BMP_PEER_FLAG_L		0x40	/* post-policy */
#define BMP_PEER_FLAG_A		0x20	/* legacy 2-octet AS_PATH */
#define BMP_PEER_FLAG_O		0x10	/* Adj-RIB-Out (RFC 8671) */
#define BMP_PEER_FLAG_F		0x80	/* Loc-RIB peers: filtered (RFC 9069) */

/* Information TLVs (Initiation, Peer Up, Termination share type space per message). */
enum bmp_info_tlv {
	BMP_INFO_STRING = 0,
	BMP_INFO_SYSDESCR = 1,
	BMP_INFO_SYSNAME = 2,
	BMP_INFO_TABLE_NAME = 3,	/* RFC 9069: VRF/table name */
};

enum bmp_term_tlv {
	BMP_TERM_STRING = 0,
	BMP_TERM_REASON = 1,
};

enum bmp_mirror_tlv {
	BMP_MIRROR_BGP_MSG = 0,
	BMP_MIRROR_INFO = 1,
};

enum bmp_down_reason {
	BMP_DOWN_LOCAL_NOTIFY = 1,	/* data: NOTIFICATION PDU */
	BMP_DOWN_LOCAL_FSM = 2,		/* data: 2-octet FSM event code */
	BMP_DOWN_REMOTE_NOTIFY = 3,	/* data: NOTIFICATION PDU */
	BMP_DOWN_REMOTE_NODATA = 4,
	BMP_DOWN_DECONFIGURED = 5,
	BMP_DOWN_LOCAL_TLV = 6,		/* RFC 9069: information TLVs follow */
};

struct bmp_peer_hdr {
	uint8_t		type;		/* enum bmp_peer_type */
	uint8_t		flags;
	uint8_t		rd[8];		/* peer distinguisher */
	uint8_t		af;		/* PREFIX_AF_IPV4/IPV6 from the V flag */
	uint8_t		addr[16];	/* IPv4 in addr[0..3] */
	uint32_t	as;
	uint32_t	bgp_id;
	uint32_t	ts_sec;
	uint32_t	ts_usec;
};

struct bmp_tlv {
	uint16_t	 type;
	uint16_t	 len;
	const uint8_t	*val;
};

struct bmp_peer_up {
	uint8_t		 local_af;
	uint8_t		 local_addr[16];
	uint16_t	 local_port;
	uint16_t	 remote_port;
	const uint8_t	*sent_open;	/* whole BGP OPEN message, header included */
	size_t		 sent_open_len;
	const uint8_t	*recv_open;
	size_t		 recv_open_len;
	struct rbuf	 tlvs;		/* information TLVs: bmp_tlv_next() */
};

struct bmp_peer_down {
	uint8_t		 reason;	/* enum bmp_down_reason */
	uint16_t	 fsm_event;	/* reason 2 */
	const uint8_t	*data;		/* NOTIFICATION PDU (1, 3), TLVs (6), raw (other) */
	size_t		 data_len;
};

struct bmp_stats {
	uint32_t	count;
	struct rbuf	entries;	/* bmp_stat_next() */
};

/* One statistics entry; counters and gauges are widened to 64 bits. */
struct bmp_stat {
	uint16_t	 type;
	uint16_t	 len;
	uint16_t	 afi;		/* per-AFI/SAFI gauges (length 11) */
	uint8_t		 safi;
	int		 has_afi;
	int		 has_value;	/* length 4, 8 or 11 */
	uint64_t	 value;
	const uint8_t	*raw;
};

struct bmp_msg {
	uint8_t			version;
	uint8_t			type;		/* enum bmp_msg_type */
	uint32_t		len;		/* whole message */
	int			has_peer;
	struct bmp_peer_hdr	peer;
	union {
		struct {		/* route monitoring */
			const uint8_t	*pdu;	/* BGP UPDATE, header included */
			size_t		 pdu_len;
		} rm;
		struct bmp_stats	stats;
		struct bmp_peer_down	down;
		struct bmp_peer_up	up;
		struct rbuf		tlvs;	/* initiation, termination, mirroring */
	} u;
};

/* Decode one whole message (buffer holds exactly that message or more). */
int	 bmp_msg_decode(const uint8_t *, size_t, struct bmp_msg *);
/* Length of the message starting at buf, from its common header; error if invalid. */
int	 bmp_msg_peek(const uint8_t *, size_t, uint32_t max, uint32_t *msglen);
/* Iterate TLVs: 1 with *tlv set, 0 at the end, BMP_ERR_SHORT if truncated. */
int	 bmp_tlv_next(struct rbuf *, struct bmp_tlv *);
/* Iterate statistics entries: 1, 0 at the end, or an error. */
int	 bmp_stat_next(struct rbuf *, struct bmp_stat *);
const char *bmp_msg_type_name(uint8_t);
const char *bmp_result_str(int);
/* The peer sends 2-octet AS_PATHs (A flag; never for Loc-RIB peers). */
int	 bmp_peer_legacy_as_path(const struct bmp_peer_hdr *);
/* BGP message length from its header (0 if not a valid header). */
size_t	 bmp_bgp_msglen(const uint8_t *, size_t);

/*
 * How to read a monitored peer's encapsulated UPDATEs (needs bgp/bgp.h). From a Peer
 * Up: 4-octet ASes and extended messages where both OPENs have them; ADD-PATH in in
 * where the monitored router receives path ids (its Adj-RIB-In), in out where it
 * sends them (its Adj-RIB-Out, RFC 8671); a Loc-RIB peer's made-up OPEN means path
 * ids with ADD-PATH in any mode (RFC 9069 5.2). bmp_peer_up_sess() decodes the two
 * OPENs: 0, or -1 if one does not decode (both zeroed: no ADD-PATH);
 * bmp_peer_sessions() works from capabilities decoded already.
 * For each Route Monitoring: bmp_rm_sess() applies the per-peer A flag (2-octet
 * AS_PATH) to the Peer Up result (or to a zeroed one if no Peer Up was seen).
 */
struct bgp_sess;
struct bgp_caps;
int	 bmp_peer_up_sess(const struct bmp_msg *, struct bgp_sess *in,
	    struct bgp_sess *out);
void	 bmp_peer_sessions(uint8_t peer_type, const struct bgp_caps *sent,
	    const struct bgp_caps *recv, struct bgp_sess *in, struct bgp_sess *out);
void	 bmp_rm_sess(const struct bmp_peer_hdr *, const struct bgp_sess *peer_up,
	    struct bgp_sess *);

/*
 * Stream framer: feed arbitrary TCP chunks, take whole messages out. At most one
 * partial message plus the last chunk is buffered. An error is final for the stream.
 */
struct bmp_framer;

struct bmp_framer *bmp_framer_new(uint32_t max_msglen);	/* 0: BMP_MAX_MSGLEN */
void	 bmp_framer_free(struct bmp_framer *);
/* Append a chunk: BMP_OK, or BMP_ERR_OVERFLOW if more than a message was left undrained. */
int	 bmp_framer_feed(struct bmp_framer *, const void *, size_t);
/*
 * Next whole message: 1 with msg and len set (valid until the next feed), 0 if more
 * data is needed, or a negative bmp_result (bad version or length), then always that.
 */
int	 bmp_framer_next(struct bmp_framer *, const uint8_t **msg, size_t *len);
size_t	 bmp_framer_pending(const struct bmp_framer *);

/* Encoders: append one whole message to the buffer (errors latch in wbuf.err). */
void	 bmp_encode_initiation(struct wbuf *, const struct bmp_tlv *, size_t n);
void	 bmp_encode_termination(struct wbuf *, const struct bmp_tlv *, size_t n);
void	 bmp_encode_peer_up(struct wbuf *, const struct bmp_peer_hdr *,
	    const struct bmp_peer_up *, const struct bmp_tlv *, size_t n);
void	 bmp_encode_peer_down(struct wbuf *, const struct bmp_peer_hdr *,
	    const struct bmp_peer_down *);
void	 bmp_encode_route_mon(struct wbuf *, const struct bmp_peer_hdr *,
	    const uint8_t *pdu, size_t len);
void	 bmp_encode_stats(struct wbuf *, const struct bmp_peer_hdr *,
	    const struct bmp_stat *, size_t n);
void	 bmp_encode_route_mirror(struct wbuf *, const struct bmp_peer_hdr *,
	    const struct bmp_tlv *, size_t n);

#endif /* IXW_BMP_H */
