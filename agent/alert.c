/*
 * Alert lifecycle engine: keyed alerts aggregating observations (source, prefix),
 * hold-downs, update coalescing, repeats, expiry, per-rule token-bucket rate
 * limiting with suppressed counters and summaries, reconcile sweeps, history.
 * See alert.h for the model. Persistence is in alert_state.c. Pure code: time is
 * passed in, nothing here reads a clock, logs or does I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"
#include "agent/alert_priv.h"

/* Token bucket units: one token is 60000 units, so rate_per_min units per ms. */
#define TOKEN	60000ULL

static void	 recompute_deadline(struct alert_engine *);

static const char *const rule_names[ALERT_RULE_MAX + 1] = {
	"none", "exact-prefix-hijack", "subprefix-hijack", "squatting", "new-neighbor",
	"new-prefix", "visibility-loss", "peering-visibility-loss", "rpki-invalid",
	"rpki-not-found", "rtr-health", "route-leak", "as-path", "bogon", "moas",
	"source-comparison", "session-health", "test",
};

const char *
alert_rule_name(enum alert_rule r)
{
	return (unsigned)r <= ALERT_RULE_MAX ? rule_names[r] : "unknown";
}

const char *
alert_severity_name(enum alert_severity s)
{
	static const char *const n[] = { "default", "critical", "error", "warning",
	    "notice", "info" };

	return (unsigned)s <= ALERT_SEV_INFO ? n[s] : "unknown";
}

const char *
alert_transition_name(enum alert_transition t)
{
	static const char *const n[] = { "none", "raised", "updated", "cleared",
	    "repeat", "suppressed" };

	return (unsigned)t <= ALERT_TR_SUPPRESSED ? n[t] : "unknown";
}

const char *
alert_reason_name(enum alert_reason r)
{
	static const char *const n[] = { "none", "resolved", "config", "expired",
	    "source-gone" };

	return (unsigned)r <= ALERT_REASON_SOURCE_GONE ? n[r] : "unknown";
}

const char *
alert_state_name(enum alert_state s)
{
	static const char *const n[] = { "pending", "raised", "clear-pending", "cleared" };

	return (unsigned)s <= ALERT_ST_CLEARED ? n[s] : "unknown";
}

void
alert_copy_str(char *dst, size_t size, const char *src)
{
	size_t	 n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
alert_key_init(struct alert_key *k, enum alert_rule rule, const char *victim,
    uint32_t offender, uint32_t offender2, const char *disc)
{
	memset(k, 0, sizeof(*k));
	k->rule = (uint8_t)rule;
	alert_copy_str(k->victim, sizeof(k->victim), victim);
	k->offender = offender;
	k->offender2 = offender2;
	alert_copy_str(k->disc, sizeof(k->disc), disc);
}

/* Key values with blanks or quotes are quoted so "k=v" lines stay parseable. */
static int
needs_quotes(const char *v)
{
	return strpbrk(v, " \t\"=\\") != NULL;
}

static void
quoted_append(char *buf, size_t len, size_t *n, const char *v)
{
	for (; *v != '\0' && *n + 2 < len; v++) {
		if (*v == '"' || *v == '\\')
			buf[(*n)++] = '\\';
		buf[(*n)++] = *v;
	}
	buf[*n] = '\0';
}

char *
alert_key_fmt(const struct alert_key *k, char *buf, size_t len)
{
	char		 tmp[32];
	size_t		 n = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
#define APPEND(s) do {							\
	size_t _l = strlen(s);						\
	if (n + _l >= len)						\
		_l = len - 1 - n;					\
	memcpy(buf + n, (s), _l);					\
	n += _l;							\
	buf[n] = '\0';							\
} while (0)
	APPEND("rule=");
	APPEND(alert_rule_name((enum alert_rule)k->rule));
	if (k->victim[0] != '\0') {
		APPEND(" victim=");
		if (needs_quotes(k->victim)) {
			APPEND("\"");
			quoted_append(buf, len, &n, k->victim);
			APPEND("\"");
		} else
			APPEND(k->victim);
	}
	if (k->offender != 0) {
		alert_u32_fmt(tmp, sizeof(tmp), " offender=AS", k->offender);
		APPEND(tmp);
	}
	if (k->offender2 != 0) {
		alert_u32_fmt(tmp, sizeof(tmp), " offender2=AS", k->offender2);
		APPEND(tmp);
	}
	if (k->disc[0] != '\0') {
		APPEND(" disc=");
		if (needs_quotes(k->disc)) {
			APPEND("\"");
			quoted_append(buf, len, &n, k->disc);
			APPEND("\"");
		} else
			APPEND(k->disc);
	}
#undef APPEND
	return buf;
}

/* "prefix" + decimal v, without stdio (core code stays small). */
void
alert_u32_fmt(char *buf, size_t len, const char *pfx, uint32_t v)
{
	char	 d[11];
	size_t	 i = sizeof(d), n;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	alert_copy_str(buf, len, pfx);
	n = strlen(buf);
	if (n + (sizeof(d) - i) < len) {
		memcpy(buf + n, d + i, sizeof(d) - i);
		buf[n + sizeof(d) - i] = '\0';
	}
}

/* ---- hashing --------------------------------------------------------------- */

static uint32_t
mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u;
	h ^= h >> 15;
	return h;
}

/* Final avalanche (MurmurHash3's fmix32): buckets take the low bits. */
static uint32_t
fmix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t
hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x01000193u;
	return h;
}

uint32_t
alert_key_hash(const struct alert_key *k)
{
	uint32_t h = 0x811c9dc5u;

	h = mix(h, k->rule);
	h = hash_bytes(h, k->victim, strlen(k->victim));
	h = mix(h, k->offender);
	h = mix(h, k->offender2);
	h = hash_bytes(h, k->disc, strlen(k->disc));
	return fmix(h);
}

