/*
 * BGP message framing (RFC 4271 §4.1, §6.1; RFC 8654 §4), OPEN with optional
 * parameters and capabilities (RFC 4271 §4.2, RFC 5492, RFC 9072; capability
 * codes from RFC 4760, 2918, 7313, 6793, 7911, 8654, 4724, 9234, 8950 and the FQDN
 * draft), NOTIFICATION (RFC 4271 §4.5, RFC 9003 shutdown communication),
 * ROUTE-REFRESH (RFC 2918, RFC 7313 BoRR/EoRR), and the NOTIFICATION code texts.
 */
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_int.h"

static const uint8_t marker[16] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static void
hdr_err(struct bgp_error *err, uint8_t sub, const char *what, const uint8_t *d, size_t dl)
{
	if (dl > 0)
		memcpy(err->databuf, d, dl);
	bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_HEADER, sub, 0, err->databuf,
	    dl, what);
}

/* Smallest legal length per type (RFC 4271 §6.1, RFC 2918 §3). */
static int
len_ok(uint8_t type, size_t len, size_t max)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return len >= 29 && len <= BGP_MAX_LEN;	/* RFC 8654 §3: never extended */
	case BGP_MSG_UPDATE:
		return len >= 23 && len <= max;
	case BGP_MSG_NOTIFICATION:
		return len >= 21 && len <= max;
	case BGP_MSG_KEEPALIVE:
		return len == BGP_HDR_LEN;
	case BGP_MSG_ROUTE_REFRESH:
		return len >= 23 && len <= max;
	default:
		return 0;
	}
}

int
bgp_msg_frame(const uint8_t *buf, size_t len, const struct bgp_sess *sess,
    struct bgp_hdr *h, struct bgp_error *err)
{
	size_t	max = sess != NULL && sess->extmsg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	uint8_t	d[2];

	bgp_err_init(err);
	if (len < BGP_HDR_LEN)
		return 0;
	if (memcmp(buf, marker, sizeof(marker)) != 0) {
		hdr_err(err, BGP_NOTIFY_HDR_SYNC, "marker not all ones", NULL, 0);
		return -1;
	}
	h->len = be16_load(buf + 16);
	h->type = buf[18];
	if (h->type < BGP_MSG_OPEN || h->type > BGP_MSG_ROUTE_REFRESH) {
		hdr_err(err, BGP_NOTIFY_HDR_BAD_TYPE, "bad message type", &h->type, 1);
		return -1;
	}
	if (!len_ok(h->type, h->len, max)) {
		be16_store(d, h->len);
		hdr_err(err, BGP_NOTIFY_HDR_BAD_LEN, "bad message length", d, 2);
		return -1;
	}
	if (len < h->len)
		return 0;
	h->body = buf + BGP_HDR_LEN;
	h->bodylen = (uint16_t)(h->len - BGP_HDR_LEN);
	return h->len;
}

/* ---- capabilities ----------------------------------------------------- */

static void
cap_raw(struct bgp_caps *c, uint8_t code, uint8_t len, const uint8_t *v)
{
	if (c->nunknown >= BGP_CAPS_MAX) {
		c->ntrunc++;
		return;
	}
	c->unknown[c->nunknown].code = code;
	c->unknown[c->nunknown].len = len;
	c->unknown[c->nunknown].value = v;
	c->nunknown++;
}

/* afi(2) safi(1) flags(1) tuples: ADD-PATH and graceful restart lists. */
static int
cap_tuples(struct bgp_caps *c, const uint8_t *v, size_t len, struct bgp_afisafi *out,
    uint8_t *n)
{
	if (len % 4 != 0)
		return -1;
	for (; len > 0; v += 4, len -= 4) {
		if (*n >= BGP_CAPS_MAX) {
			c->ntrunc++;
			continue;
		}
		out[*n].afi = be16_load(v);
		out[*n].safi = v[2];
		out[*n].flags = v[3];
		(*n)++;
	}
	return 0;
}

static int
cap_extnh(struct bgp_caps *c, const uint8_t *v, size_t len)
{
	if (len % 6 != 0 || len == 0)
		return -1;
	for (; len > 0; v += 6, len -= 6) {
		if (c->nextnh >= BGP_CAPS_MAX) {
			c->ntrunc++;
			continue;
		}
		c->extnh[c->nextnh].nlri_afi = be16_load(v);
		c->extnh[c->nextnh].nlri_safi = be16_load(v + 2);
		c->extnh[c->nextnh].nh_afi = be16_load(v + 4);
		c->nextnh++;
	}
	return 0;
}

