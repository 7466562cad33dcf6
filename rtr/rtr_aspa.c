/*
 * ASPA store and AS_PATH verification (draft-ietf-sidrops-aspa-verification-20,
 * sections "Hop-Check Function", "Algorithm for Upstream Paths", "Algorithm for
 * Downstream Paths").
 *
 * Numbering as in the draft: the collapsed path is AS(N) ... AS(1), AS(1) the origin,
 * AS(N) the neighbor. hop(AS(i), AS(i+1)) asks whether AS(i+1) is attested as a
 * provider of AS(i).
 *   max_up_ramp = the smallest i with hop(AS(i), AS(i+1)) = Not Provider+, else N
 *   min_up_ramp = the smallest i with hop(AS(i), AS(i+1)) != Provider+, else N
 *   max_down_ramp = N - j + 1 for the largest j with hop(AS(j), AS(j-1)) = Not
 *                   Provider+, else N
 *   min_down_ramp = the same with != Provider+
 * Upstream: invalid if max_up_ramp < N, unknown if min_up_ramp < N, else valid.
 * Downstream: invalid if max_up_ramp + max_down_ramp < N, unknown if min_up_ramp +
 * min_down_ramp < N, else valid (so paths of one or two ASes are always valid).
 */
#include <stdlib.h>
#include <string.h>

#include "rtr/rtr_aspa.h"

struct aspa_rec {
	uint32_t	 customer;
	uint32_t	 n;
	uint32_t	*prov;
};

struct rtr_aspa_store {
	struct aspa_rec	*rec;	/* sorted by customer */
	size_t		 n;
	size_t		 cap;
};

struct rtr_aspa_store *
rtr_aspa_new(void)
{
	return calloc(1, sizeof(struct rtr_aspa_store));
}

void
rtr_aspa_free(struct rtr_aspa_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->rec[i].prov);
	free(s->rec);
	free(s);
}

/* Index of customer, or where it would go; *found set if present. */
static size_t
rec_find(const struct rtr_aspa_store *s, uint32_t customer, int *found)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s->rec[mid].customer < customer)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->n && s->rec[lo].customer == customer;
	return lo;
}

static int
u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A sorted copy of prov without AS0 and duplicates. */
static uint32_t *
prov_set(const uint32_t *prov, size_t n, uint32_t *outn)
{
	uint32_t *p;
	size_t i, k;

	if ((p = malloc((n ? n : 1) * sizeof(*p))) == NULL)
		return NULL;
	for (i = 0, k = 0; i < n; i++)
		if (prov[i] != 0)
			p[k++] = prov[i];
	qsort(p, k, sizeof(*p), u32cmp);
	for (i = 0, n = k, k = 0; i < n; i++)
		if (k == 0 || p[k - 1] != p[i])
			p[k++] = p[i];
	*outn = (uint32_t)k;
	return p;
}

int
rtr_aspa_set(struct rtr_aspa_store *s, uint32_t customer, const uint32_t *prov, size_t n)
{
	struct aspa_rec *r;
	uint32_t *p, pn;
	size_t pos, cap;
	int found;

	if ((p = prov_set(prov, n, &pn)) == NULL)
		return -1;
	pos = rec_find(s, customer, &found);
	if (found) {
		free(s->rec[pos].prov);
		s->rec[pos].prov = p;
		s->rec[pos].n = pn;
		return 0;
	}
	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 64;
		if ((r = realloc(s->rec, cap * sizeof(*r))) == NULL) {
			free(p);
			return -1;
		}
		s->rec = r;
		s->cap = cap;
	}
	memmove(&s->rec[pos + 1], &s->rec[pos], (s->n - pos) * sizeof(*s->rec));
	s->rec[pos].customer = customer;
	s->rec[pos].prov = p;
	s->rec[pos].n = pn;
	s->n++;
	return 0;
}

int
rtr_aspa_del(struct rtr_aspa_store *s, uint32_t customer)
{
	size_t pos;
	int found;

	pos = rec_find(s, customer, &found);
	if (!found)
		return -1;
	free(s->rec[pos].prov);
	memmove(&s->rec[pos], &s->rec[pos + 1], (s->n - pos - 1) * sizeof(*s->rec));
	s->n--;
	return 0;
}