uint32_t
alert_prefix_hash(uint32_t h, const struct prefix *p)
{
	h = mix(h, (uint32_t)p->af << 8 | p->len);
	return fmix(hash_bytes(h, p->addr, prefix_addrlen(p->af)));
}

int
alert_key_eq(const struct alert_key *a, const struct alert_key *b)
{
	return a->rule == b->rule && a->offender == b->offender &&
	    a->offender2 == b->offender2 && strcmp(a->victim, b->victim) == 0 &&
	    strcmp(a->disc, b->disc) == 0;
}

int
alert_htab_init(struct alert_htab *t)
{
	t->n = 0;
	t->mask = 63;
	t->b = calloc(t->mask + 1, sizeof(*t->b));
	return t->b == NULL ? -1 : 0;
}

void
alert_htab_free(struct alert_htab *t)
{
	free(t->b);
	t->b = NULL;
}

static void
htab_grow(struct alert_htab *t)
{
	struct alert_hnode	**nb, *n, *next;
	uint32_t		  nmask, i;

	if (t->mask >= 0x3fffffffu)
		return;
	nmask = t->mask * 2 + 1;
	if ((nb = calloc((size_t)nmask + 1, sizeof(*nb))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i <= t->mask; i++) {
		for (n = t->b[i]; n != NULL; n = next) {
			next = n->next;
			n->next = nb[n->hash & nmask];
			nb[n->hash & nmask] = n;
		}
	}
	free(t->b);
	t->b = nb;
	t->mask = nmask;
}

void
alert_htab_insert(struct alert_htab *t, struct alert_hnode *n, uint32_t hash)
{
	if (t->n > t->mask)
		htab_grow(t);
	n->hash = hash;
	n->next = t->b[hash & t->mask];
	t->b[hash & t->mask] = n;
	t->n++;
}

void
alert_htab_remove(struct alert_htab *t, struct alert_hnode *n)
{
	struct alert_hnode **pp;

	for (pp = &t->b[n->hash & t->mask]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			t->n--;
			return;
		}
	}
}

/* ---- engine ---------------------------------------------------------------- */

void
alert_policy_default(enum alert_rule rule, struct alert_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->enabled = 1;
	p->min_sources = 1;
	p->raise_holddown = 30 * 1000;
	p->clear_holddown = 60 * 1000;
	p->update_interval = 60 * 1000;
	switch (rule) {
	case ALERT_RULE_EXACT_PREFIX_HIJACK:
	case ALERT_RULE_SUBPREFIX_HIJACK:
	case ALERT_RULE_SQUATTING:
	case ALERT_RULE_ROUTE_LEAK:
	case ALERT_RULE_RPKI_INVALID:
	case ALERT_RULE_VISIBILITY_LOSS:
	case ALERT_RULE_PEERING_VISIBILITY_LOSS:
		p->severity = ALERT_SEV_CRITICAL;
		break;
	case ALERT_RULE_RTR_HEALTH:
	case ALERT_RULE_SESSION_HEALTH:
		p->severity = ALERT_SEV_ERROR;
		break;
	case ALERT_RULE_MOAS:
	case ALERT_RULE_TEST:
		p->severity = ALERT_SEV_INFO;
		break;
	default:
		p->severity = ALERT_SEV_WARNING;
		break;
	}
	if (rule == ALERT_RULE_TEST)
		p->raise_holddown = p->clear_holddown = 0;
}

struct alert_engine *
alert_engine_new(const struct alert_engine_params *params, alert_emit_fn emit, void *arg)
{
	struct alert_engine	*e;
	unsigned		 r;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->p.history_max = 256;
	e->p.firstseen_max = 65536;
	e->p.restore_grace = 300 * 1000;
	e->p.obs_max_per_alert = 16384;
	e->p.obs_max = 65536;
	e->p.alerts_max = 8192;
	if (params != NULL) {
		e->p = *params;
		if (e->p.firstseen_max == 0)
			e->p.firstseen_max = 1;
		if (e->p.obs_max_per_alert == 0)
			e->p.obs_max_per_alert = 16384;
		if (e->p.obs_max == 0)
			e->p.obs_max = 65536;
		if (e->p.alerts_max == 0)
			e->p.alerts_max = 8192;
	}
	e->emit = emit;
	e->arg = arg;
	e->next_id = 1;
	e->deadline = UINT64_MAX;
	for (r = 0; r <= ALERT_RULE_MAX; r++)
		alert_policy_default((enum alert_rule)r, &e->pol[r]);
	if (alert_htab_init(&e->alerts) == -1 || alert_htab_init(&e->obs) == -1 ||
	    alert_htab_init(&e->agg) == -1 || alert_htab_init(&e->fs) == -1) {
		alert_engine_free(e);
		return NULL;
	}
	return e;
}

static void
free_table(struct alert_htab *t, size_t off)
{
	struct alert_hnode	*n, *next;
	uint32_t		 i;

	if (t->b == NULL)
		return;
	for (i = 0; i <= t->mask; i++) {
		for (n = t->b[i]; n != NULL; n = next) {
			next = n->next;
			free((char *)n - off);
		}
	}
	alert_htab_free(t);
}

void
alert_engine_free(struct alert_engine *e)
{
	struct alert	*a, *next;

	if (e == NULL)
		return;
	/* Raised and history alerts are on the id list; pending ones only in the hash. */
	for (a = e->lhead; a != NULL; a = next) {
		next = a->lnext;
		if (a->state != ALERT_ST_CLEARED)
			alert_htab_remove(&e->alerts, &a->hn);
		free(a);
	}
	free_table(&e->alerts, offsetof(struct alert, hn));
	free_table(&e->obs, offsetof(struct alert_obs, hn));
	free_table(&e->agg, offsetof(struct alert_agg, hn));
	free_table(&e->fs, offsetof(struct alert_fs, hn));
	free(e);
}

