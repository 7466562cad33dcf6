/*
 * Alert lifecycle (issue 7, Detection): detection rules hand observations to this
 * module, which owns keys, evidence aggregation, hold-downs, coalescing, repeats,
 * rate limiting, history and persistence. Pure code (libixcore): no I/O, no clock
 * reads, no timers, no logging. Time is injected as milliseconds since the Unix
 * epoch (`now`, wall clock, because first/last seen are shown and persisted); the
 * daemon calls alert_tick() from a loop timer armed at alert_next_deadline().
 *
 * Model
 *  - An alert has a stable key (rule, victim, offender, offender2, discriminator).
 *    Many affected prefixes of one event share a key and aggregate into ONE alert
 *    (Cloudflare-style event aggregation: same offender, same victim).
 *  - An observation is (key, source id, prefix). alert_assert() records it
 *    (idempotent per triple: repeated asserts only refresh evidence and add the
 *    route delta); alert_retract() removes it. An alert is "asserted" while at
 *    least one observation exists. One record is kept per observation (about 100
 *    bytes with its counts) up to obs_max_per_alert per alert and obs_max in all
 *    (about 15 MB with the defaults); beyond that an alert counts
 *    further observations per source only (a full-table leak stays within a few
 *    hundred kB): exact as long as rules assert a (source, prefix) once before
 *    retracting it, which they do as they follow RIB state; each untracked
 *    observation counts one route, and nprefixes becomes an estimate (untracked
 *    observations of a tracked prefix do not add to it, others do).
 *    New keys beyond alerts_max are refused and counted (`refused`).
 *  - States: PENDING (seen, below min_sources or inside the raise hold-down; no
 *    output) -> RAISED (emit RAISED) -> material growth (new source or prefix
 *    beyond what was last notified, severity up) emits UPDATED, coalesced to at
 *    most one per update_interval -> no observation left: CLEAR_PENDING (clear
 *    hold-down; a re-assert cancels it silently) -> CLEARED (emit, with reason)
 *    -> kept in a bounded history, then freed. A pending alert whose observations
 *    all go away is freed silently (a flap inside the raise hold-down is never
 *    seen by outputs). A raised alert stays raised when its sources drop below
 *    min_sources but not to zero (hysteresis).
 *  - Repeat: a still-raised alert is re-notified every repeat_interval (if set).
 *  - Expiry: a raised alert whose evidence was not refreshed for expire_after
 *    (if set) clears with reason "expired" (for rules without retractions).
 *  - Rate limit per rule (token bucket): a transition beyond the rate is not given
 *    to outputs but counted in the rule's `suppressed` counter; the alert's state
 *    is tracked anyway. When output of that rule resumes, a SUPPRESSED summary
 *    ("N suppressed") is emitted first. A suppressed raise leaves the alert
 *    un-notified: its next emitted non-clear transition is sent as RAISED, and its
 *    clear is not sent at all (outputs never see a clear of an alert they were
 *    never told about; it is counted as suppressed). The clear of a notified
 *    alert is never withheld (no alarm left standing in an NMS); it takes a token
 *    when there is one. Never silent loss.
 *  - Reconcile (config reload, VRP change): alert_reconcile_begin() starts a
 *    generation; rules re-assert what still applies; alert_reconcile_end() drops
 *    every observation of the selected rules not re-asserted, and alerts left with
 *    none clear at once with the given reason ("config" for a reload).
 *  - Persistence: alert_state_save() serializes the raised alerts, the id counter
 *    and the first-seen store (versioned binary, CRC-32 trailer); alert_state_load()
 *    treats its input as untrusted. Restored alerts are raised and already
 *    notified (no re-raise after a restart); if not re-asserted within
 *    restore_grace they clear with reason "resolved".
 * Ids are assigned when an alert is raised, increase, and are never reused (the
 * counter is persisted too). Callbacks must not call back into the engine.
 *
 * Use
 *   daemon:  e = alert_engine_new(&params, emit, outputs); alert_policy_set() per
 *            rule from the config; alert_file_load() (alert_file.h) at start; a
 *            loop timer at alert_next_deadline() calling alert_tick() (re-arm it
 *            after every observation batch too); alert_file_save() from a slow
 *            timer and at shutdown; on SIGHUP: set policies, then
 *            alert_reconcile_begin(e, 0), re-run all rules over the RIB,
 *            alert_reconcile_end(e, ALERT_REASON_CONFIG, now).
 *   VRPs changed: alert_reconcile_begin(e, 1u << ALERT_RULE_RPKI_INVALID |
 *            1u << ALERT_RULE_RPKI_NOT_FOUND), re-validate the affected routes,
 *            alert_reconcile_end(e, ALERT_REASON_RESOLVED, now).
 *   rules:   alert_key_init(&k, rule, victim, offender, 0, NULL) with victim the
 *            config entry (monitored prefix "205.251.192.0/21" or "AS16509"), then
 *            alert_assert() when a route starts matching, alert_retract() when it
 *            stops (withdrawn, changed, revalidated); alert_retract_source() when
 *            a source's routes all go at once (session down, BMP peer down,
 *            source removed: detect_source_flush()).
 *   outputs: emit(a, transition): alert_key_fmt(&a->key), a->id, severity,
 *            alert_reason_name(a->reason) on CLEARED; a SUPPRESSED summary has
 *            id 0, the rule and a->suppressed. SNMP walks alert_find_next_id().
 */
