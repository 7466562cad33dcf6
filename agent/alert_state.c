/*
 * Persistence of the alert engine: the raised alerts, the id counter and the
 * first-seen store, so a restart neither re-raises what outputs already know nor
 * forgets which prefixes were seen before. Versioned binary, big-endian, CRC-32
 * (IEEE 802.3) trailer. The input is read from disk: treated as untrusted, every
 * field is bounds- and range-checked, and a refused file changes nothing.
 *
 *   "IXWA" u8 version(1) u8[3] zero  u32 next_id  u32 nalerts  alert*
 *   u32 nfirstseen  (prefix u32 origin u64 first)*  u32 crc32(all before)
 *   alert:  u8 rule u8 severity u8 notified u8 reserved(0)  str victim
 *           u32 offender u32 offender2  str disc  u32 id
 *           u64 first_seen last_seen raised_at last_notify
 *           u32 nsources nprefixes routes updates max_sources max_prefixes
 *           u8 n prefix*  u8 n u32-source*  str as_path matched description
 *   str: u8 length (< the field's size, no NUL) + bytes
 *   prefix: u8 af(1|2) u8 len + address bytes (4|16), host bits zero
 */
#include <stdlib.h>
#include <string.h>

#include "agent/alert.h"
#include "agent/alert_priv.h"

#define STATE_MAGIC	"IXWA"
#define STATE_VERSION	1

