/* placeholder replaced below */
#include "bgp/mrt.h"
#include "tests/unit/ut.h"
static void
hdr(void)
{
	struct mrt_hdr	 h;

	UT_EQ_INT(mrt_hdr_decode((const uint8_t *)"\0\0\0\0\0\x10\0\x04\0\0\0\x01", 12, &h), MRT_OK);
	UT_EQ_INT(h.type, 16);
	UT_EQ_INT(h.subtype, 4);
	UT_EQ_INT(h.len, 1);
}
UT_MAIN(UT_CASE(hdr))