int
alert_policy_set(struct alert_engine *e, enum alert_rule rule, const struct alert_policy *p)
{
	if (rule == ALERT_RULE_NONE || (unsigned)rule > ALERT_RULE_MAX)
		return -1;
	if (p->severity < ALERT_SEV_CRITICAL || p->severity > ALERT_SEV_INFO)
		return -1;
	if (p->rate_per_min != 0 && p->rate_burst == 0)
		return -1;
	e->pol[rule] = *p;
	if (e->pol[rule].min_sources == 0)
		e->pol[rule].min_sources = 1;
	e->rt[rule].tb_init = 0;	/* refill the bucket to the new size */
	recompute_deadline(e);		/* intervals may have changed */
	return 0;
}

const struct alert_policy *
alert_policy_get(const struct alert_engine *e, enum alert_rule rule)
{
	return (unsigned)rule <= ALERT_RULE_MAX ? &e->pol[rule] : NULL;
}

/* ---- output and rate limiting ---------------------------------------------- */

static void
bucket_refill(struct alert_engine *e, unsigned rule, uint64_t now)
{
	struct alert_rule_rt		*rt = &e->rt[rule];
	const struct alert_policy	*p = &e->pol[rule];
	uint64_t			 cap = (uint64_t)p->rate_burst * TOKEN;

	if (!rt->tb_init || now < rt->tb_last) {
		rt->tb_init = 1;
		rt->tokens = cap;
		rt->tb_last = now;
		return;
	}
	/* rate_per_min tokens per 60000 ms: exactly rate_per_min units per ms */
	rt->tokens += (now - rt->tb_last) * p->rate_per_min;
	if (rt->tokens > cap)
		rt->tokens = cap;
	rt->tb_last = now;
}

/* When the bucket of a rule holds one token again. */
static uint64_t
bucket_ready_at(const struct alert_engine *e, unsigned rule)
{
	const struct alert_rule_rt	*rt = &e->rt[rule];
	uint64_t			 deficit;

	if (rt->tokens >= TOKEN)
		return rt->tb_last;
	deficit = TOKEN - rt->tokens;
	return rt->tb_last + (deficit + e->pol[rule].rate_per_min - 1) /
	    e->pol[rule].rate_per_min;
}

static void
note_deadline(struct alert_engine *e, uint64_t t)
{
	if (t < e->deadline)
		e->deadline = t;
}

static void
emit_summary(struct alert_engine *e, unsigned rule, uint64_t now)
{
	struct alert		*s = &e->summary;
	struct alert_rule_rt	*rt = &e->rt[rule];

	memset(s, 0, sizeof(*s));
	s->key.rule = (uint8_t)rule;
	s->severity = e->pol[rule].severity;
	s->suppressed = rt->pending_summary;
	s->first_seen = s->last_seen = now;
	alert_u32_fmt(s->description, sizeof(s->description), "transitions suppressed by rate limit: ",
	    rt->pending_summary);
	rt->pending_summary = 0;
	e->cnt[rule].emitted++;
	if (e->emit != NULL)
		e->emit(s, ALERT_TR_SUPPRESSED, e->arg);
}

static void
withhold(struct alert_engine *e, unsigned rule, uint64_t now)
{
	e->cnt[rule].suppressed++;
	e->rt[rule].pending_summary++;
	if (e->pol[rule].rate_per_min != 0)
		note_deadline(e, bucket_ready_at(e, rule));
	else
		note_deadline(e, now);
}

/* Hands one transition to the outputs, or counts it as suppressed. */
static void
output(struct alert_engine *e, struct alert *a, enum alert_transition tr, uint64_t now)
{
	unsigned			 rule = a->key.rule;
	const struct alert_policy	*p = &e->pol[rule];
	struct alert_rule_rt		*rt = &e->rt[rule];

	if (tr != ALERT_TR_CLEARED) {
		a->last_notify = a->repeat_base = now;
		a->notified_sources = a->nsources;
		a->notified_prefixes = a->nprefixes;
		a->notified_severity = a->severity;
	}
	if (tr == ALERT_TR_CLEARED && !a->notified) {
		withhold(e, rule, now);
		return;
	}
	if (p->rate_per_min != 0) {
		bucket_refill(e, rule, now);
		if (rt->tokens >= TOKEN)
			rt->tokens -= TOKEN;
		else if (tr != ALERT_TR_CLEARED) {
			withhold(e, rule, now);
			return;
		}
		/* The clear of an alert outputs know about always goes out, so no
		 * alarm is left standing in an NMS; clears are bounded by the raises
		 * that went out, so the rate holds on average. */
	}
	if (rt->pending_summary != 0)
		emit_summary(e, rule, now);
	if (tr != ALERT_TR_CLEARED && !a->notified)
		tr = ALERT_TR_RAISED;
	if (tr != ALERT_TR_CLEARED)
		a->notified = 1;
	e->cnt[rule].emitted++;
	if (e->emit != NULL)
		e->emit(a, tr, e->arg);
}

/* ---- lifecycle ------------------------------------------------------------- */

static void
idlist_append(struct alert_engine *e, struct alert *a)
{
	a->lnext = NULL;
	a->lprev = e->ltail;
	if (e->ltail != NULL)
		e->ltail->lnext = a;
	else
		e->lhead = a;
	e->ltail = a;
}

static void
idlist_remove(struct alert_engine *e, struct alert *a)
{
	if (e->lcursor == a)
		e->lcursor = a->lprev;
	if (a->lprev != NULL)
		a->lprev->lnext = a->lnext;
	else
		e->lhead = a->lnext;
	if (a->lnext != NULL)
		a->lnext->lprev = a->lprev;
	else
		e->ltail = a->lprev;
}

void
alert_link_raised(struct alert_engine *e, struct alert *a)
{
	idlist_append(e, a);
}

static uint32_t
new_id(struct alert_engine *e)
{
	uint32_t id = e->next_id++;

	if (e->next_id == 0)
		e->next_id = 1;	/* 2^32 raises: wrap rather than hand out 0 */
	return id;
}

