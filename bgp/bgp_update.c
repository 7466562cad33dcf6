/*
 * UPDATE message decoding (RFC 4271 §4.3): the Withdrawn Routes and NLRI fields,
 * the path attributes (bgp_attr.c), End-of-RIB markers (RFC 4724 §2) and the
 * message-level RFC 7606 rules (§3 (d) missing well-known attributes, §4 lengths,
 * §5.3 NLRI errors).
 */
#include <stddef.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_int.h"

static void
set_v4(struct bgp_nlri_set *s, const uint8_t *p, size_t len, const struct bgp_sess *sess)
{
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->len = (uint16_t)len;
	s->afi = 1;
	s->safi = 1;
	s->present = 1;
	s->addpath = (uint8_t)bgp_sess_addpath(sess, 1, 1);
}

/* RFC 7606 §3 (d): NLRI present but a well-known mandatory attribute missing. */
static void
check_mandatory(struct bgp_update *u, struct bgp_error *err)
{
	static const uint8_t	 mand[] = { BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP };
	int			 v4 = u->nlri.count > 0;
	size_t			 i;

	if (!v4 && u->mp_reach.len == 0)
		return;
	for (i = 0; i < sizeof(mand); i++) {
		if (mand[i] == BGP_ATTR_NEXT_HOP && !v4)
			continue;
		if (BGP_ATTR_HAS(&u->attrs, mand[i]))
			continue;
		err->databuf[0] = mand[i];
		bgp_err_set(err, BGP_ERR_TREAT_AS_WITHDRAW, BGP_NOTIFY_UPDATE,
		    BGP_NOTIFY_UPD_MISSING_WK, mand[i], err->databuf, 1,
		    "missing well-known attribute");
		return;
	}
}

/* End-of-RIB (RFC 4724 §2): an empty UPDATE, or only an empty MP_UNREACH_NLRI. */
static void
check_eor(struct bgp_update *u)
{
	if (u->withdrawn.len != 0 || u->nlri.len != 0)
		return;
	if (u->attr_len == 0) {
		u->eor = 1;
		u->eor_afi = 1;
		u->eor_safi = 1;
	} else if (u->attrs.present == BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH) &&
	    u->attrs.nraw == 0 && u->mp_unreach.len == 0) {
		u->eor = 1;
		u->eor_afi = u->mp_unreach.afi;
		u->eor_safi = u->mp_unreach.safi;
	}
}

enum bgp_result
bgp_update_decode(const uint8_t *body, size_t len, const struct bgp_sess *sess,
    struct bgp_update *u, struct bgp_error *err)
{
	size_t	 wl, al;
	int	 structural;

	bgp_err_init(err);
	memset(u, 0, offsetof(struct bgp_update, attrs));
	bgp_attrs_init(&u->attrs);
	u->attr_p = NULL;
	u->attr_len = 0;
	u->eor = 0;
	u->eor_afi = 0;
	u->eor_safi = 0;
	/* RFC 4271 §6.3 / RFC 7606 §4: lengths that do not add up → Malformed Attribute List */
	if (len < 4 || (wl = be16_load(body)) > len - 4 ||
	    (al = be16_load(body + 2 + wl)) > len - 4 - wl) {
		bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_UPDATE,
		    BGP_NOTIFY_UPD_ATTR_LIST, 0, NULL, 0, "UPDATE field lengths inconsistent");
		return BGP_ERR_SESSION_RESET;
	}
	set_v4(&u->withdrawn, body + 2, wl, sess);
	u->attr_p = body + 4 + wl;
	u->attr_len = (uint16_t)al;
	set_v4(&u->nlri, body + 4 + wl + al, len - 4 - wl - al, sess);
	/* RFC 7606 §5.3: an NLRI field that cannot be parsed → session reset */
	if (bgp_nlri_scan(u->withdrawn.p, u->withdrawn.len, PREFIX_AF_IPV4,
	    u->withdrawn.addpath, &u->withdrawn.count) == -1 ||
	    bgp_nlri_scan(u->nlri.p, u->nlri.len, PREFIX_AF_IPV4, u->nlri.addpath,
	    &u->nlri.count) == -1) {
		bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_UPDATE,
		    BGP_NOTIFY_UPD_NETWORK, 0, NULL, 0, "invalid NLRI field");
		return BGP_ERR_SESSION_RESET;
	}
	if (bgp_attrs_parse(u->attr_p, al, sess, 0, &u->attrs, &u->mp_reach,
	    &u->mp_unreach, err, &structural) == BGP_ERR_SESSION_RESET)
		return BGP_ERR_SESSION_RESET;
	/*
	 * RFC 7606 §4/§5.1: after a length overrun the attributes past it are lost.
	 * If no MP attribute was met before it and the UPDATE has no IPv4 routes, the
	 * prefixes it carried cannot be known, so treat-as-withdraw is impossible.
	 */
	if (structural && !u->mp_reach.present && !u->mp_unreach.present &&
	    u->withdrawn.len == 0 && u->nlri.len == 0) {
		bgp_err_set(err, BGP_ERR_SESSION_RESET, BGP_NOTIFY_UPDATE,
		    BGP_NOTIFY_UPD_ATTR_LIST, 0, NULL, 0,
		    "attribute overrun hides the NLRI");
		return BGP_ERR_SESSION_RESET;
	}
	check_mandatory(u, err);
	check_eor(u);
	return (enum bgp_result)err->outcome;
}
