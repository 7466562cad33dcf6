/*
 * BMP stream framer (RFC 7854 section 3.2/4.1): turns arbitrary TCP chunks into whole
 * messages. The common header is checked as soon as its 6 bytes are in, so a stream
 * with a bad version or length fails before its payload is buffered. Buffering is
 * bounded: one partial message plus the chunk being fed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bmp.h"

struct bmp_framer {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 off;	/* start of unconsumed data */
	size_t		 len;	/* end of data */
	uint32_t	 max;
	int		 err;	/* sticky */
};

struct bmp_framer *
bmp_framer_new(uint32_t max)
{
	struct bmp_framer	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->max = max != 0 ? max : BMP_MAX_MSGLEN;
	return f;
}

void
bmp_framer_free(struct bmp_framer *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	free(f);
}

size_t
bmp_framer_pending(const struct bmp_framer *f)
{
	return f->len - f->off;
}

int
bmp_framer_feed(struct bmp_framer *f, const void *data, size_t n)
{
	size_t	 pend = f->len - f->off, ncap;
	uint8_t	*nb;

	if (f->err != 0)
		return f->err;
	/*
	 * A caller that drains after each feed holds less than one message here, so
	 * memory stays below the message limit plus the caller's own chunk size.
	 */
	if (pend > f->max || n > SIZE_MAX - pend)
		return f->err = BMP_ERR_OVERFLOW;
	if (f->off > 0) {
		memmove(f->buf, f->buf + f->off, pend);
		f->off = 0;
		f->len = pend;
	}
	if (pend + n > f->cap) {
		ncap = f->cap ? f->cap : 4096;
		while (ncap < pend + n)
			ncap *= 2;
		if ((nb = realloc(f->buf, ncap)) == NULL)
			return f->err = BMP_ERR_OVERFLOW;
		f->buf = nb;
		f->cap = ncap;
	}
	if (n > 0)
		memcpy(f->buf + f->len, data, n);
	f->len += n;
	return BMP_OK;
}

int
bmp_framer_next(struct bmp_framer *f, const uint8_t **msg, size_t *mlen)
{
	size_t		 pend = f->len - f->off;
	uint32_t	 l;
	int		 r;

	if (f->err != 0)
		return f->err;
	if (pend < BMP_COMMON_HDRLEN) {
		/* Fail early on a wrong version byte. */
		if (pend > 0 && f->buf[f->off] != BMP_VERSION)
			return f->err = BMP_ERR_VERSION;
		return 0;
	}
	if ((r = bmp_msg_peek(f->buf + f->off, pend, f->max, &l)) != BMP_OK)
		return f->err = r;
	if (pend < l)
		return 0;
	*msg = f->buf + f->off;
	*mlen = l;
	f->off += l;
	return 1;
}