static void
do_raise(struct alert_engine *e, struct alert *a, uint64_t now)
{
	unsigned rule = a->key.rule;

	a->state = ALERT_ST_RAISED;
	a->id = new_id(e);
	a->raised_at = now;
	a->last_update = now;
	a->dirty = 0;
	idlist_append(e, a);
	e->cnt[rule].pending--;
	e->cnt[rule].active++;
	e->cnt[rule].raised++;
	e->state_gen++;
	output(e, a, ALERT_TR_RAISED, now);
}

static void
free_obs_of(struct alert_engine *e, struct alert *a)
{
	struct alert_obs	*o, *next;
	struct alert_agg	*g, *gnext;

	for (o = a->obs; o != NULL; o = next) {
		next = o->anext;
		alert_htab_remove(&e->obs, &o->hn);
		free(o);
	}
	for (g = a->aggs; g != NULL; g = gnext) {
		gnext = g->anext;
		alert_htab_remove(&e->agg, &g->hn);
		free(g);
	}
	a->obs = NULL;
	a->aggs = NULL;
}

static void
history_push(struct alert_engine *e, struct alert *a)
{
	struct alert *old;

	a->hist_next = NULL;
	if (e->hist_tail != NULL)
		e->hist_tail->hist_next = a;
	else
		e->hist_head = a;
	e->hist_tail = a;
	e->nhist++;
	while (e->nhist > e->p.history_max && (old = e->hist_head) != NULL) {
		e->hist_head = old->hist_next;
		if (e->hist_head == NULL)
			e->hist_tail = NULL;
		e->nhist--;
		idlist_remove(e, old);
		free(old);
	}
}

static void
do_clear(struct alert_engine *e, struct alert *a, enum alert_reason reason, uint64_t now)
{
	unsigned rule = a->key.rule;

	free_obs_of(e, a);
	alert_htab_remove(&e->alerts, &a->hn);
	a->state = ALERT_ST_CLEARED;
	a->reason = (uint8_t)reason;
	a->cleared_at = now;
	a->restored = 0;
	e->cnt[rule].active--;
	e->cnt[rule].cleared++;
	e->state_gen++;
	output(e, a, ALERT_TR_CLEARED, now);
	history_push(e, a);
}

static void
destroy_pending(struct alert_engine *e, struct alert *a)
{
	free_obs_of(e, a);
	alert_htab_remove(&e->alerts, &a->hn);
	e->cnt[a->key.rule].pending--;
	free(a);
}

/* The alert lost its last observation. */
static void
on_empty(struct alert_engine *e, struct alert *a, enum alert_reason reason, uint64_t now)
{
	switch (a->state) {
	case ALERT_ST_PENDING:
		destroy_pending(e, a);
		break;
	case ALERT_ST_RAISED:
		a->state = ALERT_ST_CLEAR_PENDING;
		a->reason = (uint8_t)reason;
		a->clear_at = now + e->pol[a->key.rule].clear_holddown;
		if (now >= a->clear_at)
			do_clear(e, a, reason, now);
		else
			note_deadline(e, a->clear_at);
		break;
	default:
		break;
	}
}

static uint64_t
due(const struct alert_engine *e, const struct alert *a)
{
	const struct alert_policy	*p = &e->pol[a->key.rule];
	uint64_t			 t = UINT64_MAX;

#define EARLIER(x) do { uint64_t _x = (x); if (_x < t) t = _x; } while (0)
	switch (a->state) {
	case ALERT_ST_PENDING:
		if (a->nsources >= p->min_sources)
			EARLIER(a->first_seen + p->raise_holddown);
		break;
	case ALERT_ST_RAISED:
		if (a->restored)
			EARLIER(a->restore_until);
		if (p->expire_after != 0)
			EARLIER(a->last_seen + p->expire_after);
		if (a->dirty)
			EARLIER(a->last_update + p->update_interval);
		if (p->repeat_interval != 0)
			EARLIER(a->repeat_base + p->repeat_interval);
		break;
	case ALERT_ST_CLEAR_PENDING:
		EARLIER(a->clear_at);
		break;
	default:
		break;
	}
#undef EARLIER
	return t;
}

static void
recompute_deadline(struct alert_engine *e)
{
	struct alert_hnode	*n;
	uint32_t		 i;
	unsigned		 r;

	e->deadline = UINT64_MAX;
	for (i = 0; i <= e->alerts.mask; i++)
		for (n = e->alerts.b[i]; n != NULL; n = n->next)
			note_deadline(e, due(e, ALERT_CONTAINER(n, struct alert, hn)));
	for (r = 1; r <= ALERT_RULE_MAX; r++)
		if (e->rt[r].pending_summary != 0)
			note_deadline(e, e->pol[r].rate_per_min != 0 && e->rt[r].tb_init ?
			    bucket_ready_at(e, r) : 0);
}

/* Runs whatever is due for one alert. */
static void
step(struct alert_engine *e, struct alert *a, uint64_t now)
{
	const struct alert_policy *p = &e->pol[a->key.rule];

	switch (a->state) {
	case ALERT_ST_PENDING:
		if (a->nsources >= p->min_sources && now >= a->first_seen + p->raise_holddown)
			do_raise(e, a, now);
		break;
	case ALERT_ST_RAISED:
		if (a->restored && now >= a->restore_until) {
			do_clear(e, a, ALERT_REASON_RESOLVED, now);
			return;
		}
		if (p->expire_after != 0 && now >= a->last_seen + p->expire_after) {
			do_clear(e, a, ALERT_REASON_EXPIRED, now);
			return;
		}
		if (a->dirty && now >= a->last_update + p->update_interval) {
			a->dirty = 0;
			a->last_update = now;
			a->updates++;
			e->cnt[a->key.rule].updated++;
			output(e, a, ALERT_TR_UPDATED, now);
		} else if (p->repeat_interval != 0 && now >= a->repeat_base + p->repeat_interval)
			output(e, a, ALERT_TR_REPEAT, now);
		break;
	case ALERT_ST_CLEAR_PENDING:
		if (now >= a->clear_at)
			do_clear(e, a, (enum alert_reason)a->reason, now);
		break;
	default:
		return;
	}
	if (a->state != ALERT_ST_CLEARED)
		note_deadline(e, due(e, a));
}