static int
cap_fqdn(struct bgp_caps *c, const uint8_t *v, size_t len)
{
	if (len < 1 || len - 1 < v[0] || len - 1 - v[0] < 1 ||
	    len - 2 - v[0] < v[1 + v[0]])
		return -1;
	c->has_fqdn = 1;
	c->fqdn_hostlen = v[0];
	c->fqdn_host = v + 1;
	c->fqdn_domainlen = v[1 + v[0]];
	c->fqdn_domain = v + 2 + v[0];
	return 0;
}

/* One capability; a malformed known one is kept raw (lenient: we only monitor). */
static void
cap_one(struct bgp_caps *c, uint8_t code, uint8_t len, const uint8_t *v)
{
	int r = 0;

	switch (code) {
	case BGP_CAP_MP:
		if (len != 4) {
			r = -1;
			break;
		}
		if (c->nmp >= BGP_CAPS_MAX) {
			c->ntrunc++;
			break;
		}
		c->mp[c->nmp].afi = be16_load(v);
		c->mp[c->nmp].safi = v[3];
		c->mp[c->nmp].flags = 0;
		c->nmp++;
		break;
	case BGP_CAP_ROUTE_REFRESH:
		c->has_route_refresh = 1;
		break;
	case BGP_CAP_ENHANCED_RR:
		c->has_enhanced_rr = 1;
		break;
	case BGP_CAP_EXT_MESSAGE:
		c->has_extmsg = 1;
		break;
	case BGP_CAP_EXT_NEXTHOP:
		r = cap_extnh(c, v, len);
		break;
	case BGP_CAP_ROLE:
		if ((r = len == 1 ? 0 : -1) == 0) {
			if (c->has_role && c->role != v[0])
				c->role_conflict = 1;	/* RFC 9234 §4.2 */
			c->has_role = 1;
			c->role = v[0];
		}
		break;
	case BGP_CAP_GRACEFUL_RESTART:
		if (len < 2 || (r = cap_tuples(c, v + 2, len - 2U, c->gr, &c->ngr)) == -1) {
			r = -1;
			break;
		}
		c->has_gr = 1;
		c->gr_flags = v[0] >> 4;
		c->gr_time = be16_load(v) & 0x0fff;
		break;
	case BGP_CAP_AS4:
		if ((r = len == 4 ? 0 : -1) == 0) {
			c->has_as4 = 1;
			c->as4 = be32_load(v);
		}
		break;
	case BGP_CAP_ADD_PATH:
		r = cap_tuples(c, v, len, c->addpath, &c->naddpath);
		break;
	case BGP_CAP_FQDN:
		r = cap_fqdn(c, v, len);
		break;
	default:
		r = -1;
		break;
	}
	if (r == -1)
		cap_raw(c, code, len, v);
}

static int
caps_parse(struct bgp_caps *c, const uint8_t *p, size_t len)
{
	while (len > 0) {
		if (len < 2 || len - 2 < p[1])
			return -1;
		cap_one(c, p[0], p[1], p + 2);
		len -= 2U + p[1];
		p += 2U + p[1];
	}
	return 0;
}

/* Optional parameters, with RFC 9072 extended lengths when ext. */
static int
params_parse(struct bgp_open *o, const uint8_t *p, size_t len, int ext)
{
	size_t	hl = ext ? 3 : 2, pl;

	while (len > 0) {
		if (len < hl)
			return -1;
		pl = ext ? be16_load(p + 1) : p[1];
		if (len - hl < pl)
			return -1;
		if (p[0] == 2 && caps_parse(&o->caps, p + hl, pl) == -1)
			return -1;
		if (p[0] != 2 && o->unknown_param == 0)
			o->unknown_param = p[0];	/* decoded; refused by the FSM check */
		p += hl + pl;
		len -= hl + pl;
	}
	return 0;
}

static enum bgp_result
open_err(struct bgp_error *err, uint8_t sub, const char *what, const uint8_t *d, size_t dl)
{
	if (dl > 0)
		memcpy(err->databuf, d, dl);
	bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_OPEN, sub, 0, err->databuf, dl,
	    what);
	return BGP_ERR_SESSION_RESET;
}