#ifndef IXW_ALERT_H
#define IXW_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/buf.h"
#include "bgp/prefix.h"

/* Values are IXWATCH-MIB IxwatchRule. */
enum alert_rule {
	ALERT_RULE_NONE = 0,
	ALERT_RULE_EXACT_PREFIX_HIJACK = 1,
	ALERT_RULE_SUBPREFIX_HIJACK = 2,
	ALERT_RULE_SQUATTING = 3,
	ALERT_RULE_NEW_NEIGHBOR = 4,
	ALERT_RULE_NEW_PREFIX = 5,
	ALERT_RULE_VISIBILITY_LOSS = 6,
	ALERT_RULE_PEERING_VISIBILITY_LOSS = 7,
	ALERT_RULE_RPKI_INVALID = 8,
	ALERT_RULE_RPKI_NOT_FOUND = 9,
	ALERT_RULE_RTR_HEALTH = 10,
	ALERT_RULE_ROUTE_LEAK = 11,
	ALERT_RULE_AS_PATH = 12,
	ALERT_RULE_BOGON = 13,
	ALERT_RULE_MOAS = 14,
	ALERT_RULE_SOURCE_COMPARISON = 15,
	ALERT_RULE_SESSION_HEALTH = 16,
	ALERT_RULE_TEST = 17,
};
#define ALERT_RULE_MAX	17

/* Values are IXWATCH-MIB IxwatchSeverity, names the config's severities (syslog
 * LOG_CRIT .. LOG_INFO); 0 means "rule default". */
enum alert_severity {
	ALERT_SEV_DEFAULT = 0,
	ALERT_SEV_CRITICAL = 1,
	ALERT_SEV_ERROR = 2,
	ALERT_SEV_WARNING = 3,
	ALERT_SEV_NOTICE = 4,
	ALERT_SEV_INFO = 5,
};

/* What an output is told. 1..3 are IXWATCH-MIB IxwatchLifecycle; REPEAT is a
 * re-notification of a raised alert (lifecycle raised/updated as the alert is);
 * SUPPRESSED is the rate-limit summary (see alert_engine_summary()). */
enum alert_transition {
	ALERT_TR_RAISED = 1,
	ALERT_TR_UPDATED = 2,
	ALERT_TR_CLEARED = 3,
	ALERT_TR_REPEAT = 4,
	ALERT_TR_SUPPRESSED = 5,
};

enum alert_state {
	ALERT_ST_PENDING = 0,
	ALERT_ST_RAISED,
	ALERT_ST_CLEAR_PENDING,
	ALERT_ST_CLEARED,
};

enum alert_reason {
	ALERT_REASON_NONE = 0,
	ALERT_REASON_RESOLVED,
	ALERT_REASON_CONFIG,
	ALERT_REASON_EXPIRED,
	ALERT_REASON_SOURCE_GONE,
};

#define ALERT_VICTIM_MAX	64	/* with NUL: "2001:db8::/32", "AS64500", a name */
#define ALERT_DISC_MAX		32
#define ALERT_PATH_MAX		128
#define ALERT_TEXT_MAX		160
#define ALERT_SAMPLE_PREFIXES	8
#define ALERT_SAMPLE_SOURCES	8
#define ALERT_KEY_STRLEN	(ALERT_VICTIM_MAX + ALERT_DISC_MAX + 96)

/* The stable identity of an alert. Unused fields are zero / empty strings. */
struct alert_key {
	uint8_t		 rule;				/* enum alert_rule */
	char		 victim[ALERT_VICTIM_MAX];	/* monitored prefix/AS/name */
	uint32_t	 offender;			/* blamed AS (origin, leaker, neighbor) */
	uint32_t	 offender2;			/* second AS of a pair (adjacency) */
	char		 disc[ALERT_DISC_MAX];		/* optional discriminator */
};

