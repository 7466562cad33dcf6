/*
 * The detection engine (issue 7, rules): route changes in, alert observations
 * out (agent/alert.h owns the lifecycle). Pure code in libixcore: no I/O, no
 * clock, no logging; it reads the configuration (config_types.h), the RIB
 * (bgp/rib.h: other sources' views, cached RPKI/ASPA state) and canonical
 * attribute blobs (bgp/bgp.h). RFCs: 6811 (ROV state), 7908 (route leak types),
 * 9234 (Only-To-Customer), 1997 (NO_EXPORT), 4271 (AS_PATH).
 *
 * How it follows the RIB: after every change of (source, prefix) the caller calls
 * detect_route(). A fast filter drops the common case in a few tens of ns: one
 * test of a two-level bitmap of the address space (IPv4 to /24, IPv6 to /32)
 * that marks monitored prefixes, bogon blocks and prefixes with a record, so
 * the monitored-prefix LPM, the bogon lookup and the record lookup run only
 * there; and, once per attribute set, its path facts (monitored, bogon or
 * relationship ASes, OTC: a bitmap filter over the AS path, cached). Otherwise the
 * rules are evaluated over ALL routes that source holds for the prefix (ADD-PATH
 * included) and the resulting set of alert keys is diffed against what the
 * engine asserted before for that (source, prefix): new keys are asserted, gone
 * keys retracted. Prefix-wide rules (MOAS) use source 0 as a pseudo source.
 *
 * Rules, keys (victim / offender / offender2 / disc) and anchors:
 *  1 exact-prefix-hijack: route prefix == the longest monitored match M, origin
 *    not in M.asns (AS_SET: any member not allowed). victim "AS<owner>" (the
 *    lowest allowed origin of M: one event of one offender against one owner is
 *    ONE alert however many of its prefixes are hit, the matched entry and the
 *    affected prefixes are in the evidence), offender the origin.
 *    RPKI-valid origin with detection.rpki_valid_hijack_quiet: severity info.
 *  2 subprefix-hijack: route more specific than M (M decides: the longest
 *    configured match), origin not allowed, M not ignoreMorespecifics.
 *  3 squatting: M lists no origin at all; any announcement inside it.
 *  4 new-neighbor: origin allowed but the AS next to it (prepends collapsed) not
 *    in M's ixwatch.upstreams (when given): victim M, offender neighbor,
 *    offender2 origin. And for every monitored AS X in a path (monitorASns with
 *    upstreams/downstreams): the AS left of X not in its upstreams (disc
 *    "upstream"), right of X not in its downstreams (disc "downstream"), victim
 *    "AS<X>", offender the unexpected neighbor.
 *  5 new-prefix: a monitored AS originates a prefix no rule covers (victim
 *    "AS<X>", offender X); a legitimate origin announces a more-specific of M
 *    (victim M, offender origin, disc "more-specific"); ignoreMorespecifics honoured.
 *  6 visibility-loss: a monitored prefix (exact) that a source carried is no longer
 *    carried by it: one observation per source that lost it, so the alert policy's
 *    min_sources is the "N of M sources"; cleared when the sources carry it again.
 *    Per upstream (prefix-wide, source 0): for M with upstreams (its own
 *    ixwatch.upstreams, else its allowed origins' monitorASns upstreams), an
 *    upstream X seen before as the AS adjacent to an allowed origin (prepends
 *    collapsed; the anchor is that adjacency only) and now by no source: victim
 *    M, offender X, disc "upstream"; retracted when a source shows it again.
 *  7 peering-visibility-loss: per source, the routes showing an adjacency
 *    (X, Y) of a monitorASns AS X with a neighbor Y (prepends collapsed; with
 *    upstreams / downstreams configured, only those neighbors) are
 *    counted; when a source that showed it shows it no more, one observation of
 *    (victim "AS<X>", offender Y, offender2 X) for that source: min-sources is
 *    the N; retracted when the source shows it again.
 *  8 rpki-invalid: an RPKI-invalid route (cached RIB state) for a prefix inside a
 *    monitored prefix (victim M) or originated by a monitored AS (victim "AS<X>");
 *    and any invalid route received on a source marked monitored
 *    (detect_source_set, victim the source name, offender the neighbor AS).
 *  9 rpki-not-found: a route of a monitored resource (as for rule 8) covered by
 *    no VRP; and (config rule roa-change, disc "roa-change") a route of the
 *    same source that was RPKI-valid and is now not-found (after a VRP change:
 *    detect_rescan()); withdrawn routes forget their past state.
 * 11 route-leak: valley-free violation at AS L (learned from a provider or peer,
 *    passed to a provider or peer) with configured relationships: victim "AS<L>",
 *    offender L, offender2 the AS it leaked to, disc "type1".."type4" (types
 *    below). The first AS of the path passed it to the receiver: the source's
 *    peers at a transparent route server (role rs-client, path not starting with
 *    the RS's AS: offender2 the RS), or us (path starting with the neighbor's AS:
 *    our role peer/rs, provider says what we are to it; offender2 0); no role:
 *    the first AS is not judged. Types (RFC 7908 section 3.2): 1 hairpin
 *    provider->provider, 2 lateral peer->peer, 3 provider->peer, 4
 *    peer->provider. OTC (RFC 9234 section 5) violated given the
 *    source's role (disc "otc", offender the OTC AS or the neighbor); a
 *    CONFIG_PFX_NO_EXPORT prefix seen past the first hop (disc "no-export",
 *    offender the AS that exported it); ASPA-invalid route of a monitored prefix
 *    or AS (disc "aspa").
 * 12 as-path: prefixes.yml path rules (BGPalerter semantics: the rule fires when
 *    every given condition holds: match matches, notMatch does not match, and
 *    with minLength/maxLength given, the length is outside them) on the path
 *    rendered "1,2,3" from the neighbor
 *    to the origin, prepends kept, an AS_SET rendered as its members in braces
 *    "{4,5}" (BGPalerter joins the JSON path, which shows a set as a nested
 *    list); victim M, disc "path<i>". Prepending: more consecutive repeats of one
 *    AS than max-prepend (per prefix, else detection.max-prepend), disc "prepend",
 *    offender the AS.
 * 13 bogon: prefix inside an IANA special-purpose block (agent/bogon.h) or an
 *    extra configured prefix: victim the block, offender origin, disc "prefix";
 *    a bogon or extra AS anywhere in the path: victim "AS<bogon>", disc "asn".
 * 14 moas: a prefix originated by several ASes at once over all sources (info;
 *    warning when one of the routes is RPKI-invalid): victim the prefix.
 * 10 rtr-health: detect_rtr_health(): victim the cache, disc the kind of trouble.
 * 15 source-comparison: for each detection.compare pair (a, b), sources named by
 *    detect_source_set(): the prefix is missing from one side (disc "missing")
 *    or the first routes' AS paths differ (disc "path"); victim "a/b", the
 *    evidence on a's (source, prefix); min-duration becomes the raise hold-down.
 * 16 session-health: detect_source_state(): a source down with its reason
 *    (victim the source name).
 */