uint32_t
alert_state_crc32(const uint8_t *p, size_t n)
{
	uint32_t	 c = 0xffffffffu;
	int		 k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

static void
put_str(struct wbuf *wb, const char *s)
{
	size_t n = strlen(s);

	if (n > 255)
		n = 255;
	wbuf_put_u8(wb, (uint8_t)n);
	wbuf_put_bytes(wb, s, n);
}

static void
put_prefix(struct wbuf *wb, const struct prefix *p)
{
	wbuf_put_u8(wb, p->af);
	wbuf_put_u8(wb, p->len);
	wbuf_put_bytes(wb, p->addr, prefix_addrlen(p->af));
}

static void
put_alert(struct wbuf *wb, const struct alert *a)
{
	unsigned i;

	wbuf_put_u8(wb, a->key.rule);
	wbuf_put_u8(wb, a->severity);
	wbuf_put_u8(wb, a->notified);
	wbuf_put_u8(wb, 0);
	put_str(wb, a->key.victim);
	wbuf_put_u32(wb, a->key.offender);
	wbuf_put_u32(wb, a->key.offender2);
	put_str(wb, a->key.disc);
	wbuf_put_u32(wb, a->id);
	wbuf_put_u64(wb, a->first_seen);
	wbuf_put_u64(wb, a->last_seen);
	wbuf_put_u64(wb, a->raised_at);
	wbuf_put_u64(wb, a->last_notify);
	wbuf_put_u32(wb, a->nsources);
	wbuf_put_u32(wb, a->nprefixes);
	wbuf_put_u32(wb, a->routes);
	wbuf_put_u32(wb, a->updates);
	wbuf_put_u32(wb, a->max_sources);
	wbuf_put_u32(wb, a->max_prefixes);
	wbuf_put_u8(wb, a->nsample_pfx);
	for (i = 0; i < a->nsample_pfx; i++)
		put_prefix(wb, &a->sample_pfx[i]);
	wbuf_put_u8(wb, a->nsample_src);
	for (i = 0; i < a->nsample_src; i++)
		wbuf_put_u32(wb, a->sample_src[i]);
	put_str(wb, a->as_path);
	put_str(wb, a->matched);
	put_str(wb, a->description);
}

int
alert_state_save(const struct alert_engine *e, struct wbuf *wb)
{
	const struct alert	*a;
	const struct alert_fs	*f;
	size_t			 start = wb->len, cnt_off;
	uint32_t		 n = 0;

	wbuf_put_bytes(wb, STATE_MAGIC, 4);
	wbuf_put_u8(wb, STATE_VERSION);
	wbuf_put_bytes(wb, "\0\0\0", 3);
	wbuf_put_u32(wb, e->next_id);
	cnt_off = wb->len;
	wbuf_put_u32(wb, 0);
	for (a = e->lhead; a != NULL; a = a->lnext) {
		if (a->state == ALERT_ST_RAISED || a->state == ALERT_ST_CLEAR_PENDING) {
			put_alert(wb, a);
			n++;
		}
	}
	if (wb->err)
		return -1;
	wbuf_set_u32(wb, cnt_off, n);
	wbuf_put_u32(wb, e->fs.n);
	/* Oldest first, so loading rebuilds the same LRU order. */
	for (f = e->fs_tail; f != NULL; f = f->lprev) {
		put_prefix(wb, &f->pfx);
		wbuf_put_u32(wb, f->origin);
		wbuf_put_u64(wb, f->first);
	}
	if (wb->err)
		return -1;
	wbuf_put_u32(wb, alert_state_crc32(wb->buf + start, wb->len - start));
	return wb->err ? -1 : 0;
}

static int
get_str(struct rbuf *rb, char *dst, size_t size)
{
	uint8_t n;

	if (rbuf_get_u8(rb, &n) == -1 || n >= size || rbuf_get_bytes(rb, dst, n) == -1)
		return -1;
	dst[n] = '\0';
	return memchr(dst, '\0', n) == NULL ? 0 : -1;
}

static int
get_prefix(struct rbuf *rb, struct prefix *p)
{
	struct prefix	 m;

	memset(p, 0, sizeof(*p));
	if (rbuf_get_u8(rb, &p->af) == -1 || rbuf_get_u8(rb, &p->len) == -1)
		return -1;
	if (p->af != PREFIX_AF_IPV4 && p->af != PREFIX_AF_IPV6)
		return -1;
	if (p->len > prefix_maxlen(p->af) ||
	    rbuf_get_bytes(rb, p->addr, prefix_addrlen(p->af)) == -1)
		return -1;
	m = *p;
	prefix_mask(&m);
	return memcmp(m.addr, p->addr, sizeof(p->addr)) == 0 ? 0 : -1;
}

static int
get_samples(struct rbuf *rb, struct alert *a)
{
	uint8_t		 n;
	unsigned	 i;

	if (rbuf_get_u8(rb, &n) == -1 || n > ALERT_SAMPLE_PREFIXES)
		return -1;
	for (i = 0; i < n; i++)
		if (get_prefix(rb, &a->sample_pfx[i]) == -1)
			return -1;
	a->nsample_pfx = n;
	if (rbuf_get_u8(rb, &n) == -1 || n > ALERT_SAMPLE_SOURCES)
		return -1;
	for (i = 0; i < n; i++)
		if (rbuf_get_u32(rb, &a->sample_src[i]) == -1)
			return -1;
	a->nsample_src = n;
	return 0;
}

static int
get_alert(struct rbuf *rb, struct alert *a)
{
	uint8_t		 rsv;

	if (rbuf_get_u8(rb, &a->key.rule) == -1 || rbuf_get_u8(rb, &a->severity) == -1 ||
	    rbuf_get_u8(rb, &a->notified) == -1 || rbuf_get_u8(rb, &rsv) == -1)
		return -1;
	if (a->key.rule == ALERT_RULE_NONE || a->key.rule > ALERT_RULE_MAX ||
	    a->severity < ALERT_SEV_CRITICAL || a->severity > ALERT_SEV_INFO ||
	    a->notified > 1 || rsv != 0)
		return -1;
	if (get_str(rb, a->key.victim, sizeof(a->key.victim)) == -1 ||
	    rbuf_get_u32(rb, &a->key.offender) == -1 ||
	    rbuf_get_u32(rb, &a->key.offender2) == -1 ||
	    get_str(rb, a->key.disc, sizeof(a->key.disc)) == -1 ||
	    rbuf_get_u32(rb, &a->id) == -1 ||
	    rbuf_get_u64(rb, &a->first_seen) == -1 || rbuf_get_u64(rb, &a->last_seen) == -1 ||
	    rbuf_get_u64(rb, &a->raised_at) == -1 || rbuf_get_u64(rb, &a->last_notify) == -1 ||
	    rbuf_get_u32(rb, &a->nsources) == -1 || rbuf_get_u32(rb, &a->nprefixes) == -1 ||
	    rbuf_get_u32(rb, &a->routes) == -1 || rbuf_get_u32(rb, &a->updates) == -1 ||
	    rbuf_get_u32(rb, &a->max_sources) == -1 ||
	    rbuf_get_u32(rb, &a->max_prefixes) == -1 ||
	    get_samples(rb, a) == -1 ||
	    get_str(rb, a->as_path, sizeof(a->as_path)) == -1 ||
	    get_str(rb, a->matched, sizeof(a->matched)) == -1 ||
	    get_str(rb, a->description, sizeof(a->description)) == -1)
		return -1;
	if (a->id == 0)
		return -1;
	return 0;
}

/* Makes a parsed alert a restored, raised one (already notified if it was). */
static void
restore(struct alert *a, uint64_t now, uint32_t grace)
{
	a->state = ALERT_ST_RAISED;
	a->restored = 1;
	a->restore_until = now + grace;
	a->notified_sources = a->nsources;
	a->notified_prefixes = a->nprefixes;
	a->notified_severity = a->severity;
	a->last_update = now;
	a->repeat_base = now;	/* no burst of repeats right after a restart */
	a->hash_seed = alert_key_hash(&a->key);
	if (prefix_parse_strict(a->key.victim, &a->victim_pfx) == -1)
		memset(&a->victim_pfx, 0, sizeof(a->victim_pfx));
}

static void
rollback(struct alert_engine *e)
{
	struct alert *a, *next;

	for (a = e->lhead; a != NULL; a = next) {
		next = a->lnext;
		alert_htab_remove(&e->alerts, &a->hn);
		free(a);
	}
	e->lhead = e->ltail = e->lcursor = NULL;
}

static int
load_alerts(struct alert_engine *e, struct rbuf *rb, uint32_t next_id, uint64_t now)
{
	struct alert	*a;
	uint32_t	 n, i, last_id = 0, h;

	if (rbuf_get_u32(rb, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((a = calloc(1, sizeof(*a))) == NULL)
			return -1;
		h = 0;
		if (get_alert(rb, a) == -1 || a->id <= last_id ||
		    (next_id != 0 && a->id >= next_id) ||
		    alert_find_key(e, &a->key) != NULL) {
			free(a);
			return -1;
		}
		h = alert_key_hash(&a->key);
		last_id = a->id;
		restore(a, now, e->p.restore_grace);
		alert_htab_insert(&e->alerts, &a->hn, h);
		alert_link_raised(e, a);
	}
	return 0;
}

static int
check_firstseen(struct rbuf rb, uint32_t *np)
{
	struct prefix	 p;
	uint32_t	 n, i, origin;
	uint64_t	 first;

	if (rbuf_get_u32(&rb, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (get_prefix(&rb, &p) == -1 || rbuf_get_u32(&rb, &origin) == -1 ||
		    rbuf_get_u64(&rb, &first) == -1)
			return -1;
	*np = n;
	return rbuf_left(&rb) == 0 ? 0 : -1;
}

/* Second pass over an already checked section. */
static int
load_firstseen(struct alert_engine *e, struct rbuf *rb, uint32_t n)
{
	struct prefix	 p;
	uint32_t	 i, origin;
	uint64_t	 first;

	rbuf_skip(rb, 4);
	for (i = 0; i < n; i++) {
		if (get_prefix(rb, &p) == -1 || rbuf_get_u32(rb, &origin) == -1 ||
		    rbuf_get_u64(rb, &first) == -1)
			return -1;
		/* A duplicate means the file was not written by us: refuse it. (With
		 * more records than firstseen_max, the oldest are evicted.) */
		if (alert_fs_find(e, &p, origin) != NULL ||
		    alert_fs_add(e, &p, origin, first) == -1)
			return -1;
	}
	return 0;
}

static void
clear_firstseen(struct alert_engine *e)
{
	struct alert_fs *f, *next;

	for (f = e->fs_head; f != NULL; f = next) {
		next = f->lnext;
		alert_htab_remove(&e->fs, &f->hn);
		free(f);
	}
	e->fs_head = e->fs_tail = NULL;
}

int
alert_state_load(struct alert_engine *e, const uint8_t *data, size_t len, uint64_t now)
{
	struct rbuf	 rb;
	uint8_t		 hdr[8];
	uint32_t	 next_id, crc, nfs;
	unsigned	 r;

	if (e->alerts.n != 0 || e->lhead != NULL || e->fs.n != 0)
		return -1;
	if (data == NULL || len < 8 + 4 + 4 + 4 + 4)
		return -1;
	crc = be32_load(data + len - 4);
	if (crc != alert_state_crc32(data, len - 4))
		return -1;
	rbuf_init(&rb, data, len - 4);
	if (rbuf_get_bytes(&rb, hdr, sizeof(hdr)) == -1 ||
	    memcmp(hdr, STATE_MAGIC, 4) != 0 || hdr[4] != STATE_VERSION ||
	    hdr[5] != 0 || hdr[6] != 0 || hdr[7] != 0 ||
	    rbuf_get_u32(&rb, &next_id) == -1 || next_id == 0)
		goto fail;
	if (load_alerts(e, &rb, next_id, now) == -1 || check_firstseen(rb, &nfs) == -1)
		goto fail;
	if (load_firstseen(e, &rb, nfs) == -1)
		goto fail;
	e->next_id = next_id;
	for (r = 1; r <= ALERT_RULE_MAX; r++)
		e->cnt[r].active = 0;
	for (const struct alert *a = e->lhead; a != NULL; a = a->lnext) {
		e->cnt[a->key.rule].active++;
		if (a->restore_until < e->deadline)
			e->deadline = a->restore_until;
	}
	return 0;
fail:
	rollback(e);
	clear_firstseen(e);
	return -1;
}
