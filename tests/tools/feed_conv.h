/*
 * feed_conv: the MRT (RFC 6396) to BMP (RFC 7854) and MRT to BGP (RFC 4271)
 * conversions shared by the BMP router stand-in (bmp_feed) and the ingest
 * benchmarks (bench_bmp_ingest, bench_bgp_ingest). Built on the project's own
 * encoders (bgp/bgp.h, bgp/bmp.h) and MRT reader (bgp/mrt_file.h); everything is
 * encoded into memory, so callers decode before they time anything.
 */
#ifndef IXW_FEED_CONV_H
#define IXW_FEED_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"
#include "bgp/buf.h"

/* A BGP peer as MRT records name it. */
struct feed_peer {
	uint8_t		af;		/* PREFIX_AF_IPV4/IPV6 */
	uint8_t		addr[16];
	uint32_t	as;
};

/*
 * OPEN for AS as (4-octet AS capability, AS_TRANS in the 2-octet field when
 * needed), BGP identifier id, hold time hold, route refresh, and multiprotocol
 * IPv4 unicast plus IPv6 unicast when v6.
 */
void	 feed_open_encode(struct wbuf *, uint32_t as, uint32_t id, uint16_t hold, int v6);

/* BMP Initiation with sysDescr "ixwatch bmp_feed" and sysName name. */
void	 feed_bmp_initiation(struct wbuf *, const char *name);
/* Global-instance per-peer header for p (V flag from its family) with flags. */
void	 feed_bmp_peer_hdr(struct bmp_peer_hdr *, const struct feed_peer *, uint8_t flags);
/* Peer Up for p: local 64999 <-> p, both OPENs with 4-octet AS and IPv4/IPv6 unicast. */
void	 feed_bmp_peer_up(struct wbuf *, const struct feed_peer *);

struct feed_bmp_stats {
	size_t		 peers;		/* Peer Up messages */
	unsigned long	 updates;	/* Route Monitoring messages */
	unsigned long	 events;	/* prefixes announced + withdrawn in them */
};

#define FEED_BMP_POST_POLICY	0x01	/* Route Monitoring with the L flag */

/*
 * The BGP4MP UPDATEs an MRT file received (local and ADD-PATH messages skipped) as
 * one BMP stream appended to w: Initiation (sysName name), one Peer Up per MRT peer
 * before its first UPDATE, one Route Monitoring per UPDATE with the record's
 * timestamp (A flag for 2-octet-AS messages). 0, or -1 with errno (or w->err) set.
 */
int	 feed_bmp_from_mrt(struct wbuf *w, const char *mrt, const char *name,
	    unsigned flags, struct feed_bmp_stats *);

/*
 * The first MRT peer's IPv4 unicast UPDATEs re-encoded for one BGP session with
 * 4-octet AS (RFC 6793), no ADD-PATH, standard message size: one UPDATE per MRT
 * UPDATE, so prefixes stay grouped by attribute set as the peer grouped them
 * (split in two only if the re-encoding would not fit in 4,096 bytes); IPv6
 * (MP_REACH/MP_UNREACH) is left out, the other path attributes are kept.
 */
struct feed_bgp {
	struct wbuf	 msgs;		/* the UPDATE messages, back to back */
	struct feed_peer peer;		/* whose UPDATEs they are */
	unsigned long	 mrt_updates;	/* the peer's UPDATEs in the file */
	unsigned long	 updates;	/* UPDATE messages in msgs */
	unsigned long	 announced;	/* IPv4 prefixes announced (with repeats) */
	unsigned long	 withdrawn;	/* IPv4 prefixes withdrawn */
	unsigned long	 unique;	/* distinct IPv4 prefixes ever announced */
	unsigned long	 routes;	/* IPv4 prefixes still announced at the end */
	unsigned long	 skipped;	/* UPDATEs of other peers or with ADD-PATH */
};

/* Fills fb (feed_bgp_free() it); 0, or -1 with errno set (EINVAL: bad data). */
int	 feed_bgp_from_mrt(struct feed_bgp *fb, const char *mrt);
void	 feed_bgp_free(struct feed_bgp *fb);

#endif /* IXW_FEED_CONV_H */