/* Evidence given with an observation; strings may be NULL (keep the old value). */
struct alert_evidence {
	uint8_t		 severity;	/* enum alert_severity; 0: the rule's default */
	const char	*as_path;	/* sample AS path as text */
	const char	*matched;	/* the config entry that matched */
	const char	*description;
	int32_t		 route_delta;	/* change in supporting routes of this (source,
					 * prefix); 0 on a first assert counts as 1 */
};

struct alert_hnode {
	struct alert_hnode	*next;
	uint32_t		 hash;
};

struct alert {
	struct alert_key key;
	struct alert_hnode hn;		/* private: key hash (beside the key: one cache line) */
	uint32_t	 hash_seed;	/* private */
	uint32_t	 id;		/* 0 while pending */
	uint8_t		 state;		/* enum alert_state */
	uint8_t		 severity;	/* most severe seen (lowest value) */
	uint8_t		 reason;	/* enum alert_reason, once clearing/cleared */
	uint8_t		 notified;	/* outputs were told it is raised */
	struct prefix	 victim_pfx;	/* key.victim parsed as a prefix, else af 0 */
	uint64_t	 first_seen, last_seen, raised_at, cleared_at;
	uint32_t	 nsources;	/* sources asserting now */
	uint32_t	 nprefixes;	/* distinct prefixes asserted now */
	uint32_t	 routes;	/* supporting routes now */
	uint32_t	 nobs;		/* observations (source, prefix) tracked now */
	uint32_t	 nobs_over;	/* observations counted beyond obs_max_per_alert */
	uint32_t	 max_sources;	/* high-water marks over the alert's life */
	uint32_t	 max_prefixes;
	uint32_t	 sample_src[ALERT_SAMPLE_SOURCES];
	uint8_t		 nsample_src;
	uint8_t		 nsample_pfx;
	struct prefix	 sample_pfx[ALERT_SAMPLE_PREFIXES];
	struct prefix	 last_pfx;	/* the last sample to leave, af 0 if none */
	char		 as_path[ALERT_PATH_MAX];
	char		 matched[ALERT_TEXT_MAX];
	char		 description[ALERT_TEXT_MAX];
	uint32_t	 updates;	/* UPDATED transitions so far */
	uint32_t	 suppressed;	/* for a SUPPRESSED summary: how many */
	/* private to alert.c */
	uint32_t	 notified_sources, notified_prefixes;
	uint8_t		 notified_severity;
	uint8_t		 dirty;		/* material growth not yet notified */
	uint8_t		 restored;	/* from the state file, not re-asserted yet */
	uint64_t	 last_update, last_notify, clear_at, restore_until;
	uint64_t	 repeat_base;	/* last notification, or the restore */
	struct alert	*lprev, *lnext;		/* id-ordered list of raised+cleared */
	struct alert	*hist_next;		/* history FIFO */
	struct alert_obs *obs;			/* this alert's observations */
	struct alert_agg *aggs;			/* per-source / per-prefix counts */
};

/* Per-rule policy; all durations in milliseconds, 0 disables that feature. */
struct alert_policy {
	uint8_t		 enabled;
	uint8_t		 severity;	/* default severity */
	uint32_t	 min_sources;	/* evidence threshold to raise (>= 1) */
	uint32_t	 raise_holddown;
	uint32_t	 clear_holddown;
	uint32_t	 update_interval;
	uint32_t	 repeat_interval;
	uint32_t	 expire_after;
	uint32_t	 rate_per_min;	/* transitions per minute to outputs; 0: unlimited */
	uint32_t	 rate_burst;	/* bucket size (>= 1 when rate_per_min is set) */
};

struct alert_counters {
	uint32_t	 active;	/* raised or clear-pending now */
	uint32_t	 pending;	/* below threshold / in raise hold-down now */
	uint32_t	 raised;	/* raise transitions (emitted or not) */
	uint32_t	 updated;
	uint32_t	 cleared;
	uint32_t	 suppressed;	/* transitions withheld from outputs */
	uint32_t	 emitted;	/* transitions given to outputs (incl. summaries) */
	uint32_t	 ignored;	/* observations for disabled rules */
	uint32_t	 refused;	/* observations of new keys beyond alerts_max */
};

struct alert_engine_params {
	uint32_t	 history_max;		/* cleared alerts kept (default 256) */
	uint32_t	 firstseen_max;		/* first-seen records (default 65536) */
	uint32_t	 restore_grace;		/* ms (default 300000) */
	uint32_t	 obs_max_per_alert;	/* tracked observations (default 16384) */
	uint32_t	 obs_max;		/* tracked in all (default 65536) */
	uint32_t	 alerts_max;		/* pending + active alerts (default 8192) */
};