size_t
rtr_aspa_count(const struct rtr_aspa_store *s)
{
	return s->n;
}

const uint32_t *
rtr_aspa_get(const struct rtr_aspa_store *s, uint32_t customer, size_t *n)
{
	size_t pos;
	int found;

	pos = rec_find(s, customer, &found);
	if (!found)
		return NULL;
	*n = s->rec[pos].n;
	return s->rec[pos].prov;
}

enum rtr_aspa_hop
rtr_aspa_hop(const struct rtr_aspa_store *s, uint32_t customer, uint32_t provider)
{
	const uint32_t *p;
	size_t n, lo, hi, mid;

	if ((p = rtr_aspa_get(s, customer, &n)) == NULL)
		return RTR_ASPA_NO_ATTEST;
	for (lo = 0, hi = n; lo < hi;) {
		mid = (lo + hi) / 2;
		if (p[mid] == provider)
			return RTR_ASPA_PROVIDER;
		if (p[mid] < provider)
			lo = mid + 1;
		else
			hi = mid;
	}
	return RTR_ASPA_NOT_PROVIDER;
}

/*
 * Walk the collapsed path from the origin up (up != 0) or from the neighbor down,
 * checking hop(AS(i), next). Returns the ramp length: the number of ASes before
 * the first hop that fails (Not Provider+ for the max ramp, anything but Provider+
 * for the min ramp), or N. *np gets N.
 */
static void
ramps(const struct rtr_aspa_store *s, const uint32_t *path, size_t n, int up,
    size_t *maxr, size_t *minr, size_t *np)
{
	size_t i, k, cnt = 1;
	uint32_t cur, nxt;
	enum rtr_aspa_hop h;
	int maxdone = 0, mindone = 0;

	*maxr = *minr = 0;
	cur = up ? path[n - 1] : path[0];
	for (k = 1; k < n; k++) {
		i = up ? n - 1 - k : k;
		if ((nxt = path[i]) == cur)
			continue;	/* prepend */
		h = rtr_aspa_hop(s, cur, nxt);
		if (!maxdone && h == RTR_ASPA_NOT_PROVIDER) {
			*maxr = cnt;
			maxdone = 1;
		}
		if (!mindone && h != RTR_ASPA_PROVIDER) {
			*minr = cnt;
			mindone = 1;
		}
		cur = nxt;
		cnt++;
	}
	if (!maxdone)
		*maxr = cnt;
	if (!mindone)
		*minr = cnt;
	*np = cnt;
}

enum rtr_aspa_res
rtr_aspa_verify(const struct rtr_aspa_store *s, enum rtr_aspa_dir dir,
    const uint32_t *path, size_t n, int has_set, uint32_t neighbor)
{
	size_t N, maxup, minup, maxdown, mindown;

	if (n == 0 || has_set)
		return RTR_ASPA_INVALID;
	if (neighbor != 0 && path[0] != neighbor)
		return RTR_ASPA_INVALID;
	ramps(s, path, n, 1, &maxup, &minup, &N);
	if (dir == RTR_ASPA_UPSTREAM) {
		if (maxup < N)
			return RTR_ASPA_INVALID;
		return minup < N ? RTR_ASPA_UNKNOWN : RTR_ASPA_VALID;
	}
	/* Walking down from AS(N), hop(AS(j), AS(j-1)) asks the same question. */
	ramps(s, path, n, 0, &maxdown, &mindown, &N);
	if (maxup + maxdown < N)
		return RTR_ASPA_INVALID;
	return minup + mindown < N ? RTR_ASPA_UNKNOWN : RTR_ASPA_VALID;
}

const char *
rtr_aspa_str(enum rtr_aspa_res r)
{
	switch (r) {
	case RTR_ASPA_VALID:
		return "valid";
	case RTR_ASPA_INVALID:
		return "invalid";
	case RTR_ASPA_UNKNOWN:
		break;
	}
	return "unknown";
}