enum bgp_result
bgp_open_decode(const uint8_t *b, size_t len, struct bgp_open *o, struct bgp_error *err)
{
	static const uint8_t	v4[2] = { 0, 4 };
	size_t			pl;
	int			ext = 0;

	bgp_err_init(err);
	memset(o, 0, sizeof(*o));
	if (len < 10)
		return open_err(err, 0, "OPEN too short", NULL, 0);
	o->version = b[0];
	o->my_as = be16_load(b + 1);
	o->holdtime = be16_load(b + 3);
	o->bgp_id = be32_load(b + 5);
	pl = b[9];
	o->params = b + 10;
	/* RFC 9072 §2: non-extended length 255 and type 255 → 2-octet lengths follow */
	if (pl == 255 && len >= 13 && b[10] == 255) {
		ext = 1;
		pl = be16_load(b + 11);
		o->params = b + 13;
	}
	if (o->version != 4)
		return open_err(err, BGP_NOTIFY_OPEN_VERSION, "unsupported version", v4, 2);
	if (o->holdtime == 1 || o->holdtime == 2)
		return open_err(err, BGP_NOTIFY_OPEN_HOLD_TIME, "hold time 1 or 2", NULL, 0);
	if (o->bgp_id == 0)
		return open_err(err, BGP_NOTIFY_OPEN_BAD_ID, "BGP identifier 0", NULL, 0);
	if ((size_t)(o->params - b) + pl != len ||
	    params_parse(o, o->params, pl, ext) == -1)
		return open_err(err, 0, "malformed optional parameters", NULL, 0);
	o->paramslen = (uint16_t)pl;
	return BGP_OK;
}

uint32_t
bgp_open_peer_as(const struct bgp_open *o)
{
	return o->caps.has_as4 ? o->caps.as4 : o->my_as;
}

static int
addpath_mode(const struct bgp_caps *c, uint16_t afi, uint8_t safi)
{
	for (size_t i = 0; i < c->naddpath; i++)
		if (c->addpath[i].afi == afi && c->addpath[i].safi == safi)
			return c->addpath[i].flags;
	return 0;
}

void
bgp_sess_negotiate(struct bgp_sess *s, const struct bgp_caps *ours,
    const struct bgp_caps *theirs)
{
	static const uint16_t	afis[] = { 1, 2 };
	static const uint8_t	safis[] = { 1, 2 };

	memset(s, 0, sizeof(*s));
	s->as4 = ours->has_as4 && theirs->has_as4;
	s->extmsg = ours->has_extmsg && theirs->has_extmsg;
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 2; j++) {
			int o = addpath_mode(ours, afis[i], safis[j]);
			int t = addpath_mode(theirs, afis[i], safis[j]);

			/* RFC 7911 §4 */
			if ((o & BGP_ADDPATH_RECEIVE) && (t & BGP_ADDPATH_SEND))
				s->addpath_rx |= (uint8_t)BGP_AP_BIT(afis[i], safis[j]);
			if ((o & BGP_ADDPATH_SEND) && (t & BGP_ADDPATH_RECEIVE))
				s->addpath_tx |= (uint8_t)BGP_AP_BIT(afis[i], safis[j]);
		}
}

uint8_t
bgp_addpath_any(const struct bgp_caps *c)
{
	uint8_t		 ap = 0;
	unsigned	 i;

	for (i = 0; i < c->naddpath; i++)
		if ((c->addpath[i].afi == 1 || c->addpath[i].afi == 2) &&
		    (c->addpath[i].safi == 1 || c->addpath[i].safi == 2) &&
		    (c->addpath[i].flags & (BGP_ADDPATH_SEND | BGP_ADDPATH_RECEIVE)))
			ap |= (uint8_t)BGP_AP_BIT(c->addpath[i].afi, c->addpath[i].safi);
	return ap;
}

/* ---- NOTIFICATION, ROUTE-REFRESH -------------------------------------- */

enum bgp_result
bgp_notification_decode(const uint8_t *b, size_t len, struct bgp_notification *n,
    struct bgp_error *err)
{
	bgp_err_init(err);
	memset(n, 0, sizeof(*n));
	if (len < 2) {
		bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_HEADER,
		    BGP_NOTIFY_HDR_BAD_LEN, 0, NULL, 0, "NOTIFICATION too short");
		return BGP_ERR_SESSION_RESET;
	}
	n->code = b[0];
	n->subcode = b[1];
	n->data = b + 2;
	n->datalen = (uint16_t)(len - 2);
	/* RFC 9003 §2: length-prefixed UTF-8 shutdown communication */
	if (n->code == BGP_NOTIFY_CEASE && (n->subcode == BGP_NOTIFY_CEASE_SHUTDOWN ||
	    n->subcode == BGP_NOTIFY_CEASE_RESET) && n->datalen >= 1 &&
	    (size_t)n->data[0] + 1 <= n->datalen) {
		n->shutdown_len = n->data[0];
		n->shutdown_msg = n->data + 1;
	}
	return BGP_OK;
}

enum bgp_result
bgp_route_refresh_decode(const uint8_t *b, size_t len, struct bgp_route_refresh *rr,
    struct bgp_error *err)
{
	bgp_err_init(err);
	memset(rr, 0, sizeof(*rr));
	if (len != 4) {
		/* RFC 7313 §5: Invalid Message Length, data = the message body */
		bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_ROUTE_REFRESH, 1, 0, b,
		    len, "ROUTE-REFRESH length not 23");
		return BGP_ERR_SESSION_RESET;
	}
	rr->afi = be16_load(b);
	rr->subtype = b[2];
	rr->safi = b[3];
	return BGP_OK;
}

