/*
 * The session parameters BMP consumers decode encapsulated UPDATEs with (RFC 7854
 * 4.2 and 4.10, RFC 8671, RFC 9069): taken from the two OPENs of a Peer Up through
 * the BGP codec's capability decoder, adjusted per message by the A flag.
 */
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bmp.h"

void
bmp_peer_sessions(uint8_t peer_type, const struct bgp_caps *sent,
    const struct bgp_caps *recv, struct bgp_sess *in, struct bgp_sess *out)
{
	/* The sent OPEN is the monitored router's, the received one its peer's. */
	bgp_sess_negotiate(in, sent, recv);
	bgp_sess_negotiate(out, recv, sent);
	if (peer_type == BMP_PEER_LOC_RIB)
		in->addpath_rx = out->addpath_rx = bgp_addpath_any(sent);
}

int
bmp_peer_up_sess(const struct bmp_msg *m, struct bgp_sess *in, struct bgp_sess *out)
{
	const struct bmp_peer_up	*up = &m->u.up;
	struct bgp_open			 sent, recv;
	struct bgp_error		 err;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (m->type != BMP_MSG_PEER_UP || up->sent_open_len < BGP_HDR_LEN ||
	    up->recv_open_len < BGP_HDR_LEN)
		return -1;
	if (bgp_open_decode(up->sent_open + BGP_HDR_LEN, up->sent_open_len - BGP_HDR_LEN,
	    &sent, &err) != BGP_OK || bgp_open_decode(up->recv_open + BGP_HDR_LEN,
	    up->recv_open_len - BGP_HDR_LEN, &recv, &err) != BGP_OK)
		return -1;
	bmp_peer_sessions(m->peer.type, &sent.caps, &recv.caps, in, out);
	return 0;
}

void
bmp_rm_sess(const struct bmp_peer_hdr *ph, const struct bgp_sess *up, struct bgp_sess *sess)
{
	if (up != NULL)
		*sess = *up;
	else
		memset(sess, 0, sizeof(*sess));
	sess->as4 = !bmp_peer_legacy_as_path(ph);
	/* A monitoring feed may carry what the router accepted under RFC 8654. */
	sess->extmsg = 1;
}
