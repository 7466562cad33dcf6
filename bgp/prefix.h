/*
 * IPv4/IPv6 prefixes as every module sees them: codecs fill them, the RIB keys on
 * them, the config and detection rules compare them. Address bytes are in network
 * order; bits past the length are always zero (prefix_mask() enforces it).
 */
#ifndef IXW_PREFIX_H
#define IXW_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* Values are the BGP AFIs (RFC 4760), so they go on the wire unchanged. */
enum prefix_af {
	PREFIX_AF_NONE = 0,
	PREFIX_AF_IPV4 = 1,
	PREFIX_AF_IPV6 = 2,
};

struct prefix {
	uint8_t	af;		/* enum prefix_af */
	uint8_t	len;		/* 0..32 or 0..128 */
	uint8_t	addr[16];
};

/* Longest text form: full IPv6 + "/128" + NUL. */
#define PREFIX_STRLEN	(46 + 4 + 1)
#define ADDR_STRLEN	46

static inline unsigned
prefix_maxlen(uint8_t af)
{
	return af == PREFIX_AF_IPV4 ? 32 : af == PREFIX_AF_IPV6 ? 128 : 0;
}

static inline unsigned
prefix_addrlen(uint8_t af)
{
	return af == PREFIX_AF_IPV4 ? 4 : af == PREFIX_AF_IPV6 ? 16 : 0;
}

/* Bit i (0 = most significant) of the address. */
static inline unsigned
prefix_bit(const struct prefix *p, unsigned i)
{
	return (p->addr[i >> 3] >> (7 - (i & 7))) & 1;
}

void	 prefix_mask(struct prefix *);
int	 prefix_parse(const char *, struct prefix *);	/* 0, or -1 with errno EINVAL */
int	 prefix_parse_strict(const char *, struct prefix *); /* host bits must be 0 */
int	 addr_parse(const char *, uint8_t *af, uint8_t addr[16]);
char	*prefix_fmt(const struct prefix *, char *buf, size_t len);
char	*addr_fmt(uint8_t af, const uint8_t *addr, char *buf, size_t len);
int	 prefix_cmp(const struct prefix *, const struct prefix *);
int	 prefix_eq(const struct prefix *, const struct prefix *);
/* Does a contain b (a is b or a less specific of b)? */
int	 prefix_contains(const struct prefix *a, const struct prefix *b);

#endif /* IXW_PREFIX_H */
