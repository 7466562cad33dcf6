/*
 * libFuzzer target for the MRT record decoder (RFC 6396, RFC 8050): the input is one
 * record. Decoded records are walked as ixwatch-dump does: peer index tables are
 * loaded, RIB entries iterated and their attributes decoded (TABLE_DUMP_V2: 4-octet
 * ASes, abbreviated MP_REACH), BGP4MP messages decoded as UPDATEs with the record's
 * AS width and ADD-PATH setting.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/mrt.h"
#include "tests/fuzz/fuzz_bgp_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
attrs(const uint8_t *p, size_t len, int as4, unsigned flags)
{
	struct bgp_sess		 sess;
	struct bgp_attrs	 a;
	struct bgp_error	 err;

	memset(&sess, 0, sizeof(sess));
	sess.as4 = (uint8_t)as4;
	bgp_attrs_init(&a);
	(void)bgp_attrs_decode(p, len, &sess, flags, &a, NULL, NULL, &err);
}

static void
rib(const struct mrt_record *r)
{
	struct mrt_rib_entry	 e;
	struct rbuf		 b = r->u.rib.entries;
	unsigned		 n = 0;

	while (mrt_rib_next(&b, r->u.rib.addpath, &e) == 1) {
		attrs(e.attrs, e.attrs_len, 1, BGP_ATTRS_MRT_NH);
		n++;
	}
	if (n != r->u.rib.count)
		abort();	/* the decoder validated exactly count entries */
}

static void
message(const struct mrt_bgp4mp *m)
{
	struct bgp_sess		 sess;
	struct bgp_update	 u;
	struct bgp_error	 err;

	if (m->pdu_len < BGP_HDR_LEN || m->pdu[18] != BGP_MSG_UPDATE)
		return;
	memset(&sess, 0, sizeof(sess));
	sess.as4 = (uint8_t)m->as4;
	sess.extmsg = 1;
	sess.addpath_rx = m->addpath ? 0x0f : 0;
	if (bgp_update_decode(m->pdu + BGP_HDR_LEN, m->pdu_len - BGP_HDR_LEN, &sess, &u,
	    &err) != BGP_ERR_SESSION_RESET) {
		fuzz_check_nlri(&u.withdrawn);
		fuzz_check_nlri(&u.nlri);
		fuzz_check_nlri(&u.mp_reach);
		fuzz_check_nlri(&u.mp_unreach);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrt_record	 r;
	struct mrt_peers	 t = { NULL, 0, 0 };

	if (mrt_record_decode(data, size, &r) != MRT_OK)
		return 0;
	switch (r.kind) {
	case MRT_KIND_PEER_INDEX:
		if (mrt_peers_load(&t, &r.u.pi) != 0 || t.count != r.u.pi.count)
			abort();
		mrt_peers_clear(&t);
		break;
	case MRT_KIND_RIB:
		rib(&r);
		break;
	case MRT_KIND_TABLE_DUMP:
		attrs(r.u.td.attrs, r.u.td.attrs_len, 0, 0);
		break;
	case MRT_KIND_BGP4MP_MSG:
		message(&r.u.msg);
		break;
	}
	return 0;
}
