/*
 * Internals of the alert engine shared by alert.c and alert_state.c (persistence).
 * Not for other modules: they use alert.h.
 */
#ifndef IXW_ALERT_PRIV_H
#define IXW_ALERT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "agent/alert.h"

#define ALERT_CONTAINER(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Chained hash of intrusive nodes; the owner walks a bucket to look up. */
struct alert_htab {
	struct alert_hnode	**b;
	uint32_t		  mask;
	uint32_t		  n;
};

/* One observation: (alert, source, prefix) currently asserted. */
struct alert_obs {
	struct alert_hnode	 hn;
	struct alert		*alert;
	struct alert_obs	*anext, *aprev;
	uint32_t		 source;
	uint32_t		 routes;
	uint32_t		 gen;		/* reconcile generation of the last assert */
	struct prefix		 pfx;		/* af 0: not about a prefix */
};

/* Observation count of an alert per source (kind 0) or per prefix (kind 1). */
struct alert_agg {
	struct alert_hnode	 hn;
	struct alert		*alert;
	struct alert_agg	*anext, *aprev;
	uint8_t			 kind;
	uint32_t		 source;
	uint32_t		 count;
	uint32_t		 over;		/* untracked observations (of the source /
						 * on the prefix) */
	uint32_t		 over_known;	/* kind 0: of which on a counted prefix */
	struct prefix		 pfx;
};

/* First-seen record of (prefix, origin), on an LRU list. */
struct alert_fs {
	struct alert_hnode	 hn;
	struct alert_fs		*lprev, *lnext;
	struct prefix		 pfx;
	uint32_t		 origin;
	uint64_t		 first;
};

struct alert_rule_rt {
	uint64_t	 tokens;	/* 1/60000 tokens */
	uint64_t	 tb_last;
	uint8_t		 tb_init;
	uint32_t	 pending_summary;
};

struct alert_engine {
	struct alert_engine_params p;
	alert_emit_fn		 emit;
	void			*arg;
	struct alert_policy	 pol[ALERT_RULE_MAX + 1];
	struct alert_rule_rt	 rt[ALERT_RULE_MAX + 1];
	struct alert_counters	 cnt[ALERT_RULE_MAX + 1];
	struct alert_htab	 alerts, obs, agg, fs;
	struct alert		*lhead, *ltail;		/* by id: raised + history */
	struct alert		*lcursor;	/* alert_find_next_id()'s last answer */
	struct alert		*hist_head, *hist_tail;
	uint32_t		 nhist;
	uint32_t		 next_id;
	uint32_t		 gen;
	uint32_t		 recon_mask;
	uint32_t		 state_gen;
	uint64_t		 deadline;
	struct alert_fs		*fs_head, *fs_tail;	/* LRU: head most recent */
	struct alert		 summary;		/* rate-limit summary pseudo-alert */
};

static inline int
alert_pfx_eq(const struct prefix *a, const struct prefix *b)
{
	return a->af == b->af && a->len == b->len &&
	    memcmp(a->addr, b->addr, prefix_addrlen(a->af)) == 0;
}

void	 alert_copy_str(char *, size_t, const char *);
void	 alert_u32_fmt(char *, size_t, const char *pfx, uint32_t);
uint32_t alert_key_hash(const struct alert_key *);
uint32_t alert_prefix_hash(uint32_t, const struct prefix *);
int	 alert_key_eq(const struct alert_key *, const struct alert_key *);
int	 alert_htab_init(struct alert_htab *);
void	 alert_htab_free(struct alert_htab *);
void	 alert_htab_insert(struct alert_htab *, struct alert_hnode *, uint32_t);
void	 alert_htab_remove(struct alert_htab *, struct alert_hnode *);
void	 alert_link_raised(struct alert_engine *, struct alert *);
struct alert_fs *alert_fs_find(const struct alert_engine *, const struct prefix *, uint32_t);
int	 alert_fs_add(struct alert_engine *, const struct prefix *, uint32_t, uint64_t);
/* CRC-32 (IEEE 802.3) that closes every state file. */
uint32_t alert_state_crc32(const uint8_t *, size_t);

#endif /* IXW_ALERT_PRIV_H */
