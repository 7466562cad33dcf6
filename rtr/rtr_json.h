/*
 * Local VRP files: the JSON that rpki-client writes and StayRTR serves, parsed by a
 * small strict streaming tokenizer (RFC 8259) into a sorted, de-duplicated set of
 * VRPs and ASPAs; and the delta between two such sets, so a reload applies only
 * what changed. Pure code: the caller reads (and gunzips) the file.
 *
 * Accepted shapes:
 *   {"metadata": {...}, "roas": [{"asn": 13335 | "AS13335", "prefix": "1.0.0.0/24",
 *     "maxLength": 24, "ta": "...", "expires": 1683277596}, ...],
 *    "provider_authorizations": {"ipv4": [{"customer_asid": 28, "providers": [...]}],
 *                                "ipv6": [...]},       (rpki-client 8.x, StayRTR 0.5)
 *    "aspas" | "aspa": [{"customer" | "customer_asid": 28, "expires": ...,
 *        "providers": [41881, "AS61036", {"asid" | "provider": 204096, ...}]}]}
 *   [{"prefix": ..., "maxLength": ..., "asn": "0"}, ...]   (a bare list of VRPs)
 */
#ifndef IXW_RTR_JSON_H
#define IXW_RTR_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "rtr/rtr_vrp.h"
#include "rtr/rtr_aspa.h"

struct rtr_json_aspa {
	uint32_t	customer;
	uint32_t	nprov;
	uint32_t	off;		/* into rtr_vrpset.prov */
};

struct rtr_vrpset {
	struct rtr_vrp		*vrp;	/* sorted by prefix, maxlen, asn; unique */
	size_t			 nvrp;
	size_t			 capvrp;
	struct rtr_json_aspa	*aspa;	/* sorted by customer; unique */
	size_t			 naspa;
	size_t			 capaspa;
	uint32_t		*prov;	/* provider sets, each sorted, AS0 dropped */
	size_t			 nprov;
	size_t			 capprov;
	size_t			 expired;	/* entries skipped: "expires" < now */
	uint64_t		 next_expiry;	/* earliest "expires" of those kept, 0 none */
	size_t			 dups;		/* duplicate VRPs merged */
};

void	 rtr_vrpset_init(struct rtr_vrpset *);
void	 rtr_vrpset_clear(struct rtr_vrpset *);	/* frees and re-inits */

/*
 * Parse buf into *out (which must be initialised, and is cleared first). now: the
 * current UNIX time to drop expired entries, or 0 to keep them. Returns 0, or -1
 * with "line:col: what is wrong" in err.
 */
int	 rtr_json_parse(const char *buf, size_t len, uint64_t now, struct rtr_vrpset *out,
	    char *err, size_t errlen);

/* What a reload changes: each callback gets a VRP (or ASPA) to add or remove. */
struct rtr_vrpset_delta {
	int	(*vrp)(const struct rtr_vrp *, int add, void *);
	/* add: set the customer's providers (n may be 0); !add: the customer's ASPA is gone */
	int	(*aspa)(uint32_t customer, const uint32_t *prov, size_t n, int add, void *);
	void	*arg;
};
/* Walks both sorted sets once; stops at and returns a callback's non-0 result. */
int	 rtr_vrpset_diff(const struct rtr_vrpset *old, const struct rtr_vrpset *new,
	    const struct rtr_vrpset_delta *);
int	 rtr_vrp_cmp(const struct rtr_vrp *, const struct rtr_vrp *);

#endif /* IXW_RTR_JSON_H */
