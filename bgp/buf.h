/*
 * Bounds-checked byte cursors for every wire read and write (BGP, BMP, MRT, RTR).
 * Reads never cast onto packed structs and never step past the end: each getter
 * returns 0 or -1 when the data runs out, so decoders are correct on big-endian and
 * strict-alignment CPUs and cannot overrun a buffer. Writers grow a heap buffer and
 * latch an error flag instead of failing each call.
 */
#ifndef IXW_BUF_H
#define IXW_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rbuf {
	const uint8_t	*p;
	size_t		 len;	/* bytes left */
};

static inline void
rbuf_init(struct rbuf *b, const void *data, size_t len)
{
	b->p = data;
	b->len = len;
}

static inline size_t rbuf_left(const struct rbuf *b) { return b->len; }
static inline const uint8_t *rbuf_ptr(const struct rbuf *b) { return b->p; }

static inline int
rbuf_skip(struct rbuf *b, size_t n)
{
	if (b->len < n)
		return -1;
	b->p += n;
	b->len -= n;
	return 0;
}

static inline int
rbuf_get_u8(struct rbuf *b, uint8_t *v)
{
	if (b->len < 1)
		return -1;
	*v = b->p[0];
	b->p++;
	b->len--;
	return 0;
}

static inline int
rbuf_get_u16(struct rbuf *b, uint16_t *v)
{
	if (b->len < 2)
		return -1;
	*v = (uint16_t)((b->p[0] << 8) | b->p[1]);
	b->p += 2;
	b->len -= 2;
	return 0;
}

static inline int
rbuf_get_u32(struct rbuf *b, uint32_t *v)
{
	if (b->len < 4)
		return -1;
	*v = ((uint32_t)b->p[0] << 24) | ((uint32_t)b->p[1] << 16) |
	    ((uint32_t)b->p[2] << 8) | b->p[3];
	b->p += 4;
	b->len -= 4;
	return 0;
}

static inline int
rbuf_get_u64(struct rbuf *b, uint64_t *v)
{
	uint32_t hi, lo;

	if (b->len < 8)
		return -1;
	rbuf_get_u32(b, &hi);
	rbuf_get_u32(b, &lo);
	*v = ((uint64_t)hi << 32) | lo;
	return 0;
}

static inline int
rbuf_get_bytes(struct rbuf *b, void *dst, size_t n)
{
	if (b->len < n)
		return -1;
	memcpy(dst, b->p, n);
	b->p += n;
	b->len -= n;
	return 0;
}

/* Split the next n bytes off into *sub (which points into the same memory). */
static inline int
rbuf_sub(struct rbuf *b, size_t n, struct rbuf *sub)
{
	if (b->len < n)
		return -1;
	sub->p = b->p;
	sub->len = n;
	b->p += n;
	b->len -= n;
	return 0;
}

/* Peek without consuming. */
static inline int
rbuf_peek_u8(const struct rbuf *b, size_t off, uint8_t *v)
{
	if (b->len <= off)
		return -1;
	*v = b->p[off];
	return 0;
}

/* Big-endian loads/stores on raw memory, for code that already checked the length. */
static inline uint16_t
be16_load(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
be32_load(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void
be16_store(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
be32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Growable write buffer. Any failed allocation sets err; callers check once at the end. */
struct wbuf {
	uint8_t	*buf;
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0: unlimited; otherwise writing past max sets err */
	int	 err;
};

void	 wbuf_init(struct wbuf *, size_t max);
void	 wbuf_free(struct wbuf *);
void	 wbuf_reset(struct wbuf *);
int	 wbuf_reserve(struct wbuf *, size_t n);
void	 wbuf_put_bytes(struct wbuf *, const void *, size_t);
void	 wbuf_put_u8(struct wbuf *, uint8_t);
void	 wbuf_put_u16(struct wbuf *, uint16_t);
void	 wbuf_put_u32(struct wbuf *, uint32_t);
void	 wbuf_put_u64(struct wbuf *, uint64_t);
void	 wbuf_set_u8(struct wbuf *, size_t off, uint8_t);
void	 wbuf_set_u16(struct wbuf *, size_t off, uint16_t);
void	 wbuf_set_u32(struct wbuf *, size_t off, uint32_t);

#endif /* IXW_BUF_H */
