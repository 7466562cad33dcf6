/*
 * MRT routing information export format (RFC 6396) with ADD-PATH extensions
 * (RFC 8050): record decoder for BGP4MP, BGP4MP_ET, TABLE_DUMP and TABLE_DUMP_V2.
 *
 * Pure and zero-copy: BGP messages and path attribute blocks are returned as byte
 * ranges into the record, valid as long as the record bytes are. How to read them:
 *  - BGP4MP MESSAGE / MESSAGE_LOCAL (non-AS4): AS_PATH uses 2-octet ASes;
 *  - the *_ADDPATH subtypes: every NLRI carries a 4-octet path identifier;
 *  - TABLE_DUMP_V2 attributes: always 4-octet ASes, and MP_REACH_NLRI abbreviated to
 *    next-hop length + next hop (RFC 6396 4.3.4); TABLE_DUMP (v1): 2-octet ASes.
 */
#ifndef IXW_MRT_H
#define IXW_MRT_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/buf.h"
#include "bgp/prefix.h"

#define MRT_HDRLEN	12

enum mrt_result {
	MRT_OK = 0,
	MRT_ERR_SHORT = -1,		/* record or a field truncated */
	MRT_ERR_FORMAT = -2,		/* inconsistent field */
	MRT_UNSUPPORTED = -3,		/* well-formed header, type/subtype not decoded */
};

enum mrt_type {
	MRT_TABLE_DUMP = 12,
	MRT_TABLE_DUMP_V2 = 13,
	MRT_BGP4MP = 16,
	MRT_BGP4MP_ET = 17,
};

enum mrt_bgp4mp_subtype {
	MRT_BGP4MP_STATE_CHANGE = 0,
	MRT_BGP4MP_MESSAGE = 1,
	MRT_BGP4MP_MESSAGE_AS4 = 4,
	MRT_BGP4MP_STATE_CHANGE_AS4 = 5,
	MRT_BGP4MP_MESSAGE_LOCAL = 6,
	MRT_BGP4MP_MESSAGE_AS4_LOCAL = 7,
	MRT_BGP4MP_MESSAGE_ADDPATH = 8,
	MRT_BGP4MP_MESSAGE_AS4_ADDPATH = 9,
	MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH = 10,
	MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH = 11,
};

enum mrt_td2_subtype {
	MRT_TD2_PEER_INDEX_TABLE = 1,
	MRT_TD2_RIB_IPV4_UNICAST = 2,
	MRT_TD2_RIB_IPV4_MULTICAST = 3,
	MRT_TD2_RIB_IPV6_UNICAST = 4,
	MRT_TD2_RIB_IPV6_MULTICAST = 5,
	MRT_TD2_RIB_GENERIC = 6,
	MRT_TD2_RIB_IPV4_UNICAST_ADDPATH = 8,
	MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH = 9,
	MRT_TD2_RIB_IPV6_UNICAST_ADDPATH = 10,
	MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH = 11,
	MRT_TD2_RIB_GENERIC_ADDPATH = 12,
};

/* What a decoded record holds. */
enum mrt_kind {
	MRT_KIND_BGP4MP_MSG = 1,	/* u.msg */
	MRT_KIND_BGP4MP_STATE,		/* u.msg (old/new state) */
	MRT_KIND_PEER_INDEX,		/* u.pi */
	MRT_KIND_RIB,			/* u.rib (TABLE_DUMP_V2) */
	MRT_KIND_TABLE_DUMP,		/* u.td (v1) */
};

struct mrt_hdr {
	uint32_t	ts;
	uint32_t	usec;		/* BGP4MP_ET only, else 0 */
	uint16_t	type;
	uint16_t	subtype;
	uint32_t	len;		/* body length as on the wire (ET: includes usec) */
};

struct mrt_bgp4mp {
	uint32_t	 peer_as;
	uint32_t	 local_as;
	uint16_t	 ifindex;
	uint8_t		 af;		/* PREFIX_AF_IPV4/IPV6 */
	uint8_t		 peer_addr[16];
	uint8_t		 local_addr[16];
	int		 as4;		/* AS_PATH in the message uses 4-octet ASes */
	int		 addpath;	/* NLRI carry path identifiers */
	int		 local;		/* MESSAGE_LOCAL: sent by the local side */
	uint16_t	 old_state;	/* state changes */
	uint16_t	 new_state;
	const uint8_t	*pdu;		/* whole BGP message, header included */
	size_t		 pdu_len;
};

struct mrt_peer_index {
	uint32_t	 collector_id;
	const uint8_t	*view;		/* not NUL-terminated */
	uint16_t	 view_len;
	uint16_t	 count;
	struct rbuf	 entries;	/* mrt_peer_next() */
};

struct mrt_peer {
	uint32_t	bgp_id;
	uint8_t		af;
	uint8_t		addr[16];
	uint32_t	as;
	int		as4;
};

struct mrt_rib {
	uint32_t	 seq;
	struct prefix	 prefix;
	uint16_t	 count;
	int		 addpath;
	struct rbuf	 entries;	/* mrt_rib_next() */
};

struct mrt_rib_entry {
	uint16_t	 peer_index;
	uint32_t	 orig_time;
	uint32_t	 path_id;
	const uint8_t	*attrs;
	size_t		 attrs_len;
};

struct mrt_table_dump {
	uint16_t	 view;
	uint16_t	 seq;
	struct prefix	 prefix;
	uint8_t		 status;
	uint32_t	 orig_time;
	uint8_t		 peer_addr[16];
	uint32_t	 peer_as;
	const uint8_t	*attrs;		/* 2-octet AS_PATH */
	size_t		 attrs_len;
};

struct mrt_record {
	struct mrt_hdr	 hdr;
	int		 kind;		/* enum mrt_kind */
	union {
		struct mrt_bgp4mp	msg;
		struct mrt_peer_index	pi;
		struct mrt_rib		rib;
		struct mrt_table_dump	td;
	} u;
};

/* Header of the record at p: MRT_OK, MRT_ERR_SHORT if under 12 bytes. */
int	 mrt_hdr_decode(const uint8_t *, size_t, struct mrt_hdr *);
/* Decode one whole record (header + body, exactly MRT_HDRLEN + hdr.len bytes). */
int	 mrt_record_decode(const uint8_t *, size_t, struct mrt_record *);
/* Iterators: 1 with the entry set, 0 at the end, or a negative mrt_result. */
int	 mrt_peer_next(struct rbuf *, struct mrt_peer *);
int	 mrt_rib_next(struct rbuf *, int addpath, struct mrt_rib_entry *);
const char *mrt_result_str(int);

/*
 * Peer index table kept by readers of TABLE_DUMP_V2 (RIB entries refer to peers by
 * index). mrt_peers_load() replaces the table's contents from a PEER_INDEX_TABLE.
 */
struct mrt_peers {
	struct mrt_peer	*peer;
	uint16_t	 count;
	uint32_t	 collector_id;
};

int	 mrt_peers_load(struct mrt_peers *, const struct mrt_peer_index *);
void	 mrt_peers_clear(struct mrt_peers *);

#endif /* IXW_MRT_H */
