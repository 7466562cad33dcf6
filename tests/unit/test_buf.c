/* The bounds-checked cursors: every getter fails cleanly at the end of data. */
#include "bgp/buf.h"
#include "tests/unit/ut.h"

static void
read_be(void)
{
	static const uint8_t d[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct rbuf	b, s;
	uint8_t		u8;
	uint16_t	u16;
	uint32_t	u32;
	uint64_t	u64;

	rbuf_init(&b, d, sizeof(d));
	UT_EQ_INT(rbuf_get_u8(&b, &u8), 0);
	UT_EQ_INT(u8, 1);
	UT_EQ_INT(rbuf_get_u16(&b, &u16), 0);
	UT_EQ_INT(u16, 0x0203);
	UT_EQ_INT(rbuf_get_u32(&b, &u32), 0);
	UT_EQ_INT(u32, 0x04050607);
	UT_EQ_INT(rbuf_get_u32(&b, &u32), -1);	/* only 2 left */
	UT_EQ_INT(rbuf_left(&b), 2);
	UT_EQ_INT(rbuf_sub(&b, 3, &s), -1);
	UT_EQ_INT(rbuf_sub(&b, 2, &s), 0);
	UT_EQ_INT(rbuf_left(&b), 0);
	UT_EQ_INT(rbuf_get_u8(&b, &u8), -1);
	UT_EQ_INT(rbuf_get_u16(&s, &u16), 0);
	UT_EQ_INT(u16, 0x0809);
	rbuf_init(&b, d, 8);
	UT_EQ_INT(rbuf_get_u64(&b, &u64), 0);
	UT_ASSERT(u64 == 0x0102030405060708ULL);
}

static void
write_roundtrip(void)
{
	struct wbuf	w;
	struct rbuf	b;
	uint16_t	u16;
	uint32_t	u32;

	wbuf_init(&w, 0);
	wbuf_put_u16(&w, 0);		/* length placeholder */
	wbuf_put_u32(&w, 0xdeadbeef);
	for (int i = 0; i < 1000; i++)
		wbuf_put_u8(&w, (uint8_t)i);
	wbuf_set_u16(&w, 0, (uint16_t)w.len);
	UT_EQ_INT(w.err, 0);
	rbuf_init(&b, w.buf, w.len);
	UT_EQ_INT(rbuf_get_u16(&b, &u16), 0);
	UT_EQ_INT(u16, 1006);
	UT_EQ_INT(rbuf_get_u32(&b, &u32), 0);
	UT_ASSERT(u32 == 0xdeadbeef);
	wbuf_set_u32(&w, w.len - 2, 1);	/* past the end */
	UT_EQ_INT(w.err, 1);
	wbuf_free(&w);
}

static void
write_max(void)
{
	struct wbuf w;

	wbuf_init(&w, 4);
	wbuf_put_u32(&w, 1);
	UT_EQ_INT(w.err, 0);
	wbuf_put_u8(&w, 1);
	UT_EQ_INT(w.err, 1);
	wbuf_free(&w);
}

UT_MAIN(UT_CASE(read_be), UT_CASE(write_roundtrip), UT_CASE(write_max))
