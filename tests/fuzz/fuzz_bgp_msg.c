/*
 * libFuzzer target: a stream of whole BGP messages. The first byte sets the
 * session (bit 0 4-octet AS, bit 1 extended messages, bits 2-5 ADD-PATH receive);
 * the rest is framed and decoded message by message. OPENs are re-encoded and
 * decoded again; UPDATEs go through the common invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "tests/fuzz/fuzz_bgp_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_open(const struct bgp_open *o)
{
	struct wbuf		w;
	struct bgp_msg		m;
	struct bgp_error	e;

	wbuf_init(&w, 0);
	if (bgp_open_encode(&w, o) == 0) {
		if (bgp_msg_decode(w.buf, w.len, NULL, &m, &e) != BGP_OK)
			abort();
		if (m.u.open.caps.nmp != o->caps.nmp ||
		    m.u.open.caps.has_as4 != o->caps.has_as4 ||
		    m.u.open.caps.as4 != o->caps.as4 ||
		    m.u.open.caps.naddpath != o->caps.naddpath)
			abort();
	}
	wbuf_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_sess		s;
	struct bgp_hdr		h;
	struct bgp_msg		m;
	struct bgp_error	e;
	int			n;

	if (size < 1)
		return 0;
	memset(&s, 0, sizeof(s));
	fuzz_sess(data[0], &s);
	data++;
	size--;
	while (size > 0 && (n = bgp_msg_frame(data, size, &s, &h, &e)) > 0) {
		enum bgp_result r = bgp_msg_decode(data, (size_t)n, &s, &m, &e);

		if (r != BGP_ERR_SESSION_RESET && m.type == BGP_MSG_UPDATE)
			fuzz_check_update(&m.u.update);
		if (r == BGP_OK && m.type == BGP_MSG_OPEN)
			check_open(&m.u.open);
		if (r == BGP_ERR_SESSION_RESET && e.what == NULL)
			abort();
		(void)bgp_notify_subcode_str(e.code, e.subcode);
		data += n;
		size -= (size_t)n;
	}
	return 0;
}
