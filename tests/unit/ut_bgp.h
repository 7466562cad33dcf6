/* Test helpers for BGP data: attribute sets and UPDATE bodies built by hand. */
#ifndef IXW_UT_BGP_H
#define IXW_UT_BGP_H

#include "bgp/bgp.h"

/* Attributes ORIGIN IGP, AS_PATH (one 4-octet AS_SEQUENCE of asns, written into pathbuf,
 * which must outlive a), NEXT_HOP 192.0.2.1. */
void	 ut_bgp_attrs(struct bgp_attrs *a, struct wbuf *pathbuf, const uint32_t *asns, size_t n);
/* An UPDATE body (no header): no withdrawals, the given Path Attributes field, and
 * NLRI 198.51.100.0/24. b must hold alen + 8 bytes; returns the body length. */
size_t	 ut_bgp_body_v4(uint8_t *b, const uint8_t *attrs, size_t alen);

#endif /* IXW_UT_BGP_H */