/* ---- observations ---------------------------------------------------------- */

static struct alert *
find_alert(const struct alert_engine *e, const struct alert_key *k, uint32_t h)
{
	struct alert_hnode	*n;
	struct alert		*a;

	for (n = e->alerts.b[h & e->alerts.mask]; n != NULL; n = n->next) {
		if (n->hash != h)
			continue;
		a = ALERT_CONTAINER(n, struct alert, hn);
		if (alert_key_eq(&a->key, k))
			return a;
	}
	return NULL;
}

const struct alert *
alert_find_key(const struct alert_engine *e, const struct alert_key *k)
{
	return find_alert(e, k, alert_key_hash(k));
}

static struct alert *
new_alert(struct alert_engine *e, const struct alert_key *k, uint32_t h, uint64_t now)
{
	struct alert *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->key = *k;
	a->key.victim[ALERT_VICTIM_MAX - 1] = '\0';
	a->key.disc[ALERT_DISC_MAX - 1] = '\0';
	a->state = ALERT_ST_PENDING;
	a->severity = ALERT_SEV_INFO + 1;
	a->notified_severity = ALERT_SEV_INFO + 1;
	a->first_seen = a->last_seen = now;
	if (prefix_parse_strict(a->key.victim, &a->victim_pfx) == -1)
		memset(&a->victim_pfx, 0, sizeof(a->victim_pfx));
	alert_htab_insert(&e->alerts, &a->hn, h);
	e->cnt[k->rule].pending++;
	return a;
}

static uint32_t
obs_hash(const struct alert *a, uint32_t src, const struct prefix *p)
{
	return alert_prefix_hash(mix(a->hash_seed, src), p);
}

static struct alert_obs *
find_obs(const struct alert_engine *e, const struct alert *a, uint32_t src,
    const struct prefix *p, uint32_t h)
{
	struct alert_hnode	*n;
	struct alert_obs	*o;

	for (n = e->obs.b[h & e->obs.mask]; n != NULL; n = n->next) {
		o = ALERT_CONTAINER(n, struct alert_obs, hn);
		if (n->hash == h && o->alert == a && o->source == src && alert_pfx_eq(&o->pfx, p))
			return o;
	}
	return NULL;
}

/* Per-alert aggregate counters: observations per source (kind 0) and per prefix
 * (kind 1), so sources and distinct prefixes are counted exactly. */
