/*
 * libFuzzer target: one UPDATE body (after the 19-byte header), session from the
 * first byte (as in fuzz_bgp_msg). Checks the decoder's invariants, the bare
 * attribute decoder on the same attribute field, the canonical round trip, and
 * that an UPDATE decoded without error re-encodes into one that decodes cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "tests/fuzz/fuzz_bgp_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
collect(const struct bgp_nlri_set *s, struct bgp_route *r, size_t n, size_t max)
{
	struct bgp_nlri_iter it;

	if (!(s->afi == 1 || s->afi == 2) || s->safi != 1)
		return n;
	bgp_nlri_iter_init(&it, s);
	while (n < max && bgp_nlri_next(&it, &r[n].pfx, &r[n].path_id) == 1)
		n++;
	return n;
}

static void
reencode(const struct bgp_update *u, const struct bgp_sess *s)
{
	static struct bgp_route	 ann[4096], wd[4096];
	struct bgp_update_enc	 enc;
	struct bgp_msg		 m;
	struct bgp_error	 e;
	struct wbuf		 w;

	memset(&enc, 0, sizeof(enc));
	enc.nannounce = collect(&u->nlri, ann, 0, 4096);
	enc.nannounce = collect(&u->mp_reach, ann, enc.nannounce, 4096);
	enc.nwithdrawn = collect(&u->withdrawn, wd, 0, 4096);
	enc.nwithdrawn = collect(&u->mp_unreach, wd, enc.nwithdrawn, 4096);
	enc.announce = ann;
	enc.withdrawn = wd;
	enc.attrs = &u->attrs;
	if (u->mp_reach.afi == 1)
		enc.v4_mp = 1;
	wbuf_init(&w, 0);
	if (bgp_update_encode(&w, s, &enc) == 0 &&
	    bgp_msg_decode(w.buf, w.len, s, &m, &e) == BGP_ERR_SESSION_RESET)
		abort();
	wbuf_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_sess		s;
	struct bgp_update	u;
	struct bgp_attrs	a;
	struct bgp_nlri_set	reach, unreach;
	struct bgp_error	e;
	enum bgp_result		r;

	if (size < 1 || size > 65536)
		return 0;
	memset(&s, 0, sizeof(s));
	fuzz_sess(data[0], &s);
	r = bgp_update_decode(data + 1, size - 1, &s, &u, &e);
	if (r != (enum bgp_result)e.outcome)
		abort();
	if (r == BGP_ERR_SESSION_RESET)
		return 0;
	fuzz_check_update(&u);
	if (bgp_attrs_decode(u.attr_p, u.attr_len, &s, 0, &a, &reach, &unreach, &e) !=
	    BGP_ERR_SESSION_RESET)
		fuzz_check_attrs(&a);
	(void)bgp_attrs_decode(u.attr_p, u.attr_len, &s, BGP_ATTRS_MRT_NH, &a, NULL, NULL, &e);
	if (r == BGP_OK)
		reencode(&u, &s);
	return 0;
}