#ifndef IXW_DETECT_H
#define IXW_DETECT_H

#include <stdint.h>

#include "agent/alert.h"
#include "bgp/prefix.h"

struct config;
struct config_prefix;
struct rib;
struct rib_attrs;
struct detect;

struct detect_params {
	/* Does config rule r apply to this prefix? (config_prefix_rule_enabled; NULL:
	 * only ignore and ixwatch.disable are honoured) */
	int		(*rule_enabled)(const struct config_prefix *, int rule);
	/* Alert source id of a RIB source id (NULL: the same number). */
	uint32_t	(*source_id)(uint16_t rib_source, void *arg);
	void		 *arg;
	int		  moas_all;	/* MOAS on every prefix (1) or monitored only (0) */
};

struct detect_counters {
	uint64_t	 routes;	/* detect_route calls */
	uint64_t	 evaluated;	/* calls that passed the fast filter */
	uint32_t	 tracked;	/* (source, prefix) entries with asserted keys */
	uint32_t	 adjacencies;	/* (source, monitored AS, neighbor) records */
};

/* cfg and rib must outlive the engine (or the next detect_reload). NULL on failure. */
struct detect	*detect_new(struct rib *, struct alert_engine *, const struct config *,
		    const struct detect_params *);
void		 detect_free(struct detect *);