typedef void (*alert_emit_fn)(const struct alert *, enum alert_transition, void *arg);

struct alert_engine;

/* NULL params: defaults. Every rule starts with alert_policy_default(). */
struct alert_engine *alert_engine_new(const struct alert_engine_params *,
	    alert_emit_fn, void *arg);
void	 alert_engine_free(struct alert_engine *);
void	 alert_policy_default(enum alert_rule, struct alert_policy *);
int	 alert_policy_set(struct alert_engine *, enum alert_rule, const struct alert_policy *);
const struct alert_policy *alert_policy_get(const struct alert_engine *, enum alert_rule);

/* Key helpers: alert_key_init zeroes and fills; victim/disc may be NULL (and are
 * truncated to fit). alert_key_fmt writes "rule=... victim=... offender=AS..". */
void	 alert_key_init(struct alert_key *, enum alert_rule, const char *victim,
	    uint32_t offender, uint32_t offender2, const char *disc);
char	*alert_key_fmt(const struct alert_key *, char *buf, size_t len);
const struct prefix *alert_shown_prefix(const struct alert *);
const char *alert_rule_name(enum alert_rule);		/* "exact-prefix-hijack" */
const char *alert_severity_name(enum alert_severity);	/* "critical" */
const char *alert_transition_name(enum alert_transition);	/* "raised" */
const char *alert_reason_name(enum alert_reason);	/* "resolved", "config", ... */
const char *alert_state_name(enum alert_state);

/* Observations. prefix may be NULL (alerts not about prefixes). Return 0, or -1
 * on allocation failure or a bad key (rule out of range). */
int	 alert_assert(struct alert_engine *, const struct alert_key *, uint32_t source_id,
	    const struct prefix *, const struct alert_evidence *, uint64_t now);
int	 alert_retract(struct alert_engine *, const struct alert_key *, uint32_t source_id,
	    const struct prefix *, uint64_t now);
/* A source went away: all its observations are retracted but those of the rules
 * in keep (bit 1 << rule; e.g. the session-health one saying it went away);
 * alerts left without any clear (after the clear hold-down) with reason
 * "source-gone". */
void	 alert_retract_source(struct alert_engine *, uint32_t source_id, uint32_t keep,
	    uint64_t now);

/* rule_mask: bit (1 << rule) for each rule re-evaluated; 0 means all rules. */
void	 alert_reconcile_begin(struct alert_engine *, uint32_t rule_mask);
void	 alert_reconcile_end(struct alert_engine *, enum alert_reason, uint64_t now);

/* Runs due transitions; returns alert_next_deadline(). */
uint64_t alert_tick(struct alert_engine *, uint64_t now);
/* Earliest time alert_tick() has something to do; UINT64_MAX if nothing. */
uint64_t alert_next_deadline(const struct alert_engine *);

/* Accessors. Iteration is over raised, clear-pending and cleared (history) alerts
 * in increasing id order; pending alerts are not listed. */
const struct alert *alert_first(const struct alert_engine *);
const struct alert *alert_next(const struct alert_engine *, const struct alert *);
const struct alert *alert_find_id(const struct alert_engine *, uint32_t id);
/* The listed alert with the smallest id > id (SNMP getnext); NULL at the end. */
const struct alert *alert_find_next_id(const struct alert_engine *, uint32_t id);
/* IXWATCH-MIB IxwatchLifecycle of an alert: raised(1), updated(2), cleared(3). */
int	 alert_lifecycle(const struct alert *);
const struct alert *alert_find_key(const struct alert_engine *, const struct alert_key *);
/* rule 0: totals over all rules. */
void	 alert_counters_get(const struct alert_engine *, enum alert_rule, struct alert_counters *);
uint32_t alert_history_count(const struct alert_engine *);
/* Bumped on every change persistence cares about (to decide whether to save). */
uint32_t alert_state_generation(const struct alert_engine *);

/* First-seen store for the new-prefix rule: returns the first time (prefix,
 * origin) was seen, recording now if it is new (*is_new = 1). Bounded: when full,
 * the least recently looked-up record is evicted. Returns 0 on allocation failure. */
uint64_t alert_firstseen(struct alert_engine *, const struct prefix *, uint32_t origin,
	    uint64_t now, int *is_new);
uint32_t alert_firstseen_count(const struct alert_engine *);

/* Persistence. save appends to wb (check wb->err); load returns 0 or -1 (nothing
 * changed on -1; only into an engine without raised alerts). */
int	 alert_state_save(const struct alert_engine *, struct wbuf *);
int	 alert_state_load(struct alert_engine *, const uint8_t *, size_t, uint64_t now);

#endif /* IXW_ALERT_H */