enum bgp_result
bgp_msg_decode(const uint8_t *buf, size_t len, const struct bgp_sess *sess,
    struct bgp_msg *m, struct bgp_error *err)
{
	struct bgp_hdr h;
	int	       r;

	memset(m, 0, sizeof(m->type) + sizeof(m->len));
	if ((r = bgp_msg_frame(buf, len, sess, &h, err)) <= 0) {
		if (r == 0)
			bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_HEADER,
			    BGP_NOTIFY_HDR_BAD_LEN, 0, NULL, 0, "message truncated");
		return BGP_ERR_SESSION_RESET;
	}
	m->type = h.type;
	m->len = h.len;
	switch (h.type) {
	case BGP_MSG_OPEN:
		return bgp_open_decode(h.body, h.bodylen, &m->u.open, err);
	case BGP_MSG_UPDATE:
		return bgp_update_decode(h.body, h.bodylen, sess, &m->u.update, err);
	case BGP_MSG_NOTIFICATION:
		return bgp_notification_decode(h.body, h.bodylen, &m->u.notification, err);
	case BGP_MSG_ROUTE_REFRESH:
		return bgp_route_refresh_decode(h.body, h.bodylen, &m->u.route_refresh, err);
	default:
		return BGP_OK;	/* KEEPALIVE */
	}
}

/* ---- texts ------------------------------------------------------------ */

const char *
bgp_result_str(enum bgp_result r)
{
	switch (r) {
	case BGP_OK:
		return "ok";
	case BGP_ERR_ATTR_DISCARD:
		return "attribute discard";
	case BGP_ERR_TREAT_AS_WITHDRAW:
		return "treat-as-withdraw";
	case BGP_ERR_SESSION_RESET:
		return "session reset";
	}
	return "unknown";
}

const char *
bgp_notify_code_str(uint8_t code)
{
	static const char *const s[] = {
		"Unknown", "Message Header Error", "OPEN Message Error",
		"UPDATE Message Error", "Hold Timer Expired",
		"Finite State Machine Error", "Cease", "ROUTE-REFRESH Message Error",
		"Send Hold Timer Expired",
	};

	return code < sizeof(s) / sizeof(s[0]) ? s[code] : "Unknown";
}

static const char *
pick(const char *const *t, size_t n, uint8_t i)
{
	return i < n && t[i] != NULL ? t[i] : "Unknown";
}
#define PICK(t, i)	pick((t), sizeof(t) / sizeof((t)[0]), (i))

const char *
bgp_notify_subcode_str(uint8_t code, uint8_t sub)
{
	static const char *const hdr[] = { "Unspecific", "Connection Not Synchronized",
	    "Bad Message Length", "Bad Message Type" };
	static const char *const open[] = { "Unspecific", "Unsupported Version Number",
	    "Bad Peer AS", "Bad BGP Identifier", "Unsupported Optional Parameter", NULL,
	    "Unacceptable Hold Time", "Unsupported Capability", NULL, NULL, NULL,
	    "Role Mismatch" };
	static const char *const upd[] = { "Unspecific", "Malformed Attribute List",
	    "Unrecognized Well-known Attribute", "Missing Well-known Attribute",
	    "Attribute Flags Error", "Attribute Length Error", "Invalid ORIGIN Attribute",
	    NULL, "Invalid NEXT_HOP Attribute", "Optional Attribute Error",
	    "Invalid Network Field", "Malformed AS_PATH" };
	static const char *const fsm[] = { "Unspecified Error",
	    "Receive Unexpected Message in OpenSent State",
	    "Receive Unexpected Message in OpenConfirm State",
	    "Receive Unexpected Message in Established State" };
	static const char *const cease[] = { "Unspecific",
	    "Maximum Number of Prefixes Reached", "Administrative Shutdown",
	    "Peer De-configured", "Administrative Reset", "Connection Rejected",
	    "Other Configuration Change", "Connection Collision Resolution",
	    "Out of Resources", "Hard Reset", "BFD Down" };
	static const char *const rr[] = { "Reserved", "Invalid Message Length" };

	switch (code) {
	case BGP_NOTIFY_HEADER:
		return PICK(hdr, sub);
	case BGP_NOTIFY_OPEN:
		return PICK(open, sub);
	case BGP_NOTIFY_UPDATE:
		return PICK(upd, sub);
	case BGP_NOTIFY_FSM:
		return PICK(fsm, sub);
	case BGP_NOTIFY_CEASE:
		return PICK(cease, sub);
	case BGP_NOTIFY_ROUTE_REFRESH:
		return PICK(rr, sub);
	default:
		return sub == 0 ? "Unspecific" : "Unknown";
	}
}