/* Alert policies for every rule from the config's detection.rules. */
void		 detect_policies_apply(struct alert_engine *, const struct config *);

/*
 * Per-source facts for rules 8, 11 and 15: RFC 9234 role (enum config_bgp_role),
 * neighbor AS, name (matched against detection.compare), and whether invalid
 * routes it sends are alerted on.
 */
int		 detect_source_set(struct detect *, uint16_t rib_source, int role,
		    uint32_t peer_as, const char *name, int monitored);

/* After the RIB changed (source, prefix): attrs is the new route's, NULL if withdrawn. */
void		 detect_route(struct detect *, uint16_t rib_source, const struct prefix *,
		    const struct rib_attrs *, uint64_t now);
/* The same, knowing the state (RIB_STATE()) the route was installed with: a route
 * of a monitored session then costs nothing unless it is RPKI-invalid (rule 8).
 * DETECT_STATE_UNKNOWN: as detect_route(). */
#define DETECT_STATE_UNKNOWN	0xffu
void		 detect_route_state(struct detect *, uint16_t rib_source,
		    const struct prefix *, const struct rib_attrs *, unsigned state,
		    uint64_t now);
/* Re-evaluate every route of every source for prefixes inside root (VRP change). */
void		 detect_rescan(struct detect *, const struct prefix *root, uint64_t now);
/* New configuration: rebuild the indexes, reconcile all alerts (reason "config").
 * Per-source history starts again: visibility and peering losses in progress
 * clear with reason "config" (the RIB no longer shows what was lost).
 * detect_reload does it in one pass; the daemon slices it like the RPKI
 * revalidation: detect_reload_begin (indexes; -1 if they cannot be built, then
 * the rescan finds nothing and every reconciled alert clears), then
 * detect_reload_step until it returns 0, each call visiting about budget
 * prefixes (0: all). Routes that change meanwhile are judged by the new config
 * already; alerts that no longer apply clear (reason "config") at the last step.
 * A reload during a rescan restarts it. */
int		 detect_reload(struct detect *, const struct config *, uint64_t now);
int		 detect_reload_begin(struct detect *, const struct config *, uint64_t now);
int		 detect_reload_step(struct detect *, unsigned budget, uint64_t now);
/* A source's state changed: up = 0 asserts session-health with reason. */
void		 detect_source_state(struct detect *, uint32_t source_id, const char *name,
		    int up, const char *reason, uint64_t now);
/*
 * Rule 10, called by the RPKI glue: trouble of kind what ("down", "stale",
 * "vrp-drop", "few-vrps") on cache (or "rpki" for the whole) starts (bad = 1,
 * detail as the description) or ends (bad = 0).
 */
void		 detect_rtr_health(struct detect *, const char *cache, const char *what,
		    int bad, const char *detail, uint64_t now);
/*
 * All of a source's routes are about to go at once (session or peer down,
 * source removed; before their withdrawals reach detect_route_state): the
 * alerts' evidence from it is retracted as gone, not resolved (alerts left
 * without any clear with reason "source-gone"); its session-health evidence
 * stays. What its withdrawals then assert (visibility lost by that source) is
 * new evidence as usual.
 */
void		 detect_source_flush(struct detect *, uint16_t rib_source, uint64_t now);
/* A source's routes are all gone and it is removed (its RIB id may be reused):
 * forget its entries; what it still asserts clears as source-gone. */
void		 detect_source_gone(struct detect *, uint16_t rib_source, uint64_t now);

void		 detect_counters_get(const struct detect *, struct detect_counters *);

/* Map enum config_rule to enum alert_rule (0 when it has none). */
enum alert_rule	 detect_alert_rule(int config_rule);

#endif /* IXW_DETECT_H */
