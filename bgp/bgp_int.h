/*
 * Internals shared by the bgp_*.c files of the BGP codec (not for other modules).
 */
#ifndef IXW_BGP_INT_H
#define IXW_BGP_INT_H

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

#endif /* IXW_BGP_INT_H */
