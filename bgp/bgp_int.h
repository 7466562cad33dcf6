/*
 * Internals shared by the bgp_*.c files of the BGP codec (not for other modules).
 */
#ifndef IXW_BGP_INT_H
#define IXW_BGP_INT_H

#include <string.h>

#include "bgp/bgp.h"

void	 bgp_err_init(struct bgp_error *);
void	 bgp_err_set(struct bgp_error *, enum bgp_result, uint8_t code, uint8_t sub,
	    uint8_t attr_type, const uint8_t *data, size_t datalen, const char *what);
int	 bgp_nlri_scan(const uint8_t *p, size_t len, uint8_t af, int addpath,
	    uint32_t *count);
int	 bgp_attr_known(uint8_t type);
/* Attribute block parse; *structural set when an attribute length overran (RFC 7606 §4). */
enum bgp_result bgp_attrs_parse(const uint8_t *p, size_t len, const struct bgp_sess *,
	    unsigned flags, struct bgp_attrs *, struct bgp_nlri_set *reach,
	    struct bgp_nlri_set *unreach, struct bgp_error *, int *structural);
/* Write the 19-byte header (length patched by bgp_hdr_end). */
size_t	 bgp_hdr_begin(struct wbuf *, uint8_t type);
int	 bgp_hdr_end(struct wbuf *, size_t start, size_t max);

/* All path attributes sorted by type; canon: the canonical form's rules (bgp_canon_encode). */
void	 bgp_attrs_emit(struct wbuf *, const struct bgp_attrs *, int as4, int canon);

/*
 * Inline fast paths over the wbuf writers for the encoders' hot loops (the
 * canonical blob is built once per UPDATE): write in place when the buffer has
 * room and no limit or error applies, else fall back to the checked writer.
 */
static inline int
bw_room(const struct wbuf *wb, size_t n)
{
	return wb->max == 0 && !wb->err && wb->cap - wb->len >= n;
}

static inline void
bw_u8(struct wbuf *wb, uint8_t v)
{
	if (bw_room(wb, 1))
		wb->buf[wb->len++] = v;
	else
		wbuf_put_u8(wb, v);
}

static inline void
bw_u16(struct wbuf *wb, uint16_t v)
{
	if (bw_room(wb, 2)) {
		be16_store(wb->buf + wb->len, v);
		wb->len += 2;
	} else
		wbuf_put_u16(wb, v);
}

static inline void
bw_u32(struct wbuf *wb, uint32_t v)
{
	if (bw_room(wb, 4)) {
		be32_store(wb->buf + wb->len, v);
		wb->len += 4;
	} else
		wbuf_put_u32(wb, v);
}

static inline void
bw_bytes(struct wbuf *wb, const void *p, size_t n)
{
	if (n > 0 && bw_room(wb, n)) {
		memcpy(wb->buf + wb->len, p, n);
		wb->len += n;
	} else
		wbuf_put_bytes(wb, p, n);
}

static inline void
bw_set_u8(struct wbuf *wb, size_t off, uint8_t v)
{
	if (off < wb->len)
		wb->buf[off] = v;
	else
		wb->err = 1;
}

#endif /* IXW_BGP_INT_H */
