/*
 * ASPA objects (customer AS -> set of provider ASes) and AS_PATH verification after
 * draft-ietf-sidrops-aspa-verification-20: the hop check, the upstream procedure
 * (routes from customers, lateral peers, RS <-> RS-client) and the downstream
 * procedure (routes from providers) with the up-ramp / down-ramp lengths.
 * ASPAs here are AFI-agnostic as in the current profile: data that still comes in
 * per-AFI lists (older rpki-client JSON) is merged into one provider set.
 * Pure code: no I/O, no globals.
 */
#ifndef IXW_RTR_ASPA_H
#define IXW_RTR_ASPA_H

#include <stddef.h>
#include <stdint.h>

enum rtr_aspa_hop {
	RTR_ASPA_NO_ATTEST = 0,		/* the customer has no ASPA */
	RTR_ASPA_PROVIDER,		/* "Provider+" */
	RTR_ASPA_NOT_PROVIDER,		/* "Not Provider+" */
};

enum rtr_aspa_res {
	RTR_ASPA_UNKNOWN = 0,
	RTR_ASPA_VALID,
	RTR_ASPA_INVALID,
};

enum rtr_aspa_dir {
	RTR_ASPA_UPSTREAM = 0,		/* from a customer, lateral peer, RS or RS-client */
	RTR_ASPA_DOWNSTREAM,		/* from a provider */
};

struct rtr_aspa_store;

struct rtr_aspa_store *rtr_aspa_new(void);
void	 rtr_aspa_free(struct rtr_aspa_store *);
/*
 * Set (replace) the ASPA of a customer. AS0 in the list is dropped: a list of only
 * AS0 means "no providers at all". Returns 0, or -1 on allocation failure.
 */
int	 rtr_aspa_set(struct rtr_aspa_store *, uint32_t customer, const uint32_t *prov,
	    size_t n);
int	 rtr_aspa_del(struct rtr_aspa_store *, uint32_t customer);	/* -1: absent */
size_t	 rtr_aspa_count(const struct rtr_aspa_store *);
/* The sorted provider set of a customer, NULL if it has no ASPA. */
const uint32_t *rtr_aspa_get(const struct rtr_aspa_store *, uint32_t customer,
	    size_t *n);
/* Is provider attested as a provider of customer? */
enum rtr_aspa_hop rtr_aspa_hop(const struct rtr_aspa_store *, uint32_t customer,
	    uint32_t provider);

/*
 * Verify an AS_PATH as received: path[0] is the neighbor (most recently added AS),
 * path[n-1] the origin; prepends are collapsed here. has_set: the path holds an
 * AS_SET (the outcome is then invalid). neighbor: the AS of the BGP neighbor to
 * check path[0] against, or 0 to skip the check (transparent route server).
 */
enum rtr_aspa_res rtr_aspa_verify(const struct rtr_aspa_store *, enum rtr_aspa_dir,
	    const uint32_t *path, size_t n, int has_set, uint32_t neighbor);
const char *rtr_aspa_str(enum rtr_aspa_res);

#endif /* IXW_RTR_ASPA_H */
