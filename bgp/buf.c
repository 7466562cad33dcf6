/*
 * Growable write buffer for the encoders (BGP messages the agent sends, BMP/MRT
 * written by the test tools). Errors latch in wb->err; nothing here logs or exits.
 */
#include <stdlib.h>

#include "bgp/buf.h"

void
wbuf_init(struct wbuf *wb, size_t max)
{
	wb->buf = NULL;
	wb->len = wb->cap = 0;
	wb->max = max;
	wb->err = 0;
}

void
wbuf_free(struct wbuf *wb)
{
	if (wb == NULL)
		return;
	free(wb->buf);
	wbuf_init(wb, wb->max);
}

void
wbuf_reset(struct wbuf *wb)
{
	wb->len = 0;
	wb->err = 0;
}

int
wbuf_reserve(struct wbuf *wb, size_t n)
{
	size_t	 ncap;
	uint8_t	*nb;

	if (wb->err)
		return -1;
	if (n > SIZE_MAX - wb->len || (wb->max != 0 && wb->len + n > wb->max)) {
		wb->err = 1;
		return -1;
	}
	if (wb->len + n <= wb->cap)
		return 0;
	ncap = wb->cap ? wb->cap : 256;
	while (ncap < wb->len + n)
		ncap *= 2;
	if ((nb = realloc(wb->buf, ncap)) == NULL) {
		wb->err = 1;
		return -1;
	}
	wb->buf = nb;
	wb->cap = ncap;
	return 0;
}

void
wbuf_put_bytes(struct wbuf *wb, const void *p, size_t n)
{
	if (n == 0 || wbuf_reserve(wb, n) == -1)
		return;
	memcpy(wb->buf + wb->len, p, n);
	wb->len += n;
}

void
wbuf_put_u8(struct wbuf *wb, uint8_t v)
{
	wbuf_put_bytes(wb, &v, 1);
}

void
wbuf_put_u16(struct wbuf *wb, uint16_t v)
{
	uint8_t b[2];

	be16_store(b, v);
	wbuf_put_bytes(wb, b, 2);
}

void
wbuf_put_u32(struct wbuf *wb, uint32_t v)
{
	uint8_t b[4];

	be32_store(b, v);
	wbuf_put_bytes(wb, b, 4);
}

void
wbuf_put_u64(struct wbuf *wb, uint64_t v)
{
	wbuf_put_u32(wb, (uint32_t)(v >> 32));
	wbuf_put_u32(wb, (uint32_t)v);
}

void
wbuf_set_u8(struct wbuf *wb, size_t off, uint8_t v)
{
	if (off + 1 > wb->len) {
		wb->err = 1;
		return;
	}
	wb->buf[off] = v;
}

void
wbuf_set_u16(struct wbuf *wb, size_t off, uint16_t v)
{
	if (off + 2 > wb->len) {
		wb->err = 1;
		return;
	}
	be16_store(wb->buf + off, v);
}

void
wbuf_set_u32(struct wbuf *wb, size_t off, uint32_t v)
{
	if (off + 4 > wb->len) {
		wb->err = 1;
		return;
	}
	be32_store(wb->buf + off, v);
}