static struct alert_agg *
agg_get(struct alert_engine *e, struct alert *a, int kind, uint32_t src,
    const struct prefix *p, int create)
{
	struct alert_hnode	*n;
	struct alert_agg	*g;
	uint32_t		 h;

	h = kind ? alert_prefix_hash(mix(a->hash_seed, 0xa55a), p) : fmix(mix(a->hash_seed ^ 0x5aa5, src));
	for (n = e->agg.b[h & e->agg.mask]; n != NULL; n = n->next) {
		g = ALERT_CONTAINER(n, struct alert_agg, hn);
		if (n->hash == h && g->alert == a && g->kind == kind &&
		    (kind ? alert_pfx_eq(&g->pfx, p) : g->source == src))
			return g;
	}
	if (!create || (g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->alert = a;
	g->kind = (uint8_t)kind;
	g->source = src;
	if (kind)
		g->pfx = *p;
	g->anext = a->aggs;
	g->aprev = NULL;
	if (a->aggs != NULL)
		a->aggs->aprev = g;
	a->aggs = g;
	alert_htab_insert(&e->agg, &g->hn, h);
	return g;
}

static void
agg_del(struct alert_engine *e, struct alert *a, struct alert_agg *g)
{
	if (g->aprev != NULL)
		g->aprev->anext = g->anext;
	else
		a->aggs = g->anext;
	if (g->anext != NULL)
		g->anext->aprev = g->aprev;
	alert_htab_remove(&e->agg, &g->hn);
	free(g);
}

static void
sample_src_add(struct alert *a, uint32_t src)
{
	if (a->nsample_src < ALERT_SAMPLE_SOURCES)
		a->sample_src[a->nsample_src++] = src;
}

static void
sample_src_del(struct alert *a, uint32_t src)
{
	unsigned i;

	for (i = 0; i < a->nsample_src; i++) {
		if (a->sample_src[i] == src) {
			a->sample_src[i] = a->sample_src[--a->nsample_src];
			return;
		}
	}
}

static void
sample_pfx_add(struct alert *a, const struct prefix *p)
{
	if (p->af != PREFIX_AF_NONE && a->nsample_pfx < ALERT_SAMPLE_PREFIXES)
		a->sample_pfx[a->nsample_pfx++] = *p;
}

static void
sample_pfx_del(struct alert *a, const struct prefix *p)
{
	unsigned i;

	for (i = 0; i < a->nsample_pfx; i++) {
		if (alert_pfx_eq(&a->sample_pfx[i], p)) {
			memmove(&a->sample_pfx[i], &a->sample_pfx[i + 1],
			    (a->nsample_pfx - i - 1) * sizeof(a->sample_pfx[0]));
			if (--a->nsample_pfx == 0)
				a->last_pfx = *p;
			return;
		}
	}
}

/*
 * The prefix an output names for an alert: the victim when the key names a
 * prefix, else the first prefix now asserting it, else (a clearing or cleared
 * alert keyed by AS) the last prefix that did; af 0 when it never had one.
 */
const struct prefix *
alert_shown_prefix(const struct alert *a)
{
	if (a->victim_pfx.af != PREFIX_AF_NONE)
		return &a->victim_pfx;
	if (a->nsample_pfx > 0)
		return &a->sample_pfx[0];
	return &a->last_pfx;
}

/* Links a new observation and counts new sources / prefixes. */
static struct alert_obs *
obs_add(struct alert_engine *e, struct alert *a, uint32_t src, const struct prefix *p,
    uint32_t h)
{
	struct alert_obs	*o;
	struct alert_agg	*gs, *gp;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	gs = agg_get(e, a, 0, src, p, 1);
	gp = gs != NULL ? agg_get(e, a, 1, src, p, 1) : NULL;
	if (gp == NULL) {
		if (gs != NULL && gs->count == 0)
			agg_del(e, a, gs);
		free(o);
		return NULL;
	}
	if (gs->count++ == 0 && gs->over == 0) {
		a->nsources++;
		sample_src_add(a, src);
	}
	if (gp->count++ == 0 && gp->over == 0 && p->af != PREFIX_AF_NONE) {
		a->nprefixes++;
		sample_pfx_add(a, p);
	}
	o->alert = a;
	o->source = src;
	o->pfx = *p;
	o->anext = a->obs;
	if (a->obs != NULL)
		a->obs->aprev = o;
	a->obs = o;
	a->nobs++;
	alert_htab_insert(&e->obs, &o->hn, h);
	return o;
}

static void
src_gone(struct alert_engine *e, struct alert *a, struct alert_agg *g)
{
	sample_src_del(a, g->source);
	agg_del(e, a, g);
	a->nsources--;
}

static int
is_empty(const struct alert *a)
{
	return a->nobs == 0 && a->nobs_over == 0;
}

/* Past the tracking bounds: count the observation for its source only (one route
 * each). nprefixes becomes an estimate that never undercounts: an untracked
 * observation on a prefix already counted adds to that prefix's count instead. */
static int
over_add(struct alert_engine *e, struct alert *a, uint32_t src, const struct prefix *p)
{
	struct alert_agg	*g, *gp;

	if ((g = agg_get(e, a, 0, src, p, 1)) == NULL)
		return -1;
	if (g->count == 0 && g->over == 0) {
		a->nsources++;
		sample_src_add(a, src);
	}
	g->over++;
	if (p->af == PREFIX_AF_NONE)
		g->over_known++;	/* not about a prefix: counts none */
	else if ((gp = agg_get(e, a, 1, src, p, 0)) != NULL) {
		gp->over++;
		g->over_known++;
	} else
		a->nprefixes++;
	a->nobs_over++;
	a->routes++;
	return 0;
}

static void
pfx_gone(struct alert_engine *e, struct alert *a, struct alert_agg *gp)
{
	if (gp->pfx.af != PREFIX_AF_NONE) {
		a->nprefixes--;
		sample_pfx_del(a, &gp->pfx);
	}
	agg_del(e, a, gp);
}

/* Retract of an untracked observation: 0 if the source had one, else -1. */
static int
over_del(struct alert_engine *e, struct alert *a, uint32_t src, const struct prefix *p)
{
	struct alert_agg *g, *gp;

	if ((g = agg_get(e, a, 0, src, p, 0)) == NULL || g->over == 0)
		return -1;
	g->over--;
	gp = agg_get(e, a, 1, src, p, 0);
	if (p->af == PREFIX_AF_NONE) {
		if (g->over_known > 0)
			g->over_known--;
	} else if (gp != NULL && gp->over > 0) {
		if (g->over_known > 0)
			g->over_known--;
		if (--gp->over == 0 && gp->count == 0)
			pfx_gone(e, a, gp);
	} else if (a->nprefixes > 0)
		a->nprefixes--;
	if (g->over_known > g->over)
		g->over_known = g->over;
	a->nobs_over--;
	if (a->routes > 0)
		a->routes--;
	if (g->count == 0 && g->over == 0)
		src_gone(e, a, g);
	return 0;
}

/* Drops the untracked observations of an alert (of one source, or all if
 * all_src): they cannot be matched to retracts any more. For one source the
 * per-prefix counts they added stay (an overestimate until the alert ends). */
static void
over_drop(struct alert_engine *e, struct alert *a, int all_src, uint32_t src)
{
	struct alert_agg	*g, *next;
	uint32_t		 np;

	for (g = a->aggs; g != NULL; g = next) {
		next = g->anext;
		if (g->kind == 1 && all_src && g->over != 0) {
			g->over = 0;
			if (g->count == 0)
				pfx_gone(e, a, g);
			continue;
		}
		if (g->kind != 0 || g->over == 0 || (!all_src && g->source != src))
			continue;
		np = g->over - g->over_known;
		a->nobs_over -= g->over;
		a->nprefixes -= np < a->nprefixes ? np : a->nprefixes;
		a->routes -= g->over < a->routes ? g->over : a->routes;
		g->over = g->over_known = 0;
		if (g->count == 0)
			src_gone(e, a, g);
	}
}

/* Unlinks one observation; the caller handles an alert left empty. */
static void
obs_del(struct alert_engine *e, struct alert_obs *o)
{
	struct alert		*a = o->alert;
	struct alert_agg	*g;

	if ((g = agg_get(e, a, 0, o->source, &o->pfx, 0)) != NULL && --g->count == 0 &&
	    g->over == 0)
		src_gone(e, a, g);
	if ((g = agg_get(e, a, 1, o->source, &o->pfx, 0)) != NULL && --g->count == 0 &&
	    g->over == 0)
		pfx_gone(e, a, g);
	a->routes -= o->routes < a->routes ? o->routes : a->routes;
	if (o->aprev != NULL)
		o->aprev->anext = o->anext;
	else
		a->obs = o->anext;
	if (o->anext != NULL)
		o->anext->aprev = o->aprev;
	a->nobs--;
	alert_htab_remove(&e->obs, &o->hn);
	free(o);
}

static void
apply_evidence(struct alert_engine *e, struct alert *a, struct alert_obs *o, int fresh,
    const struct alert_evidence *ev)
{
	int32_t		 d = ev != NULL ? ev->route_delta : 0;
	uint8_t		 sev;
	int64_t		 r;

	if (fresh && d == 0)
		d = 1;
	if (o != NULL) {	/* untracked observations were counted by over_add() */
		r = (int64_t)o->routes + d;
		if (r < 0)
			r = 0;
		if (r > UINT32_MAX / 2)
			r = UINT32_MAX / 2;
		a->routes = a->routes - o->routes + (uint32_t)r;
		o->routes = (uint32_t)r;
	}
	sev = ev != NULL ? ev->severity : 0;
	if (sev < ALERT_SEV_CRITICAL || sev > ALERT_SEV_INFO)
		sev = e->pol[a->key.rule].severity;
	if (sev < a->severity)
		a->severity = sev;
	if (ev == NULL)
		return;
	if (ev->as_path != NULL)
		alert_copy_str(a->as_path, sizeof(a->as_path), ev->as_path);
	if (ev->matched != NULL)
		alert_copy_str(a->matched, sizeof(a->matched), ev->matched);
	if (ev->description != NULL)
		alert_copy_str(a->description, sizeof(a->description), ev->description);
}

/* A restored alert is first re-asserted: its counts restart from live evidence. */
static void
unrestore(struct alert *a)
{
	a->restored = 0;
	a->nsources = a->nprefixes = a->routes = 0;
	a->nsample_src = a->nsample_pfx = 0;
}

static const struct prefix no_prefix;

int
alert_assert(struct alert_engine *e, const struct alert_key *k, uint32_t src,
    const struct prefix *p, const struct alert_evidence *ev, uint64_t now)
{
	struct alert		*a;
	struct alert_obs	*o;
	uint32_t		 h, oh;

	if (k->rule == ALERT_RULE_NONE || k->rule > ALERT_RULE_MAX)
		return -1;
	if (!e->pol[k->rule].enabled) {
		e->cnt[k->rule].ignored++;
		return 0;
	}
	if (p == NULL)
		p = &no_prefix;
	h = alert_key_hash(k);
	if ((a = find_alert(e, k, h)) == NULL) {
		if (e->alerts.n >= e->p.alerts_max) {
			e->cnt[k->rule].refused++;
			return -1;
		}
		if ((a = new_alert(e, k, h, now)) == NULL)
			return -1;
		a->hash_seed = h;
	}
	if (a->restored)
		unrestore(a);
	oh = obs_hash(a, src, p);
	if ((o = find_obs(e, a, src, p, oh)) != NULL)
		apply_evidence(e, a, o, 0, ev);
	else if (a->nobs >= e->p.obs_max_per_alert || e->obs.n >= e->p.obs_max) {
		if (over_add(e, a, src, p) == -1)
			goto fail;
		apply_evidence(e, a, NULL, 1, ev);
	} else {
		if ((o = obs_add(e, a, src, p, oh)) == NULL)
			goto fail;
		apply_evidence(e, a, o, 1, ev);
	}
	if (o != NULL)
		o->gen = e->gen;
	a->last_seen = now;
	if (a->nsources > a->max_sources)
		a->max_sources = a->nsources;
	if (a->nprefixes > a->max_prefixes)
		a->max_prefixes = a->nprefixes;
	if (a->state == ALERT_ST_CLEAR_PENDING) {
		a->state = ALERT_ST_RAISED;	/* silently cancels the clear */
		a->reason = ALERT_REASON_NONE;
	}
	if (a->state == ALERT_ST_RAISED && (a->nsources > a->notified_sources ||
	    a->nprefixes > a->notified_prefixes || a->severity < a->notified_severity))
		a->dirty = 1;
	step(e, a, now);
	return 0;
fail:
	if (is_empty(a))
		on_empty(e, a, ALERT_REASON_RESOLVED, now);
	return -1;
}

int
alert_retract(struct alert_engine *e, const struct alert_key *k, uint32_t src,
    const struct prefix *p, uint64_t now)
{
	struct alert		*a;
	struct alert_obs	*o;

	if (k->rule == ALERT_RULE_NONE || k->rule > ALERT_RULE_MAX)
		return -1;
	if (p == NULL)
		p = &no_prefix;
	if ((a = find_alert(e, k, alert_key_hash(k))) == NULL)
		return 0;
	if ((o = find_obs(e, a, src, p, obs_hash(a, src, p))) != NULL)
		obs_del(e, o);
	else if (over_del(e, a, src, p) == -1)
		return 0;
	if (is_empty(a))
		on_empty(e, a, ALERT_REASON_RESOLVED, now);
	return 0;
}

void
alert_retract_source(struct alert_engine *e, uint32_t src, uint32_t keep, uint64_t now)
{
	struct alert_hnode	*n, *next;
	struct alert_obs	*o;
	struct alert		*a;
	uint32_t		 i;

	/* Rare (a session or BMP peer went down): a full walk is fine. Removing the
	 * current node never frees another observation, so `next` stays valid. */
	for (i = 0; i <= e->obs.mask; i++) {
		for (n = e->obs.b[i]; n != NULL; n = next) {
			next = n->next;
			o = ALERT_CONTAINER(n, struct alert_obs, hn);
			if (o->source != src || (keep & (1u << o->alert->key.rule)))
				continue;
			a = o->alert;
			obs_del(e, o);
			if (is_empty(a))
				on_empty(e, a, ALERT_REASON_SOURCE_GONE, now);
		}
	}
	/* Then the untracked ones. An empty alert has no aggregates left, so
	 * on_empty() frees none and `next` stays valid. */
	for (i = 0; i <= e->alerts.mask; i++) {
		for (n = e->alerts.b[i]; n != NULL; n = next) {
			next = n->next;
			a = ALERT_CONTAINER(n, struct alert, hn);
			if (a->nobs_over == 0 || (keep & (1u << a->key.rule)))
				continue;
			over_drop(e, a, 0, src);
			if (is_empty(a))
				on_empty(e, a, ALERT_REASON_SOURCE_GONE, now);
		}
	}
}

static int
in_mask(uint32_t mask, unsigned rule)
{
	return mask == 0 || (mask & (1u << rule)) != 0;
}

void
alert_reconcile_begin(struct alert_engine *e, uint32_t rule_mask)
{
	struct alert_hnode	*n;
	struct alert		*a;
	uint32_t		 i;

	e->gen++;
	e->recon_mask = rule_mask;
	/* Untracked observations cannot carry a generation: forget them; the rules'
	 * re-asserts count them again. Emptiness is only acted on at the end. */
	for (i = 0; i <= e->alerts.mask; i++) {
		for (n = e->alerts.b[i]; n != NULL; n = n->next) {
			a = ALERT_CONTAINER(n, struct alert, hn);
			if (a->nobs_over != 0 && in_mask(rule_mask, a->key.rule))
				over_drop(e, a, 1, 0);
		}
	}
}

void
alert_reconcile_end(struct alert_engine *e, enum alert_reason reason, uint64_t now)
{
	struct alert_hnode	*n, *next;
	struct alert_obs	*o;
	struct alert		*a;
	uint32_t		 i;

	for (i = 0; i <= e->obs.mask; i++) {
		for (n = e->obs.b[i]; n != NULL; n = next) {
			next = n->next;
			o = ALERT_CONTAINER(n, struct alert_obs, hn);
			if (o->gen != e->gen && in_mask(e->recon_mask, o->alert->key.rule))
				obs_del(e, o);
		}
	}
	for (i = 0; i <= e->alerts.mask; i++) {
		for (n = e->alerts.b[i]; n != NULL; n = next) {
			next = n->next;
			a = ALERT_CONTAINER(n, struct alert, hn);
			/* restored alerts wait for their own grace period */
			if (!is_empty(a) || a->restored ||
			    !in_mask(e->recon_mask, a->key.rule))
				continue;
			if (a->state == ALERT_ST_PENDING)
				destroy_pending(e, a);
			else if (a->state == ALERT_ST_RAISED ||
			    !e->pol[a->key.rule].enabled)
				do_clear(e, a, reason, now);
		}
	}
	e->recon_mask = 0;
}

/* ---- time ------------------------------------------------------------------ */

uint64_t
alert_tick(struct alert_engine *e, uint64_t now)
{
	struct alert_hnode	*n, *next;
	unsigned		 r;
	uint32_t		 i;

	e->deadline = UINT64_MAX;
	for (i = 0; i <= e->alerts.mask; i++) {
		for (n = e->alerts.b[i]; n != NULL; n = next) {
			next = n->next;
			step(e, ALERT_CONTAINER(n, struct alert, hn), now);
		}
	}
	/* Rate-limit summaries: sent once output of the rule may resume. */
	for (r = 1; r <= ALERT_RULE_MAX; r++) {
		if (e->rt[r].pending_summary == 0)
			continue;
		if (e->pol[r].rate_per_min != 0) {
			bucket_refill(e, r, now);
			if (e->rt[r].tokens < TOKEN) {
				note_deadline(e, bucket_ready_at(e, r));
				continue;
			}
		}
		emit_summary(e, r, now);
	}
	return e->deadline;
}

uint64_t
alert_next_deadline(const struct alert_engine *e)
{
	return e->deadline;
}

/* ---- accessors ------------------------------------------------------------- */

const struct alert *
alert_first(const struct alert_engine *e)
{
	return e->lhead;
}

const struct alert *
alert_next(const struct alert_engine *e, const struct alert *a)
{
	(void)e;
	return a->lnext;
}

const struct alert *
alert_find_id(const struct alert_engine *e, uint32_t id)
{
	const struct alert *a;

	for (a = e->lhead; a != NULL; a = a->lnext)
		if (a->id == id)
			return a;
	return NULL;
}

/*
 * The alert of the smallest id > id. A table walk (SNMP GETNEXT) asks for the
 * next id after the last answer: starting from the last answer (kept valid by
 * idlist_remove) makes each step O(1) instead of a scan from the head.
 */
const struct alert *
alert_find_next_id(const struct alert_engine *e, uint32_t id)
{
	struct alert_engine	*m = (struct alert_engine *)(uintptr_t)e;	/* the cursor only */
	struct alert		*a;

	a = m->lcursor != NULL && m->lcursor->id <= id ? m->lcursor : m->lhead;
	for (; a != NULL; a = a->lnext)	/* increasing ids */
		if (a->id > id)
			break;
	if (a != NULL)
		m->lcursor = a;
	return a;
}

int
alert_lifecycle(const struct alert *a)
{
	if (a->state == ALERT_ST_CLEARED)
		return ALERT_TR_CLEARED;
	return a->updates != 0 ? ALERT_TR_UPDATED : ALERT_TR_RAISED;
}

void
alert_counters_get(const struct alert_engine *e, enum alert_rule rule, struct alert_counters *c)
{
	unsigned r;

	if (rule != ALERT_RULE_NONE && (unsigned)rule <= ALERT_RULE_MAX) {
		*c = e->cnt[rule];
		return;
	}
	memset(c, 0, sizeof(*c));
	for (r = 1; r <= ALERT_RULE_MAX; r++) {
		c->active += e->cnt[r].active;
		c->pending += e->cnt[r].pending;
		c->raised += e->cnt[r].raised;
		c->updated += e->cnt[r].updated;
		c->cleared += e->cnt[r].cleared;
		c->suppressed += e->cnt[r].suppressed;
		c->emitted += e->cnt[r].emitted;
		c->ignored += e->cnt[r].ignored;
		c->refused += e->cnt[r].refused;
	}
}

uint32_t
alert_history_count(const struct alert_engine *e)
{
	return e->nhist;
}

uint32_t
alert_state_generation(const struct alert_engine *e)
{
	return e->state_gen;
}
